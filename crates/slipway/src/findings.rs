//! What `slipway analyze` and `slipway lint` share: the selection flags,
//! the build they run on, the engine run, the baseline and the SARIF file.

use std::path::{Path, PathBuf};

use clap::Args;
use eyre::{Result, WrapErr, bail};
use slipway_analyze::{Baseline, Family, Options, Report, Severity};
use slipway_config::{AnalyzeConfig, Config};
use slipway_solc::{BuildReport, BuildRequest, Built, DiagnosticSeverity, Profile};

use crate::{cmd::GlobalOpts, output, render};

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
    /// Analyse every file again instead of reusing unchanged files' results.
    #[arg(long)]
    no_cache: bool,
}

/// One run: the build it ran on and what it found.
pub(crate) struct Run {
    /// The project root.
    pub(crate) root: PathBuf,
    /// The build (its artifacts hold the ASTs); none when nothing changed
    /// since the last run and the cache answered without reading it.
    pub(crate) build: Option<BuildReport>,
    /// The findings.
    pub(crate) report: Report,
    /// The options the engine ran with.
    pub(crate) options: Options,
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

impl FindingArgs {
    /// Whether the output is JSON.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    /// Builds the project (no second compile: the build cache answers),
    /// runs `family` on it, applies the baseline and writes SARIF. When no
    /// source changed since the last build and `reuse` allows it, the
    /// findings come from the analysis cache without reading the build's
    /// output at all.
    pub(crate) fn run(
        &self,
        global: &GlobalOpts,
        config: &Config,
        family: Family,
        selection: &AnalyzeConfig,
        reuse: bool,
    ) -> Result<Run> {
        let root = config.root.clone();
        let paths = self
            .paths
            .iter()
            .map(|p| relative_to_root(p, &root))
            .collect::<Result<Vec<_>>>()?;
        let test_dir = config
            .project
            .test
            .strip_prefix(&root)
            .unwrap_or(&config.project.test)
            .to_path_buf();
        let cache = match family {
            Family::Security => "cache/analyze.json",
            Family::Lint => "cache/lint.json",
        };
        let mut options = Options {
            family,
            skip_dirs: if selection.tests || !paths.is_empty() {
                Vec::new()
            } else {
                vec![test_dir]
            },
            paths,
            only: self.only.clone(),
            exclude: self.exclude.clone(),
            min_severity: self.severity.as_deref().map(severity),
            cache_file: (!self.no_cache).then(|| root.join(slipway_solc::STATE_DIR).join(cache)),
            build_info_dir: None,
        };
        let progress = render::build::Progress::new(global);
        let request = BuildRequest {
            profile: Profile::Default,
            offline: global.offline,
            allow_unchanged: reuse && !self.no_cache,
        };
        let built = match slipway_solc::compile_project(config, request, &|e| progress.on(e)) {
            Ok(built) => built,
            Err(e) => {
                progress.finish();
                return Err(e.into());
            }
        };
        let build = match built {
            Built::Unchanged { .. } => {
                render::build::unchanged(global);
                if let Some(report) = slipway_analyze::analyze_cached(&root, selection, &options) {
                    let report = self.after(global, &root, report)?;
                    return Ok(Run {
                        root,
                        build: None,
                        report,
                        options,
                    });
                }
                render::build::compile(global, config, Profile::Default, self.json)?
            }
            Built::Compiled(report) => {
                progress.finished(&report, self.json);
                *report
            }
        };
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
        options.build_info_dir = Some(build.artifacts_dir.join("build-info"));
        let report = slipway_analyze::analyze(&root, &sources, selection, &options)?;
        let report = self.after(global, &root, report)?;
        Ok(Run {
            root,
            build: Some(build),
            report,
            options,
        })
    }

    /// The baseline and the SARIF file.
    fn after(&self, global: &GlobalOpts, root: &Path, mut report: Report) -> Result<Report> {
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
        if let Some(file) = &self.sarif {
            let text = serde_json::to_string_pretty(&slipway_analyze::sarif(&report))?;
            std::fs::write(file, text + "\n")
                .wrap_err_with(|| format!("cannot write the SARIF file {}", file.display()))?;
        }
        Ok(report)
    }
}

/// Counted findings at or above the gate.
pub(crate) fn failing(report: &Report, gate: Severity) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity >= gate)
        .count()
}
