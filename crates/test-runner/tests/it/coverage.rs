//! Coverage of `testdata/contracts/src/Covered.sol` after `Covered.t.sol`,
//! item by item against expectations worked out by hand:
//!
//! - functions: constructor (line 13), add (17), pick (26), reset (30) run;
//!   never (34) does not → 4/5;
//! - statements: require (9), owner = (14), if (18), total += x (21),
//!   return total (23), return flag ? (27), total = 0 (31) run; total += 10
//!   (19) and total = 42 (35) do not → 7/9;
//! - lines: those statement lines plus the function lines: 11/14 (19, 34 and
//!   35 missed);
//! - branches: require (9) true only, if (18) false only, ?: (27) true only
//!   → 3/6.

use crate::common;

use std::path::PathBuf;

use slipway_test_runner::{CoverageMap, CoverageReport, Ratio, RunOptions, TestFilter};

/// The report, computed once for the tests of this file (they share a
/// build directory).
fn coverage() -> &'static CoverageReport {
    static REPORT: std::sync::OnceLock<CoverageReport> = std::sync::OnceLock::new();
    REPORT.get_or_init(measure)
}

fn measure() -> CoverageReport {
    // The optimizer is on for normal builds: the coverage profile turns it off.
    let (suite, report, config) = common::compile_profile(
        "test-coverage-fixture",
        slipway_solc::Profile::Coverage,
        "[compiler]\noptimizer = true\n",
    );
    let filter =
        TestFilter::new(None, None, Some("^CoveredTest$"), None, None, None).expect("filter");
    let options = RunOptions {
        coverage: true,
        ..common::options()
    };
    let (results, hits) =
        slipway_test_runner::run_with_coverage(&suite.contracts, &filter, &suite.decoder, &options);
    assert_eq!(results[0].tests.len(), 3);
    let map = CoverageMap::from_build(&report.artifacts, &config.root, &config.project.src, &[])
        .expect("sources readable");
    map.report(&hits)
}

#[test]
fn every_item_of_the_fixture_is_counted_as_worked_out_by_hand() {
    let report = coverage();
    assert_eq!(
        report.files.len(),
        1,
        "only the source directory is reported"
    );
    let file = &report.files[0];
    assert_eq!(file.path, PathBuf::from("contracts/src/Covered.sol"));

    let functions: Vec<(&str, u32, bool)> = file
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.line, f.count > 0))
        .collect();
    assert_eq!(
        functions,
        [
            ("constructor", 13, true),
            ("add", 17, true),
            ("pick", 26, true),
            ("reset", 30, true),
            ("never", 34, false)
        ]
    );

    let mut statements: Vec<(u32, bool)> = file
        .statements
        .iter()
        .map(|s| (s.line, s.count > 0))
        .collect();
    statements.sort();
    assert_eq!(
        statements,
        [
            (9, true),
            (14, true),
            (18, true),
            (19, false),
            (21, true),
            (23, true),
            (27, true),
            (31, true),
            (35, false)
        ]
    );

    let missed_lines: Vec<u32> = file
        .lines
        .iter()
        .filter(|(_, c)| *c == 0)
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(missed_lines, [19, 34, 35]);
    assert_eq!(file.line_ratio(), Ratio { hit: 11, total: 14 });

    let mut branches: Vec<(u32, &str, [bool; 2])> = file
        .branches
        .iter()
        .map(|b| (b.line, b.kind, [b.counts[0] > 0, b.counts[1] > 0]))
        .collect();
    branches.sort();
    assert_eq!(
        branches,
        [
            (9, "require", [true, false]),
            (18, "if", [false, true]),
            (27, "?:", [true, false])
        ]
    );

    assert_eq!(report.functions(), Ratio { hit: 4, total: 5 });
    assert_eq!(report.statements(), Ratio { hit: 7, total: 9 });
    assert_eq!(report.branches(), Ratio { hit: 3, total: 6 });
    assert_eq!(report.lines(), Ratio { hit: 11, total: 14 });
}

#[test]
fn genhtml_accepts_the_lcov_report() {
    let report = coverage();
    let lcov = report.lcov();
    assert!(lcov.contains("SF:contracts/src/Covered.sol\n"), "{lcov}");
    assert!(lcov.contains("FNDA:0,never\n"), "{lcov}");
    assert!(
        lcov.contains("BRDA:18,1,0,0\nBRDA:18,1,1,"),
        "if (18): true outcome never taken\n{lcov}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    // genhtml resolves SF paths against the current directory: the fixture root.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let info = dir.path().join("lcov.info");
    std::fs::write(&info, &lcov).expect("write");
    let output = std::process::Command::new("genhtml")
        .arg(&info)
        .arg("--branch-coverage")
        .arg("--output-directory")
        .arg(dir.path().join("html"))
        .current_dir(&root)
        .output()
        .expect("genhtml (Debian's lcov package; ./scripts/test installs it)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "genhtml refused the report:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("lines......: 78.6% (11 of 14 lines)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("functions..: 80.0% (4 of 5 functions)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("branches...: 50.0% (3 of 6 branches)"),
        "{stdout}"
    );
    assert!(dir.path().join("html/index.html").is_file());
}

/// A source that cannot be read is an error naming it, not a file with no
/// lines (its coverage would read as complete).
#[test]
fn an_unreadable_source_is_an_error_not_empty_coverage() {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("contracts/src");
    std::fs::create_dir_all(&src).expect("src");
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/contracts/src/Covered.sol"),
        src.join("Covered.sol"),
    )
    .expect("copy");
    let config = slipway_config::Config::parse(
        tmp.path(),
        tmp.path().join("slipway.toml"),
        "[project]\nsrc = \"contracts/src\"\n".into(),
        slipway_config::Vars::default(),
    )
    .expect("config");
    let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
        .expect("solc");
    let report =
        slipway_solc::build(&config, &compiler, slipway_solc::Profile::Coverage).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    std::fs::remove_file(src.join("Covered.sol")).expect("remove");
    let error = CoverageMap::from_build(&report.artifacts, &config.root, &config.project.src, &[])
        .expect_err("unreadable");
    assert!(
        error.to_string().contains("contracts/src/Covered.sol"),
        "{error}"
    );
}
