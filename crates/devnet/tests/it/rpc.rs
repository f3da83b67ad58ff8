//! The dev chain through a real client (alloy's provider) over real sockets.

use crate::common;

use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, B256, U256, address};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionRequest};
use alloy_sol_types::{SolCall, SolError, SolEvent, sol};
use serde_json::json;
use slipway_devnet::Mining;

sol! {
    function count() external view returns (uint256);
    function bump(string note) external returns (uint256);
    function need(uint256 want) external view;
    function fail() external pure;
    function bumpThenRevert() external;
    function time() external view returns (uint256);
    function say(string text) external;
    event Counted(address indexed by, uint256 indexed count, string note);
    error Insufficient(uint256 have, uint256 want);
}

const ALICE: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const BOB: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

async fn deploy(provider: &impl Provider) -> Address {
    let tx = TransactionRequest::default()
        .from(ALICE)
        .with_deploy_code(common::fixture_bytecode());
    let receipt = provider
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    receipt.contract_address.expect("created")
}

fn call_tx(to: Address, data: Vec<u8>) -> TransactionRequest {
    TransactionRequest::default()
        .from(ALICE)
        .to(to)
        .with_input(data)
}

async fn count_of(provider: &impl Provider, at: Address) -> U256 {
    let out = provider
        .call(call_tx(at, countCall {}.abi_encode()))
        .await
        .expect("call");
    countCall::abi_decode_returns(&out).expect("decode")
}

#[tokio::test]
async fn deploy_call_events_and_log_filters() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    assert_eq!(provider.get_chain_id().await.expect("chain id"), 1337);
    assert_eq!(provider.get_accounts().await.expect("accounts")[0], ALICE);

    let fixture = deploy(&provider).await;
    for note in ["one", "two", "three"] {
        let tx = call_tx(fixture, bumpCall { note: note.into() }.abi_encode());
        let receipt = provider
            .send_transaction(tx)
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(receipt.status());
        assert_eq!(receipt.inner.logs().len(), 1);
    }
    assert_eq!(count_of(&provider, fixture).await, U256::from(3));

    // Topic filter: the second Counted event only.
    let filter = Filter::new()
        .address(fixture)
        .event_signature(Counted::SIGNATURE_HASH)
        .topic2(B256::from(U256::from(2)))
        .from_block(0);
    let logs = provider.get_logs(&filter).await.expect("logs");
    assert_eq!(logs.len(), 1);
    let decoded = Counted::decode_log(&logs[0].inner).expect("decode");
    assert_eq!(decoded.note, "two");
    assert_eq!(decoded.by, ALICE);
    let all = provider
        .get_logs(&Filter::new().address(fixture).from_block(0))
        .await
        .expect("logs");
    assert_eq!(all.len(), 3);
    let none = provider
        .get_logs(&Filter::new().address(BOB).from_block(0))
        .await
        .expect("logs");
    assert!(none.is_empty());

    // Blocks link up and carry the receipts' logs.
    let head = provider.get_block_number().await.expect("number");
    assert_eq!(head, 4);
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Number(head))
        .full()
        .await
        .expect("block")
        .expect("some");
    let parent = provider
        .get_block_by_number(BlockNumberOrTag::Number(head - 1))
        .await
        .expect("block")
        .expect("some");
    assert_eq!(block.header.parent_hash, parent.header.hash);
    assert_eq!(block.transactions.len(), 1);
    assert!(block.header.base_fee_per_gas.is_some());
    assert_eq!(block.header.gas_limit, 12_000_000);
}

