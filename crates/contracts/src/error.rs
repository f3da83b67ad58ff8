//! What can go wrong finding an artifact, linking it, or reading records.

use std::path::PathBuf;

use alloy_primitives::B256;

/// An artifact name that names no artifact, or several.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    /// Nothing by that name; the closest names, if any.
    #[error("no artifact `{name}` in the build{}", did_you_mean(.close))]
    NotFound {
        /// The name asked for.
        name: String,
        /// Ids of artifacts with a close name.
        close: Vec<String>,
    },
    /// Several artifacts by that name.
    #[error("`{name}` names {} artifacts: write one of {}", .candidates.len(), .candidates.join(", "))]
    Ambiguous {
        /// The name asked for.
        name: String,
        /// Their ids.
        candidates: Vec<String>,
    },
    /// The artifact exists but its code cannot be read.
    #[error("{reason}")]
    Unreadable {
        /// Its id.
        id: String,
        /// Why.
        reason: String,
    },
}

fn did_you_mean(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", close.join(", "))
    }
}

/// Code that cannot be linked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// A library the code needs has no address.
    #[error("library {0} is not linked: add it to `libraries`")]
    Missing(String),
    /// A slot lies outside the code.
    #[error("library slot {start}+{length} is outside the code")]
    OutOfRange {
        /// Its first byte.
        start: usize,
        /// Its length.
        length: usize,
    },
}

/// Records that cannot be read, or belong to another chain.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// A file operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file in the records directory is not a record.
    #[error("{}: not a deployment record: {source}", path.display())]
    NotARecord {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The record was written on another chain.
    #[error(transparent)]
    OtherChain(Box<OtherChain>),
}

/// A record read on another chain than the one it was written on.
#[derive(Debug, thiserror::Error)]
#[error(
    "deployment record `{name}` was written on {recorded}, but this is {actual}: the chain it points at no longer exists here. Deploy again (`slipway deploy --env {env}`) or remove deployments/{env}/{name}.json"
)]
pub struct OtherChain {
    /// The record.
    pub name: String,
    /// The environment.
    pub env: String,
    /// Where it was written (chain id and genesis).
    pub recorded: ChainIdentity,
    /// Where we are.
    pub actual: ChainIdentity,
}

/// A chain as records identify it: its id and its genesis block hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainIdentity {
    /// The chain id.
    pub chain_id: u64,
    /// The hash of block 0, when known.
    pub genesis: Option<B256>,
}

impl std::fmt::Display for ChainIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "chain {}", self.chain_id)?;
        if let Some(genesis) = self.genesis {
            write!(f, " (genesis {genesis})")?;
        }
        Ok(())
    }
}
