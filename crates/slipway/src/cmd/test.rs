//! `slipway test`: compile, run the Solidity tests, report like forge.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::Args;
use eyre::{Result, WrapErr, bail};
use slipway_config::Config;
use slipway_contracts::Decoder;
use slipway_solc::{BuildReport, Profile};
use slipway_test::{
    ContractOutcome, CoverageHits, FuzzOptions, GasReport, InvariantOptions, RunOptions, TestFilter,
};

use super::{GlobalOpts, test_report};

/// Which tests run, and how fuzz tests run (shared by `test` and `snapshot`).
#[derive(Debug, Args)]
pub(crate) struct Selection {
    /// Only tests whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    match_test: Option<String>,
    /// Skip tests whose name matches.
    #[arg(long, value_name = "REGEX")]
    no_match_test: Option<String>,
    /// Only contracts whose name matches.
    #[arg(long, value_name = "REGEX")]
    match_contract: Option<String>,
    /// Skip contracts whose name matches.
    #[arg(long, value_name = "REGEX")]
    no_match_contract: Option<String>,
    /// Only test files whose path matches.
    #[arg(long, value_name = "REGEX")]
    match_path: Option<String>,
    /// Skip test files whose path matches.
    #[arg(long, value_name = "REGEX")]
    no_match_path: Option<String>,
    /// Inputs per fuzz test (default: `[fuzz] runs`, 256).
    #[arg(long, value_name = "N")]
    fuzz_runs: Option<u32>,
    /// Seed of the fuzz inputs: the same seed replays the same inputs
    /// (default: `[fuzz] seed`, else a new one, printed with failures).
    #[arg(long, value_name = "SEED")]
    fuzz_seed: Option<u64>,
    /// Call sequences per invariant (default: `[invariant] runs`, 256).
    #[arg(long, value_name = "N")]
    invariant_runs: Option<u32>,
    /// Calls per sequence (default: `[invariant] depth`, 50).
    #[arg(long, value_name = "N")]
    invariant_depth: Option<u32>,
}

/// How a run of the tests goes.
#[derive(Debug, Default)]
pub(crate) struct Mode {
    /// Leave compiler warnings out (machine-readable output).
    pub(crate) quiet_build: bool,
    /// Price the tests' calls for the gas report.
    pub(crate) gas_report: bool,
    /// Build the coverage profile and count every instruction.
    pub(crate) coverage: bool,
    /// The fuzz seed when neither the command line nor `[fuzz] seed` names
    /// one (`None`: a new seed each run).
    pub(crate) default_seed: Option<u64>,
}

/// What a run of the tests produced.
pub(crate) struct Run {
    pub(crate) config: Config,
    pub(crate) results: Vec<ContractOutcome>,
    pub(crate) seed: u64,
    /// Instruction counts (with `Mode::coverage`).
    pub(crate) hits: CoverageHits,
    /// The build the tests ran from.
    pub(crate) build: BuildReport,
}

impl Selection {
    /// Compiles the project and runs the selected tests.
    pub(crate) fn run(&self, global: &GlobalOpts, mode: Mode) -> Result<Run> {
        let filter = TestFilter::new(
            self.match_test.as_deref(),
            self.no_match_test.as_deref(),
            self.match_contract.as_deref(),
            self.no_match_contract.as_deref(),
            self.match_path.as_deref(),
            self.no_match_path.as_deref(),
        )?;
        let config = global.config()?;
        for (flag, value) in [
            ("--fuzz-runs", self.fuzz_runs),
            ("--invariant-runs", self.invariant_runs),
            ("--invariant-depth", self.invariant_depth),
        ] {
            if value == Some(0) {
                bail!("{flag} must be at least 1");
            }
        }
        let profile = if mode.coverage {
            Profile::Coverage
        } else {
            Profile::Default
        };
        let report = super::build::compile(global, &config, profile, mode.quiet_build)?;
        if report.has_errors() {
            bail!("compilation failed; fix the errors above before testing");
        }
        let contracts = slipway_test::discover(&report.output, &config.root, &config.project.test);
        let decoder = Decoder::from_build(&report.output);
        let hardfork = config
            .environment("development")
            .map(|e| e.hardfork)
            .unwrap_or_default();
        let seed = self
            .fuzz_seed
            .or(config.fuzz.seed)
            .or(mode.default_seed)
            .unwrap_or_else(fresh_seed);
        let options = RunOptions {
            spec: slipway_evm::spec_id(hardfork),
            fuzz: FuzzOptions {
                runs: self.fuzz_runs.unwrap_or(config.fuzz.runs),
                seed,
                max_rejects: config.fuzz.max_test_rejects,
                failures_dir: Some(config.root.join(".slipway/cache/fuzz/failures")),
            },
            invariant: InvariantOptions {
                runs: self.invariant_runs.unwrap_or(config.invariant.runs),
                depth: self.invariant_depth.unwrap_or(config.invariant.depth),
                fail_on_revert: config.invariant.fail_on_revert,
                failures_dir: Some(config.root.join(".slipway/cache/invariant/failures")),
            },
            env: Arc::new(config.vars().all().into_iter().collect()),
            trace_failures: global.verbose >= 3,
            gas_report: mode.gas_report,
            coverage: mode.coverage,
            ..RunOptions::default()
        };
        let (results, hits) =
            slipway_test::run_with_coverage(&contracts, &filter, &decoder, &options);
        Ok(Run {
            config,
            results,
            seed,
            hits,
            build: report,
        })
    }
}

/// Run the tests.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    #[command(flatten)]
    selection: Selection,
    /// Report the gas of every function the tests call and of every
    /// deployment they make, each priced as a transaction of its own.
    #[arg(long)]
    gas_report: bool,
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Also write a JUnit XML report to FILE (for CI test views).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

impl TestArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let Run {
            config,
            results,
            seed,
            ..
        } = self.selection.run(
            global,
            Mode {
                quiet_build: self.json,
                gas_report: self.gas_report,
                ..Mode::default()
            },
        )?;
        let summary = test_report::Summary::of(&results);

        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "contracts": results,
                    "summary": summary,
                    "fuzz_seed": seed,
                    "gas_report": self.gas_report.then(|| GasReport::of(&results)),
                }))?
            );
        } else {
            print!("{}", test_report::text(&results, global.verbose, seed));
            if self.gas_report {
                print!("{}", test_report::gas_table(&GasReport::of(&results)));
            }
            if results.is_empty() {
                println!(
                    "no tests found in {} (files *.t.sol with functions named test…)",
                    config.project.test.display()
                );
            }
            println!();
            println!(
                "{} passed, {} failed, {} skipped",
                summary.passed, summary.failed, summary.skipped
            );
        }
        if let Some(path) = &self.junit {
            let xml = test_report::junit(&results)?;
            std::fs::write(path, xml)
                .wrap_err_with(|| format!("writing the JUnit report to {}", path.display()))?;
        }
        Ok(if summary.failed > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    }
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
