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
