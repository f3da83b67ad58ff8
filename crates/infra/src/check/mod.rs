//! `slipway infra check [PATHS]`: finds the files (a Dockerfile by its
//! name; compose files, CloudFormation templates and ECS task definitions
//! by what they hold), reads each, and checks it with its kind's rules
//! (`dockerfile.rs`, `compose.rs`, `cloudformation.rs`; the rules and the
//! finding they make in `rules.rs`).

mod cloudformation;
mod compose;
mod dockerfile;
mod rules;
mod yaml;

use std::path::{Path, PathBuf};

use slipway_analyze::Finding;

pub use rules::rule_set;

/// What `infra check` found.
#[derive(Debug, Default)]
pub struct InfraReport {
    /// The files checked, relative to the root where they are under it.
    pub files: Vec<PathBuf>,
    /// Findings, by file and line.
    pub findings: Vec<Finding>,
}

/// Why the check could not run.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A YAML or JSON file does not parse.
    #[error("{}:{line}: not YAML or JSON: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The parser's words.
        message: String,
    },
    /// Nothing to check was found.
    #[error("no Dockerfile, compose file, ECS task definition or CloudFormation template in {0}")]
    Nothing(String),
}

/// Folders never looked into.
const SKIPPED: &[&str] = &["node_modules", "target", ".git", ".slipway", "lib"];

fn is_dockerfile(name: &str) -> bool {
    name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
}

fn is_data(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json")
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), InfraError> {
    let read = |source| InfraError::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .map_err(read)?
        .collect::<Result<_, _>>()
        .map_err(read)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(read)?;
        if kind.is_dir() && !SKIPPED.contains(&name.as_str()) {
            walk(&entry.path(), out)?;
        } else if kind.is_file() && (is_dockerfile(&name) || is_data(&name)) {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// The files `paths` name (files, or folders searched), or by default the
/// project's `infra/` and the Dockerfiles and compose files at its root.
fn files(root: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, InfraError> {
    let mut found = Vec::new();
    if paths.is_empty() {
        let infra = root.join("infra");
        if infra.is_dir() {
            walk(&infra, &mut found)?;
        }
        for entry in std::fs::read_dir(root).map_err(|source| InfraError::Read {
            path: root.to_path_buf(),
            source,
        })? {
            let entry = entry.map_err(|source| InfraError::Read {
                path: root.to_path_buf(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let compose = name.starts_with("docker-compose") || name.starts_with("compose.");
            if entry.path().is_file() && (is_dockerfile(&name) || (compose && is_data(&name))) {
                found.push(entry.path());
            }
        }
    } else {
        for path in paths {
            walk(&root.join(path), &mut found)?;
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// Checks the files under `root` that `paths` name (default: `infra/` and
/// the root's Dockerfiles and compose files).
pub fn check(root: &Path, paths: &[PathBuf]) -> Result<InfraReport, InfraError> {
    let mut report = InfraReport::default();
    for file in files(root, paths)? {
        let read = std::fs::read_to_string(&file).map_err(|source| InfraError::Read {
            path: file.clone(),
            source,
        })?;
        // Files saved on Windows: a BOM, CRLF line ends (each reader
        // takes those).
        let text = read.strip_prefix('\u{feff}').unwrap_or(&read);
        let shown = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let findings = if is_dockerfile(&name) {
            dockerfile::check(&shown, text)
        } else {
            let Some(root_node) =
                yaml::load(text).map_err(|(line, message)| InfraError::Syntax {
                    path: shown.clone(),
                    line,
                    message,
                })?
            else {
                continue;
            };
            if yaml::get(&root_node, "services").is_some() {
                compose::check(&shown, &root_node)
            } else if yaml::get(&root_node, "Resources").is_some() {
                cloudformation::check_template(&shown, &root_node)
            } else if yaml::get(&root_node, "containerDefinitions").is_some() {
                let family = yaml::get(&root_node, "family")
                    .and_then(yaml::text)
                    .unwrap_or_else(|| "task".into());
                cloudformation::check_task(&shown, &family, &root_node)
            } else {
                // Not infrastructure (a Grafana dashboard, rules…).
                continue;
            }
        };
        report.files.push(shown);
        report.findings.extend(findings);
    }
    if report.files.is_empty() {
        return Err(InfraError::Nothing(root.display().to_string()));
    }
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, &a.id).cmp(&(&b.path, b.line, &b.id)));
    Ok(report)
}
