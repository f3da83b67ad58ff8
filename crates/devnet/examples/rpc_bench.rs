//! Load generator for bench/devnet.sh: the same JSON-RPC load against any node
//! (slipway's or Hardhat's), measured from the client side.
//!
//! ```text
//! rpc_bench transfers URL COUNT INFLIGHT   pre-signed ETH transfers via eth_sendRawTransaction,
//!                                          timed until every one has a receipt (mined)
//! rpc_bench calls URL COUNT INFLIGHT       eth_call of a view function
//! rpc_bench start URL -- CMD ARGS…         spawn CMD, time until URL answers
//! ```
//! Results are printed as one JSON line.

// A command-line tool: its results go to stdout.
#![allow(clippy::print_stdout)]

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use alloy_consensus::{TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use serde_json::{Value, json};

async fn rpc(
    client: &reqwest::Client,
    url: &str,
    method: &str,
    params: Value,
) -> Result<Value, String> {
    let body: Value = client
        .post(url)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    body.get("result").cloned().ok_or_else(|| body.to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Runs `count` jobs with `inflight` workers taking the next job as they free up.
async fn drive<F, Fut>(count: usize, inflight: usize, job: F) -> (Duration, Vec<Duration>)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..inflight {
        let (job, next) = (job.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= count {
                    return latencies;
                }
                let t = Instant::now();
                job(i).await;
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    all.sort();
    (elapsed, all)
}

async fn transfers(url: String, count: usize, inflight: usize) {
    let client = slipway_testkit::http();
    let chain_id = u64::from_str_radix(
        rpc(&client, &url, "eth_chainId", json!([]))
            .await
            .expect("chain id")
            .as_str()
            .expect("hex")
            .trim_start_matches("0x"),
        16,
    )
    .expect("id");
    let accounts = slipway_keys::derive_accounts(slipway_config::DEV_MNEMONIC, inflight as u32)
        .expect("accounts");
    // Worker w sends its own account's transfers in nonce order: `inflight`
    // requests are in flight at any time, none waiting on a nonce gap.
    let per = count.div_ceil(inflight);
    let mut signed: Vec<Vec<Bytes>> = Vec::new();
    let mut last_hashes = Vec::new();
    for account in &accounts {
        let nonce = rpc(
            &client,
            &url,
            "eth_getTransactionCount",
            json!([account.address, "pending"]),
        )
        .await
        .expect("nonce");
        let nonce = u64::from_str_radix(nonce.as_str().expect("hex").trim_start_matches("0x"), 16)
            .expect("nonce");
        let mut list = Vec::with_capacity(per);
        for k in 0..per as u64 {
            let tx = TxEip1559 {
                chain_id,
                nonce: nonce + k,
                gas_limit: 21_000,
                max_fee_per_gas: 200_000_000_000,
                max_priority_fee_per_gas: 1_000_000_000,
                to: TxKind::Call(Address::repeat_byte(0xee)),
                value: U256::from(1),
                access_list: Default::default(),
                input: Default::default(),
            };
            let envelope: TxEnvelope = account.sign(tx).expect("sign");
            list.push(envelope.encoded_2718().into());
            if k + 1 == per as u64 {
                last_hashes.push(*envelope.tx_hash());
            }
        }
        signed.push(list);
    }
    // One worker per account, each sending its own list in nonce order.
    let failures = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for list in signed {
        let (client, url, failures) = (client.clone(), url.clone(), failures.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(list.len());
            for raw in list {
                let t = Instant::now();
                if rpc(&client, &url, "eth_sendRawTransaction", json!([raw]))
                    .await
                    .is_err()
                {
                    failures.fetch_add(1, Ordering::SeqCst);
                }
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    // Some nodes answer before they mine: the phase ends when each
    // account's last transfer (and so, by nonce, all before it) is mined —
    // or, after two minutes, counts each account still behind as a failure.
    let deadline = Instant::now() + Duration::from_secs(120);
    for hash in last_hashes {
        loop {
            match rpc(&client, &url, "eth_getTransactionReceipt", json!([hash])).await {
                Ok(r) if !r.is_null() => break,
                Ok(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                _ => {
                    failures.fetch_add(1, Ordering::SeqCst);
                    break;
                }
            }
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    report(
        "transfers",
        per * inflight,
        failures.load(Ordering::SeqCst),
        elapsed,
        &latencies,
    );
}

async fn calls(url: String, count: usize, inflight: usize) {
    let client = slipway_testkit::http();
    let from = rpc(&client, &url, "eth_accounts", json!([]))
        .await
        .expect("accounts")[0]
        .clone();
    // Init code whose runtime returns 42 for any call.
    let init = "0x69602a60005260206000f3600052600a6016f3";
    let hash = rpc(
        &client,
        &url,
        "eth_sendTransaction",
        json!([{ "from": from, "data": init, "gas": "0x30000" }]),
    )
    .await
    .expect("deploy");
    let receipt = loop {
        let r = rpc(&client, &url, "eth_getTransactionReceipt", json!([hash]))
            .await
            .expect("receipt");
        if !r.is_null() {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let to = receipt["contractAddress"].clone();
    let failures = Arc::new(AtomicUsize::new(0));
    let f2 = failures.clone();
    let (elapsed, latencies) = drive(count, inflight, move |_| {
        let (client, url, to, failures) = (client.clone(), url.clone(), to.clone(), f2.clone());
        async move {
            match rpc(
                &client,
                &url,
                "eth_call",
                json!([{ "to": to, "data": "0x" }, "latest"]),
            )
            .await
            {
                Ok(v) if v.as_str().is_some_and(|s| s.ends_with("2a")) => {}
                _ => {
                    failures.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    })
    .await;
    report(
        "calls",
        count,
        failures.load(Ordering::SeqCst),
        elapsed,
        &latencies,
    );
}

fn report(kind: &str, count: usize, failures: usize, elapsed: Duration, latencies: &[Duration]) {
    println!(
        "{}",
        json!({
            "kind": kind,
            "requests": count,
            "failures": failures,
            "seconds": elapsed.as_secs_f64(),
            "per_second": count as f64 / elapsed.as_secs_f64(),
            "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99),
        })
    );
}

async fn start(url: String, command: Vec<String>) {
    slipway_testkit::install_crypto();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let mut child = tokio::process::Command::new(&command[0])
        .args(&command[1..])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    loop {
        if rpc(&client, &url, "eth_chainId", json!([])).await.is_ok() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no answer within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = started.elapsed();
    println!(
        "{}",
        json!({ "kind": "start", "ms": elapsed.as_secs_f64() * 1000.0 })
    );
    let _ = child.kill().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: rpc_bench transfers|calls URL COUNT INFLIGHT | rpc_bench start URL -- CMD…";
    let (Some(kind), Some(url)) = (args.first(), args.get(1)) else {
        panic!("{usage}")
    };
    let num = |i: usize| {
        args.get(i)
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("{usage}"))
    };
    match kind.as_str() {
        "transfers" => transfers(url.clone(), num(2), num(3)).await,
        "calls" => calls(url.clone(), num(2), num(3)).await,
        "start" => start(url.clone(), args[3..].to_vec()).await,
        _ => panic!("{usage}"),
    }
}
