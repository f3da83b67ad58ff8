//! `slipway verify` on the deploy fixture (a linked library, immutables,
//! constructor arguments, CREATE2) deployed to a node: everything matches,
//! with what was set aside named; code changed on chain, an immutable's
//! neighbour changed and tampered constructor arguments are caught; an
//! explorer that cannot be reached fails the command; `deploy --verify`.

use crate::common;

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, Bytes};
use common::{node, rpc, slipway};
use serde_json::{Value, json};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn project(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = tmp.path().join("p");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deploy"))
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(status.success());
    dir
}

fn staging(dir: &Path, url: &str, args: &[&str]) -> std::process::Output {
    slipway(dir)
        .args(args)
        .args(["--env", "staging"])
        .env("NODE_URL", url)
        .env("DEPLOYER_KEY", DEV_KEY)
        .env_remove("ETHERSCAN_API_KEY")
        .output()
        .expect("run")
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn verdicts(output: &std::process::Output) -> Vec<Value> {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("json: {}", text(output)))
}

fn vault(dir: &Path) -> Address {
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("deployments/staging/Vault.json")).expect("record"),
    )
    .expect("json");
    record["address"]
        .as_str()
        .expect("address")
        .parse()
        .expect("address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployed_code_matches_the_build_and_changes_are_caught() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let chain = node(&tmp.path().join("chain"), 1337).await;
    let deployed = staging(&dir, &chain.url, &["deploy"]);
    assert!(deployed.status.success(), "{}", text(&deployed));

    let all = staging(&dir, &chain.url, &["verify", "--no-sourcify", "--json"]);
    assert!(all.status.success(), "{}", text(&all));
    let all = verdicts(&all);
    let by_name = |name: &str| all.iter().find(|v| v["name"] == name).cloned().expect(name);
    let set_aside = |v: &Value| v["bytecode"]["set_aside"].to_string();
    assert!(
        set_aside(&by_name("Vault")).contains("1 linked library"),
        "{all:?}"
    );
    assert!(
        set_aside(&by_name("Vault")).contains("immutable"),
        "{all:?}"
    );
    assert!(
        set_aside(&by_name("Vault")).contains("metadata hash"),
        "{all:?}"
    );
    assert!(
        set_aside(&by_name("Fees")).contains("call protection"),
        "{all:?}"
    );
    assert_eq!(by_name("Registry")["bytecode"]["result"], "match");
    assert_eq!(by_name("Vault")["arguments"]["result"], "match");
    assert_eq!(
        by_name("Vault")["etherscan"]["reason"],
        "set ETHERSCAN_API_KEY"
    );

    // The immutable slot itself may hold anything; the byte after it not.
    let artifact: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("out/Vault.sol/Vault.json")).expect("artifact"),
    )
    .expect("json");
    let slots = artifact["deployedBytecode"]["immutableReferences"]
        .as_object()
        .expect("immutables")
        .values()
        .next()
        .expect("one immutable")
        .clone();
    let start = slots[0]["start"].as_u64().expect("start") as usize;
    let length = slots[0]["length"].as_u64().expect("length") as usize;
    let address = vault(&dir);
    let original: Bytes =
        serde_json::from_value(rpc(&chain.url, "eth_getCode", json!([address, "latest"])).await)
            .expect("code");
    let set_code = |code: Vec<u8>| {
        let url = chain.url.clone();
        async move {
            rpc(&url, "anvil_setCode", json!([address, Bytes::from(code)])).await;
        }
    };
    let mut inside = original.to_vec();
    inside[start + 3] ^= 0xff;
    set_code(inside).await;
    let ok = staging(&dir, &chain.url, &["verify", "Vault", "--no-sourcify"]);
    assert!(
        ok.status.success(),
        "an immutable's value is set aside: {}",
        text(&ok)
    );

    let mut after = original.to_vec();
    after[start + length] ^= 0xff;
    set_code(after).await;
    let changed = staging(
        &dir,
        &chain.url,
        &["verify", "Vault", "--no-sourcify", "--json"],
    );
    assert!(!changed.status.success());
    let reason = verdicts(&changed)[0]["bytecode"]["reason"].to_string();
    assert!(
        reason.contains(&format!("differs at byte {}", start + length)),
        "{reason}"
    );

    // Code changed far from any slot.
    set_code(original.to_vec()).await;
    let mut middle = original.to_vec();
    let at = original.len() / 3;
    middle[at] ^= 0x01;
    set_code(middle).await;
    let changed = staging(
        &dir,
        &chain.url,
        &["verify", "Vault", "--no-sourcify", "--json"],
    );
    assert!(!changed.status.success());
    set_code(original.to_vec()).await;

    // A record whose constructor arguments are not the transaction's.
    let path = dir.join("deployments/staging/Vault.json");
    let record = std::fs::read_to_string(&path).expect("record");
    let tampered = record.replace(
        "0000000000000000000000000000000000000000000000000000000000000019\"",
        "000000000000000000000000000000000000000000000000000000000000001a\"",
    );
    assert_ne!(tampered, record, "the fee argument (25) is in the record");
    std::fs::write(&path, tampered).expect("write");
    let wrong = staging(
        &dir,
        &chain.url,
        &["verify", "Vault", "--no-sourcify", "--json"],
    );
    assert!(!wrong.status.success());
    let reason = verdicts(&wrong)[0]["arguments"]["reason"].to_string();
    assert!(reason.contains("constructor arguments"), "{reason}");
    std::fs::write(&path, record).expect("restore");

    // An explorer that cannot be reached fails the command.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}/server/v2", listener.local_addr().expect("addr"));
    drop(listener);
    let unreachable = slipway(&dir)
        .args(["verify", "Registry", "--env", "staging", "--json"])
        .env("NODE_URL", &chain.url)
        .env("SLIPWAY_SOURCIFY_URL", &closed)
        .output()
        .expect("run");
    assert!(!unreachable.status.success());
    assert_eq!(verdicts(&unreachable)[0]["sourcify"]["result"], "failed");
    let reason = verdicts(&unreachable)[0]["sourcify"]["reason"].to_string();
    assert!(
        !reason.contains("/server/v2"),
        "the URL is redacted: {reason}"
    );
    assert!(
        reason.contains("/***: connection refused"),
        "the cause, with the redacted URL: {reason}"
    );
    chain.stop().await;

    // `deploy --verify` checks what it deployed (explorers skip the local chain).
    let local = slipway(&dir)
        .args(["deploy", "--verify"])
        .output()
        .expect("deploy");
    assert!(local.status.success(), "{}", text(&local));
    let shown = String::from_utf8_lossy(&local.stdout);
    assert!(shown.contains("skipped (a local chain)"), "{shown}");
    assert_eq!(shown.matches("match; set aside").count(), 3, "{shown}");
}
