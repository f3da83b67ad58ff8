//! The `eth_*`, `net_*` and `web3_*` methods.

use std::sync::Arc;

use alloy_consensus::{TxEnvelope, TypedTransaction};
use alloy_eips::{BlockId, BlockNumberOrTag, eip2718::Decodable2718};
use alloy_primitives::{Address, B256, Bytes, U64, U256, keccak256};
use alloy_rpc_types_eth::{FeeHistory, Filter, TransactionRequest, state::StateOverride};
use alloy_signer::SignerSync;
use serde_json::{Value, json};
use slipway_evm::{Status, TxInput};

use super::{Ctx, convert, error::RpcError, params::Params};
use crate::{Chain, Node, PoolTx};

type RpcResult = Result<Value, RpcError>;

fn to_json<T: serde::Serialize>(v: T) -> RpcResult {
    serde_json::to_value(v).map_err(|e| RpcError::internal(e.to_string()))
}

const ADDRESS: &str = "an address (0x and 40 hex digits)";
const BLOCK: &str =
    "a block number, tag (latest, pending, earliest, safe, finalized) or {blockHash}";
const HASH: &str = "a 32-byte hash (0x and 64 hex digits)";

/// The block number a block id refers to.
pub(crate) fn resolve_block(chain: &Chain, id: Option<BlockId>) -> Result<Option<u64>, RpcError> {
    let head = chain.head().header.number;
    match id.unwrap_or(BlockId::Number(BlockNumberOrTag::Latest)) {
        BlockId::Hash(h) => chain
            .block_by_hash(h.block_hash)
            .map(|b| Some(b.header.number))
            .ok_or_else(|| RpcError::server(format!("header for hash {} not found", h.block_hash))),
        BlockId::Number(tag) => Ok(match tag {
            BlockNumberOrTag::Pending => None,
            BlockNumberOrTag::Earliest => Some(0),
            BlockNumberOrTag::Number(n) if n > head => {
                return Err(RpcError::server(format!(
                    "block number {n} is after the latest block {head}"
                )));
            }
            BlockNumberOrTag::Number(n) => Some(n),
            _ => Some(head),
        }),
    }
}

fn state_query<R>(
    node: &Node,
    block: Option<BlockId>,
    f: impl FnOnce(&slipway_evm::State) -> R,
) -> Result<R, RpcError> {
    node.read(|chain| {
        let number = resolve_block(chain, block)?;
        let state = match number {
            None => std::borrow::Cow::Borrowed(chain.state()),
            Some(n) => chain
                .state_at(n)
                .ok_or_else(|| RpcError::server("header not found"))?,
        };
        Ok(f(&state))
    })
}

