//! The compiler's known bugs: solc's published `bugs.json`, checked against
//! the project's pinned version and settings (optimizer, Yul optimizer,
//! via-IR or the legacy pipeline, ABI coder v2, EVM version), so that a bug
//! is reported only when the conditions it needs are met.

use std::path::Path;

use semver::Version;
use serde::Deserialize;
use slipway_config::Hardfork;

/// The embedded list (see `data/SOURCE.md` for its source commit).
pub const EMBEDDED: &str = include_str!("../data/bugs.json");

/// Where a project keeps its own copy (`--update-bugs`), beside
/// slipway.toml.
pub const PROJECT_FILE: &str = "solc-bugs.json";

/// One known bug, as `bugs.json` describes it.
#[derive(Clone, Debug, Deserialize)]
pub struct KnownBug {
    /// `SOL-2023-3`.
    pub uid: String,
    /// `VerbatimInvalidDeduplication`.
    pub name: String,
    /// One line.
    pub summary: String,
    /// The whole story.
    pub description: String,
    /// The announcement.
    #[serde(default)]
    pub link: Option<String>,
    /// First affected version (none: every version before `fixed`).
    #[serde(default)]
    pub introduced: Option<String>,
    /// First fixed version.
    pub fixed: String,
    /// `low`, `medium`, `medium/high`…
    pub severity: String,
    /// Settings the bug needs.
    #[serde(default)]
    pub conditions: Conditions,
    /// A source pattern the bug needs.
    #[serde(default)]
    pub check: Option<Check>,
}

/// `conditions` of a bug.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conditions {
    /// The optimizer on (true) or off (false).
    #[serde(rename = "optimizer")]
    pub optimizer: Option<bool>,
    /// The Yul optimizer on or off.
    pub yul_optimizer: Option<bool>,
    /// The via-IR pipeline (true) or the legacy one (false).
    #[serde(rename = "viaIR")]
    pub via_ir: Option<bool>,
    /// ABI coder v2 in use.
    #[serde(rename = "ABIEncoderV2")]
    pub abi_encoder_v2: Option<bool>,
    /// `>=constantinople` and the like.
    pub evm_version: Option<String>,
}

/// `check` of a bug.
#[derive(Clone, Debug, Deserialize)]
pub struct Check {
    /// A regular expression the source must match.
    #[serde(rename = "regex-source")]
    pub regex_source: Option<String>,
    /// A JSONPath over the compact AST (not evaluated here: the bug is
    /// reported with that said).
    #[serde(rename = "ast-compact-json-path")]
    pub ast_path: Option<String>,
}

/// The settings a build uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The compiler version.
    pub version: Version,
    /// The optimizer.
    pub optimizer: bool,
    /// The Yul optimizer (on with the optimizer unless turned off).
    pub yul_optimizer: bool,
    /// The via-IR pipeline.
    pub via_ir: bool,
    /// ABI coder v2 (the default since 0.8.0).
    pub abi_coder_v2: bool,
    /// The EVM version the code is compiled for.
    pub evm_version: Hardfork,
}

impl Settings {
    /// The settings of `[compiler]`, with solc's defaults filled in.
    pub fn of(config: &slipway_config::CompilerConfig) -> Self {
        Self {
            version: config.version.clone(),
            optimizer: config.optimizer,
            yul_optimizer: config.optimizer,
            via_ir: config.via_ir,
            abi_coder_v2: config.version >= Version::new(0, 8, 0),
            evm_version: config
                .evm_version
                .unwrap_or_else(|| default_evm(&config.version)),
        }
    }
}

/// solc's default EVM version for a release.
pub fn default_evm(version: &Version) -> Hardfork {
    let at = |minor: u64, patch: u64| *version >= Version::new(0, minor, patch);
    if at(8, 30) {
        Hardfork::Prague
    } else if at(8, 25) {
        Hardfork::Cancun
    } else if at(8, 20) {
        Hardfork::Shanghai
    } else if at(8, 18) {
        Hardfork::Paris
    } else if at(8, 7) {
        Hardfork::London
    } else if at(8, 5) {
        Hardfork::Berlin
    } else if at(5, 14) {
        Hardfork::Istanbul
    } else if at(5, 5) {
        Hardfork::Petersburg
    } else {
        Hardfork::Byzantium
    }
}

