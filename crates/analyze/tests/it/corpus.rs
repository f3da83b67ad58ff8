//! The labelled corpus (`testdata/corpus`, issue 32): recall and precision
//! of the security detectors on cases written from each class's documented
//! meaning before the detectors were changed for them. The scoring is
//! `bench/analyze-corpus.py`'s: a case is found when a finding of its class
//! names one of its lines; a finding of a class is right when it names a
//! case of its class (or of a class of the same family).

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use slipway_analyze::{Finding, Options};
use slipway_config::AnalyzeConfig;

use crate::common::compile_dir_with;

/// Class → the slipway ids that count for it, and the cases Slither 0.11.5
/// finds of the class as measured by `bench/analyze-corpus.sh`
/// (docs/benchmarks.md), `None` where Slither has no detector for it.
const CLASSES: &[(&str, &[&str], Option<usize>)] = &[
    ("reentrancy-eth", &["reentrancy-eth"], Some(5)),
    ("reentrancy-no-eth", &["reentrancy-no-eth"], Some(6)),
    ("reentrancy-benign", &["reentrancy-benign"], Some(7)),
    ("arbitrary-send-eth", &["arbitrary-send-eth"], Some(6)),
    ("arbitrary-send-erc20", &["arbitrary-send-erc20"], Some(4)),
    (
        "controlled-delegatecall",
        &["controlled-delegatecall"],
        Some(4),
    ),
    ("arbitrary-call", &["arbitrary-call"], None),
    ("weak-prng", &["weak-prng"], Some(4)),
    ("timestamp", &["timestamp"], Some(5)),
    ("shadowing-local", &["shadowing-local"], Some(6)),
    ("locked-ether", &["locked-ether"], Some(7)),
    ("missing-access-control", &["access-admin-state"], None),
    ("unprotected-upgrade", &["unprotected-upgrade"], Some(4)),
    ("uninitialized-storage", &["uninitialized-storage"], Some(5)),
];

const REENTRANCY: &[&str] = &["reentrancy-eth", "reentrancy-no-eth", "reentrancy-benign"];

fn same_family(a: &str, b: &str) -> bool {
    a == b || (REENTRANCY.contains(&a) && REENTRANCY.contains(&b))
}

/// (class, file, case) → its lines.
fn labels(src: &Path) -> BTreeMap<(String, String, String), BTreeSet<usize>> {
    let mut cases: BTreeMap<_, BTreeSet<usize>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("corpus") {
        let path = entry.expect("entry").path();
        let file = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("read");
        for (i, line) in text.lines().enumerate() {
            let Some((_, label)) = line.rsplit_once("// bug: ") else {
                continue;
            };
            for one in label.split(',') {
                let mut words = one.split_whitespace();
                let class = words.next().expect("a class").to_owned();
                assert!(
                    CLASSES.iter().any(|(c, _, _)| *c == class),
                    "{file}:{}: unknown class {class}",
                    i + 1
                );
                let case = words
                    .next()
                    .and_then(|w| w.strip_prefix('#'))
                    .map_or_else(|| format!("line{}", i + 1), str::to_owned);
                cases
                    .entry((class, file.clone(), case))
                    .or_default()
                    .insert(i + 1);
            }
        }
    }
    cases
}

fn hits(f: &Finding, file: &str, lines: &BTreeSet<usize>) -> bool {
    f.path.file_name().is_some_and(|n| n == file)
        && lines.range(f.line..=f.end_line).next().is_some()
}

fn link_node_modules(root: &Path) {
    let node_modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
    assert!(
        node_modules.join("solmate/package.json").is_file(),
        "npm ci installs solmate and OpenZeppelin"
    );
    std::os::unix::fs::symlink(node_modules, root.join("node_modules")).expect("link");
}

