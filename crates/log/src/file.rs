//! The log file: checksummed, chained JSON lines, appended; a torn tail
//! cut in place; a head marker that shows whole records lost.

use crate::error::open_no_follow;
use std::{
    fs::{File, OpenOptions},
    io::{BufRead, BufReader, Write},
    marker::PhantomData,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use serde::{Serialize, de::DeserializeOwned};

use crate::{
    LogError,
    head::{self, Head},
    line::{self, Refused, Tip},
};

/// Test hook: a process opening a log with a torn tail aborts just before
/// (`before`) or just after (`after`) cutting it, as a crash there would.
pub const FAILPOINT_CUT_VAR: &str = "SLIPWAY_FAILPOINT_LOG_CUT";

/// The shape of a log file.
#[derive(Clone, Copy, Debug)]
pub struct Format {
    /// What the file is, for errors (`slipway dev chain log`).
    pub what: &'static str,
    /// A first line the file must start with, if any.
    pub magic: Option<&'static str>,
    /// Also accept lines of bare JSON, without a checksum (files written
    /// before checksums were added).
    pub legacy_json: bool,
}

impl Format {
    /// The 1-based line of the record at `index`.
    pub fn line_of(&self, index: usize) -> usize {
        index + 1 + usize::from(self.magic.is_some())
    }
}

/// What opening a log had to repair at its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repair {
    /// A last line a crash cut short (never acknowledged) was removed.
    CutTornLine {
        /// Bytes removed.
        bytes: u64,
    },
    /// The last record had lost only its newline; its checksum holds, so
    /// it was kept and the newline restored.
    RestoredNewline,
}

/// A log opened for appending, with what it held.
#[derive(Debug)]
pub struct Opened<R> {
    /// The log.
    pub log: Log<R>,
    /// Its records, in order.
    pub records: Vec<R>,
    /// What was repaired at its end, if anything.
    pub repair: Option<Repair>,
}

/// An append-only log of records `R`.
#[derive(Debug)]
pub struct Log<R> {
    path: PathBuf,
    file: File,
    /// Shared with sync handles: what a sync that starts now covers.
    tip: Arc<Mutex<Tip>>,
    head: Head,
    _records: PhantomData<fn() -> R>,
}

/// A handle that makes appends durable, usable from another thread while
/// the log keeps appending (group commit: one `fsync` covers every append
/// made before it began).
#[derive(Debug)]
pub struct SyncHandle {
    file: File,
    path: PathBuf,
    tip: Arc<Mutex<Tip>>,
    head: Head,
}

impl SyncHandle {
    /// Makes every append so far durable, then names the last of them in
    /// the head marker.
    pub fn sync(&self) -> Result<(), LogError> {
        sync_and_mark(&self.file, &self.path, &self.tip, &self.head)
    }
}

/// Group commit: makes every append made before it began durable, then
/// names the last of them in the head marker (never before the sync).
fn sync_and_mark(file: &File, path: &Path, tip: &Mutex<Tip>, head: &Head) -> Result<(), LogError> {
    let tip = *lock(tip);
    file.sync_data()
        .map_err(LogError::io("cannot sync", path))?;
    head.write(tip)
}

fn lock(tip: &Mutex<Tip>) -> std::sync::MutexGuard<'_, Tip> {
    // A panic elsewhere cannot leave a `Tip` half-written: it is `Copy`.
    tip.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Scan<R> {
    records: Vec<R>,
    tip: Tip,
    /// Offset where a torn last line starts, and the file's length.
    torn: Option<(u64, u64)>,
    /// The last record has no newline (its checksum holds).
    missing_newline: bool,
    /// The hash of the record the head marker names, once read.
    at_head: Option<u32>,
}

