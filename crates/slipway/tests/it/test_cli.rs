//! `slipway test`'s run controls: `--list`, `--fail-fast`, `-j`, `--rerun`.

use std::fs;

use predicates::prelude::*;

use crate::common::{slipway, starter_project};

/// A suite of one passing and two failing tests, beside the starter's.
fn flow_test(b_fails: bool, c_fails: bool) -> String {
    let body = |fails: bool, what: &str| {
        if fails {
            format!("revert(\"{what} fails\");")
        } else {
            String::new()
        }
    };
    format!(
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nimport {{Test}} from \"slipway-std/Test.sol\";\ncontract FlowTest is Test {{\n    function test_A_Passes() public pure {{}}\n    function test_B_Fails() public pure {{ {} }}\n    function test_C_Fails() public pure {{ {} }}\n}}\n",
        body(b_fails, "b"),
        body(c_fails, "c")
    )
}

fn project(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = starter_project(tmp);
    fs::write(dir.join("contracts/test/Flow.t.sol"), flow_test(true, true)).expect("write");
    dir
}

#[test]
fn list_names_the_selected_tests_without_running_them() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    slipway(&dir)
        .args(["test", "--list", "--match-test", "_[AB]_"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "contracts/test/Flow.t.sol\n  FlowTest\n    test_A_Passes\n    test_B_Fails\n",
        ))
        .stdout(predicate::str::contains("test_C_Fails").not())
        .stdout(predicate::str::contains("[PASS]").not())
        .stdout(predicate::str::contains("[FAIL").not());
    let out = slipway(&dir)
        .args(["test", "--list", "--json", "--match-contract", "Flow"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "contracts/test/Flow.t.sol": {
                "FlowTest": ["test_A_Passes", "test_B_Fails", "test_C_Fails"]
            }
        })
    );
    assert!(
        !dir.join(".slipway/cache/test-failures.json").exists(),
        "listing records nothing"
    );
}

#[test]
fn fail_fast_starts_no_test_after_a_failure() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    // Without it, both failures are reported.
    slipway(&dir)
        .args(["test", "-j", "1"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[FAIL: b fails] test_B_Fails()"))
        .stdout(predicate::str::contains("[FAIL: c fails] test_C_Fails()"))
        .stdout(predicate::str::contains("5 passed, 2 failed, 0 skipped"));
    // One thread runs the tests in order: A passes, B fails, C never starts.
    slipway(&dir)
        .args(["test", "-j", "1", "--fail-fast"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[FAIL: b fails] test_B_Fails()"))
        .stdout(predicate::str::contains("test_C_Fails").not())
        .stdout(predicate::str::contains("1 failed"))
        .stdout(predicate::str::contains(
            "stopped at the first failure (--fail-fast)",
        ));
}

#[test]
fn jobs_must_be_at_least_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    slipway(&dir)
        .args(["test", "--jobs", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--jobs must be at least 1"));
    // forge's name for it works too.
    slipway(&dir)
        .args(["test", "--threads", "2", "--match-contract", "Counter"])
        .assert()
        .success()
        .stdout(predicate::str::contains("4 passed, 0 failed"));
}

#[test]
fn rerun_runs_only_what_failed_last_time() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    // Nothing recorded yet: every test runs.
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "every test: the last run recorded no failure",
        ))
        .stdout(predicate::str::contains("5 passed, 2 failed"));
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the 2 tests that failed last time",
        ))
        .stdout(predicate::str::contains("test_A_Passes").not())
        .stdout(predicate::str::contains("0 passed, 2 failed"));
    // C is fixed: the rerun runs B and C, and the next one only B.
    fs::write(
        dir.join("contracts/test/Flow.t.sol"),
        flow_test(true, false),
    )
    .expect("write");
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[PASS] test_C_Fails()"))
        .stdout(predicate::str::contains("1 passed, 1 failed"));
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the 1 test that failed last time"))
        .stdout(predicate::str::contains("0 passed, 1 failed"));
    // All fixed: the rerun passes, and records no failure.
    fs::write(
        dir.join("contracts/test/Flow.t.sol"),
        flow_test(false, false),
    )
    .expect("write");
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 passed, 0 failed"));
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .success()
        .stdout(predicate::str::contains("7 passed, 0 failed"));

    // A damaged record is named, with what to do.
    fs::write(dir.join(".slipway/cache/test-failures.json"), "{oops").expect("write");
    slipway(&dir)
        .args(["test", "--rerun"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "delete it and run the tests again",
        ));
}

/// The lines a child writes to stdout and stderr, as they come.
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::{BufRead, Read};
    fn forward(from: impl Read + Send + 'static, tx: std::sync::mpsc::Sender<String>) {
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(from).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let (tx, rx) = std::sync::mpsc::channel();
    forward(child.stdout.take().expect("stdout"), tx.clone());
    forward(child.stderr.take().expect("stderr"), tx);
    rx
}

/// Reads lines until one contains `wanted`; the lines read. The deadline
/// only keeps a broken watch from hanging the suite: each step waits for
/// an event (a line), never for time to pass.
fn read_until(lines: &std::sync::mpsc::Receiver<String>, wanted: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match lines.recv_timeout(std::time::Duration::from_secs(300)) {
            Ok(line) => {
                let done = line.contains(wanted);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(e) => panic!("no line with {wanted:?} ({e}); read:\n{}", seen.join("\n")),
        }
    }
}

#[test]
fn watch_reruns_on_save_and_survives_a_compile_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("slipway"))
        .arg("--root")
        .arg(&dir)
        .args(["--color", "never", "test", "--watch"])
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let lines = lines_of(&mut child);
    read_until(&lines, "4 passed, 0 failed, 0 skipped");

    // A saved test file: the run repeats with the new test.
    fs::write(
        dir.join("contracts/test/Flow.t.sol"),
        flow_test(true, false),
    )
    .expect("write");
    let second = read_until(&lines, "6 passed, 1 failed, 0 skipped");
    assert!(
        second
            .iter()
            .any(|l| l.contains("[FAIL: b fails] test_B_Fails()")),
        "{second:?}"
    );
    assert!(
        second.iter().any(|l| l.contains("Compiled 1 file ")),
        "only the new file is compiled: {second:?}"
    );

    // A file that does not compile: reported, and the watch goes on.
    fs::write(dir.join("contracts/test/Flow.t.sol"), "contract {").expect("write");
    read_until(&lines, "compilation failed");
    read_until(&lines, "Watching for changes");
    fs::write(
        dir.join("contracts/test/Flow.t.sol"),
        flow_test(false, false),
    )
    .expect("write");
    read_until(&lines, "7 passed, 0 failed, 0 skipped");

    child.kill().expect("kill");
    child.wait().expect("wait");
}
