//! Test-node methods: `evm_*`, `hardhat_*` / `anvil_*` and `txpool_*`.

use std::sync::Arc;

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use serde_json::{Value, json};

use super::{Ctx, convert, error::RpcError, params::Params};
use crate::Node;

type RpcResult = Result<Value, RpcError>;

const ADDRESS: &str = "an address (0x and 40 hex digits)";
const QUANTITY: &str = "a hex quantity";

fn write<R>(node: &Node, f: impl FnOnce(&mut crate::Chain) -> R) -> Result<R, RpcError> {
    node.write(f).map_err(|e| RpcError::internal(e.to_string()))
}

pub(crate) fn dispatch(ctx: &Arc<Ctx>, method: &str, p: &Params<'_>) -> Option<RpcResult> {
    let node = &ctx.node;
    // hardhat_X and anvil_X are the same method.
    let name = method
        .strip_prefix("hardhat_")
        .or_else(|| method.strip_prefix("anvil_"));
    if let Some(name) = name {
        return anvil(node, method, name, p);
    }
    Some(match method {
        "evm_snapshot" => write(node, |c| c.snapshot()).and_then(|id| {
            id.map(|id| json!(U64::from(id)))
                .map_err(|e| RpcError::server(e.to_string()))
        }),
        "evm_revert" => (|| {
            let id: U64 = p.required(0, "snapshotId", "a snapshot id from evm_snapshot")?;
            write(node, |c| c.revert(id.to::<u64>())).map(|ok| json!(ok))
        })(),
        "evm_mine" => (|| {
            // Hardhat passes an optional timestamp; anvil an options object.
            let timestamp =
                match p.optional::<Value>(0, "timestamp", "a timestamp or {timestamp, blocks}")? {
                    Some(Value::Object(o)) => o
                        .get("timestamp")
                        .and_then(|t| serde_json::from_value::<U64>(t.clone()).ok()),
                    Some(v) => serde_json::from_value::<U64>(v).ok(),
                    None => None,
                };
            write(node, |c| -> Result<(), RpcError> {
                if let Some(t) = timestamp {
                    c.set_next_timestamp(t.to::<u64>())
                        .map_err(|e| RpcError::server(e.to_string()))?;
                }
                c.mine_block();
                Ok(())
            })??;
            Ok(json!("0x0"))
        })(),
        "evm_increaseTime" => (|| {
            let secs: Value = p.required(0, "seconds", "a number of seconds")?;
            let secs = match secs {
                Value::Number(n) => n
                    .as_i64()
                    .ok_or_else(|| RpcError::invalid_params("seconds must be an integer"))?,
                other => {
                    let v = serde_json::from_value::<U64>(other)
                        .map_err(|e| RpcError::invalid_params(format!("seconds: {e}")))?;
                    i64::try_from(v.to::<u64>()).map_err(|_| {
                        RpcError::invalid_params(format!("seconds: {v} is too large"))
                    })?
                }
            };
            write(node, |c| c.increase_time(secs))?
                .map(|total| json!(total.to_string()))
                .map_err(|e| RpcError::server(e.to_string()))
        })(),
        "evm_setNextBlockTimestamp" => (|| {
            let t: Value = p.required(0, "timestamp", "a unix timestamp")?;
            let t = match t {
                Value::Number(n) => n.as_u64().ok_or_else(|| {
                    RpcError::invalid_params("timestamp must be a positive integer")
                })?,
                other => serde_json::from_value::<U64>(other)
                    .map_err(|e| RpcError::invalid_params(format!("timestamp: {e}")))?
                    .to(),
            };
            write(node, |c| c.set_next_timestamp(t))?
                .map_err(|e| RpcError::server(e.to_string()))?;
            Ok(json!(null))
        })(),
        "evm_setAutomine" => (|| {
            let on: bool = p.required(0, "enabled", "a boolean")?;
            write(node, |c| c.automine = on)?;
            Ok(json!(true))
        })(),
        "evm_setIntervalMining" => (|| {
            let ms: u64 = p.required(0, "interval", "milliseconds (0 turns it off)")?;
            ctx.set_interval(ms);
            Ok(json!(true))
        })(),
        "txpool_status" => Ok(node.read(|c| {
            let state = c.state();
            let (pending, queued) = c.pool().content(|a| state.account(a).nonce);
            json!({ "pending": U64::from(pending.len()), "queued": U64::from(queued.len()) })
        })),
        "txpool_content" => Ok(node.read(|c| {
            let state = c.state();
            let (pending, queued) = c.pool().content(|a| state.account(a).nonce);
            let group = |txs: Vec<crate::PoolTx>| {
                let mut out = serde_json::Map::new();
                for tx in txs {
                    let sender = out
                        .entry(tx.sender.to_checksum(None))
                        .or_insert_with(|| json!({}));
                    sender[tx.nonce().to_string()] =
                        serde_json::to_value(convert::pending_transaction(&tx)).unwrap_or_default();
                }
                Value::Object(out)
            };
            json!({ "pending": group(pending), "queued": group(queued) })
        })),
        _ => return None,
    })
}

