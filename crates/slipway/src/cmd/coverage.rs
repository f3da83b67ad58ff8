//! `slipway coverage`: line, statement, branch and function coverage of the
//! sources, with the SOP's gate.

use crate::output::count;
use std::{path::PathBuf, process::ExitCode};

use clap::{Args, ValueEnum};
use eyre::{Result, WrapErr, bail};
use slipway_solc::{Need, Profile};
use slipway_test_runner::{
    CoverageGate, CoverageReport, SuiteRequest, measure_coverage, run_suite,
};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{args::Selection, render};

/// A form of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ReportKind {
    /// A table per file and in total.
    Summary,
    /// lcov's tracefile (for genhtml and CI coverage services).
    Lcov,
    /// JSON on stdout.
    Json,
}

/// Measure coverage of the sources by the tests, and check the gate.
#[derive(Debug, Args)]
pub(crate) struct CoverageArgs {
    #[command(flatten)]
    selection: Selection,
    /// Reports to produce (repeatable).
    #[arg(long = "report", value_enum, default_values_t = [ReportKind::Summary, ReportKind::Lcov])]
    reports: Vec<ReportKind>,
    /// Where the lcov report goes.
    #[arg(long, value_name = "FILE", default_value = "lcov.info")]
    lcov_file: PathBuf,
    /// Minimum line coverage, percent (default: `[gates] min_lines`).
    #[arg(long, value_name = "PCT")]
    min_lines: Option<f64>,
    /// Minimum branch coverage, percent (default: `[gates] min_branches`).
    #[arg(long, value_name = "PCT")]
    min_branches: Option<f64>,
    /// Minimum function coverage, percent (default: `[gates] min_functions`).
    #[arg(long, value_name = "PCT")]
    min_functions: Option<f64>,
}

fn summary(report: &CoverageReport) -> String {
    let mut table =
        crate::output::table(&["File", "% Lines", "% Statements", "% Branches", "% Funcs"]);
    for file in &report.files {
        table.add_row([
            file.path.display().to_string(),
            file.line_ratio().to_string(),
            file.statement_ratio().to_string(),
            file.branch_ratio().to_string(),
            file.function_ratio().to_string(),
        ]);
    }
    table.add_row([
        "Total".to_owned(),
        report.lines().to_string(),
        report.statements().to_string(),
        report.branches().to_string(),
        report.functions().to_string(),
    ]);
    table.to_string()
}

impl CoverageArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        for (flag, value) in [
            ("--min-lines", self.min_lines),
            ("--min-branches", self.min_branches),
            ("--min-functions", self.min_functions),
        ] {
            if let Some(v) = value
                && !(0.0..=100.0).contains(&v)
            {
                bail!("{flag} must be a percentage from 0 to 100, not {v}");
            }
        }
        let json = self.reports.contains(&ReportKind::Json);
        let config = global.config()?;
        let build = global.build(&config, Profile::Coverage, json, &|_| Need::Everything)?;
        let request = SuiteRequest {
            coverage: true,
            trace_failures: global.verbose >= 3,
            ..self.selection.request(&config)
        };
        let run = run_suite(&config, &build, &request)?;
        let report = measure_coverage(&config, &build, &run.hits)?;
        let summary_counts = run.summary();
        if summary_counts.failed > 0 && !json {
            print!(
                "{}",
                render::tests::text(&run.results, global.verbose, run.seed)
            );
            println!();
        }

        if self.reports.contains(&ReportKind::Lcov) {
            let path = config.root.join(&self.lcov_file);
            std::fs::write(&path, report.lcov())
                .wrap_err_with(|| format!("writing {}", path.display()))?;
            if !json {
                println!("Wrote {}", path.display());
            }
        }
        if self.reports.contains(&ReportKind::Summary) && !json {
            println!("{}", summary(&report));
        }
        let configured = CoverageGate::of(&config);
        let gate = CoverageGate {
            min_lines: self.min_lines.unwrap_or(configured.min_lines),
            min_branches: self.min_branches.unwrap_or(configured.min_branches),
            min_functions: self.min_functions.unwrap_or(configured.min_functions),
        };
        let short = gate.check(&report);
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "files": report.files,
                    "total": {
                        "lines": report.lines(),
                        "statements": report.statements(),
                        "branches": report.branches(),
                        "functions": report.functions(),
                    },
                    "tests": summary_counts,
                    "gate": short,
                }))?
            );
        }
        if !short.is_empty() {
            eprintln!("coverage below the gate:");
            for line in &short {
                eprintln!("  {line}");
            }
        }
        if summary_counts.failed > 0 {
            eprintln!(
                "{} failed: coverage counts only what the passing code ran",
                count(summary_counts.failed, "test")
            );
        }
        Ok(if short.is_empty() && summary_counts.failed == 0 {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
