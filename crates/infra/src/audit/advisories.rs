//! The advisory file: security advisories for Solidity packages, read from
//! the GitHub Advisory Database (`github/advisory-database`,
//! `advisories/github-reviewed/…/GHSA-*.json`, OSV format) and kept as one
//! committed file with its source commit and the date it was read.
//!
//! The binary carries one (`data/advisories.json`); `slipway audit
//! --update PATH` makes a project its own, beside slipway.toml, from a
//! file of this format, one GHSA JSON, or a folder of them (a checkout of
//! the database, or part of one).

use std::path::{Path, PathBuf};

use semver::Version;
use serde::{Deserialize, Serialize};
use slipway_analyze::Severity;

use super::AuditError;

/// The embedded file (see `data/SOURCE.md`).
pub const EMBEDDED: &str = include_str!("../../data/advisories.json");

/// Where a project keeps its own (`slipway audit --update`), beside
/// slipway.toml.
pub const PROJECT_FILE: &str = "solidity-advisories.json";

/// npm packages of Solidity code whose advisories `--update` keeps.
pub const SOLIDITY_PACKAGES: &[&str] = &[
    "@openzeppelin/contracts",
    "@openzeppelin/contracts-upgradeable",
    "openzeppelin-solidity",
    "openzeppelin-eth",
    "solmate",
    "solady",
    "@chainlink/contracts",
    "@uniswap/v2-core",
    "@uniswap/v3-core",
    "@uniswap/v3-periphery",
    "@uniswap/v4-core",
    "@aave/core-v3",
    "@account-abstraction/contracts",
    "erc721a",
    "@gnosis.pm/safe-contracts",
    "@safe-global/safe-contracts",
    "@safe-global/safe-smart-account",
];

/// The whole file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AdvisoryFile {
    /// Where the entries were read.
    pub source: Source,
    /// The entries, by id.
    pub advisories: Vec<Advisory>,
}

/// Where and when the entries were read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Source {
    /// `github/advisory-database`.
    pub repository: String,
    /// The database's commit, when one commit holds them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The day they were read (`YYYY-MM-DD`, UTC).
    pub read: String,
    /// Anything a reader should know about the selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One advisory.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Advisory {
    /// `GHSA-9vx6-7xxf-x967`.
    pub id: String,
    /// CVE ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One line.
    pub summary: String,
    /// GitHub's severity: `LOW`, `MODERATE`, `HIGH`, `CRITICAL`.
    pub severity: String,
    /// When GitHub published it.
    #[serde(default)]
    pub published: Option<String>,
    /// The database commit this entry was read at, when it differs from
    /// the file's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What it affects.
    pub affected: Vec<Affected>,
}

/// The versions of one package an advisory affects.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Affected {
    /// The npm name.
    pub package: String,
    /// Version ranges.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Versions listed one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// `introduced` ≤ v < `fixed`, or ≤ `last_affected`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Range {
    /// The first affected version (`0`: every earlier one).
    pub introduced: String,
    /// The first fixed version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The last affected version, when no fix exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
}

/// A version as npm writes it (`v` prefix and build metadata allowed).
pub fn version(text: &str) -> Option<Version> {
    let text = text.trim().trim_start_matches('v');
    if text == "0" {
        return Some(Version::new(0, 0, 0));
    }
    Version::parse(text).ok()
}

impl Range {
    fn contains(&self, v: &Version) -> bool {
        let from = version(&self.introduced).is_some_and(|from| *v >= from);
        let below_fix = match (&self.fixed, &self.last_affected) {
            (Some(fixed), _) => version(fixed).is_some_and(|fixed| *v < fixed),
            (None, Some(last)) => version(last).is_some_and(|last| *v <= last),
            // Introduced and never fixed.
            (None, None) => true,
        };
        from && below_fix
    }
}

impl Affected {
    /// Whether `v` is affected.
    pub fn contains(&self, v: &Version) -> bool {
        self.ranges.iter().any(|r| r.contains(v))
            || self
                .versions
                .iter()
                .any(|listed| version(listed).as_ref() == Some(v))
    }

    /// The lowest fixed version above `v`, if there is one.
    pub fn fixed_after(&self, v: &Version) -> Option<String> {
        self.ranges
            .iter()
            .filter(|r| r.contains(v))
            .filter_map(|r| r.fixed.clone())
            .min_by_key(|f| version(f))
    }
}

impl Advisory {
    /// What of this advisory covers `package` at `v`.
    pub fn affecting(&self, package: &str, v: &Version) -> Option<&Affected> {
        self.affected
            .iter()
            .find(|a| a.package == package && a.contains(v))
    }

    /// Its severity on slipway's scale.
    pub fn gate_severity(&self) -> Severity {
        match self.severity.to_ascii_uppercase().as_str() {
            "CRITICAL" | "HIGH" => Severity::High,
            "LOW" => Severity::Low,
            _ => Severity::Medium,
        }
    }

    /// Its page.
    pub fn url(&self) -> String {
        format!("https://github.com/advisories/{}", self.id)
    }
}

