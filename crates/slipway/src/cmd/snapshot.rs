//! `slipway snapshot`: the gas of every test in `.gas-snapshot`, and the
//! check of a change against it.

use crate::output::count;
use std::process::ExitCode;

use clap::Args;
use eyre::Result;
use slipway_solc::Profile;
use slipway_test_runner::{
    GasChange, SnapshotMode, SnapshotOutcome, SnapshotRequest, SuiteRequest, snapshot,
};
use yansi::Paint;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{args::Selection, render};

/// Write the gas of every test to .gas-snapshot, or compare with it.
#[derive(Debug, Args)]
pub(crate) struct SnapshotArgs {
    #[command(flatten)]
    selection: Selection,
    /// Compare with the snapshot instead of writing it: fail on any test
    /// whose gas rose beyond the tolerance.
    #[arg(long, conflicts_with = "diff")]
    check: bool,
    /// Show the changes against the snapshot without failing or writing.
    #[arg(long)]
    diff: bool,
    /// Allowed rise per test, in percent (default: `[gates] gas_tolerance`).
    #[arg(long, value_name = "PCT")]
    tolerance: Option<f64>,
    /// The snapshot file (default: .gas-snapshot in the project root).
    #[arg(long, value_name = "FILE")]
    snap: Option<std::path::PathBuf>,
}

fn describe(change: &GasChange) -> String {
    match (change.old, change.new, change.percent()) {
        (Some(old), Some(new), Some(pct)) => {
            let line = format!(
                "{} (gas: {old} → {new} | {:+} {pct:+.2}%)",
                change.test,
                i128::from(new) - i128::from(old)
            );
            if change.regression {
                line.red().to_string()
            } else if new < old {
                line.green().to_string()
            } else {
                line.yellow().to_string()
            }
        }
        (None, Some(new), _) => format!("{} (gas: new test, {new})", change.test),
        (Some(old), None, _) => format!("{} (gas: {old}, test gone)", change.test),
        _ => change.test.clone(),
    }
}

impl SnapshotArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let mode = match (self.check, self.diff) {
            (true, _) => SnapshotMode::Check,
            (_, true) => SnapshotMode::Diff,
            _ => SnapshotMode::Write,
        };
        let mut request = SnapshotRequest::for_project(&config, mode);
        if let Some(file) = &self.snap {
            request.file = config.root.join(file);
        }
        if let Some(tolerance) = self.tolerance {
            request.tolerance = tolerance;
        }
        let suite = SuiteRequest {
            trace_failures: global.verbose >= 3,
            ..self.selection.request(&config)
        };
        let need = slipway_test_runner::artifact_need(&config, &suite)?;
        let build = global.build(&config, Profile::Default, false, &need)?;
        let outcome = snapshot(&config, &build, &suite, &request)?;
        match &outcome {
            SnapshotOutcome::TestsFailed(run) => {
                print!(
                    "{}",
                    render::tests::text(&run.results, global.verbose, run.seed)
                );
                println!();
                eprintln!(
                    "{} failed: fix them before taking or checking a gas snapshot",
                    count(run.summary().failed, "test")
                );
            }
            SnapshotOutcome::Written { tests: 0, file } => {
                eprintln!(
                    "error: no test ran, so nothing was written to {}",
                    file.display()
                );
                return Ok(CHECK_FAILED.into());
            }
            SnapshotOutcome::Written { file, tests } => {
                println!("Wrote {tests} tests to {}", file.display());
            }
            SnapshotOutcome::Compared { comparison, .. } => {
                for change in &comparison.changes {
                    println!("{}", describe(change));
                }
                if comparison.changes.is_empty() {
                    println!("No gas changes against {}", comparison.file.display());
                } else {
                    println!(
                        "\n{}, {} failing the check (unit tests must match exactly, fuzz medians may rise {}%, invariant tests are not compared)",
                        count(comparison.changes.len(), "change"),
                        comparison.regressions(),
                        comparison.tolerance
                    );
                }
            }
        }
        Ok(if outcome.passed() {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