#[tokio::test]
async fn reverts_answer_like_geth_and_reverted_transactions_are_mined() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    let fixture = deploy(&provider).await;

    let err = provider
        .call(call_tx(
            fixture,
            needCall {
                want: U256::from(5),
            }
            .abi_encode(),
        ))
        .await
        .expect_err("reverts");
    let payload = err.as_error_resp().expect("error response");
    assert_eq!(payload.code, 3);
    let data = payload.as_revert_data().expect("revert data");
    let decoded = Insufficient::abi_decode(&data).expect("custom error");
    assert_eq!((decoded.have, decoded.want), (U256::ZERO, U256::from(5)));

    let err = provider
        .call(call_tx(fixture, failCall {}.abi_encode()))
        .await
        .expect_err("reverts");
    let payload = err.as_error_resp().expect("error response");
    assert_eq!(payload.code, 3);
    assert_eq!(payload.message, "execution reverted: always fails");

    let err = provider
        .estimate_gas(call_tx(fixture, failCall {}.abi_encode()))
        .await
        .expect_err("reverts");
    assert_eq!(err.as_error_resp().expect("resp").code, 3);

    // Sent anyway (with a gas limit, so no estimate): mined with status 0.
    let tx = call_tx(fixture, bumpThenRevertCall {}.abi_encode()).with_gas_limit(100_000);
    let pending = provider.send_transaction(tx).await.expect("accepted");
    let receipt = pending.get_receipt().await.expect("receipt");
    assert!(!receipt.status());
    assert!(receipt.block_number.is_some());
    assert_eq!(
        count_of(&provider, fixture).await,
        U256::ZERO,
        "its changes were rolled back"
    );
}

#[tokio::test]
async fn snapshot_revert_time_travel_and_impersonation() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    let fixture = deploy(&provider).await;

    let snapshot: U256 = provider
        .raw_request("evm_snapshot".into(), ())
        .await
        .expect("snapshot");
    let tx = call_tx(fixture, bumpCall { note: "x".into() }.abi_encode());
    provider
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert_eq!(count_of(&provider, fixture).await, U256::from(1));
    let head_before: u64 = provider.get_block_number().await.expect("n");
    let reverted: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .expect("revert");
    assert!(reverted);
    assert_eq!(count_of(&provider, fixture).await, U256::ZERO);
    assert_eq!(
        provider.get_block_number().await.expect("n"),
        head_before - 1
    );
    let again: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .expect("revert");
    assert!(!again, "a snapshot is used up by reverting to it");

    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let _: serde_json::Value = provider
        .raw_request("evm_increaseTime".into(), (3600,))
        .await
        .expect("time");
    let _: serde_json::Value = provider
        .raw_request("evm_mine".into(), ())
        .await
        .expect("mine");
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .expect("b")
        .expect("some");
    assert!(
        block.header.timestamp >= wall + 3600,
        "{} < {wall} + 3600",
        block.header.timestamp
    );
    let seen: U256 = {
        let out = provider
            .call(call_tx(fixture, timeCall {}.abi_encode()))
            .await
            .expect("call");
        timeCall::abi_decode_returns(&out).expect("decode")
    };
    assert!(
        seen > U256::from(block.header.timestamp),
        "calls run in the next block"
    );

    let next = block.header.timestamp + 10_000;
    let _: serde_json::Value = provider
        .raw_request("evm_setNextBlockTimestamp".into(), (next,))
        .await
        .expect("set");
    let _: serde_json::Value = provider
        .raw_request("evm_mine".into(), ())
        .await
        .expect("mine");
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .expect("b")
        .expect("some");
    assert_eq!(block.header.timestamp, next);

    // Impersonation: send from an address with no key.
    let whale = address!("00000000000000000000000000000000000000AA");
    let _: bool = provider
        .raw_request(
            "hardhat_setBalance".into(),
            (whale, U256::from(10u128.pow(18))),
        )
        .await
        .expect("bal");
    // Raw, so the client's nonce cache does not count the refused attempt.
    let refused = common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction", "params": [{"from": whale, "to": BOB, "value": "0x1"}]}),
    )
    .await;
    let message = refused["error"]["message"].as_str().expect("refused");
    assert!(
        message.contains("not a dev account and not impersonated"),
        "{message}"
    );
    let _: bool = provider
        .raw_request("anvil_impersonateAccount".into(), (whale,))
        .await
        .expect("imp");
    let receipt = provider
        .send_transaction(
            TransactionRequest::default()
                .from(whale)
                .to(BOB)
                .value(U256::from(7)),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    assert_eq!(receipt.from, whale);
}

