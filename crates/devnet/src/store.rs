//! The durable log of a dev chain: one checksummed JSON record per line,
//! appended and synced before the node answers, plus an owner lock so only
//! one process writes a state directory at a time.

use std::{
    fs::{self, File, OpenOptions},
    io::{BufRead, BufReader, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
};

use fs4::fs_std::FileExt;

use crate::{DevnetError, Record, Result};

const MAGIC: &str = "slipway-devnet-log 1";
const LOG: &str = "chain.log";
const LOCK: &str = "owner.lock";

/// An open, locked state directory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    log: File,
    _lock: File,
    records: u64,
}

impl Store {
    /// Opens (creating if needed) the state in `dir`, takes the owner lock
    /// and reads every record. `owner` describes this process to anyone
    /// refused the lock (e.g. the URL it serves).
    pub fn open(dir: &Path, owner: &str) -> Result<(Self, Vec<Record>)> {
        fs::create_dir_all(dir).map_err(DevnetError::io("cannot create", dir))?;
        let lock_path = dir.join(LOCK);
        let mut lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(DevnetError::io("cannot open", &lock_path))?;
        if !lock.try_lock_exclusive().unwrap_or(false) {
            let holder = fs::read_to_string(&lock_path).unwrap_or_default();
            return Err(DevnetError::State(format!(
                "the dev chain in {} is in use by {}; stop that process, or reach the chain \
                 over its JSON-RPC URL instead of opening its files",
                dir.display(),
                if holder.trim().is_empty() {
                    "another process".to_owned()
                } else {
                    holder.trim().to_owned()
                }
            )));
        }
        lock.set_len(0)
            .map_err(DevnetError::io("cannot write", &lock_path))?;
        writeln!(lock, "process {} ({owner})", std::process::id())
            .map_err(DevnetError::io("cannot write", &lock_path))?;

        let path = dir.join(LOG);
        let records = if path.exists() {
            read_log(&path)?
        } else {
            Vec::new()
        };
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(DevnetError::io("cannot open", &path))?;
        if records.is_empty() && log.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
            writeln!(log, "{MAGIC}").map_err(DevnetError::io("cannot write", &path))?;
            log.sync_all()
                .map_err(DevnetError::io("cannot sync", &path))?;
        }
        let count = records.len() as u64;
        Ok((
            Self {
                dir: dir.to_path_buf(),
                log,
                _lock: lock,
                records: count,
            },
            records,
        ))
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends records (not yet synced). Returns the log length after them.
    pub fn append(&mut self, records: &[Record]) -> Result<u64> {
        if records.is_empty() {
            return Ok(self.records);
        }
        let mut buf = Vec::new();
        for record in records {
            let json = serde_json::to_vec(record)
                .map_err(|e| DevnetError::State(format!("cannot encode a record: {e}")))?;
            let crc = crc32fast::hash(&json);
            buf.extend_from_slice(format!("{crc:08x} ").as_bytes());
            buf.extend_from_slice(&json);
            buf.push(b'\n');
        }
        let path = self.dir.join(LOG);
        self.log
            .write_all(&buf)
            .map_err(DevnetError::io("cannot append to", &path))?;
        self.records += records.len() as u64;
        Ok(self.records)
    }

    /// A handle to sync the log from another thread (group commit).
    pub fn sync_handle(&self) -> Result<File> {
        self.log
            .try_clone()
            .map_err(DevnetError::io("cannot reopen", self.dir.join(LOG)))
    }

    /// Every record, read again from disk (for rollbacks).
    pub fn read_all(&self) -> Result<Vec<Record>> {
        read_log(&self.dir.join(LOG))
    }
}

/// Reads a log. A torn last line (a write cut short by a crash, never
/// acknowledged) is cut off; any other damage refuses the state untouched.
fn read_log(path: &Path) -> Result<Vec<Record>> {
    let file = File::open(path).map_err(DevnetError::io("cannot open", path))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut offset = 0u64;
    let n = reader
        .read_line(&mut line)
        .map_err(DevnetError::io("cannot read", path))?;
    if n == 0 {
        return Ok(Vec::new());
    }
    if line.trim_end() != MAGIC {
        return Err(DevnetError::State(format!(
            "{} is not a slipway dev chain log (its first line is not `{MAGIC}`); it was left untouched",
            path.display()
        )));
    }
    offset += n as u64;
    let mut records = Vec::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(DevnetError::io("cannot read", path))?;
        if n == 0 {
            return Ok(records);
        }
        let complete = line.ends_with('\n');
        match parse_line(line.trim_end_matches('\n')) {
            Ok(record) if complete => records.push(record),
            _ if offset + n as u64 == len && !complete => {
                tracing::warn!(
                    "{}: dropping an incomplete last record ({} bytes) left by an interrupted write",
                    path.display(),
                    n
                );
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(DevnetError::io("cannot open", path))?;
                file.set_len(offset)
                    .map_err(DevnetError::io("cannot truncate", path))?;
                file.sync_all()
                    .map_err(DevnetError::io("cannot sync", path))?;
                let _ = (&file).seek(SeekFrom::End(0));
                return Ok(records);
            }
            other => {
                let why = other.err().unwrap_or_else(|| "incomplete line".into());
                return Err(DevnetError::State(format!(
                    "{}: record {} (byte {offset}) is corrupt ({why}); the state was left \
                     untouched — move the directory away or start over with --fresh",
                    path.display(),
                    records.len() + 1
                )));
            }
        }
        offset += n as u64;
    }
}

fn parse_line(line: &str) -> Result<Record, String> {
    let (crc, json) = line.split_once(' ').ok_or("no checksum")?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| "bad checksum field")?;
    if crc32fast::hash(json.as_bytes()) != crc {
        return Err("checksum mismatch".into());
    }
    serde_json::from_str(json).map_err(|e| e.to_string())
}
