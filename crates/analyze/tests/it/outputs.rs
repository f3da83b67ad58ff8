//! The outputs: SARIF validated against the official OASIS schema
//! (`testdata/sarif-schema-2.1.0.json`, source in `testdata/SOURCES.md`),
//! and the fingerprints the baseline relies on.

use std::path::Path;

use slipway_analyze::{Baseline, Options};
use slipway_config::AnalyzeConfig;

use crate::common::fixtures;

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif-schema-2.1.0.json"),
    )
    .expect("schema");
    serde_json::from_str(&text).expect("schema json")
}

#[test]
fn sarif_is_valid_against_the_oasis_schema_and_carries_rules_fingerprints_and_suppressions() {
    let report = fixtures().analyze(&AnalyzeConfig::default(), &Options::default());
    let log = slipway_analyze::sarif(&report);
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), slipway_analyze::all_detectors().len());
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.findings.len());
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at its rule"
        );
        assert_eq!(
            result["partialFingerprints"]["slipwayFingerprint/v1"]
                .as_str()
                .map(str::len),
            Some(32)
        );
    }
    let in_file: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/suppressed.sol"
                && r["ruleId"] != "access-unguarded"
        })
        .collect();
    let line = |r: &serde_json::Value| {
        r["locations"][0]["physicalLocation"]["region"]["startLine"].clone()
    };
    let lines: Vec<serde_json::Value> = in_file.iter().map(|r| line(r)).collect();
    assert_eq!(lines, [8, 12, 23].map(serde_json::Value::from));
    assert_eq!(
        in_file[0]["suppressions"],
        serde_json::json!([{ "kind": "inSource", "justification": "a best-effort notification" }])
    );
    assert!(in_file[1].get("suppressions").is_none());
    // Slither's comment before the function covers the finding inside it.
    assert_eq!(in_file[2]["ruleId"], "reentrancy-eth");
    assert_eq!(
        in_file[2]["suppressions"],
        serde_json::json!([{ "kind": "inSource", "justification": "slither-disable-next-line" }])
    );
}

#[test]
fn a_broken_sarif_log_is_refused_by_the_schema() {
    // The validation above can fail: a log without a version is invalid.
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let report = fixtures().analyze(&AnalyzeConfig::default(), &Options::default());
    let mut log = slipway_analyze::sarif(&report);
    log.as_object_mut().expect("object").remove("version");
    assert!(!validator.is_valid(&log));
    let mut log = slipway_analyze::sarif(&report);
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn fingerprints_are_unique_and_the_baseline_accepts_exactly_what_it_recorded() {
    let report = fixtures().analyze(&AnalyzeConfig::default(), &Options::default());
    let mut seen = std::collections::BTreeSet::new();
    for f in &report.findings {
        assert!(
            seen.insert(&f.fingerprint),
            "duplicate fingerprint for {} at {}:{}",
            f.id,
            f.path.display(),
            f.line
        );
    }
    let baseline = Baseline::record(&report.findings);
    let suppressed = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    assert_eq!(
        baseline.findings.len(),
        report.findings.len() - suppressed,
        "suppressed findings need no baseline"
    );
    let mut findings = report.findings.clone();
    baseline.apply(&mut findings);
    assert!(findings.iter().all(|f| !f.counts()));
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("baseline.json");
    baseline.save(&file).expect("save");
    assert_eq!(Baseline::load(&file).expect("load"), Some(baseline));
    assert_eq!(
        Baseline::load(&dir.path().join("none.json")).expect("absent"),
        None
    );
}

#[test]
fn configuration_overrides_severity_and_excludes_detectors_and_paths() {
    let built = fixtures();
    let mut config = AnalyzeConfig::default();
    config
        .severity
        .insert("timestamp".to_owned(), slipway_analyze::Severity::High);
    config.exclude.push("reentrancy-eth".to_owned());
    config.exclude_paths.push("src/weak-prng.sol".to_owned());
    let report = built.analyze(&config, &Options::default());
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.id == "timestamp")
            .all(|f| f.severity == slipway_analyze::Severity::High)
    );
    assert!(report.findings.iter().any(|f| f.id == "timestamp"));
    assert!(!report.findings.iter().any(|f| f.id == "reentrancy-eth"));
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.path == Path::new("src/weak-prng.sol"))
    );
    config.exclude.push("no-such-detector".to_owned());
    let sources = built.sources();
    let error = slipway_analyze::analyze(&built.root, &sources, &config, &Options::default())
        .expect_err("unknown id");
    assert!(
        error
            .to_string()
            .contains("[analyze] exclude names `no-such-detector`"),
        "{error}"
    );
}

