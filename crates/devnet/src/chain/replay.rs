//! The chain as records: each change applied and emitted for the durable
//! log, replay of a log (rewinds resolved first), runs of empty blocks.

use super::*;

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

/// Timestamps as `[first, step, count]` runs of evenly spaced ones.
pub(super) fn runs_of(timestamps: &[u64]) -> Vec<[u64; 3]> {
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
pub(super) fn record_undo(state: &State, diff: &StateDiff, undo: &mut StateDiff) {
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

impl Chain {
    /// Rebuilds a chain from its records (the first must be the genesis),
    /// applying each live record exactly once: the rewinds are resolved
    /// first (`live_records`), so snapshot/revert cycles cost one pass, not
    /// a replay of everything before each rewind.
    /// The records are taken, not copied.
    pub fn replay(records: Vec<ChainRecord>, accounts: Vec<DevAccount>) -> Result<Self> {
        Self::replay_on(records, accounts, None)
    }

    /// [`Chain::replay`] of a chain that may fork `upstream` (which must
    /// stand on the block its genesis names).
    pub fn replay_on(
        records: Vec<ChainRecord>,
        accounts: Vec<DevAccount>,
        upstream: Option<Arc<dyn Upstream>>,
    ) -> Result<Self> {
        let Some(ChainRecord::Genesis(genesis)) = records.first() else {
            return Err(DevnetError::Inconsistent {
                dir: None,
                problem: Inconsistency::NoGenesis,
            });
        };
        let live = live_records(&records)?;
        let mut chain = Self::new_on(genesis.clone(), accounts, upstream);
        chain.unsaved.clear();
        let count = records.len() as u64;
        let mut records: Vec<Option<ChainRecord>> = records.into_iter().map(Some).collect();
        for &i in live.iter().skip(1) {
            if let Some(record) = records.get_mut(i).and_then(Option::take) {
                chain.apply(record, false);
                chain.replayed += 1;
            }
        }
        chain.records = count;
        chain.unsaved.clear();
        chain.mined.clear();
        Ok(chain)
    }

    /// Records applied by the replay that built this chain (each live
    /// record once; rewinds and what they undid are not applied).
    pub fn replayed_records(&self) -> u64 {
        self.replayed
    }

    /// What the genesis changes: the dev accounts funded and the CREATE2
    /// deployers in place. On a fork, a dev account keeps its nonce and
    /// code there, and a deployer already there is left as it is (the
    /// remote is read at the pinned block, so a replay is the same).
    fn genesis_diff(&self, genesis: &GenesisSpec) -> StateDiff {
        let forked = genesis.fork.is_some();
        let mut diff = StateDiff::default();
        for (address, balance) in &genesis.alloc {
            let (nonce, code) = if forked {
                let there = self.state.account(*address);
                (there.nonce, (!there.code.is_empty()).then_some(there.code))
            } else {
                (0, None)
            };
            diff.accounts.insert(
                *address,
                AccountDiff {
                    balance: *balance,
                    nonce,
                    code,
                    ..Default::default()
                },
            );
        }
        for predeploy in PREDEPLOYS {
            if forked && !self.state.account(predeploy).code.is_empty() {
                continue;
            }
            diff.accounts.insert(
                predeploy,
                AccountDiff {
                    code: Some(CREATE2_DEPLOYER_CODE),
                    ..Default::default()
                },
            );
        }
        diff
    }

    /// Applies a record; `emit` also queues it for the durable log.
    pub(super) fn apply(&mut self, record: ChainRecord, emit: bool) {
        if emit {
            self.flush_empty();
        }
        match &record {
            ChainRecord::Genesis(g) => {
                let diff = self.genesis_diff(g);
                self.change_state(&diff);
                let base_fee = g
                    .fork
                    .as_ref()
                    .map_or(INITIAL_BASE_FEE, |f| f.block.base_fee);
                let header = self.header_template(None, g.timestamp, base_fee);
                // A fork's first block is the fork block, by its hash.
                let hash = g
                    .fork
                    .as_ref()
                    .map_or_else(|| header.hash_slow(), |f| f.block.hash);
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
    pub(super) fn change_state(&mut self, diff: &StateDiff) {
        if let Some(mut newest) = self.snapshots.last_entry() {
            record_undo(&self.state, diff, &mut newest.get_mut().undo);
        }
        self.state.apply(diff);
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

    /// Records a change already made to the live chain (emits it for the
    /// durable log without applying it again).
    pub(super) fn apply_live(&mut self, record: ChainRecord) {
        self.flush_empty();
        self.records += 1;
        self.unsaved.push(record);
    }

    /// Records the empty blocks mined since the last record, as one.
    pub(super) fn flush_empty(&mut self) {
        if self.unlogged_empty.is_empty() {
            return;
        }
        let runs = runs_of(&std::mem::take(&mut self.unlogged_empty));
        self.records += 1;
        self.unsaved.push(ChainRecord::EmptyBlocks(runs));
    }

    /// Appends an empty block (its state is its parent's).
    pub(super) fn push_empty(&mut self, timestamp: u64, base_fee: u64) {
        let number = self.head.header.number + 1;
        let header = match self.blocks.genesis() {
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

    /// Applies a state edit.
    pub fn edit(&mut self, diff: StateDiff) {
        self.apply(ChainRecord::Edit(diff), true);
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
}