fn anvil(node: &Node, method: &str, name: &str, p: &Params<'_>) -> Option<RpcResult> {
    Some(match name {
        "setBalance" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let v: U256 = p.required(1, "balance", QUANTITY)?;
            write(node, |c| c.edit(c.state().balance_diff(a, v)))?;
            Ok(json!(true))
        })(),
        "setNonce" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let v: U64 = p.required(1, "nonce", QUANTITY)?;
            write(node, |c| c.edit(c.state().nonce_diff(a, v.to())))?;
            Ok(json!(true))
        })(),
        "setCode" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let code: Bytes = p.required(1, "code", "hex bytes")?;
            write(node, |c| c.edit(c.state().code_diff(a, code)))?;
            Ok(json!(true))
        })(),
        "setStorageAt" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let slot: U256 = p.required(1, "slot", QUANTITY)?;
            let value: B256 = p.required(2, "value", "a 32-byte value")?;
            write(node, |c| {
                c.edit(c.state().storage_diff(a, slot, value.into()))
            })?;
            Ok(json!(true))
        })(),
        "impersonateAccount" | "stopImpersonatingAccount" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let on = name == "impersonateAccount";
            write(node, |c| c.impersonate(a, on))?;
            Ok(json!(true))
        })(),
        "mine" => (|| {
            let blocks: U64 = p.optional(0, "blocks", QUANTITY)?.unwrap_or(U64::from(1));
            let interval: U64 = p
                .optional(1, "interval", "seconds between blocks")?
                .unwrap_or(U64::from(1));
            let blocks = blocks.to::<u64>();
            if blocks > super::MAX_MINED_PER_BATCH {
                return Err(RpcError::invalid_params("at most 100000 blocks at a time"));
            }
            write(node, |c| c.mine_blocks(blocks, interval.to::<u64>().max(1)))?
                .map_err(|e| RpcError::server(e.to_string()))?;
            Ok(json!(true))
        })(),
        "dropTransaction" => (|| {
            let h: B256 = p.required(0, "hash", "a transaction hash")?;
            write(node, |c| c.drop_transaction(&h)).map(|dropped| json!(dropped))
        })(),
        "dropAllTransactions" => write(node, |c| c.drop_all_transactions()).map(|_| json!(true)),
        "rollback" => (|| {
            let depth: U64 = p
                .optional(0, "depth", "a number of blocks")?
                .unwrap_or(U64::from(1));
            node.rollback(depth.to())
                .map_err(|e| RpcError::server(e.to_string()))?;
            Ok(json!(null))
        })(),
        "reorg" => (|| {
            let depth: U64 = p.required(0, "depth", "a number of blocks")?;
            let depth = depth.to::<u64>();
            // The first replaced block's time: its replacement comes a
            // second later, so the new blocks differ from the old ones
            // (empty blocks at the same time would hash the same).
            let replaced = node.read(|c| {
                let head = c.head().header.number;
                c.block(head.saturating_sub(depth) + 1)
                    .map(|b| b.header.timestamp)
            });
            node.rollback(depth)
                .map_err(|e| RpcError::server(e.to_string()))?;
            write(node, |c| {
                if let Some(t) = replaced {
                    c.set_next_timestamp(t + 1)?;
                }
                for _ in 0..depth {
                    c.mine_block();
                }
                Ok::<_, crate::DevnetError>(())
            })?
            .map_err(|e| RpcError::server(e.to_string()))?;
            Ok(json!(null))
        })(),
        "setAutomine" => (|| {
            let on: bool = p.required(0, "enabled", "a boolean")?;
            write(node, |c| c.automine = on)?;
            Ok(json!(true))
        })(),
        "getAutomine" => Ok(json!(node.read(|c| c.automine))),
        "setNextBlockBaseFeePerGas" => (|| {
            let fee: U64 = p.required(0, "baseFeePerGas", QUANTITY)?;
            write(node, |c| c.set_next_base_fee(fee.to()))?;
            Ok(json!(true))
        })(),
        "reset" => (|| {
            let options: Option<Value> = p.optional(0, "options", "reset options")?;
            // `{forking: {jsonRpcUrl, blockNumber}}` (Hardhat, anvil), or the
            // inner object alone.
            let forking = options
                .as_ref()
                .map(|o| o.get("forking").unwrap_or(o))
                .filter(|f| f.get("jsonRpcUrl").is_some());
            match forking {
                Some(forking) => {
                    let fork = fork_options(forking)?;
                    node.refork(&fork)
                }
                None => node.reset(),
            }
            .map_err(|e| RpcError::server(e.to_string()))?;
            Ok(json!(true))
        })(),
        "nodeInfo" => Ok(node.read(node_info)),
        "dumpState" => node
            .read(crate::dump::dump)
            .map(|bytes| json!(bytes))
            .map_err(|e| RpcError::internal(e.to_string())),
        "loadState" => (|| {
            let bytes: Bytes = p.required(0, "state", "the hex that anvil_dumpState returns")?;
            let diff = node
                .read(|c| crate::dump::load(c.state(), &bytes))
                .map_err(|e| RpcError::invalid_params(e.to_string()))?;
            write(node, |c| c.edit(diff))?;
            Ok(json!(true))
        })(),
        "metadata" => Ok(node.read(metadata)),
        _ => return Some(Err(RpcError::method_not_found(method))),
    })
}

