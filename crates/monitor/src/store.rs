//! The monitor's state on disk, under `.slipway/env/<env>/monitor/`: the
//! cursor (the next block to read, the hashes of the last blocks read for
//! reorg detection, the recent alerts' blocks, cooldowns and rate windows)
//! in one JSON file replaced by rename after every block range, so its
//! size — and the monitor's memory — stays flat however many blocks pass;
//! and the outbox, one file per alert by dedup key, removed once every
//! sink has it. An alert is in the outbox before the cursor passes its
//! block, so a crash anywhere loses none: it may be sent again, always
//! with the same key.

use std::{
    collections::{BTreeMap, VecDeque},
    io::Write,
    path::{Path, PathBuf},
};

use alloy_primitives::B256;
use serde::{Deserialize, Serialize};

use crate::{Alert, MonitorError};

/// How many recent blocks' hashes (and alerts) are kept for reorg checks.
pub const REORG_WINDOW: usize = 128;

/// Where the monitor of `env` keeps its state under the project at `root`.
pub fn state_dir(root: &Path, env: &str) -> PathBuf {
    slipway_config::state::monitor_dir(root, env)
}

/// The cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The chain it follows: id and genesis hash (another chain's cursor is
    /// set aside, never trusted).
    pub chain_id: u64,
    /// The genesis block's hash.
    pub genesis: B256,
    /// The next block to read.
    pub next: u64,
    /// The last blocks read (number, hash), oldest first, at most
    /// [`REORG_WINDOW`].
    pub recent: VecDeque<(u64, B256)>,
    /// Alerts raised from recent blocks: (block, block hash, alert), for
    /// retraction when a reorg drops their block.
    pub recent_alerts: VecDeque<(u64, B256, Alert)>,
    /// Rule (and contract) → until when it is cooling down.
    pub cooldowns: BTreeMap<String, u64>,
    /// Rule → the times of its recent matches (bounded by its rate).
    pub rates: BTreeMap<String, VecDeque<u64>>,
}

impl Cursor {
    /// Notes that block `number` with `hash` was read.
    pub fn read_block(&mut self, number: u64, hash: B256) {
        self.recent.push_back((number, hash));
        while self.recent.len() > REORG_WINDOW {
            self.recent.pop_front();
        }
        self.next = number + 1;
    }

    /// Notes an alert from a block.
    pub fn alerted(&mut self, alert: &Alert) {
        if let (Some(block), Some(hash)) = (alert.block, alert.block_hash) {
            self.recent_alerts.push_back((block, hash, alert.clone()));
        }
        let oldest = self.recent.front().map_or(0, |(n, _)| *n);
        while self
            .recent_alerts
            .front()
            .is_some_and(|(block, _, _)| *block < oldest)
            || self.recent_alerts.len() > REORG_WINDOW * 4
        {
            self.recent_alerts.pop_front();
        }
    }
}

/// The state directory of one monitor replica.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> MonitorError {
    let path = path.to_path_buf();
    move |source| MonitorError::State { what, path, source }
}

/// Writes `bytes` to `path` whole: a temporary file, synced, then renamed
/// over it.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), MonitorError> {
    let temp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&temp).map_err(io("cannot write", &temp))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io("cannot write", &temp))?;
    std::fs::rename(&temp, path).map_err(io("cannot replace", path))?;
    if let Some(dir) = path.parent()
        && let Ok(dir) = std::fs::File::open(dir)
    {
        // The rename itself made durable.
        let _ = dir.sync_all();
    }
    Ok(())
}

impl Store {
    /// The state at `dir`, created if needed.
    pub fn open(dir: &Path) -> Result<Self, MonitorError> {
        std::fs::create_dir_all(dir.join("outbox")).map_err(io("cannot create", dir))?;
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn cursor_path(&self) -> PathBuf {
        self.dir.join("cursor.json")
    }

    /// The cursor, if one was saved.
    pub fn cursor(&self) -> Result<Option<Cursor>, MonitorError> {
        let path = self.cursor_path();
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| MonitorError::Damaged {
                        path,
                        reason: e.to_string(),
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("cannot read", &path)(e)),
        }
    }

