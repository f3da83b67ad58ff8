//! Errors of the dev chain.

/// Result type of this crate.
pub type Result<T, E = DevnetError> = std::result::Result<T, E>;

/// What can go wrong running the dev chain.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// Dev accounts cannot be derived from the configured mnemonic.
    #[error(transparent)]
    Mnemonic(#[from] slipway_keys::MnemonicError),
    /// A request or transaction was refused. The message is the one geth
    /// (or Hardhat, for its methods) gives, which clients match on: it is
    /// the answer, not a wrapped cause.
    #[error("{0}")]
    Rejected(String),
    /// The log's records do not make a chain.
    #[error(
        "the chain log{} is inconsistent: {problem}; the state was left untouched: move the directory away, or start over with --fresh",
        dir.as_ref().map(|d| format!(" in {}", d.display())).unwrap_or_default()
    )]
    Inconsistent {
        /// The state directory (none for a chain in memory).
        dir: Option<std::path::PathBuf>,
        /// What does not fit.
        problem: Inconsistency,
    },
    /// The state directory holds a chain made with other settings.
    #[error(
        "the dev chain in {} was created with {what} {have}, but {want} is asked for; start over with --fresh (or delete the directory) to use the new settings",
        dir.display()
    )]
    SettingsChanged {
        /// The state directory.
        dir: std::path::PathBuf,
        /// Which setting.
        what: &'static str,
        /// What the chain has.
        have: String,
        /// What is asked for.
        want: String,
    },
    /// The chain could not be opened (its opening task failed).
    #[error("the chain failed to open: {0}")]
    Startup(#[source] tokio::task::JoinError),
    /// Another process holds the state directory.
    #[error(
        "the dev chain in {} is in use by {}; stop that process, or reach the chain over its JSON-RPC URL instead of opening its files",
        dir.display(),
        holder.as_ref().map_or_else(|| "another process".to_owned(), ToString::to_string)
    )]
    InUse {
        /// The state directory.
        dir: std::path::PathBuf,
        /// Who holds it, when its record reads.
        holder: Option<slipway_log::Owner>,
    },
    /// The durable log is damaged.
    #[error(
        "{0}; the state was left untouched: move the directory away, or start over with --fresh"
    )]
    Damaged(#[source] slipway_log::LogError),
    /// The durable log cannot be used.
    #[error(transparent)]
    Log(slipway_log::LogError),
    /// File-system trouble.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// Where.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// What makes a chain log inconsistent.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Inconsistency {
    /// The first record is not the genesis.
    #[error("it does not start with a genesis record")]
    NoGenesis,
    /// A rewind points at or after itself.
    #[error("record {record} rewinds to record {to}, which is not before it")]
    RewindForward {
        /// The rewind record.
        record: usize,
        /// Where it points.
        to: u64,
    },
    /// A rollback target that no record appended.
    #[error("block {0} is not in the log")]
    MissingBlock(u64),
}

impl From<slipway_log::LogError> for DevnetError {
    fn from(error: slipway_log::LogError) -> Self {
        match error {
            slipway_log::LogError::Held { what, holder } => Self::InUse { dir: what, holder },
            e @ (slipway_log::LogError::Corrupt { .. }
            | slipway_log::LogError::Lost { .. }
            | slipway_log::LogError::BadHead { .. }) => Self::Damaged(e),
            e => Self::Log(e),
        }
    }
}

impl DevnetError {
    /// The error, naming the state directory `dir` if it is about its log.
    pub(crate) fn in_dir(self, dir: &std::path::Path) -> Self {
        match self {
            Self::Inconsistent { problem, .. } => Self::Inconsistent {
                dir: Some(dir.to_path_buf()),
                problem,
            },
            other => other,
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<std::path::PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}
