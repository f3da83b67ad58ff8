//! Failover against `slipway node` behind a fault-injecting proxy: refused
//! connections, timeouts, HTTP 429 and 5xx, rate-limit errors, a provider
//! dying mid-run; real JSON-RPC errors returned as they are; a wrong chain
//! refused.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU8, AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router, body::Bytes, extract::State, http::StatusCode, response::IntoResponse, routing::post,
};
use serde_json::json;
use slipway_chain::{ChainClient, ProviderError, Providers};

use crate::common;

use common::{node, url};

const FORWARD: u8 = 0;
const HANG: u8 = 1;
const TOO_MANY: u8 = 2;
const UNAVAILABLE: u8 = 3;
const RATE_LIMIT_ERROR: u8 = 4;
const STALE: u8 = 5;

/// A proxy in front of the node whose behaviour the test switches.
#[derive(Clone)]
struct Proxy {
    upstream: String,
    mode: Arc<AtomicU8>,
    requests: Arc<AtomicUsize>,
}

async fn relay(State(proxy): State<Proxy>, body: Bytes) -> axum::response::Response {
    proxy.requests.fetch_add(1, Ordering::SeqCst);
    match proxy.mode.load(Ordering::SeqCst) {
        HANG => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
        TOO_MANY => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        UNAVAILABLE => (StatusCode::SERVICE_UNAVAILABLE, "down").into_response(),
        STALE => axum::Json(json!({ "jsonrpc": "2.0", "id": 1, "result": "0x0" })).into_response(),
        RATE_LIMIT_ERROR => axum::Json(json!({
            "jsonrpc": "2.0", "id": 1,
            "error": { "code": -32005, "message": "daily request count exceeded, request rate limited" }
        }))
        .into_response(),
        _ => {
            let answer = slipway_testkit::http()
                .post(&proxy.upstream)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("upstream");
            let status = StatusCode::from_u16(answer.status().as_u16()).expect("status");
            (status, [("content-type", "application/json")], answer.bytes().await.expect("body")).into_response()
        }
    }
}

async fn proxy(upstream: &str) -> (Proxy, String) {
    let proxy = Proxy {
        upstream: upstream.to_owned(),
        mode: Arc::new(AtomicU8::new(FORWARD)),
        requests: Arc::new(AtomicUsize::new(0)),
    };
    let app = Router::new()
        .route("/", post(relay))
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (proxy, format!("http://{addr}/"))
}

