//! `slipway lint` as users run it: findings by rule, the gate, `[lint]`
//! selection, `--fix` (diff first, then the file; `--dry-run` changes
//! nothing), and the bundled suite with nothing above info.

use std::fs;

use predicates::prelude::*;

use crate::common::{repository_copy, slipway, starter_project};

const SLOPPY: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Sloppy {
    uint count;
    uint256 public feeBps = 30;
    address public owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function sum(uint256[] memory values) external view returns (uint256 total) {
        for (uint256 i = 0; i < values.length; i++) {
            total += values[i] * feeBps;
        }
    }

    function bump() external {
        require(msg.sender == owner, "not owner");
        count += 1;
    }
}
"#;

fn project(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = starter_project(tmp);
    fs::write(dir.join("contracts/src/Sloppy.sol"), SLOPPY).expect("write");
    dir
}

fn ids(dir: &std::path::Path, args: &[&str]) -> (Vec<String>, i32) {
    let out = slipway(dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["lint", "--json", "contracts/src/Sloppy.sol"])
        .args(args)
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| f["id"].as_str().unwrap_or("").to_owned())
        .collect();
    ids.sort();
    (ids, out.status.code().unwrap_or(-1))
}

#[test]
fn lint_reports_by_rule_and_the_gate_decides_the_exit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let (found, code) = ids(&dir, &[]);
    for id in [
        "pragma-pinned",
        "state-visibility",
        "explicit-types",
        "constant-candidate",
        "immutable-candidate",
        "calldata-parameter",
        "custom-errors",
        "storage-read-in-loop",
        "natspec-function",
    ] {
        assert!(found.iter().any(|f| f == id), "{id} missing from {found:?}");
    }
    assert_eq!(
        code, 0,
        "low and info findings are below the default gate (medium)"
    );
    // `[gates] lint_fail_on = "low"` fails on them; `[lint]` narrows the rules.
    let toml = fs::read_to_string(dir.join("slipway.toml")).expect("toml");
    let stricter = toml.replace("[gates]", "[gates]\nlint_fail_on = \"low\"");
    fs::write(
        dir.join("slipway.toml"),
        format!("{stricter}\n[lint]\nrules = [\"natspec-function\"]\n"),
    )
    .expect("write");
    let (found, code) = ids(&dir, &[]);
    assert_eq!(
        (found, code),
        (
            vec!["natspec-function".to_owned(), "natspec-function".to_owned()],
            0
        ),
        "info only"
    );
    fs::write(
        dir.join("slipway.toml"),
        format!("{stricter}\n[lint]\nexclude = [\"natspec-function\"]\n"),
    )
    .expect("write");
    let (_, code) = ids(&dir, &[]);
    assert_eq!(code, 1, "low findings at the gate");
    fs::write(
        dir.join("slipway.toml"),
        format!("{toml}\n[lint]\nrules = [\"no-such-rule\"]\n"),
    )
    .expect("write");
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .arg("lint")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[lint] rules names `no-such-rule`, which is no lint rule",
        ));
}

#[test]
fn the_compiler_is_announced_once_when_the_build_is_read_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    // The build is current, the lint cache empty: lint reads the build.
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .arg("build")
        .assert()
        .success();
    let output = slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .arg("lint")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.matches("not native").count(),
        1,
        "one compiler note:\n{stderr}"
    );
}

#[test]
fn fix_shows_the_diff_then_changes_only_what_is_mechanical() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let file = dir.join("contracts/src/Sloppy.sol");
    // --dry-run: the diff, no change.
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["lint", "--fix", "--dry-run", "contracts/src/Sloppy.sol"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "--- a/contracts/src/Sloppy.sol\n+++ b/contracts/src/Sloppy.sol",
        ))
        .stdout(predicate::str::contains(
            "-pragma solidity ^0.8.20;\n+pragma solidity 0.8.20;",
        ))
        .stdout(predicate::str::contains("\n-    uint count;\n"))
        .stdout(predicate::str::contains("\n+    uint256 internal count;\n"))
        .stderr(predicate::str::contains("Would fix"));
    assert_eq!(fs::read_to_string(&file).expect("read"), SLOPPY);
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["lint", "--fix", "contracts/src/Sloppy.sol"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Fixed"));
    let fixed = fs::read_to_string(&file).expect("read");
    for expected in [
        "pragma solidity 0.8.20;",
        "    uint256 internal count;",
        "    uint256 public constant feeBps = 30;",
        "    address public immutable owner;",
        "function sum(uint256[] calldata values)",
    ] {
        assert!(fixed.contains(expected), "{expected:?} missing:\n{fixed}");
    }
    // Still compiles, and what was fixed is no longer reported.
    let (found, _) = ids(&dir, &[]);
    for gone in [
        "pragma-pinned",
        "state-visibility",
        "explicit-types",
        "constant-candidate",
        "immutable-candidate",
        "calldata-parameter",
    ] {
        assert!(
            !found.iter().any(|f| f == gone),
            "{gone} still reported: {found:?}"
        );
    }
    assert!(
        found.iter().any(|f| f == "custom-errors"),
        "not mechanical: left for a person"
    );
}

