//! `slipway analyze` and `slipway lint` as library calls: the files
//! chosen, the build they run on (the caller's, or the build cache's answer
//! — never a second compile), the analysis cache's fast path, the engine,
//! the baseline, the SARIF file, the access review and the compiler's known
//! bugs, and the gate. The binary only renders the [`ProjectRun`]; a
//! pipeline calls the same functions with the build it already holds.

use std::path::{Path, PathBuf};

use slipway_config::{AnalyzeConfig, Config};
use slipway_solc::{
    BuildEvent, BuildReport, BuildRequest, Built, DiagnosticSeverity, Profile, SolcError,
};

use crate::{
    AnalyzeError, Baseline, BaselineError, Family, Options, Report, Severity, access_report,
    analyze, analyze_cached,
    bugs::{self, BugReport, BugsError},
    sources_of,
};

/// What a run is asked for, as the command's flags say it.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only files under these paths: relative to the project root, to the
    /// working directory, or absolute (inside the project).
    pub paths: Vec<PathBuf>,
    /// Only findings at or above this severity.
    pub severity: Option<Severity>,
    /// Only these detectors or rules.
    pub only: Vec<String>,
    /// Not these detectors or rules.
    pub exclude: Vec<String>,
    /// Also write the findings as SARIF 2.1.0 here.
    pub sarif: Option<PathBuf>,
    /// Count only findings this baseline does not hold; record it when the
    /// file does not exist.
    pub baseline: Option<PathBuf>,
    /// Record the current findings in the baseline, replacing it.
    pub update_baseline: bool,
    /// Analyse every file again.
    pub no_cache: bool,
    /// (analyze) Also write the access-control review here.
    pub access_report: Option<PathBuf>,
    /// Never use the network for the compiler.
    pub offline: bool,
}

/// Where the build comes from.
pub enum BuildSource<'a> {
    /// A build the caller already made (a pipeline): used as it is.
    Given(&'a BuildReport),
    /// Build now through the build cache, reporting slow steps.
    Compile(&'a dyn Fn(BuildEvent<'_>)),
}

/// What one run found, and what it wrote.
#[derive(Debug)]
pub struct ProjectRun {
    /// The project root.
    pub root: PathBuf,
    /// The build the run compiled itself (none when it was given one, or
    /// when the analysis cache answered without reading the build).
    pub build: Option<BuildReport>,
    /// Whether the build cache said nothing changed.
    pub unchanged: bool,
    /// The findings.
    pub report: Report,
    /// The options the engine ran with.
    pub options: Options,
    /// (analyze) The compiler's known bugs that apply.
    pub compiler_bugs: Option<BugReport>,
    /// The severity at or above which a counted finding fails.
    pub gate: Severity,
    /// Counted findings and applicable bugs at or above the gate.
    pub failing: usize,
    /// A baseline recorded in this run: its file and how many findings.
    pub baseline_recorded: Option<(PathBuf, usize)>,
}

impl ProjectRun {
    /// Whether the gate passed.
    pub fn passed(&self) -> bool {
        self.failing == 0
    }
}

