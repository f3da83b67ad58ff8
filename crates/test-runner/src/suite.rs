//! The `test` use case: the project's tests run from a build as its
//! configuration says (filters, fuzz and invariant settings, the
//! development chain's hardfork, `vm.env*` variables), with the counts the
//! exit code and reports need.

use std::sync::Arc;

use serde::Serialize;
use slipway_config::Config;
use slipway_contracts::Decoder;
use slipway_solc::BuildReport;

use crate::{
    ContractOutcome, CoverageHits, FilterError, FuzzOptions, InvariantOptions, RunOptions,
    TestFilter, TestStatus,
};

/// forge's six name filters, as regular expressions.
#[derive(Clone, Debug, Default)]
pub struct FilterPatterns {
    /// `--match-test`.
    pub match_test: Option<String>,
    /// `--no-match-test`.
    pub no_match_test: Option<String>,
    /// `--match-contract`.
    pub match_contract: Option<String>,
    /// `--no-match-contract`.
    pub no_match_contract: Option<String>,
    /// `--match-path`.
    pub match_path: Option<String>,
    /// `--no-match-path`.
    pub no_match_path: Option<String>,
}

/// Which tests run and how.
#[derive(Clone, Debug, Default)]
pub struct SuiteRequest {
    /// Which tests.
    pub filter: FilterPatterns,
    /// Inputs per fuzz test (default: `[fuzz] runs`).
    pub fuzz_runs: Option<u32>,
    /// Seed of the fuzz inputs (default: `[fuzz] seed`, else
    /// `default_seed`, else a new one).
    pub fuzz_seed: Option<u64>,
    /// The seed when neither the request nor `[fuzz] seed` names one.
    pub default_seed: Option<u64>,
    /// Call sequences per invariant (default: `[invariant] runs`).
    pub invariant_runs: Option<u32>,
    /// Calls per sequence (default: `[invariant] depth`).
    pub invariant_depth: Option<u32>,
    /// Price the tests' calls for the gas report.
    pub gas_report: bool,
    /// Count every instruction, for coverage (the build must be of the
    /// coverage profile).
    pub coverage: bool,
    /// Record and render the traces of failing tests.
    pub trace_failures: bool,
}

/// Why the tests could not run.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// A filter is not a regular expression.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// A count that must be positive is zero.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// The build has compiler errors.
    #[error("compilation failed; fix the errors above before testing")]
    Compilation,
}

/// What a run of the tests produced.
#[derive(Debug)]
pub struct SuiteRun {
    /// Each test contract with its tests' outcomes.
    pub results: Vec<ContractOutcome>,
    /// The fuzz seed used.
    pub seed: u64,
    /// Instruction counts (with `coverage`).
    pub hits: CoverageHits,
}

/// Counts of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests skipped.
    pub skipped: usize,
}

impl Summary {
    /// The counts of `results`.
    pub fn of(results: &[ContractOutcome]) -> Self {
        let count = |f: fn(&TestStatus) -> bool| {
            results
                .iter()
                .flat_map(|c| &c.tests)
                .filter(|t| f(&t.status))
                .count()
        };
        Self {
            passed: count(|s| matches!(s, TestStatus::Pass)),
            failed: count(|s| matches!(s, TestStatus::Fail(_))),
            skipped: count(|s| matches!(s, TestStatus::Skip(_))),
        }
    }
}

impl SuiteRun {
    /// Its counts.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.results)
    }
}

/// Runs the tests of `build` as `config` and `request` say.
pub fn run_suite(
    config: &Config,
    build: &BuildReport,
    request: &SuiteRequest,
) -> Result<SuiteRun, SuiteError> {
    let f = &request.filter;
    let filter = TestFilter::new(
        f.match_test.as_deref(),
        f.no_match_test.as_deref(),
        f.match_contract.as_deref(),
        f.no_match_contract.as_deref(),
        f.match_path.as_deref(),
        f.no_match_path.as_deref(),
    )?;
    for (flag, value) in [
        ("--fuzz-runs", request.fuzz_runs),
        ("--invariant-runs", request.invariant_runs),
        ("--invariant-depth", request.invariant_depth),
    ] {
        if value == Some(0) {
            return Err(SuiteError::Zero(flag));
        }
    }
    if build.has_errors() {
        return Err(SuiteError::Compilation);
    }
    let contracts = crate::discover(&build.artifacts, &config.project.test);
    let decoder = Decoder::from_build(&build.artifacts);
    let hardfork = config
        .environment("development")
        .map(|e| e.hardfork)
        .unwrap_or_default();
    let seed = request
        .fuzz_seed
        .or(config.fuzz.seed)
        .or(request.default_seed)
        .unwrap_or_else(fresh_seed);
    let options = RunOptions {
        hardfork,
        fuzz: FuzzOptions {
            runs: request.fuzz_runs.unwrap_or(config.fuzz.runs),
            seed,
            max_rejects: config.fuzz.max_test_rejects,
            failures_dir: Some(config.root.join(".slipway/cache/fuzz/failures")),
        },
        invariant: InvariantOptions {
            runs: request.invariant_runs.unwrap_or(config.invariant.runs),
            depth: request.invariant_depth.unwrap_or(config.invariant.depth),
            fail_on_revert: config.invariant.fail_on_revert,
            failures_dir: Some(config.root.join(".slipway/cache/invariant/failures")),
        },
        env: Arc::new(config.vars().all().into_iter().collect()),
        trace_failures: request.trace_failures,
        gas_report: request.gas_report,
        coverage: request.coverage,
        ..RunOptions::default()
    };
    let (results, hits) = crate::run_with_coverage(&contracts, &filter, &decoder, &options);
    Ok(SuiteRun {
        results,
        seed,
        hits,
    })
}

/// A seed for a run without one: different every run.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS per process.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}