/// A bug list that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BugsError {
    /// Not solc's `bugs.json` format.
    #[error(
        "{origin} is not solc's bugs.json ({message}); take docs/bugs.json from the Solidity repository"
    )]
    Format {
        /// Where it came from.
        origin: String,
        /// Why.
        message: String,
    },
    /// IO.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// read or write.
        action: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn version(text: &str) -> Option<Version> {
    Version::parse(text).ok()
}

/// Parses a `bugs.json`.
pub fn parse(text: &str, origin: &str) -> Result<Vec<KnownBug>, BugsError> {
    let bugs: Vec<KnownBug> = serde_json::from_str(text).map_err(|e| BugsError::Format {
        origin: origin.to_owned(),
        message: e.to_string(),
    })?;
    for bug in &bugs {
        let bad = |what: &str| BugsError::Format {
            origin: origin.to_owned(),
            message: format!("{}: {what} is not a version", bug.name),
        };
        version(&bug.fixed).ok_or_else(|| bad("fixed"))?;
        if let Some(introduced) = &bug.introduced {
            version(introduced).ok_or_else(|| bad("introduced"))?;
        }
    }
    Ok(bugs)
}

/// The project's list: its `solc-bugs.json` when it has one, else the
/// embedded one; with where it came from.
pub fn load(root: &Path) -> Result<(Vec<KnownBug>, String), BugsError> {
    let file = root.join(PROJECT_FILE);
    match std::fs::read_to_string(&file) {
        Ok(text) => Ok((
            parse(&text, &file.display().to_string())?,
            file.display().to_string(),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((
            parse(EMBEDDED, "the embedded list")?,
            "solc's bugs.json as of 2024-10-24 (embedded)".to_owned(),
        )),
        Err(source) => Err(BugsError::Io {
            action: "read",
            path: file,
            source,
        }),
    }
}

/// Validates `source` as a bugs.json and makes it the project's list.
pub fn update(root: &Path, source: &Path) -> Result<usize, BugsError> {
    let text = std::fs::read_to_string(source).map_err(|e| BugsError::Io {
        action: "read",
        path: source.to_path_buf(),
        source: e,
    })?;
    let bugs = parse(&text, &source.display().to_string())?;
    let file = root.join(PROJECT_FILE);
    let tmp = file.with_extension("json.tmp");
    let io = |e| BugsError::Io {
        action: "write",
        path: file.clone(),
        source: e,
    };
    std::fs::write(&tmp, &text).map_err(io)?;
    std::fs::rename(&tmp, &file).map_err(io)?;
    Ok(bugs.len())
}

impl KnownBug {
    /// Whether release `v` has the bug (`introduced` ≤ v < `fixed`).
    pub fn in_version(&self, v: &Version) -> bool {
        let fixed = version(&self.fixed).is_some_and(|fixed| *v < fixed);
        let introduced = self
            .introduced
            .as_deref()
            .and_then(version)
            .is_none_or(|from| *v >= from);
        fixed && introduced
    }
}

impl KnownBug {
    /// Its severity on slipway's scale (`very low` is info, `medium/high`
    /// high), for the `lint_fail_on` gate.
    pub fn gate_severity(&self) -> crate::Severity {
        match self.severity.as_str() {
            "very low" => crate::Severity::Info,
            "low" => crate::Severity::Low,
            "medium" => crate::Severity::Medium,
            _ => crate::Severity::High,
        }
    }
}

/// A bug that applies, with why.
#[derive(Clone, Debug)]
pub struct Applicable {
    /// The bug.
    pub bug: KnownBug,
    /// The conditions met, in words (`the optimizer is on`…).
    pub because: Vec<String>,
}

fn evm_condition(condition: &str, evm: Hardfork) -> Option<bool> {
    let (op, name) = ["<=", ">=", "<", ">", "="]
        .iter()
        .find_map(|op| condition.strip_prefix(op).map(|rest| (*op, rest.trim())))?;
    let other: Hardfork =
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()?;
    Some(match op {
        "<=" => evm <= other,
        ">=" => evm >= other,
        "<" => evm < other,
        ">" => evm > other,
        _ => evm == other,
    })
}

/// The bugs of `bugs` that the settings (and, for bugs that need a source
/// pattern, one of `sources`) meet.
pub fn applicable(bugs: &[KnownBug], settings: &Settings, sources: &[&str]) -> Vec<Applicable> {
    let mut found = Vec::new();
    for bug in bugs.iter().filter(|b| b.in_version(&settings.version)) {
        let c = &bug.conditions;
        let mut because = vec![format!(
            "solc {} is affected (introduced {}, fixed in {})",
            settings.version,
            bug.introduced.as_deref().unwrap_or("early"),
            bug.fixed
        )];
        let mut met = true;
        let mut check = |wanted: Option<bool>, actual: bool, on: &str, off: &str| {
            if let Some(wanted) = wanted {
                met &= wanted == actual;
                because.push(if actual { on } else { off }.to_owned());
            }
        };
        check(
            c.optimizer,
            settings.optimizer,
            "the optimizer is on",
            "the optimizer is off",
        );
        check(
            c.yul_optimizer,
            settings.yul_optimizer,
            "the Yul optimizer is on",
            "the Yul optimizer is off",
        );
        check(
            c.via_ir,
            settings.via_ir,
            "the via-IR pipeline is used",
            "the legacy pipeline is used (via_ir = false)",
        );
        check(
            c.abi_encoder_v2,
            settings.abi_coder_v2,
            "ABI coder v2 is used",
            "ABI coder v1 is used",
        );
        if let Some(condition) = &c.evm_version {
            // An unreadable condition is kept: better a question than a miss.
            met &= evm_condition(condition, settings.evm_version).unwrap_or(true);
            because.push(format!(
                "the EVM version {} meets {condition}",
                settings.evm_version.as_str()
            ));
        }
        if let Some(check) = &bug.check {
            if let Some(pattern) = &check.regex_source {
                let matched = regex::Regex::new(pattern)
                    .is_ok_and(|re| sources.iter().any(|s| re.is_match(s)));
                met &= matched;
                because.push("a source matches its pattern".to_owned());
            } else if check.ast_path.is_some() {
                because.push("(its AST pattern is not checked: review by hand)".to_owned());
            }
        }
        if met {
            found.push(Applicable {
                bug: bug.clone(),
                because,
            });
        }
    }
    found
}

/// The known bugs that apply to a project.
#[derive(Clone, Debug)]
pub struct BugReport {
    /// Where the list came from (the project's file, or the embedded one).
    pub source: String,
    /// The bugs its compiler and settings meet.
    pub applicable: Vec<Applicable>,
}

/// Checks the project under `root` compiled with `compiler`; `texts` gives
/// the source texts, asked for only when a bug of that version needs a
/// source pattern.
pub fn check(
    root: &Path,
    compiler: &slipway_config::CompilerConfig,
    texts: impl FnOnce() -> Vec<String>,
) -> Result<BugReport, BugsError> {
    let (list, source) = load(root)?;
    let settings = Settings::of(compiler);
    let needs_text = list.iter().any(|b| {
        b.in_version(&settings.version)
            && b.check.as_ref().is_some_and(|c| c.regex_source.is_some())
    });
    let texts = if needs_text { texts() } else { Vec::new() };
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    Ok(BugReport {
        source,
        applicable: applicable(&list, &settings, &texts),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn settings() -> Settings {
        Settings {
            version: Version::new(0, 8, 20),
            optimizer: true,
            yul_optimizer: true,
            via_ir: false,
            abi_coder_v2: true,
            evm_version: Hardfork::Shanghai,
        }
    }

    fn bug(conditions: &str, check: &str) -> Vec<KnownBug> {
        let text = format!(
            r#"[{{"uid": "SOL-T-1", "name": "Test", "summary": "s", "description": "d", "introduced": "0.8.0", "fixed": "0.8.21", "severity": "low", "conditions": {{{conditions}}}{check}}}]"#
        );
        parse(&text, "test").expect("parses")
    }

    fn applies(conditions: &str, settings: &Settings) -> bool {
        !applicable(&bug(conditions, ""), settings, &[]).is_empty()
    }

    #[test]
    fn each_condition_is_met_or_not_by_the_settings() {
        let on = settings();
        let mut off = settings();
        off.optimizer = false;
        off.yul_optimizer = false;
        off.via_ir = true;
        off.abi_coder_v2 = false;
        off.evm_version = Hardfork::Byzantium;
        for (condition, meets_on) in [
            (r#""optimizer": true"#, true),
            (r#""optimizer": false"#, false),
            (r#""yulOptimizer": true"#, true),
            (r#""viaIR": false"#, true),
            (r#""viaIR": true"#, false),
            (r#""ABIEncoderV2": true"#, true),
            (r#""evmVersion": ">=constantinople""#, true),
            (r#""evmVersion": "<constantinople""#, false),
        ] {
            assert_eq!(
                applies(condition, &on),
                meets_on,
                "{condition} with the default settings"
            );
            assert_eq!(
                applies(condition, &off),
                !meets_on,
                "{condition} with every setting flipped"
            );
        }
        assert!(applies("", &on), "no condition: the version decides");
        let mut old = settings();
        old.version = Version::new(0, 8, 21);
        assert!(!applies("", &old), "fixed in 0.8.21");
        old.version = Version::new(0, 7, 6);
        assert!(!applies("", &old), "introduced in 0.8.0");
    }

    #[test]
    fn a_source_pattern_is_needed_when_the_bug_names_one() {
        let bugs = bug("", r#", "check": {"regex-source": "verbatim_[0-9]+i"}"#);
        assert!(applicable(&bugs, &settings(), &["contract A {}"]).is_empty());
        let found = applicable(
            &bugs,
            &settings(),
            &["assembly { verbatim_1i_0o(hex\"\") }"],
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].because.iter().any(|b| b.contains("pattern")));
    }

    #[test]
    fn versions_derived_from_the_embedded_list_match_solc_bugs_by_version() {
        let bugs = parse(EMBEDDED, "embedded").expect("the embedded list parses");
        let text = include_str!("../testdata/bugs_by_version.json");
        let by_version: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(text).expect("json");
        assert!(by_version.len() > 100);
        for (release, entry) in by_version {
            let Ok(v) = Version::parse(&release) else {
                continue;
            };
            let expected: BTreeSet<&str> = entry["bugs"]
                .as_array()
                .expect("bugs")
                .iter()
                .filter_map(|b| b.as_str())
                .collect();
            let derived: BTreeSet<&str> = bugs
                .iter()
                .filter(|b| b.in_version(&v))
                .map(|b| b.name.as_str())
                .collect();
            assert_eq!(derived, expected, "solc {release}");
        }
    }

    #[test]
    fn the_pinned_0_8_20_with_the_default_settings_has_three_applicable_bugs() {
        // VerbatimInvalidDeduplication affects 0.8.20 too, but only Yul
        // code with `verbatim`, which Solidity sources cannot contain: its
        // data has no condition, so it is reported as well.
        let bugs = parse(EMBEDDED, "embedded").expect("parses");
        let names: Vec<String> = applicable(&bugs, &settings(), &[])
            .into_iter()
            .map(|a| a.bug.name)
            .collect();
        assert_eq!(
            names,
            [
                "VerbatimInvalidDeduplication",
                "FullInlinerNonExpressionSplitArgumentEvaluationOrder",
                "MissingSideEffectsOnSelectorAccess"
            ]
        );
        let mut via_ir_unoptimised = settings();
        via_ir_unoptimised.via_ir = true;
        via_ir_unoptimised.optimizer = false;
        via_ir_unoptimised.yul_optimizer = false;
        let names: Vec<String> = applicable(&bugs, &via_ir_unoptimised, &[])
            .into_iter()
            .map(|a| a.bug.name)
            .collect();
        assert_eq!(names, ["VerbatimInvalidDeduplication"]);
    }

    #[test]
    fn a_file_that_is_not_bugs_json_is_refused() {
        let error = parse("{\"bugs\": 1}", "x.json")
            .expect_err("refused")
            .to_string();
        assert!(error.contains("x.json is not solc's bugs.json"), "{error}");
        let error = parse(r#"[{"uid":"u","name":"N","summary":"s","description":"d","fixed":"soon","severity":"low"}]"#, "y.json")
            .expect_err("refused")
            .to_string();
        assert!(error.contains("N: fixed is not a version"), "{error}");
    }
}