/// Why a run could not finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A path is not inside the project.
    #[error("{0}")]
    Path(String),
    /// `[lint] rules` names something that is no rule.
    #[error("[lint] rules names `{0}`, which is no lint rule; `slipway explain --list` lists them")]
    UnknownRule(String),
    /// The build failed to run.
    #[error(transparent)]
    Build(#[from] SolcError),
    /// The sources do not compile.
    #[error(
        "the project does not compile, so it cannot be analysed: {0}\n  run `slipway build` to see every error"
    )]
    DoesNotCompile(String),
    /// The build answered without its output.
    #[error("the build cache answered without the build's output; run `slipway build`, then again")]
    NoBuild,
    /// The engine refused.
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    /// The baseline file.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// The known-bugs list.
    #[error(transparent)]
    Bugs(#[from] BugsError),
    /// A report file could not be written.
    #[error("cannot write the {what} {}: {source}", path.display())]
    Write {
        /// Which report.
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// `slipway analyze`: the security detectors, the access review when
/// asked, the compiler's known bugs, the gate `[gates] lint_fail_on`.
pub fn analyze_project(
    config: &Config,
    options: &RunOptions,
    build: BuildSource<'_>,
) -> Result<ProjectRun, RunError> {
    // The access report reads the build; everything else can come from the
    // cache when nothing changed.
    let reuse = options.access_report.is_none();
    let mut run = run(
        config,
        options,
        Family::Security,
        &config.analyze,
        reuse,
        build,
    )?;
    let root = &config.root;
    if let Some(file) = &options.access_report {
        let sources = match (&run.build, &run.given) {
            (Some(b), _) => sources_of(&b.artifacts),
            (None, Some(b)) => sources_of(&b.artifacts),
            (None, None) => Vec::new(),
        };
        let text = access_report(root, &sources, &config.analyze, &run.run.options)?;
        std::fs::write(file, text).map_err(|source| RunError::Write {
            what: "access report",
            path: file.clone(),
            source,
        })?;
    }
    let built = run.build.as_ref().or(run.given);
    let compiler_bugs = bugs::check(root, &config.compiler, || {
        // Source patterns (only bugs of old releases have them).
        built
            .iter()
            .flat_map(|b| &b.artifacts)
            .filter_map(|c| std::fs::read_to_string(root.join(&c.source)).ok())
            .collect()
    })?;
    run.run.failing += compiler_bugs
        .applicable
        .iter()
        .filter(|b| b.bug.gate_severity() >= run.run.gate)
        .count();
    run.run.compiler_bugs = Some(compiler_bugs);
    run.run.build = run.build;
    Ok(run.run)
}

/// `slipway lint`: the lint rules (`[lint] rules` selects them), the gate
/// `[gates] lint_fail_on`.
pub fn lint_project(
    config: &Config,
    options: &RunOptions,
    build: BuildSource<'_>,
) -> Result<ProjectRun, RunError> {
    let mut selection = config.lint.as_analyze();
    if !config.lint.rules.is_empty() {
        let all = Family::Lint.detectors();
        if let Some(rule) = config
            .lint
            .rules
            .iter()
            .find(|rule| !all.iter().any(|d| d.id == rule.as_str()))
        {
            return Err(RunError::UnknownRule(rule.clone()));
        }
        selection.exclude.extend(
            all.iter()
                .filter(|d| !config.lint.rules.iter().any(|r| r == d.id))
                .map(|d| d.id.to_owned()),
        );
    }
    let run = run(config, options, Family::Lint, &selection, true, build)?;
    let mut out = run.run;
    out.build = run.build;
    Ok(out)
}

/// A run and the builds it saw.
struct Ran<'a> {
    run: ProjectRun,
    build: Option<BuildReport>,
    given: Option<&'a BuildReport>,
}

/// Counted findings at or above `gate`.
pub fn failing(report: &Report, gate: Severity) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity >= gate)
        .count()
}

