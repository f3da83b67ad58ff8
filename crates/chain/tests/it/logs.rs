//! Log queries split where a provider refuses the range, against a
//! stand-in that answers with the exact texts real providers send; block
//! headers; and the typed dev-node controls against slipway's node and
//! anvil 1.7.1 alike.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, B256, Bytes, U256, address, b256};
use axum::{Json, Router, extract::State, routing::post};
use serde_json::{Value, json};
use slipway_chain::{ChainClient, LogQuery, MAX_LOG_SPLITS, ProviderError, Providers};
use slipway_testkit::Anvil;

use crate::common::{node, url};

const EMITTER: Address = address!("00000000000000000000000000000000000e0e0e");
const TOPIC: B256 = b256!("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

/// A provider that serves one log per block and refuses ranges wider
/// than `limit` blocks with `code` and `message`.
#[derive(Clone)]
struct Refusing {
    limit: u64,
    code: i64,
    message: &'static str,
    asked: Arc<AtomicUsize>,
}

fn quantity(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap_or("0x0").trim_start_matches("0x"), 16).unwrap_or(0)
}

async fn answer(State(p): State<Refusing>, Json(body): Json<Value>) -> Json<Value> {
    let id = body["id"].clone();
    let result = match body["method"].as_str().unwrap_or_default() {
        "eth_chainId" => json!("0x1"),
        "eth_getLogs" => {
            p.asked.fetch_add(1, Ordering::SeqCst);
            let from = quantity(&body["params"][0]["fromBlock"]);
            let to = quantity(&body["params"][0]["toBlock"]);
            if to - from + 1 > p.limit {
                return Json(json!({
                    "jsonrpc": "2.0", "id": id,
                    "error": { "code": p.code, "message": p.message }
                }));
            }
            json!(
                (from..=to)
                    .map(|n| json!({
                        "address": EMITTER,
                        "topics": [TOPIC],
                        "data": "0x",
                        "blockNumber": format!("{n:#x}"),
                        "blockHash": B256::with_last_byte(n as u8),
                        "transactionHash": B256::with_last_byte(n as u8),
                        "transactionIndex": "0x0",
                        "logIndex": "0x0",
                        "removed": false
                    }))
                    .collect::<Vec<_>>()
            )
        }
        other => {
            return Json(json!({
                "jsonrpc": "2.0", "id": id,
                "error": { "code": -32601, "message": format!("{other} not served") }
            }));
        }
    };
    Json(json!({ "jsonrpc": "2.0", "id": id, "result": result }))
}

