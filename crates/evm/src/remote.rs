//! What lies under the in-memory state: nothing (a chain of its own), or a
//! remote chain read lazily at a pinned block (fork mode). This crate
//! defines the [`RemoteState`] trait and does no I/O; the chain layer
//! implements it over its providers and its disk cache.
//!
//! Reads fall through the state's cache to the backing once per account or
//! slot; writes only ever touch the cache, so nothing reaches the remote.

use std::sync::Arc;

use alloy_primitives::{Address, B256, Bytes, U256};
use revm::{
    bytecode::Bytecode,
    database::EmptyDB,
    database_interface::{DBErrorMarker, DatabaseRef},
    state::AccountInfo,
};

/// An account as a remote chain holds it at the fork block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteAccount {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Runtime code (empty for an EOA).
    pub code: Bytes,
}

/// Why the remote chain could not answer (its provider's words: the
/// block no longer served without an archive node, a timeout…).
#[derive(Clone, Debug, thiserror::Error)]
#[error("the forked chain could not be read: {0}")]
pub struct RemoteError(pub String);

impl DBErrorMarker for RemoteError {}

/// A remote chain's state at one block, read on first touch.
pub trait RemoteState: std::fmt::Debug + Send + Sync {
    /// The account at `address` (none when it does not exist there).
    fn account(&self, address: Address) -> Result<Option<RemoteAccount>, RemoteError>;
    /// One storage slot.
    fn storage(&self, address: Address, slot: U256) -> Result<U256, RemoteError>;
    /// The hash of block `number` (at or before the fork block).
    fn block_hash(&self, number: u64) -> Result<B256, RemoteError>;
}

/// The block a fork stands on: what the forked chain's environment takes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForkBlock {
    /// The remote's chain id.
    pub chain_id: u64,
    /// Block number.
    pub number: u64,
    /// Its hash (what a fork is pinned and cached by).
    pub hash: B256,
    /// Its timestamp.
    pub timestamp: u64,
    /// Its base fee (0 before London).
    pub base_fee: u64,
    /// Its gas limit.
    pub gas_limit: u64,
    /// Its PREVRANDAO (`mixHash`).
    pub prevrandao: B256,
    /// Its fee recipient.
    pub coinbase: Address,
}

impl ForkBlock {
    /// The block environment at the fork block itself (what a forked test
    /// runs in, as forge does).
    pub fn context(&self) -> crate::BlockContext {
        crate::BlockContext {
            number: self.number,
            timestamp: self.timestamp,
            gas_limit: self.gas_limit,
            base_fee: self.base_fee,
            coinbase: self.coinbase,
            prevrandao: self.prevrandao,
        }
    }
}

/// A remote chain to fork: its state at the fork block, and its JSON-RPC
/// for what came before (blocks, receipts, logs a forked node forwards).
pub trait Upstream: RemoteState {
    /// The block the fork stands on.
    fn block(&self) -> &ForkBlock;
    /// Asks the remote `method` with `params` and returns its result.
    fn forward(
        &self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, RemoteError>;
}

/// Opens forks: what a forked node or test runner is given by the binary,
/// which fills it in with the chain layer's implementation.
pub trait ForkFactory: std::fmt::Debug + Send + Sync {
    /// Forks `source` (a URL, or a name the factory resolves: an
    /// environment, an `[rpc_endpoints]` alias) at `block` (the head when
    /// `None`).
    fn fork(&self, source: &str, block: Option<u64>) -> Result<Arc<dyn Upstream>, RemoteError>;

    /// The URL a name stands for (`vm.rpcUrl`): an `[rpc_endpoints]` alias
    /// or an environment's first provider.
    fn url(&self, name: &str) -> Result<String, RemoteError> {
        Err(RemoteError(format!(
            "no RPC URL is known by the name `{name}`"
        )))
    }
}

/// The database under the state's cache.
#[derive(Clone, Debug, Default)]
pub struct Backing {
    remote: Option<Arc<dyn RemoteState>>,
}

impl Backing {
    /// A remote chain under the state.
    pub fn remote(remote: Arc<dyn RemoteState>) -> Self {
        Self {
            remote: Some(remote),
        }
    }

    /// Whether a remote chain is under the state.
    pub fn is_forked(&self) -> bool {
        self.remote.is_some()
    }
}

impl DatabaseRef for Backing {
    type Error = RemoteError;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, RemoteError> {
        let Some(remote) = &self.remote else {
            return Ok(None);
        };
        Ok(remote.account(address)?.map(|account| {
            let code = Bytecode::new_raw(account.code);
            AccountInfo {
                balance: account.balance,
                nonce: account.nonce,
                code_hash: code.hash_slow(),
                code: Some(code),
                ..AccountInfo::default()
            }
        }))
    }

