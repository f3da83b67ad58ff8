//! Snapshots (`evm_snapshot` / `evm_revert`) and impersonated accounts.

use super::*;

impl Chain {
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

    /// `evm_snapshot`. At most [`MAX_SNAPSHOTS`] are live at once.
    pub fn snapshot(&mut self) -> Result<u64> {
        if self.snapshots.len() >= MAX_SNAPSHOTS {
            return Err(DevnetError::Rejected(format!(
                "{MAX_SNAPSHOTS} snapshots are live, the most a chain keeps: evm_revert to an older one to free those after it"
            )));
        }
        self.flush_empty();
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        // The pool's changes since the previous snapshot are that one's;
        // the pool notes anew for this one.
        let before = self.pool.begin_snapshot();
        if let (Some(changes), Some(mut previous)) = (before, self.snapshots.last_entry()) {
            previous.get_mut().pool_undo = changes;
        }
        self.snapshots.insert(
            id,
            Snapshot {
                record: self.records - 1,
                undo: StateDiff::default(),
                blocks: self.blocks.len(),
                pool_undo: Vec::new(),
                clock: self.clock,
            },
        );
        Ok(id)
    }

    /// Pool changes the live snapshots hold (what they cost beyond the
    /// state's undo entries).
    pub fn snapshot_pool_changes(&self) -> usize {
        self.pool.noted()
            + self
                .snapshots
                .values()
                .map(|s| s.pool_undo.len())
                .sum::<usize>()
    }

    /// `evm_revert`: back to a snapshot (it and later ones are used up).
    pub fn revert(&mut self, id: u64) -> bool {
        if !self.snapshots.contains_key(&id) {
            return false;
        }
        self.flush_empty();
        // Newest first: each undo is relative to the snapshot after it.
        let mut snap = None;
        let mut newest = true;
        while let Some((at, mut newer)) = self.snapshots.pop_last() {
            self.state.apply(&newer.undo);
            let changes = if newest {
                self.pool.take_noted()
            } else {
                std::mem::take(&mut newer.pool_undo)
            };
            newest = false;
            self.pool.undo_changes(changes);
            if at == id {
                snap = Some(newer);
                break;
            }
        }
        let Some(snap) = snap else {
            return false;
        };
        // The snapshot below, if any, is the newest again: the pool goes on
        // noting its changes.
        let resume = self
            .snapshots
            .last_entry()
            .map(|mut below| std::mem::take(&mut below.get_mut().pool_undo));
        self.pool.resume_noting(resume);
        for block in self.blocks.truncate(snap.blocks) {
            for tx in &block.transactions {
                self.tx_index.remove(&tx.hash);
            }
        }
        self.head = self
            .blocks
            .get(self.blocks.newest())
            .map(Cow::into_owned)
            .unwrap_or_else(|| self.head.clone());
        self.clock = snap.clock;
        self.apply(
            ChainRecord::Rewind {
                to_record: snap.record,
            },
            true,
        );
        true
    }
}
