//! The tests that failed in the last run, kept for `slipway test --rerun`
//! in `.slipway/cache/test-failures.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{ContractOutcome, TestStatus};

/// Where the last run's failures are kept, under the project root.
pub const FAILURES_FILE: &str = ".slipway/cache/test-failures.json";

/// A failed test: its file, contract and function name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedTest {
    /// Source file.
    pub source: String,
    /// Contract name.
    pub contract: String,
    /// Function name (without parameter types).
    pub test: String,
}

/// The failures file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FailuresError {
    /// Reading or writing it failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It is not what slipway writes.
    #[error(
        "{path} is not a list of failed tests ({source}); delete it and run the tests again to record their failures"
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

/// The failures the last run recorded under `root`; `None` when no run
/// recorded any file yet.
pub fn recorded(root: &Path) -> Result<Option<Vec<FailedTest>>, FailuresError> {
    let path = root.join(FAILURES_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(FailuresError::Io {
                action: "read",
                path,
                source,
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| FailuresError::Damaged { path, source })
}

/// The failed tests of `results`.
pub fn failures_of(results: &[ContractOutcome]) -> Vec<FailedTest> {
    results
        .iter()
        .flat_map(|c| {
            c.tests
                .iter()
                .filter(|t| matches!(t.status, TestStatus::Fail(_)))
                .map(|t| FailedTest {
                    source: c.source.clone(),
                    contract: c.name.clone(),
                    test: t
                        .signature
                        .split_once('(')
                        .map_or(t.signature.as_str(), |(name, _)| name)
                        .to_owned(),
                })
        })
        .collect()
}

/// Records `failures` as the last run's, replacing what was there (written
/// whole to a temporary file, then renamed: a crash leaves the old list or
/// the new one).
pub fn record(root: &Path, failures: &[FailedTest]) -> Result<(), FailuresError> {
    let path = root.join(FAILURES_FILE);
    let io = |action, source| FailuresError::Io {
        action,
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("create the directory of", e))?;
    }
    let text = serde_json::to_string_pretty(failures).unwrap_or_else(|_| "[]".into());
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, text).map_err(|e| io("write", e))?;
    std::fs::rename(&partial, &path).map_err(|e| io("replace", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_round_trip_and_a_damaged_file_is_named() {
        let root = tempfile::tempdir().expect("tmp");
        assert!(recorded(root.path()).expect("read").is_none());
        let failed = vec![FailedTest {
            source: "contracts/test/A.t.sol".into(),
            contract: "ATest".into(),
            test: "test_A".into(),
        }];
        record(root.path(), &failed).expect("write");
        assert_eq!(recorded(root.path()).expect("read"), Some(failed));
        record(root.path(), &[]).expect("write");
        assert_eq!(recorded(root.path()).expect("read"), Some(vec![]));

        std::fs::write(root.path().join(FAILURES_FILE), "{not json").expect("write");
        let err = recorded(root.path()).expect_err("damaged");
        assert!(
            err.to_string()
                .contains("test-failures.json is not a list of failed tests")
                && err.to_string().contains("delete it"),
            "{err}"
        );
    }
}