/// A port nothing listens on.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_fault_fails_over_and_the_healthy_provider_is_preferred() {
    let node = node().await;
    for mode in [HANG, TOO_MANY, UNAVAILABLE, RATE_LIMIT_ERROR] {
        let (faulty, faulty_url) = proxy(&node.url).await;
        let (good, good_url) = proxy(&node.url).await;
        faulty.mode.store(mode, Ordering::SeqCst);
        let client = ChainClient::remote(
            Providers::new(
                vec![url(&faulty_url), url(&good_url)],
                Duration::from_millis(500),
            )
            .expect("providers"),
        );
        let providers = client.providers().expect("remote");
        let block: String = providers
            .request("eth_blockNumber", json!([]))
            .await
            .expect("failed over");
        assert!(block.starts_with("0x"), "mode {mode}");
        assert_eq!(faulty.requests.load(Ordering::SeqCst), 1, "mode {mode}");
        let health = providers.health();
        assert_eq!(
            (health[0].1.errors, health[1].1.successes),
            (1, 1),
            "mode {mode}"
        );
        // The next requests go to the healthy provider first.
        for _ in 0..3 {
            let _: String = providers
                .request("eth_blockNumber", json!([]))
                .await
                .expect("healthy");
        }
        assert_eq!(
            faulty.requests.load(Ordering::SeqCst),
            1,
            "mode {mode}: not tried again first"
        );
        assert_eq!(good.requests.load(Ordering::SeqCst), 4, "mode {mode}");
    }
    // A refused connection.
    let (good, good_url) = proxy(&node.url).await;
    let client = ChainClient::remote(
        Providers::new(
            vec![url(&dead_url()), url(&good_url)],
            Duration::from_millis(500),
        )
        .expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let _: String = providers
        .request("eth_chainId", json!([]))
        .await
        .expect("failed over");
    assert_eq!(good.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_dying_mid_run_is_left_behind() {
    let node = node().await;
    let (first, first_url) = proxy(&node.url).await;
    let (second, second_url) = proxy(&node.url).await;
    let client = ChainClient::remote(
        Providers::new(
            vec![url(&first_url), url(&second_url)],
            Duration::from_millis(500),
        )
        .expect("providers"),
    );
    let providers = client.providers().expect("remote");
    for _ in 0..3 {
        let _: String = providers
            .request("eth_blockNumber", json!([]))
            .await
            .expect("first");
    }
    assert_eq!(first.requests.load(Ordering::SeqCst), 3);
    first.mode.store(UNAVAILABLE, Ordering::SeqCst);
    for _ in 0..3 {
        let _: String = providers
            .request("eth_blockNumber", json!([]))
            .await
            .expect("second");
    }
    assert_eq!(
        first.requests.load(Ordering::SeqCst),
        4,
        "tried once after dying"
    );
    assert_eq!(second.requests.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_rpc_errors_are_answers_not_failures() {
    let node = node().await;
    let (first, first_url) = proxy(&node.url).await;
    let (second, second_url) = proxy(&node.url).await;
    let client = ChainClient::remote(
        Providers::new(
            vec![url(&first_url), url(&second_url)],
            Duration::from_millis(500),
        )
        .expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let err = providers
        .request::<String>("eth_getBalance", json!(["not an address", "latest"]))
        .await
        .expect_err("invalid params");
    assert!(
        matches!(&err, ProviderError::Rpc { code: -32602, .. }),
        "{err}"
    );
    assert_eq!(
        (
            first.requests.load(Ordering::SeqCst),
            second.requests.load(Ordering::SeqCst)
        ),
        (1, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_chain_is_refused_and_all_failures_are_listed() {
    let node = node().await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_millis(500)).expect("providers"),
    );
    let providers = client.providers().expect("remote");
    providers
        .check_chain(1337)
        .await
        .expect("the development chain");
    let err = providers
        .check_chain(1)
        .await
        .expect_err("mainnet expected");
    assert!(err.to_string().contains("expects chain 1, but"), "{err}");
    assert!(err.to_string().contains("is on chain 1337"), "{err}");

    let keyed = url(&format!("{}v3/secret-api-key-1234", dead_url()));
    let client = ChainClient::remote(
        Providers::new(vec![keyed, url(&dead_url())], Duration::from_millis(300))
            .expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let err = providers
        .request::<String>("eth_chainId", json!([]))
        .await
        .expect_err("all dead");
    let text = err.to_string();
    assert!(text.contains("no provider answered eth_chainId"), "{text}");
    assert_eq!(text.matches("connection refused").count(), 2, "{text}");
    assert!(
        !text.contains("secret-api-key-1234"),
        "URLs are redacted: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_provider_can_delay_a_confirmation_never_fake_one() {
    let node = node().await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_millis(500)).expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let _: serde_json::Value = providers
        .request("evm_mine", json!([]))
        .await
        .expect("mine");
    let _: serde_json::Value = providers
        .request("evm_mine", json!([]))
        .await
        .expect("mine");
    let (stale, stale_url) = proxy(&node.url).await;
    stale.mode.store(STALE, Ordering::SeqCst);
    let both = Providers::new(
        vec![url(&node.url), url(&stale_url)],
        Duration::from_millis(500),
    )
    .expect("providers");
    assert_eq!(providers.agreed_block_number().await.expect("head"), 2);
    assert_eq!(
        both.agreed_block_number().await.expect("lowest"),
        0,
        "the lagging answer wins"
    );
    stale.mode.store(UNAVAILABLE, Ordering::SeqCst);
    assert_eq!(
        both.agreed_block_number().await.expect("the one answering"),
        2
    );
}
