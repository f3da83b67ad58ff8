//! Foundry projects with only a foundry.toml (`tests/data/foundry/`), held
//! to forge 1.7.1's recorded verdict on them (`record.sh` there made
//! `forge-test*.json`): every test's status, every unit test's gas, the
//! failure messages, the gas sections and the `.gas-snapshot` file.

use std::{collections::BTreeMap, fs, path::Path};

use serde_json::Value;

use crate::common::slipway;

/// A test as either tool reported it.
#[derive(Debug, PartialEq)]
struct Verdict {
    status: &'static str,
    reason: Option<String>,
    /// A unit test's gas.
    unit_gas: Option<u64>,
    /// A fuzz test's runs, an invariant test's runs and calls.
    runs: Option<(u64, u64)>,
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/foundry")
        .join(name)
}

/// The fixture copied into `tmp` (forge's recordings left behind), as a
/// user's checkout would be.
fn checkout(name: &str, tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let to = tmp.path().join(name);
    copy_dir(&fixture(name), &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("forge") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(&name));
        } else {
            let copy = to.join(&name);
            fs::copy(&path, &copy).expect("copy");
            // Dated back, as a checkout made a while ago: the build
            // fingerprint trusts no file changed within two seconds of it,
            // and the second run below is to be answered from it.
            fs::File::options()
                .write(true)
                .open(&copy)
                .and_then(|f| {
                    f.set_modified(
                        std::time::SystemTime::now() - std::time::Duration::from_secs(60),
                    )
                })
                .expect("set mtime");
        }
    }
}

/// forge's JSON: `"path:Contract"` → `test_results`.
fn forge_verdicts(file: &str) -> BTreeMap<String, Verdict> {
    let text = fs::read_to_string(fixture(file)).expect("recording");
    let json: Value = serde_json::from_str(&text).expect("forge's JSON");
    let mut out = BTreeMap::new();
    for (suite, body) in json.as_object().expect("suites") {
        let contract = suite.rsplit(':').next().expect("contract");
        for (signature, test) in body["test_results"].as_object().expect("tests") {
            let status = match test["status"].as_str() {
                Some("Success") => "pass",
                Some("Failure") => "fail",
                Some("Skipped") => "skip",
                other => panic!("forge status {other:?}"),
            };
            out.insert(
                format!("{contract}.{signature}"),
                Verdict {
                    status,
                    reason: test["reason"].as_str().map(str::to_owned),
                    unit_gas: test["kind"]["Unit"]["gas"].as_u64(),
                    runs: match (&test["kind"]["Fuzz"], &test["kind"]["Invariant"]) {
                        (Value::Object(f), _) => Some((f["runs"].as_u64().unwrap_or(0), 0)),
                        (_, Value::Object(i)) => Some((
                            i["runs"].as_u64().unwrap_or(0),
                            i["calls"].as_u64().unwrap_or(0),
                        )),
                        _ => None,
                    },
                },
            );
        }
    }
    out
}

/// `slipway test --json`, with its exit code.
fn slipway_verdicts(dir: &Path, args: &[&str]) -> (BTreeMap<String, Verdict>, i32) {
    let output = slipway(dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["test", "--json"])
        .args(args)
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "slipway's JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut out = BTreeMap::new();
    for contract in json["contracts"].as_array().expect("contracts") {
        let name = contract["name"].as_str().expect("name");
        for test in contract["tests"].as_array().expect("tests") {
            let status = match test["status"].as_str() {
                Some("pass") => "pass",
                Some("fail") => "fail",
                Some("skip") => "skip",
                other => panic!("slipway status {other:?}"),
            };
            let unit = test.get("fuzz").is_none_or(Value::is_null)
                && test.get("invariant").is_none_or(Value::is_null);
            out.insert(
                format!("{name}.{}", test["signature"].as_str().expect("signature")),
                Verdict {
                    status,
                    reason: test["reason"].as_str().map(str::to_owned),
                    unit_gas: if unit { test["gas"].as_u64() } else { None },
                    runs: match (&test["fuzz"], &test["invariant"]) {
                        (Value::Object(f), _) => Some((f["runs"].as_u64().unwrap_or(0), 0)),
                        (_, Value::Object(i)) => Some((
                            i["runs"].as_u64().unwrap_or(0),
                            i["calls"].as_u64().unwrap_or(0),
                        )),
                        _ => None,
                    },
                },
            );
        }
    }
    (out, output.status.code().unwrap_or(-1))
}

