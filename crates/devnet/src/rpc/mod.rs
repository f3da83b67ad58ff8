//! JSON-RPC 2.0: request handling shared by HTTP and WebSocket, and the
//! method table.

mod convert;
mod debug;
mod dev;
mod error;
mod eth;
mod filters;
mod forward;
mod overrides;
mod params;
mod server;
mod ws;

use std::sync::Arc;

use alloy_eips::BlockNumberOrTag;
use alloy_primitives::U256;
use parking_lot::Mutex;
use serde_json::{Value, json};

pub use error::{RpcError, revert_reason};
pub use server::{NODE, ServerHandle, serve, serve_with};

use crate::Node;
use filters::{FilterKind, Filters};
use params::Params;

/// Most requests in one batch.
pub const MAX_BATCH: usize = 1_000;
/// Largest request body, in bytes.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// What every request handler can reach.
pub struct Ctx {
    /// The chain.
    pub node: Arc<Node>,
    filters: Filters,
    interval: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Bumped whenever interval mining is reconfigured; a tick of an older
    /// configuration mines nothing.
    interval_generation: Arc<std::sync::atomic::AtomicU64>,
    /// WebSocket subscriptions held across all connections.
    pub(crate) subscriptions: std::sync::atomic::AtomicUsize,
}

/// Subscriptions one WebSocket connection may hold.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 1_000;
/// Subscriptions all connections of a node may hold together.
pub const MAX_SUBSCRIPTIONS_PER_NODE: usize = 10_000;

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").finish_non_exhaustive()
    }
}

impl Ctx {
    /// A context for `node`.
    pub fn new(node: Arc<Node>) -> Arc<Self> {
        let ctx = Arc::new(Self {
            node,
            filters: Filters::default(),
            interval: Mutex::new(None),
            interval_generation: Arc::default(),
            subscriptions: Default::default(),
        });
        // Keep pending filters and rewinds up to date.
        let weak = Arc::downgrade(&ctx);
        let mut events = ctx.node.subscribe();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                // Unpolled filters expire on this timer too, not only when
                // something else happens.
                let mut sweep = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    let event = tokio::select! {
                        event = events.recv() => event,
                        _ = sweep.tick() => {
                            let Some(ctx) = weak.upgrade() else { return };
                            ctx.filters.expire(std::time::Instant::now());
                            continue;
                        }
                    };
                    let event = match event {
                        Ok(e) => e,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(_) => return,
                    };
                    let Some(ctx) = weak.upgrade() else { return };
                    match event {
                        crate::Event::Pending(h) => ctx.filters.pending(h),
                        crate::Event::Rewound(head) => ctx.filters.rewound(head),
                        crate::Event::Block(_) | crate::Event::LockLost(_) => {}
                    }
                }
            });
        }
        ctx
    }

    /// Starts (ms > 0) or stops interval mining.
    pub fn set_interval(self: &Arc<Self>, ms: u64) {
        use std::sync::atomic::Ordering;
        let mut slot = self.interval.lock();
        let generation = self.interval_generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(task) = slot.take() {
            task.abort();
        }
        // Wait out a tick that already holds the chain: later ones see the
        // new generation and mine nothing.
        self.node.read(|_| ());
        if ms == 0 {
            return;
        }
        let current = self.interval_generation.clone();
        let node = self.node.clone();
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        *slot = Some(handle.spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(ms));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                let node = node.clone();
                let current = current.clone();
                let mined = tokio::task::spawn_blocking(move || {
                    node.write_holding_empty(empty_batch(ms), |c| {
                        if current.load(Ordering::SeqCst) == generation {
                            c.mine_block();
                        }
                    })
                })
                .await;
                if let Ok(Err(e)) = mined {
                    tracing::error!("interval mining stopped: {e}");
                    return;
                }
            }
        }));
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        if let Some(task) = self.interval.lock().take() {
            task.abort();
        }
    }
}

/// Handles a request body (single or batch). `None` when nothing is to be
/// answered (notifications only).
pub fn handle_body(ctx: &Arc<Ctx>, body: &[u8]) -> Option<Value> {
    handle_batch(body, |item| handle_one(ctx, item))
}