/// Copies `from`'s sources into a fresh project and analyses it, built with
/// `extra` settings.
fn analyse(from: &Path, name: &str, extra: &str) -> (tempfile::TempDir, Vec<Finding>) {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("corpus") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, src.join(path.file_name().expect("name"))).expect("copy");
    }
    link_node_modules(tmp.path());
    let built = compile_dir_with(tmp.path(), name, extra);
    let report = built.analyze(&AnalyzeConfig::default(), &Options::default());
    (tmp, report.findings)
}

#[test]
fn the_corpus_is_found_with_recall_and_precision_of_at_least_nine_tenths() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/corpus");
    let (_modern, mut findings) = analyse(
        &corpus.join("src"),
        "corpus",
        "remappings = [\"@openzeppelin/=node_modules/@openzeppelin/\", \"solmate/=node_modules/solmate/\"]\n",
    );
    // Uninitialised storage pointers exist only before solc 0.5.
    let (_legacy, legacy) = analyse(
        &corpus.join("legacy/src"),
        "corpus-legacy",
        "\n[compiler]\nversion = \"0.4.26\"\n",
    );
    findings.extend(legacy);
    let mut cases = labels(&corpus.join("src"));
    cases.extend(labels(&corpus.join("legacy/src")));
    let in_corpus: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.path.parent() == Some(Path::new("src")) && f.suppressed.is_none())
        .collect();

    let mut table = vec![format!(
        "{:<24} {:>6} {:>8} {:>10}",
        "class", "cases", "recall", "precision"
    )];
    let (mut found_all, mut cases_all, mut right_all, mut reported_all) = (0, 0, 0, 0);
    let mut below_slither = Vec::new();
    let mut missed = Vec::new();
    for (class, ids, slither) in CLASSES {
        let mine: Vec<_> = cases.iter().filter(|((c, _, _), _)| c == class).collect();
        let mut found = 0;
        for ((_, file, case), lines) in &mine {
            if in_corpus
                .iter()
                .any(|f| ids.contains(&f.id.as_str()) && hits(f, file, lines))
            {
                found += 1;
            } else {
                missed.push(format!(
                    "{class}: {file}:{} ({case})",
                    lines.first().expect("a line")
                ));
            }
        }
        let reported: Vec<&&Finding> = in_corpus
            .iter()
            .filter(|f| ids.contains(&f.id.as_str()))
            .collect();
        let right = reported
            .iter()
            .filter(|f| {
                cases
                    .iter()
                    .any(|((c, file, _), lines)| same_family(c, class) && hits(f, file, lines))
            })
            .count();
        for f in &reported {
            if !cases
                .iter()
                .any(|((c, file, _), lines)| same_family(c, class) && hits(f, file, lines))
            {
                missed.push(format!(
                    "false positive {}: {}:{} {}",
                    f.id,
                    f.path.display(),
                    f.line,
                    f.message
                ));
            }
        }
        let recall = found as f64 / mine.len() as f64;
        if let Some(theirs) = slither
            && found < *theirs
        {
            below_slither.push(format!("{class}: {found} found, Slither finds {theirs}"));
        }
        table.push(format!(
            "{class:<24} {:>6} {:>8.2} {:>10}",
            mine.len(),
            recall,
            if reported.is_empty() {
                "-".to_owned()
            } else {
                format!("{:.2}", right as f64 / reported.len() as f64)
            }
        ));
        assert!(mine.len() >= 5, "{class}: at least five cases");
        found_all += found;
        cases_all += mine.len();
        right_all += right;
        reported_all += reported.len();
    }
    let recall = found_all as f64 / cases_all as f64;
    let precision = right_all as f64 / reported_all as f64;
    table.push(format!(
        "{:<24} {cases_all:>6} {recall:>8.2} {precision:>10.2}",
        "all"
    ));
    let details = format!("{}\n{}", table.join("\n"), missed.join("\n"));
    assert!(cases_all >= 60, "{cases_all} cases");
    assert!(recall >= 0.90, "recall {recall:.2}\n{details}");
    assert!(precision >= 0.90, "precision {precision:.2}\n{details}");
    assert!(
        below_slither.is_empty(),
        "{}\n{details}",
        below_slither.join("\n")
    );
}
