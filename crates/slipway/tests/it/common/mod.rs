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

/// [`starter_project`] with the repository's npm packages linked in (Safe's
/// contracts among them).
pub fn starter_project_with_npm(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = starter_project(tmp);
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules"),
        dir.join("node_modules"),
    )
    .expect("node_modules");
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
    let devnet = slipway_config::DevnetSettings {
        chain_id,
        ..slipway_config::DevnetSettings::default()
    };
    node_of(state, devnet, mining).await
}

/// A fresh chain of `devnet`'s settings in `state`, served on a free port.
pub async fn node_of(
    state: &Path,
    devnet: slipway_config::DevnetSettings,
    mining: slipway_devnet::Mining,
) -> slipway_devnet::rpc::ServerHandle {
    let settings = slipway_devnet::NodeSettings {
        devnet,
        hardfork: slipway_config::Hardfork::default(),
        state_dir: Some(state.to_path_buf()),
        fresh: true,
        mining,
        owner: "test node".into(),
        fork: None,
        forks: None,
    };
    slipway_devnet::spawn(settings, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("node")
}

/// One JSON-RPC request; its `result`.
/// `account`'s transaction count at the head of the chain at `url`.
pub async fn nonce(url: &str, account: &str) -> u64 {
    let count = rpc(
        url,
        "eth_getTransactionCount",
        serde_json::json!([account, "latest"]),
    )
    .await;
    u64::from_str_radix(count.as_str().expect("hex").trim_start_matches("0x"), 16).expect("nonce")
}

pub async fn rpc(url: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
    let answer: serde_json::Value = slipway_testkit::http()
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

pub const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const DEV_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// The repository's suite, plan and configuration in `tmp/p` (the npm
/// packages linked, not copied).
pub fn repository_copy(tmp: &tempfile::TempDir) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(&dir).expect("dir");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .args(
            [
                "contracts",
                "deploy",
                "slipway.toml",
                "package.json",
                ".gas-snapshot",
            ]
            .map(|p| repo.join(p)),
        )
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(status.success());
    std::os::unix::fs::symlink(repo.join("node_modules"), dir.join("node_modules")).expect("link");
    dir
}

/// The validators and other accounts staging and production take from the
/// environment: dev accounts 1 to 6 here.
pub fn accounts(cmd: &mut assert_cmd::Command) {
    let addresses = [
        (
            "BRIDGE_GUARDIAN",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        ),
        (
            "BRIDGE_VALIDATOR_1",
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        ),
        (
            "BRIDGE_VALIDATOR_2",
            "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        ),
        (
            "BRIDGE_VALIDATOR_3",
            "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        ),
        (
            "BRIDGE_RECOVERY",
            "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
        ),
        (
            "BRIDGE_TREASURY",
            "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
        ),
    ];
    for (name, value) in addresses {
        cmd.env(name, value);
    }
}

/// A `slipway node` process, killed when dropped (a failing test leaves
/// none behind).
#[derive(Debug)]
pub struct NodeProcess(std::process::Child);

impl std::ops::Deref for NodeProcess {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for NodeProcess {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `slipway node --port 0 FLAGS` on the project at `root` (its
/// embedded chain, which the project's commands then reach through it)
/// and returns it with its URL.
pub fn slipway_node(root: &Path, flags: &[&str]) -> (NodeProcess, String) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["--root"])
        .arg(root)
        .args(["node", "--port", "0"])
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn slipway node");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("node exited before listening")
            .expect("read");
        if let Some(rest) = line.strip_prefix("Listening on ") {
            break rest.split_whitespace().next().expect("url").to_owned();
        }
    };
    // Keep draining stdout so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (NodeProcess(child), url)
}

/// Appends `text` to the project's slipway.toml.
pub fn append_config(root: &Path, text: &str) {
    let path = root.join("slipway.toml");
    let config = std::fs::read_to_string(&path).expect("slipway.toml");
    std::fs::write(&path, config + text).expect("slipway.toml");
}