/// Handles a parsed body (single or batch), as [`handle_body`].
pub(crate) fn handle_value(ctx: &Arc<Ctx>, value: Value) -> Option<Value> {
    handle_parsed(value, |item| handle_one(ctx, item))
}

/// Methods that only read the chain and do little work: answered on the
/// connection's own task instead of a thread of the blocking pool, whose
/// hand-off cost more CPU than an `eth_call` itself. Whatever can wait on
/// the disk (sending, mining) or run long (traces, estimates) stays off
/// the async threads.
const QUICK_READS: [&str; 19] = [
    "eth_call",
    "eth_chainId",
    "eth_blockNumber",
    "eth_getBalance",
    "eth_getCode",
    "eth_getStorageAt",
    "eth_getTransactionCount",
    "eth_gasPrice",
    "eth_maxPriorityFeePerGas",
    "eth_blobBaseFee",
    "eth_getTransactionReceipt",
    "eth_getTransactionByHash",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_accounts",
    "eth_syncing",
    "net_version",
    "net_listening",
    "web3_clientVersion",
];

/// The largest batch answered on the connection's task.
const QUICK_BATCH: usize = 16;

/// Whether every request of `body` is a quick read (see [`QUICK_READS`]).
pub(crate) fn is_quick(body: &Value) -> bool {
    let quick = |request: &Value| {
        request
            .get("method")
            .and_then(Value::as_str)
            .is_some_and(|m| QUICK_READS.contains(&m))
    };
    match body {
        Value::Array(items) => {
            !items.is_empty() && items.len() <= QUICK_BATCH && items.iter().all(quick)
        }
        single => quick(single),
    }
}

/// A body, single or batch, each request answered by `one`; the batch
/// rules (not empty, at most `MAX_BATCH`) and parse errors as JSON-RPC says.
pub(crate) fn handle_batch(body: &[u8], one: impl FnMut(Value) -> Option<Value>) -> Option<Value> {
    match serde_json::from_slice(body) {
        Ok(value) => handle_parsed(value, one),
        Err(e) => Some(parse_error(e)),
    }
}

/// The answer to a body that is not JSON.
pub(crate) fn parse_error(e: serde_json::Error) -> Value {
    response(Value::Null, Err(RpcError::parse(e)))
}

/// [`handle_batch`] for a body already parsed.
pub(crate) fn handle_parsed(
    value: Value,
    mut one: impl FnMut(Value) -> Option<Value>,
) -> Option<Value> {
    match value {
        Value::Array(items) if items.is_empty() => Some(response(
            Value::Null,
            Err(RpcError::invalid_request("empty batch")),
        )),
        Value::Array(items) if items.len() > MAX_BATCH => Some(response(
            Value::Null,
            Err(RpcError::invalid_request(format!(
                "a batch of {} requests exceeds the limit of {MAX_BATCH}",
                items.len()
            ))),
        )),
        Value::Array(items) => {
            if let Some(refusal) = over_budget(&items) {
                return Some(response(Value::Null, Err(refusal)));
            }
            // geth's rule: once the answers pass MAX_RESPONSE, the rest of
            // the batch is answered with an error instead of being run.
            let mut size = 0usize;
            let mut answers = Vec::new();
            for item in items {
                if size > MAX_RESPONSE {
                    if let Some(id) = item.get("id").filter(|id| !id.is_null()) {
                        answers.push(response(
                            id.clone(),
                            Err(RpcError {
                                code: -32003,
                                message: format!(
                                    "response too large: the batch's answers passed {} MB; ask in smaller batches",
                                    MAX_RESPONSE / (1024 * 1024)
                                ),
                                data: None,
                            }),
                        ));
                    }
                    continue;
                }
                if let Some(answer) = one(item) {
                    size += serde_json::to_vec(&answer).map_or(0, |b| b.len());
                    answers.push(answer);
                }
            }
            (!answers.is_empty()).then_some(Value::Array(answers))
        }
        single => one(single),
    }
}

/// Most bytes of answers one batch gets (geth's limit).
pub const MAX_RESPONSE: usize = 25 * 1024 * 1024;

/// Most blocks one request, or one whole batch, may mine.
pub const MAX_MINED_PER_BATCH: u64 = 100_000;