pub(crate) fn dispatch(ctx: &Arc<Ctx>, method: &str, p: &Params<'_>) -> Option<RpcResult> {
    let node = &ctx.node;
    Some(match method {
        "web3_clientVersion" => Ok(json!(format!("slipway/v{}", env!("CARGO_PKG_VERSION")))),
        "web3_sha3" => p
            .required::<Bytes>(0, "data", "hex bytes")
            .map(|d| json!(keccak256(d))),
        "net_version" => Ok(json!(node.read(|c| c.chain_id()).to_string())),
        "net_listening" => Ok(json!(true)),
        "net_peerCount" => Ok(json!("0x0")),
        "eth_chainId" => Ok(json!(U64::from(node.read(|c| c.chain_id())))),
        "eth_blockNumber" => Ok(json!(U64::from(node.read(|c| c.head().header.number)))),
        "eth_accounts" => {
            Ok(json!(node.read(|c| {
                c.accounts().iter().map(|a| a.address).collect::<Vec<_>>()
            })))
        }
        "eth_syncing" => Ok(json!(false)),
        "eth_mining" => Ok(json!(node.mining != crate::Mining::Manual)),
        "eth_coinbase" => Ok(json!(Address::ZERO)),
        "eth_gasPrice" => Ok(json!(U256::from(
            node.read(|c| c.next_base_fee()) as u128 + 1_000_000_000
        ))),
        "eth_maxPriorityFeePerGas" => Ok(json!(U256::from(1_000_000_000u64))),
        "eth_feeHistory" => fee_history(node, p),
        "eth_getBalance" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let b: Option<BlockId> = p.optional(1, "block", BLOCK)?;
            state_query(node, b, |s| json!(s.account(a).balance))
        })(),
        "eth_getTransactionCount" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let b: Option<BlockId> = p.optional(1, "block", BLOCK)?;
            if matches!(b, Some(BlockId::Number(BlockNumberOrTag::Pending))) {
                return Ok(json!(U64::from(node.read(|c| c.pending_nonce(a)))));
            }
            state_query(node, b, |s| json!(U64::from(s.account(a).nonce)))
        })(),
        "eth_getCode" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let b: Option<BlockId> = p.optional(1, "block", BLOCK)?;
            state_query(node, b, |s| json!(s.account(a).code))
        })(),
        "eth_getStorageAt" => (|| {
            let a: Address = p.required(0, "address", ADDRESS)?;
            let slot: U256 =
                p.required(1, "slot", "a storage slot (hex quantity or 32-byte hash)")?;
            let b: Option<BlockId> = p.optional(2, "block", BLOCK)?;
            state_query(node, b, |s| json!(B256::from(s.storage(a, slot))))
        })(),
        "eth_call" => call(node, p),
        "eth_estimateGas" => estimate_gas(node, p),
        "eth_createAccessList" => create_access_list(node, p),
        "eth_sendRawTransaction" => send_raw(node, p),
        "eth_sendTransaction" => send_transaction(node, p),
        "eth_sign" => sign_message(node, p, true),
        "personal_sign" => sign_message(node, p, false),
        "eth_signTypedData_v4" => sign_typed(node, p),
        "eth_getTransactionByHash" => (|| {
            let h: B256 = p.required(0, "hash", HASH)?;
            node.read(|c| match c.mined_tx(&h) {
                Some((b, i, t)) => to_json(convert::transaction(b, i, t)),
                None => match c.pool().get(&h) {
                    Some(t) => to_json(convert::pending_transaction(t)),
                    None => Ok(Value::Null),
                },
            })
        })(),
        "eth_getTransactionReceipt" => (|| {
            let h: B256 = p.required(0, "hash", HASH)?;
            node.read(|c| match c.mined_tx(&h) {
                Some((b, i, t)) => {
                    convert::receipt_json(b, i, t).map_err(|e| RpcError::internal(e.to_string()))
                }
                None => Ok(Value::Null),
            })
        })(),
        "eth_getBlockByNumber" => (|| {
            let tag: BlockNumberOrTag = p.required(0, "block", BLOCK)?;
            let full: bool = p.optional(1, "full", "a boolean")?.unwrap_or(false);
            node.read(|c| {
                let n = match tag {
                    BlockNumberOrTag::Earliest => 0,
                    BlockNumberOrTag::Number(n) => n,
                    BlockNumberOrTag::Pending => {
                        let (header, ready) = c.pending_block();
                        return to_json(convert::pending_block(header, &ready, full));
                    }
                    _ => c.head().header.number,
                };
                c.block(n)
                    .map_or(Ok(Value::Null), |b| to_json(convert::block(&b, full)))
            })
        })(),
        "eth_getBlockReceipts" => (|| {
            let id: BlockId = p.required(0, "block", BLOCK)?;
            node.read(|c| {
                // Unknown, future or pending: null, as on geth.
                let Ok(Some(n)) = resolve_block(c, Some(id)) else {
                    return Ok(Value::Null);
                };
                match c.block(n) {
                    Some(b) => b
                        .transactions
                        .iter()
                        .enumerate()
                        .map(|(i, t)| convert::receipt_json(&b, i, t))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Value::Array)
                        .map_err(|e| RpcError::internal(e.to_string())),
                    None => Ok(Value::Null),
                }
            })
        })(),
        // No blobs on the dev chain: the minimum blob base fee.
        "eth_blobBaseFee" => Ok(json!(U64::from(1))),
        "eth_getBlockByHash" => (|| {
            let h: B256 = p.required(0, "hash", HASH)?;
            let full: bool = p.optional(1, "full", "a boolean")?.unwrap_or(false);
            node.read(|c| {
                c.block_by_hash(h)
                    .map_or(Ok(Value::Null), |b| to_json(convert::block(&b, full)))
            })
        })(),
        "eth_getBlockTransactionCountByNumber" => (|| {
            let tag: BlockNumberOrTag = p.required(0, "block", BLOCK)?;
            node.read(|c| {
                let n = match tag {
                    BlockNumberOrTag::Number(n) => n,
                    BlockNumberOrTag::Earliest => 0,
                    BlockNumberOrTag::Pending => return Ok(json!(U64::from(c.pool().len()))),
                    _ => c.head().header.number,
                };
                Ok(c.block(n)
                    .map_or(Value::Null, |b| json!(U64::from(b.transactions.len()))))
            })
        })(),
        "eth_getBlockTransactionCountByHash" => (|| {
            let h: B256 = p.required(0, "hash", HASH)?;
            node.read(|c| {
                Ok(c.block_by_hash(h)
                    .map_or(Value::Null, |b| json!(U64::from(b.transactions.len()))))
            })
        })(),
        "eth_getLogs" => (|| {
            let f: Filter = p.required(
                0,
                "filter",
                "a filter object {fromBlock, toBlock, address, topics, blockHash}",
            )?;
            node.read(|c| super::filters::logs_matching(c, &f))
                .and_then(to_json)
        })(),
        _ => return None,
    })
}