#[test]
fn the_bundled_suite_has_no_lint_finding_above_info() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    let out = slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["lint", "--json", "--severity", "low"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let counted: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .collect();
    assert!(counted.is_empty(), "{counted:#?}");
}

/// The same fixes on the file as Windows, classic Mac OS and a non-English
/// author save it: they land on the bytes they were computed on (CRLF once
/// moved every edit a byte per earlier line and broke the file while
/// printing "Fixed"), the file keeps its line endings and mode, and still
/// compiles. (solc 0.8.20 refuses a file that starts with a byte-order
/// mark, so a BOM is covered by the offset mapping's unit test.)
#[test]
fn fix_keeps_line_endings_and_mode_and_the_file_compiles() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    fs::remove_file(dir.join("contracts/src/Sloppy.sol")).expect("rm");
    let sloppy = SLOPPY.replace(
        "contract Sloppy {",
        "// Compteur général — ✓ ünïcode\ncontract Sloppy {",
    );
    let forms = [
        ("Crlf", sloppy.replace('\n', "\r\n")),
        ("Cr", sloppy.replace('\n', "\r")),
        ("Lf", sloppy.clone()),
    ];
    for (name, text) in &forms {
        let path = dir.join(format!("contracts/src/{name}.sol"));
        fs::write(
            &path,
            text.replace("contract Sloppy", &format!("contract {name}")),
        )
        .expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("mode");
    }
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["lint", "--fix", "contracts/src"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Fixed"));
    for (name, before) in &forms {
        let path = dir.join(format!("contracts/src/{name}.sol"));
        let after = fs::read_to_string(&path).expect("read");
        // Line endings: the same count of each kind as before.
        let endings = |t: &str| {
            (
                t.matches("\r\n").count(),
                t.matches('\n').count(),
                t.matches('\r').count(),
            )
        };
        assert_eq!(
            endings(&after),
            endings(before),
            "{name}: line endings kept"
        );
        assert!(after.contains("Compteur général — ✓ ünïcode"), "{name}");
        let plain = after.replace("\r\n", "\n").replace('\r', "\n");
        for expected in [
            "pragma solidity 0.8.20;",
            "    uint256 internal count;",
            "    address public immutable owner;",
            "function sum(uint256[] calldata values)",
        ] {
            assert!(
                plain.contains(expected),
                "{name}: {expected:?} missing:\n{plain}"
            );
        }
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{name}: mode kept");
    }
    // The fixed project compiles.
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .arg("build")
        .assert()
        .success();
}

/// A fix whose result would not compile is refused before any file is
/// touched, naming the rule.
#[test]
fn a_fix_that_would_not_compile_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let file = dir.join("contracts/src/Sloppy.sol");
    let config = slipway_config::Config::load(&dir).expect("config");
    let compiler = slipway_solc::compiler(&config, true, &|_| {}).expect("compiler");
    let at = SLOPPY.find("uint count").expect("declaration");
    let broken = slipway_analyze::Finding {
        id: "explicit-types".into(),
        severity: slipway_analyze::Severity::Info,
        confidence: slipway_analyze::Confidence::High,
        message: "a fix that breaks the file".into(),
        path: "contracts/src/Sloppy.sol".into(),
        line: 5,
        column: 5,
        end_line: 5,
        end_column: 9,
        start: at,
        length: 4,
        contract: Some("Sloppy".into()),
        function: None,
        fingerprint: "x".into(),
        suppressed: None,
        baselined: false,
        fix: Some(slipway_analyze::Fix {
            start: at,
            length: 4,
            replacement: "uint257".into(),
        }),
    };
    let err = slipway_analyze::apply_fixes(&config, &compiler, &[broken], false)
        .expect_err("does not compile");
    let text = err.to_string();
    assert!(text.contains("explicit-types"), "names the rule: {text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(
        fs::read_to_string(&file).expect("read"),
        SLOPPY,
        "untouched"
    );
}