/// The members of a batch share one budget: a batch that would mine more
/// blocks than one request may is refused whole, before anything runs (20 ×
/// `anvil_mine 100000` once mined two million blocks).
fn over_budget(items: &[Value]) -> Option<RpcError> {
    let quantity = |v: Option<&Value>| -> u64 {
        match v {
            Some(Value::Number(n)) => n.as_u64().unwrap_or(u64::MAX),
            Some(Value::String(s)) => s
                .strip_prefix("0x")
                .map_or_else(|| s.parse().ok(), |hex| u64::from_str_radix(hex, 16).ok())
                .unwrap_or(u64::MAX),
            _ => 1,
        }
    };
    let mined: u64 = items
        .iter()
        .map(|item| {
            let params = item.get("params").and_then(Value::as_array);
            match item.get("method").and_then(Value::as_str) {
                Some("anvil_mine" | "hardhat_mine") => quantity(params.and_then(|p| p.first())),
                Some("evm_mine") => 1,
                _ => 0,
            }
        })
        .fold(0u64, u64::saturating_add);
    (mined > MAX_MINED_PER_BATCH).then(|| {
        RpcError::invalid_request(format!(
            "this batch would mine {mined} blocks; a batch may mine at most {MAX_MINED_PER_BATCH} in all: send them in several batches"
        ))
    })
}

/// A request object that follows JSON-RPC 2.0.
pub(crate) struct Request {
    /// Its id (`Null` for a notification).
    pub(crate) id: Value,
    /// No id: nothing is answered.
    pub(crate) notification: bool,
    /// The method.
    pub(crate) method: String,
    /// Its parameters, as sent.
    pub(crate) params: Option<Value>,
}

impl Request {
    /// The request in `value`, or the error answer for it: an object with
    /// `"jsonrpc": "2.0"`, a method name and an id that is a number, a
    /// string or null — over HTTP and WebSocket alike.
    pub(crate) fn parse(value: Value) -> Result<Self, Value> {
        let Value::Object(mut obj) = value else {
            return Err(response(
                Value::Null,
                Err(RpcError::invalid_request("a request must be a JSON object")),
            ));
        };
        let id = obj.remove("id");
        let notification = id.is_none();
        let id = id.unwrap_or(Value::Null);
        if !matches!(id, Value::Null | Value::Number(_) | Value::String(_)) {
            return Err(response(
                Value::Null,
                Err(RpcError::invalid_request(
                    "id must be a number, string or null",
                )),
            ));
        }
        if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err(response(
                id,
                Err(RpcError::invalid_request("jsonrpc must be \"2.0\"")),
            ));
        }
        let Some(Value::String(method)) = obj.remove("method") else {
            return Err(response(
                id,
                Err(RpcError::invalid_request("method must be a string")),
            ));
        };
        Ok(Self {
            id,
            notification,
            method,
            params: obj.remove("params"),
        })
    }
}

/// Handles one request object.
pub fn handle_one(ctx: &Arc<Ctx>, request: Value) -> Option<Value> {
    let request = match Request::parse(request) {
        Ok(request) => request,
        Err(answer) => return Some(answer),
    };
    let method = &request.method;
    let result = Params::new(method, request.params).and_then(|p| call(ctx, method, &p));
    if let Err(e) = &result {
        tracing::debug!(method, code = e.code, "{}", e.message);
    }
    (!request.notification).then(|| response(request.id, result))
}

pub(crate) fn response(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(e) => json!({ "jsonrpc": "2.0", "id": id, "error": e.to_json() }),
    }
}

/// Runs one method; on a forked chain, what came before the fork is the
/// remote's (`forward.rs`).
pub(crate) fn call(ctx: &Arc<Ctx>, method: &str, p: &Params<'_>) -> Result<Value, RpcError> {
    // A chain of its own (the common case) takes no lock to find out.
    if !ctx.node.is_forked() {
        return call_here(ctx, method, p);
    }
    let Some((upstream, first)) = ctx
        .node
        .read(|c| c.upstream().cloned().map(|u| (u, c.first_block())))
    else {
        return call_here(ctx, method, p);
    };
    let local = |filter: Value| {
        let params = Params::new(method, Some(json!([filter])))?;
        call_here(ctx, method, &params)
    };
    if let Some(answer) = forward::before_fork(&upstream, first, method, p, local) {
        return answer;
    }
    match call_here(ctx, method, p)? {
        Value::Null if forward::unknown_here(method) => {
            forward::ask(&upstream, method, Value::Array(p.raw()))
        }
        answer => Ok(answer),
    }
}

