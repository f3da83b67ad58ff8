//! What a dead first provider costs: 200 `eth_blockNumber` requests through
//! [dead, healthy] against [healthy] alone, for a provider that refuses
//! connections and for one that accepts and never answers (500 ms timeout).
//!
//! `cargo run --release -p slipway-chain --example failover_bench`
//! (used by `bench/chain.sh`).

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use serde_json::json;
use slipway_chain::Providers;
use slipway_config::{DevnetSettings, Hardfork, RpcUrl};
use slipway_devnet::{Mining, NodeSettings};

const REQUESTS: usize = 200;
const TIMEOUT: Duration = Duration::from_millis(500);

fn url(text: &str) -> RpcUrl {
    RpcUrl::new(text.parse().expect("url"), false)
}

/// (first request, mean of the rest), in milliseconds.
async fn measure(providers: &Providers) -> (f64, f64) {
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let started = Instant::now();
        let _: String = providers
            .request("eth_blockNumber", json!([]))
            .await
            .expect("answered");
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let rest = &times[1..];
    (times[0], rest.iter().sum::<f64>() / rest.len() as f64)
}

#[tokio::main]
async fn main() {
    let settings = NodeSettings {
        devnet: DevnetSettings::default(),
        hardfork: Hardfork::default(),
        state_dir: None,
        fresh: false,
        mining: Mining::Auto,
        owner: "failover bench".into(),
        fork: None,
        forks: None,
    };
    let node = slipway_devnet::spawn(settings, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("node");

    // Refuses connections: a port nothing listens on.
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        format!("http://127.0.0.1:{port}/")
    };
    // Accepts and never answers.
    let silent_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let silent = format!("http://{}/", silent_listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent_listener.accept().await {
            held.push(socket);
        }
    });

    let alone = Providers::new(vec![url(&node.url)], TIMEOUT).expect("providers");
    let (first, rest) = measure(&alone).await;
    println!("healthy alone:            first {first:7.2} ms, then {rest:.3} ms/request");
    for (name, dead) in [("refusing", &refused), ("silent (500 ms timeout)", &silent)] {
        let providers =
            Providers::new(vec![url(dead), url(&node.url)], TIMEOUT).expect("providers");
        let (first, rest) = measure(&providers).await;
        let tries = providers.health()[0].1.errors;
        println!(
            "{name:<25} first {first:7.2} ms, then {rest:.3} ms/request; dead provider tried {tries} time(s)"
        );
    }
}
