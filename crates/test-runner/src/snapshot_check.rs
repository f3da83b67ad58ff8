//! `slipway snapshot` as a library call: the suite run with a fixed seed
//! (so fuzz figures repeat), then `.gas-snapshot` written, or compared
//! with the gates' tolerance. [`check_snapshot`] compares results a caller
//! already has (a pipeline's test stage) without running anything again.

use std::path::{Path, PathBuf};

use slipway_config::Config;
use slipway_solc::BuildReport;

use crate::{
    ContractOutcome, GasChange, SnapshotError, SuiteError, SuiteRequest, SuiteRun,
    compare_snapshots, format_snapshot, parse_snapshot, run_suite, snapshot_of,
};

/// What to do with the snapshot file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotMode {
    /// Write it.
    Write,
    /// Compare, failing on a rise beyond the tolerance.
    Check,
    /// Compare and show, never failing.
    Diff,
}

/// The file, the mode and the tolerance.
#[derive(Clone, Debug)]
pub struct SnapshotRequest {
    /// The snapshot file (`.gas-snapshot` under the root by default).
    pub file: PathBuf,
    /// Write, check or diff.
    pub mode: SnapshotMode,
    /// Allowed rise per test, percent (`[gates] gas_tolerance` by default).
    pub tolerance: f64,
}

impl SnapshotRequest {
    /// The project's defaults: `.gas-snapshot`, `[gates] gas_tolerance`.
    pub fn for_project(config: &Config, mode: SnapshotMode) -> Self {
        Self {
            file: config.root.join(".gas-snapshot"),
            mode,
            tolerance: config.gates.gas_tolerance,
        }
    }
}

/// A comparison with the snapshot file.
#[derive(Clone, Debug)]
pub struct SnapshotComparison {
    /// The file compared with.
    pub file: PathBuf,
    /// Every test whose gas changed, appeared or went.
    pub changes: Vec<GasChange>,
    /// The tolerance applied.
    pub tolerance: f64,
}

impl SnapshotComparison {
    /// Changes beyond the tolerance.
    pub fn regressions(&self) -> usize {
        self.changes.iter().filter(|c| c.regression).count()
    }
}

/// What `snapshot` did.
#[derive(Debug)]
pub enum SnapshotOutcome {
    /// Tests failed: no snapshot is taken or checked from a failing suite.
    TestsFailed(SuiteRun),
    /// The file was written with this many tests.
    Written {
        /// The file.
        file: PathBuf,
        /// Tests in it.
        tests: usize,
    },
    /// The run was compared with the file.
    Compared {
        /// The comparison.
        comparison: SnapshotComparison,
        /// Whether a rise beyond the tolerance fails (`Check`).
        gate: bool,
    },
}

impl SnapshotOutcome {
    /// Whether the check passed (writing and diffing always pass).
    pub fn passed(&self) -> bool {
        match self {
            Self::TestsFailed(_) => false,
            Self::Written { .. } => true,
            Self::Compared { comparison, gate } => !gate || comparison.regressions() == 0,
        }
    }
}

/// Why the snapshot could not be taken or checked.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotRunError {
    /// The tolerance is not a percentage.
    #[error("the tolerance must be a percentage between 0 and 1000, not {0}")]
    Tolerance(f64),
    /// The suite could not run.
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// The file cannot be read (none taken yet) or written.
    #[error("cannot {action} {}: {source}; {help}", file.display())]
    Io {
        /// Read or write.
        action: &'static str,
        /// The file.
        file: PathBuf,
        /// What to do.
        help: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not in forge's format.
    #[error("in {}: {source}", file.display())]
    Format {
        /// The file.
        file: PathBuf,
        /// Where and what.
        source: SnapshotError,
    },
}

/// Runs the suite of `build` (with seed 0 unless the request has one) and
/// writes or compares the snapshot.
pub fn snapshot(
    config: &Config,
    build: &BuildReport,
    suite: &SuiteRequest,
    request: &SnapshotRequest,
) -> Result<SnapshotOutcome, SnapshotRunError> {
    if !(0.0..=1000.0).contains(&request.tolerance) {
        return Err(SnapshotRunError::Tolerance(request.tolerance));
    }
    // A fixed default seed, so fuzz tests give the same figures each run.
    let suite = SuiteRequest {
        default_seed: Some(suite.default_seed.unwrap_or(0)),
        ..suite.clone()
    };
    let run = run_suite(config, build, &suite)?;
    if run.summary().failed > 0 {
        return Ok(SnapshotOutcome::TestsFailed(run));
    }
    if request.mode == SnapshotMode::Write {
        let current = snapshot_of(&run.results);
        std::fs::write(&request.file, format_snapshot(&current)).map_err(|source| {
            SnapshotRunError::Io {
                action: "write",
                file: request.file.clone(),
                help: "check the directory's permissions",
                source,
            }
        })?;
        return Ok(SnapshotOutcome::Written {
            file: request.file.clone(),
            tests: current.len(),
        });
    }
    Ok(SnapshotOutcome::Compared {
        comparison: check_snapshot(&request.file, &run.results, request.tolerance)?,
        gate: request.mode == SnapshotMode::Check,
    })
}

/// Compares `results` with the snapshot in `file`.
pub fn check_snapshot(
    file: &Path,
    results: &[ContractOutcome],
    tolerance: f64,
) -> Result<SnapshotComparison, SnapshotRunError> {
    let text = std::fs::read_to_string(file).map_err(|source| SnapshotRunError::Io {
        action: "read",
        file: file.to_path_buf(),
        help: "run `slipway snapshot` first to write it",
        source,
    })?;
    let saved = parse_snapshot(&text).map_err(|source| SnapshotRunError::Format {
        file: file.to_path_buf(),
        source,
    })?;
    Ok(SnapshotComparison {
        file: file.to_path_buf(),
        changes: compare_snapshots(&saved, &snapshot_of(results), tolerance),
        tolerance,
    })
}