#[tokio::test]
async fn manual_mining_pending_nonces_replacement_and_drops() {
    let (_node, server) = common::spawn(None, Mining::Manual).await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    let base: u64 = provider.get_block_number().await.expect("n");
    let send = |nonce: u64, tip: u128, value: u64| {
        TransactionRequest::default()
            .from(ALICE)
            .to(BOB)
            .value(U256::from(value))
            .nonce(nonce)
            .gas_limit(21_000)
            .max_fee_per_gas(100_000_000_000)
            .max_priority_fee_per_gas(tip)
    };
    let first = *provider
        .send_transaction(send(0, 1_000_000_000, 1))
        .await
        .expect("send")
        .tx_hash();
    // A future nonce waits for the gap.
    let _queued = provider
        .send_transaction(send(2, 1_000_000_000, 3))
        .await
        .expect("queued");
    let pending: u64 = provider
        .get_transaction_count(ALICE)
        .pending()
        .await
        .expect("nonce");
    assert_eq!(pending, 1);
    let status: serde_json::Value = provider
        .raw_request("txpool_status".into(), ())
        .await
        .expect("status");
    assert_eq!(status, json!({ "pending": "0x1", "queued": "0x1" }));

    // Same nonce: refused under +10%, accepted at +10%.
    let err = provider
        .send_transaction(send(0, 1_050_000_000, 1).max_fee_per_gas(105_000_000_000))
        .await
        .expect_err("underpriced");
    assert!(
        err.to_string()
            .contains("replacement transaction underpriced"),
        "{err}"
    );
    let replacement = *provider
        .send_transaction(send(0, 1_100_000_000, 1).max_fee_per_gas(110_000_000_000))
        .await
        .expect("replaced")
        .tx_hash();
    let _gap = provider
        .send_transaction(send(1, 1_000_000_000, 2))
        .await
        .expect("fills the gap");
    assert_eq!(
        provider
            .get_transaction_count(ALICE)
            .pending()
            .await
            .expect("nonce"),
        3
    );

    // Nothing mined yet.
    assert!(
        provider
            .get_transaction_receipt(replacement)
            .await
            .expect("rpc")
            .is_none()
    );
    let _: serde_json::Value = provider
        .raw_request("evm_mine".into(), ())
        .await
        .expect("mine");
    assert_eq!(provider.get_block_number().await.expect("n"), base + 1);
    assert!(
        provider
            .get_transaction_receipt(replacement)
            .await
            .expect("rpc")
            .is_some()
    );
    assert!(
        provider
            .get_transaction_receipt(first)
            .await
            .expect("rpc")
            .is_none(),
        "the replaced one never lands"
    );
    assert_eq!(
        provider.get_transaction_count(ALICE).await.expect("nonce"),
        3
    );

    // A dropped transaction is gone.
    let doomed = *provider
        .send_transaction(send(3, 1_000_000_000, 4))
        .await
        .expect("send")
        .tx_hash();
    let dropped: bool = provider
        .raw_request("anvil_dropTransaction".into(), (doomed,))
        .await
        .expect("drop");
    assert!(dropped);
    let _: serde_json::Value = provider
        .raw_request("evm_mine".into(), ())
        .await
        .expect("mine");
    assert!(
        provider
            .get_transaction_receipt(doomed)
            .await
            .expect("rpc")
            .is_none()
    );
    assert!(
        provider
            .get_transaction_by_hash(doomed)
            .await
            .expect("rpc")
            .is_none()
    );

    // Bad transactions get the errors real nodes give.
    let err = provider
        .send_transaction(send(0, 1_000_000_000, 1))
        .await
        .expect_err("stale");
    assert!(err.to_string().contains("nonce too low"), "{err}");
    let err = provider
        .send_transaction(send(3, 1_000_000_000, 1).gas_limit(13_000_000))
        .await
        .expect_err("too big");
    assert!(err.to_string().contains("exceeds block gas limit"), "{err}");
    let err = provider
        .send_transaction(send(3, 1, 1).max_fee_per_gas(1))
        .await
        .expect_err("underpriced");
    assert!(
        err.to_string().contains("less than block base fee"),
        "{err}"
    );
    let err = provider
        .send_transaction(send(3, 1_000_000_000, 0).value(U256::from(10u128.pow(30))))
        .await
        .expect_err("poor");
    assert!(err.to_string().contains("insufficient funds"), "{err}");
}