/// Reads every record at `path` (absent: `None`), checking each line's
/// checksum and place in the chain, and noting the hash of record
/// `head.records - 1` to check the head marker against.
fn scan<R>(
    path: &Path,
    format: &Format,
    head: Option<Tip>,
    body: fn(&str) -> Result<R, line::Refused>,
) -> Result<Option<Scan<R>>, LogError> {
    let file = match open_no_follow(OpenOptions::new().read(true), path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(LogError::Io {
                action: "cannot open",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let len = file
        .metadata()
        .map_err(LogError::io("cannot read", path))?
        .len();
    let mut reader = BufReader::new(file);
    let mut buf = Vec::new();
    let mut offset = 0u64;
    let mut line_no = 0usize;
    let mut chained = false;
    let mut scan = Scan {
        records: Vec::new(),
        tip: Tip::default(),
        torn: None,
        missing_newline: false,
        at_head: None,
    };
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(LogError::io("cannot read", path))? as u64;
        if n == 0 {
            return Ok(Some(scan));
        }
        line_no += 1;
        let complete = buf.ends_with(b"\n");
        let last = offset + n == len;
        let text = std::str::from_utf8(&buf).map(|t| t.trim_end_matches('\n'));
        if line_no == 1
            && let Some(magic) = format.magic
        {
            if text.ok() != Some(magic) {
                if last && !complete && text.is_ok_and(|t| magic.starts_with(t)) {
                    // The header itself was torn: nothing was ever logged.
                    scan.torn = Some((0, len));
                    return Ok(Some(scan));
                }
                return Err(LogError::NotALog {
                    path: path.to_path_buf(),
                    what: format.what,
                    magic,
                });
            }
            offset += n;
            continue;
        }
        let parsed = match text {
            Ok(text) => line::parse::<R>(text, scan.tip, chained, format, body),
            Err(_) => Err(Refused::Damaged("not UTF-8".to_owned())),
        };
        match parsed {
            Ok(parsed) => {
                if !complete {
                    scan.missing_newline = true;
                }
                chained = parsed.chained;
                scan.tip = Tip {
                    records: scan.tip.records + 1,
                    hash: parsed.hash,
                };
                scan.records.push(parsed.record);
                if head.is_some_and(|h| h.records == scan.tip.records) {
                    scan.at_head = Some(parsed.hash);
                }
            }
            Err(Refused::Damaged(_)) if last && !complete => {
                scan.torn = Some((offset, len));
                return Ok(Some(scan));
            }
            Err(Refused::Damaged(reason) | Refused::OutOfChain(reason)) => {
                return Err(LogError::Corrupt {
                    path: path.to_path_buf(),
                    line: line_no,
                    offset,
                    reason,
                });
            }
        }
        offset += n;
    }
}

/// [`scan`], with the records' JSON parsed on every core: the lines are
/// checked in order first (checksums, sequence, chain), their bodies kept
/// as text, then parsed together. A body that is not a record sends the
/// log through the line-by-line scan, which judges it as it always has
/// (a torn last line, or a damaged log).
fn scan_parallel<R: DeserializeOwned + Send>(
    path: &Path,
    format: &Format,
    head: Option<Tip>,
) -> Result<Option<Scan<R>>, LogError> {
    use rayon::prelude::*;

    let Some(checked) = scan(path, format, head, line::unparsed)? else {
        return Ok(None);
    };
    let parsed: Result<Vec<R>, serde_json::Error> = checked
        .records
        .into_par_iter()
        .map(|text| serde_json::from_str(&text))
        .collect();
    match parsed {
        Ok(records) => Ok(Some(Scan {
            records,
            tip: checked.tip,
            torn: checked.torn,
            missing_newline: checked.missing_newline,
            at_head: checked.at_head,
        })),
        Err(_) => scan(path, format, head, line::json),
    }
}

/// Refuses a log that holds fewer records than its head marker names as
/// durable, or whose last durable record is not the one named.
fn check_head<R>(path: &Path, scan: &Scan<R>, head: Option<Tip>) -> Result<(), LogError> {
    let Some(head) = head else {
        return Ok(());
    };
    let head_path = head::path_of(path);
    if head.records > scan.tip.records {
        return Err(LogError::Lost {
            path: path.to_path_buf(),
            head: head_path,
            committed: head.records,
            found: scan.tip.records,
        });
    }
    if head.records > 0 && scan.at_head != Some(head.hash) {
        return Err(LogError::Corrupt {
            path: path.to_path_buf(),
            line: usize::try_from(head.records).unwrap_or(usize::MAX),
            offset: 0,
            reason: format!(
                "record {} is not the one the head marker {} names as the last made durable: the log was rewritten",
                head.records - 1,
                head_path.display()
            ),
        });
    }
    Ok(())
}

fn failpoint(at: &str) {
    if std::env::var(FAILPOINT_CUT_VAR).is_ok_and(|v| v == at) {
        std::process::abort();
    }
}

/// `result`, where a file found absent counts as done.
fn unless_absent(
    result: std::io::Result<()>,
    action: &'static str,
    path: &Path,
) -> Result<(), LogError> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(LogError::io(action, path)(e)),
        _ => Ok(()),
    }
}

/// Reads the head marker and the records of the log at `path`, and
/// checks them against each other.
fn scan_checked<R: DeserializeOwned + Send>(
    path: &Path,
    format: &Format,
) -> Result<Option<Scan<R>>, LogError> {
    let head = head::read(&head::path_of(path))?;
    let scanned = scan_parallel(path, format, head)?;
    match &scanned {
        Some(scan) => check_head(path, scan, head)?,
        None if head.is_some_and(|h| h.records > 0) => {
            return Err(LogError::Lost {
                path: path.to_path_buf(),
                head: head::path_of(path),
                committed: head.map_or(0, |h| h.records),
                found: 0,
            });
        }
        None => {}
    }
    Ok(scanned)
}

impl<R: Serialize + DeserializeOwned + Send> Log<R> {
    /// Reads the records at `path` without opening it for writing (absent:
    /// none). A torn last line is skipped, not cut: that is for the writer.
    pub fn read(path: &Path, format: &Format) -> Result<Vec<R>, LogError> {
        Ok(scan_checked(path, format)?
            .map(|s| s.records)
            .unwrap_or_default())
    }

    /// Removes the log at `path` and its head marker (the marker first, so
    /// a crash in between leaves a log without a marker, which reads).
    pub fn remove(path: &Path) -> Result<(), LogError> {
        for file in [head::path_of(path), path.to_path_buf()] {
            unless_absent(std::fs::remove_file(&file), "cannot remove", &file)?;
        }
        Ok(())
    }

