//! Helpers shared by the dev chain's integration tests.
#![allow(dead_code, unreachable_pub)]

use std::{path::PathBuf, sync::Arc};

use alloy_primitives::Bytes;
use slipway_config::{Config, DevnetSettings, Hardfork, Vars};
use slipway_devnet::{Mining, Node, NodeSettings, rpc::ServerHandle};

/// The fixture contract's creation code, compiled once with the real compiler.
pub fn fixture_bytecode() -> Bytes {
    static CODE: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    CODE.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("devnet-fixture");
        let text = format!(
            "[project]\nsrc = \"contracts/src\"\ntest = \"contracts/test\"\nout = \"{}\"\nlibs = []\n",
            out.join("out").display()
        );
        let config = Config::parse(&root, root.join("slipway.toml"), text, Vars::default()).expect("config");
        let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
            .expect("solc 0.8.20 (run scripts/test or slipway build once)");
        let report = slipway_solc::build(&config, &compiler, slipway_solc::Profile::Default).expect("build");
        assert!(!report.has_errors(), "{:#?}", report.diagnostics);
        let artifact = out.join("out/Fixture.sol/Fixture.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(artifact).expect("artifact")).expect("json");
        json["bytecode"]["object"].as_str().expect("bytecode").parse().expect("hex")
    })
    .clone()
}

/// Node settings for a test chain.
pub fn settings(state_dir: Option<PathBuf>, mining: Mining) -> NodeSettings {
    NodeSettings {
        devnet: DevnetSettings {
            accounts: 5,
            ..Default::default()
        },
        hardfork: Hardfork::default(),
        state_dir,
        fresh: false,
        mining,
        owner: "a test".into(),
        fork: None,
        forks: None,
    }
}

/// A node served on 127.0.0.1:0.
pub async fn spawn(state_dir: Option<PathBuf>, mining: Mining) -> (Arc<Node>, ServerHandle) {
    let settings = settings(state_dir, mining);
    let node = tokio::task::spawn_blocking(move || Node::open(&settings))
        .await
        .expect("join")
        .expect("open");
    let server = slipway_devnet::rpc::serve(node.clone(), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("serve");
    (node, server)
}

/// A raw JSON-RPC call; returns the whole response object.
pub async fn raw(url: &str, body: serde_json::Value) -> serde_json::Value {
    raw_text(url, body.to_string()).await.1
}

/// Calls `method` on `url`; its result (an error answer fails the test).
pub async fn rpc(url: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
    let body = raw(
        url,
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
    )
    .await;
    assert!(body.get("error").is_none(), "{method} on {url}: {body}");
    body["result"].clone()
}

/// Posts text; returns status and parsed body.
pub async fn raw_text(url: &str, body: String) -> (u16, serde_json::Value) {
    let response = slipway_testkit::http()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}
