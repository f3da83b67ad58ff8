//! `slipway node` as a process: SIGKILL under load loses no acknowledged
//! transaction, mined at once or waiting in the pool.

use std::{
    process::Child,
    sync::{Arc, Mutex},
};

use serde_json::{Value, json};

const ACCOUNTS: [&str; 4] = [
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
];

/// Starts `slipway node` on port 0 and returns it with its URL.
fn start(root: &std::path::Path) -> (crate::common::NodeProcess, String) {
    start_mining(root, &["--automine"])
}

/// Starts `slipway node` on port 0 with the given mining flags.
fn start_mining(root: &std::path::Path, mining: &[&str]) -> (crate::common::NodeProcess, String) {
    let mut flags = vec!["--accounts", "4"];
    flags.extend_from_slice(mining);
    crate::common::slipway_node(root, &flags)
}

async fn call(
    client: &reqwest::Client,
    url: &str,
    method: &str,
    params: Value,
) -> Result<Value, String> {
    let response = client
        .post(url)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    match body.get("result") {
        Some(r) => Ok(r.clone()),
        None => Err(body.to_string()),
    }
}

/// Sends transfers from every account until the node dies, which happens
/// once `kill_after` were acknowledged; returns their hashes.
async fn send_until_killed(
    client: &reqwest::Client,
    url: &str,
    child: &mut Child,
    kill_after: usize,
) -> Vec<String> {
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut senders = Vec::new();
    for from in ACCOUNTS {
        let (client, url, acknowledged) = (client.clone(), url.to_owned(), acknowledged.clone());
        senders.push(tokio::spawn(async move {
            // Until the node dies under us.
            while let Ok(hash) = call(
                &client,
                &url,
                "eth_sendTransaction",
                json!([{ "from": from, "to": "0x00000000000000000000000000000000000000ee", "value": "0x1", "gas": "0x5208" }]),
            )
            .await
            {
                acknowledged.lock().expect("lock").push(hash.as_str().expect("hash").to_owned());
            }
        }));
    }
    // Kill once a good number of transactions were acknowledged.
    loop {
        if acknowledged.lock().expect("lock").len() >= kill_after {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for s in senders {
        s.await.expect("sender");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= kill_after);
    acknowledged
}

/// Every hash has a successful receipt.
async fn assert_all_mined(client: &reqwest::Client, url: &str, hashes: &[String]) {
    for hash in hashes {
        let receipt = call(client, url, "eth_getTransactionReceipt", json!([hash]))
            .await
            .expect("receipt call");
        assert_eq!(
            receipt["status"], "0x1",
            "acknowledged transaction {hash} lost after SIGKILL: {receipt}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_transaction() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut child, url) = start(tmp.path());
    let client = slipway_testkit::http();
    let acknowledged = send_until_killed(&client, &url, &mut child, 150).await;

    let (mut child, url) = start(tmp.path());
    let head = call(&client, &url, "eth_blockNumber", json!([]))
        .await
        .expect("block number");
    let head = u64::from_str_radix(head.as_str().expect("hex").trim_start_matches("0x"), 16)
        .expect("number");
    assert!(
        head >= acknowledged.len() as u64,
        "{head} blocks for {} acknowledged transactions",
        acknowledged.len()
    );
    assert_all_mined(&client, &url, &acknowledged).await;
    // The sink received exactly what the chain says it did.
    let balance = call(
        &client,
        &url,
        "eth_getBalance",
        json!(["0x00000000000000000000000000000000000000ee", "latest"]),
    )
    .await
    .expect("balance");
    let balance = u64::from_str_radix(balance.as_str().expect("hex").trim_start_matches("0x"), 16)
        .expect("number");
    assert!(balance >= acknowledged.len() as u64);
    assert_eq!(
        balance, head,
        "one wei per mined transfer, one transfer per block"
    );
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

/// Under interval mining a transaction waits in the pool after its hash is
/// returned. The block time here is an hour, so every acknowledged
/// transaction is still pending when the node is killed: each must be
/// there after the restart, and mined by the next block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_interval_mining_loses_no_pending_transaction() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut child, url) = start_mining(tmp.path(), &["--block-time", "3600"]);
    let client = slipway_testkit::http();
    let acknowledged = send_until_killed(&client, &url, &mut child, 150).await;

    let (mut child, url) = start_mining(tmp.path(), &["--block-time", "3600"]);
    let status = call(&client, &url, "txpool_status", json!([]))
        .await
        .expect("txpool_status");
    // A transaction made durable whose answer the kill cut off is there
    // too: at least every acknowledged one.
    let pending = status["pending"].as_str().expect("hex");
    let pending = u64::from_str_radix(pending.trim_start_matches("0x"), 16).expect("count");
    assert!(
        pending >= acknowledged.len() as u64,
        "{pending} pending after the restart, {} acknowledged",
        acknowledged.len()
    );
    call(&client, &url, "evm_mine", json!([]))
        .await
        .expect("mine");
    assert_all_mined(&client, &url, &acknowledged).await;
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

/// SIGTERM (what `kill PID` sends) stops the node cleanly: exit 0, and the
/// chain is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_node_cleanly_and_keeps_the_chain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut child, url) = start(tmp.path());
    let client = slipway_testkit::http();
    call(&client, &url, "evm_mine", json!([]))
        .await
        .expect("mine");
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("reaped");
    assert!(status.success(), "{status:?}");
    let (mut child, url) = start(tmp.path());
    let head = call(&client, &url, "eth_blockNumber", json!([]))
        .await
        .expect("head");
    assert_eq!(head, "0x1");
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

/// Deleting `owner.lock` under a running node used to let a second node
/// start on the same chain, both acknowledging transactions until the log
/// was damaged for good. Now the first node finds its lock gone before its
/// next write, writes nothing, and exits 2 saying why; the second one owns
/// the chain alone, and the log stays whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_whose_lock_file_is_deleted_stops_without_writing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut first, first_url) = start(tmp.path());
    let client = slipway_testkit::http();
    call(&client, &first_url, "evm_mine", json!([]))
        .await
        .expect("mine");
    std::fs::remove_file(tmp.path().join(".slipway/devnet/owner.lock")).expect("delete the lock");
    let (mut second, second_url) = start(tmp.path());
    call(&client, &second_url, "evm_mine", json!([]))
        .await
        .expect("the second node mines");

    let refused = call(&client, &first_url, "evm_mine", json!([]))
        .await
        .expect_err("the first node must not write");
    assert!(
        refused.contains("lock file was deleted or replaced"),
        "{refused}"
    );
    let status = first.wait().expect("the first node exits");
    assert_eq!(status.code(), Some(2), "{status:?}");

    // The second node goes on; the log is whole when it restarts.
    call(&client, &second_url, "evm_mine", json!([]))
        .await
        .expect("mine");
    second.kill().expect("stop");
    second.wait().expect("reaped");
    let (mut again, url) = start(tmp.path());
    let head = call(&client, &url, "eth_blockNumber", json!([]))
        .await
        .expect("the log reads back");
    assert_eq!(
        head, "0x3",
        "one block from the first node, two from the second"
    );
    again.kill().expect("stop");
    again.wait().expect("reaped");
}
