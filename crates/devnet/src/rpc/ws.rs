//! One WebSocket connection: requests as over HTTP, plus `eth_subscribe`.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use alloy_primitives::U256;
use alloy_rpc_types_eth::Filter;
use axum::extract::ws::{Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

use super::{
    Ctx, MAX_SUBSCRIPTIONS_PER_CONNECTION, MAX_SUBSCRIPTIONS_PER_NODE, Request, convert,
    error::RpcError, handle_one, handle_parsed, response,
};
use crate::Event;

enum Subscription {
    Heads,
    Logs(Box<Filter>),
    Pending,
}

/// What a connection holds of the node's subscription budget, given back
/// when the connection ends, however it ends.
struct Held {
    ctx: Arc<Ctx>,
    count: Arc<AtomicUsize>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.ctx
            .subscriptions
            .fetch_sub(self.count.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// Serves a connection until the client closes it.
pub(super) async fn run(ctx: Arc<Ctx>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    // Declared after the socket's halves, so dropped before them: the share
    // is given back before the client sees the connection end.
    let held = Held {
        ctx: ctx.clone(),
        count: Arc::default(),
    };
    let mut events = ctx.node.subscribe();
    let mut subs: HashMap<U256, Subscription> = HashMap::new();
    let mut next_id = 0u64;
    loop {
        tokio::select! {
            message = stream.next() => {
                let text = match message {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    _ => return,
                };
                // Requests as over HTTP (batches too), subscriptions answered
                // here: the chain's work is synchronous, off the async
                // threads, with this connection's subscriptions lent to it.
                // Quick reads are answered here (see `is_quick`).
                let value: serde_json::Value = match serde_json::from_str(&text) {
                    Ok(value) => value,
                    Err(e) => {
                        let answer = super::parse_error(e);
                        if sink.send(Message::Text(answer.to_string().into())).await.is_err() {
                            return;
                        }
                        continue;
                    }
                };
                let answer = if super::is_quick(&value) && !ctx.node.is_forked() {
                    handle_parsed(value, |item| {
                        answer_one(&ctx, &held.count, item, &mut subs, &mut next_id)
                    })
                } else {
                    let ctx = ctx.clone();
                    let count = held.count.clone();
                    let mut lent = (std::mem::take(&mut subs), next_id);
                    let Ok((answer, back)) = tokio::task::spawn_blocking(move || {
                        let answer = handle_parsed(value, |item| {
                            answer_one(&ctx, &count, item, &mut lent.0, &mut lent.1)
                        });
                        (answer, lent)
                    })
                    .await
                    else {
                        return;
                    };
                    (subs, next_id) = back;
                    answer
                };
                if let Some(answer) = answer
                    && sink.send(Message::Text(answer.to_string().into())).await.is_err()
                {
                    return;
                }
            }
            event = events.recv() => {
                let event = match event {
                    Ok(e) => e,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!("a WebSocket subscriber fell {n} events behind");
                        continue;
                    }
                    Err(_) => return,
                };
                // Streamed: one notification built at a time, never all of
                // them at once.
                let mut header = None;
                for (id, sub) in &subs {
                    for message in notifications(id, sub, &event, &mut header) {
                        if sink.send(Message::Text(message.to_string().into())).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// One request of a WebSocket message: subscriptions here, anything else
/// as over HTTP; the same JSON-RPC 2.0 checks for both.
fn answer_one(
    ctx: &Arc<Ctx>,
    held: &AtomicUsize,
    item: Value,
    subs: &mut HashMap<U256, Subscription>,
    next_id: &mut u64,
) -> Option<Value> {
    let is_subscription = item
        .get("method")
        .and_then(Value::as_str)
        .is_some_and(|m| m == "eth_subscribe" || m == "eth_unsubscribe");
    if !is_subscription {
        return handle_one(ctx, item);
    }
    let request = match Request::parse(item) {
        Ok(request) => request,
        Err(answer) => return Some(answer),
    };
    let result = subscription(ctx, held, &request, subs, next_id);
    (!request.notification).then(|| response(request.id, result))
}

/// Answers eth_subscribe / eth_unsubscribe.
fn subscription(
    ctx: &Ctx,
    held: &AtomicUsize,
    request: &Request,
    subs: &mut HashMap<U256, Subscription>,
    next_id: &mut u64,
) -> Result<Value, RpcError> {
    let params = request.params.clone().unwrap_or(json!([]));
    if request.method == "eth_unsubscribe" {
        let sub_id: U256 = serde_json::from_value(params.get(0).cloned().unwrap_or_default())
            .map_err(|e| RpcError::invalid_params(format!("eth_unsubscribe parameter 1: {e}")))?;
        let removed = subs.remove(&sub_id).is_some();
        if removed {
            held.fetch_sub(1, Ordering::SeqCst);
            ctx.subscriptions.fetch_sub(1, Ordering::SeqCst);
        }
        return Ok(json!(removed));
    }
    if subs.len() >= MAX_SUBSCRIPTIONS_PER_CONNECTION {
        return Err(RpcError::server(format!(
            "this connection holds {MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions, the most one may: eth_unsubscribe some first"
        )));
    }
    let kind = params.get(0).and_then(Value::as_str).ok_or_else(|| {
        RpcError::invalid_params(
            "eth_subscribe parameter 1: newHeads, logs or newPendingTransactions",
        )
    })?;
    let sub = match kind {
        "newHeads" => Subscription::Heads,
        "newPendingTransactions" => Subscription::Pending,
        "logs" => {
            let filter: Filter = serde_json::from_value(
                params.get(1).cloned().unwrap_or(json!({})),
            )
            .map_err(|e| {
                RpcError::invalid_params(format!("eth_subscribe parameter 2 (filter): {e}"))
            })?;
            Subscription::Logs(Box::new(filter))
        }
        other => {
            return Err(RpcError::invalid_params(format!(
                "unknown subscription `{other}`: use newHeads, logs or newPendingTransactions"
            )));
        }
    };
    // The node's budget, taken only if there is room in it.
    let taken = ctx
        .subscriptions
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < MAX_SUBSCRIPTIONS_PER_NODE).then_some(n + 1)
        });
    if taken.is_err() {
        return Err(RpcError::server(format!(
            "the node holds {MAX_SUBSCRIPTIONS_PER_NODE} subscriptions over all connections, the most it serves: close idle connections or unsubscribe"
        )));
    }
    held.fetch_add(1, Ordering::SeqCst);
    *next_id += 1;
    let sub_id = U256::from(*next_id);
    subs.insert(sub_id, sub);
    Ok(json!(sub_id))
}

/// The notifications of one subscription for `event`; a block's header is
/// converted once per event (`header`) whatever the number of subscribers.
fn notifications(
    id: &U256,
    sub: &Subscription,
    event: &Event,
    header: &mut Option<Value>,
) -> Vec<Value> {
    let mut out = Vec::new();
    let note = |id: &U256, result: Value| json!({ "jsonrpc": "2.0", "method": "eth_subscription", "params": { "subscription": id, "result": result } });
    {
        match (sub, event) {
            (Subscription::Heads, Event::Block(block)) => {
                let header = header.get_or_insert_with(|| {
                    serde_json::to_value(convert::block(block, false).header).unwrap_or_default()
                });
                out.push(note(id, header.clone()));
            }
            (Subscription::Logs(filter), Event::Block(block)) => {
                for (i, tx) in block.transactions.iter().enumerate() {
                    for log in convert::logs(block, i, tx) {
                        if filter.matches(&log.inner) {
                            out.push(note(id, serde_json::to_value(log).unwrap_or_default()));
                        }
                    }
                }
            }
            (Subscription::Pending, Event::Pending(hash)) => out.push(note(id, json!(hash))),
            _ => {}
        }
    }
    out
}
