//! The coverage use case's last step: the SOP's gate (lines, branches and
//! functions at or above their minimums), with the files that fall short.

use std::path::PathBuf;

use serde::Serialize;
use slipway_config::Config;
use slipway_solc::BuildReport;

use crate::{CoverageHits, CoverageMap, CoverageReport, FileCoverage, Ratio};

/// The minimums, in percent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoverageGate {
    /// Lines.
    pub min_lines: f64,
    /// Branches.
    pub min_branches: f64,
    /// Functions.
    pub min_functions: f64,
}

/// A measure below its minimum.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateShortfall {
    /// `lines`, `branches` or `functions`.
    pub measure: &'static str,
    /// The minimum, percent.
    pub minimum: f64,
    /// The project's total, percent.
    pub total: f64,
    /// The files below the minimum, with their percentage.
    pub files: Vec<(PathBuf, f64)>,
}

impl std::fmt::Display for GateShortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(path, pct)| format!("{} ({pct:.2}%)", path.display()))
            .collect();
        write!(
            f,
            "{} {:.2}% < {}% — short: {}",
            self.measure,
            self.total,
            self.minimum,
            files.join(", ")
        )
    }
}

/// A measure: its name, minimum, project total and per-file ratio.
type Measure = (&'static str, f64, Ratio, fn(&FileCoverage) -> Ratio);

impl CoverageGate {
    /// The gate of `config` (`[gates]`).
    pub fn of(config: &Config) -> Self {
        Self {
            min_lines: config.gates.min_lines,
            min_branches: config.gates.min_branches,
            min_functions: config.gates.min_functions,
        }
    }

    /// The measures of `report` below their minimum (none: the gate passes).
    pub fn check(&self, report: &CoverageReport) -> Vec<GateShortfall> {
        let measures: [Measure; 3] = [
            (
                "lines",
                self.min_lines,
                report.lines(),
                FileCoverage::line_ratio,
            ),
            (
                "branches",
                self.min_branches,
                report.branches(),
                FileCoverage::branch_ratio,
            ),
            (
                "functions",
                self.min_functions,
                report.functions(),
                FileCoverage::function_ratio,
            ),
        ];
        measures
            .into_iter()
            .filter(|(_, minimum, total, _)| total.percent() < *minimum)
            .map(|(measure, minimum, total, of_file)| GateShortfall {
                measure,
                minimum,
                total: total.percent(),
                files: report
                    .files
                    .iter()
                    .map(|f| (f.path.clone(), of_file(f).percent()))
                    .filter(|(_, pct)| *pct < minimum)
                    .collect(),
            })
            .collect()
    }
}

/// The coverage of the project's sources (not its libraries or tests) by
/// the instructions `hits` counted, from a coverage-profile `build`.
pub fn measure(
    config: &Config,
    build: &BuildReport,
    hits: &CoverageHits,
) -> Result<CoverageReport, crate::CoverageError> {
    let excluded: Vec<PathBuf> = config
        .project
        .libs
        .iter()
        .cloned()
        .chain([config.project.test.clone()])
        .collect();
    Ok(CoverageMap::from_build(
        &build.artifacts,
        &config.root,
        &config.project.src,
        &excluded,
    )?
    .report(hits))
}
