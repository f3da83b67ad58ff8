//! `slipway node` as a process: SIGKILL under load loses no acknowledged block.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
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
fn start(root: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["--root"])
        .arg(root)
        .args(["node", "--port", "0", "--automine", "--accounts", "4"])
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
    (child, url)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_transaction() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut child, url) = start(tmp.path());
    let client = slipway_testkit::http();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();

    let mut senders = Vec::new();
    for from in ACCOUNTS {
        let (client, url, acknowledged) = (client.clone(), url.clone(), acknowledged.clone());
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
        if acknowledged.lock().expect("lock").len() >= 150 {
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
    assert!(acknowledged.len() >= 150);

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
    for hash in &acknowledged {
        let receipt = call(&client, &url, "eth_getTransactionReceipt", json!([hash]))
            .await
            .expect("receipt call");
        assert_eq!(
            receipt["status"], "0x1",
            "acknowledged transaction {hash} lost after SIGKILL: {receipt}"
        );
    }
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
