//! The chain layer as users meet real networks: anvil (a node no one here
//! wrote) behind stunnel (a TLS front no one here wrote) with a certificate
//! from a CA the test makes. Plain HTTP cannot pass these tests. Failures —
//! an untrusted CA, a wrong name, an expired certificate, a refused port,
//! an unknown host, a proxy that refuses — each say their cause.

use crate::common;

use std::{net::SocketAddr, time::Duration};

use alloy_primitives::U256;
use common::{dev_signer, transfer};
use serde_json::{Value, json};
use slipway_chain::{
    ChainClient, FeeQuote, Lifecycle, NonceTracker, ProviderError, Providers, TxEvent, estimate,
};
use slipway_config::{FeePolicy, PriorityFee};
use slipway_net::{HttpClient, NetSettings, ProxySettings, Timeouts, Trust};
use slipway_testkit::{Anvil, Proxy, TestCa, TlsFront};

const AMOY: u64 = 80002;
const GWEI: u128 = 1_000_000_000;

fn settings(trust: Trust) -> NetSettings {
    NetSettings {
        trust,
        proxy: ProxySettings::none(),
        hosts: Vec::new(),
        system_dns: false,
    }
}

fn connect(urls: &[String], settings: &NetSettings) -> Providers {
    let client =
        HttpClient::new(settings, Timeouts::uniform(Duration::from_secs(10))).expect("client");
    Providers::with_client(urls.iter().map(|u| common::url(u)).collect(), client)
}

/// anvil on chain 80002 behind stunnel, its certificate for 127.0.0.1.
struct Network {
    ca: TestCa,
    _anvil: Anvil,
    front: TlsFront,
}

impl Network {
    /// Providers for the TLS front, trusting only the test CA.
    fn providers(&self) -> Providers {
        connect(
            &[self.front.https("/")],
            &settings(Trust::only(self.ca.root())),
        )
    }
}

fn network(extra: &[&str]) -> Network {
    let ca = TestCa::new();
    let anvil = Anvil::start(AMOY, extra);
    let front = TlsFront::start(anvil.addr(), &ca.server(&["127.0.0.1"]));
    Network {
        ca,
        _anvil: anvil,
        front,
    }
}

