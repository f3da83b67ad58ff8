//! The head marker: a small file beside the log (`<log>.head`) naming the
//! last record an `fsync` made durable — how many records, and the last
//! one's hash. It is rewritten in place after each sync, so a log that
//! lost whole records from its end (a cut at a line boundary, which no
//! checksum can see) is refused instead of served short.
//!
//! The marker is written only after the log's sync returned, so what it
//! names is always durable; it is not synced itself, so after a power
//! loss it may name an earlier record — it is a lower bound, never ahead.

use crate::error::open_no_follow;
use std::{
    fs::{File, OpenOptions},
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
};

use crate::{LogError, line::Tip};

const MAGIC: &str = "slipway-log-head";

/// The head file of the log at `log`.
pub(crate) fn path_of(log: &Path) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(".head");
    log.with_file_name(name)
}

fn encode(tip: Tip) -> String {
    let body = format!("{:020} {:08x}", tip.records, tip.hash);
    format!("{MAGIC} {body} {:08x}\n", crc32fast::hash(body.as_bytes()))
}

/// Reads the marker at `path` (absent: none).
pub(crate) fn read(path: &Path) -> Result<Option<Tip>, LogError> {
    let read = |path: &Path| -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut open_no_follow(OpenOptions::new().read(true), path)?,
            &mut bytes,
        )?;
        Ok(bytes)
    };
    let text = match read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(LogError::Io {
                action: "cannot read",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let damaged = || LogError::BadHead {
        path: path.to_path_buf(),
    };
    let text = std::str::from_utf8(&text).map_err(|_| damaged())?;
    let mut fields = text.trim_end_matches('\n').split(' ');
    let (Some(MAGIC), Some(records), Some(hash), Some(crc), None) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return Err(damaged());
    };
    let body = format!("{records} {hash}");
    if u32::from_str_radix(crc, 16).ok() != Some(crc32fast::hash(body.as_bytes())) {
        return Err(damaged());
    }
    Ok(Some(Tip {
        records: records.parse().map_err(|_| damaged())?,
        hash: u32::from_str_radix(hash, 16).map_err(|_| damaged())?,
    }))
}

/// The marker file, open for rewriting.
#[derive(Debug)]
pub(crate) struct Head {
    file: File,
    path: PathBuf,
}

impl Head {
    pub(crate) fn open(path: &Path) -> Result<Self, LogError> {
        let file = open_no_follow(
            OpenOptions::new().create(true).truncate(false).write(true),
            path,
        )
        .map_err(LogError::io("cannot open", path))?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Names `tip` as durable: one write at offset 0, always of the same
    /// length, so the file never holds two markers' bytes mixed.
    pub(crate) fn write(&self, tip: Tip) -> Result<(), LogError> {
        self.file
            .write_all_at(encode(tip).as_bytes(), 0)
            .map_err(LogError::io("cannot write", &self.path))
    }

    pub(crate) fn try_clone(&self) -> Result<Self, LogError> {
        Ok(Self {
            file: self
                .file
                .try_clone()
                .map_err(LogError::io("cannot reopen", &self.path))?,
            path: self.path.clone(),
        })
    }
}
