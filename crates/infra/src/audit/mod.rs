//! `slipway audit`: the project's Solidity dependencies against the
//! advisory file (`advisories.rs`) — packages its lockfiles pin
//! (`lockfiles.rs`) and libraries vendored as git checkouts (`libs.rs`) —
//! and its pinned compiler against solc's known bugs (shared with
//! `slipway analyze`). Findings in the analyzer's type: text, JSON, SARIF.

pub mod advisories;
mod git;
mod libs;
pub mod lockfiles;

use std::path::{Path, PathBuf};

use slipway_analyze::{
    Confidence, Finding, RuleSet, SarifRule, Severity,
    bugs::{self, BugReport, BugsError},
};
use slipway_config::Config;

pub use advisories::{Advisory, AdvisoryFile};

/// A vulnerable dependency.
pub const VULNERABLE: &str = "audit-vulnerable-dependency";
/// A dependency whose version cannot be told.
pub const UNKNOWN_VERSION: &str = "audit-unknown-version";
/// A known bug of the pinned compiler that the settings meet.
pub const COMPILER_BUG: &str = "audit-compiler-bug";

/// How a dependency is pinned.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pinned {
    /// By a lockfile (`path`).
    Lockfile,
    /// As a git checkout at this folder.
    Git(PathBuf),
}

/// One dependency found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Dependency {
    /// Its npm name (`@openzeppelin/contracts`), or its folder's.
    pub name: String,
    /// Its version, when known.
    pub version: Option<String>,
    /// The commit of a git checkout.
    pub commit: Option<String>,
    /// How it is pinned.
    pub pinned: Pinned,
    /// The file that pins it (relative to the root).
    pub path: PathBuf,
    /// The line there.
    pub line: usize,
}

impl Dependency {
    fn shown(&self) -> String {
        let version = self.version.as_deref().unwrap_or("(version unknown)");
        match &self.pinned {
            Pinned::Lockfile => format!("{} {version}", self.name),
            Pinned::Git(dir) => format!("{} {version} ({})", self.name, dir.display()),
        }
    }
}

/// What `slipway audit` found.
#[derive(Debug)]
pub struct AuditReport {
    /// The advisory file used: `embedded`, or the project's file.
    pub advisories_from: String,
    /// Its source: repository, commit, read date.
    pub advisories: advisories::Source,
    /// How many advisories it holds.
    pub advisory_count: usize,
    /// The Solidity dependencies checked.
    pub dependencies: Vec<Dependency>,
    /// The compiler's known bugs that apply.
    pub compiler_bugs: BugReport,
    /// Findings, by file and line.
    pub findings: Vec<Finding>,
}

impl AuditReport {
    /// The findings that fail the audit: dependency findings at or above
    /// `dependencies`, compiler bugs at or above `compiler` (analyze's
    /// gate, `[gates] lint_fail_on`, so that both commands agree).
    pub fn failing(&self, dependencies: Severity, compiler: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| {
                let gate = if f.id == COMPILER_BUG {
                    compiler
                } else {
                    dependencies
                };
                f.severity >= gate
            })
            .count()
    }
}

/// Why the audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An advisory file or GHSA JSON is not what it should be.
    #[error("{origin}: not an advisory file: {message}")]
    Advisories {
        /// Which file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A lockfile does not parse.
    #[error("{}:{line}: the lockfile does not parse: {message}", path.display())]
    Lockfile {
        /// Which.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The parser's words.
        message: String,
    },
    /// The compiler's known bugs could not be read.
    #[error(transparent)]
    Bugs(#[from] BugsError),
}

/// The rules `slipway audit` reports (for SARIF).
pub fn rule_set() -> RuleSet {
    let rule = |id: &str, severity, title: &str, what: &str, help: &str| SarifRule {
        id: id.to_owned(),
        title: title.to_owned(),
        description: what.to_owned(),
        help: help.to_owned(),
        help_markdown: format!("{what}\n\n**What to do:** {help}"),
        severity,
        confidence: Confidence::High,
    };
    RuleSet {
        tag: "security",
        rules: vec![
            rule(
                VULNERABLE,
                Severity::High,
                "A dependency with a published advisory",
                "A pinned version of a Solidity package is in the affected range of a GitHub security advisory.",
                "Upgrade to the fixed version the finding names, or, if the affected code is not used, record why.",
            ),
            rule(
                UNKNOWN_VERSION,
                Severity::Info,
                "A dependency whose version cannot be told",
                "A vendored library is at a commit that no release tag or package.json names, so no advisory can be matched against it.",
                "Check out a release tag (`git -C lib/NAME checkout vX.Y.Z`) and commit the submodule.",
            ),
            rule(
                COMPILER_BUG,
                Severity::Medium,
                "A known bug of the pinned compiler",
                "The pinned solc release has a published bug whose conditions the project's settings meet.",
                "Pin a release that fixes it, or change the setting the bug needs.",
            ),
        ],
    }
}

/// The file that pins the compiler, and the line of its version.
fn compiler_site(root: &Path) -> (PathBuf, usize) {
    for name in ["slipway.toml", "foundry.toml"] {
        if let Ok(text) = std::fs::read_to_string(root.join(name)) {
            let line = text.lines().position(|l| {
                let key = l.trim_start().split('=').next().unwrap_or_default().trim();
                ["version", "solc", "solc_version"].contains(&key)
            });
            return (PathBuf::from(name), line.map_or(1, |i| i + 1));
        }
    }
    (PathBuf::from("slipway.toml"), 1)
}

fn sources(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "sol")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push(text);
        }
    }
}

