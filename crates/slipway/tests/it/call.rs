//! `slipway call` and `slipway send` on the development chain, served by a
//! node that holds the chain's files (reached through its owner lock):
//! a read, a transaction followed to confirmation, a decoded revert, and
//! bad input refused before anything is sent.

use crate::common;

use common::{rpc, slipway, starter_project};
use std::net::TcpListener;

use predicates::prelude::*;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_and_send_reach_the_development_chain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    slipway(&dir).arg("build").assert().success();
    let artifact: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("out/Counter.sol/Counter.json")).expect("artifact"),
    )
    .expect("json");
    let bytecode = artifact["bytecode"]["object"]
        .as_str()
        .expect("bytecode")
        .to_owned();

    // A node holding the project's chain, as `slipway node` would.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let config = slipway_config::Config::load(&dir).expect("config");
    let env = config.environment("development").expect("development");
    let slipway_config::Target::Embedded(devnet) = env.target.clone() else {
        panic!("development is embedded")
    };
    let settings = slipway_devnet::NodeSettings {
        devnet: devnet.clone(),
        hardfork: env.hardfork,
        state_dir: Some(config.path(&devnet.state_dir)),
        fresh: true,
        mining: slipway_devnet::Mining::Auto,
        owner: "slipway node".into(),
        fork: None,
        forks: None,
    };
    let node = slipway_devnet::spawn(settings, format!("127.0.0.1:{port}").parse().expect("addr"))
        .await
        .expect("node");
    let deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let hash = rpc(
        &node.url,
        "eth_sendTransaction",
        json!([{ "from": deployer, "data": bytecode }]),
    )
    .await;
    let receipt = rpc(&node.url, "eth_getTransactionReceipt", json!([hash])).await;
    let counter = receipt["contractAddress"]
        .as_str()
        .expect("deployed")
        .to_owned();

    let run = move |args: Vec<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || slipway(&dir).args(args).assert())
    };
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    run(args(&["call", &counter, "number()(uint256)"]))
        .await
        .expect("join")
        .success()
        .stdout("0\n");
    run(args(&["send", &counter, "setNumber(uint256)", "41"]))
        .await
        .expect("join")
        .success()
        .stdout(predicate::str::starts_with("0x"))
        .stderr(predicate::str::contains("Confirmed block"));
    run(args(&["send", &counter, "increment()"]))
        .await
        .expect("join")
        .success();
    run(args(&["call", &counter, "number()(uint256)"]))
        .await
        .expect("join")
        .success()
        .stdout("42\n");

    // A revert is decoded (the custom error's selector, without the ABI).
    run(args(&["call", &counter, "decrement()"]))
        .await
        .expect("join")
        .success();
    run(args(&["send", &counter, "setNumber(uint256)", "0"]))
        .await
        .expect("join")
        .success();
    run(args(&["call", &counter, "decrement()"]))
        .await
        .expect("join")
        .code(1)
        // The starter's `Counter` declares `error Underflow()`: decoded from
        // the build's artifacts although the address names no record.
        .stderr(predicate::str::contains("reverted: Underflow()"));

    // Bad input: refused before connecting.
    run(args(&["call", &counter, "setNumber(uint256)"]))
        .await
        .expect("join")
        .failure()
        .stderr(predicate::str::contains("takes 1 argument, 0 given"));
    run(args(&["call", &counter, "setNumber(uint256)", "lots"]))
        .await
        .expect("join")
        .failure()
        .stderr(predicate::str::contains("argument `lots` is not a uint256"));
    run(args(&["call", &counter, "not a signature"]))
        .await
        .expect("join")
        .failure()
        .stderr(predicate::str::contains("is not a function signature"));
    node.stop().await;
}
