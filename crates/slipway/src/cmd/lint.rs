//! `slipway lint`: style, best-practice and gas rules on the same engine
//! and outputs as `slipway analyze`; `--fix` applies the mechanical fixes
//! after showing them as a diff.

use std::process::ExitCode;

use clap::Args;
use eyre::Result;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{findings::FindingArgs, output, render};

/// Lint the project's contracts: naming, declarations, documentation, dead
/// weight and gas patterns.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    findings: FindingArgs,
    /// Apply the mechanical fixes (visibility, `constant`/`immutable`,
    /// `calldata`, explicit types, a pinned pragma), after showing the diff.
    #[arg(long)]
    fix: bool,
    /// With --fix: show the diff, change nothing.
    #[arg(long, requires = "fix")]
    dry_run: bool,
}

impl LintArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let options = self.findings.options(global.offline, None);
        let run = self.findings.run(
            global.ui(),
            &config,
            &options,
            slipway_analyze::lint_project,
        )?;
        if self.fix {
            let compiler = slipway_solc::compiler(&config, global.offline, &|_| {})?;
            let fixed = slipway_analyze::apply_fixes(
                &config,
                &compiler,
                &run.report.findings,
                self.dry_run,
            )?;
            for file in &fixed.files {
                print!("{}", file.diff);
            }
            let verb = if fixed.written { "Fixed" } else { "Would fix" };
            output::status(
                global.ui(),
                verb,
                &format!(
                    "{} in {}",
                    output::count(fixed.applied(), "finding"),
                    output::count(fixed.files.len(), "file")
                ),
            );
            return Ok(ExitCode::SUCCESS);
        }
        let gate = run.gate;
        if self.findings.json() {
            let json = render::analyze::lint_json(&run.report, gate);
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            render::analyze::findings(global.ui(), &run.root, &run.report, gate);
        }
        Ok(if !run.passed() {
            ExitCode::from(CHECK_FAILED)
        } else {
            ExitCode::SUCCESS
        })
    }
}
