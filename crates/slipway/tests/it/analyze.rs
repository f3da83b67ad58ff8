//! `slipway analyze` and `slipway explain` as users run them: exit codes by
//! the gate, every suppression form, the per-file cache, the baseline, a
//! source that does not compile, and the explain pages.

use std::{fs, path::Path};

use predicates::prelude::*;

use crate::common::{repository_copy, slipway, starter_project};

/// A vault whose withdrawal is reentrant (high) and whose low-level ping
/// ignores its result (medium).
const VAULT: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

contract Vault {
    mapping(address => uint256) public balances;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balances[msg.sender];
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send failed");
        balances[msg.sender] = 0;
    }

    function ping(address target) external {
        target.call("");
    }
}
"#;

fn project(tmp: &tempfile::TempDir, vault: &str) -> std::path::PathBuf {
    let dir = starter_project(tmp);
    fs::write(dir.join("contracts/src/Vault.sol"), vault).expect("write");
    dir
}

fn json(dir: &Path, args: &[&str]) -> (serde_json::Value, i32) {
    let out = slipway(dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--json"])
        .args(args)
        .output()
        .expect("run");
    let value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (value, out.status.code().unwrap_or(-1))
}

fn counted(report: &serde_json::Value) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null() && f["baselined"] == false)
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn findings_are_shown_rustc_style_and_the_gate_decides_the_exit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, VAULT);
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .arg("analyze")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "high[reentrancy-eth]: external call `msg.sender.call{value: amount}(\"\")` sends ether and is followed by a write to `balances` (line 15)\n  --> contracts/src/Vault.sol:13:22\n   |\n13 |         (bool ok,) = msg.sender.call{value: amount}(\"\");\n   |                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n   = in Vault.withdraw\n",
        ))
        .stdout(predicate::str::contains("medium[unchecked-lowlevel]"))
        .stdout(predicate::str::contains("= help: write state before the call"))
        .stderr(predicate::str::contains("1 high, 1 medium"));

    // Only the medium finding, and a gate above it: success.
    fs::write(
        dir.join("slipway.toml"),
        fs::read_to_string(dir.join("slipway.toml"))
            .expect("toml")
            .replace("[gates]", "[gates]\nlint_fail_on = \"high\""),
    )
    .expect("write");
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--only", "unchecked-lowlevel"])
        .assert()
        .success()
        .stdout(predicate::str::contains("medium[unchecked-lowlevel]"));
    // The same with the high one included fails.
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--severity", "high"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unchecked-lowlevel").not());
    // The starter's own contracts are clean.
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "contracts/src/Counter.sol"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no findings"));
}

#[test]
fn every_suppression_form_is_honoured_and_reported() {
    let tmp = tempfile::tempdir().expect("tmp");
    let suppressed = r#"// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

contract Pings {
    function a(address t) external {
        // slipway-disable-next-line unchecked-lowlevel -- a best-effort notification
        t.call("");
    }
    function b(address t) external {
        t.call(""); // slipway-disable-line unchecked-lowlevel
    }
    function c(address t) external {
        // slither-disable-next-line unchecked-lowlevel
        t.call("");
    }
    function d(address t) external {
        // forge-lint: disable-next-line(unchecked-call)
        t.call("");
    }
    // slipway-disable-start unchecked-lowlevel -- generated
    function e(address t) external {
        t.call("");
    }
    // slipway-disable-end unchecked-lowlevel
    function f(address t) external {
        // slipway-disable-next-line reentrancy-eth -- another detector's id
        t.call("");
    }
}
"#;
    let dir = project(&tmp, suppressed);
    let (report, code) = json(&dir, &["--exclude", "access-unguarded"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        counted(&report),
        vec![("unchecked-lowlevel".to_owned(), 27)]
    );
    let kinds: Vec<(&str, Option<&str>)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| {
            Some((
                f["suppressed"]["kind"].as_str()?,
                f["suppressed"]["reason"].as_str(),
            ))
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                "slipway-disable-next-line",
                Some("a best-effort notification")
            ),
            ("slipway-disable-line", None),
            ("slither-disable-next-line", None),
            ("forge-lint: disable-next-line", None),
            ("slipway-disable-start", Some("generated")),
        ]
    );
}

