//! `slipway analyze`: security detectors on the typed AST solc already
//! produced for the build (no second compile, no Solidity parser of our
//! own), with a small data-flow layer they share (`flow`), inline
//! suppressions in slipway's, Slither's and forge lint's forms, a per-file
//! result cache, a baseline of accepted findings, and output as values,
//! JSON or SARIF 2.1.0 for code scanning.
//!
//! It must not print: the CLI renders [`Report`]s.

mod access;
mod ast;
mod baseline;
pub mod bugs;
mod cache;
mod detector;
pub mod detectors;
mod engine;
mod finding;
mod fix;
mod flow;
pub mod lint;
mod program;
mod project_run;
mod registry;
mod sarif;
mod suppress;
mod taint;

pub use access::ContractAccess;
pub use baseline::{Baseline, BaselineError};
pub use detector::Detector;
pub use detectors::all as all_detectors;
pub use engine::{
    AnalyzeError, Family, Options, Report, Source, access_map, access_report, analyze,
    analyze_cached, read_source, sources_of,
};
pub use finding::{Confidence, Finding, Fix, Severity, Suppression};
pub use fix::{FileFix, FixError, FixOutcome, apply_fixes};
pub use program::Unit;
pub use project_run::{
    BuildSource, ProjectRun, RunError, RunOptions, analyze_project, failing, lint_project,
};
pub use registry::find as find_detector;
pub use sarif::{RuleSet, SarifRule, sarif, sarif_log};

/// The page `slipway explain ID` prints.
pub fn explain(detector: &Detector) -> String {
    let severity = format!("{:?}", detector.severity).to_lowercase();
    let confidence = format!("{:?}", detector.confidence).to_lowercase();
    format!(
        "{id}: {title}\n\
         severity: {severity}, confidence: {confidence}\n\n\
         What it finds\n  {what}\n\n\
         Why it matters\n  {why}\n\n\
         What to do\n  {help}\n\n\
         Example (the `…Bad` contract has the problem; the others are safe twins)\n\n{example}\n\
         Suppressing one finding (write the reason after `--`)\n\
         \x20 // slipway-disable-next-line {id} -- why this is safe here\n\
         \x20 or `slipway-disable-line {id}` at the end of the line, or a region between\n\
         \x20 `// slipway-disable-start {id}` and `// slipway-disable-end {id}`.\n\
         \x20 Slither's `// slither-disable-next-line {id}` and forge lint's\n\
         \x20 `// forge-lint: disable-next-line({id})` are honoured too.\n\
         Turning it off for the project: `[analyze] exclude = [\"{id}\"]` in slipway.toml;\n\
         changing its severity: `[analyze.severity] {id} = \"low\"`.\n",
        id = detector.id,
        title = detector.title,
        what = wrap(detector.what),
        why = wrap(detector.why),
        help = detector.help,
        example = indent(detector.example),
    )
}

fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for word in text.split_whitespace() {
        if width + word.len() > 76 && width > 0 {
            out.push_str("\n  ");
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("// SPDX"))
        .map(|l| {
            let l = l.split(" // finding:").next().unwrap_or(l);
            if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