/// Most reward percentiles one `eth_feeHistory` may ask for.
const MAX_PERCENTILES: usize = 100;

fn fee_history(node: &Node, p: &Params<'_>) -> RpcResult {
    let count: U64 = p.required(0, "blockCount", "a block count (quantity)")?;
    let newest: BlockNumberOrTag = p.required(1, "newestBlock", BLOCK)?;
    let percentiles: Vec<f64> = p
        .optional(2, "rewardPercentiles", "an array of increasing percentiles")?
        .unwrap_or_default();
    // geth's bound: a long list costs a sort per block for each entry.
    if percentiles.len() > MAX_PERCENTILES {
        return Err(RpcError::invalid_params(format!(
            "{} rewardPercentiles given; at most {MAX_PERCENTILES}",
            percentiles.len()
        )));
    }
    if percentiles.windows(2).any(|w| w[0] > w[1])
        || percentiles.iter().any(|x| !(0.0..=100.0).contains(x))
    {
        return Err(RpcError::invalid_params(
            "rewardPercentiles must be increasing values from 0 to 100",
        ));
    }
    node.read(|c| {
        let head = c.head().header.number;
        let newest = match newest {
            BlockNumberOrTag::Number(n) => n.min(head),
            BlockNumberOrTag::Earliest => 0,
            _ => head,
        };
        let count = count.to::<u64>().clamp(1, 1024).min(newest + 1);
        let oldest = newest + 1 - count;
        let mut history = FeeHistory {
            oldest_block: oldest,
            ..Default::default()
        };
        for n in oldest..=newest {
            let Some(b) = c.block(n) else { continue };
            let base = u128::from(b.header.base_fee_per_gas.unwrap_or_default());
            history.base_fee_per_gas.push(base);
            history
                .gas_used_ratio
                .push(b.header.gas_used as f64 / b.header.gas_limit as f64);
            if b.header.excess_blob_gas.is_some() {
                // No blobs on the dev chain: none used, the minimum price.
                history.base_fee_per_blob_gas.push(1);
                history.blob_gas_used_ratio.push(0.0);
            }
            if !percentiles.is_empty() {
                history
                    .reward
                    .get_or_insert_with(Vec::new)
                    .push(rewards(&b, base, &percentiles));
            }
        }
        if !history.base_fee_per_blob_gas.is_empty() {
            history.base_fee_per_blob_gas.push(1);
        }
        history.base_fee_per_gas.push(if newest == head {
            u128::from(c.next_base_fee())
        } else {
            c.block(newest + 1)
                .and_then(|b| b.header.base_fee_per_gas)
                .map(u128::from)
                .unwrap_or_default()
        });
        to_json(history)
    })
}