/// Runs one method on this chain.
fn call_here(ctx: &Arc<Ctx>, method: &str, p: &Params<'_>) -> Result<Value, RpcError> {
    if let Some(result) = eth::dispatch(ctx, method, p) {
        return result;
    }
    if let Some(result) = dev::dispatch(ctx, method, p) {
        return result;
    }
    if let Some(result) = debug::dispatch(ctx, method, p) {
        return result;
    }
    let node = &ctx.node;
    match method {
        "eth_newFilter" => {
            let f: alloy_rpc_types_eth::Filter = p.required(0, "filter", "a filter object")?;
            let head = node.read(|c| c.head().header.number);
            let start = match f.block_option.get_from_block() {
                Some(BlockNumberOrTag::Number(n)) => *n,
                _ => head + 1,
            };
            Ok(json!(
                ctx.filters.install(FilterKind::Logs(Box::new(f)), start)?
            ))
        }
        "eth_newBlockFilter" => {
            let head = node.read(|c| c.head().header.number);
            Ok(json!(ctx.filters.install(FilterKind::Blocks, head + 1)?))
        }
        "eth_newPendingTransactionFilter" => {
            let head = node.read(|c| c.head().header.number);
            Ok(json!(
                ctx.filters
                    .install(FilterKind::Pending(Vec::new()), head + 1)?
            ))
        }
        "eth_getFilterChanges" => {
            let id: U256 = p.required(0, "filterId", "a filter id")?;
            node.read(|c| ctx.filters.changes(c, id))
        }
        "eth_getFilterLogs" => {
            let id: U256 = p.required(0, "filterId", "a filter id")?;
            let logs = node.read(|c| ctx.filters.all_logs(c, id))?;
            serde_json::to_value(logs).map_err(|e| RpcError::internal(e.to_string()))
        }
        "eth_uninstallFilter" => {
            let id: U256 = p.required(0, "filterId", "a filter id")?;
            Ok(json!(ctx.filters.uninstall(id)))
        }
        "eth_subscribe" | "eth_unsubscribe" => Err(RpcError::server(format!(
            "{method} needs a WebSocket connection (ws://…)"
        ))),
        "eth_getProof" => Err(RpcError {
            message: "eth_getProof is not served by the slipway dev chain: its state root is a hash chain of state changes, not a Merkle-Patricia trie, so there is no proof to give (use anvil for proofs)".into(),
            ..RpcError::method_not_found(method)
        }),
        _ => Err(RpcError::method_not_found(method)),
    }
}

/// How many empty interval blocks may wait to be logged together: a
/// minute's worth (at least one), so an idle day at one block a second
/// is 1,440 small records, and a crash loses at most a minute of empty
/// blocks (never a transaction: any other record logs them first).
fn empty_batch(interval_ms: u64) -> usize {
    usize::try_from(60_000 / interval_ms.max(1)).map_or(1, |n| n.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_bodies_of_quick_reads_skip_the_blocking_pool() {
        let call = json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [] });
        let send = json!({ "jsonrpc": "2.0", "id": 2, "method": "eth_sendRawTransaction" });
        let trace = json!({ "jsonrpc": "2.0", "id": 3, "method": "debug_traceCall" });
        assert!(is_quick(&call));
        assert!(!is_quick(&send), "a send waits on the disk");
        assert!(!is_quick(&trace), "a trace can run long");
        assert!(is_quick(&json!([call.clone(), call.clone()])));
        assert!(
            !is_quick(&json!([call.clone(), send])),
            "one slow request decides"
        );
        assert!(!is_quick(&json!([])));
        assert!(!is_quick(&Value::Array(vec![call; QUICK_BATCH + 1])));
        assert!(!is_quick(&json!({ "method": 7 })));
    }
}