#[tokio::test]
async fn rollback_removes_transactions_and_fee_history_reports_blocks() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    let mut hashes = Vec::new();
    for i in 0..3u64 {
        let tx = TransactionRequest::default()
            .from(ALICE)
            .to(BOB)
            .value(U256::from(i + 1));
        hashes.push(*provider.send_transaction(tx).await.expect("send").tx_hash());
    }
    let history = provider
        .get_fee_history(3, BlockNumberOrTag::Latest, &[50.0])
        .await
        .expect("history");
    assert_eq!(history.oldest_block, 1);
    assert_eq!(history.base_fee_per_gas.len(), 4);
    assert_eq!(history.gas_used_ratio.len(), 3);
    assert_eq!(history.reward.as_ref().map(Vec::len), Some(3));
    // The reward is what the block's only transaction tipped.
    let tx = provider
        .get_transaction_by_hash(hashes[0])
        .await
        .expect("rpc")
        .expect("mined");
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Number(1))
        .await
        .expect("rpc")
        .expect("block");
    let tip = tx.effective_gas_price.expect("price")
        - u128::from(block.header.base_fee_per_gas.expect("base fee"));
    assert_eq!(history.reward.expect("rewards")[0][0], tip);
    assert_eq!(
        history.base_fee_per_gas[0],
        u128::from(block.header.base_fee_per_gas.expect("base fee"))
    );

    let _: serde_json::Value = provider
        .raw_request("anvil_rollback".into(), (1,))
        .await
        .expect("rollback");
    assert_eq!(provider.get_block_number().await.expect("n"), 2);
    assert!(
        provider
            .get_transaction_receipt(hashes[2])
            .await
            .expect("rpc")
            .is_none()
    );
    assert!(
        provider
            .get_transaction_receipt(hashes[1])
            .await
            .expect("rpc")
            .is_some()
    );

    let _: serde_json::Value = provider
        .raw_request("anvil_reorg".into(), (2,))
        .await
        .expect("reorg");
    assert_eq!(provider.get_block_number().await.expect("n"), 2);
    assert!(
        provider
            .get_transaction_receipt(hashes[1])
            .await
            .expect("rpc")
            .is_none(),
        "reorged out"
    );
    assert!(
        provider
            .get_transaction_receipt(hashes[0])
            .await
            .expect("rpc")
            .is_none(),
        "reorged out"
    );
}

