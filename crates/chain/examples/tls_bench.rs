//! What TLS costs per JSON-RPC request once the connection is open: anvil
//! behind one nginx (stream module) that forwards a plain port and a TLS
//! port to it, `eth_blockNumber` through slipway's providers over each,
//! with keep-alive, in alternating rounds so drift hits both alike. The
//! first request of each (connection set-up, and the TLS handshake) is
//! reported apart.
//!
//! `cargo run --release -p slipway-chain --example tls_bench [REQUESTS]`
//! (used by `bench/tls.sh`; needs Debian's nginx and libnginx-mod-stream,
//! and `npm ci` for anvil).

#![allow(clippy::print_stdout)]

use std::{
    net::TcpStream,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::json;
use slipway_chain::Providers;
use slipway_config::RpcUrl;
use slipway_net::{HttpClient, NetSettings, ProxySettings, Timeouts, Trust};
use slipway_testkit::{Anvil, TestCa, free_port};

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers (a SIGKILL would orphan them).
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.wait();
    }
}

fn nginx(dir: &std::path::Path, backend: std::net::SocketAddr, ca: &TestCa) -> (Nginx, u16, u16) {
    let cert = ca.server(&["127.0.0.1"]);
    let (plain, tls) = (free_port(), free_port());
    let config = dir.join("nginx.conf");
    std::fs::write(
        &config,
        format!(
            "load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n\
             worker_processes 1;\npid {pid};\nerror_log stderr warn;\n\
             events {{ worker_connections 64; }}\n\
             stream {{\n  upstream anvil {{ server {backend}; }}\n\
               server {{ listen 127.0.0.1:{plain}; proxy_pass anvil; }}\n\
               server {{ listen 127.0.0.1:{tls} ssl; ssl_certificate {cert}; ssl_certificate_key {key}; proxy_pass anvil; }}\n}}\n",
            pid = dir.join("nginx.pid").display(),
            cert = cert.cert.display(),
            key = cert.key.display(),
        ),
    )
    .expect("nginx.conf");
    let child = Command::new("nginx")
        .args(["-p"])
        .arg(dir)
        .arg("-c")
        .arg(&config)
        .args(["-g", "daemon off;"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("nginx (apt-get install nginx-core libnginx-mod-stream)");
    let started = Instant::now();
    while [plain, tls]
        .iter()
        .any(|p| TcpStream::connect(("127.0.0.1", *p)).is_err())
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not listen"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (Nginx(child), plain, tls)
}

async fn one(providers: &Providers) -> f64 {
    let started = Instant::now();
    let _: String = providers
        .request("eth_blockNumber", json!([]))
        .await
        .expect("answered");
    started.elapsed().as_secs_f64() * 1e6
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let dir = tempfile::tempdir().expect("dir");
    let ca = TestCa::new();
    let anvil = Anvil::start(1337, &[]);
    let (_nginx, plain, tls) = nginx(dir.path(), anvil.addr(), &ca);
    let settings = NetSettings {
        trust: Trust::only(ca.root()),
        proxy: ProxySettings::none(),
        hosts: Vec::new(),
        system_dns: false,
    };
    let connect = |url: String| {
        let client =
            HttpClient::new(&settings, Timeouts::uniform(Duration::from_secs(10))).expect("client");
        Providers::with_client(vec![RpcUrl::new(url.parse().expect("url"), false)], client)
    };
    let over_http = connect(format!("http://127.0.0.1:{plain}/"));
    let over_tls = connect(format!("https://127.0.0.1:{tls}/"));
    let first_http = one(&over_http).await;
    let first_tls = one(&over_tls).await;
    let (mut http, mut https) = (Vec::new(), Vec::new());
    for round in 0..requests / 100 {
        // Alternate which goes first.
        for turn in 0..2 {
            let (providers, times) = if (round + turn) % 2 == 0 {
                (&over_http, &mut http)
            } else {
                (&over_tls, &mut https)
            };
            for _ in 0..100 {
                times.push(one(providers).await);
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mean_http, mean_tls) = (mean(&http), mean(&https));
    let (median_http, median_tls) = (median(&mut http), median(&mut https));
    println!(
        "{} requests each, eth_blockNumber to anvil 1.7.1 through nginx (stream), keep-alive:",
        http.len()
    );
    println!();
    println!("| | plain HTTP | HTTPS (TLS 1.3) | TLS / plain |");
    println!("|---|---:|---:|---:|");
    println!(
        "| first request (connect, + handshake for TLS) | {first_http:.0} µs | {first_tls:.0} µs | {:.2} |",
        first_tls / first_http
    );
    println!(
        "| mean per request after it | {mean_http:.1} µs | {mean_tls:.1} µs | {:.3} |",
        mean_tls / mean_http
    );
    println!(
        "| median per request after it | {median_http:.1} µs | {median_tls:.1} µs | {:.3} |",
        median_tls / median_http
    );
}
