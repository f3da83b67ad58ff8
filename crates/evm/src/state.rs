//! The in-memory world state, read and changed only through this type.

use std::sync::Arc;

use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256};
use revm::{
    bytecode::Bytecode,
    database::{CacheDB, DbAccount},
    database_interface::DatabaseRef,
    state::AccountInfo,
};

use crate::{
    AccountDiff, StateDiff,
    remote::{Backing, RemoteState},
};

/// The state's database: revm's cache over the [`Backing`].
pub type Db = CacheDB<Backing>;

/// An account as callers see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Runtime code (empty for an EOA).
    pub code: Bytes,
}

/// The world state: accounts, code and storage in memory, over nothing or
/// over a remote chain read on first touch. Cloning it is a snapshot (the
/// remote is shared, never written).
#[derive(Clone, Debug)]
pub struct State {
    pub(crate) db: Db,
}

impl Default for State {
    fn default() -> Self {
        Self {
            db: CacheDB::new(Backing::default()),
        }
    }
}

impl State {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// A state over `remote`: what is not changed here is read from it.
    pub fn forked(remote: Arc<dyn RemoteState>) -> Self {
        Self {
            db: CacheDB::new(Backing::remote(remote)),
        }
    }

    /// Whether a remote chain is under it.
    pub fn is_forked(&self) -> bool {
        self.db.db.is_forked()
    }

    fn info(&self, address: Address) -> Option<AccountInfo> {
        // A remote that cannot answer reads as an empty account here; a
        // transaction that touches it fails with the remote's error.
        self.db.basic_ref(address).ok().flatten()
    }

    /// An account (all zero and empty if it does not exist).
    pub fn account(&self, address: Address) -> Account {
        let Some(info) = self.info(address) else {
            return Account::default();
        };
        let code = match &info.code {
            Some(code) => code.original_bytes(),
            None if info.code_hash == KECCAK256_EMPTY || info.code_hash == B256::ZERO => {
                Bytes::new()
            }
            None => self
                .db
                .code_by_hash_ref(info.code_hash)
                .map(|c| c.original_bytes())
                .unwrap_or_default(),
        };
        Account {
            balance: info.balance,
            nonce: info.nonce,
            code,
        }
    }

