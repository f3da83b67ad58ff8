//! The `slipway` binary as a user runs it.

use crate::common;

use common::{slipway, starter_project};
use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

#[test]
fn init_then_build_succeeds_at_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("my-project");
    let mut init = Command::cargo_bin("slipway").expect("binary");
    init.arg("init")
        .arg(&dir)
        .arg("--no-install")
        .assert()
        .success();
    for file in [
        "slipway.toml",
        "package.json",
        ".gitignore",
        "contracts/src/Counter.sol",
        "contracts/test/Counter.t.sol",
        "deploy/counter.toml",
        ".gas-snapshot",
    ] {
        assert!(dir.join(file).is_file(), "init did not write {file}");
    }
    let manifest = fs::read_to_string(dir.join("package.json")).expect("package.json");
    assert!(
        manifest.contains("\"@openzeppelin/contracts\": \"5.0.2\""),
        "{manifest}"
    );

    slipway(&dir)
        .args(["build", "--sizes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "contracts/src/Counter.sol:Counter",
        ))
        .stdout(predicate::str::contains("CounterTest").not())
        .stdout(predicate::str::contains("slipway-std").not())
        // Counter.sol and its test, and slipway-std's Test.sol with what it
        // imports: Vm, console, console2, StdError, StdInvariant, StdStorage.
        .stderr(predicate::str::contains("Compiled 9 files"));
    assert!(dir.join("out/Counter.sol/Counter.json").is_file());
    slipway(&dir)
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("compilation skipped"));
    // The no-op fast path never hides a change: deleted artifacts, a new
    // source file.
    fs::remove_dir_all(dir.join("out")).expect("rm out");
    slipway(&dir)
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("Compiled"));
    assert!(dir.join("out/Counter.sol/Counter.json").is_file());
    fs::write(
        dir.join("contracts/src/Extra.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract Extra {}\n",
    )
    .expect("new source");
    slipway(&dir)
        .args(["build", "--sizes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Compiled 1 file"))
        .stdout(predicate::str::contains("contracts/src/Extra.sol:Extra"));
    slipway(&dir)
        .args(["build", "--sizes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("compilation skipped"))
        .stdout(predicate::str::contains("contracts/src/Extra.sol:Extra"));

    // A second init refuses to overwrite.
    let mut again = Command::cargo_bin("slipway").expect("binary");
    again
        .arg("init")
        .arg(&dir)
        .arg("--no-install")
        .assert()
        .failure()
        .stderr(predicate::str::contains("--force"));
}

/// What `slipway init` promises: a project that passes its own gates —
/// build, test, coverage at 95 % on every metric, the gas snapshot, and its
/// deployment plan on the development chain (twice: the second sends
/// nothing) — and keeps local state out of git.
#[test]
fn a_fresh_project_passes_its_own_gates() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    slipway(&dir).arg("build").assert().success();
    slipway(&dir)
        .arg("test")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 failed"));
    slipway(&dir)
        .arg("coverage")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Total                     ┆ 100.00% (10/10) ┆ 100.00% (8/8) ┆ 100.00% (2/2) ┆ 100.00% (3/3)",
        ));
    slipway(&dir)
        .args(["snapshot", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No gas changes"));
    slipway(&dir)
        .args(["deploy", "--env", "development"])
        .assert()
        .success();
    slipway(&dir)
        .args(["call", "Counter", "number"])
        .assert()
        .success()
        .stdout("1\n");
    slipway(&dir)
        .args(["deploy", "--env", "development"])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to send"));
    let ignored = fs::read_to_string(dir.join(".gitignore")).expect(".gitignore");
    for entry in [
        "out/",
        ".slipway/",
        "lcov.info",
        "reports/",
        "deployments/development/",
        "incidents/development/",
    ] {
        assert!(
            ignored.lines().any(|l| l.trim() == entry),
            "{entry} is not ignored:\n{ignored}"
        );
    }
    // What is shared stays in git: records, proposals and runs of real
    // chains, and their incidents.
    for kept in ["deployments/", "deployments/production/", "incidents/"] {
        assert!(
            !ignored.lines().any(|l| l.trim() == kept),
            "{kept} must not be ignored:\n{ignored}"
        );
    }
}

#[test]
fn a_missing_source_directory_or_project_file_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    let config = fs::read_to_string(dir.join("slipway.toml")).expect("config");
    fs::write(
        dir.join("slipway.toml"),
        config.replace("src = \"contracts/src\"", "src = \"nope/src\""),
    )
    .expect("config");
    // A build of nothing would pass every gate downstream: exit 2.
    slipway(&dir)
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope/src does not exist ([project] src = \"nope/src\")",
        ));
    slipway(&dir)
        .arg("test")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope/src does not exist"));
    // A directory with neither slipway.toml nor foundry.toml is no project.
    let empty = tmp.path().join("empty");
    fs::create_dir_all(empty.join("contracts/src")).expect("mkdir");
    slipway(&empty)
        .arg("test")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no slipway.toml or foundry.toml in",
        ));
}