#[tokio::test]
async fn protocol_errors_are_answered_and_never_take_the_node_down() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let url = &server.url;
    let (status, body) = common::raw_text(url, "{not json".into()).await;
    assert_eq!(status, 200);
    assert_eq!(body["error"]["code"], -32700);

    let body = common::raw(
        url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_frobnicate"}),
    )
    .await;
    assert_eq!(body["error"]["code"], -32601);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("eth_frobnicate")
    );

    let body = common::raw(
        url,
        json!({"jsonrpc": "2.0", "id": 2, "method": "eth_getBalance", "params": ["0xnope"]}),
    )
    .await;
    assert_eq!(body["error"]["code"], -32602);
    let message = body["error"]["message"].as_str().expect("msg");
    assert!(
        message.contains("parameter 1 (address)") && message.contains("expected an address"),
        "{message}"
    );

    let body = common::raw(
        url,
        json!({"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance"}),
    )
    .await;
    assert_eq!(body["error"]["code"], -32602);

    let body = common::raw(url, json!([])).await;
    assert_eq!(body["error"]["code"], -32600);
    let big: Vec<_> = (0..1001)
        .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"}))
        .collect();
    let body = common::raw(url, json!(big)).await;
    assert_eq!(body["error"]["code"], -32600);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("1000")
    );

    let batch = common::raw(
        url,
        json!([
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
            {"jsonrpc": "2.0", "method": "eth_chainId"},
            {"jsonrpc": "2.0", "id": "b", "method": "net_version"}
        ]),
    )
    .await;
    let answers = batch.as_array().expect("batch");
    assert_eq!(answers.len(), 2, "the notification gets no answer");
    assert_eq!(answers[0]["result"], "0x539");
    assert_eq!(answers[1]["id"], "b");
    assert_eq!(answers[1]["result"], "1337");

    let huge = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x{}\"]}}",
        "ab".repeat(9 * 1024 * 1024)
    );
    let (status, body) = common::raw_text(url, huge).await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], -32600);

    // Still serving.
    let body = common::raw(
        url,
        json!({"jsonrpc": "2.0", "id": 9, "method": "eth_blockNumber"}),
    )
    .await;
    assert_eq!(body["result"], "0x0");

    // A browser page's preflight gets no CORS grant unless its origin is
    // listed (web_pages_and_rebound_hosts_cannot_drive_the_node).
    assert_eq!(preflight(url, "http://localhost:3000").await, None);
}

/// The CORS grant a browser's preflight from `origin` gets.
async fn preflight(url: &str, origin: &str) -> Option<String> {
    let response = slipway_testkit::http()
        .request(reqwest::Method::OPTIONS, url)
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .expect("options");
    response
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn interval_mining_produces_blocks_on_its_own_and_can_be_switched() {
    let (_node, server) = common::spawn(
        None,
        Mining::Interval(std::time::Duration::from_millis(100)),
    )
    .await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    // A transaction waits for the next tick instead of being mined at once.
    let hash = *provider
        .send_transaction(
            TransactionRequest::default()
                .from(ALICE)
                .to(BOB)
                .value(U256::from(1)),
        )
        .await
        .expect("send")
        .tx_hash();
    let mut waited = 0;
    while provider
        .get_transaction_receipt(hash)
        .await
        .expect("rpc")
        .is_none()
    {
        waited += 1;
        assert!(waited < 200, "no block within 10 s of interval mining");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Empty blocks keep coming.
    let seen = provider.get_block_number().await.expect("n");
    let mut later = seen;
    while later < seen + 2 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        later = provider.get_block_number().await.expect("n");
    }
    // Switched off: the head stays put while nothing is sent.
    let _: bool = provider
        .raw_request("evm_setIntervalMining".into(), (0,))
        .await
        .expect("off");
    let stopped = provider.get_block_number().await.expect("n");
    let _: serde_json::Value = provider
        .raw_request("evm_mine".into(), ())
        .await
        .expect("mine");
    assert_eq!(
        provider.get_block_number().await.expect("n"),
        stopped + 1,
        "only the explicit evm_mine added a block"
    );
}

/// `eth_feeHistory` takes at most 100 reward percentiles, as geth does: a
/// request with 10,000 once grew the node by 130 MB.
#[tokio::test]
async fn fee_history_refuses_more_than_a_hundred_percentiles() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let percentiles =
        |n: usize| -> Vec<f64> { (0..n).map(|i| i as f64 * 100.0 / n as f64).collect() };
    let ask = |n: usize| {
        serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "eth_feeHistory",
            "params": ["0x1", "latest", percentiles(n)],
        })
    };
    let hundred = common::raw(&server.url, ask(100)).await;
    assert!(hundred.get("result").is_some(), "{hundred}");
    let refused = common::raw(&server.url, ask(101)).await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 100")),
        "{refused}"
    );
}

