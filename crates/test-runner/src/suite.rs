//! The `test` use case: the project's tests run from a build as its
//! configuration says (filters, fuzz and invariant settings, the
//! development chain's hardfork, `vm.env*` variables), with the counts the
//! exit code and reports need.

use std::sync::Arc;

use serde::Serialize;
use slipway_config::Config;
use slipway_contracts::Decoder;
use slipway_solc::{BuildReport, BuiltContract, Need};

use crate::{
    Candidate, ContractOutcome, CoverageHits, FilterError, FuzzOptions, InvariantOptions,
    RunOptions, TestContract, TestFilter, TestStatus,
    failures::{self, FailuresError},
};

/// forge's six filters: names as regular expressions, paths as globs.
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
    /// Start no test after one has failed.
    pub fail_fast: bool,
    /// Threads to run tests on (default: one per CPU).
    pub jobs: Option<usize>,
    /// Run only the tests that failed in the last run (all of them when
    /// the last run recorded none).
    pub rerun: bool,
    /// Record this run's failures for a later `rerun` (`slipway test`
    /// does; coverage and snapshot runs do not).
    pub record_failures: bool,
    /// Where forks of live networks come from (`vm.createFork`,
    /// `fork_url`); the binary gives the chain layer's.
    pub forks: Option<Arc<dyn slipway_evm::ForkFactory>>,
    /// `--fork-url`: every test starts on a fork of this source (a URL, an
    /// environment, an `[rpc_endpoints]` alias)…
    pub fork_url: Option<String>,
    /// …at this block (its head when `None`).
    pub fork_block_number: Option<u64>,
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
    /// The last run's failures could not be read or recorded.
    #[error(transparent)]
    Failures(#[from] FailuresError),
    /// `snapshots/<group>.json` could not be written.
    #[error("cannot write the gas snapshot {}: {source}", path.display())]
    GasSnapshots {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A test contract's artifact could not be read.
    #[error(transparent)]
    Artifact(#[from] slipway_solc::SolcError),
    /// `--fork-url` could not be forked.
    #[error("cannot fork {source_name}: {reason}")]
    Fork {
        /// What was to be forked.
        source_name: String,
        /// Why not.
        reason: String,
    },
    /// `--fork-url` without a way to reach live networks.
    #[error("--fork-url needs a fork source, and this run was given none")]
    NoForks,
    /// The thread pool for `jobs` could not be started.
    #[error("cannot start {jobs} test threads: {reason}")]
    Threads {
        /// Threads asked for.
        jobs: usize,
        /// Why.
        reason: String,
    },
}

/// What `--rerun` found to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rerun {
    /// The tests that failed last time (how many).
    Failed(usize),
    /// The last run recorded no failure, or no run recorded any: every
    /// selected test runs.
    NothingRecorded,
}

/// A test contract and its selected tests, for `--list`.
#[derive(Clone, Debug, Serialize)]
pub struct ListedContract {
    /// Source file.
    pub source: String,
    /// Contract name.
    pub name: String,
    /// Test function names, in order.
    pub tests: Vec<String>,
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
    /// A test failed under `fail_fast` and the tests not yet started did
    /// not run.
    pub stopped_early: bool,
    /// What `rerun` ran, when it was asked for.
    pub rerun: Option<Rerun>,
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

/// The filter a request's patterns make.
fn filter_of(f: &FilterPatterns) -> Result<TestFilter, SuiteError> {
    Ok(TestFilter::new(
        f.match_test.as_deref(),
        f.no_match_test.as_deref(),
        f.match_contract.as_deref(),
        f.no_match_contract.as_deref(),
        f.match_path.as_deref(),
        f.no_match_path.as_deref(),
    )?)
}

/// The test contracts of `build`, once it compiled, before any is read.
fn test_candidates<'b>(
    config: &Config,
    build: &'b BuildReport,
) -> Result<Vec<Candidate<'b>>, SuiteError> {
    if build.has_errors() {
        return Err(SuiteError::Compilation);
    }
    Ok(crate::candidates(&build.artifacts, &config.project.libs))
}