/// Every test forge ran has forge's status in slipway; unit tests forge's
/// gas; a failure at least forge's message (slipway may add a hint).
fn assert_agrees(forge: &BTreeMap<String, Verdict>, ours: &BTreeMap<String, Verdict>) {
    for (test, theirs) in forge {
        let mine = ours
            .get(test)
            .unwrap_or_else(|| panic!("{test}: forge ran it, slipway did not"));
        assert_eq!(
            mine.status, theirs.status,
            "{test}: {mine:?} vs forge {theirs:?}"
        );
        if let (Some(gas), Some(forge_gas)) = (mine.unit_gas, theirs.unit_gas) {
            assert_eq!(gas, forge_gas, "{test}: unit gas");
        }
        if theirs.status == "pass" {
            assert_eq!(
                mine.runs, theirs.runs,
                "{test}: fuzz runs, invariant runs and calls"
            );
        }
        if let Some(reason) = &theirs.reason {
            let mine = mine.reason.as_deref().unwrap_or_default();
            assert!(
                mine.starts_with(reason.as_str()),
                "{test}: slipway says {mine:?}, forge {reason:?}"
            );
        }
    }
}

#[test]
fn a_modern_foundry_project_agrees_with_forge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = checkout("modern", &tmp);
    let forge = forge_verdicts("modern/forge-test.json");
    let (ours, code) = slipway_verdicts(&dir, &[]);
    assert_eq!(code, 1, "the project fails some tests on purpose");
    assert_agrees(&forge, &ours);
    assert_eq!(ours.len(), forge.len(), "no test beyond forge's");
    // Warm, answered from the build fingerprint (test contracts and their
    // ASTs read from the artifacts): the same verdicts, runs and inline
    // `forge-config` lines.
    let (warm, code) = slipway_verdicts(&dir, &[]);
    assert_eq!(code, 1);
    assert_agrees(&forge, &warm);
    assert_eq!(warm.len(), forge.len());
    // Outputs stay out of forge's out/ and cache/.
    assert!(!dir.join("out").exists() && !dir.join("cache").exists());
    assert!(dir.join(".slipway/out").is_dir());

    // The gas section, byte for byte as forge writes it.
    let written = fs::read_to_string(dir.join("snapshots/counter.json")).expect("section");
    let recorded =
        fs::read_to_string(fixture("modern/forge-snapshots/counter.json")).expect("forge's");
    assert_eq!(written, recorded);

    // forge's .gas-snapshot reads and rewrites byte for byte, and holds
    // slipway's figures: unit lines exactly, fuzz medians within 5 %.
    let forge_file =
        fs::read_to_string(fixture("modern/forge.gas-snapshot")).expect("forge's snapshot");
    let parsed = slipway_test_runner::parse_snapshot(&forge_file).expect("forge's format");
    assert_eq!(slipway_test_runner::format_snapshot(&parsed), forge_file);
    fs::write(dir.join("forge.gas-snapshot"), &forge_file).expect("write");
    let check = slipway(&dir)
        .env("SLIPWAY_OFFLINE", "1")
        .args(["snapshot", "--check", "--snap", "forge.gas-snapshot"])
        .args(["--match-contract", "^CounterTest$", "--tolerance", "5"])
        .output()
        .expect("run");
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn an_older_foundry_project_agrees_with_forge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = checkout("classic", &tmp);
    let (ours, code) = slipway_verdicts(&dir, &[]);
    assert_eq!(code, 1);
    // forge refuses the suite with a testFail function and runs nothing
    // else of it; slipway refuses the function with forge's words…
    assert_agrees(&forge_verdicts("classic/forge-test.json"), &ours);
    // …and runs the suite's other tests, as forge does without testFail.
    assert_agrees(
        &forge_verdicts("classic/forge-test-no-testfail.json"),
        &ours,
    );
    assert!(ours.contains_key("VaultLegacyTest.testSweep()"));
    // With legacy_test_fail, the old meaning: it passes by reverting.
    fs::write(
        dir.join("slipway.toml"),
        "[test]\nlegacy_test_fail = true\n",
    )
    .expect("write");
    let (legacy, _) = slipway_verdicts(&dir, &["--match-test", "^testFail"]);
    assert_eq!(
        legacy["VaultLegacyTest.testFailSweepFromAStranger()"].status,
        "pass"
    );
}

#[test]
fn foundry_toml_settings_show_with_their_origin() {
    let output = slipway(&fixture("classic"))
        .env("FOUNDRY_PROFILE", "intense")
        .env("FOUNDRY_INVARIANT_DEPTH", "33")
        .args(["config", "--json"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["fuzz"]["runs"], 10_000, "[profile.intense.fuzz]");
    assert_eq!(json["invariant"]["depth"], 33, "FOUNDRY_INVARIANT_DEPTH");
    assert_eq!(json["invariant"]["runs"], 256, "forge's default");
    assert_eq!(json["project"]["test"], "src/test");
    assert_eq!(json["compiler"]["optimizer"], true, "optimizer_runs alone");
    assert_eq!(json["compiler"]["auto_detect"], true, "no solc pinned");
    let origins = &json["sources"]["origins"];
    assert_eq!(origins["fuzz.runs"]["from"], "foundry-toml");
    assert_eq!(origins["fuzz.runs"]["detail"], "intense");
    assert_eq!(origins["invariant.depth"]["from"], "variable");
    assert_eq!(origins["invariant.runs"]["from"], "forge-default");
    assert_eq!(json["sources"]["foundry_profile"], "intense");
}
