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
}
