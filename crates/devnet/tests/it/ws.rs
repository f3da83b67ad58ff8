//! WebSocket: requests, and eth_subscribe for heads, logs and pending transactions.

use crate::common;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use slipway_devnet::Mining;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(ws: &mut Socket, body: Value) {
    ws.send(Message::Text(body.to_string().into()))
        .await
        .expect("send");
}

async fn next(ws: &mut Socket) -> Value {
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
        .await
        .expect("a message within 10 s")
        .expect("open")
        .expect("frame");
    serde_json::from_str(message.to_text().expect("text")).expect("json")
}

#[tokio::test]
async fn subscriptions_deliver_heads_logs_and_pending_transactions() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(&server.ws_url)
        .await
        .expect("connect");

    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}),
    )
    .await;
    assert_eq!(next(&mut ws).await["result"], "0x539");

    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": 2, "method": "eth_subscribe", "params": ["newHeads"]}),
    )
    .await;
    let heads = next(&mut ws).await["result"].clone();
    send(&mut ws, json!({"jsonrpc": "2.0", "id": 3, "method": "eth_subscribe", "params": ["newPendingTransactions"]})).await;
    let pending = next(&mut ws).await["result"].clone();
    send(&mut ws, json!({"jsonrpc": "2.0", "id": 4, "method": "eth_subscribe", "params": ["logs", {"topics": []}]})).await;
    let logs = next(&mut ws).await["result"].clone();
    assert_ne!(heads, pending);

    // Deploy the fixture and emit an event, over HTTP.
    let deploy = common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction", "params": [{
            "from": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "data": common::fixture_bytecode()
        }]}),
    )
    .await;
    let hash = deploy["result"].as_str().expect("hash").to_owned();
    let receipt = common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionReceipt", "params": [hash]}),
    )
    .await;
    let fixture = receipt["result"]["contractAddress"]
        .as_str()
        .expect("address")
        .to_owned();
    // bump("hi")
    let data = "0x4a397d3d00000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000002686900000000000000000000000000000000000000000000000000000000000000";
    let bump = common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction", "params": [{
            "from": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "to": fixture, "data": data
        }]}),
    )
    .await;
    assert!(bump.get("result").is_some(), "{bump}");

    let mut seen_heads = Vec::new();
    let mut seen_pending = Vec::new();
    let mut seen_logs = Vec::new();
    while seen_heads.len() < 2 || seen_pending.len() < 2 || seen_logs.is_empty() {
        let note = next(&mut ws).await;
        assert_eq!(note["method"], "eth_subscription");
        let sub = &note["params"]["subscription"];
        let result = note["params"]["result"].clone();
        if *sub == heads {
            seen_heads.push(result);
        } else if *sub == pending {
            seen_pending.push(result);
        } else if *sub == logs {
            seen_logs.push(result);
        } else {
            panic!("notification for an unknown subscription: {note}");
        }
    }
    assert_eq!(seen_heads[0]["number"], "0x1");
    assert_eq!(seen_heads[1]["number"], "0x2");
    assert_eq!(seen_pending[0], hash.as_str());
    assert_eq!(
        seen_logs[0]["address"].as_str().map(str::to_lowercase),
        Some(fixture.to_lowercase())
    );
    assert_eq!(seen_logs[0]["blockNumber"], "0x2");

    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": 5, "method": "eth_unsubscribe", "params": [heads]}),
    )
    .await;
    assert_eq!(next(&mut ws).await["result"], true);
    send(
        &mut ws,
        json!({"jsonrpc": "2.0", "id": 6, "method": "eth_subscribe", "params": ["nonsense"]}),
    )
    .await;
    assert_eq!(next(&mut ws).await["error"]["code"], -32602);
}

