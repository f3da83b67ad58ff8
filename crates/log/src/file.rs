//! The log file: checksummed JSON lines, appended; a torn tail cut in place.

use std::{
    fs::{File, OpenOptions},
    io::{BufRead, BufReader, Write},
    marker::PhantomData,
    path::{Path, PathBuf},
};

use serde::{Serialize, de::DeserializeOwned};

use crate::LogError;

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
    records: u64,
    _records: PhantomData<fn() -> R>,
}

/// A handle that makes appends durable, usable from another thread while
/// the log keeps appending (group commit: one `fsync` covers every append
/// made before it began).
#[derive(Debug)]
pub struct SyncHandle {
    file: File,
    path: PathBuf,
}

impl SyncHandle {
    /// Makes every append so far durable.
    pub fn sync(&self) -> Result<(), LogError> {
        self.file
            .sync_data()
            .map_err(LogError::io("cannot sync", &self.path))
    }
}

/// One line read: a record, or the torn or newline-less end.
enum Line<R> {
    Record(R),
    Torn,
}

struct Scan<R> {
    records: Vec<R>,
    /// Offset where a torn last line starts, and the file's length.
    torn: Option<(u64, u64)>,
    /// The last record has no newline (its checksum holds).
    missing_newline: bool,
}

fn encode<R: Serialize>(record: &R, path: &Path, out: &mut Vec<u8>) -> Result<(), LogError> {
    let json = serde_json::to_vec(record).map_err(|source| LogError::Encode {
        path: path.to_path_buf(),
        source,
    })?;
    out.extend_from_slice(format!("{:08x} ", crc32fast::hash(&json)).as_bytes());
    out.extend_from_slice(&json);
    out.push(b'\n');
    Ok(())
}

fn parse<R: DeserializeOwned>(line: &str, format: &Format) -> Result<R, String> {
    if format.legacy_json && line.starts_with('{') {
        return serde_json::from_str(line).map_err(|e| format!("not a record ({e})"));
    }
    let (crc, json) = line.split_once(' ').ok_or("no checksum")?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| "bad checksum field")?;
    if crc32fast::hash(json.as_bytes()) != crc {
        return Err("checksum mismatch".into());
    }
    serde_json::from_str(json).map_err(|e| format!("not a record ({e})"))
}

fn scan<R: DeserializeOwned>(path: &Path, format: &Format) -> Result<Option<Scan<R>>, LogError> {
    let file = match File::open(path) {
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
    let mut scan = Scan {
        records: Vec::new(),
        torn: None,
        missing_newline: false,
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
            Ok(text) => parse::<R>(text, format),
            Err(_) => Err("not UTF-8".to_owned()),
        };
        let line = match parsed {
            Ok(record) => {
                if !complete {
                    scan.missing_newline = true;
                }
                Line::Record(record)
            }
            Err(_) if last && !complete => Line::Torn,
            Err(reason) => {
                return Err(LogError::Corrupt {
                    path: path.to_path_buf(),
                    line: line_no,
                    offset,
                    reason,
                });
            }
        };
        match line {
            Line::Record(record) => scan.records.push(record),
            Line::Torn => {
                scan.torn = Some((offset, len));
                return Ok(Some(scan));
            }
        }
        offset += n;
    }
}

fn failpoint(at: &str) {
    if std::env::var(FAILPOINT_CUT_VAR).is_ok_and(|v| v == at) {
        std::process::abort();
    }
}

impl<R: Serialize + DeserializeOwned> Log<R> {
    /// Reads the records at `path` without opening it for writing (absent:
    /// none). A torn last line is skipped, not cut: that is for the writer.
    pub fn read(path: &Path, format: &Format) -> Result<Vec<R>, LogError> {
        Ok(scan(path, format)?.map(|s| s.records).unwrap_or_default())
    }

    /// Opens the log at `path` for appending, creating it (and its
    /// directory) if needed, and reads its records. A torn last line is cut
    /// in place; a last record without its newline gets it back. Any other
    /// damage is an error and leaves the file untouched. The caller holds
    /// the lock that makes it the only writer.
    pub fn open(path: &Path, format: &Format) -> Result<Opened<R>, LogError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(LogError::io("cannot create", dir))?;
        }
        let scanned = scan::<R>(path, format)?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(LogError::io("cannot open", path))?;
        let mut repair = None;
        let records = match scanned {
            Some(scan) => {
                if let Some((offset, len)) = scan.torn {
                    failpoint("before");
                    file.set_len(offset)
                        .map_err(LogError::io("cannot cut the torn last line of", path))?;
                    failpoint("after");
                    file.sync_all().map_err(LogError::io("cannot sync", path))?;
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
                        .and_then(|()| file.sync_data())
                        .map_err(LogError::io("cannot write", path))?;
                    tracing::warn!(
                        "{}: the last record had lost its newline; its checksum holds, so it was kept",
                        path.display()
                    );
                    repair = Some(Repair::RestoredNewline);
                }
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
            writeln!(file, "{magic}")
                .and_then(|()| file.sync_all())
                .map_err(LogError::io("cannot write", path))?;
        }
        let count = records.len() as u64;
        Ok(Opened {
            log: Self {
                path: path.to_path_buf(),
                file,
                records: count,
                _records: PhantomData,
            },
            records,
            repair,
        })
    }

    /// Appends `records` (written, not yet durable: see [`Self::sync`] and
    /// [`SyncHandle`]). Returns how many records the log holds after them.
    pub fn append(&mut self, records: &[R]) -> Result<u64, LogError> {
        if records.is_empty() {
            return Ok(self.records);
        }
        let mut buf = Vec::new();
        for record in records {
            encode(record, &self.path, &mut buf)?;
        }
        self.file
            .write_all(&buf)
            .map_err(LogError::io("cannot append to", &self.path))?;
        self.records += records.len() as u64;
        Ok(self.records)
    }

    /// Appends one record and makes it durable before returning.
    pub fn append_durable(&mut self, record: &R) -> Result<u64, LogError> {
        let count = self.append(std::slice::from_ref(record))?;
        self.sync()?;
        Ok(count)
    }

    /// Makes every append so far durable.
    pub fn sync(&self) -> Result<(), LogError> {
        self.file
            .sync_data()
            .map_err(LogError::io("cannot sync", &self.path))
    }

    /// A handle to make appends durable from another thread.
    pub fn sync_handle(&self) -> Result<SyncHandle, LogError> {
        Ok(SyncHandle {
            file: self
                .file
                .try_clone()
                .map_err(LogError::io("cannot reopen", &self.path))?,
            path: self.path.clone(),
        })
    }

    /// Every record, read again from disk.
    pub fn read_all(&self, format: &Format) -> Result<Vec<R>, LogError> {
        Self::read(&self.path, format)
    }

    /// Records appended so far (read at open plus appended since).
    pub fn len(&self) -> u64 {
        self.records
    }

    /// Whether the log holds no record.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
