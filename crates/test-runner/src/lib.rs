//! `slipway test`: finds the test contracts of a build (`*.t.sol` under the
//! test directory, functions named `test…`), runs `setUp()` once per contract
//! and each test from a fresh copy of the state after it, in parallel, on
//! `slipway-evm`, and reports pass / fail with gas, decoded revert reasons,
//! `console.log` output and, on request, call traces. Tests with parameters
//! are fuzzed: seeded inputs mixed with edge values and the code's
//! constants, a failure shrunk to a minimal counterexample and saved to be
//! replayed first next time.
//!
//! Cheatcodes (calls to the forge-std `Vm` address) are answered by the
//! cheatcode inspector; one it does not know fails its test and names the
//! selector. The only I/O here is the fuzz failure cache the caller names
//! and the last run's failed tests (`.slipway/cache/test-failures.json`,
//! for `--rerun`); callers compile and render.

mod cheatcodes;
mod coverage;
mod discover;
mod failures;
mod filter;
mod fuzz;
mod gas;
mod host;
mod inline_config;
mod invariant;
mod junit;
mod runner;
mod snapshot;
mod snapshot_check;
mod suite;
mod trace;

pub use cheatcodes::{AddressBook, CHEATCODE_ADDRESS, ForkPool, TestEnv};
pub use coverage::{
    CoverageError, CoverageGate, CoverageHits, CoverageMap, CoverageReport, FileCoverage,
    GateShortfall, Ratio, measure as measure_coverage,
};
pub use discover::{Candidate, TestContract, TestFunction, candidate, candidates, discover};
pub use failures::{FAILURES_FILE, FailedTest, FailuresError, failures_of, record, recorded};
pub use filter::{FilterError, TestFilter};
pub use gas::{ContractGas, GasRecord, GasReport, GasStats};
pub use host::TestHost;
pub use inline_config::InlineConfig;
pub use invariant::{InvariantOptions, InvariantReport};
pub use junit::{failure_reason, gas_figures, junit};
pub use runner::{
    ContractOutcome, Counterexample, DEFAULT_SENDER, FuzzOptions, FuzzReport, RunOptions,
    TEST_FAIL_REMOVED, TestOutcome, TestStatus, run, run_with_coverage,
};
pub use snapshot::{
    GasChange, GasSnapshot, SnapshotError, SnapshotGas, compare_snapshots, format_snapshot,
    parse_snapshot, snapshot_of,
};
pub use snapshot_check::{
    SnapshotComparison, SnapshotMode, SnapshotOutcome, SnapshotRequest, SnapshotRunError,
    check_snapshot, snapshot,
};
pub use suite::{
    FilterPatterns, ListedContract, Rerun, SuiteError, SuiteRequest, SuiteRun, Summary,
    artifact_need, list_suite, run_suite,
};