fn check_dependency(dep: &Dependency, list: &AdvisoryFile, findings: &mut Vec<Finding>) {
    let parsed = dep.version.as_deref().and_then(advisories::version);
    let Some(version) = parsed else {
        let why = match (&dep.version, &dep.commit) {
            (Some(v), _) => format!("its version {v:?} is not a release number"),
            (None, Some(c)) => format!(
                "it is at commit {}, which no release tag or package.json names",
                &c[..c.len().min(12)]
            ),
            (None, None) => "nothing names its version".to_owned(),
        };
        findings.push(Finding::at(
            UNKNOWN_VERSION,
            Severity::Info,
            &dep.path,
            (dep.line, 1),
            format!(
                "{}: {why}, so no advisory can be matched against it",
                dep.shown()
            ),
            &format!("{}|{:?}", dep.name, dep.pinned),
        ));
        return;
    };
    for advisory in &list.advisories {
        let Some(affected) = advisory.affecting(&dep.name, &version) else {
            continue;
        };
        let aliases = if advisory.aliases.is_empty() {
            String::new()
        } else {
            format!(" ({})", advisory.aliases.join(", "))
        };
        let fix = affected.fixed_after(&version).map_or_else(
            || "no fixed version is published".to_owned(),
            |f| format!("fixed in {f}"),
        );
        findings.push(Finding::at(
            VULNERABLE,
            advisory.gate_severity(),
            &dep.path,
            (dep.line, 1),
            format!(
                "{} is affected by {}{aliases}, {}: {}; {fix}. {}",
                dep.shown(),
                advisory.id,
                advisory.severity.to_ascii_lowercase(),
                advisory.summary.trim_end_matches('.'),
                advisory.url()
            ),
            &format!("{}|{}|{}", advisory.id, dep.name, version),
        ));
    }
}

/// Audits the project `config` describes.
pub fn audit(config: &Config) -> Result<AuditReport, AuditError> {
    let root = &config.root;
    let (list, advisories_from) = advisories::load(root)?;
    let watched: Vec<&str> = list
        .advisories
        .iter()
        .flat_map(|a| a.affected.iter().map(|x| x.package.as_str()))
        .chain(advisories::SOLIDITY_PACKAGES.iter().copied())
        .collect();
    let mut dependencies: Vec<Dependency> = lockfiles::read_all(root)?
        .into_iter()
        .filter(|d| watched.contains(&d.name.as_str()))
        .collect();
    dependencies.extend(libs::read_all(root, &config.project.libs));

    let mut findings = Vec::new();
    for dep in &dependencies {
        check_dependency(dep, &list, &mut findings);
    }

    let compiler_bugs = bugs::check(root, &config.compiler, || {
        let mut texts = Vec::new();
        sources(&root.join(&config.project.src), &mut texts);
        texts
    })?;
    let (site, line) = compiler_site(root);
    for applicable in &compiler_bugs.applicable {
        let bug = &applicable.bug;
        findings.push(Finding::at(
            COMPILER_BUG,
            bug.gate_severity(),
            &site,
            (line, 1),
            format!(
                "solc {} has {} {} ({}): {}; fixed in {}",
                config.compiler.version,
                bug.uid,
                bug.name,
                bug.severity,
                bug.summary.trim_end_matches('.'),
                bug.fixed
            ),
            &bug.uid,
        ));
    }
    findings.sort_by(|a, b| (&a.path, a.line, &a.id).cmp(&(&b.path, b.line, &b.id)));
    Ok(AuditReport {
        advisories_from,
        advisory_count: list.advisories.len(),
        advisories: list.source,
        dependencies,
        compiler_bugs,
        findings,
    })
}
