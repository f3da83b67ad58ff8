//! SARIF 2.1.0, as GitHub code scanning loads it: one run, the detectors
//! as rules, each finding with its location, a partial fingerprint and, when
//! an inline comment suppresses it, an `inSource` suppression.

use serde_json::{Value, json};

use crate::{Confidence, Report, Severity};

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

/// The report as a SARIF 2.1.0 log.
pub fn sarif(report: &Report) -> Value {
    let rules: Vec<Value> = report
        .detectors
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "name": d.id,
                "shortDescription": { "text": d.title },
                "fullDescription": { "text": format!("{} {}", d.what, d.why) },
                "help": {
                    "text": format!("{} Run `slipway explain {}` for an example.", d.help, d.id),
                    "markdown": format!("{}\n\n{}\n\n**What to do:** {}\n\nRun `slipway explain {}` for an example.", d.what, d.why, d.help, d.id),
                },
                "defaultConfiguration": { "level": level(d.severity) },
                "properties": {
                    "tags": [match report.family {
                        crate::Family::Security => "security",
                        crate::Family::Lint => "maintainability",
                    }],
                    "precision": precision(d.confidence),
                    "security-severity": security_severity(d.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| !f.baselined)
        .map(|f| {
            let index = report
                .detectors
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
