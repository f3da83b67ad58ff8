//! A forked node's answers about what came before the fork, asked of the
//! remote as anvil does: blocks, receipts, transactions and logs from
//! before the fork block, state at such a block, and anything addressed by
//! a hash this chain does not know.

use std::sync::Arc;

use alloy_primitives::U64;
use serde_json::{Value, json};
use slipway_evm::Upstream;

use super::{error::RpcError, params::Params};

/// Where a method takes its block, if it takes one.
fn block_position(method: &str) -> Option<usize> {
    match method {
        "eth_getBlockByNumber"
        | "eth_getBlockReceipts"
        | "eth_getBlockTransactionCountByNumber" => Some(0),
        "eth_getBalance" | "eth_getTransactionCount" | "eth_getCode" | "eth_call" => Some(1),
        "eth_getStorageAt" | "eth_getProof" => Some(2),
        _ => None,
    }
}

/// Methods that answer with a block (or what it holds): the fork block
/// itself is the remote's, whose header this chain's first block only
/// borrows the number and hash of.
fn returns_block(method: &str) -> bool {
    matches!(
        method,
        "eth_getBlockByNumber" | "eth_getBlockReceipts" | "eth_getBlockTransactionCountByNumber"
    )
}

/// Methods whose `null` ("not here") is asked of the remote.
pub(crate) fn unknown_here(method: &str) -> bool {
    matches!(
        method,
        "eth_getTransactionByHash"
            | "eth_getTransactionReceipt"
            | "eth_getBlockByHash"
            | "eth_getBlockTransactionCountByHash"
            | "eth_getBlockReceipts"
    )
}

/// A block number as JSON-RPC writes it (a quantity, or a tag).
fn number_of(value: &Value) -> Option<u64> {
    match value {
        Value::String(tag) if tag == "earliest" => Some(0),
        Value::String(_) => serde_json::from_value::<U64>(value.clone())
            .ok()
            .map(|n| n.to::<u64>()),
        Value::Object(object) => object.get("blockNumber").and_then(number_of),
        _ => None,
    }
}

/// The remote's answer.
pub(crate) fn ask(
    upstream: &Arc<dyn Upstream>,
    method: &str,
    params: Value,
) -> Result<Value, RpcError> {
    upstream
        .forward(method, params)
        .map_err(|e| RpcError::server(e.to_string()))
}

/// The remote's answer when `method` asks about a block before `first`
/// (the fork block), or about the logs of such blocks (those from the
/// fork block on are this chain's: `local` gives them).
pub(crate) fn before_fork(
    upstream: &Arc<dyn Upstream>,
    first: u64,
    method: &str,
    p: &Params<'_>,
    local: impl FnOnce(Value) -> Result<Value, RpcError>,
) -> Option<Result<Value, RpcError>> {
    let params = p.raw();
    if method == "eth_getLogs" {
        return logs(upstream, first, params, local);
    }
    if matches!(
        method,
        "eth_getBlockByHash" | "eth_getBlockTransactionCountByHash"
    ) && params
        .first()
        .and_then(|h| serde_json::from_value::<alloy_primitives::B256>(h.clone()).ok())
        == Some(upstream.block().hash)
    {
        return Some(ask(upstream, method, Value::Array(params)));
    }
    let block = params.get(block_position(method)?)?;
    let number = number_of(block)?;
    let theirs = if returns_block(method) {
        number <= first
    } else {
        number < first
    };
    theirs.then(|| ask(upstream, method, Value::Array(params.clone())))
}

fn logs(
    upstream: &Arc<dyn Upstream>,
    first: u64,
    params: Vec<Value>,
    local: impl FnOnce(Value) -> Result<Value, RpcError>,
) -> Option<Result<Value, RpcError>> {
    let filter = params.first()?.as_object()?;
    if filter.contains_key("blockHash") {
        return None;
    }
    let from = filter.get("fromBlock").and_then(number_of)?;
    if from >= first {
        return None;
    }
    let to = filter.get("toBlock").and_then(number_of);
    if to.is_some_and(|to| to < first) {
        return Some(ask(upstream, "eth_getLogs", Value::Array(params)));
    }
    // Across the fork block: the remote's part, then this chain's.
    let mut before = filter.clone();
    before.insert("toBlock".into(), json!(U64::from(first - 1)));
    let mut after = filter.clone();
    after.insert("fromBlock".into(), json!(U64::from(first)));
    Some((|| {
        let mut all = match ask(upstream, "eth_getLogs", json!([before]))? {
            Value::Array(logs) => logs,
            other => {
                return Err(RpcError::server(format!(
                    "the forked chain answered eth_getLogs with {other}"
                )));
            }
        };
        if let Value::Array(mine) = local(Value::Object(after))? {
            all.extend(mine);
        }
        Ok(Value::Array(all))
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_numbers_read_as_nodes_write_them() {
        assert_eq!(number_of(&json!("0x10")), Some(16));
        assert_eq!(number_of(&json!("earliest")), Some(0));
        assert_eq!(number_of(&json!("latest")), None);
        assert_eq!(number_of(&json!({ "blockNumber": "0x2" })), Some(2));
        assert_eq!(number_of(&json!({ "blockHash": "0x00" })), None);
        assert_eq!(block_position("eth_getStorageAt"), Some(2));
        assert!(unknown_here("eth_getTransactionReceipt"));
        assert!(!unknown_here("eth_call"));
    }
}