#[test]
fn an_unchanged_file_is_not_analysed_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, VAULT);
    let (first, _) = json(&dir, &[]);
    assert_eq!(first["files_analysed"], 2, "Counter.sol and Vault.sol");
    let (second, _) = json(&dir, &[]);
    assert_eq!(second["files_analysed"], 0);
    assert_eq!(second["files_cached"], 2);
    assert_eq!(
        second["findings"], first["findings"],
        "the cache gives the same findings"
    );
    fs::write(
        dir.join("contracts/src/Vault.sol"),
        VAULT.replace("function ping", "function poke"),
    )
    .expect("write");
    let (third, _) = json(&dir, &[]);
    assert_eq!(third["files_analysed"], 1);
    let (fresh, _) = json(&dir, &["--no-cache"]);
    assert_eq!(fresh["files_analysed"], 2);
    assert_eq!(fresh["findings"], third["findings"]);
}

#[test]
fn the_baseline_counts_only_new_findings_even_after_lines_move() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, VAULT);
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--baseline", "analyze-baseline.json"])
        .args(["--exclude", "access-unguarded"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Recorded 2 findings in the baseline",
        ));
    // Lines move (a comment on top) and a new problem arrives.
    let moved = VAULT
        .replace("contract Vault {", "/// The vault.\n/// Moved down.\ncontract Vault {")
        .replace(
            "    function ping(",
            "    function sweep(address payable to) external {\n        to.transfer(address(this).balance);\n    }\n\n    function ping(",
        );
    fs::write(dir.join("contracts/src/Vault.sol"), moved).expect("write");
    let (report, code) = json(
        &dir,
        &[
            "--baseline",
            "analyze-baseline.json",
            "--exclude",
            "access-unguarded",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        counted(&report),
        vec![
            ("arbitrary-send-eth".to_owned(), 21),
            ("missing-zero-check".to_owned(), 21)
        ],
        "{report:#}"
    );
    let baselined = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["baselined"] == true)
        .count();
    assert_eq!(baselined, 2);
    // A damaged baseline is an error that says what to do.
    fs::write(dir.join("analyze-baseline.json"), "{ not json").expect("write");
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--baseline", "analyze-baseline.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a slipway baseline"));
}

#[test]
fn a_source_that_does_not_compile_is_an_error_not_a_clean_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(
        &tmp,
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract Broken { function f( }\n",
    );
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--json"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "does not compile, so it cannot be analysed",
        ));
}

#[test]
fn bad_ids_and_paths_are_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, VAULT);
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--only", "reentrancy-ehh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--only names `reentrancy-ehh`, which is no detector (did you mean `reentrancy-eth`?)",
        ));
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "contracts/src/Nope.sol"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}

