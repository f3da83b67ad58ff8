//! The dev chain in memory: state, blocks, pool, clock and snapshots. Every
//! change is also emitted as a [`Record`] so that the node can make it
//! durable; replaying the records rebuilds the same chain.

use std::{
    borrow::Cow,
    collections::{BTreeMap, HashMap, HashSet},
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
    TxInput,
};

use slipway_keys::DevAccount;

use crate::{
    DevnetError, Result,
    blocks::{Blocks, EmptyBlock, empty_header},
    error::Inconsistency,
    genesis::{CREATE2_DEPLOYER, CREATE2_DEPLOYER_CODE, GenesisSpec, INITIAL_BASE_FEE},
    pool::{Pool, PoolError, PoolTx},
    types::{ChainRecord, MinedBlock, MinedTx},
};

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
    pool: Pool,
    clock: Clock,
}

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
    /// Mine each transaction as it arrives.
    pub automine: bool,
}

/// The records of a log that make the chain, in order, rewinds resolved:
/// a rewind to record `k` makes the chain as it stood right after record
/// `k` was written. Each record points at the live record before it when it
/// was written (`parent`), so the chain at any point is a path back to the
/// genesis, and a rewind is one jump: the whole log is walked once.
pub(crate) fn live_records(records: &[ChainRecord]) -> Result<Vec<usize>> {
    const NONE: usize = usize::MAX;
    // The last live record right after each record was written.
    let mut top_after = vec![0usize; records.len()];
    // The live record before each applied record.
    let mut parent = vec![NONE; records.len()];
    let mut top = 0usize;
    for (i, record) in records.iter().enumerate().skip(1) {
        if let ChainRecord::Rewind { to_record } = record {
            let keep = usize::try_from(*to_record).unwrap_or(usize::MAX);
            if keep >= i {
                return Err(DevnetError::Inconsistent {
                    dir: None,
                    problem: Inconsistency::RewindForward {
                        record: i,
                        to: *to_record,
                    },
                });
            }
            top = top_after[keep];
        } else {
            parent[i] = top;
            top = i;
        }
        top_after[i] = top;
    }
    let mut live = Vec::new();
    let mut at = top;
    while at != NONE {
        live.push(at);
        at = if at == 0 { NONE } else { parent[at] };
    }
    live.reverse();
    Ok(live)
}