/// Parses and checks an advisory file.
pub fn parse(text: &str, origin: &str) -> Result<AdvisoryFile, AuditError> {
    let file: AdvisoryFile = serde_json::from_str(text).map_err(|e| AuditError::Advisories {
        origin: origin.to_owned(),
        message: e.to_string(),
    })?;
    for advisory in &file.advisories {
        for affected in &advisory.affected {
            let bad = |what: &str, value: &str| AuditError::Advisories {
                origin: origin.to_owned(),
                message: format!(
                    "{} ({}): {what} {value:?} is not a version",
                    advisory.id, affected.package
                ),
            };
            for range in &affected.ranges {
                version(&range.introduced).ok_or_else(|| bad("introduced", &range.introduced))?;
                for bound in [&range.fixed, &range.last_affected].into_iter().flatten() {
                    version(bound).ok_or_else(|| bad("a bound", bound))?;
                }
            }
        }
    }
    Ok(file)
}

/// The project's advisory file (its own, else the embedded one), with
/// where it came from.
pub fn load(root: &Path) -> Result<(AdvisoryFile, String), AuditError> {
    let path = root.join(PROJECT_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let shown = path.display().to_string();
            Ok((parse(&text, &shown)?, shown))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((parse(EMBEDDED, "the embedded file")?, "embedded".to_owned()))
        }
        Err(source) => Err(AuditError::Read { path, source }),
    }
}

// The GHSA / OSV format, as far as the advisory file needs it.
#[derive(Deserialize)]
struct Osv {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    affected: Vec<OsvAffected>,
    #[serde(default)]
    database_specific: OsvDatabase,
}

#[derive(Deserialize)]
struct OsvAffected {
    package: OsvPackage,
    #[serde(default)]
    ranges: Vec<OsvRange>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<OsvEvent>,
}

#[derive(Deserialize)]
struct OsvEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
}

#[derive(Default, Deserialize)]
struct OsvDatabase {
    #[serde(default)]
    severity: Option<String>,
}

/// Ranges from OSV events: each `introduced` opens one, the next `fixed`
/// or `last_affected` closes it.
fn ranges(events: &[OsvEvent]) -> Vec<Range> {
    let mut out: Vec<Range> = Vec::new();
    for event in events {
        if let Some(introduced) = &event.introduced {
            out.push(Range {
                introduced: introduced.clone(),
                fixed: None,
                last_affected: None,
            });
        } else if let Some(open) = out
            .last_mut()
            .filter(|r| r.fixed.is_none() && r.last_affected.is_none())
        {
            open.fixed.clone_from(&event.fixed);
            open.last_affected.clone_from(&event.last_affected);
        }
    }
    out
}

