//! A build as the terminal shows it: the compiler's installation and notes,
//! a spinner while solc runs, its diagnostics, and what was compiled.

use crate::output::count;
use std::{cell::RefCell, time::Instant};

use eyre::Result;
use slipway_config::Config;
use slipway_solc::{BuildEvent, BuildReport, DiagnosticSeverity, Profile};
use yansi::Paint;

use crate::output::{Ui, status};

/// Renders [`BuildEvent`]s as they come.
pub(crate) struct Progress {
    ui: Ui,
    spinner: RefCell<Option<(indicatif::ProgressBar, Instant)>>,
}

impl Progress {
    pub(crate) fn new(ui: Ui) -> Self {
        Self {
            ui,
            spinner: RefCell::new(None),
        }
    }

    /// Shows one event.
    pub(crate) fn on(&self, event: BuildEvent<'_>) {
        match event {
            BuildEvent::Installing(line) => status(self.ui, "Installing", line),
            BuildEvent::CompilerNote(note) => status(self.ui, "Compiler", note),
            BuildEvent::Compiling(compiler) => {
                if !self.ui.quiet {
                    let bar = indicatif::ProgressBar::new_spinner();
                    bar.set_message(format!("compiling with solc {}", compiler.version));
                    bar.enable_steady_tick(std::time::Duration::from_millis(120));
                    *self.spinner.borrow_mut() = Some((bar, Instant::now()));
                }
            }
        }
    }

    /// Ends the spinner; how long compilation took.
    pub(crate) fn finish(&self) -> Option<std::time::Duration> {
        self.spinner.borrow_mut().take().map(|(bar, started)| {
            bar.finish_and_clear();
            started.elapsed()
        })
    }

    /// Shows the outcome of a build: diagnostics (unless `quiet`, for
    /// JSON output) and what was compiled.
    pub(crate) fn finished(&self, report: &BuildReport, quiet: bool) {
        let took = self.finish();
        if quiet {
            return;
        }
        for d in &report.diagnostics {
            let head = match d.severity {
                DiagnosticSeverity::Error => d.rendered.red().to_string(),
                DiagnosticSeverity::Warning => d.rendered.yellow().to_string(),
                DiagnosticSeverity::Info => d.rendered.clone(),
            };
            match &d.help {
                Some(help) => eprintln!("{head}\n  {} {help}\n", "= help:".bold()),
                None => eprintln!("{head}\n"),
            }
        }
        if report.unchanged {
            unchanged(self.ui);
        } else {
            let n = report.compiled_sources.len();
            status(
                self.ui,
                "Compiled",
                &format!(
                    "{} with solc {}{}",
                    count(n, "file"),
                    report.compiler.version,
                    took.map(|t| format!(" in {t:.2?}")).unwrap_or_default()
                ),
            );
        }
    }
}

/// "Unchanged": nothing was compiled.
pub(crate) fn unchanged(ui: Ui) {
    status(ui, "Unchanged", "no source changed; compilation skipped");
}

/// Builds the project (for commands that go on to test, deploy or verify),
/// showing progress and diagnostics (unless `quiet`).
pub(crate) fn compile(
    ui: Ui,
    offline: bool,
    config: &Config,
    profile: Profile,
    quiet: bool,
    need: &dyn Fn(&slipway_solc::BuiltContract) -> slipway_solc::Need,
) -> Result<BuildReport> {
    let progress = Progress::new(ui);
    match slipway_solc::compile_for(config, profile, offline, &|e| progress.on(e), need) {
        Ok(report) => {
            progress.finished(&report, quiet);
            Ok(report)
        }
        Err(e) => {
            progress.finish();
            Err(e.into())
        }
    }
}
