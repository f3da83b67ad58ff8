//! The flags `slipway analyze` and `slipway lint` share, turned into the
//! library's [`RunOptions`], and the build progress both show.

use std::path::PathBuf;

use clap::Args;
use slipway_analyze::{BuildSource, ProjectRun, RunError, RunOptions, Severity};
use slipway_config::Config;

use crate::{
    output::{self, Ui},
    render,
};

/// The flags both commands take.
#[derive(Debug, Args)]
pub(crate) struct FindingArgs {
    /// Only files under these paths (default: every file not excluded by
    /// `exclude_paths` in `[analyze]` or `[lint]`; `lib` and `node_modules` are).
    paths: Vec<PathBuf>,
    /// Only findings at or above this severity.
    #[arg(long, value_name = "S", value_parser = ["info", "low", "medium", "high"])]
    severity: Option<String>,
    /// Only these detectors or rules (comma-separated, or repeated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    only: Vec<String>,
    /// Not these detectors or rules (comma-separated, or repeated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    exclude: Vec<String>,
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Also write the findings as SARIF 2.1.0 (for GitHub code scanning).
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Count only findings this baseline does not hold; when FILE does not
    /// exist, record the current findings in it.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in the --baseline file, replacing it.
    #[arg(long, requires = "baseline")]
    update_baseline: bool,
    /// Read nothing from the cache: analyse every file again, and write
    /// the fresh results to the cache for the next run.
    #[arg(long)]
    no_cache: bool,
}

/// A severity as the command line spells it.
pub(crate) fn severity(text: &str) -> Severity {
    match text {
        "info" => Severity::Info,
        "low" => Severity::Low,
        "medium" => Severity::Medium,
        _ => Severity::High,
    }
}

impl FindingArgs {
    /// Whether the output is JSON.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    /// The library's options (`access_report` for analyze only).
    pub(crate) fn options(&self, offline: bool, access_report: Option<PathBuf>) -> RunOptions {
        RunOptions {
            paths: self.paths.clone(),
            severity: self.severity.as_deref().map(severity),
            only: self.only.clone(),
            exclude: self.exclude.clone(),
            sarif: self.sarif.clone(),
            baseline: self.baseline.clone(),
            update_baseline: self.update_baseline,
            no_cache: self.no_cache,
            access_report,
            offline,
        }
    }

    /// Runs `call` (analyze or lint) with the build's progress shown, then
    /// the build's outcome and the baseline it recorded.
    pub(crate) fn run(
        &self,
        ui: Ui,
        config: &Config,
        options: &RunOptions,
        call: fn(&Config, &RunOptions, BuildSource<'_>) -> Result<ProjectRun, RunError>,
    ) -> eyre::Result<ProjectRun> {
        let progress = render::build::Progress::new(ui);
        let on = |e: slipway_solc::BuildEvent<'_>| progress.on(e);
        let result = call(config, options, BuildSource::Compile(&on));
        let run = match result {
            Ok(run) => run,
            Err(e) => {
                progress.finish();
                return Err(e.into());
            }
        };
        match &run.build {
            Some(build) => progress.finished(build, self.json),
            None => {
                progress.finish();
                if run.unchanged {
                    render::build::unchanged(ui);
                }
            }
        }
        if let Some((file, n)) = &run.baseline_recorded {
            output::status(
                ui,
                "Recorded",
                &format!(
                    "{} in the baseline {}",
                    output::count(*n, "finding"),
                    file.display()
                ),
            );
        }
        Ok(run)
    }
}
