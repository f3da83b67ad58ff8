//! The writer's lock: an exclusive lock on a file that also holds a typed
//! record of its owner, so that whoever is refused learns who holds it (and,
//! for a running node, where to reach it instead).

use crate::error::open_no_follow;
use std::{
    fs::{File, OpenOptions, TryLockError},
    io::{Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::LogError;

/// Who holds a lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// Its process id.
    pub pid: u32,
    /// What it is doing, e.g. `slipway node` or `slipway deploy core`.
    pub command: String,
    /// The JSON-RPC URL it serves the chain on, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The chain it holds, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
}

impl Owner {
    /// This process, doing `command`.
    pub fn this_process(command: impl Into<String>) -> Self {
        Self {
            pid: std::process::id(),
            command: command.into(),
            url: None,
            chain_id: None,
        }
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {} ({}", self.pid, self.command)?;
        if let Some(url) = &self.url {
            write!(f, ", serving {url}")?;
        }
        write!(f, ")")
    }
}

/// Whether a lock is held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    /// Nobody holds it.
    Free,
    /// A process holds it; its record, when it wrote one that reads.
    Held(Option<Owner>),
}

/// A held lock; released when dropped (or when the process dies, however
/// it dies: the operating system releases it).
#[derive(Debug)]
pub struct OwnerLock {
    file: File,
    path: PathBuf,
}

fn open(path: &Path) -> Result<File, LogError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(LogError::io("cannot create", dir))?;
    }
    open_no_follow(
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true),
        path,
    )
    .map_err(LogError::io("cannot open", path))
}

fn read_owner(file: &mut File) -> Option<Owner> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(text.trim()).ok()
}

impl OwnerLock {
    /// Takes the lock at `path` for `owner`, or says who holds it. `guards`
    /// names what the lock protects, for the refusal.
    pub fn acquire(path: &Path, guards: &Path, owner: &Owner) -> Result<Self, LogError> {
        let mut file = open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LogError::Held {
                    what: guards.to_path_buf(),
                    holder: read_owner(&mut file),
                });
            }
            Err(TryLockError::Error(source)) => {
                return Err(LogError::Io {
                    action: "cannot lock",
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        let mut lock = Self {
            file,
            path: path.to_path_buf(),
        };
        lock.record(owner)?;
        Ok(lock)
    }

    /// Rewrites the owner's record (e.g. once the URL it serves is known).
    pub fn record(&mut self, owner: &Owner) -> Result<(), LogError> {
        let json = serde_json::to_string(owner).map_err(|source| LogError::Encode {
            path: self.path.clone(),
            source,
        })?;
        self.file
            .set_len(0)
            .and_then(|()| self.file.seek(SeekFrom::Start(0)))
            .and_then(|_| writeln!(self.file, "{json}"))
            .and_then(|()| self.file.flush())
            .map_err(LogError::io("cannot write", &self.path))
    }

    /// Whether the lock still guards what it guards: the file at its path
    /// must be the very file this lock holds (same device and inode). A
    /// lock file deleted or replaced behind the holder's back would let a
    /// second process take a lock of its own on the same chain; the holder
    /// finds out here and must stop writing.
    pub fn check(&self) -> Result<(), LogError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let held = self
                .file
                .metadata()
                .map_err(LogError::io("cannot read", &self.path))?;
            let on_disk = std::fs::symlink_metadata(&self.path).ok();
            let same = on_disk
                .as_ref()
                .is_some_and(|d| d.dev() == held.dev() && d.ino() == held.ino());
            if !same {
                return Err(LogError::LockLost {
                    path: self.path.clone(),
                });
            }
        }
        Ok(())
    }

    /// Who holds the lock at `path`, without taking it.
    pub fn holder(path: &Path) -> Result<Holder, LogError> {
        let mut file = match open_no_follow(OpenOptions::new().read(true), path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Holder::Free),
            Err(source) => {
                return Err(LogError::Io {
                    action: "cannot open",
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        match file.try_lock_shared() {
            // Taken and released at once: nobody holds it.
            Ok(()) => Ok(Holder::Free),
            Err(TryLockError::WouldBlock) => Ok(Holder::Held(read_owner(&mut file))),
            Err(TryLockError::Error(source)) => Err(LogError::Io {
                action: "cannot lock",
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl From<&str> for Owner {
    fn from(command: &str) -> Self {
        Self::this_process(command)
    }
}
