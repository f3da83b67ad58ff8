//! Chain data in the JSON shapes clients expect (alloy's RPC types, which
//! follow geth's).

use alloy_consensus::{Transaction as _, transaction::Recovered};
use alloy_primitives::U256;
use alloy_rpc_types_eth::{Block, BlockTransactions, Header, Log, Transaction, TransactionReceipt};

use crate::{MinedBlock, MinedTx, chain::receipt_envelope};

/// A transaction as `eth_getTransactionByHash` returns it.
pub(super) fn transaction(block: &MinedBlock, index: usize, tx: &MinedTx) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(tx.envelope.clone(), tx.sender),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        transaction_index: Some(index as u64),
        effective_gas_price: Some(tx.effective_gas_price),
        block_timestamp: Some(block.header.timestamp),
    }
}

/// A pending transaction.
pub(super) fn pending_transaction(tx: &crate::PoolTx) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(tx.envelope.clone(), tx.sender),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: None,
        block_timestamp: None,
    }
}

/// A block, with transaction hashes or full transactions.
pub(super) fn block(block: &MinedBlock, full: bool) -> Block<Transaction> {
    let transactions = if full {
        BlockTransactions::Full(
            block
                .transactions
                .iter()
                .enumerate()
                .map(|(i, t)| transaction(block, i, t))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(block.transactions.iter().map(|t| t.hash).collect())
    };
    let size = alloy_rlp::encode(&block.header).len()
        + block
            .transactions
            .iter()
            .map(|t| alloy_eips::eip2718::Encodable2718::encode_2718_len(&t.envelope))
            .sum::<usize>();
    Block {
        header: Header {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::ZERO),
            size: Some(U256::from(size)),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: block.header.withdrawals_root.map(|_| Default::default()),
    }
}

/// The block being built (`"pending"`), as anvil shows it: a block like
/// any other, hashed as it stands now.
pub(super) fn pending_block(
    header: alloy_consensus::Header,
    ready: &[crate::PoolTx],
    full: bool,
) -> Block<Transaction> {
    let transactions = if full {
        BlockTransactions::Full(ready.iter().map(pending_transaction).collect())
    } else {
        BlockTransactions::Hashes(ready.iter().map(|t| t.hash).collect())
    };
    let size = alloy_rlp::encode(&header).len()
        + ready
            .iter()
            .map(|t| alloy_eips::eip2718::Encodable2718::encode_2718_len(&t.envelope))
            .sum::<usize>();
    Block {
        header: Header {
            hash: header.hash_slow(),
            total_difficulty: Some(U256::ZERO),
            size: Some(U256::from(size)),
            inner: header.clone(),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: header.withdrawals_root.map(|_| Default::default()),
    }
}

/// Index of a block's first log of transaction `index`.
fn first_log_index(block: &MinedBlock, index: usize) -> u64 {
    block.transactions[..index]
        .iter()
        .map(|t| t.logs.len() as u64)
        .sum()
}

/// The logs of one transaction with their positions.
pub(super) fn logs(block: &MinedBlock, index: usize, tx: &MinedTx) -> Vec<Log> {
    let first = first_log_index(block, index);
    tx.logs
        .iter()
        .enumerate()
        .map(|(i, log)| Log {
            inner: log.clone(),
            block_hash: Some(block.hash),
            block_number: Some(block.header.number),
            block_timestamp: Some(block.header.timestamp),
            transaction_hash: Some(tx.hash),
            transaction_index: Some(index as u64),
            log_index: Some(first + i as u64),
            removed: false,
        })
        .collect()
}

/// The receipt of a mined transaction.
/// A receipt as served: alloy's, plus the block's timestamp
/// (`blockTimestamp`, a plain number, as anvil serves it).
pub(super) fn receipt_json(
    block: &MinedBlock,
    index: usize,
    tx: &MinedTx,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut value = serde_json::to_value(receipt(block, index, tx))?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("blockTimestamp".into(), block.header.timestamp.into());
    }
    Ok(value)
}

pub(super) fn receipt(block: &MinedBlock, index: usize, tx: &MinedTx) -> TransactionReceipt {
    let rpc_logs = logs(block, index, tx);
    let inner = receipt_envelope(tx).map_logs(|_| Log::default());
    let inner = with_logs(inner, rpc_logs);
    TransactionReceipt {
        inner,
        transaction_hash: tx.hash,
        transaction_index: Some(index as u64),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        gas_used: tx.gas_used,
        effective_gas_price: tx.effective_gas_price,
        blob_gas_used: None,
        // No blobs on the dev chain: from Cancun on, the minimum price.
        blob_gas_price: block.header.excess_blob_gas.map(|_| 1),
        from: tx.sender,
        to: tx.envelope.to(),
        contract_address: tx.contract_address,
    }
}

fn with_logs(
    mut envelope: alloy_consensus::ReceiptEnvelope<Log>,
    logs: Vec<Log>,
) -> alloy_consensus::ReceiptEnvelope<Log> {
    if let Some(r) = envelope.as_receipt_with_bloom_mut() {
        r.receipt.logs = logs;
    }
    envelope
}
