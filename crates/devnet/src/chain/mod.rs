//! The dev chain in memory: state, blocks, pool, clock and snapshots. Every
//! change is also emitted as a [`ChainRecord`] so that the node can make it
//! durable; replaying the records rebuilds the same chain. This file holds
//! the chain and what it answers; each concern has its file: `replay`
//! (records in and out), `mining` (transactions and blocks), `calls`,
//! `clock` and `snapshots`.

mod calls;
mod clock;
mod mining;
mod replay;
mod snapshots;

use std::{
    borrow::Cow,
    collections::{BTreeMap, HashMap, HashSet},
    sync::Arc,
};

use alloy_consensus::{
    EMPTY_OMMER_ROOT_HASH, EMPTY_ROOT_HASH, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom,
    Transaction, TxEnvelope, TxType, constants::EMPTY_WITHDRAWALS, proofs,
};
use alloy_eips::{eip1559::BaseFeeParams, eip7685::EMPTY_REQUESTS_HASH};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256, logs_bloom};
use slipway_config::Hardfork;
use slipway_evm::{
    AccountDiff, BlockContext, ChainEnv, ConsoleCollector, Execution, State, StateDiff, Status,
    TxInput, Upstream,
};

use slipway_keys::DevAccount;

use crate::{
    DevnetError, Result,
    blocks::{Blocks, EmptyBlock, empty_header},
    error::Inconsistency,
    genesis::{CREATE2_DEPLOYER_CODE, GenesisSpec, INITIAL_BASE_FEE, PREDEPLOYS},
    pool::{Pool, PoolChange, PoolError, PoolTx},
    types::{ChainRecord, MinedBlock, MinedTx},
};

use clock::{MAX_TIMESTAMP, now};
pub(crate) use mining::{receipt_envelope, tx_input};
pub(crate) use replay::live_records;
use replay::record_undo;

/// A saved point to return to with `evm_revert`. It holds no copy of the
/// state: only the values changed since it was taken (until the next
/// snapshot), as they were — memory in proportion to what changed.
#[derive(Clone, Debug)]
struct Snapshot {
    record: u64,
    /// Applied to the state as it is when the next snapshot is taken (or
    /// now, for the newest), it gives the state as it was at this one.
    undo: StateDiff,
    blocks: usize,
    /// The pool's changes after this snapshot, up to the next one (the
    /// newest's are still being noted by the pool).
    pool_undo: Vec<PoolChange>,
    clock: Clock,
}

/// Live snapshots a chain keeps at most (`evm_snapshot` beyond is refused).
pub const MAX_SNAPSHOTS: usize = 10_000;

/// The chain's notion of time.
#[derive(Clone, Copy, Debug, Default)]
struct Clock {
    offset: i64,
    next: Option<u64>,
    /// Base fee forced for the next block (`anvil_setNextBlockBaseFeePerGas`).
    next_base_fee: Option<u64>,
}

/// Where a transaction was mined.
#[derive(Clone, Copy, Debug)]
pub struct TxLocation {
    /// Block number.
    pub block: u64,
    /// Index in the block.
    pub index: usize,
}

/// The chain.
#[derive(Debug)]
pub struct Chain {
    genesis: GenesisSpec,
    env: ChainEnv,
    accounts: Vec<DevAccount>,
    state: State,
    blocks: Blocks,
    /// The newest block, whole.
    head: MinedBlock,
    /// Timestamps of empty blocks mined but not yet recorded: a run of
    /// them becomes one `EmptyBlocks` record.
    unlogged_empty: Vec<u64>,
    /// Numbers of the blocks mined since the node last asked.
    mined: Vec<u64>,
    tx_index: HashMap<B256, TxLocation>,
    pool: Pool,
    clock: Clock,
    snapshots: BTreeMap<u64, Snapshot>,
    next_snapshot: u64,
    impersonated: HashSet<Address>,
    /// Records emitted so far (the durable log's length).
    records: u64,
    /// Records applied when this chain was replayed from a log.
    replayed: u64,
    unsaved: Vec<ChainRecord>,
    console: Vec<(B256, Vec<String>)>,
    /// The remote chain under a fork.
    upstream: Option<Arc<dyn Upstream>>,
    /// Mine each transaction as it arrives.
    pub automine: bool,
}

impl Chain {
    /// A new chain from its genesis.
    pub fn new(genesis: GenesisSpec, accounts: Vec<DevAccount>) -> Self {
        Self::new_on(genesis, accounts, None)
    }