async fn refusing(limit: u64, code: i64, message: &'static str) -> (ChainClient, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route("/", post(answer)).with_state(Refusing {
        limit,
        code,
        message,
        asked: asked.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let providers = Providers::new(vec![url(&format!("http://{addr}"))], Duration::from_secs(5))
        .expect("providers");
    (ChainClient::remote(providers), asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_providers_refusal_splits_the_range_and_loses_no_log() {
    for (limit, code, message) in [
        (100, -32005, "query returned more than 10000 results"),
        (64, -32602, "Log response size exceeded."),
        (50, -32614, "eth_getLogs is limited to a 10,000 range"),
        (37, -32000, "exceed maximum block range: 5000"),
        (10, -32600, "block range is too wide"),
    ] {
        let (client, asked) = refusing(limit, code, message).await;
        let query = LogQuery {
            from: 1_000,
            to: 1_999,
            addresses: vec![EMITTER],
            events: vec![TOPIC],
        };
        let logs = client.logs(&query).await.expect(message);
        let blocks: Vec<u64> = logs.iter().filter_map(|l| l.block_number).collect();
        assert_eq!(
            blocks,
            (1_000..=1_999).collect::<Vec<_>>(),
            "{message}: every block once, in order"
        );
        // Every answered range is more than half the limit (its parent was
        // refused), so at most 2·⌈1000/limit⌉ answers and one refusal fewer.
        let requests = asked.load(Ordering::SeqCst);
        let bound = 4 * 1_000_usize.div_ceil(limit as usize);
        assert!(
            requests <= bound,
            "{message}: {requests} requests, bound {bound}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_of_a_single_block_or_endless_splits_is_an_error() {
    // Refuses everything: a single block is reported as the provider's error.
    let (client, _) = refusing(0, -32600, "block range is too wide").await;
    let err = client
        .logs(&LogQuery {
            from: 7,
            to: 7,
            ..LogQuery::default()
        })
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, ProviderError::Rpc { message, .. } if message.contains("too wide")),
        "{err}"
    );
    // A provider that answers one block at a time, asked for 10,000: the
    // splits are bounded, and the error says what to do.
    let (client, asked) = refusing(1, -32600, "block range is too wide").await;
    let err = client
        .logs(&LogQuery {
            from: 0,
            to: 9_999,
            ..LogQuery::default()
        })
        .await
        .expect_err("too many splits");
    assert!(err.to_string().contains("after 1024 splits"), "{err}");
    assert!(err.to_string().contains("smaller range"), "{err}");
    assert!(asked.load(Ordering::SeqCst) <= 2 * MAX_LOG_SPLITS + 1);
    // Any other error is not split.
    let (client, asked) = refusing(0, 3, "execution reverted").await;
    assert!(
        client
            .logs(&LogQuery {
                from: 0,
                to: 9,
                ..LogQuery::default()
            })
            .await
            .is_err()
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

/// The controls every dev node answers, checked through typed reads.
async fn controls_work_on(client: &ChainClient) {
    let who = address!("000000000000000000000000000000000000c0de");
    client
        .set_balance(who, U256::from(12_345))
        .await
        .expect("set balance");
    assert_eq!(
        client.balance(who).await.expect("balance"),
        U256::from(12_345)
    );
    client
        .set_code(who, Bytes::from_static(&[0x60, 0x00]))
        .await
        .expect("set code");
    assert_eq!(
        client.code(who).await.expect("code").as_ref(),
        &[0x60, 0x00]
    );
    client
        .set_storage(who, U256::from(1), B256::with_last_byte(9))
        .await
        .expect("set storage");

    let snapshot = client.snapshot().await.expect("snapshot");
    let before = client.agreed_block_number().await.expect("head");
    client.mine(3, 12).await.expect("mine");
    let head = client.agreed_block_number().await.expect("head");
    assert_eq!(head, before + 3);
    let top = client
        .block_header(BlockId::Number(BlockNumberOrTag::Number(head)))
        .await
        .expect("header")
        .expect("exists");
    let parent = client
        .block_header(BlockId::Number(BlockNumberOrTag::Number(head - 1)))
        .await
        .expect("header")
        .expect("exists");
    assert_eq!(top.parent_hash, parent.hash, "headers chain by parent hash");
    assert_eq!(top.timestamp - parent.timestamp, 12);
    let by_hash = client
        .block_header(BlockId::Hash(top.hash.into()))
        .await
        .expect("by hash")
        .expect("exists");
    assert_eq!(by_hash.number, head);
    assert!(
        client
            .block_header(BlockId::Number(BlockNumberOrTag::Number(head + 1_000)))
            .await
            .expect("asked")
            .is_none()
    );

    client.increase_time(3_600).await.expect("time");
    let next = top.timestamp + 10_000;
    client.set_next_timestamp(next).await.expect("timestamp");
    client.mine(1, 1).await.expect("mine");
    let mined = client
        .block_header(BlockId::Number(BlockNumberOrTag::Latest))
        .await
        .expect("latest")
        .expect("exists");
    assert_eq!(mined.timestamp, next);

    assert!(client.revert_to(snapshot).await.expect("revert"));
    assert_eq!(client.agreed_block_number().await.expect("head"), before);

    client.mine(2, 1).await.expect("mine");
    let old = client
        .block_header(BlockId::Number(BlockNumberOrTag::Latest))
        .await
        .expect("latest")
        .expect("exists");
    client.reorg(1).await.expect("reorg");
    let new = client
        .block_header(BlockId::Number(BlockNumberOrTag::Latest))
        .await
        .expect("latest")
        .expect("exists");
    assert_eq!(new.number, old.number);
    assert_ne!(new.hash, old.hash, "the block at the head was replaced");
    client.rollback(1).await.expect("rollback");
    assert_eq!(
        client.agreed_block_number().await.expect("head"),
        old.number - 1
    );

    client.impersonate(who).await.expect("impersonate");
    client.stop_impersonating(who).await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_controls_on_slipways_node_and_on_anvil() {
    let ours = node().await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&ours.url)], Duration::from_secs(10)).expect("providers"),
    );
    controls_work_on(&client).await;
    ours.stop().await;

    let anvil = Anvil::start(31_337, &[]);
    let client = ChainClient::remote(
        Providers::new(vec![url(&anvil.url())], Duration::from_secs(10)).expect("providers"),
    );
    controls_work_on(&client).await;
}