#[test]
fn a_compile_error_fails_the_build_and_shows_where() {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("contracts/src");
    fs::create_dir_all(&src).expect("mkdir");
    fs::write(
        src.join("Oops.sol"),
        "pragma solidity 0.8.20;\ncontract Oops { function f() public { undefinedThing(); } }\n",
    )
    .expect("write");
    fs::write(tmp.path().join("slipway.toml"), "").expect("write");
    // A compile error stops the command: 2 (1 is a failed check).
    slipway(tmp.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DeclarationError"))
        .stderr(predicate::str::contains("contracts/src/Oops.sol:2:"))
        .stderr(predicate::str::contains("compilation failed with 1 error"));
    slipway(tmp.path())
        .args(["build", "--json"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\"severity\": \"error\""));
}

#[test]
fn config_errors_name_the_file_line_and_key() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(
        tmp.path().join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\noptimiser = true\n",
    )
    .expect("write");
    slipway(tmp.path())
        .arg("build")
        .assert()
        .failure()
        .stderr(predicate::str::contains("slipway.toml:3:"))
        .stderr(predicate::str::contains("compiler.optimiser"))
        .stderr(predicate::str::contains("unknown field `optimiser`"));
}

#[test]
fn mumbai_is_refused_with_amoy_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(
        tmp.path().join("slipway.toml"),
        "[environments.staging]\nchain = \"mumbai\"\n",
    )
    .expect("write");
    slipway(tmp.path())
        .args(["config", "--env", "staging"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("shut down"))
        .stderr(predicate::str::contains("polygon-amoy"));
}

