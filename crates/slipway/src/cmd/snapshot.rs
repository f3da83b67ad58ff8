//! `slipway snapshot`: the gas of every test in `.gas-snapshot`, and the
//! check of a change against it.

use crate::output::count;
use std::process::ExitCode;

use clap::Args;
use eyre::{Result, WrapErr, bail};
use slipway_solc::Profile;
use slipway_test_runner::{
    GasChange, SuiteRequest, compare_snapshots, format_snapshot, parse_snapshot, run_suite,
    snapshot_of,
};
use yansi::Paint;

use super::{CHECK_FAILED, GlobalOpts};
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
        if let Some(t) = self.tolerance
            && !(0.0..=1000.0).contains(&t)
        {
            bail!("--tolerance must be a percentage between 0 and 1000, not {t}");
        }
        let config = global.config()?;
        let build = render::build::compile(global, &config, Profile::Default, false)?;
        // A fixed default seed, so fuzz tests give the same figures each run.
        let request = SuiteRequest {
            default_seed: Some(0),
            trace_failures: global.verbose >= 3,
            ..self.selection.request()
        };
        let run = run_suite(&config, &build, &request)?;
        let summary = run.summary();
        if summary.failed > 0 {
            print!(
                "{}",
                render::tests::text(&run.results, global.verbose, run.seed)
            );
            println!();
            eprintln!(
                "{} failed: fix them before taking or checking a gas snapshot",
                count(summary.failed, "test")
            );
            return Ok(CHECK_FAILED.into());
        }
        let path = config
            .root
            .join(self.snap.as_deref().unwrap_or(".gas-snapshot".as_ref()));
        let current = snapshot_of(&run.results);
        if !self.check && !self.diff {
            std::fs::write(&path, format_snapshot(&current))
                .wrap_err_with(|| format!("writing {}", path.display()))?;
            println!("Wrote {} tests to {}", current.len(), path.display());
            return Ok(ExitCode::SUCCESS);
        }
        let text = std::fs::read_to_string(&path).wrap_err_with(|| {
            format!(
                "cannot read {}; run `slipway snapshot` first to write it",
                path.display()
            )
        })?;
        let saved = parse_snapshot(&text).wrap_err_with(|| format!("in {}", path.display()))?;
        let tolerance = self.tolerance.unwrap_or(config.gates.gas_tolerance);
        let changes = compare_snapshots(&saved, &current, tolerance);
        for change in &changes {
            println!("{}", describe(change));
        }
        let regressions = changes.iter().filter(|c| c.regression).count();
        if changes.is_empty() {
            println!("No gas changes against {}", path.display());
        } else {
            println!(
                "\n{}, {regressions} beyond the {tolerance}% tolerance",
                count(changes.len(), "change")
            );
        }
        Ok(if self.check && regressions > 0 {
            CHECK_FAILED.into()
        } else {
            ExitCode::SUCCESS
        })
    }
}
