//! `slipway analyze`'s output: rustc-style findings (the line, a caret
//! span, where, what to do) and a summary; or one JSON document.

use std::{collections::HashMap, path::Path};

use serde_json::{Value, json};
use slipway_analyze::{Finding, Report, Severity, bugs::BugReport};
use yansi::Paint;

use crate::output::{self, Ui};

fn paint_severity(severity: Severity) -> String {
    let name = format!("{severity:?}").to_lowercase();
    match severity {
        Severity::High => name.red().bold().to_string(),
        Severity::Medium => name.yellow().bold().to_string(),
        Severity::Low => name.cyan().bold().to_string(),
        Severity::Info => name.blue().bold().to_string(),
    }
}

fn render_one(f: &Finding, text: &str, help: &str) -> String {
    let line = text.lines().nth(f.line.saturating_sub(1)).unwrap_or("");
    let gutter = f.line.to_string().len();
    let pad = " ".repeat(gutter);
    let caret_start = f.column.saturating_sub(1);
    let line_chars = line.chars().count();
    let caret_len = if f.end_line == f.line {
        f.end_column.saturating_sub(f.column).max(1)
    } else {
        line_chars.saturating_sub(caret_start).max(1)
    };
    let prefix: String = line
        .chars()
        .take(caret_start)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let mut out = format!(
        "{}{}: {}\n{pad}{} {}:{}:{}\n{pad} {}\n{} {} {line}\n{pad} {} {prefix}{}\n",
        paint_severity(f.severity),
        format!("[{}]", f.id).bold(),
        f.message.bold(),
        "-->".blue().bold(),
        f.path.display(),
        f.line,
        f.column,
        "|".blue().bold(),
        f.line.to_string().blue().bold(),
        "|".blue().bold(),
        "|".blue().bold(),
        "^".repeat(caret_len).red().bold(),
    );
    if let Some(contract) = &f.contract {
        let place = match &f.function {
            Some(function) => format!("{contract}.{function}"),
            None => contract.clone(),
        };
        out.push_str(&format!("{pad} {} in {place}\n", "=".blue().bold()));
    }
    out.push_str(&format!(
        "{pad} {} {} (`slipway explain {}`)\n",
        "=".blue().bold(),
        format!("help: {help}").bold(),
        f.id
    ));
    out
}

/// Prints the counted findings on stdout and a summary on stderr.
pub(crate) fn findings(ui: Ui, root: &Path, report: &Report, gate: Severity) {
    let mut texts: HashMap<&Path, String> = HashMap::new();
    for f in report.findings.iter().filter(|f| f.counts()) {
        let text = texts
            .entry(f.path.as_path())
            .or_insert_with(|| std::fs::read_to_string(root.join(&f.path)).unwrap_or_default());
        let help = slipway_analyze::find_detector(&f.id).map_or("", |d| d.help);
        println!("{}", render_one(f, text, help));
    }
    let counted: Vec<&Finding> = report.findings.iter().filter(|f| f.counts()).collect();
    let by = |s: Severity| counted.iter().filter(|f| f.severity == s).count();
    let allowlisted = |f: &&Finding| {
        f.suppressed
            .as_ref()
            .is_some_and(|s| s.kind == "[analyze] public_functions")
    };
    let suppressed = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some() && !allowlisted(f))
        .count();
    let public = report.findings.iter().filter(allowlisted).count();
    let baselined = report
        .findings
        .iter()
        .filter(|f| f.baselined && f.suppressed.is_none())
        .count();
    let mut summary = format!(
        "{} ({} from cache) with {}: ",
        output::count(report.files_analysed + report.files_cached, "file"),
        report.files_cached,
        output::count(
            report.detectors.len(),
            match report.family {
                slipway_analyze::Family::Security => "detector",
                slipway_analyze::Family::Lint => "rule",
            }
        ),
    );
    if counted.is_empty() {
        summary.push_str("no findings");
    } else {
        let parts: Vec<String> = [
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ]
        .into_iter()
        .filter(|s| by(*s) > 0)
        .map(|s| format!("{} {}", by(s), format!("{s:?}").to_lowercase()))
        .collect();
        summary.push_str(&parts.join(", "));
    }
    if suppressed > 0 {
        summary.push_str(&format!("; {suppressed} suppressed inline"));
    }
    if public > 0 {
        summary.push_str(&format!(
            "; {public} on public functions allowlisted in [analyze]"
        ));
    }
    if baselined > 0 {
        summary.push_str(&format!("; {baselined} in the baseline"));
    }
    let failing = counted.iter().filter(|f| f.severity >= gate).count();
    if failing > 0 {
        summary.push_str(&format!(
            "; {} at or above `lint_fail_on = \"{}\"`",
            output::count(failing, "finding"),
            format!("{gate:?}").to_lowercase()
        ));
    }
    output::status(ui, "Analysed", &summary);
}

/// The known compiler bugs that apply, after the findings (stdout).
pub(crate) fn compiler_bugs(bugs: &BugReport, version: &semver::Version) {
    if bugs.applicable.is_empty() {
        return;
    }
    let title = format!(
        "solc {version} has {} that this project's settings meet ({}):",
        output::count(bugs.applicable.len(), "known bug"),
        bugs.source
    );
    println!("{}", title.bold());
    for applicable in &bugs.applicable {
        let bug = &applicable.bug;
        println!(
            "  {} {} ({}, {}): {}",
            paint_severity(bug.gate_severity()),
            bug.name.bold(),
            bug.uid,
            bug.severity,
            bug.summary
        );
        println!("      because {}", applicable.because.join("; "));
        if let Some(link) = &bug.link {
            println!("      {link}");
        }
    }
    println!("  A compiler release with the fixes ([compiler] version) removes them.");
}

/// The JSON report of `slipway lint`.
pub(crate) fn lint_json(report: &Report, gate: Severity) -> Value {
    let failing = report
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity >= gate)
        .count();
    json!({
        "files_analysed": report.files_analysed,
        "files_cached": report.files_cached,
        "rules": report.detectors.iter().map(|d| d.id).collect::<Vec<_>>(),
        "fail_on": gate,
        "failing": failing,
        "findings": report.findings,
    })
}

/// The JSON report of `slipway analyze`.
pub(crate) fn json(report: &Report, bugs: &BugReport, gate: Severity) -> Value {
    let failing = report
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity >= gate)
        .count()
        + bugs
            .applicable
            .iter()
            .filter(|b| b.bug.gate_severity() >= gate)
            .count();
    let applicable: Vec<Value> = bugs
        .applicable
        .iter()
        .map(|a| {
            json!({
                "uid": a.bug.uid,
                "name": a.bug.name,
                "severity": a.bug.severity,
                "summary": a.bug.summary,
                "link": a.bug.link,
                "introduced": a.bug.introduced,
                "fixed": a.bug.fixed,
                "because": a.because,
            })
        })
        .collect();
    json!({
        "files_analysed": report.files_analysed,
        "files_cached": report.files_cached,
        "detectors": report.detectors.iter().map(|d| d.id).collect::<Vec<_>>(),
        "fail_on": gate,
        "failing": failing,
        "findings": report.findings,
        "compiler_bugs": { "source": bugs.source, "applicable": applicable },
    })
}