#[test]
fn the_access_review_names_guards_through_internal_calls_and_the_allowlist() {
    let built = fixtures();
    let config = AnalyzeConfig {
        public_functions: vec!["AccessUnguardedBad.vote".to_owned()],
        ..AnalyzeConfig::default()
    };
    let options = Options {
        paths: vec![Path::new("src/access-unguarded.sol").to_path_buf()],
        build_info_dir: Some(built.artifacts_dir.join("build-info")),
        ..Options::default()
    };
    // The allowlisted function's finding is suppressed, with why.
    let report = built.analyze(&config, &options);
    let vote: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "access-unguarded")
        .collect();
    assert_eq!(vote.len(), 1);
    assert_eq!(
        vote[0].suppressed.as_ref().map(|s| s.kind.as_str()),
        Some("[analyze] public_functions")
    );
    assert!(!vote[0].counts());

    let sources = built.sources();
    let text =
        slipway_analyze::access_report(&built.root, &sources, &config, &options).expect("report");
    let section = |contract: &str| -> String {
        let start = text.find(&format!("## {contract} (")).expect("section");
        let rest = &text[start + 3..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
    };
    let bad = section("AccessUnguardedBad");
    assert!(
        bad.contains("| KEEPER_ROLE | DEFAULT_ADMIN_ROLE (AccessControl's default) | - |"),
        "{bad}"
    );
    assert!(
        bad.contains(
            "| DEFAULT_ADMIN_ROLE | DEFAULT_ADMIN_ROLE (AccessControl's default) | `admin` |"
        ),
        "{bad}"
    );
    assert!(
        bad.contains(
            "**KEEPER_ROLE**\n\n- `setRate(uint256)` — modifier `onlyRole`, via `_checkRole`"
        ),
        "{bad}"
    );
    assert!(
        bad.contains("- `vote(uint256)` — allowlisted in `[analyze] public_functions`"),
        "{bad}"
    );
    let safe = section("AccessUnguardedSafe");
    assert!(
        safe.contains(
            "**`owner`**\n\n- `setLimit(uint256)` — inline check\n- `reset()` — via `_onlyOwner`"
        ),
        "{safe}"
    );
    assert!(
        safe.contains("### Public entry points (anyone may call)\n\nNone."),
        "{safe}"
    );
}

#[test]
fn a_damaged_cache_is_ignored_and_rewritten() {
    let built = fixtures();
    let dir = tempfile::tempdir().expect("tmp");
    let cache = dir.path().join("analyze.json");
    std::fs::write(&cache, "{ this is not a cache").expect("write");
    let options = Options {
        paths: vec![Path::new("src/reentrancy-eth.sol").to_path_buf()],
        cache_file: Some(cache.clone()),
        ..Options::default()
    };
    let first = built.analyze(&AnalyzeConfig::default(), &options);
    assert_eq!((first.files_analysed, first.files_cached), (1, 0));
    assert!(first.findings.iter().any(|f| f.id == "reentrancy-eth"));
    let second = built.analyze(&AnalyzeConfig::default(), &options);
    assert_eq!((second.files_analysed, second.files_cached), (0, 1));
    assert_eq!(second.findings, first.findings);
    // The cache alone answers too, as when the build reports no change.
    let cached = slipway_analyze::analyze_cached(&built.root, &AnalyzeConfig::default(), &options)
        .expect("every file cached");
    assert_eq!(cached.findings, first.findings);
}