/// The tests `filter` selects, without running them (`--list`).
pub fn list_suite(
    config: &Config,
    build: &BuildReport,
    filter: &FilterPatterns,
) -> Result<Vec<ListedContract>, SuiteError> {
    let filter = filter_of(filter)?;
    Ok(selected(&test_candidates(config, build)?, &filter)
        .into_iter()
        .map(|(c, tests)| ListedContract {
            source: c.source(),
            name: c.contract.name.clone(),
            tests: tests.into_iter().map(|t| t.function.name.clone()).collect(),
        })
        .collect())
}

/// Each contract `filter` selects, with the tests of it that it selects
/// (contracts left with none are left out), as the runner selects them.
fn selected<'c, 'b>(
    candidates: &'c [Candidate<'b>],
    filter: &TestFilter,
) -> Vec<(&'c Candidate<'b>, Vec<&'c crate::TestFunction>)> {
    candidates
        .iter()
        .filter(|c| filter.contract(&c.source(), &c.contract.name))
        .map(|c| {
            let tests = c
                .tests
                .iter()
                .chain(&c.invariants)
                .filter(|t| filter.test(&c.contract.name, &t.signature()))
                .collect::<Vec<_>>();
            (c, tests)
        })
        .filter(|(_, tests)| !tests.is_empty())
        .collect()
}

/// The filter `request` makes, with `--rerun`'s recorded failures.
fn selection(
    config: &Config,
    request: &SuiteRequest,
) -> Result<(TestFilter, Option<Rerun>), SuiteError> {
    with_rerun(config, filter_of(&request.filter)?, request)
}

/// `filter`, narrowed to what the last run recorded as failed when
/// `request` asks for `--rerun`.
fn with_rerun(
    config: &Config,
    filter: TestFilter,
    request: &SuiteRequest,
) -> Result<(TestFilter, Option<Rerun>), SuiteError> {
    Ok(match request.rerun {
        false => (filter, None),
        true => match failures::recorded(&config.root)? {
            Some(failed) if !failed.is_empty() => {
                let count = failed.len();
                (
                    filter.only(failed.into_iter().map(|f| (f.contract, f.test))),
                    Some(Rerun::Failed(count)),
                )
            }
            _ => (filter, Some(Rerun::NothingRecorded)),
        },
    })
}

/// What a run of `request` reads of each contract's artifact: the code
/// and AST of the test contracts it selects, nothing of the others (a
/// test that asks for another contract's code reads it then). Handed to
/// the build, so that an artifact that does not read back sends it down
/// the full path before anything runs.
pub fn artifact_need(
    config: &Config,
    request: &SuiteRequest,
) -> Result<impl Fn(&BuiltContract) -> Need + use<>, SuiteError> {
    let (filter, _) = selection(config, request)?;
    let libs = config.project.libs.clone();
    Ok(move |contract: &BuiltContract| {
        let wanted = crate::discover::candidate(contract, &libs)
            .is_some_and(|c| !selected(std::slice::from_ref(&c), &filter).is_empty());
        match wanted {
            true => Need::Everything,
            false => Need::Nothing,
        }
    })
}

