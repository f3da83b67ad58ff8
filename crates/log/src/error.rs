//! What can go wrong with a log or its lock.

use std::path::PathBuf;

use crate::Owner;

/// Why a log or its lock could not be used. The file is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The owner lock's file was deleted or replaced while held: another
    /// process could now take the same lock.
    #[error(
        "{}: the lock file was deleted or replaced while this process held it; it stops writing so that no second writer can damage the log: restart it",
        path.display()
    )]
    LockLost {
        /// The lock file.
        path: std::path::PathBuf,
    },
    /// A file operation failed.
    #[error("{}: {action}: {source}", path.display())]
    Io {
        /// What was being done (`cannot open`, `cannot sync`, …).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not start with the expected header line.
    #[error(
        "{} is not a {what} (its first line is not `{magic}`); it was left untouched",
        path.display()
    )]
    NotALog {
        /// The file.
        path: PathBuf,
        /// What it should be.
        what: &'static str,
        /// The header it should start with.
        magic: &'static str,
    },
    /// A line other than a torn last one is damaged.
    #[error("{}: line {line} (byte {offset}) is damaged: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Byte offset of the line.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// Whole records are missing from the end: the head marker names more
    /// records as durable than the file holds.
    #[error(
        "{} holds {found} records, but its head marker {} says {committed} were made durable: records were lost from its end. The file was left untouched; restore it from a backup, or delete the head marker to accept the log as it is",
        path.display(), head.display()
    )]
    Lost {
        /// The log.
        path: PathBuf,
        /// Its head marker.
        head: PathBuf,
        /// Records the marker names as durable.
        committed: u64,
        /// Records the file holds.
        found: u64,
    },
    /// The head marker itself is damaged.
    #[error(
        "{} is damaged (not a head marker whose checksum holds); it was left untouched: delete it to accept the log beside it as it is",
        path.display()
    )]
    BadHead {
        /// The marker.
        path: PathBuf,
    },
    /// A record could not be encoded.
    #[error("cannot encode a record for {}: {source}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// Another process holds the lock.
    #[error("{} is in use by {}", what.display(), holder.as_ref().map_or_else(|| "another process".to_owned(), ToString::to_string))]
    Held {
        /// What is locked (the directory or file the lock guards).
        what: PathBuf,
        /// Its holder, when it wrote its record.
        holder: Option<Owner>,
    },
}

impl LogError {
    pub(crate) fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}

/// Opens `path` with `options`, never through a symbolic link: the log,
/// its head marker and the owner lock must be the files they name (a
/// dangling link once made the node create the link's target). A link is
/// refused with that reason.
pub(crate) fn open_no_follow(
    options: &mut std::fs::OpenOptions,
    path: &std::path::Path,
) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            std::io::Error::other(
                "it is a symbolic link, which slipway does not follow for its chain and lock files: replace it with the file itself",
            )
        } else {
            e
        }
    })
}