/// A request as a browser page sends it: with `Host` and `Origin`.
async fn from_browser(
    url: &str,
    host: Option<&str>,
    origin: Option<&str>,
) -> (u16, serde_json::Value, Option<String>) {
    let mut request = slipway_testkit::http()
        .post(url)
        .header("content-type", "text/plain")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"eth_accounts"}"#);
    if let Some(host) = host {
        request = request.header("host", host);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let allowed = response
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.unwrap_or_default();
    (status, body, allowed)
}

/// The dev accounts are unlocked, so no web page may drive the node: a
/// foreign `Host` (DNS rebinding) and an unlisted browser `Origin` (a page
/// posting text/plain) are refused; listed ones are served.
#[tokio::test]
async fn web_pages_and_rebound_hosts_cannot_drive_the_node() {
    let (node, default) = common::spawn(None, Mining::Auto).await;
    let port = default.addr.port();
    let (status, body, cors) = from_browser(&default.url, None, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(cors.is_none());
    let (status, _, _) = from_browser(&default.url, Some(&format!("localhost:{port}")), None).await;
    assert_eq!(status, 200, "localhost is a loopback name");

    let (status, body, _) =
        from_browser(&default.url, Some(&format!("evil.example:{port}")), None).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--allow-host evil.example")),
        "{body}"
    );
    let (status, body, _) = from_browser(&default.url, None, Some("https://evil.example")).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--cors-origin https://evil.example")),
        "{body}"
    );
    assert_eq!(node.read(|c| c.head().header.number), 0, "nothing was sent");

    let exposure =
        slipway_net::Exposure::with(&["devbox.lan".into()], &["http://localhost:3000".into()]);
    let open =
        slipway_devnet::rpc::serve_with(node, "127.0.0.1:0".parse().expect("addr"), exposure)
            .await
            .expect("serve");
    let (status, _, cors) = from_browser(
        &open.url,
        Some("devbox.lan:8545"),
        Some("http://localhost:3000"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(cors.as_deref(), Some("http://localhost:3000"));
    assert_eq!(
        preflight(&open.url, "http://localhost:3000")
            .await
            .as_deref(),
        Some("http://localhost:3000"),
        "a listed dApp origin passes its preflight"
    );
    let (status, _, _) = from_browser(
        &open.url,
        Some("devbox.lan:8545"),
        Some("http://localhost:4000"),
    )
    .await;
    assert_eq!(status, 403);
}

/// `GET /healthz` (alive) and `GET /readyz` (the chain loaded and served,
/// with its id and head) answer load balancers and container health
/// checks; the Host and Origin rules apply to them too.
#[tokio::test]
async fn health_endpoints_answer_under_the_same_exposure_rules() {
    let (node, server) = common::spawn(None, Mining::Auto).await;
    let get = |path: &str, host: Option<&str>| {
        let mut request = slipway_testkit::http().get(format!("{}{path}", server.url));
        if let Some(host) = host {
            request = request.header("host", host);
        }
        request.send()
    };
    let alive = get("/healthz", None).await.expect("healthz");
    assert_eq!(alive.status().as_u16(), 200);
    let ready = get("/readyz", None).await.expect("readyz");
    assert_eq!(ready.status().as_u16(), 200);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["chainId"], 1337);
    assert_eq!(body["block"], node.read(|c| c.head().header.number));
    let rebound = get("/readyz", Some("evil.example")).await.expect("refused");
    assert_eq!(rebound.status().as_u16(), 403);
    let text = rebound.text().await.expect("body");
    assert!(text.contains("--allow-host evil.example"), "{text}");
    assert!(text.contains("the dev node"), "names the server: {text}");
}