fn run<'a>(
    config: &Config,
    flags: &RunOptions,
    family: Family,
    selection: &AnalyzeConfig,
    reuse: bool,
    build: BuildSource<'a>,
) -> Result<Ran<'a>, RunError> {
    let root = config.root.clone();
    let paths = flags
        .paths
        .iter()
        .map(|p| relative_to_root(p, &root))
        .collect::<Result<Vec<_>, _>>()?;
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
    let skip_tests = !selection.tests && paths.is_empty();
    let mut options = Options {
        family,
        skip_dirs: if skip_tests {
            vec![test_dir]
        } else {
            Vec::new()
        },
        skip_test_files: skip_tests,
        paths,
        only: flags.only.clone(),
        exclude: flags.exclude.clone(),
        min_severity: flags.severity,
        cache_file: Some(root.join(slipway_solc::STATE_DIR).join(cache)),
        fresh: flags.no_cache,
        build_info_dir: None,
    };
    let gate = config.gates.lint_fail_on;
    let finish = |report: Report, options: Options, build, given, unchanged| {
        let (report, baseline_recorded) = after(flags, &root, report)?;
        Ok(Ran {
            run: ProjectRun {
                root: root.clone(),
                build: None,
                unchanged,
                failing: failing(&report, gate),
                report,
                options,
                compiler_bugs: None,
                gate,
                baseline_recorded,
            },
            build,
            given,
        })
    };
    let (owned, given, unchanged) = match build {
        BuildSource::Given(report) => (None, Some(report), report.unchanged),
        BuildSource::Compile(events) => {
            let request = BuildRequest {
                profile: Profile::Default,
                offline: flags.offline,
                allow_unchanged: reuse && !flags.no_cache,
            };
            match slipway_solc::compile_project(config, request, events)? {
                Built::Unchanged { compiler, .. } => {
                    if let Some(report) = analyze_cached(&root, selection, &options) {
                        return finish(report, options, None, None, true);
                    }
                    // The cache cannot answer: the build's output is read,
                    // with the compiler already found (and announced).
                    events(slipway_solc::BuildEvent::Compiling(&compiler));
                    let report = slipway_solc::build(config, &compiler, Profile::Default)?;
                    (Some(report), None, true)
                }
                Built::Compiled(report) => {
                    let unchanged = report.unchanged;
                    (Some(*report), None, unchanged)
                }
            }
        }
    };
    let built = owned.as_ref().or(given).ok_or(RunError::NoBuild)?;
    if built.has_errors() {
        let first = built
            .diagnostics
            .iter()
            .find(|d| d.severity == DiagnosticSeverity::Error)
            .map(|d| d.message.clone())
            .unwrap_or_default();
        return Err(RunError::DoesNotCompile(first));
    }
    let sources = sources_of(&built.artifacts);
    options.build_info_dir = Some(built.artifacts_dir.join("build-info"));
    let report = analyze(&root, &sources, selection, &options)?;
    finish(report, options, owned, given, unchanged)
}

/// The baseline and the SARIF file.
fn after(
    flags: &RunOptions,
    root: &Path,
    mut report: Report,
) -> Result<(Report, Option<(PathBuf, usize)>), RunError> {
    let mut recorded = None;
    if let Some(file) = &flags.baseline {
        let file = root.join(file);
        match Baseline::load(&file)? {
            Some(baseline) if !flags.update_baseline => baseline.apply(&mut report.findings),
            _ => {
                let baseline = Baseline::record(&report.findings);
                baseline.save(&file)?;
                baseline.apply(&mut report.findings);
                recorded = Some((file, baseline.findings.len()));
            }
        }
    }
    if let Some(file) = &flags.sarif {
        let text = serde_json::to_string_pretty(&crate::sarif(&report))
            .map_err(|e| std::io::Error::other(e.to_string()))
            .map_err(|source| RunError::Write {
                what: "SARIF file",
                path: file.clone(),
                source,
            })?;
        std::fs::write(file, text + "\n").map_err(|source| RunError::Write {
            what: "SARIF file",
            path: file.clone(),
            source,
        })?;
    }
    Ok((report, recorded))
}

/// `path` (relative to the project root, or to the working directory, or
/// absolute) relative to the project root.
fn relative_to_root(path: &Path, root: &Path) -> Result<PathBuf, RunError> {
    if path.is_relative() && root.join(path).exists() {
        return Ok(path.to_path_buf());
    }
    let absolute = std::path::absolute(path).map_err(|e| RunError::Path(e.to_string()))?;
    if !absolute.exists() {
        return Err(RunError::Path(format!(
            "{} does not exist (a relative path is taken from the project root, {})",
            path.display(),
            root.display()
        )));
    }
    match absolute.strip_prefix(root) {
        Ok(relative) => Ok(relative.to_path_buf()),
        Err(_) => Err(RunError::Path(format!(
            "{} is outside the project ({}); name files or directories inside it",
            path.display(),
            root.display()
        ))),
    }
}