/// The advisory of one GHSA JSON, if it concerns a Solidity package on
/// npm (and is not withdrawn).
fn from_osv(text: &str, origin: &Path) -> Result<Option<Advisory>, AuditError> {
    let osv: Osv = serde_json::from_str(text).map_err(|e| AuditError::Advisories {
        origin: origin.display().to_string(),
        message: e.to_string(),
    })?;
    if osv.withdrawn.is_some() {
        return Ok(None);
    }
    let affected: Vec<Affected> = osv
        .affected
        .into_iter()
        .filter(|a| {
            a.package.ecosystem == "npm" && SOLIDITY_PACKAGES.contains(&a.package.name.as_str())
        })
        .map(|a| Affected {
            package: a.package.name,
            ranges: a
                .ranges
                .iter()
                .filter(|r| r.kind == "ECOSYSTEM" || r.kind == "SEMVER")
                .flat_map(|r| ranges(&r.events))
                .collect(),
            versions: a.versions,
        })
        .collect();
    if affected.is_empty() {
        return Ok(None);
    }
    Ok(Some(Advisory {
        id: osv.id,
        aliases: osv.aliases,
        summary: osv.summary,
        severity: osv
            .database_specific
            .severity
            .unwrap_or_else(|| "MODERATE".to_owned()),
        published: osv.published,
        commit: None,
        affected,
    }))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), AuditError> {
    let read = |source| AuditError::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read)? {
        let entry = entry.map_err(read)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type().map_err(read)?;
        if kind.is_dir() && name != ".git" {
            walk(&entry.path(), out)?;
        } else if kind.is_file() && name.starts_with("GHSA-") && name.ends_with(".json") {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// An advisory file from `source`: a file of this format, one GHSA JSON,
/// or a folder of them (the read date is `today`; the commit is the
/// folder's git HEAD when it is a checkout).
pub fn read_source(source: &Path, today: &str) -> Result<AdvisoryFile, AuditError> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| AuditError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut files = Vec::new();
    if source.is_dir() {
        walk(source, &mut files)?;
        if files.is_empty() {
            return Err(AuditError::Advisories {
                origin: source.display().to_string(),
                message: "no GHSA-*.json file in it".to_owned(),
            });
        }
    } else {
        let text = read(source)?;
        if serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("advisories").is_some())
        {
            return parse(&text, &source.display().to_string());
        }
        files.push(source.to_path_buf());
    }
    files.sort();
    let mut advisories = Vec::new();
    for file in &files {
        if let Some(advisory) = from_osv(&read(file)?, file)? {
            advisories.push(advisory);
        }
    }
    advisories.sort_by(|a, b| a.id.cmp(&b.id));
    let commit = source
        .is_dir()
        .then(|| super::git::head(&source.join(".git")))
        .flatten();
    let made = AdvisoryFile {
        source: Source {
            repository: "github/advisory-database".to_owned(),
            commit,
            read: today.to_owned(),
            note: Some(format!(
                "{} of {} advisories read concern Solidity packages",
                advisories.len(),
                files.len()
            )),
        },
        advisories,
    };
    // What is written must read back.
    let text = serde_json::to_string(&made).map_err(|e| AuditError::Advisories {
        origin: source.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&text, &source.display().to_string())
}

/// Makes `source` the project's advisory file; the number of advisories.
pub fn update(root: &Path, source: &Path, today: &str) -> Result<usize, AuditError> {
    let file = read_source(source, today)?;
    let path = root.join(PROJECT_FILE);
    let text = serde_json::to_string_pretty(&file).map_err(|e| AuditError::Advisories {
        origin: source.display().to_string(),
        message: e.to_string(),
    })? + "\n";
    let tmp = path.with_extension("json.tmp");
    let write = |source| AuditError::Write {
        path: path.clone(),
        source,
    };
    std::fs::write(&tmp, text).map_err(write)?;
    std::fs::rename(&tmp, &path).map_err(write)?;
    Ok(file.advisories.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn affected(introduced: &str, fixed: Option<&str>, last: Option<&str>) -> Affected {
        Affected {
            package: "p".into(),
            ranges: vec![Range {
                introduced: introduced.into(),
                fixed: fixed.map(Into::into),
                last_affected: last.map(Into::into),
            }],
            versions: Vec::new(),
        }
    }

    fn v(text: &str) -> Version {
        version(text).expect("a version")
    }

    #[test]
    fn a_range_holds_its_start_and_not_its_fix() {
        let a = affected("4.5.0", Some("4.9.6"), None);
        assert!(!a.contains(&v("4.4.9")));
        assert!(a.contains(&v("4.5.0")));
        assert!(a.contains(&v("4.9.5")));
        assert!(!a.contains(&v("4.9.6")));
        assert_eq!(a.fixed_after(&v("4.6.0")).as_deref(), Some("4.9.6"));
    }

    #[test]
    fn prereleases_order_before_their_release() {
        let a = affected("5.0.0-rc.0", Some("5.0.2"), None);
        assert!(a.contains(&v("5.0.0-rc.0")));
        assert!(a.contains(&v("5.0.0")));
        assert!(a.contains(&v("5.0.1")));
        assert!(!a.contains(&v("5.0.2")));
        assert!(!a.contains(&v("4.9.6")));
    }

    #[test]
    fn last_affected_is_inclusive_and_zero_is_every_earlier_version() {
        let a = affected("0", None, Some("4.6.0"));
        assert!(a.contains(&v("0.1.0")));
        assert!(a.contains(&v("4.6.0")));
        assert!(!a.contains(&v("4.6.1")));
        assert_eq!(a.fixed_after(&v("1.0.0")), None);
    }

    #[test]
    fn osv_events_pair_into_ranges() {
        let events: Vec<OsvEvent> = serde_json::from_str(
            r#"[{"introduced": "1.0.0"}, {"fixed": "1.2.0"}, {"introduced": "2.0.0"}, {"last_affected": "2.1.0"}]"#,
        )
        .expect("events");
        let r = ranges(&events);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].fixed.as_deref(), Some("1.2.0"));
        assert_eq!(r[1].last_affected.as_deref(), Some("2.1.0"));
    }

    #[test]
    fn the_embedded_file_parses_and_holds_the_base64_advisory() {
        let file = parse(EMBEDDED, "embedded").expect("parses");
        let base64 = file
            .advisories
            .iter()
            .find(|a| a.id == "GHSA-9vx6-7xxf-x967")
            .expect("GHSA-9vx6-7xxf-x967 is in it");
        assert!(
            base64
                .affecting("@openzeppelin/contracts", &v("5.0.1"))
                .is_some()
        );
        assert!(
            base64
                .affecting("@openzeppelin/contracts", &v("5.0.2"))
                .is_none()
        );
        assert!(
            base64
                .affecting("@openzeppelin/contracts", &v("4.5.0"))
                .is_some()
        );
        assert!(
            base64
                .affecting("@openzeppelin/contracts", &v("4.4.2"))
                .is_none()
        );
    }

    #[test]
    fn a_bad_bound_is_refused_with_its_advisory() {
        let text = r#"{"source": {"repository": "r", "read": "2026-01-01"}, "advisories": [{"id": "GHSA-x", "summary": "s", "severity": "LOW", "affected": [{"package": "p", "ranges": [{"introduced": "one"}]}]}]}"#;
        let err = parse(text, "f").expect_err("refused").to_string();
        assert!(err.contains("GHSA-x") && err.contains("\"one\""), "{err}");
    }
}