#[test]
fn a_fresh_run_reads_no_cache_but_fills_it() {
    let built = fixtures();
    let dir = tempfile::tempdir().expect("tmp");
    let cache = dir.path().join("analyze.json");
    let fresh = Options {
        paths: vec![Path::new("src/reentrancy-eth.sol").to_path_buf()],
        cache_file: Some(cache.clone()),
        fresh: true,
        ..Options::default()
    };
    let first = built.analyze(&AnalyzeConfig::default(), &fresh);
    assert_eq!((first.files_analysed, first.files_cached), (1, 0));
    let again = built.analyze(&AnalyzeConfig::default(), &fresh);
    assert_eq!(
        (again.files_analysed, again.files_cached),
        (1, 0),
        "--no-cache reads nothing"
    );
    assert!(
        slipway_analyze::analyze_cached(&built.root, &AnalyzeConfig::default(), &fresh).is_none()
    );
    let reuse = Options {
        fresh: false,
        ..fresh
    };
    let next = built.analyze(&AnalyzeConfig::default(), &reuse);
    assert_eq!(
        (next.files_analysed, next.files_cached),
        (0, 1),
        "the fresh run filled it"
    );
    assert_eq!(next.findings, first.findings);
}

#[test]
fn a_file_of_imports_alone_re_exports_them() {
    let options = Options {
        family: slipway_analyze::Family::Lint,
        only: vec!["unused-import".to_owned()],
        ..Options::default()
    };
    let report = fixtures().analyze(&AnalyzeConfig::default(), &options);
    let files: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        files,
        ["src/unused-import.sol"],
        "the re-export file src/helpers/Reexport.sol is not reported"
    );
}

/// The same writer serves rule sets that are not detectors (the infra
/// check, the dependency audit, the roles policy): findings outside
/// Solidity, without a contract, still make a valid log.
#[test]
fn any_rule_set_writes_a_valid_sarif_log() {
    use slipway_analyze::{Confidence, Finding, RuleSet, SarifRule, Severity};
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let rule = |id: &str, severity| SarifRule {
        id: id.to_owned(),
        title: format!("{id} title"),
        description: "what and why".into(),
        help: "what to do".into(),
        help_markdown: "**what to do**".into(),
        severity,
        confidence: Confidence::High,
    };
    let rules = RuleSet {
        tag: "security",
        rules: vec![
            rule("dockerfile-shell", Severity::Low),
            rule("dockerfile-root-user", Severity::High),
        ],
    };
    let finding = Finding {
        id: "dockerfile-root-user".into(),
        severity: Severity::High,
        confidence: Confidence::High,
        message: "the final stage runs as root".into(),
        path: "infra/Dockerfile".into(),
        line: 12,
        column: 1,
        end_line: 12,
        end_column: 10,
        start: 200,
        length: 9,
        contract: None,
        function: None,
        fingerprint: "f00d".into(),
        suppressed: None,
        baselined: false,
        fix: None,
    };
    let baselined = Finding {
        baselined: true,
        fingerprint: "beef".into(),
        ..finding.clone()
    };
    let log = slipway_analyze::sarif_log(&rules, &[finding, baselined]);
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"][1]["id"],
        "dockerfile-root-user"
    );
    assert_eq!(
        run["tool"]["driver"]["rules"][1]["properties"]["tags"][0],
        "security"
    );
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "the baselined finding is left out");
    assert_eq!(results[0]["ruleIndex"], 1);
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/Dockerfile"
    );
    assert_eq!(
        results[0]["locations"][0]["logicalLocations"],
        serde_json::json!([])
    );
}

#[test]
fn forge_test_files_are_left_out_wherever_they_are_unless_asked_for() {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("test")).expect("mkdir");
    let sweeper = |name: &str| {
        format!(
            "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract {name} {{\n    function sweep(address payable to) external {{\n        to.transfer(address(this).balance);\n    }}\n    receive() external payable {{}}\n}}\n"
        )
    };
    std::fs::write(src.join("Sweeper.sol"), sweeper("Sweeper")).expect("write");
    std::fs::write(src.join("test/Sweeper.t.sol"), sweeper("SweeperTest")).expect("write");
    let built = crate::common::compile_dir(tmp.path(), "test-files");
    let paths = |options: &Options| -> Vec<String> {
        let mut found: Vec<String> = built
            .analyze(&AnalyzeConfig::default(), options)
            .findings
            .iter()
            .filter(|f| f.id == "arbitrary-send-eth")
            .map(|f| f.path.display().to_string())
            .collect();
        found.sort();
        found
    };
    let skipping = Options {
        skip_test_files: true,
        ..Options::default()
    };
    assert_eq!(paths(&skipping), ["src/Sweeper.sol"]);
    assert_eq!(
        paths(&Options::default()),
        ["src/Sweeper.sol", "src/test/Sweeper.t.sol"]
    );
}