    /// One storage slot.
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.db.storage_ref(address, slot).unwrap_or_default()
    }

    /// Whether the state holds anything for `address`: a balance, a nonce,
    /// code or a storage slot.
    pub fn holds(&self, address: Address) -> bool {
        let account = self.account(address);
        account.balance > U256::ZERO
            || account.nonce > 0
            || !account.code.is_empty()
            || self
                .db
                .cache
                .accounts
                .get(&address)
                .is_some_and(|a| !a.storage.is_empty())
    }

    /// Every address the state holds something for (see [`Self::holds`]).
    pub fn held_addresses(&self) -> impl Iterator<Item = Address> + '_ {
        self.db
            .cache
            .accounts
            .keys()
            .copied()
            .filter(|a| self.holds(*a))
    }

    /// The storage slots held for an account (non-zero or once written).
    pub fn storage_keys(&self, address: Address) -> Vec<U256> {
        self.db
            .cache
            .accounts
            .get(&address)
            .map(|a| a.storage.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Every account with a non-zero balance, nonce or code.
    pub fn accounts(&self) -> impl Iterator<Item = (Address, Account)> + '_ {
        self.db
            .cache
            .accounts
            .keys()
            .map(|a| (*a, self.account(*a)))
            .filter(|(_, a)| a.balance > U256::ZERO || a.nonce > 0 || !a.code.is_empty())
    }

    /// The sum of all balances.
    pub fn total_balance(&self) -> U256 {
        self.accounts()
            .fold(U256::ZERO, |sum, (_, a)| sum.saturating_add(a.balance))
    }

    /// Applies a diff: the only way state changes, so a replayed log gives
    /// exactly the state the original run had.
    pub fn apply(&mut self, diff: &StateDiff) {
        for (address, change) in &diff.accounts {
            self.apply_account(*address, change);
        }
    }

    fn apply_account(&mut self, address: Address, change: &AccountDiff) {
        let previous = if change.destroyed {
            None
        } else {
            self.info(address)
        };
        if change.destroyed {
            self.db
                .cache
                .accounts
                .insert(address, DbAccount::new_not_existing());
            let empty = change.balance.is_zero() && change.nonce == 0 && change.code.is_none();
            if empty && change.storage.is_empty() {
                return;
            }
        }
        let mut info = previous.unwrap_or_default();
        info.balance = change.balance;
        info.nonce = change.nonce;
        if let Some(code) = &change.code {
            let bytecode = Bytecode::new_raw(code.clone());
            info.code_hash = bytecode.hash_slow();
            info.code = Some(bytecode);
        }
        self.db.insert_account_info(address, info);
        for (slot, value) in &change.storage {
            // Inserting into a cached account cannot fail.
            let _ = self.db.insert_account_storage(address, *slot, *value);
        }
    }

    /// The diff that sets an account's balance (`hardhat_setBalance`).
    pub fn balance_diff(&self, address: Address, balance: U256) -> StateDiff {
        self.edit(address, |a| a.balance = balance)
    }

    /// The diff that sets an account's nonce.
    pub fn nonce_diff(&self, address: Address, nonce: u64) -> StateDiff {
        self.edit(address, |a| a.nonce = nonce)
    }

    /// The diff that sets an account's code.
    pub fn code_diff(&self, address: Address, code: Bytes) -> StateDiff {
        self.edit(address, |a| a.code = Some(code))
    }

    /// The diff that sets one storage slot.
    pub fn storage_diff(&self, address: Address, slot: U256, value: U256) -> StateDiff {
        self.edit(address, |a| {
            a.storage.insert(slot, value);
        })
    }

    fn edit(&self, address: Address, f: impl FnOnce(&mut AccountDiff)) -> StateDiff {
        let current = self.account(address);
        let mut change = AccountDiff {
            destroyed: false,
            balance: current.balance,
            nonce: current.nonce,
            code: None,
            storage: Default::default(),
        };
        f(&mut change);
        let mut diff = StateDiff::default();
        diff.accounts.insert(address, change);
        diff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_and_replay_identically() {
        let a = Address::repeat_byte(0xaa);
        let mut state = State::new();
        let mut log = Vec::new();
        for diff in [state.balance_diff(a, U256::from(5)), StateDiff::default()] {
            state.apply(&diff);
            log.push(diff);
        }
        let code = state.code_diff(a, Bytes::from_static(&[0x60, 0x00]));
        state.apply(&code);
        log.push(code);
        let slot = state.storage_diff(a, U256::from(1), U256::from(9));
        state.apply(&slot);
        log.push(slot);

        assert_eq!(state.account(a).balance, U256::from(5));
        assert_eq!(state.account(a).code, Bytes::from_static(&[0x60, 0x00]));
        assert_eq!(state.storage(a, U256::from(1)), U256::from(9));

        let mut replayed = State::new();
        log.iter().for_each(|d| replayed.apply(d));
        assert_eq!(replayed.account(a), state.account(a));
        assert_eq!(replayed.storage(a, U256::from(1)), U256::from(9));
        assert_eq!(replayed.total_balance(), U256::from(5));
    }

    #[test]
    fn a_destroyed_account_is_gone() {
        let a = Address::repeat_byte(1);
        let mut state = State::new();
        state.apply(&state.storage_diff(a, U256::from(1), U256::from(2)));
        let mut diff = StateDiff::default();
        diff.accounts.insert(
            a,
            AccountDiff {
                destroyed: true,
                ..Default::default()
            },
        );
        state.apply(&diff);
        assert_eq!(state.account(a), Account::default());
        assert_eq!(state.storage(a, U256::from(1)), U256::ZERO);
    }
}