#[test]
fn explain_prints_each_page_and_the_list() {
    let dir = tempfile::tempdir().expect("tmp");
    slipway(dir.path())
        .args(["explain", "reentrancy-eth"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "reentrancy-eth: Reentrancy with ether",
        ))
        .stdout(predicate::str::contains("contract ReentrancyEthBad"))
        .stdout(predicate::str::contains(
            "// slipway-disable-next-line reentrancy-eth -- why this is safe here",
        ))
        .stdout(predicate::str::contains("// finding:").not());
    slipway(dir.path())
        .args(["explain", "reentrancy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean reentrancy-eth, reentrancy-no-eth, reentrancy-benign?",
        ));
    let list = slipway(dir.path())
        .args(["explain", "--list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list = String::from_utf8_lossy(&list);
    for d in slipway_analyze::all_detectors()
        .into_iter()
        .chain(slipway_analyze::Family::Lint.detectors())
    {
        assert!(list.contains(d.id), "{} missing from the list", d.id);
    }
    slipway(dir.path())
        .args(["explain", "calldata-parameter"])
        .assert()
        .success()
        .stdout(predicate::str::contains("contract CalldataParameterBad"));
}

#[test]
fn the_bundled_suite_has_no_finding_of_medium_or_higher() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    let (report, code) = json(&dir, &["--severity", "medium"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(counted(&report), vec![], "{report:#}");
    assert_eq!(report["files_analysed"], 2, "Bridge.sol and IBridge.sol");
    // The deposits are allowlisted in slipway.toml, with why.
    let allowlisted: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"]["kind"] == "[analyze] public_functions")
        .filter_map(|f| f["function"].as_str())
        .collect();
    assert_eq!(allowlisted, ["depositETH", "deposit"]);
}

#[test]
fn known_compiler_bugs_follow_the_settings_and_the_projects_own_list() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(
        &tmp,
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract Fine {}\n",
    );
    let names = |report: &serde_json::Value| -> Vec<String> {
        report["compiler_bugs"]["applicable"]
            .as_array()
            .expect("applicable")
            .iter()
            .map(|b| b["name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // The embedded list: 0.8.20 with the optimizer and the legacy pipeline.
    let (report, code) = json(&dir, &[]);
    assert_eq!(code, 0, "only low-severity bugs: below the gate");
    assert_eq!(
        names(&report),
        [
            "VerbatimInvalidDeduplication",
            "FullInlinerNonExpressionSplitArgumentEvaluationOrder",
            "MissingSideEffectsOnSelectorAccess"
        ]
    );
    // A project's own list, with a medium bug that needs the optimizer.
    let list = r#"[{"uid": "SOL-2099-1", "name": "OptimizerOnly", "summary": "s", "description": "d",
        "introduced": "0.8.0", "fixed": "0.8.99", "severity": "medium", "conditions": {"optimizer": true}}]"#;
    fs::write(tmp.path().join("bugs.json"), list).expect("write");
    let bugs_file = tmp.path().join("bugs.json");
    let (report, code) = json(&dir, &["--update-bugs", bugs_file.to_str().expect("utf-8")]);
    assert_eq!(code, 1, "a medium bug meets the gate");
    assert_eq!(names(&report), ["OptimizerOnly"]);
    assert!(dir.join("solc-bugs.json").is_file());
    let toml = fs::read_to_string(dir.join("slipway.toml"))
        .expect("toml")
        .replace("optimizer = true", "optimizer = false");
    fs::write(dir.join("slipway.toml"), toml).expect("write");
    let (report, code) = json(&dir, &[]);
    assert_eq!(
        (names(&report), code),
        (Vec::<String>::new(), 0),
        "the optimizer is off"
    );
    // Not a bugs.json: refused, the project's list kept.
    fs::write(tmp.path().join("bad.json"), "{}").expect("write");
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--update-bugs"])
        .arg(tmp.path().join("bad.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not solc's bugs.json"));
    assert!(
        fs::read_to_string(dir.join("solc-bugs.json"))
            .expect("kept")
            .contains("OptimizerOnly")
    );
}

#[test]
fn the_bundled_bridge_access_review_lists_each_role_its_functions_and_the_public_ones() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    let file = tmp.path().join("access.md");
    slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["analyze", "--access-report"])
        .arg(&file)
        .assert()
        .success();
    let text = fs::read_to_string(&file).expect("report");
    let block = |title: &str| -> String {
        let start = text
            .find(&format!("**{title}**"))
            .unwrap_or_else(|| panic!("{title} missing:\n{text}"));
        let rest = &text[start..];
        rest[..rest[2..].find("\n**").map_or(rest.len(), |i| i + 2)].to_owned()
    };
    // raisePauseLevel's check is inline: the guardian or the admin.
    assert!(
        block("GUARDIAN_ROLE or `defaultAdmin()`")
            .contains("`raisePauseLevel(enum IBridge.PauseLevel)` — inline check")
    );
    let operator = block("OPERATOR_ROLE");
    for f in [
        "configureToken(",
        "mapToken(",
        "setRemoteBridge(",
        "addLiquidity(",
        "removeLiquidity(",
        "withdrawFees(",
    ] {
        assert!(
            operator.contains(f),
            "{f} not under OPERATOR_ROLE:\n{operator}"
        );
    }
    let validators = block("VALIDATOR_ROLE");
    for f in ["`release(", "`releaseBatch(", "`releaseFromBatch("] {
        assert!(
            validators.contains(f),
            "{f} not under VALIDATOR_ROLE's signatures:\n{validators}"
        );
    }
    let admin = block("DEFAULT_ADMIN_ROLE");
    for f in [
        "lowerPauseLevel(",
        "activateEmergency(",
        "deactivateEmergency(",
        "recoverFunds(",
        "setThreshold(",
        "setTreasury(",
    ] {
        assert!(
            admin.contains(f),
            "{f} not under DEFAULT_ADMIN_ROLE:\n{admin}"
        );
    }
    assert!(text.contains(
        "| VALIDATOR_ROLE | DEFAULT_ADMIN_ROLE (AccessControl's default) | `validators[i]` |"
    ));
    assert!(text.contains(
        "- `deposit(address,uint256,uint256,address)` — allowlisted in `[analyze] public_functions`"
    ));
    assert!(
        text.contains(
            "- `depositETH(uint256,address)` — allowlisted in `[analyze] public_functions`"
        )
    );
    assert!(
        !text.contains("not allowlisted"),
        "every public entry point is decided:\n{text}"
    );
}
