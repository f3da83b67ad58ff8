//! Why the monitor stopped or refused to start, in words that say what to
//! do.

use std::path::PathBuf;

/// Why the monitor stopped.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    /// A rule does not fit the recorded contracts.
    #[error("{}: rule `{rule}`: {reason}", .file.display())]
    Rule {
        /// The rule's id.
        rule: String,
        /// Its file.
        file: PathBuf,
        /// What does not fit.
        reason: String,
    },
    /// A breaker could not pause: its guardian lacks the role, or the
    /// contract cannot pause.
    #[error(
        "rule `{rule}` pauses {contract}, but {reason}: the monitor will not start with a breaker that cannot act"
    )]
    Breaker {
        /// The rule.
        rule: String,
        /// The contract.
        contract: String,
        /// Why it could not.
        reason: String,
    },
    /// The state directory failed.
    #[error("{what} {}: {source}", .path.display())]
    State {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A state file does not read.
    #[error("{} is damaged ({reason}); move it aside to start the monitor over from the head", .path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A sink is misconfigured.
    #[error("[[monitor.sink]] {0}")]
    Sink(String),
    /// The metrics server could not start.
    #[error("cannot serve the metrics on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The chain could not be asked.
    #[error(transparent)]
    Provider(#[from] slipway_chain::ProviderError),
    /// Deployment records do not read.
    #[error(transparent)]
    Records(#[from] slipway_contracts::RecordError),
    /// An ops call (state, roles, the breaker's pause) failed.
    #[error(transparent)]
    Ops(#[from] Box<slipway_ops::OpsError>),
    /// A signer's address cannot be known.
    #[error(transparent)]
    Signer(#[from] slipway_keys::SignerError),
}

impl From<slipway_ops::OpsError> for MonitorError {
    fn from(error: slipway_ops::OpsError) -> Self {
        Self::Ops(Box::new(error))
    }
}