#[test]
fn a_planted_secret_appears_in_no_output_log_or_file() {
    let secret = "planted0secret0c0ffee0d15ea5e0b16b00b5";
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    fs::write(
        root.join("slipway.toml"),
        "[environments.production]\nrpc = [\"https://mainnet.example/v3/${MAINNET_KEY}\"]\n\
         [environments.staging]\nrpc = [\"https://amoy.example/?key=${AMOY_KEY}\"]\n",
    )
    .expect("write");
    fs::write(root.join(".env"), format!("AMOY_KEY={secret}\n")).expect("write .env");
    fs::create_dir_all(root.join("contracts/src")).expect("mkdir");
    fs::write(
        root.join("contracts/src/A.sol"),
        "pragma solidity 0.8.20;\ncontract A {}\n",
    )
    .expect("write");

    let mut outputs = Vec::new();
    for args in [
        vec!["config"],
        vec!["config", "--json"],
        vec!["config", "--env", "production"],
        vec!["config", "--env", "staging", "--json"],
        vec!["-vv", "build", "--json"],
    ] {
        let out = slipway(root)
            .args(&args)
            .env("MAINNET_KEY", secret)
            .env("RUST_LOG", "trace")
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
        outputs.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    assert!(
        outputs
            .iter()
            .any(|o| o.contains("https://mainnet.example/***")),
        "redacted URL is shown"
    );
    for o in &outputs {
        assert!(!o.contains(secret), "secret in output: {o}");
    }
    // Nothing slipway wrote (artifacts, caches) holds it either; .env is the user's own.
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != ".env") {
                let bytes = fs::read(&path).expect("read");
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(secret),
                    "secret in {}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn test_runs_the_starter_tests_and_fails_on_a_failing_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    slipway(&dir)
        .arg("test")
        .assert()
        .success()
        .stdout(predicate::str::contains("[PASS] test_Increment()"))
        .stdout(predicate::str::contains(
            "[PASS] test_RevertWhen_DecrementAtZero()",
        ))
        .stdout(predicate::str::contains(
            "[PASS] testFuzz_SetNumber(uint256) (runs: 256, μ: ",
        ))
        .stdout(predicate::str::contains(
            "\n4 passed, 0 failed, 0 skipped\n",
        ));
    assert!(
        dir.join("contracts/lib/slipway-std/Test.sol").is_file(),
        "init scaffolds the test library"
    );
    // A relative --root works from anywhere (remappings once doubled it).
    Command::cargo_bin("slipway")
        .expect("binary")
        .current_dir(tmp.path())
        .args(["--root", "p", "--color", "never", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\n4 passed, 0 failed, 0 skipped\n",
        ));

    fs::write(
        dir.join("contracts/test/Broken.t.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract BrokenTest {\n function test_Broken() public pure { require(false, \"broken on purpose\"); }\n}\n",
    )
    .expect("write");
    slipway(&dir)
        .args(["test", "--match-contract", "Broken"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "[FAIL: broken on purpose] test_Broken()",
        ))
        .stdout(predicate::str::contains(
            "\n0 passed, 1 failed, 0 skipped\n",
        ));
    let junit = dir.join("junit.xml");
    slipway(&dir)
        .args(["test", "--match-contract", "Broken", "-vvv", "--junit"])
        .arg(&junit)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Traces:"))
        .stdout(predicate::str::contains("BrokenTest::test_Broken()"))
        .stdout(predicate::str::contains("← [Revert] broken on purpose"));
    let xml = fs::read_to_string(&junit).expect("junit report written");
    assert!(xml.contains("<testcase name=\"test_Broken()\""), "{xml}");
    assert!(
        xml.contains("<failure message=\"broken on purpose\""),
        "{xml}"
    );

    fs::write(
        dir.join("contracts/test/Fuzzy.t.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nimport {Test} from \"slipway-std/Test.sol\";\ncontract FuzzyTest is Test {\n function testFuzz_Small(uint256 x) public pure { assertLt(x, 5000, \"too big\"); }\n}\n",
    )
    .expect("write");
    slipway(&dir)
        .args(["test", "--match-contract", "Fuzzy", "--fuzz-seed", "7"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "[FAIL: too big: 5000 >= 5000; counterexample: calldata=0x",
        ))
        .stdout(predicate::str::contains("args=[5000]]"))
        .stdout(predicate::str::contains("--fuzz-seed 7"));
    assert!(
        dir.join(".slipway/cache/fuzz/failures/FuzzyTest/testFuzz_Small")
            .is_file(),
        "the counterexample is saved"
    );
    slipway(&dir)
        .args(["test", "--match-contract", "Fuzzy"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "(replayed from .slipway/cache/fuzz/failures)",
        ));
    slipway(&dir)
        .args(["test", "--match-contract", "Fuzzy", "--fuzz-runs", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--fuzz-runs must be at least 1"));

    slipway(&dir)
        .args(["test", "--json", "--match-test", "Increment"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"passed\": 1"));
    slipway(&dir)
        .args(["test", "--match-test", "("])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--match-test `(` is not a valid regular expression",
        ));
}

#[test]
fn gas_report_and_snapshots_of_the_starter_project() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    slipway(&dir)
        .args(["test", "--gas-report"])
        .assert()
        .success()
        .stdout(predicate::str::contains("deployment (561 bytes)"))
        .stdout(predicate::str::contains("increment()"));

    // The starter ships its snapshot; without one, --check says how to
    // make one.
    fs::remove_file(dir.join(".gas-snapshot")).expect("the starter's snapshot");
    slipway(&dir)
        .args(["snapshot", "--check"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("run `slipway snapshot` first"));
    slipway(&dir)
        .arg("snapshot")
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote 4 tests"));
    let path = dir.join(".gas-snapshot");
    let text = fs::read_to_string(&path).expect("snapshot written");
    assert!(
        text.contains("CounterTest:test_Increment() (gas: "),
        "{text}"
    );
    assert!(
        text.contains("CounterTest:testFuzz_SetNumber(uint256) (runs: 256, μ: "),
        "{text}"
    );
    slipway(&dir)
        .args(["snapshot", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No gas changes"));
    use slipway_test_runner::SnapshotGas as SlipwayGas;
    let snapshot = slipway_test_runner::parse_snapshot(&text).expect("parses");
    let gas = snapshot["CounterTest:test_Increment()"].figure();

    // A unit test's figure must match exactly: 2 % lower saved fails the
    // check at any tolerance.
    let lower = gas * 98 / 100;
    fs::write(
        &path,
        text.replace(&format!("(gas: {gas})"), &format!("(gas: {lower})")),
    )
    .expect("write");
    for tolerance in ["0", "5"] {
        slipway(&dir)
            .args(["snapshot", "--check", "--tolerance", tolerance])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "CounterTest:test_Increment() (gas: {lower} → {gas}"
            )))
            .stdout(predicate::str::contains("1 failing the check"));
    }
    slipway(&dir)
        .args(["snapshot", "--diff"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{lower} → {gas}")));
    let kept = fs::read_to_string(&path).expect("read");
    assert!(
        kept.contains(&format!("(gas: {lower})")),
        "--check and --diff do not write"
    );

    // A fuzz test's median may rise within the tolerance: saved 2 % lower,
    // it fails at 0 % and passes at 5 %.
    let SlipwayGas::Fuzz { median, .. } = snapshot["CounterTest:testFuzz_SetNumber(uint256)"]
    else {
        panic!("a fuzz line");
    };
    let lower_median = median * 98 / 100;
    fs::write(
        &path,
        text.replace(&format!("~: {median})"), &format!("~: {lower_median})")),
    )
    .expect("write");
    slipway(&dir)
        .args(["snapshot", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 failing the check"));
    slipway(&dir)
        .args(["snapshot", "--check", "--tolerance", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 failing the check"));

    // A broken snapshot line is named.
    fs::write(&path, "CounterTest:test_Increment() (gas: many)\n").expect("write");
    slipway(&dir)
        .args(["snapshot", "--check"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 1"));
}

#[test]
fn coverage_of_the_starter_project_and_its_gate() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    // Without its test of a decrement from two, the starter's tests run
    // decrement only at zero: lines 8/10 (the two after the revert are
    // missed), the `if` only one way, every function.
    let test = dir.join("contracts/test/Counter.t.sol");
    let text = fs::read_to_string(&test).expect("starter test");
    let start = text
        .find("    function test_Decrement()")
        .expect("test_Decrement");
    let end = start + text[start..].find("\n    }\n").expect("its end") + "\n    }\n".len();
    fs::write(&test, format!("{}{}", &text[..start], &text[end..])).expect("write");
    slipway(&dir)
        .arg("coverage")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "contracts/src/Counter.sol ┆ 80.00% (8/10) ┆ 75.00% (6/8) ┆ 50.00% (1/2) ┆ 100.00% (3/3)",
        ))
        .stderr(predicate::str::contains(
            "lines 80.00% < 95% — short: contracts/src/Counter.sol (80.00%)",
        ));
    let lcov = fs::read_to_string(dir.join("lcov.info")).expect("lcov.info written");
    assert!(lcov.contains("DA:30,0\nDA:31,0\n"), "{lcov}");
    // At the threshold the gate passes; just below it fails.
    slipway(&dir)
        .args([
            "coverage",
            "--min-lines",
            "80",
            "--min-branches",
            "50",
            "--min-functions",
            "100",
        ])
        .assert()
        .success();
    slipway(&dir)
        .args([
            "coverage",
            "--min-lines",
            "80.01",
            "--min-branches",
            "50",
            "--min-functions",
            "100",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("lines 80.00% < 80.01%"));
    slipway(&dir)
        .args([
            "coverage",
            "--report",
            "json",
            "--min-lines",
            "0",
            "--min-branches",
            "0",
            "--min-functions",
            "0",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"lines\": {\n      \"hit\": 8,\n      \"total\": 10",
        ));
    slipway(&dir)
        .args(["coverage", "--min-lines", "120"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--min-lines must be a percentage"));
}
