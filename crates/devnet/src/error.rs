//! Errors of the dev chain.

/// Result type of this crate.
pub type Result<T, E = DevnetError> = std::result::Result<T, E>;

/// What can go wrong running the dev chain.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// Bad settings.
    #[error("{0}")]
    Config(String),
    /// A transaction was refused (the message is the one geth gives).
    #[error("{0}")]
    Rejected(String),
    /// A state directory cannot be used.
    #[error("{0}")]
    State(String),
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

impl From<slipway_log::LogError> for DevnetError {
    fn from(error: slipway_log::LogError) -> Self {
        match error {
            slipway_log::LogError::Held { what, holder } => Self::InUse { dir: what, holder },
            e @ slipway_log::LogError::Corrupt { .. } => Self::Damaged(e),
            e => Self::Log(e),
        }
    }
}

impl DevnetError {
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
