//! Every detector on its fixture: `testdata/src/<id>.sol` holds a contract
//! with the problem (lines marked `// finding: <id>`) and its safe twins;
//! the detector must report exactly the marked lines.

use std::{collections::BTreeSet, path::Path};

use slipway_analyze::{Family, Options, all_detectors};
use slipway_config::AnalyzeConfig;

use crate::common::{fixtures, legacy_fixtures};

fn marked(text: &str, id: &str) -> BTreeSet<usize> {
    let marker = format!("// finding: {id}");
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end().ends_with(&marker))
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn every_detector_reports_exactly_the_marked_lines_of_its_fixture() {
    check_family(Family::Security);
}

#[test]
fn every_lint_rule_reports_exactly_the_marked_lines_of_its_fixture() {
    check_family(Family::Lint);
}

fn check_family(family: Family) {
    let built = fixtures();
    let options = Options {
        family,
        ..Options::default()
    };
    let report = built.analyze(&AnalyzeConfig::default(), &options);
    let legacy = legacy_fixtures().analyze(&AnalyzeConfig::default(), &options);
    let mut failures = Vec::new();
    for detector in family.detectors() {
        let path = Path::new("src").join(format!("{}.sol", detector.id));
        // Classes solc 0.5 and later refuse have their fixture in the
        // solc 0.4.26 project `testdata/legacy`.
        let (built, report) = if legacy_fixtures().root.join(&path).is_file() {
            (legacy_fixtures(), &legacy)
        } else {
            (built, &report)
        };
        let text = std::fs::read_to_string(built.root.join(&path))
            .unwrap_or_else(|_| panic!("{} has no fixture", detector.id));
        let expected = marked(&text, detector.id);
        assert!(
            !expected.is_empty(),
            "{}: the fixture marks no line",
            detector.id
        );
        let found: BTreeSet<usize> = report
            .findings
            .iter()
            .filter(|f| f.id == detector.id && f.path == path)
            .map(|f| f.line)
            .collect();
        if found != expected {
            let messages: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.id == detector.id && f.path == path)
                .map(|f| format!("    line {}: {}", f.line, f.message))
                .collect();
            failures.push(format!(
                "{}: expected lines {expected:?}, found {found:?}\n{}",
                detector.id,
                messages.join("\n")
            ));
        }
        // The fixture's example is what `explain` shows.
        assert_eq!(
            detector.example, text,
            "{}: the embedded example is not the fixture",
            detector.id
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn there_are_at_least_thirty_detectors_and_twenty_five_lint_rules_with_unique_ids_and_pages() {
    assert!(
        all_detectors().len() >= 30,
        "{} detectors",
        all_detectors().len()
    );
    assert!(
        Family::Lint.detectors().len() >= 25,
        "{} lint rules",
        Family::Lint.detectors().len()
    );
    let all: Vec<_> = all_detectors()
        .into_iter()
        .chain(Family::Lint.detectors())
        .collect();
    let ids: BTreeSet<&str> = all.iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), all.len(), "duplicate ids");
    for d in all {
        let page = slipway_analyze::explain(d);
        for part in [
            "What it finds",
            "Why it matters",
            "What to do",
            "Example",
            "slipway-disable-next-line",
        ] {
            assert!(page.contains(part), "{}: page lacks {part}", d.id);
        }
        assert!(
            page.contains("Bad"),
            "{}: the example has no bad case",
            d.id
        );
    }
}