/// `anvil_nodeInfo`, in anvil's shape.
fn node_info(c: &crate::Chain) -> Value {
    let head = c.head();
    json!({
        "currentBlockNumber": U64::from(head.header.number),
        "currentBlockTimestamp": head.header.timestamp,
        "currentBlockHash": head.hash,
        "hardFork": c.hardfork().as_str(),
        "transactionOrder": "fees",
        "environment": {
            "baseFee": U256::from(c.next_base_fee()),
            "chainId": c.chain_id(),
            "gasLimit": U256::from(c.genesis().gas_limit),
            "gasPrice": U256::from(c.next_base_fee() + 1_000_000_000),
        },
        "forkConfig": {
            "forkUrl": null,
            "forkBlockNumber": null,
            "forkRetryBackoff": null,
        },
    })
}

/// `hardhat_metadata` (and `anvil_metadata`), in Hardhat's shape: the
/// instance id is the genesis hash, which is new for every chain.
fn metadata(c: &crate::Chain) -> Value {
    let head = c.head();
    let snapshots: serde_json::Map<String, Value> = c
        .snapshots()
        .map(|(id, number, hash)| (id.to_string(), json!([number, hash])))
        .collect();
    json!({
        "clientVersion": concat!("slipway/v", env!("CARGO_PKG_VERSION")),
        "clientSemver": env!("CARGO_PKG_VERSION"),
        "chainId": c.chain_id(),
        "instanceId": c.block_hash(0).unwrap_or_default(),
        "latestBlockNumber": head.header.number,
        "latestBlockHash": head.hash,
        "forkedNetwork": null,
        "snapshots": snapshots,
    })
}

/// The fork a reset asks for: `{jsonRpcUrl, blockNumber}`.
fn fork_options(forking: &Value) -> Result<crate::NodeFork, RpcError> {
    let source = forking
        .get("jsonRpcUrl")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::invalid_params("reset: forking.jsonRpcUrl must be a string"))?
        .to_owned();
    let block = match forking.get("blockNumber") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| {
            RpcError::invalid_params("reset: forking.blockNumber must be a block number")
        })?),
        Some(other) => Some(
            serde_json::from_value::<U64>(other.clone())
                .map_err(|_| {
                    RpcError::invalid_params(format!(
                        "reset: forking.blockNumber must be a block number, got {other}"
                    ))
                })?
                .to::<u64>(),
        ),
    };
    Ok(crate::NodeFork { source, block })
}
