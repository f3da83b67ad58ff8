//! The baseline: findings accepted when it was recorded, matched by
//! fingerprint, so that CI fails only on new ones.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::Finding;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Accepted {
    /// The detector.
    pub id: String,
    /// The file.
    pub path: PathBuf,
    /// Its fingerprint.
    pub fingerprint: String,
}

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Its format version (1).
    pub version: u32,
    /// What it accepts.
    pub findings: BTreeSet<Accepted>,
}

/// A baseline that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// IO.
    #[error("cannot {action} the baseline {}: {source}", path.display())]
    Io {
        /// read or write.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a baseline.
    #[error("{} is not a slipway baseline ({message}); record a new one by deleting it and running `slipway analyze --baseline {}` again", path.display(), path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// serde's message.
        message: String,
    },
}

impl Baseline {
    /// The baseline accepting every counted finding of `findings`.
    pub fn record(findings: &[Finding]) -> Self {
        Self {
            version: 1,
            findings: findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .map(|f| Accepted {
                    id: f.id.clone(),
                    path: f.path.clone(),
                    fingerprint: f.fingerprint.clone(),
                })
                .collect(),
        }
    }

    /// Reads `file`; `None` when it does not exist.
    pub fn load(file: &Path) -> Result<Option<Self>, BaselineError> {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(BaselineError::Io {
                    action: "read",
                    path: file.to_path_buf(),
                    source,
                });
            }
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| BaselineError::Format {
                path: file.to_path_buf(),
                message: e.to_string(),
            })
    }

    /// Writes it to `file` (pretty JSON, one finding a line).
    pub fn save(&self, file: &Path) -> Result<(), BaselineError> {
        let io = |source| BaselineError::Io {
            action: "write",
            path: file.to_path_buf(),
            source,
        };
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        text.push('\n');
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, file).map_err(io)
    }

    /// Marks the findings it accepts.
    pub fn apply(&self, findings: &mut [Finding]) {
        for f in findings {
            f.baselined = self
                .findings
                .iter()
                .any(|a| a.id == f.id && a.path == f.path && a.fingerprint == f.fingerprint);
        }
    }
}