    /// Saves `cursor` whole.
    pub fn save_cursor(&self, cursor: &Cursor) -> Result<(), MonitorError> {
        let bytes = serde_json::to_vec(cursor).map_err(|e| MonitorError::Damaged {
            path: self.cursor_path(),
            reason: e.to_string(),
        })?;
        replace(&self.cursor_path(), &bytes)
    }

    /// Moves a cursor of another chain aside (`cursor.json.<chain>.old`).
    pub fn set_aside(&self, cursor: &Cursor) -> Result<PathBuf, MonitorError> {
        let aside = self
            .dir
            .join(format!("cursor.json.{}.old", cursor.chain_id));
        std::fs::rename(self.cursor_path(), &aside).map_err(io("cannot move", &aside))?;
        Ok(aside)
    }

    /// Puts `alert` in the outbox (replacing one with the same key).
    pub fn enqueue(&self, alert: &Alert) -> Result<(), MonitorError> {
        let path = self
            .dir
            .join("outbox")
            .join(format!("{}.json", alert.file_stem()));
        let bytes = serde_json::to_vec(alert).map_err(|e| MonitorError::Damaged {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        replace(&path, &bytes)
    }

    /// The alerts waiting in the outbox, oldest first.
    pub fn pending(&self) -> Result<Vec<Alert>, MonitorError> {
        let dir = self.dir.join("outbox");
        let mut alerts = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(io("cannot read", &dir))? {
            let path = entry.map_err(io("cannot read", &dir))?.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(io("cannot read", &path))?;
            match serde_json::from_slice::<Alert>(&bytes) {
                Ok(alert) => alerts.push(alert),
                Err(e) => tracing::warn!("{}: not an alert ({e}); left in place", path.display()),
            }
        }
        alerts.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
        Ok(alerts)
    }

    /// Removes `alert` from the outbox: every sink has it.
    pub fn delivered(&self, alert: &Alert) -> Result<(), MonitorError> {
        let path = self
            .dir
            .join("outbox")
            .join(format!("{}.json", alert.file_stem()));
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(io("cannot remove", &path)(e))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slipway_config::LintSeverity;

    fn alert(key: &str, block: u64) -> Alert {
        Alert {
            key: key.into(),
            name: "r".into(),
            severity: LintSeverity::High,
            summary: "s".into(),
            env: "e".into(),
            contract: None,
            block: Some(block),
            block_hash: Some(B256::repeat_byte(block as u8)),
            tx: None,
            at: block,
            retracted: false,
        }
    }

    #[test]
    fn the_cursor_keeps_a_bounded_window() {
        let mut cursor = Cursor::default();
        for n in 0..1000u64 {
            cursor.read_block(n, B256::repeat_byte((n % 250) as u8));
            cursor.alerted(&alert(&n.to_string(), n));
        }
        assert_eq!(cursor.next, 1000);
        assert_eq!(cursor.recent.len(), REORG_WINDOW);
        assert!(cursor.recent_alerts.len() <= REORG_WINDOW);
        assert_eq!(
            cursor.recent.front().map(|r| r.0),
            Some(1000 - REORG_WINDOW as u64)
        );
    }

    #[test]
    fn the_outbox_keeps_one_alert_per_key_until_delivered() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(dir.path()).expect("store");
        store.enqueue(&alert("a", 1)).expect("enqueue");
        store.enqueue(&alert("a", 1)).expect("again");
        store.enqueue(&alert("b", 2)).expect("enqueue");
        let pending = store.pending().expect("pending");
        assert_eq!(
            pending.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        store.delivered(&pending[0]).expect("delivered");
        assert_eq!(store.pending().expect("pending").len(), 1);
        let mut cursor = Cursor {
            chain_id: 1,
            ..Cursor::default()
        };
        cursor.read_block(7, B256::ZERO);
        store.save_cursor(&cursor).expect("save");
        assert_eq!(store.cursor().expect("read"), Some(cursor));
    }
}