    /// Moves the log at `path` and its head marker to `to` (the marker
    /// first, so a crash in between leaves a log without a marker, which
    /// reads). An absent log is not an error.
    pub fn move_to(path: &Path, to: &Path) -> Result<(), LogError> {
        for (from, to) in [
            (head::path_of(path), head::path_of(to)),
            (path.to_path_buf(), to.to_path_buf()),
        ] {
            unless_absent(std::fs::rename(&from, &to), "cannot move", &from)?;
        }
        Ok(())
    }

    /// Opens the log at `path` for appending, creating it (and its
    /// directory) if needed, and reads its records. A torn last line is cut
    /// in place; a last record without its newline gets it back. Any other
    /// damage — a line whose checksum fails, a record out of sequence or
    /// not following the one before, fewer records than the head marker
    /// names — is an error and leaves the file untouched. The caller holds
    /// the lock that makes it the only writer.
    pub fn open(path: &Path, format: &Format) -> Result<Opened<R>, LogError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(LogError::io("cannot create", dir))?;
        }
        let scanned = scan_checked::<R>(path, format)?;
        let mut file = open_no_follow(OpenOptions::new().create(true).append(true), path)
            .map_err(LogError::io("cannot open", path))?;
        let mut repair = None;
        let mut tip = Tip::default();
        let records = match scanned {
            Some(scan) => {
                if let Some((offset, len)) = scan.torn {
                    failpoint("before");
                    file.set_len(offset)
                        .map_err(LogError::io("cannot cut the torn last line of", path))?;
                    failpoint("after");
                    tracing::warn!(
                        "{}: removed an incomplete last line ({} bytes) left by an interrupted write",
                        path.display(),
                        len - offset
                    );
                    repair = Some(Repair::CutTornLine {
                        bytes: len - offset,
                    });
                } else if scan.missing_newline {
                    file.write_all(b"\n")
                        .map_err(LogError::io("cannot write", path))?;
                    tracing::warn!(
                        "{}: the last record had lost its newline; its checksum holds, so it was kept",
                        path.display()
                    );
                    repair = Some(Repair::RestoredNewline);
                }
                tip = scan.tip;
                scan.records
            }
            None => Vec::new(),
        };
        let empty = file
            .metadata()
            .map_err(LogError::io("cannot read", path))?
            .len()
            == 0;
        if empty && let Some(magic) = format.magic {
            writeln!(file, "{magic}").map_err(LogError::io("cannot write", path))?;
        }
        // What was read may sit unsynced in the page cache (its writer was
        // killed before syncing): make it durable before the marker names it.
        file.sync_all().map_err(LogError::io("cannot sync", path))?;
        let head = Head::open(&head::path_of(path))?;
        head.write(tip)?;
        Ok(Opened {
            log: Self {
                path: path.to_path_buf(),
                file,
                tip: Arc::new(Mutex::new(tip)),
                head,
                _records: PhantomData,
            },
            records,
            repair,
        })
    }

    /// Appends `records` (written, not yet durable: see [`Self::sync`] and
    /// [`SyncHandle`]). Returns how many records the log holds after them.
    pub fn append(&mut self, records: &[R]) -> Result<u64, LogError> {
        let mut tip = *lock(&self.tip);
        if records.is_empty() {
            return Ok(tip.records);
        }
        let mut buf = Vec::new();
        for record in records {
            tip.hash = line::encode(record, tip, &mut buf).map_err(|source| LogError::Encode {
                path: self.path.clone(),
                source,
            })?;
            tip.records += 1;
        }
        self.file
            .write_all(&buf)
            .map_err(LogError::io("cannot append to", &self.path))?;
        *lock(&self.tip) = tip;
        Ok(tip.records)
    }

    /// Appends one record and makes it durable before returning.
    pub fn append_durable(&mut self, record: &R) -> Result<u64, LogError> {
        let count = self.append(std::slice::from_ref(record))?;
        self.sync()?;
        Ok(count)
    }

    /// Makes every append so far durable, then names the last of them in
    /// the head marker.
    pub fn sync(&self) -> Result<(), LogError> {
        sync_and_mark(&self.file, &self.path, &self.tip, &self.head)
    }

    /// A handle to make appends durable from another thread.
    pub fn sync_handle(&self) -> Result<SyncHandle, LogError> {
        Ok(SyncHandle {
            file: self
                .file
                .try_clone()
                .map_err(LogError::io("cannot reopen", &self.path))?,
            path: self.path.clone(),
            tip: Arc::clone(&self.tip),
            head: self.head.try_clone()?,
        })
    }

    /// Every record, read again from disk.
    pub fn read_all(&self, format: &Format) -> Result<Vec<R>, LogError> {
        Self::read(&self.path, format)
    }

    /// Records appended so far (read at open plus appended since).
    pub fn len(&self) -> u64 {
        lock(&self.tip).records
    }

    /// Whether the log holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its head marker (`<file>.head`).
    pub fn head_path(&self) -> PathBuf {
        head::path_of(&self.path)
    }
}