/// What browsers never send, sent anyway over a raw socket: a Host that is
/// not an authority, two Host headers, a byte outside ASCII in Host or
/// Origin. Each used to be served; each is refused now.
#[tokio::test]
async fn hosts_that_are_not_an_authority_are_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"eth_accounts"}"#;
    let send = |headers: Vec<u8>| {
        let addr = server.addr;
        async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let mut request = b"POST / HTTP/1.1\r\n".to_vec();
            request.extend_from_slice(&headers);
            request.extend_from_slice(
                format!(
                    "content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            request.extend_from_slice(body);
            stream.write_all(&request).await.expect("write");
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.expect("read");
            String::from_utf8_lossy(&answer).into_owned()
        }
    };
    let served = send(b"Host: localhost:8545\r\n".to_vec()).await;
    assert!(served.starts_with("HTTP/1.1 200"), "{served}");
    let mut cases: Vec<(&str, Vec<u8>)> = [
        "localhost:8545@evil.com",
        "localhost:evil",
        "[::1].evil.com",
        "[::1]evil.com:80",
    ]
    .iter()
    .map(|h| (*h, format!("Host: {h}\r\n").into_bytes()))
    .collect();
    cases.push((
        "two Host headers",
        b"Host: localhost\r\nHost: evil.example\r\n".to_vec(),
    ));
    cases.push(("a 0x80 byte in Host", b"Host: local\x80host\r\n".to_vec()));
    cases.push((
        "a non-ASCII Origin",
        b"Host: localhost\r\nOrigin: http://\xc3\xa9vil.example\r\n".to_vec(),
    ));
    for (case, headers) in cases {
        let answer = send(headers).await;
        let status = answer.get(9..12).unwrap_or_default();
        assert!(
            status == "403" || status == "400",
            "{case}: served ({answer})"
        );
    }
}

/// The members of a batch share one budget: a batch that would mine more
/// blocks than one request may is refused whole before anything runs
/// (20 × `anvil_mine 100000` mined two million blocks, +126 MB for good),
/// and once a batch's answers pass 25 MB the rest are answered with
/// geth's "response too large" instead of being run.
#[tokio::test]
async fn a_batch_shares_one_budget() {
    let (node, server) = common::spawn(None, Mining::Auto).await;
    let mine = |id: usize, blocks: u64| json!({"jsonrpc": "2.0", "id": id, "method": "anvil_mine", "params": [format!("{blocks:#x}")]});
    let greedy: Vec<serde_json::Value> = (0..20).map(|i| mine(i, 100_000)).collect();
    let answer = common::raw(&server.url, serde_json::Value::Array(greedy)).await;
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("would mine 2000000 blocks")),
        "{answer}"
    );
    assert_eq!(node.read(|c| c.head().header.number), 0, "nothing mined");
    // Three requests each within the per-request cap, together over it.
    let together = common::raw(
        &server.url,
        json!([mine(1, 40_000), mine(2, 40_000), mine(3, 40_000)]),
    )
    .await;
    assert!(
        together["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("would mine 120000 blocks")),
        "{together}"
    );
    assert_eq!(node.read(|c| c.head().header.number), 0, "nothing mined");
    let within = common::raw(&server.url, json!([mine(1, 500), mine(2, 500)])).await;
    assert!(within.as_array().is_some_and(|a| a.len() == 2), "{within}");
    assert_eq!(node.read(|c| c.head().header.number), 1_000);

    // 200 answers of 200 KB each: past 25 MB the rest are refused.
    let big = format!("0x{}", "60".repeat(100_000));
    let who = "0x00000000000000000000000000000000000000b1";
    common::rpc(&server.url, "anvil_setCode", json!([who, big])).await;
    let reads: Vec<serde_json::Value> = (0..200)
        .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_getCode", "params": [who, "latest"]}))
        .collect();
    let answers = common::raw(&server.url, serde_json::Value::Array(reads)).await;
    let answers = answers.as_array().expect("batch");
    assert_eq!(answers.len(), 200, "every request answered");
    let served = answers.iter().filter(|a| a.get("result").is_some()).count();
    let refused: Vec<&serde_json::Value> = answers
        .iter()
        .filter(|a| a.get("error").is_some())
        .collect();
    assert!(served > 0 && !refused.is_empty(), "{served} served");
    assert!(
        served * 200_000 < 27 * 1024 * 1024,
        "{served} answers of 200 KB"
    );
    assert_eq!(refused[0]["error"]["code"], -32003);
    assert_eq!(answers.last().expect("last")["id"], 199);
}
