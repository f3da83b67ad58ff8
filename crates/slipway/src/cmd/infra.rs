//! `slipway infra check [PATHS]`: Dockerfiles, compose files, ECS task
//! definitions and CloudFormation templates against SOP §2.2's hardening
//! rules (`slipway_infra::check`); exit 1 on findings.

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Subcommand};
use eyre::Result;

use crate::global::{CHECK_FAILED, GlobalOpts};

/// `slipway infra …`.
#[derive(Debug, Args)]
pub(crate) struct InfraArgs {
    #[command(subcommand)]
    command: InfraCommand,
}

#[derive(Debug, Subcommand)]
enum InfraCommand {
    /// Check Dockerfiles, compose files, ECS task definitions and
    /// CloudFormation templates against the hardening rules (privileged
    /// mode, limits, read-only root, capabilities, no-new-privileges,
    /// internal networks, public ports, health checks, plain secrets,
    /// non-root users); exit 1 on findings.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or folders (default: infra/, and the Dockerfiles and compose
    /// files at the project root).
    paths: Vec<PathBuf>,
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Also write the findings as SARIF 2.1.0 (for GitHub code scanning).
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
}

impl InfraArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let InfraCommand::Check(args) = self.command;
        let root = global.root()?;
        let report = slipway_infra::check(&root, &args.paths)?;
        if let Some(path) = &args.sarif {
            let log = slipway_analyze::sarif_log(&slipway_infra::rule_set(), &report.findings);
            std::fs::write(path, serde_json::to_string_pretty(&log)? + "\n")
                .map_err(|e| eyre::eyre!("cannot write {}: {e}", path.display()))?;
        }
        if args.json {
            let json = serde_json::json!({
                "files": report.files,
                "findings": report.findings,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            for finding in &report.findings {
                println!(
                    "{}:{}:{}: {:?} {}: {}",
                    finding.path.display(),
                    finding.line,
                    finding.column,
                    finding.severity,
                    finding.id,
                    finding.message
                );
            }
            if !global.quiet {
                eprintln!(
                    "{} in {}",
                    crate::output::count(report.findings.len(), "finding"),
                    crate::output::count(report.files.len(), "file")
                );
            }
        }
        Ok(if report.findings.is_empty() {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
