//! Running the `slipway` binary in the CLI tests.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `slipway --root ROOT --color never`, without the caller's RUST_LOG.
pub fn slipway(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("slipway").expect("binary");
    cmd.arg("--root")
        .arg(root)
        .arg("--color")
        .arg("never")
        .env_remove("RUST_LOG");
    cmd
}

/// A starter project (`slipway init --no-install`) at `tmp/p`.
pub fn starter_project(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = tmp.path().join("p");
    Command::cargo_bin("slipway")
        .expect("binary")
        .args(["init", "--no-install"])
        .arg(&dir)
        .assert()
        .success();
    dir
}

/// A chain with durable state in `state`, automining, as `slipway node`
/// serves it.
pub async fn node(state: &Path, chain_id: u64) -> slipway_devnet::rpc::ServerHandle {
    node_with(state, chain_id, slipway_devnet::Mining::Auto).await
}

/// [`node`] with the given block production.
pub async fn node_with(
    state: &Path,
    chain_id: u64,
    mining: slipway_devnet::Mining,
) -> slipway_devnet::rpc::ServerHandle {
    let settings = slipway_devnet::NodeSettings {
        devnet: slipway_config::DevnetSettings {
            chain_id,
            ..slipway_config::DevnetSettings::default()
        },
        hardfork: slipway_config::Hardfork::default(),
        state_dir: Some(state.to_path_buf()),
        fresh: true,
        mining,
        owner: "test node".into(),
    };
    slipway_devnet::spawn(settings, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("node")
}

/// One JSON-RPC request; its `result`.
pub async fn rpc(url: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(url)
        .json(&serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    answer["result"].clone()
}
