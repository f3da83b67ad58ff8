//! `slipway test`: compile, run the Solidity tests, report like forge.

use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use eyre::{Result, WrapErr};
use slipway_solc::{Need, Profile};
use slipway_test_runner::{
    GasReport, Rerun, SuiteRequest, TEST_FAIL_REMOVED, TestStatus, artifact_need, junit,
    list_suite, run_suite,
};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{
    args::Selection,
    output::{self, count, status},
    render,
    watch::ProjectWatch,
};

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
    /// List the selected tests instead of running them.
    #[arg(long)]
    list: bool,
    /// Stop at the first failure: no test starts after one has failed.
    #[arg(long)]
    fail_fast: bool,
    /// Threads to run tests on (default: one per CPU).
    #[arg(short = 'j', long, visible_alias = "threads", value_name = "N")]
    jobs: Option<usize>,
    /// Run only the tests that failed last time (every test when none did).
    #[arg(long)]
    rerun: bool,
    /// Run again whenever a Solidity source or the configuration changes
    /// (only what changed is recompiled); Ctrl-C stops.
    #[arg(short, long, conflicts_with_all = ["list", "junit"])]
    watch: bool,
}

impl TestArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        if !self.watch {
            return self.run_once(global);
        }
        let watch = ProjectWatch::new(&global.config()?)?;
        loop {
            // A compile error or a bad edit is shown, and the watch goes on.
            if let Err(report) = self.run_once(global) {
                output::error(&report);
            }
            status(global.ui(), "Watching", "for changes (Ctrl-C stops)");
            let changed = watch.next_change()?;
            let names: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
            status(global.ui(), "Changed", &names.join(", "));
        }
    }

    fn run_once(&self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        if self.list {
            let build = global.build(&config, Profile::Default, self.json, &|_| Need::Nothing)?;
            let listed = list_suite(&config, &build, &self.selection.request(&config).filter)?;
            print!("{}", render::tests::list(&listed, self.json)?);
            return Ok(ExitCode::SUCCESS);
        }
        let request = SuiteRequest {
            gas_report: self.gas_report,
            trace_failures: global.verbose >= 3,
            fail_fast: self.fail_fast,
            jobs: self.jobs,
            rerun: self.rerun,
            record_failures: true,
            ..self.selection.request(&config)
        };
        let need = artifact_need(&config, &request)?;
        let build = global.build(&config, Profile::Default, self.json, &need)?;
        let run = run_suite(&config, &build, &request)?;
        if !self.json {
            match run.rerun {
                Some(Rerun::Failed(n)) => status(
                    global.ui(),
                    "Rerunning",
                    &format!("the {} that failed last time", count(n, "test")),
                ),
                Some(Rerun::NothingRecorded) => status(
                    global.ui(),
                    "Rerunning",
                    "every test: the last run recorded no failure",
                ),
                None => {}
            }
        }
        let summary = run.summary();
        let results = &run.results;

        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "contracts": results,
                    "summary": summary,
                    "fuzz_seed": run.seed,
                    "stopped_early": run.stopped_early,
                    "gas_report": self.gas_report.then(|| GasReport::of(results)),
                }))?
            );
        } else {
            print!("{}", render::tests::text(results, global.verbose, run.seed));
            if self.gas_report {
                print!("{}", render::tests::gas_table(&GasReport::of(results)));
            }
            println!();
            println!(
                "{} passed, {} failed, {} skipped",
                summary.passed, summary.failed, summary.skipped
            );
            let refused = results
                .iter()
                .flat_map(|c| &c.tests)
                .filter(|t| matches!(&t.status, TestStatus::Fail(r) if r == TEST_FAIL_REMOVED))
                .count();
            if refused > 0 {
                println!(
                    "{} refused: forge 1.0 removed them. Rewrite each as test_RevertWhen_…() with vm.expectRevert() before the call that must revert, or set [test] legacy_test_fail = true to run them as before",
                    count(refused, "testFail… function")
                );
            }
            if run.stopped_early {
                println!(
                    "stopped at the first failure (--fail-fast): the tests not yet started did not run"
                );
            }
        }
        if results.is_empty() {
            // Doing nothing is never a pass.
            let found = list_suite(&config, &build, &Default::default())?;
            let filter = &self.selection.request(&config).filter;
            eprintln!(
                "error: {}",
                render::tests::nothing_ran(&config, filter, &found)
            );
            return Ok(CHECK_FAILED.into());
        }
        if let Some(path) = &self.junit {
            std::fs::write(path, junit(results)?)
                .wrap_err_with(|| format!("writing the JUnit report to {}", path.display()))?;
        }
        Ok(if summary.failed > 0 {
            CHECK_FAILED.into()
        } else {
            ExitCode::SUCCESS
        })
    }
}
