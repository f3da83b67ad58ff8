//! OpenZeppelin Contracts 5.0.2 and solmate 6.8.0 (npm packages the
//! project installs), scanned whole: the corpus's clean files carry at most
//! one High or Medium finding, and in OpenZeppelin every high or medium finding left is one that
//! docs/benchmarks.md lists with why it is right; the rest are false
//! positives fixed in the detectors or suppressed by OpenZeppelin's own
//! `slither-disable-next-line` comments.

use std::path::{Path, PathBuf};

use slipway_analyze::{Options, Severity};
use slipway_config::AnalyzeConfig;

use crate::common::compile_dir;

fn copy_sources(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        if path.is_dir() && entry.file_name() == "test" {
            continue;
        }
        if path.is_dir() {
            copy_sources(&path, &to.join(entry.file_name()));
        } else if path.extension().is_some_and(|e| e == "sol") {
            std::fs::create_dir_all(to).expect("mkdir");
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

#[test]
fn openzeppelin_5_0_2_has_only_the_documented_findings() {
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@openzeppelin/contracts");
    let manifest = std::fs::read_to_string(package.join("package.json"))
        .expect("npm ci installs OpenZeppelin");
    assert!(
        manifest.contains("\"version\": \"5.0.2\""),
        "the pinned OpenZeppelin"
    );
    let tmp = tempfile::tempdir().expect("tmp");
    copy_sources(&package, &tmp.path().join("src/oz"));
    // solmate 6.8.0 beside it (its tests left out): the corpus's other
    // clean audited code.
    let solmate = package.join("../../solmate");
    copy_sources(&solmate.join("src"), &tmp.path().join("src/solmate"));
    let built = compile_dir(tmp.path(), "openzeppelin");
    let report = built.analyze(&AnalyzeConfig::default(), &Options::default());
    assert_eq!(
        report.files_analysed,
        143 + 20,
        "every source of both packages"
    );

    // The corpus's clean files (testdata/corpus/clean.txt): at most one
    // High or Medium finding on them all (issue 32's goal).
    let clean_list = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/corpus/clean.txt"),
    )
    .expect("clean.txt");
    let clean: Vec<String> = clean_list
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.replace("@openzeppelin/contracts/", "src/oz/")
                .replace("solmate/src/", "src/solmate/")
        })
        .collect();
    let on_clean: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity >= Severity::Medium)
        .filter(|f| clean.iter().any(|c| Path::new(c) == f.path))
        .map(|f| format!("{} {}:{} {}", f.id, f.path.display(), f.line, f.message))
        .collect();
    assert!(on_clean.len() <= 1, "{on_clean:#?}");
    let mut left: Vec<(String, String, String)> = report
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity >= Severity::Medium && f.path.starts_with("src/oz"))
        .map(|f| {
            (
                f.id.clone(),
                f.path.display().to_string().replace("src/oz/", ""),
                format!(
                    "{}.{}",
                    f.contract.as_deref().unwrap_or(""),
                    f.function.as_deref().unwrap_or("")
                ),
            )
        })
        .collect();
    left.sort();
    let documented = [
        (
            "access-admin-state",
            "access/manager/AccessManager.sol",
            "AccessManager.consumeScheduledOp",
        ),
        (
            "reentrancy-eth",
            "governance/Governor.sol",
            "Governor.execute",
        ),
        (
            "reentrancy-eth",
            "governance/extensions/GovernorStorage.sol",
            "GovernorStorage.execute",
        ),
        (
            "unused-return",
            "governance/extensions/GovernorTimelockCompound.sol",
            "GovernorTimelockCompound._executeOperations",
        ),
        (
            "unused-return",
            "governance/extensions/GovernorTimelockCompound.sol",
            "GovernorTimelockCompound._queueOperations",
        ),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(left, documented);
    // OpenZeppelin's own suppressions are honoured (TimelockController,
    // AccessManager, ERC20FlashMint, ERC4626, …).
    let suppressed = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    assert!(suppressed >= 5, "{suppressed} suppressed");
}
