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