/// The latest timestamp the clock may reach (2^40 s, some 34,800 years on).
const MAX_TIMESTAMP: u64 = 1 << 40;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Chain {
    /// A new chain from its genesis.
    pub fn new(genesis: GenesisSpec, accounts: Vec<DevAccount>) -> Self {
        let env = ChainEnv {
            chain_id: genesis.chain_id,
            hardfork: genesis.hardfork,
            unlimited_code_size: false,
            unlimited_tx_gas: false,
        };
        let mut chain = Self {
            genesis: genesis.clone(),
            env,
            accounts,
            state: State::new(),
            blocks: Blocks::default(),
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
            automine: true,
        };
        chain.apply(ChainRecord::Genesis(genesis), true);
        chain
    }

    /// Rebuilds a chain from its records (the first must be the genesis),
    /// applying each live record exactly once: the rewinds are resolved
    /// first (`live_records`), so snapshot/revert cycles cost one pass, not
    /// a replay of everything before each rewind.
    pub fn replay(records: &[ChainRecord], accounts: Vec<DevAccount>) -> Result<Self> {
        let Some(ChainRecord::Genesis(genesis)) = records.first() else {
            return Err(DevnetError::Inconsistent {
                dir: None,
                problem: Inconsistency::NoGenesis,
            });
        };
        let live = live_records(records)?;
        let mut chain = Self::new(genesis.clone(), accounts);
        chain.unsaved.clear();
        for &i in live.iter().skip(1) {
            chain.apply(records[i].clone(), false);
            chain.replayed += 1;
        }
        chain.records = records.len() as u64;
        chain.unsaved.clear();
        chain.mined.clear();
        Ok(chain)
    }

    /// Records applied by the replay that built this chain (each live
    /// record once; rewinds and what they undid are not applied).
    pub fn replayed_records(&self) -> u64 {
        self.replayed
    }

    /// Applies a record; `emit` also queues it for the durable log.
    fn apply(&mut self, record: ChainRecord, emit: bool) {
        if emit {
            self.flush_empty();
        }
        match &record {
            ChainRecord::Genesis(g) => {
                let mut diff = StateDiff::default();
                for (address, balance) in &g.alloc {
                    diff.accounts.insert(
                        *address,
                        AccountDiff {
                            balance: *balance,
                            ..Default::default()
                        },
                    );
                }
                diff.accounts.insert(
                    CREATE2_DEPLOYER,
                    AccountDiff {
                        code: Some(CREATE2_DEPLOYER_CODE),
                        ..Default::default()
                    },
                );
                self.change_state(&diff);
                let header = self.header_template(None, g.timestamp, INITIAL_BASE_FEE);
                let hash = header.hash_slow();
                let genesis = MinedBlock {
                    header,
                    hash,
                    transactions: Vec::new(),
                    diff,
                    undo: StateDiff::default(),
                };
                self.blocks.push_full(genesis.clone());
                self.head = genesis;
            }
            ChainRecord::Block(block) => {
                self.change_state(&block.diff);
                self.index_block(block);
            }
            ChainRecord::Edit(diff) => self.change_state(diff),
            ChainRecord::Clock { offset, next } => {
                self.clock.offset = *offset;
                self.clock.next = *next;
            }
            ChainRecord::NextBaseFee(fee) => self.clock.next_base_fee = Some(*fee),
            ChainRecord::Rewind { .. } => {}
            ChainRecord::Pending(tx) => {
                // It was valid when accepted; if it no longer is, mining
                // drops it, as it would have on the live chain.
                let _ = self.pool.add((**tx).clone());
            }
            ChainRecord::Dropped(hashes) => {
                for hash in hashes {
                    self.pool.remove(hash);
                }
            }
            ChainRecord::EmptyBlocks(runs) => {
                for &[first, step, count] in runs {
                    for i in 0..count {
                        let base_fee = self.next_base_fee();
                        self.push_empty(first.saturating_add(step.saturating_mul(i)), base_fee);
                    }
                }
            }
        }
        self.records += 1;
        if emit {
            self.unsaved.push(record);
        }
    }

    /// Changes the state, keeping what it overwrites in the newest
    /// snapshot (if any), so that a revert can put it back.
    fn change_state(&mut self, diff: &StateDiff) {
        if let Some(mut newest) = self.snapshots.last_entry() {
            record_undo(&self.state, diff, &mut newest.get_mut().undo);
        }
        self.state.apply(diff);
    }

    /// The live snapshots: id, and the number and hash of the block each
    /// was taken at.
    pub fn snapshots(&self) -> impl Iterator<Item = (u64, u64, B256)> + '_ {
        self.snapshots.iter().map(|(id, s)| {
            let number = s.blocks as u64 - 1;
            (*id, number, self.block_hash(number).unwrap_or_default())
        })
    }

    /// Entries (accounts and storage slots) the live snapshots hold: what
    /// changed since the oldest was taken, never a copy of the state.
    pub fn snapshot_entries(&self) -> usize {
        self.snapshots
            .values()
            .flat_map(|s| s.undo.accounts.values())
            .map(|a| 1 + a.storage.len())
            .sum()
    }

    /// Appends a block whose changes the state already holds.
    fn push_block(&mut self, block: MinedBlock) {
        self.index_block(&block);
        self.apply_live(ChainRecord::Block(Box::new(block)));
    }

    /// Indexes a block's transactions and makes it the head.
    fn index_block(&mut self, block: &MinedBlock) {
        let number = block.header.number;
        for (index, tx) in block.transactions.iter().enumerate() {
            self.tx_index.insert(
                tx.hash,
                TxLocation {
                    block: number,
                    index,
                },
            );
            self.pool.remove(&tx.hash);
        }
        self.blocks.push_full(block.clone());
        self.head = block.clone();
        self.mined.push(number);
        self.clock.next = None;
        self.clock.next_base_fee = None;
        let state = &self.state;
        self.pool.prune(|a| state.account(a).nonce);
    }

    /// Records not yet written to the durable log (taken by the node).
    pub fn take_unsaved(&mut self) -> Vec<ChainRecord> {
        self.flush_empty();
        std::mem::take(&mut self.unsaved)
    }

    /// As [`Self::take_unsaved`], but empty blocks are held back until
    /// `batch` of them are waiting (or another record comes): how interval
    /// mining keeps an idle day's log to a few hundred records. Held-back
    /// blocks hold no transaction; a crash loses at most `batch` of them.
    pub fn take_unsaved_holding_empty(&mut self, batch: usize) -> Vec<ChainRecord> {
        if self.unlogged_empty.len() >= batch {
            self.flush_empty();
        }
        std::mem::take(&mut self.unsaved)
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

    /// The latest block.
    pub fn head(&self) -> &MinedBlock {
        // There is always the genesis block.
        &self.head
    }

    /// How many blocks the chain has, the genesis included.
    pub fn block_count(&self) -> u64 {
        self.blocks.len() as u64
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
        if number > head {
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

    /// Base fee of the next block.
    pub fn next_base_fee(&self) -> u64 {
        if let Some(forced) = self.clock.next_base_fee {
            return forced;
        }
        let h = &self.head().header;
        BaseFeeParams::ethereum().next_block_base_fee(
            h.gas_used,
            h.gas_limit,
            h.base_fee_per_gas.unwrap_or(INITIAL_BASE_FEE),
        )
    }

    /// Timestamp the next block will get.
    pub fn next_timestamp(&self) -> u64 {
        let parent = self.head().header.timestamp;
        self.clock.next.unwrap_or_else(|| {
            let t = now().saturating_add_signed(self.clock.offset);
            t.max(parent + 1)
        })
    }

    /// The block context of the next block (for calls on `pending`).
    pub fn next_block_context(&self) -> BlockContext {
        let head = &self.head().header;
        BlockContext {
            number: head.number + 1,
            timestamp: self.next_timestamp(),
            gas_limit: self.genesis.gas_limit,
            base_fee: self.next_base_fee(),
            coinbase: Address::ZERO,
            prevrandao: keccak256((head.number + 1).to_be_bytes()),
        }
    }

    /// The block being built, as `eth_getBlockByNumber("pending")` shows
    /// it: the next number, timestamp and base fee, and the ready pool
    /// transactions, in the order they would be mined (not yet executed:
    /// its gas used and state root are its parent's).
    pub fn pending_block(&self) -> (Header, Vec<PoolTx>) {
        let context = self.next_block_context();
        let ready = {
            let state = &self.state;
            self.pool.ready(|a| state.account(a).nonce)
        };
        let mut header =
            self.header_template(Some(&self.head.header), context.timestamp, context.base_fee);
        let envelopes: Vec<&TxEnvelope> = ready.iter().map(|t| &t.envelope).collect();
        header.transactions_root = proofs::calculate_transaction_root(&envelopes);
        header.state_root = self.head.header.state_root;
        (header, ready)
    }

    /// The block context a block executed in.
    pub fn block_context(&self, number: u64) -> Option<BlockContext> {
        let h = &self.block(number)?.header;
        Some(BlockContext {
            number: h.number,
            timestamp: h.timestamp,
            gas_limit: h.gas_limit,
            base_fee: h.base_fee_per_gas.unwrap_or_default(),
            coinbase: h.beneficiary,
            prevrandao: h.mix_hash,
        })
    }

    /// Whether `address` may send without a signature.
    pub fn is_impersonated(&self, address: &Address) -> bool {
        self.impersonated.contains(address)
    }

    /// `hardhat_impersonateAccount` / `stopImpersonatingAccount`.
    pub fn impersonate(&mut self, address: Address, on: bool) {
        if on {
            self.impersonated.insert(address);
        } else {
            self.impersonated.remove(&address);
        }
    }

    /// Validates and adds a transaction to the pool; mines it when
    /// automining. One left in the pool is recorded (`Pending`), so that
    /// it is durable once the node answers with its hash.
    pub fn submit(&mut self, tx: PoolTx) -> Result<B256> {
        self.validate(&tx)?;
        let hash = tx.hash;
        if self.tx_index.contains_key(&hash) {
            return Err(DevnetError::Rejected("already known".into()));
        }
        self.pool.add(tx.clone()).map_err(|e| {
            DevnetError::Rejected(match e {
                PoolError::AlreadyKnown => "already known".into(),
                PoolError::ReplacementUnderpriced => "replacement transaction underpriced".into(),
            })
        })?;
        if self.automine {
            self.mine_block();
        }
        if self.pool.get(&hash).is_some() {
            self.apply_live(ChainRecord::Pending(Box::new(tx)));
        }
        Ok(hash)
    }

    /// Records a change already made to the live chain (emits it for the
    /// durable log without applying it again).
    fn apply_live(&mut self, record: ChainRecord) {
        self.flush_empty();
        self.records += 1;
        self.unsaved.push(record);
    }

    /// Records the empty blocks mined since the last record, as one.
    fn flush_empty(&mut self) {
        if self.unlogged_empty.is_empty() {
            return;
        }
        let runs = runs_of(&std::mem::take(&mut self.unlogged_empty));
        self.records += 1;
        self.unsaved.push(ChainRecord::EmptyBlocks(runs));
    }

    /// Appends an empty block (its state is its parent's).
    fn push_empty(&mut self, timestamp: u64, base_fee: u64) {
        let number = self.head.header.number + 1;
        let header = match self.blocks.full(0) {
            Some(genesis) => empty_header(
                &genesis.header,
                number,
                self.head.hash,
                self.head.header.state_root,
                timestamp,
                base_fee,
            ),
            None => return,
        };
        let hash = header.hash_slow();
        self.blocks.push_empty(EmptyBlock {
            hash,
            timestamp,
            base_fee,
            root_of: self.blocks.last_full(),
        });
        self.head = MinedBlock {
            header,
            hash,
            transactions: Vec::new(),
            diff: StateDiff::default(),
            undo: StateDiff::default(),
        };
        self.mined.push(number);
        self.clock.next = None;
        self.clock.next_base_fee = None;
    }

    fn validate(&self, tx: &PoolTx) -> Result<()> {
        let e = &tx.envelope;
        let reject = |m: String| Err(DevnetError::Rejected(m));
        if let Some(id) = e.chain_id()
            && id != self.chain_id()
        {
            return reject(format!(
                "invalid chain id: have {id}, want {}",
                self.chain_id()
            ));
        }
        if matches!(e.tx_type(), TxType::Eip4844) {
            return reject("blob transactions are not supported by the dev chain".into());
        }
        if matches!(e.tx_type(), TxType::Eip7702) {
            if self.hardfork() < Hardfork::Prague {
                return reject(format!(
                    "transaction type not supported: EIP-7702 transactions need the prague hardfork or later (this chain runs {})",
                    self.hardfork().as_str()
                ));
            }
            if e.authorization_list().is_none_or(<[_]>::is_empty) {
                return reject("EIP-7702 transaction with empty auth list".into());
            }
        }
        let account = self.state.account(tx.sender);
        if e.nonce() < account.nonce {
            return reject(format!(
                "nonce too low: address {}, tx: {} state: {}",
                tx.sender,
                e.nonce(),
                account.nonce
            ));
        }
        if e.gas_limit() > self.genesis.gas_limit {
            return reject(format!(
                "exceeds block gas limit: tx gas {} > block gas limit {}",
                e.gas_limit(),
                self.genesis.gas_limit
            ));
        }
        let intrinsic = intrinsic_gas(e);
        if e.gas_limit() < intrinsic {
            return reject(format!(
                "intrinsic gas too low: have {}, want {intrinsic}",
                e.gas_limit()
            ));
        }
        if let Some(tip) = e.max_priority_fee_per_gas()
            && tip > e.max_fee_per_gas()
        {
            return reject(format!(
                "max priority fee per gas higher than max fee per gas: address {}, maxPriorityFeePerGas: {tip}, maxFeePerGas: {}",
                tx.sender,
                e.max_fee_per_gas()
            ));
        }
        let base_fee = u128::from(self.next_base_fee());
        if e.max_fee_per_gas() < base_fee {
            return reject(format!(
                "transaction underpriced: max fee per gas less than block base fee: address {}, maxFeePerGas: {} baseFee: {base_fee}",
                tx.sender,
                e.max_fee_per_gas()
            ));
        }
        let cost = U256::from(e.gas_limit()) * U256::from(e.max_fee_per_gas()) + e.value();
        if account.balance < cost {
            return reject(format!(
                "insufficient funds for gas * price + value: address {} have {} want {cost}",
                tx.sender, account.balance
            ));
        }
        Ok(())
    }

    /// Mines one block with the ready transactions that fit. Transactions
    /// execute on the live state (no copy): each one's diff is applied as it
    /// completes, and an invalid one changes nothing.
    pub fn mine_block(&mut self) -> &MinedBlock {
        let context = self.next_block_context();
        let mut diff = StateDiff::default();
        let mut undo = StateDiff::default();
        let mut mined: Vec<MinedTx> = Vec::new();
        let mut gas_used = 0u64;
        let mut dropped = Vec::new();
        let ready = {
            let state = &self.state;
            self.pool.ready(|a| state.account(a).nonce)
        };
        let mut skipped_senders: HashSet<Address> = HashSet::new();
        for tx in ready {
            if skipped_senders.contains(&tx.sender) {
                continue;
            }
            if gas_used + tx.envelope.gas_limit() > context.gas_limit {
                skipped_senders.insert(tx.sender);
                continue;
            }
            let input = tx_input(&tx.envelope, tx.sender);
            let mut console = ConsoleCollector::default();
            let outcome = match self.state.transact_with(
                &self.env,
                &context,
                &input,
                false,
                &mut console,
            ) {
                Ok(o) => o,
                Err(e) => {
                    tracing::warn!(hash = %tx.hash, error = %e, "dropping a transaction that became invalid");
                    dropped.push(tx.hash);
                    skipped_senders.insert(tx.sender);
                    continue;
                }
            };
            record_undo(&self.state, &outcome.diff, &mut undo);
            self.change_state(&outcome.diff);
            diff.merge(outcome.diff.clone());
            gas_used += outcome.gas_used;
            let lines = console.lines();
            if !lines.is_empty() {
                self.console.push((tx.hash, lines));
            }
            mined.push(mined_tx(
                tx,
                &outcome,
                gas_used,
                u128::from(context.base_fee),
            ));
        }
        if mined.is_empty() && dropped.is_empty() {
            self.push_empty(context.timestamp, context.base_fee);
            self.unlogged_empty.push(context.timestamp);
            return &self.head;
        }
        if !dropped.is_empty() {
            for hash in &dropped {
                self.pool.remove(hash);
            }
            self.apply_live(ChainRecord::Dropped(dropped));
        }
        let block = self.seal(context, mined, gas_used, diff, undo);
        // The state already holds the block's changes.
        self.push_block(block);
        self.head()
    }

    fn header_template(&self, parent: Option<&Header>, timestamp: u64, base_fee: u64) -> Header {
        let fork = self.genesis.hardfork;
        let number = parent.map_or(0, |p| p.number + 1);
        Header {
            parent_hash: if self.blocks.len() == 0 {
                B256::ZERO
            } else {
                self.head.hash
            },
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: Address::ZERO,
            state_root: B256::ZERO,
            transactions_root: EMPTY_ROOT_HASH,
            receipts_root: EMPTY_ROOT_HASH,
            logs_bloom: Default::default(),
            difficulty: U256::ZERO,
            number,
            gas_limit: self.genesis.gas_limit,
            gas_used: 0,
            timestamp,
            extra_data: if number == 0 && !self.genesis.nonce.is_zero() {
                Bytes::copy_from_slice(self.genesis.nonce.as_slice())
            } else {
                Bytes::new()
            },
            mix_hash: keccak256(number.to_be_bytes()),
            nonce: Default::default(),
            base_fee_per_gas: (fork >= Hardfork::London).then_some(base_fee),
            withdrawals_root: (fork >= Hardfork::Shanghai).then_some(EMPTY_WITHDRAWALS),
            blob_gas_used: (fork >= Hardfork::Cancun).then_some(0),
            excess_blob_gas: (fork >= Hardfork::Cancun).then_some(0),
            parent_beacon_block_root: (fork >= Hardfork::Cancun).then_some(B256::ZERO),
            requests_hash: (fork >= Hardfork::Prague).then_some(EMPTY_REQUESTS_HASH),
            ..Default::default()
        }
    }

    fn seal(
        &self,
        context: BlockContext,
        transactions: Vec<MinedTx>,
        gas_used: u64,
        diff: StateDiff,
        undo: StateDiff,
    ) -> MinedBlock {
        let parent = &self.head().header;
        let mut header = self.header_template(Some(parent), context.timestamp, context.base_fee);
        let envelopes: Vec<&TxEnvelope> = transactions.iter().map(|t| &t.envelope).collect();
        let receipts: Vec<ReceiptEnvelope> = transactions.iter().map(receipt_envelope).collect();
        header.transactions_root = proofs::calculate_transaction_root(&envelopes);
        header.receipts_root = proofs::calculate_receipt_root(&receipts);
        header.logs_bloom = logs_bloom(transactions.iter().flat_map(|t| t.logs.iter()));
        header.gas_used = gas_used;
        // Not a Merkle-Patricia root: a commitment chaining every block's changes.
        let encoded = serde_json::to_vec(&diff).unwrap_or_default();
        header.state_root =
            keccak256([parent.state_root.as_slice(), keccak256(&encoded).as_slice()].concat());
        let hash = header.hash_slow();
        MinedBlock {
            header,
            hash,
            transactions,
            diff,
            undo,
        }
    }

    /// Executes a call without committing it. A call that names no gas
    /// price runs with a zero base fee, as geth's `eth_call` does.
    pub fn call(&self, input: &TxInput, number: Option<u64>) -> Result<Execution> {
        let (state, context) = self.call_setting(input, number)?;
        state
            .simulate(&self.env, &context, input)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// The state and block context a call on block `number` (the latest
    /// state and the next block's context for `None`) runs in; a call that
    /// names no gas price runs with a zero base fee, as on geth. The state
    /// is borrowed where it can be: a call copies nothing.
    fn call_setting(
        &self,
        input: &TxInput,
        number: Option<u64>,
    ) -> Result<(Cow<'_, State>, BlockContext)> {
        let (state, mut context) = match number {
            Some(n) => (
                self.state_at(n)
                    .ok_or_else(|| DevnetError::Rejected(format!("header not found: block {n}")))?,
                self.block_context(n)
                    .unwrap_or_else(|| self.next_block_context()),
            ),
            None => (Cow::Borrowed(&self.state), self.next_block_context()),
        };
        if input.gas_price == 0 {
            context.base_fee = 0;
        }
        Ok((state, context))
    }

    /// `debug_traceCall`: traces a call on block `number` (latest for
    /// `None`) with geth's tracer `options`.
    pub fn trace_call(
        &self,
        input: &TxInput,
        number: Option<u64>,
        options: &slipway_evm::geth_trace::GethDebugTracingOptions,
    ) -> Result<slipway_evm::geth_trace::GethTrace> {
        let (state, context) = self.call_setting(input, number)?;
        state
            .into_owned()
            .trace(&self.env, &context, input, options)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// `debug_traceTransaction`: re-executes the transactions before
    /// `hash` in its block on the state before that block, then traces it.
    /// `None` for a transaction not mined.
    pub fn trace_transaction(
        &self,
        hash: &B256,
        options: &slipway_evm::geth_trace::GethDebugTracingOptions,
    ) -> Result<Option<slipway_evm::geth_trace::GethTrace>> {
        let Some(location) = self.tx_location(hash) else {
            return Ok(None);
        };
        let block = self
            .blocks
            .full(location.block)
            .ok_or(DevnetError::Inconsistent {
                dir: None,
                problem: Inconsistency::MissingBlock(location.block),
            })?;
        let context = self
            .block_context(location.block)
            .unwrap_or_else(|| self.next_block_context());
        let mut state = self
            .state_at(location.block.saturating_sub(1))
            .ok_or(DevnetError::Inconsistent {
                dir: None,
                problem: Inconsistency::MissingBlock(location.block - 1),
            })?
            .into_owned();
        for earlier in &block.transactions[..location.index] {
            let input = tx_input(&earlier.envelope, earlier.sender);
            // Its outcome is in the block already; only its changes matter.
            let _ = state.transact(&self.env, &context, &input, true);
        }
        let target = &block.transactions[location.index];
        let input = tx_input(&target.envelope, target.sender);
        state
            .trace(&self.env, &context, &input, options)
            .map(Some)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// `eth_createAccessList` on block `number` (latest for `None`).
    pub fn create_access_list(
        &self,
        input: &TxInput,
        number: Option<u64>,
    ) -> Result<(alloy_rpc_types_eth::AccessList, Execution)> {
        let (state, context) = self.call_setting(input, number)?;
        state
            .into_owned()
            .create_access_list(&self.env, &context, input)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// Executes a call on a given state (state overrides).
    pub fn call_on(&self, state: &mut State, input: &TxInput) -> Result<Execution> {
        let mut context = self.next_block_context();
        if input.gas_price == 0 {
            context.base_fee = 0;
        }
        state
            .transact(&self.env, &context, input, false)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// The smallest gas limit with which `input` succeeds (binary search).
    pub fn estimate_gas(
        &self,
        input: &TxInput,
        number: Option<u64>,
    ) -> Result<std::result::Result<u64, Execution>> {
        let mut probe = input.clone();
        probe.gas_limit = self.genesis.gas_limit;
        let full = self.call(&probe, number)?;
        if !full.is_success() {
            return Ok(Err(full));
        }
        let mut low = full.gas_used.saturating_sub(1);
        let mut high = self.genesis.gas_limit;
        while low + 1 < high {
            let mid = low + (high - low) / 2;
            probe.gas_limit = mid;
            match self.call(&probe, number) {
                Ok(o) if o.is_success() => high = mid,
                _ => low = mid,
            }
        }
        Ok(Ok(high))
    }

    /// Applies a state edit.
    pub fn edit(&mut self, diff: StateDiff) {
        self.apply(ChainRecord::Edit(diff), true);
    }

    /// Moves the clock forward; returns the new offset.
    pub fn increase_time(&mut self, seconds: i64) -> Result<i64> {
        if seconds < 0 {
            return Err(DevnetError::Rejected(format!(
                "cannot move the clock back ({seconds} seconds); use evm_snapshot/evm_revert to go back"
            )));
        }
        // The jump starts from the later of the clock and the latest block:
        // automined blocks run ahead of the wall clock (one a second at
        // least), and the next block must still come `seconds` after the
        // latest, as on Hardhat and anvil.
        let ahead = (self.head.header.timestamp as i64).saturating_sub(now() as i64);
        let offset = self
            .clock
            .offset
            .max(ahead)
            .checked_add(seconds)
            .filter(|o| *o <= MAX_TIMESTAMP as i64)
            .ok_or_else(|| {
                DevnetError::Rejected(format!(
                    "increasing time by {seconds} seconds would move the clock past {MAX_TIMESTAMP} (about the year 36,800)"
                ))
            })?;
        self.apply(
            ChainRecord::Clock {
                offset,
                next: self.clock.next,
            },
            true,
        );
        Ok(offset)
    }

    /// Forces the next block's timestamp.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<()> {
        let parent = self.head().header.timestamp;
        if timestamp <= parent {
            return Err(DevnetError::Rejected(format!(
                "timestamp {timestamp} is not after the latest block's {parent}"
            )));
        }
        if timestamp > MAX_TIMESTAMP {
            return Err(DevnetError::Rejected(format!(
                "timestamp {timestamp} is past the largest the dev chain accepts ({MAX_TIMESTAMP})"
            )));
        }
        // Both are below 2^40: no overflow.
        let offset = timestamp as i64 - now() as i64;
        self.apply(
            ChainRecord::Clock {
                offset,
                next: Some(timestamp),
            },
            true,
        );
        Ok(())
    }

    /// Mines `blocks` blocks `interval` seconds apart, the first at the
    /// next timestamp (`anvil_mine`/`hardhat_mine`), then keeps the clock
    /// where they left it. The empty ones among them make one record.
    pub fn mine_blocks(&mut self, blocks: u64, interval: u64) -> Result<()> {
        let first = self.next_timestamp();
        let last = interval
            .checked_mul(blocks.saturating_sub(1))
            .and_then(|span| first.checked_add(span))
            .filter(|t| *t <= MAX_TIMESTAMP)
            .ok_or_else(|| {
                DevnetError::Rejected(format!(
                    "{blocks} blocks {interval} seconds apart would move the clock past {MAX_TIMESTAMP}"
                ))
            })?;
        for i in 0..blocks {
            self.clock.next = Some(first + interval * i);
            self.mine_block();
        }
        if blocks > 1 {
            // Later blocks follow on from the last one, as on anvil.
            let offset = last as i64 - now() as i64;
            if offset > self.clock.offset {
                self.apply(ChainRecord::Clock { offset, next: None }, true);
            }
        }
        Ok(())
    }

    /// Forces the next block's base fee (`anvil_setNextBlockBaseFeePerGas`).
    pub fn set_next_base_fee(&mut self, fee: u64) {
        self.apply(ChainRecord::NextBaseFee(fee), true);
    }

    /// `evm_snapshot`.
    pub fn snapshot(&mut self) -> u64 {
        self.flush_empty();
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(
            id,
            Snapshot {
                record: self.records - 1,
                undo: StateDiff::default(),
                blocks: self.blocks.len(),
                pool: self.pool.clone(),
                clock: self.clock,
            },
        );
        id
    }

    /// `evm_revert`: back to a snapshot (it and later ones are used up).
    pub fn revert(&mut self, id: u64) -> bool {
        if !self.snapshots.contains_key(&id) {
            return false;
        }
        self.flush_empty();
        // Newest first: each undo is relative to the snapshot after it.
        let mut snap = None;
        while let Some((at, newer)) = self.snapshots.pop_last() {
            self.state.apply(&newer.undo);
            if at == id {
                snap = Some(newer);
                break;
            }
        }
        let Some(snap) = snap else {
            return false;
        };
        for block in self.blocks.truncate(snap.blocks) {
            for tx in &block.transactions {
                self.tx_index.remove(&tx.hash);
            }
        }
        self.head = self
            .blocks
            .get(self.blocks.len() as u64 - 1)
            .map(Cow::into_owned)
            .unwrap_or_else(|| self.head.clone());
        self.pool = snap.pool;
        self.clock = snap.clock;
        self.apply(
            ChainRecord::Rewind {
                to_record: snap.record,
            },
            true,
        );
        true
    }

    /// Number of records the chain has emitted (the durable log's length).
    pub fn records_len(&self) -> u64 {
        self.records
    }

    /// Appends a run of empty blocks as its own record (a rollback that
    /// ends inside an earlier run keeps this part of it).
    pub(crate) fn push_empty_runs(&mut self, runs: Vec<[u64; 3]>) {
        self.apply(ChainRecord::EmptyBlocks(runs), true);
    }

    pub(crate) fn set_records_len(&mut self, records: u64) {
        self.records = records;
    }

    /// Removes a pending transaction.
    pub fn drop_transaction(&mut self, hash: &B256) -> bool {
        let found = self.pool.remove(hash).is_some();
        if found {
            self.apply_live(ChainRecord::Dropped(vec![*hash]));
        }
        found
    }

    /// Removes all pending transactions.
    pub fn drop_all_transactions(&mut self) {
        let (pending, queued) = self.pool.content(|_| 0);
        let hashes: Vec<B256> = pending.iter().chain(&queued).map(|t| t.hash).collect();
        self.pool.clear();
        if !hashes.is_empty() {
            self.apply_live(ChainRecord::Dropped(hashes));
        }
    }
}

/// Timestamps as `[first, step, count]` runs of evenly spaced ones.
fn runs_of(timestamps: &[u64]) -> Vec<[u64; 3]> {
    let mut runs: Vec<[u64; 3]> = Vec::new();
    for &t in timestamps {
        match runs.last_mut() {
            Some([first, step, count]) if *count == 1 && t > *first => {
                *step = t - *first;
                *count = 2;
            }
            Some([first, step, count])
                if *count > 1 && Some(t) == first.checked_add(*step * *count) =>
            {
                *count += 1;
            }
            _ => runs.push([t, 0, 1]),
        }
    }
    runs
}

/// Records, into `undo`, the values `diff` is about to overwrite in `state`.
fn record_undo(state: &State, diff: &StateDiff, undo: &mut StateDiff) {
    for (address, change) in &diff.accounts {
        let before = state.account(*address);
        let entry = undo.accounts.entry(*address).or_insert_with(|| {
            // An account that held only storage existed too: undoing must
            // not destroy it (and its other slots).
            AccountDiff {
                destroyed: !state.holds(*address),
                balance: before.balance,
                nonce: before.nonce,
                code: None,
                storage: Default::default(),
            }
        });
        if change.code.is_some() && entry.code.is_none() && !before.code.is_empty() {
            entry.code = Some(before.code.clone());
        }
        if change.destroyed {
            // Destruction clears every slot, not only those `diff` lists.
            for slot in state.storage_keys(*address) {
                entry
                    .storage
                    .entry(slot)
                    .or_insert_with(|| state.storage(*address, slot));
            }
        }
        for slot in change.storage.keys() {
            entry
                .storage
                .entry(*slot)
                .or_insert_with(|| state.storage(*address, *slot));
        }
    }
}

/// The EVM input of a transaction.
pub(crate) fn tx_input(e: &TxEnvelope, sender: Address) -> TxInput {
    TxInput {
        tx_type: e.tx_type() as u8,
        from: sender,
        to: e.to(),
        value: e.value(),
        data: e.input().clone(),
        gas_limit: e.gas_limit(),
        gas_price: e.max_fee_per_gas(),
        priority_fee: e.max_priority_fee_per_gas(),
        nonce: Some(e.nonce()),
        access_list: e
            .access_list()
            .map(|l| {
                l.iter()
                    .map(|i| (i.address, i.storage_keys.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        authorization_list: e
            .authorization_list()
            .map(<[_]>::to_vec)
            .unwrap_or_default(),
    }
}

fn mined_tx(tx: PoolTx, outcome: &Execution, cumulative: u64, base_fee: u128) -> MinedTx {
    let e = &tx.envelope;
    let effective_gas_price = match e.max_priority_fee_per_gas() {
        Some(tip) => e.max_fee_per_gas().min(base_fee + tip),
        None => e.max_fee_per_gas(),
    };
    MinedTx {
        envelope: tx.envelope,
        sender: tx.sender,
        hash: tx.hash,
        success: outcome.is_success(),
        gas_used: outcome.gas_used,
        cumulative_gas_used: cumulative,
        effective_gas_price,
        logs: outcome.logs.clone(),
        contract_address: outcome.created,
        revert: (outcome.status == Status::Revert).then(|| outcome.output.clone()),
    }
}

/// The consensus receipt of a mined transaction.
pub(crate) fn receipt_envelope(tx: &MinedTx) -> ReceiptEnvelope {
    let receipt = Receipt {
        status: tx.success.into(),
        cumulative_gas_used: tx.cumulative_gas_used,
        logs: tx.logs.clone(),
    };
    let with_bloom = ReceiptWithBloom::new(receipt.clone(), logs_bloom(tx.logs.iter()));
    match tx.envelope.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(with_bloom),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(with_bloom),
    }
}

/// Intrinsic gas of a transaction (EIP-2028 calldata, EIP-2930 lists,
/// EIP-3860 init code words).
pub(crate) fn intrinsic_gas(e: &TxEnvelope) -> u64 {
    let data = e.input();
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    let mut gas = 21_000 + zeros * 4 + nonzeros * 16;
    if e.to().is_none() {
        gas += 32_000 + 2 * (data.len() as u64).div_ceil(32);
    }
    if let Some(list) = e.access_list() {
        for item in list.iter() {
            gas += 2_400 + 1_900 * item.storage_keys.len() as u64;
        }
    }
    // EIP-7702: each authorization is charged as for a new account.
    gas += 25_000 * e.authorization_list().map_or(0, <[_]>::len) as u64;
    gas
}