    fn code_by_hash_ref(&self, _code_hash: B256) -> Result<Bytecode, RemoteError> {
        // Code always comes with its account (`basic_ref`), which the cache
        // keeps by hash.
        Ok(Bytecode::default())
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, RemoteError> {
        match &self.remote {
            Some(remote) => remote.storage(address, index),
            None => Ok(U256::ZERO),
        }
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, RemoteError> {
        match &self.remote {
            Some(remote) => remote.block_hash(number),
            // As before fork mode: EmptyDB's hash of the number.
            None => Ok(EmptyDB::default()
                .block_hash_ref(number)
                .unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        collections::HashMap,
        sync::atomic::{AtomicUsize, Ordering},
    };

    use alloy_primitives::hex;
    use slipway_config::Hardfork;

    use super::*;
    use crate::{BlockContext, ChainEnv, State, TxInput};

    /// A remote chain in memory, counting what it is asked.
    #[derive(Debug, Default)]
    struct Remote {
        accounts: HashMap<Address, RemoteAccount>,
        slots: HashMap<(Address, U256), U256>,
        asked: AtomicUsize,
        broken: bool,
    }

    impl RemoteState for Remote {
        fn account(&self, address: Address) -> Result<Option<RemoteAccount>, RemoteError> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            if self.broken {
                return Err(RemoteError("connection refused".into()));
            }
            Ok(self.accounts.get(&address).cloned())
        }
        fn storage(&self, address: Address, slot: U256) -> Result<U256, RemoteError> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            Ok(self
                .slots
                .get(&(address, slot))
                .copied()
                .unwrap_or_default())
        }
        fn block_hash(&self, number: u64) -> Result<B256, RemoteError> {
            Ok(B256::with_last_byte(number as u8))
        }
    }

    const CONTRACT: Address = Address::repeat_byte(0xcc);
    const USER: Address = Address::repeat_byte(0x01);

    /// A contract that returns its slot 0: SLOAD(0), MSTORE, RETURN 32.
    fn remote() -> Remote {
        let mut remote = Remote::default();
        remote.accounts.insert(
            CONTRACT,
            RemoteAccount {
                balance: U256::ZERO,
                nonce: 1,
                code: hex!("60005460005260206000f3").into(),
            },
        );
        remote.accounts.insert(
            USER,
            RemoteAccount {
                balance: U256::from(10u128.pow(18)),
                nonce: 5,
                code: Bytes::new(),
            },
        );
        remote.slots.insert((CONTRACT, U256::ZERO), U256::from(42));
        remote
    }

    fn env() -> ChainEnv {
        ChainEnv {
            chain_id: 1,
            hardfork: Hardfork::Osaka,
            unlimited_code_size: false,
            unlimited_tx_gas: false,
            no_base_fee: false,
        }
    }

    fn call() -> TxInput {
        TxInput {
            from: USER,
            to: Some(CONTRACT),
            gas_limit: 100_000,
            gas_price: 10,
            ..Default::default()
        }
    }

    #[test]
    fn a_forked_state_reads_the_remote_and_keeps_its_writes() {
        let remote = Arc::new(remote());
        let mut state = State::forked(remote.clone());
        assert!(state.is_forked());
        assert_eq!(state.account(USER).nonce, 5);
        assert_eq!(state.storage(CONTRACT, U256::ZERO), U256::from(42));
        let block = BlockContext {
            number: 10,
            gas_limit: 30_000_000,
            ..Default::default()
        };
        let read = state.simulate(&env(), &block, &call()).expect("runs");
        assert_eq!(U256::from_be_slice(&read.output), U256::from(42));
        // A local write shadows the remote, which keeps its value.
        state.apply(&state.storage_diff(CONTRACT, U256::ZERO, U256::from(7)));
        let read = state.simulate(&env(), &block, &call()).expect("runs");
        assert_eq!(U256::from_be_slice(&read.output), U256::from(7));
        assert_eq!(remote.slots[&(CONTRACT, U256::ZERO)], U256::from(42));
        // A committed transaction loads what it touches into the cache once.
        state.transact(&env(), &block, &call(), true).expect("runs");
        let asked = remote.asked.load(Ordering::SeqCst);
        state.transact(&env(), &block, &call(), true).expect("runs");
        assert_eq!(remote.asked.load(Ordering::SeqCst), asked, "cached");
        assert_eq!(state.account(USER).nonce, 7);
    }

    #[test]
    fn a_remote_that_cannot_answer_fails_the_transaction_with_its_words() {
        let mut broken = remote();
        broken.broken = true;
        let mut state = State::forked(Arc::new(broken));
        let block = BlockContext {
            number: 10,
            gas_limit: 30_000_000,
            ..Default::default()
        };
        let error = state
            .transact(&env(), &block, &call(), true)
            .expect_err("the remote is down")
            .to_string();
        assert!(error.contains("connection refused"), "{error}");
        // Not forked: nothing under the state, block hashes as before.
        assert!(!State::new().is_forked());
    }
}
