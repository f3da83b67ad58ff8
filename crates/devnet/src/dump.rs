//! anvil's state dump (`anvil_dumpState` / `anvil_loadState`): the hex of
//! a gzip-compressed JSON document whose `accounts` map holds each
//! account's nonce, balance, code and storage. slipway writes the same
//! document (accounts only: no block environment or history) and
//! loads the accounts of any such document — anvil's included — as one
//! logged state edit; the block history a dump may carry is not replayed.

use std::{collections::BTreeMap, io::Read, io::Write};

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use slipway_evm::{AccountDiff, State, StateDiff};

use crate::Chain;

/// One account of a dump.
#[derive(Debug, Serialize, Deserialize)]
struct DumpedAccount {
    nonce: u64,
    balance: U256,
    code: Bytes,
    #[serde(default)]
    storage: BTreeMap<B256, B256>,
}

/// The document (fields slipway does not use are carried as they are).
#[derive(Debug, Serialize, Deserialize)]
struct Dump {
    #[serde(default)]
    block: Option<Value>,
    accounts: BTreeMap<Address, DumpedAccount>,
    #[serde(default)]
    best_block_number: Option<u64>,
    #[serde(default)]
    blocks: Vec<Value>,
    #[serde(default)]
    transactions: Vec<Value>,
    #[serde(default)]
    historical_states: Option<Value>,
}

/// Why a dump could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// Not gzip.
    #[error("not a state dump: {0} (anvil_loadState takes the hex that anvil_dumpState returns)")]
    Gzip(std::io::Error),
    /// Not the document.
    #[error("not a state dump: {0}")]
    Json(#[from] serde_json::Error),
}

/// `anvil_dumpState`: every account the state holds.
pub fn dump(chain: &Chain) -> Result<Bytes, DumpError> {
    let state = chain.state();
    let accounts = state
        .held_addresses()
        .map(|address| {
            let account = state.account(address);
            let storage = state
                .storage_keys(address)
                .into_iter()
                .map(|slot| (B256::from(slot), B256::from(state.storage(address, slot))))
                .filter(|(_, value)| !value.is_zero())
                .collect();
            (
                address,
                DumpedAccount {
                    nonce: account.nonce,
                    balance: account.balance,
                    code: account.code,
                    storage,
                },
            )
        })
        .collect();
    // No block environment or best block: a dump carries no block history,
    // and anvil looks the best block up in it.
    let document = Dump {
        block: None,
        accounts,
        best_block_number: None,
        blocks: Vec::new(),
        transactions: Vec::new(),
        historical_states: None,
    };
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&serde_json::to_vec(&document)?)
        .map_err(DumpError::Gzip)?;
    Ok(gzip.finish().map_err(DumpError::Gzip)?.into())
}

/// The state edit that `anvil_loadState` applies: each account of the dump
/// set as it was dumped (other accounts, and other slots, left as they are).
pub fn load(state: &State, bytes: &[u8]) -> Result<StateDiff, DumpError> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(DumpError::Gzip)?;
    let document: Dump = serde_json::from_slice(&json)?;
    let mut diff = StateDiff::default();
    for (address, account) in document.accounts {
        let had_code = !state.account(address).code.is_empty();
        diff.accounts.insert(
            address,
            AccountDiff {
                destroyed: false,
                balance: account.balance,
                nonce: account.nonce,
                code: (had_code || !account.code.is_empty()).then_some(account.code),
                storage: account
                    .storage
                    .into_iter()
                    .map(|(slot, value)| (slot.into(), value.into()))
                    .collect(),
            },
        );
    }
    Ok(diff)
}
