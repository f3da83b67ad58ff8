//! `slipway analyze`: the security detectors on the build slipway already
//! has; findings as text, JSON or SARIF; the access-control review; the
//! compiler's known bugs; exit by `[gates] lint_fail_on`.

use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use eyre::{Result, bail};
use slipway_analyze::Family;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{findings::FindingArgs, output, render};

/// Analyse the project's contracts for security problems.
#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    #[command(flatten)]
    findings: FindingArgs,
    /// Also write the access-control review (roles and their admins, the
    /// functions each role may call, the public entry points) as Markdown.
    #[arg(long, value_name = "FILE")]
    access_report: Option<PathBuf>,
    /// Make FILE (solc's docs/bugs.json) the project's list of known
    /// compiler bugs (written to solc-bugs.json beside slipway.toml).
    #[arg(long, value_name = "FILE")]
    update_bugs: Option<PathBuf>,
}

impl AnalyzeArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let root = config.root.clone();
        if let Some(file) = &self.update_bugs {
            let count = slipway_analyze::bugs::update(&root, file)?;
            output::status(
                global.ui(),
                "Updated",
                &format!(
                    "{count} known compiler bugs in {}",
                    root.join(slipway_analyze::bugs::PROJECT_FILE).display()
                ),
            );
        }
        let options = self
            .findings
            .options(global.offline, self.access_report.clone());
        let run = self.findings.run(
            global.ui(),
            &config,
            &options,
            slipway_analyze::analyze_project,
        )?;
        if let Some(file) = &self.access_report {
            output::status(
                global.ui(),
                "Wrote",
                &format!("the access-control review to {}", file.display()),
            );
        }
        let gate = run.gate;
        let Some(compiler_bugs) = &run.compiler_bugs else {
            bail!("the run did not check the compiler's known bugs");
        };
        if self.findings.json() {
            let json = render::analyze::json(&run.report, compiler_bugs, gate);
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            render::analyze::findings(global.ui(), &root, &run.report, gate);
            render::analyze::compiler_bugs(compiler_bugs, &config.compiler.version);
        }
        Ok(if !run.passed() {
            ExitCode::from(CHECK_FAILED)
        } else {
            ExitCode::SUCCESS
        })
    }
}

/// Print what a detector finds, why it matters, and an example.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The detector's id (`reentrancy-eth`).
    #[arg(required_unless_present = "list")]
    id: Option<String>,
    /// List every detector and lint rule with its severity and title.
    #[arg(long)]
    list: bool,
}

impl ExplainArgs {
    pub(crate) fn run(self, _global: &GlobalOpts) -> Result<ExitCode> {
        if self.list {
            let mut table = output::table(&["id", "command", "severity", "confidence", "title"]);
            for (family, command) in [(Family::Security, "analyze"), (Family::Lint, "lint")] {
                for d in family.detectors() {
                    table.add_row([
                        d.id.to_owned(),
                        command.to_owned(),
                        format!("{:?}", d.severity).to_lowercase(),
                        format!("{:?}", d.confidence).to_lowercase(),
                        d.title.to_owned(),
                    ]);
                }
            }
            println!("{table}");
            return Ok(ExitCode::SUCCESS);
        }
        let id = self.id.unwrap_or_default();
        let Some(detector) = slipway_analyze::find_detector(&id) else {
            let close = slipway_analyze::all_detectors()
                .into_iter()
                .chain(Family::Lint.detectors())
                .filter(|d| d.id.contains(&id) || id.contains(d.id))
                .map(|d| d.id)
                .collect::<Vec<_>>();
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", close.join(", "))
            };
            bail!("no detector has the id `{id}`{hint}; `slipway explain --list` lists them");
        };
        print!("{}", slipway_analyze::explain(detector));
        Ok(ExitCode::SUCCESS)
    }
}
