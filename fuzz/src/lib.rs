//! What each fuzz target does with its input, as plain functions: the
//! `fuzz_targets/` binaries hand them libFuzzer's bytes, and the tests
//! replay the corpora through them on stable. Each answers (an error or a
//! value) and must never panic, hang or allocate without bound.

use std::path::Path;

use slipway_config::{Config, Vars};

/// Any bytes as `slipway.toml`: parsed, then every environment resolved
/// (all of them, even after one is refused). The first refusal, if any.
pub fn config(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    let root = Path::new("/fuzz");
    let config = Config::parse(
        root,
        root.join("slipway.toml"),
        text.to_owned(),
        Vars::default(),
    )
    .map_err(|e| e.to_string())?;
    let mut first = None;
    for name in config.environment_names() {
        if let Err(e) = config.environment(&name) {
            first.get_or_insert(e.to_string());
        }
    }
    first.map_or(Ok(()), Err)
}

/// Any bytes as a deploy plan for the development chain, checked against a
/// build of one `Counter` (`setNumber(uint256)`).
pub fn plan(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    let root = Path::new("/fuzz");
    let config = Config::parse(
        root,
        root.join("slipway.toml"),
        String::new(),
        Vars::default(),
    )
    .map_err(|e| e.to_string())?;
    let env = config
        .environment("development")
        .map_err(|e| e.to_string())?;
    slipway_deploy::Plan::parse(Path::new("deploy/fuzz.toml"), text, &env, &Vars::default())
        .and_then(|plan| plan.check(&counter_build()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Any bytes as a Web3 Secret Storage keystore, unlocked.
pub fn keystore(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    slipway_keys::Keystores::unlock_text(
        text,
        Path::new("fuzz.json"),
        &slipway_keys::Password::new("fuzz"),
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// Any bytes as a JSON-RPC request body to the dev chain: answered in
/// JSON-RPC form (or not at all, for notifications). The answer, if any.
pub fn rpc_request(data: &[u8]) -> Option<serde_json::Value> {
    use std::sync::{Arc, OnceLock};

    use slipway_devnet::{Mining, Node, NodeSettings, rpc::Ctx};

    static CTX: OnceLock<Option<(tokio::runtime::Runtime, Arc<Ctx>)>> = OnceLock::new();
    let (_runtime, ctx) = CTX
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            let settings = NodeSettings {
                devnet: Default::default(),
                hardfork: Default::default(),
                state_dir: None,
                fresh: false,
                mining: Mining::Auto,
                owner: "fuzz".into(),
                fork: None,
                forks: None,
            };
            let node = Node::open(&settings).ok()?;
            let ctx = runtime.block_on(async { Ctx::new(node) });
            Some((runtime, ctx))
        })
        .as_ref()?;
    slipway_devnet::rpc::handle_body(ctx, data)
}

fn counter_build() -> slipway_contracts::Artifacts {
    const ABI: &str = r#"[{"type":"constructor","inputs":[],"stateMutability":"nonpayable"},
        {"type":"function","name":"setNumber","inputs":[{"name":"n","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"}]"#;
    let abi: alloy_json_abi::JsonAbi = serde_json::from_str(ABI).unwrap_or_default();
    slipway_contracts::Artifacts::of(vec![slipway_contracts::Artifact {
        id: "src/Counter.sol:Counter".into(),
        name: "Counter".into(),
        abi,
        bytecode: vec![0x60, 0x00],
        links: Default::default(),
        deployed_bytecode: vec![0x00],
        deployed_links: Default::default(),
        immutables: Default::default(),
        raw_metadata: None,
    }])
}