/// Over WebSocket the same JSON-RPC 2.0 rules hold as over HTTP —
/// subscriptions included — and a batch may subscribe.
#[tokio::test]
async fn websocket_requests_follow_json_rpc_2_and_batches_may_subscribe() {
    let (_node, server) = common::spawn(None, Mining::Manual).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(&server.ws_url)
        .await
        .expect("connect");

    for bad in [
        json!({"jsonrpc": "1.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}),
        json!({"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}),
    ] {
        send(&mut ws, bad).await;
        let answer = next(&mut ws).await;
        assert_eq!(answer["error"]["code"], -32600, "{answer}");
        assert_eq!(answer["id"], 1);
    }
    for bad in [
        json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "eth_subscribe", "params": ["newHeads"]}),
        json!({"jsonrpc": "2.0", "id": [1], "method": "eth_chainId"}),
    ] {
        send(&mut ws, bad).await;
        let answer = next(&mut ws).await;
        assert_eq!(answer["error"]["code"], -32600, "{answer}");
        assert_eq!(answer["id"], Value::Null);
    }

    send(
        &mut ws,
        json!([
            {"jsonrpc": "2.0", "id": 7, "method": "eth_subscribe", "params": ["newHeads"]},
            {"jsonrpc": "2.0", "id": 8, "method": "eth_chainId"},
        ]),
    )
    .await;
    let batch = next(&mut ws).await;
    let answers = batch.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 2, "{batch}");
    let subscription = answers
        .iter()
        .find(|a| a["id"] == 7)
        .and_then(|a| a["result"].as_str())
        .expect("a subscription id")
        .to_owned();
    assert!(
        answers
            .iter()
            .any(|a| a["id"] == 8 && a["result"] == "0x539")
    );

    common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "evm_mine", "params": []}),
    )
    .await;
    let note = next(&mut ws).await;
    assert_eq!(note["method"], "eth_subscription");
    assert_eq!(note["params"]["subscription"], subscription);
    assert_eq!(note["params"]["result"]["number"], "0x1");
}

/// Subscriptions are bounded: 1,000 per connection and 10,000 per node,
/// refused beyond with a JSON-RPC error (100,000 on one connection once
/// took 618 MB at the next block); a closed connection gives its share
/// back, and every held subscription still hears the next block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_are_capped_per_connection_and_per_node() {
    use slipway_devnet::rpc::{MAX_SUBSCRIPTIONS_PER_CONNECTION, MAX_SUBSCRIPTIONS_PER_NODE};
    let (_node, server) = common::spawn(None, Mining::Manual).await;
    // Subscribes `count` times in one batch; the answers.
    async fn subscribe(ws: &mut Socket, count: usize) -> Vec<Value> {
        let batch: Vec<Value> = (0..count)
            .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_subscribe", "params": ["newHeads"]}))
            .collect();
        send(ws, Value::Array(batch)).await;
        let answer = next(ws).await;
        answer
            .as_array()
            .unwrap_or_else(|| panic!("a batch answer: {answer}"))
            .clone()
    }
    let connect = || async {
        tokio_tungstenite::connect_async(&server.ws_url)
            .await
            .expect("connect")
            .0
    };
    let mut first = connect().await;
    // A batch holds at most 1,000 requests: the cap is reached in one.
    let answers = subscribe(&mut first, MAX_SUBSCRIPTIONS_PER_CONNECTION).await;
    let held: Vec<&Value> = answers
        .iter()
        .filter(|a| a.get("result").is_some())
        .collect();
    assert_eq!(held.len(), MAX_SUBSCRIPTIONS_PER_CONNECTION);
    let over = subscribe(&mut first, 1).await;
    let refused = &over[0];
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("eth_unsubscribe some first")),
        "{refused}"
    );
    // Unsubscribing makes room again.
    send(&mut first, json!({"jsonrpc": "2.0", "id": 1, "method": "eth_unsubscribe", "params": [held[0]["result"]]})).await;
    assert_eq!(next(&mut first).await["result"], true);
    assert!(subscribe(&mut first, 1).await[0].get("result").is_some());

    // The node's budget: nine more full connections fill it.
    let mut others = Vec::new();
    for _ in 1..MAX_SUBSCRIPTIONS_PER_NODE / MAX_SUBSCRIPTIONS_PER_CONNECTION {
        let mut ws = connect().await;
        let answers = subscribe(&mut ws, MAX_SUBSCRIPTIONS_PER_CONNECTION).await;
        assert!(answers.iter().all(|a| a.get("result").is_some()));
        others.push(ws);
    }
    let mut late = connect().await;
    let refused = subscribe(&mut late, 1).await;
    assert!(
        refused[0]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("over all connections")),
        "{refused:?}"
    );
    // A connection that closes gives its share back before the client sees
    // it end.
    let mut gone = others.pop().expect("one");
    gone.close(None).await.expect("close");
    while let Some(Ok(_)) = gone.next().await {}
    assert!(
        subscribe(&mut late, 1).await[0].get("result").is_some(),
        "the closed connection's subscriptions were given back"
    );

    // A block reaches every subscription of a full connection, one
    // notification per subscription.
    common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "evm_mine", "params": []}),
    )
    .await;
    let mut seen = std::collections::HashSet::new();
    while seen.len() < MAX_SUBSCRIPTIONS_PER_CONNECTION {
        let note = next(&mut others[0]).await;
        assert_eq!(note["method"], "eth_subscription");
        assert!(
            seen.insert(note["params"]["subscription"].clone()),
            "one each"
        );
    }
}