/// Runs the tests of `build` as `config` and `request` say, and records
/// which failed (for a later `rerun`).
pub fn run_suite(
    config: &Config,
    build: &BuildReport,
    request: &SuiteRequest,
) -> Result<SuiteRun, SuiteError> {
    let filter = filter_of(&request.filter)?;
    for (flag, value) in [
        ("--fuzz-runs", request.fuzz_runs),
        ("--invariant-runs", request.invariant_runs),
        ("--invariant-depth", request.invariant_depth),
        (
            "--jobs",
            request.jobs.map(|j| j.min(u32::MAX as usize) as u32),
        ),
    ] {
        if value == Some(0) {
            return Err(SuiteError::Zero(flag));
        }
    }
    let (filter, rerun) = with_rerun(config, filter, request)?;
    let candidates = test_candidates(config, build)?;
    let chosen = selected(&candidates, &filter);
    let wanted: usize = chosen.iter().map(|(_, tests)| tests.len()).sum();
    let contracts = chosen
        .iter()
        .map(|(c, _)| c.load())
        .collect::<Result<Vec<TestContract>, _>>()?;
    let decoder = Decoder::from_build(&build.artifacts);
    // A Foundry project's tests run under the hardfork its build targets,
    // as forge's do; a slipway project's under its development chain's.
    let hardfork = match config.is_foundry() {
        true => slipway_solc::evm_version(config, &build.compiler.version).unwrap_or_default(),
        false => config
            .environment("development")
            .map(|e| e.hardfork)
            .unwrap_or_default(),
    };
    let world = &config.test;
    let seed = request
        .fuzz_seed
        .or(config.fuzz.seed)
        .or(request.default_seed)
        .unwrap_or_else(fresh_seed);
    let forks = request
        .forks
        .clone()
        .map(|f| Arc::new(crate::ForkPool::new(f)));
    let fork = match &request.fork_url {
        None => None,
        Some(source) => {
            let pool = forks.as_ref().ok_or(SuiteError::NoForks)?;
            let upstream = pool
                .open(source, request.fork_block_number)
                .map_err(|reason| SuiteError::Fork {
                    source_name: source.clone(),
                    reason,
                })?;
            Some((source.clone(), upstream))
        }
    };
    let options = RunOptions {
        forks,
        fork,
        hardfork,
        chain_id: world.chain_id,
        sender: world.sender,
        initial_balance: world.initial_balance,
        block_number: world.block_number,
        block_timestamp: world.block_timestamp,
        base_fee: world.block_base_fee_per_gas,
        gas_limit: world.gas_limit,
        allow_internal_expect_revert: world.allow_internal_expect_revert,
        legacy_test_fail: world.legacy_test_fail,
        profile: config
            .provenance
            .foundry_profile
            .clone()
            .unwrap_or_else(|| "default".into()),
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
        fail_fast: request.fail_fast,
        host: Arc::new(crate::TestHost::new(
            &config.root,
            config.test.clone(),
            &build.artifacts,
        )),
    };
    let run = || crate::run_with_coverage(&contracts, &filter, &decoder, &options);
    let (results, hits) = match request.jobs {
        None => run(),
        Some(jobs) => rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| SuiteError::Threads {
                jobs,
                reason: e.to_string(),
            })?
            .install(run),
    };
    let ran: usize = results.iter().map(|c| c.tests.len()).sum();
    if request.record_failures {
        failures::record(&config.root, &failures::failures_of(&results))?;
        write_gas_figures(&config.root, &results)?;
    }
    Ok(SuiteRun {
        results,
        seed,
        hits,
        stopped_early: request.fail_fast && ran < wanted,
        rerun,
    })
}

/// Writes what tests recorded with `vm.startSnapshotGas` / `snapshotValue`
/// to `snapshots/<group>.json`, one file per group, as forge writes them.
fn write_gas_figures(
    root: &std::path::Path,
    results: &[ContractOutcome],
) -> Result<(), SuiteError> {
    let mut groups: std::collections::BTreeMap<&str, std::collections::BTreeMap<&str, &str>> =
        Default::default();
    for (group, figures) in results
        .iter()
        .flat_map(|c| &c.tests)
        .flat_map(|t| &t.gas_snapshots)
    {
        let entry = groups.entry(group).or_default();
        for (name, value) in figures {
            entry.insert(name, value);
        }
    }
    if groups.is_empty() {
        return Ok(());
    }
    let dir = root.join("snapshots");
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| SuiteError::GasSnapshots { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    for (group, figures) in groups {
        let path = dir.join(format!("{group}.json"));
        let text = serde_json::to_string_pretty(&figures).unwrap_or_default();
        std::fs::write(&path, text).map_err(io(&path))?;
    }
    Ok(())
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