/// Tips at each percentile of a block's gas, as geth computes them.
fn rewards(block: &crate::MinedBlock, base: u128, percentiles: &[f64]) -> Vec<u128> {
    let mut tips: Vec<(u128, u64)> = block
        .transactions
        .iter()
        .map(|t| (t.effective_gas_price.saturating_sub(base), t.gas_used))
        .collect();
    if tips.is_empty() {
        return vec![0; percentiles.len()];
    }
    tips.sort();
    let total: u64 = tips.iter().map(|t| t.1).sum();
    percentiles
        .iter()
        .map(|p| {
            let threshold = (total as f64 * p / 100.0) as u64;
            let mut sum = 0;
            for (tip, gas) in &tips {
                sum += gas;
                if sum >= threshold {
                    return *tip;
                }
            }
            tips.last().map_or(0, |t| t.0)
        })
        .collect()
}

/// A call request as EVM input.
pub(super) fn call_input(req: &TransactionRequest, gas_cap: u64) -> TxInput {
    let authorization_list = req.authorization_list.clone().unwrap_or_default();
    let has_access_list = req.access_list.as_ref().is_some_and(|l| !l.is_empty());
    let eip1559 = req.max_fee_per_gas.is_some() || req.max_priority_fee_per_gas.is_some();
    TxInput {
        // The type the fields make, so that an access list or EIP-7702
        // authorizations apply (a legacy transaction ignores them) and an
        // estimate counts them.
        tx_type: if !authorization_list.is_empty() {
            4
        } else if eip1559 {
            2
        } else if has_access_list {
            1
        } else {
            0
        },
        from: req.from.unwrap_or_default(),
        to: req.to.and_then(|k| k.to().copied()),
        value: req.value.unwrap_or_default(),
        data: req.input.input().cloned().unwrap_or_default(),
        gas_limit: req.gas.unwrap_or(gas_cap).min(gas_cap),
        // Calls without a price pay nothing, as on geth.
        gas_price: req.gas_price.or(req.max_fee_per_gas).unwrap_or(0),
        priority_fee: req.max_priority_fee_per_gas,
        nonce: None,
        access_list: req
            .access_list
            .as_ref()
            .map(|l| {
                l.iter()
                    .map(|i| (i.address, i.storage_keys.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        authorization_list,
    }
}

const REQUEST: &str = "a transaction object {from, to, gas, gasPrice, value, data, …}";

/// `eth_createAccessList`: the list, the gas the call uses with it, and
/// the error if it fails (as geth answers).
fn create_access_list(node: &Node, p: &Params<'_>) -> RpcResult {
    let req: TransactionRequest = p.required(0, "transaction", REQUEST)?;
    let block: Option<BlockId> = p.optional(1, "block", BLOCK)?;
    node.read(|c| {
        let number = resolve_block(c, block)?;
        let input = call_input(&req, c.call_gas_cap());
        let (list, outcome) = c
            .create_access_list(&input, number)
            .map_err(|e| RpcError::server(e.to_string()))?;
        let mut answer = json!({ "accessList": list, "gasUsed": U64::from(outcome.gas_used) });
        match outcome.status {
            Status::Success => {}
            Status::Revert => answer["error"] = json!("execution reverted"),
            Status::Halt(reason) => answer["error"] = json!(format!("execution halted: {reason}")),
        }
        Ok(answer)
    })
}

fn call(node: &Node, p: &Params<'_>) -> RpcResult {
    let req: TransactionRequest = p.required(0, "transaction", REQUEST)?;
    let block: Option<BlockId> = p.optional(1, "block", BLOCK)?;
    let overrides: Option<StateOverride> = p.optional(
        2,
        "stateOverrides",
        "a map of address to {balance, nonce, code, state, stateDiff}",
    )?;
    node.read(|c| {
        let number = resolve_block(c, block)?;
        let input = call_input(&req, c.call_gas_cap());
        let outcome = match overrides {
            Some(o) => {
                let mut state = match number {
                    None => c.state().clone(),
                    Some(n) => c
                        .state_at(n)
                        .ok_or_else(|| RpcError::server("header not found"))?
                        .into_owned(),
                };
                super::overrides::apply(&mut state, o)?;
                c.call_on(&mut state, &input)
            }
            None => c.call(&input, number),
        }
        .map_err(|e| RpcError::server(e.to_string()))?;
        match outcome.status {
            Status::Success => Ok(json!(outcome.output)),
            Status::Revert => Err(RpcError::reverted(&outcome.output)),
            Status::Halt(reason) => Err(RpcError::server(format!("execution halted: {reason}"))),
        }
    })
}

fn estimate_gas(node: &Node, p: &Params<'_>) -> RpcResult {
    let req: TransactionRequest = p.required(0, "transaction", REQUEST)?;
    let block: Option<BlockId> = p.optional(1, "block", BLOCK)?;
    node.read(|c| {
        let number = resolve_block(c, block)?;
        let input = call_input(&req, c.call_gas_cap());
        match c
            .estimate_gas(&input, number)
            .map_err(|e| RpcError::server(e.to_string()))?
        {
            Ok(gas) => Ok(json!(U64::from(gas))),
            Err(outcome) => match outcome.status {
                Status::Revert => Err(RpcError::reverted(&outcome.output)),
                Status::Halt(reason) => Err(RpcError::server(format!(
                    "gas required exceeds allowance or execution halted: {reason}"
                ))),
                Status::Success => Err(RpcError::internal("estimate failed")),
            },
        }
    })
}

fn submit(node: &Node, tx: PoolTx) -> RpcResult {
    let hash = tx.hash;
    node.write(|c| c.submit(tx))
        .map_err(|e| RpcError::internal(e.to_string()))?
        .map_err(|e| RpcError::server(e.to_string()))?;
    node.announce_pending(hash);
    Ok(json!(hash))
}

fn send_raw(node: &Node, p: &Params<'_>) -> RpcResult {
    let raw: Bytes = p.required(0, "data", "the signed transaction as hex bytes")?;
    let envelope = TxEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| {
        RpcError::invalid_params(format!(
            "eth_sendRawTransaction parameter 1 (data): not a signed transaction: {e}"
        ))
    })?;
    // An impersonated account's placeholder signature names its sender,
    // for an account this chain impersonates only.
    let impersonated = slipway_keys::impersonated_by(envelope.signature())
        .filter(|address| node.read(|c| c.is_impersonated(address)));
    let sender = match impersonated {
        Some(address) => address,
        None => alloy_consensus::transaction::SignerRecoverable::recover_signer(&envelope)
            .map_err(|e| RpcError::invalid_params(format!("invalid signature: {e}")))?,
    };
    let hash = *envelope.tx_hash();
    submit(
        node,
        PoolTx {
            envelope,
            sender,
            hash,
        },
    )
}

fn send_transaction(node: &Node, p: &Params<'_>) -> RpcResult {
    let mut req: TransactionRequest = p.required(0, "transaction", REQUEST)?;
    let from = req
        .from
        .ok_or_else(|| RpcError::invalid_params("eth_sendTransaction needs `from`"))?;
    let (account, impersonated) = node.read(|c| {
        (
            c.accounts().iter().find(|a| a.address == from).cloned(),
            c.is_impersonated(&from),
        )
    });
    if account.is_none() && !impersonated {
        return Err(RpcError::server(format!(
            "unknown account {from}: not a dev account and not impersonated (hardhat_impersonateAccount)"
        )));
    }
    node.read(|c| -> Result<(), RpcError> {
        req.chain_id.get_or_insert(c.chain_id());
        if req.nonce.is_none() {
            req.nonce = Some(c.pending_nonce(from));
        }
        if req.gas_price.is_none() {
            let tip = req.max_priority_fee_per_gas.unwrap_or(1_000_000_000);
            req.max_priority_fee_per_gas = Some(tip);
            req.max_fee_per_gas
                .get_or_insert(2 * u128::from(c.next_base_fee()) + tip);
        }
        if req.gas.is_none() {
            let input = call_input(&req, c.call_gas_cap());
            match c
                .estimate_gas(&input, None)
                .map_err(|e| RpcError::server(e.to_string()))?
            {
                Ok(gas) => req.gas = Some(gas),
                // Send it anyway with the full allowance: it is mined and fails.
                Err(_) => req.gas = Some(c.call_gas_cap()),
            }
        }
        Ok(())
    })?;
    if req.to.is_none() {
        req.to = Some(alloy_primitives::TxKind::Create);
    }
    let typed: TypedTransaction = req.build_typed_tx().map_err(|_| {
        RpcError::invalid_params(
            "eth_sendTransaction: incomplete transaction (it needs gasPrice, or maxFeePerGas and maxPriorityFeePerGas)",
        )
    })?;
    let envelope = match account {
        Some(account) => account
            .sign(typed)
            .map_err(|e| RpcError::internal(e.to_string()))?,
        // Impersonated: a placeholder signature unique to the sender.
        None => typed.into_envelope(slipway_keys::impersonation_signature(from)),
    };
    let hash = *envelope.tx_hash();
    submit(
        node,
        PoolTx {
            envelope,
            sender: from,
            hash,
        },
    )
}

fn dev_signer(
    node: &Node,
    address: Address,
) -> Result<alloy_signer_local::PrivateKeySigner, RpcError> {
    node.read(|c| {
        c.accounts()
            .iter()
            .find(|a| a.address == address)
            .map(|a| a.signer.clone())
    })
    .ok_or_else(|| {
        RpcError::server(format!(
            "unknown account {address}: only dev accounts can sign"
        ))
    })
}

/// `eth_sign` (address, message) and `personal_sign` (message, address):
/// an EIP-191 personal-message signature by a dev account.
fn sign_message(node: &Node, p: &Params<'_>, address_first: bool) -> RpcResult {
    let (a, m) = if address_first { (0, 1) } else { (1, 0) };
    let address: Address = p.required(a, "address", ADDRESS)?;
    let message: Bytes = p.required(m, "message", "hex bytes")?;
    let signer = dev_signer(node, address)?;
    let sig = signer
        .sign_message_sync(&message)
        .map_err(|e| RpcError::internal(e.to_string()))?;
    Ok(json!(Bytes::from(sig.as_bytes().to_vec())))
}

fn sign_typed(node: &Node, p: &Params<'_>) -> RpcResult {
    let address: Address = p.required(0, "address", ADDRESS)?;
    // Wallets send the typed data as a JSON string or as an object.
    let raw: Value = p.required(1, "typedData", "EIP-712 typed data")?;
    let data: alloy_dyn_abi::eip712::TypedData = match raw {
        Value::String(s) => serde_json::from_str(&s),
        other => serde_json::from_value(other),
    }
    .map_err(|e| {
        RpcError::invalid_params(format!("eth_signTypedData_v4 parameter 2 (typedData): {e}"))
    })?;
    let hash = data
        .eip712_signing_hash()
        .map_err(|e| RpcError::invalid_params(e.to_string()))?;
    let signer = dev_signer(node, address)?;
    let sig = signer
        .sign_hash_sync(&hash)
        .map_err(|e| RpcError::internal(e.to_string()))?;
    Ok(json!(Bytes::from(sig.as_bytes().to_vec())))
}