fn all_failed(error: ProviderError) -> String {
    match error {
        ProviderError::AllFailed { reasons, .. } => reasons.join("; "),
        other => panic!("expected every provider to fail, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_and_wss_reach_anvil_through_the_tls_front() {
    let net = network(&[]);
    let trusted = settings(Trust::only(net.ca.root()));
    for url in [net.front.https("/"), net.front.wss("/")] {
        let providers = connect(std::slice::from_ref(&url), &trusted);
        providers.check_chain(AMOY).await.expect(&url);
        let balance: String = providers
            .request(
                "eth_getBalance",
                json!(["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "latest"]),
            )
            .await
            .expect("balance");
        assert_eq!(
            U256::from_str_radix(balance.trim_start_matches("0x"), 16).expect("hex"),
            U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64)),
            "anvil's first account over {url}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_cannot_talk_to_the_tls_front() {
    let net = network(&[]);
    let plain = format!("http://127.0.0.1:{}/", net.front.port());
    let providers = connect(&[plain], &settings(Trust::only(net.ca.root())));
    assert!(providers.check_chain(AMOY).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_ca_is_refused_with_the_certificate_message() {
    let net = network(&[]);
    let stranger = TestCa::new();
    let providers = connect(
        &[net.front.https("/")],
        &settings(Trust::only(stranger.root())),
    );
    let reasons = all_failed(providers.check_chain(AMOY).await.expect_err("refused"));
    assert!(reasons.contains("certificate not trusted"), "{reasons}");
    assert!(reasons.contains("SSL_CERT_FILE"), "{reasons}");
    assert!(!reasons.contains("connection failed"), "{reasons}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_certificate_served_as_the_servers_own_says_so() {
    let ca = TestCa::new();
    let anvil = Anvil::start(AMOY, &[]);
    let front = TlsFront::start(anvil.addr(), &ca.itself());
    let providers = connect(&[front.https("/")], &settings(Trust::only(ca.root())));
    let reasons = all_failed(providers.check_chain(AMOY).await.expect_err("refused"));
    assert!(
        reasons.contains("the server's certificate is itself a CA certificate; serve a leaf certificate signed by it, and trust the CA with SSL_CERT_FILE"),
        "{reasons}"
    );
    assert!(!reasons.contains("OtherError"), "{reasons}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_for_another_name_is_refused_as_a_name_mismatch() {
    let ca = TestCa::new();
    let anvil = Anvil::start(AMOY, &[]);
    let front = TlsFront::start(anvil.addr(), &ca.server(&["rpc.example.test"]));
    let mut pinned = settings(Trust::only(ca.root()));
    let loopback: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    pinned.hosts = vec![
        ("rpc.example.test".into(), loopback),
        ("other.example.test".into(), loopback),
    ];
    let right = format!("https://rpc.example.test:{}/", front.port());
    connect(&[right], &pinned)
        .check_chain(AMOY)
        .await
        .expect("the certificate's own name is accepted");
    let wrong = format!("https://other.example.test:{}/", front.port());
    let reasons = all_failed(
        connect(&[wrong], &pinned)
            .check_chain(AMOY)
            .await
            .expect_err("refused"),
    );
    assert!(
        reasons.contains("not valid for this host name"),
        "{reasons}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_certificate_is_refused_as_expired() {
    let ca = TestCa::new();
    let anvil = Anvil::start(AMOY, &[]);
    let front = TlsFront::start(anvil.addr(), &ca.expired(&["127.0.0.1"]));
    let reasons = all_failed(
        connect(&[front.https("/")], &settings(Trust::only(ca.root())))
            .check_chain(AMOY)
            .await
            .expect_err("refused"),
    );
    assert!(reasons.contains("certificate expired"), "{reasons}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_port_and_an_unknown_host_say_so() {
    let closed = format!("https://127.0.0.1:{}/", slipway_testkit::free_port());
    let unknown = "https://nowhere.example.test/v3/KEY".to_owned();
    let reasons = all_failed(
        connect(&[closed, unknown], &settings(Trust::default()))
            .check_chain(AMOY)
            .await
            .expect_err("nothing answers"),
    );
    assert!(reasons.contains("connection refused"), "{reasons}");
    assert!(reasons.contains("host name not found"), "{reasons}");
    assert!(
        !reasons.contains("KEY"),
        "the URL's path is redacted: {reasons}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_and_no_proxy_are_honoured() {
    let net = network(&[]);
    let proxy = Proxy::start();
    let dead_proxy = format!("http://127.0.0.1:{}", slipway_testkit::free_port());
    let with_proxy = |proxy_url: &str, no: Option<&str>| {
        let mut s = settings(Trust::only(net.ca.root()));
        s.proxy = ProxySettings::from_vars(|name| match name {
            "HTTPS_PROXY" => Some(proxy_url.to_owned()),
            "NO_PROXY" => no.map(str::to_owned),
            _ => None,
        });
        s
    };
    let url = [net.front.https("/")];
    connect(&url, &with_proxy(&proxy.url(), None))
        .check_chain(AMOY)
        .await
        .expect("through tinyproxy");
    let reasons = all_failed(
        connect(&url, &with_proxy(&dead_proxy, None))
            .check_chain(AMOY)
            .await
            .expect_err("a refusing proxy"),
    );
    assert!(
        reasons.contains(&format!("the proxy {dead_proxy} could not be reached")),
        "{reasons}"
    );
    connect(&url, &with_proxy(&dead_proxy, Some("127.0.0.1")))
        .check_chain(AMOY)
        .await
        .expect("NO_PROXY goes around the proxy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wrong_chain_behind_https_is_refused() {
    let net = network(&[]);
    let providers = net.providers();
    let error = providers.check_chain(1).await.expect_err("wrong chain");
    assert!(
        matches!(
            error,
            ProviderError::WrongChain {
                expected: 1,
                actual: AMOY,
                ..
            }
        ),
        "{error}"
    );
}

fn policy(bump_after: Duration) -> FeePolicy {
    FeePolicy {
        eip1559: true,
        priority_fee: PriorityFee::Fixed(GWEI),
        max_fee_cap: None,
        bump_after,
        bump_percent: 12,
        bump_limit: 3,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_and_a_transfer_over_tls_on_anvil() {
    let net = network(&[]);
    let client = ChainClient::remote(net.providers());
    let providers = client.providers().expect("remote");
    let quote = estimate(&client, &policy(Duration::from_secs(30)))
        .await
        .expect("fees from anvil's eth_feeHistory");
    assert!(matches!(quote, FeeQuote::Eip1559 { priority_fee, .. } if priority_fee == GWEI));
    let lifecycle = Lifecycle {
        chain_id: AMOY,
        fees: policy(Duration::from_secs(30)),
        confirmations: 1,
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
    };
    let done = lifecycle
        .send(
            &client,
            &NonceTracker::new(),
            &dev_signer(),
            &transfer(),
            &mut |_| {},
        )
        .await
        .expect("confirmed");
    let TxEvent::Confirmed {
        hash,
        success: true,
        ..
    } = done
    else {
        panic!("{done:?}")
    };
    let receipt: Value = providers
        .request("eth_getTransactionReceipt", json!([hash]))
        .await
        .expect("receipt");
    assert_eq!(receipt["status"], json!("0x1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_bump_lands_under_anvils_manual_mining() {
    let net = network(&["--no-mining"]);
    let client = ChainClient::remote(net.providers());
    let providers = client.providers().expect("remote");
    let (sender, events) = std::sync::mpsc::channel();
    let lifecycle = Lifecycle {
        chain_id: AMOY,
        fees: policy(Duration::from_millis(200)),
        confirmations: 1,
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(30),
    };
    let task = {
        let url = net.front.https("/");
        let trust = Trust::only(net.ca.root());
        tokio::spawn(async move {
            let own = ChainClient::remote(connect(&[url], &settings(trust)));
            lifecycle
                .send(
                    &own,
                    &NonceTracker::new(),
                    &dev_signer(),
                    &transfer(),
                    &mut |event| {
                        let _ = sender.send(event);
                    },
                )
                .await
                .map_err(|e| e.to_string())
        })
    };
    // Wait for the replacement to be sent, then mine one block.
    let replacement = loop {
        match events
            .recv_timeout(Duration::from_secs(20))
            .expect("an event")
        {
            TxEvent::Bumped { hash, .. } => break hash,
            _ => continue,
        }
    };
    common::until_known(providers, replacement).await;
    let _: Value = providers
        .request("evm_mine", json!([]))
        .await
        .expect("evm_mine");
    let done = task.await.expect("join").expect("confirmed");
    assert!(
        matches!(done, TxEvent::Confirmed { hash, success: true, .. } if hash == replacement),
        "the replacement is what anvil mined: {done:?}"
    );
}
