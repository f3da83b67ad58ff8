//! SARIF 2.1.0, as GitHub code scanning loads it, for every rule set
//! slipway has — the security detectors, the lint rules, and the coming
//! infrastructure checks, dependency audit and roles policy: one run, the
//! rules with their descriptions, each finding with its location, a
//! partial fingerprint and, when an inline comment suppresses it, an
//! `inSource` suppression.

use serde_json::{Value, json};

use crate::{Confidence, Detector, Finding, Report, Severity};

/// A rule as a SARIF log describes it: whatever the rule set.
#[derive(Clone, Debug)]
pub struct SarifRule {
    /// Its id (`reentrancy-eth`, `dockerfile-root-user`, …).
    pub id: String,
    /// A one-line title.
    pub title: String,
    /// What it finds and why that matters.
    pub description: String,
    /// What to do, as text.
    pub help: String,
    /// What to do, as Markdown.
    pub help_markdown: String,
    /// Its default severity.
    pub severity: Severity,
    /// How often a finding is real.
    pub confidence: Confidence,
}

impl SarifRule {
    /// A detector or lint rule, with its `slipway explain` page named.
    pub fn of_detector(d: &Detector) -> Self {
        Self {
            id: d.id.to_owned(),
            title: d.title.to_owned(),
            description: format!("{} {}", d.what, d.why),
            help: format!("{} Run `slipway explain {}` for an example.", d.help, d.id),
            help_markdown: format!(
                "{}\n\n{}\n\n**What to do:** {}\n\nRun `slipway explain {}` for an example.",
                d.what, d.why, d.help, d.id
            ),
            severity: d.severity,
            confidence: d.confidence,
        }
    }
}

/// The rules of one run and the tag GitHub files them under (`security`,
/// `maintainability`).
#[derive(Clone, Debug)]
pub struct RuleSet {
    /// The tag of every rule.
    pub tag: &'static str,
    /// The rules, in the order they are listed.
    pub rules: Vec<SarifRule>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High | Severity::Medium => "error",
        Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0–10) for a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// The report of `slipway analyze` or `slipway lint` as a SARIF 2.1.0 log.
pub fn sarif(report: &Report) -> Value {
    let rules = RuleSet {
        tag: match report.family {
            crate::Family::Security => "security",
            crate::Family::Lint => "maintainability",
        },
        rules: report
            .detectors
            .iter()
            .map(|d| SarifRule::of_detector(d))
            .collect(),
    };
    sarif_log(&rules, &report.findings)
}

/// Any rule set's findings as a SARIF 2.1.0 log (baselined findings are
/// left out; suppressed ones are kept, marked).
pub fn sarif_log(rule_set: &RuleSet, findings: &[Finding]) -> Value {
    let rules: Vec<Value> = rule_set
        .rules
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "name": d.id,
                "shortDescription": { "text": d.title },
                "fullDescription": { "text": d.description },
                "help": { "text": d.help, "markdown": d.help_markdown },
                "defaultConfiguration": { "level": level(d.severity) },
                "properties": {
                    "tags": [rule_set.tag],
                    "precision": precision(d.confidence),
                    "security-severity": security_severity(d.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .filter(|f| !f.baselined)
        .map(|f| {
            let index = rule_set
                .rules
                .iter()
                .position(|d| d.id == f.id)
                .unwrap_or(0);
            let mut result = json!({
                "ruleId": f.id,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": f.path.to_string_lossy().replace('\\', "/"),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    },
                    "logicalLocations": f.contract.as_ref().map(|c| vec![json!({
                        "fullyQualifiedName": match &f.function {
                            Some(func) => format!("{c}.{func}"),
                            None => c.clone(),
                        },
                        "kind": if f.function.is_some() { "function" } else { "type" },
                    })]).unwrap_or_default(),
                }],
                "partialFingerprints": { "slipwayFingerprint/v1": f.fingerprint },
            });
            if let Some(s) = &f.suppressed {
                result["suppressions"] = json!([{
                    "kind": "inSource",
                    "justification": s.reason.clone().unwrap_or_else(|| s.kind.clone()),
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "slipway",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/slipway-rs/slipway",
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
