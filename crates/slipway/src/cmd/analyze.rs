//! `slipway analyze`: the security detectors on the build slipway already
//! has; findings as text, JSON or SARIF; exit by `[gates] lint_fail_on`.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Args;
use eyre::{Result, WrapErr, bail};
use slipway_analyze::{Baseline, Options, Severity};
use slipway_solc::{DiagnosticSeverity, Profile};

use super::{CHECK_FAILED, GlobalOpts};
use crate::{output, render};

/// Analyse the project's contracts for security problems.
#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    /// Only files under these paths (default: every file not excluded by
    /// `[analyze] exclude_paths`; `lib` and `node_modules` are).
    paths: Vec<PathBuf>,
    /// Only findings at or above this severity.
    #[arg(long, value_name = "S", value_parser = ["info", "low", "medium", "high"])]
    severity: Option<String>,
    /// Only these detectors (comma-separated, or repeated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    only: Vec<String>,
    /// Not these detectors (comma-separated, or repeated).
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
    /// Analyse every file again instead of reusing unchanged files' results.
    #[arg(long)]
    no_cache: bool,
    /// Also write the access-control review (roles and their admins, the
    /// functions each role may call, the public entry points) as Markdown.
    #[arg(long, value_name = "FILE")]
    access_report: Option<PathBuf>,
    /// Make FILE (solc's docs/bugs.json) the project's list of known
    /// compiler bugs (written to solc-bugs.json beside slipway.toml).
    #[arg(long, value_name = "FILE")]
    update_bugs: Option<PathBuf>,
}

fn severity(text: &str) -> Severity {
    match text {
        "info" => Severity::Info,
        "low" => Severity::Low,
        "medium" => Severity::Medium,
        _ => Severity::High,
    }
}

/// `path` (relative to the project root, or to the working directory, or
/// absolute) relative to the project root.
fn relative_to_root(path: &Path, root: &Path) -> Result<PathBuf> {
    if path.is_relative() && root.join(path).exists() {
        return Ok(path.to_path_buf());
    }
    let absolute = std::path::absolute(path)?;
    if !absolute.exists() {
        bail!(
            "{} does not exist (a relative path is taken from the project root, {})",
            path.display(),
            root.display()
        );
    }
    match absolute.strip_prefix(root) {
        Ok(relative) => Ok(relative.to_path_buf()),
        Err(_) => bail!(
            "{} is outside the project ({}); name files or directories inside it",
            path.display(),
            root.display()
        ),
    }
}

impl AnalyzeArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let root = config.root.clone();
        let paths = self
            .paths
            .iter()
            .map(|p| relative_to_root(p, &root))
            .collect::<Result<Vec<_>>>()?;
        if let Some(file) = &self.update_bugs {
            let count = slipway_analyze::bugs::update(&root, file)?;
            output::status(
                global,
                "Updated",
                &format!(
                    "{count} known compiler bugs in {}",
                    root.join(slipway_analyze::bugs::PROJECT_FILE).display()
                ),
            );
        }
        let build = render::build::compile(global, &config, Profile::Default, self.json)?;
        if build.has_errors() {
            let first = build
                .diagnostics
                .iter()
                .find(|d| d.severity == DiagnosticSeverity::Error)
                .map(|d| d.message.clone())
                .unwrap_or_default();
            bail!(
                "the project does not compile, so it cannot be analysed: {first}\n  run `slipway build` to see every error"
            );
        }
        let sources = slipway_analyze::sources_of(&build.artifacts);
        // The test directory is left out unless asked for (`[analyze] tests`,
        // or named on the command line).
        let test_dir = config
            .project
            .test
            .strip_prefix(&root)
            .unwrap_or(&config.project.test)
            .to_path_buf();
        let skip_dirs = if config.analyze.tests || !paths.is_empty() {
            Vec::new()
        } else {
            vec![test_dir]
        };
        let options = Options {
            paths,
            skip_dirs,
            only: self.only.clone(),
            exclude: self.exclude.clone(),
            min_severity: self.severity.as_deref().map(severity),
            cache_file: (!self.no_cache).then(|| {
                root.join(slipway_solc::STATE_DIR)
                    .join("cache/analyze.json")
            }),
            build_info_dir: Some(build.artifacts_dir.join("build-info")),
        };
        let mut report = slipway_analyze::analyze(&root, &sources, &config.analyze, &options)?;

        if let Some(file) = &self.baseline {
            let file = root.join(file);
            match Baseline::load(&file)? {
                Some(baseline) if !self.update_baseline => baseline.apply(&mut report.findings),
                _ => {
                    let baseline = Baseline::record(&report.findings);
                    baseline.save(&file)?;
                    baseline.apply(&mut report.findings);
                    output::status(
                        global,
                        "Recorded",
                        &format!(
                            "{} in the baseline {}",
                            output::count(baseline.findings.len(), "finding"),
                            file.display()
                        ),
                    );
                }
            }
        }
        if let Some(file) = &self.access_report {
            let text = slipway_analyze::access_report(&root, &sources, &config.analyze, &options)?;
            std::fs::write(file, text)
                .wrap_err_with(|| format!("cannot write the access report {}", file.display()))?;
            output::status(
                global,
                "Wrote",
                &format!("the access-control review to {}", file.display()),
            );
        }
        if let Some(file) = &self.sarif {
            let text = serde_json::to_string_pretty(&slipway_analyze::sarif(&report))?;
            std::fs::write(file, text + "\n")
                .wrap_err_with(|| format!("cannot write the SARIF file {}", file.display()))?;
        }
        let gate = config.gates.lint_fail_on;
        let compiler_bugs = slipway_analyze::bugs::check(&root, &config.compiler, || {
            sources
                .iter()
                .filter_map(|s| std::fs::read_to_string(root.join(s.path)).ok())
                .collect()
        })?;
        let failing = report
            .findings
            .iter()
            .filter(|f| f.counts() && f.severity >= gate)
            .count()
            + compiler_bugs
                .applicable
                .iter()
                .filter(|b| b.bug.gate_severity() >= gate)
                .count();
        if self.json {
            let json = render::analyze::json(&report, &compiler_bugs, gate);
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            render::analyze::findings(global, &root, &report, gate);
            render::analyze::compiler_bugs(&compiler_bugs, &config.compiler.version);
        }
        Ok(if failing > 0 {
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
    /// List every detector with its severity and title.
    #[arg(long)]
    list: bool,
}

impl ExplainArgs {
    pub(crate) fn run(self, _global: &GlobalOpts) -> Result<ExitCode> {
        if self.list {
            let mut table = output::table(&["id", "severity", "confidence", "title"]);
            for d in slipway_analyze::all_detectors() {
                table.add_row([
                    d.id.to_owned(),
                    format!("{:?}", d.severity).to_lowercase(),
                    format!("{:?}", d.confidence).to_lowercase(),
                    d.title.to_owned(),
                ]);
            }
            println!("{table}");
            return Ok(ExitCode::SUCCESS);
        }
        let id = self.id.unwrap_or_default();
        let Some(detector) = slipway_analyze::find_detector(&id) else {
            let close = slipway_analyze::all_detectors()
                .into_iter()
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