    /// A new chain from its genesis, on `upstream` when it forks one (its
    /// genesis names the fork block).
    pub fn new_on(
        genesis: GenesisSpec,
        accounts: Vec<DevAccount>,
        upstream: Option<Arc<dyn Upstream>>,
    ) -> Self {
        let env = ChainEnv {
            chain_id: genesis.chain_id,
            hardfork: genesis.hardfork,
            unlimited_code_size: false,
            unlimited_tx_gas: false,
            no_base_fee: false,
        };
        let mut chain = Self {
            genesis: genesis.clone(),
            env,
            accounts,
            state: match &upstream {
                Some(remote) => State::forked(Arc::clone(remote) as _),
                None => State::new(),
            },
            blocks: Blocks::starting_at(genesis.fork.as_ref().map_or(0, |f| f.block.number)),
            head: MinedBlock {
                header: Header::default(),
                hash: B256::ZERO,
                transactions: Vec::new(),
                diff: StateDiff::default(),
                undo: StateDiff::default(),
            },
            unlogged_empty: Vec::new(),
            mined: Vec::new(),
            tx_index: HashMap::new(),
            pool: Pool::default(),
            clock: Clock::default(),
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
            impersonated: HashSet::new(),
            records: 0,
            replayed: 0,
            unsaved: Vec::new(),
            console: Vec::new(),
            upstream,
            automine: true,
        };
        chain.apply(ChainRecord::Genesis(genesis), true);
        chain
    }

    /// Console output of transactions mined since the last call.
    pub fn take_console(&mut self) -> Vec<(B256, Vec<String>)> {
        std::mem::take(&mut self.console)
    }

    /// The genesis the chain was created from.
    pub fn genesis(&self) -> &GenesisSpec {
        &self.genesis
    }

    /// Execution settings.
    pub fn env(&self) -> &ChainEnv {
        &self.env
    }

    /// The hardfork.
    pub fn hardfork(&self) -> Hardfork {
        self.genesis.hardfork
    }

    /// Chain id.
    pub fn chain_id(&self) -> u64 {
        self.genesis.chain_id
    }

    /// Dev accounts (unlocked).
    pub fn accounts(&self) -> &[DevAccount] {
        &self.accounts
    }

    /// Current state (latest block plus edits).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Gas a call or an estimate may use: the block's gas limit, and no
    /// more than one transaction may carry from Osaka on (EIP-7825, 2^24)
    /// — a fork of a chain with a larger block limit must not ask more.
    pub fn call_gas_cap(&self) -> u64 {
        let block = self.genesis.gas_limit;
        if self.genesis.hardfork >= Hardfork::Osaka && !self.env.unlimited_tx_gas {
            block.min(1 << 24)
        } else {
            block
        }
    }

    /// The latest block.
    pub fn head(&self) -> &MinedBlock {
        // There is always the genesis block.
        &self.head
    }

    /// How many blocks the chain has, the genesis included (for a fork,
    /// those of the remote before it too: the head's number plus one).
    pub fn block_count(&self) -> u64 {
        self.blocks.newest() + 1
    }

    /// The remote chain this one forks, if it does.
    pub fn upstream(&self) -> Option<&Arc<dyn Upstream>> {
        self.upstream.as_ref()
    }

    /// The number of the chain's first block (the fork block for a fork,
    /// else 0): what lies before it is the remote's.
    pub fn first_block(&self) -> u64 {
        self.blocks.first()
    }

    /// A block by number (an empty block's header is rebuilt: it is kept
    /// in 56 bytes).
    pub fn block(&self, number: u64) -> Option<Cow<'_, MinedBlock>> {
        if number == self.head.header.number {
            return Some(Cow::Borrowed(&self.head));
        }
        self.blocks.get(number)
    }

    /// The hash of block `number`.
    pub fn block_hash(&self, number: u64) -> Option<B256> {
        self.blocks.hash(number)
    }

    /// A block by hash.
    pub fn block_by_hash(&self, hash: B256) -> Option<Cow<'_, MinedBlock>> {
        self.block(self.blocks.number_of(hash)?)
    }

    /// The blocks mined since the last call (their numbers, oldest first).
    pub fn take_mined(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.mined)
    }

    /// Where a mined transaction is.
    pub fn tx_location(&self, hash: &B256) -> Option<TxLocation> {
        self.tx_index.get(hash).copied()
    }

    /// A mined transaction with its block.
    pub fn mined_tx(&self, hash: &B256) -> Option<(&MinedBlock, usize, &MinedTx)> {
        let loc = self.tx_location(hash)?;
        // Blocks with transactions are kept whole.
        let block = self.blocks.full(loc.block)?;
        Some((block, loc.index, block.transactions.get(loc.index)?))
    }

    /// The pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// State as of the end of block `number` (cloned for past blocks).
    pub fn state_at(&self, number: u64) -> Option<std::borrow::Cow<'_, State>> {
        let head = self.head().header.number;
        if number > head || number < self.blocks.first() {
            return None;
        }
        if number == head {
            return Some(std::borrow::Cow::Borrowed(&self.state));
        }
        let mut state = self.state.clone();
        for block in self.blocks.full_after(number) {
            state.apply(&block.undo);
        }
        Some(std::borrow::Cow::Owned(state))
    }

    /// The nonce `sender` should use next, pending transactions counted.
    pub fn pending_nonce(&self, sender: Address) -> u64 {
        self.pool
            .pending_nonce(sender, self.state.account(sender).nonce)
    }
}
