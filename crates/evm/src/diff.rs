//! State changes of a transaction or block, as plain data that can be stored
//! and applied again (the dev chain's durable log replays these).

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, U256};
use serde::{Deserialize, Serialize};

/// The new values of every account a change touched.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDiff {
    /// Per account.
    pub accounts: BTreeMap<Address, AccountDiff>,
}

/// An account after a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDiff {
    /// The account was destroyed (its storage is cleared before `storage` applies).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub destroyed: bool,
    /// New balance.
    pub balance: U256,
    /// New nonce.
    pub nonce: u64,
    /// New code, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Bytes>,
    /// Storage slots that changed, with their new values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: BTreeMap<U256, U256>,
}

impl StateDiff {
    /// Lays `later` over `self`, as if both were applied in order.
    pub fn merge(&mut self, later: StateDiff) {
        for (address, next) in later.accounts {
            match self.accounts.get_mut(&address) {
                Some(current) if !next.destroyed => {
                    current.balance = next.balance;
                    current.nonce = next.nonce;
                    if next.code.is_some() {
                        current.code = next.code;
                    }
                    current.storage.extend(next.storage);
                }
                _ => {
                    self.accounts.insert(address, next);
                }
            }
        }
    }
}
