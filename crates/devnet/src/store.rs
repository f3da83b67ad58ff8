//! The durable state of a dev chain: its records in an append-only log
//! (`chain.log`, slipway-log's checksummed lines, synced before the node
//! answers) under an owner lock (`owner.lock`), so only one process writes
//! a state directory at a time and the others learn which one.

use std::path::{Path, PathBuf};

use slipway_log::{Format, Holder, Log, Owner, OwnerLock, SyncHandle};

use crate::{ChainRecord, Result};

const FORMAT: Format = Format {
    what: "slipway dev chain log",
    magic: Some("slipway-devnet-log 1"),
    legacy_json: false,
};
const LOG: &str = "chain.log";
/// The owner lock's file in a state directory.
pub const LOCK_FILE: &str = "owner.lock";

/// An open, locked state directory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    log: Log<ChainRecord>,
    lock: OwnerLock,
    owner: Owner,
}

impl Store {
    /// Takes the owner lock of `dir` (creating it if needed), then — with
    /// `fresh` — discards the chain kept there, and reads every record.
    /// The lock comes first, so `--fresh` can never delete the chain of a
    /// node that is running on it.
    pub fn open(dir: &Path, owner: &Owner, fresh: bool) -> Result<(Self, Vec<ChainRecord>)> {
        let lock = OwnerLock::acquire(&dir.join(LOCK_FILE), dir, owner)?;
        let path = dir.join(LOG);
        if fresh {
            Log::<ChainRecord>::remove(&path)?;
        }
        let opened = Log::open(&path, &FORMAT)?;
        Ok((
            Self {
                dir: dir.to_path_buf(),
                log: opened.log,
                lock,
                owner: owner.clone(),
            },
            opened.records,
        ))
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records the URL the chain is served on in the owner record, so
    /// that other commands reach it there.
    pub fn set_url(&mut self, url: &str) -> Result<()> {
        self.owner.url = Some(url.to_owned());
        Ok(self.lock.record(&self.owner)?)
    }

    /// Appends records (not yet synced). Returns the log length after them.
    /// Nothing is written once the owner lock's file is gone or replaced:
    /// another process may hold a lock of its own on this chain by then.
    pub fn append(&mut self, records: &[ChainRecord]) -> Result<u64> {
        self.lock.check()?;
        Ok(self.log.append(records)?)
    }

    /// Discards every record: the chain starts over (a reset onto another
    /// fork). The owner lock stays held throughout.
    pub fn start_over(&mut self) -> Result<()> {
        self.lock.check()?;
        let path = self.dir.join(LOG);
        Log::<ChainRecord>::remove(&path)?;
        self.log = Log::open(&path, &FORMAT)?.log;
        Ok(())
    }

    /// A handle to sync the log from another thread (group commit).
    pub fn sync_handle(&self) -> Result<SyncHandle> {
        Ok(self.log.sync_handle()?)
    }

    /// Every record, read again from disk (for rollbacks).
    pub fn read_all(&self) -> Result<Vec<ChainRecord>> {
        Ok(self.log.read_all(&FORMAT)?)
    }
}

/// Who holds the state directory `dir`, if anyone: a running `slipway
/// node` records its URL, PID and chain there.
pub fn holder(dir: &Path) -> Result<Holder> {
    Ok(OwnerLock::holder(&dir.join(LOCK_FILE))?)
}
