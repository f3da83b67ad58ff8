//! `snapshotState` / `revertToState`: the whole EVM state inside a running
//! test, saved and brought back. Logs already emitted are kept, as forge
//! keeps them; cheatcode settings (pranks, mocks, expectations) are not
//! part of the state.

use revm::context::{BlockEnv, JournalEntry, JournalInner};

/// A saved state.
#[derive(Debug, Clone)]
pub(super) struct Snapshot {
    pub(super) journal: JournalInner<JournalEntry>,
    pub(super) block: BlockEnv,
    pub(super) chain_id: u64,
}

/// Snapshots by id; ids are never reused within a test.
#[derive(Debug, Default)]
pub(super) struct Snapshots {
    saved: Vec<Option<Snapshot>>,
}

impl Snapshots {
    pub(super) fn save(&mut self, snapshot: Snapshot) -> usize {
        self.saved.push(Some(snapshot));
        self.saved.len() - 1
    }

    pub(super) fn get(&self, id: usize) -> Option<&Snapshot> {
        self.saved.get(id).and_then(Option::as_ref)
    }

    pub(super) fn delete(&mut self, id: usize) {
        if let Some(slot) = self.saved.get_mut(id) {
            *slot = None;
        }
    }
}
