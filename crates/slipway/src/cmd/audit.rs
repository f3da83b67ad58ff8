//! `slipway audit`: the project's Solidity dependencies against security
//! advisories and its compiler against solc's known bugs
//! (`slipway_infra::audit`); exit 1 on findings at or above `--fail-on`.

use std::{path::PathBuf, process::ExitCode, time::SystemTime};

use clap::Args;
use eyre::Result;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::output;

/// An advisory file older than this is said to be stale.
const STALE_DAYS: u64 = 90;

/// `slipway audit`.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Also write the findings as SARIF 2.1.0 (for GitHub code scanning).
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Fail (exit 1) on dependency findings at or above this severity
    /// (the compiler's known bugs fail at `[gates] lint_fail_on`, as in
    /// `slipway analyze`).
    #[arg(long, value_name = "S", default_value = "low", value_parser = ["info", "low", "medium", "high"])]
    fail_on: String,
    /// Make PATH the project's advisory file (written to
    /// solidity-advisories.json beside slipway.toml) before auditing: a
    /// checkout of github/advisory-database or a folder of GHSA JSON files,
    /// one GHSA JSON, or an advisory file of slipway's format.
    #[arg(long, value_name = "PATH")]
    update: Option<PathBuf>,
}

/// Today, `YYYY-MM-DD` (UTC).
fn today(now: SystemTime) -> String {
    humantime::format_rfc3339_seconds(now).to_string()[..10].to_owned()
}

/// Days from `read` (`YYYY-MM-DD`) to `now`, if it is a date.
fn age_days(read: &str, now: SystemTime) -> Option<u64> {
    let then = humantime::parse_rfc3339(&format!("{read}T00:00:00Z")).ok()?;
    Some(now.duration_since(then).ok()?.as_secs() / 86_400)
}

impl AuditArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let now = SystemTime::now();
        if let Some(source) = &self.update {
            let count =
                slipway_infra::audit::advisories::update(&config.root, source, &today(now))?;
            output::status(
                global.ui(),
                "Updated",
                &format!(
                    "{} in {}",
                    output::count(count, "advisory"),
                    config
                        .root
                        .join(slipway_infra::audit::advisories::PROJECT_FILE)
                        .display()
                ),
            );
        }
        let report = slipway_infra::audit(&config)?;
        let failing = report.failing(
            crate::findings::severity(&self.fail_on),
            config.gates.lint_fail_on,
        );
        if let Some(path) = &self.sarif {
            let log =
                slipway_analyze::sarif_log(&slipway_infra::audit::rule_set(), &report.findings);
            std::fs::write(path, serde_json::to_string_pretty(&log)? + "\n")
                .map_err(|e| eyre::eyre!("cannot write {}: {e}", path.display()))?;
        }
        if self.json {
            let json = serde_json::json!({
                "advisories": {
                    "from": report.advisories_from,
                    "source": report.advisories,
                    "count": report.advisory_count,
                },
                "dependencies": report.dependencies,
                "compiler": config.compiler.version.to_string(),
                "findings": report.findings,
                "failing": failing,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            for finding in &report.findings {
                println!(
                    "{}:{}: {} {}: {}",
                    finding.path.display(),
                    finding.line,
                    finding.severity.as_str(),
                    finding.id,
                    finding.message
                );
            }
            if !global.quiet {
                let source = &report.advisories;
                eprintln!(
                    "{} checked against {} ({}: {}, read {}); solc {} against {}",
                    output::count(report.dependencies.len(), "Solidity dependency"),
                    output::count(report.advisory_count, "advisory"),
                    report.advisories_from,
                    source.repository,
                    source.read,
                    config.compiler.version,
                    report.compiler_bugs.source,
                );
                eprintln!(
                    "{}: {} fail the audit (dependencies at or above {}, compiler bugs at or above {})",
                    output::count(report.findings.len(), "finding"),
                    failing,
                    self.fail_on,
                    config.gates.lint_fail_on.as_str()
                );
            }
        }
        if let Some(days) = age_days(&report.advisories.read, now).filter(|d| *d > STALE_DAYS) {
            tracing::warn!(
                "the advisory file was read {days} days ago ({}): newer advisories are not in it; refresh it with `slipway audit --update <a checkout of github/advisory-database>`",
                report.advisories.read
            );
        }
        Ok(if failing == 0 {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn dates_and_ages_are_counted_in_utc_days() {
        // 2026-12-07T12:00:00Z.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_644_800);
        assert_eq!(today(now), "2026-12-07");
        assert_eq!(age_days("2026-12-07", now), Some(0));
        assert_eq!(age_days("2026-09-01", now), Some(97));
        assert_eq!(age_days("not a date", now), None);
    }
}
