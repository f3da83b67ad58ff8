//! `slipway upgrade check` against OpenZeppelin's own validator: every
//! case of the corpora (`crates/upgrades/testdata/{layout,validate}/`, each file's
//! `// expect:` line written from the error kinds' documented meaning) is
//! compiled once, checked by slipway and by npm `@openzeppelin/upgrades-core`
//! on the same build-info, and both must reach the expected verdict with
//! the same error kinds; each pair is also checked against the reference
//! layout as upgrades-core records it in a manifest.

use std::{collections::BTreeMap, path::Path};

use crate::common::slipway;

fn corpus(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../upgrades/testdata")
        .join(name)
}

/// (case, expected safe, expected kind) from each file's `// expect:` line.
fn cases(corpus: &Path) -> Vec<(String, bool, Option<String>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus).expect("corpus").flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("case");
        let expect = text
            .lines()
            .find_map(|l| l.strip_prefix("// expect: "))
            .unwrap_or_else(|| panic!("{name} has no `// expect:` line"));
        let kind = expect
            .split_whitespace()
            .next()
            .expect("a verdict")
            .to_owned();
        let safe = kind == "safe";
        out.push((name, safe, (!safe).then_some(kind)));
    }
    out.sort();
    out
}

fn kinds(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().or_else(|| k["kind"].as_str()).map(str::to_owned))
        .collect()
}

/// Compiles `corpus` in a project that sees the repository's npm
/// packages, checks each case with slipway and with upgrades-core (a case
/// `C` as `C` alone, or as `CV2` against `CV1` when `pairs`), and returns
/// every disagreement with the expectation or between the tools.
fn disagreements(corpus: &Path, pairs: bool) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = small_project(&tmp, &[]);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::os::unix::fs::symlink(repo.join("node_modules"), dir.join("node_modules")).expect("link");
    for entry in std::fs::read_dir(corpus).expect("corpus").flatten() {
        std::fs::copy(
            entry.path(),
            dir.join("contracts/src").join(entry.file_name()),
        )
        .expect("copy");
    }
    let built = slipway(&dir).arg("build").output().expect("build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let cases = cases(corpus);
    assert!(
        cases.len() >= 20,
        "{} has {} cases",
        corpus.display(),
        cases.len()
    );
    let named = |case: &str| {
        if pairs {
            (format!("{case}V2"), Some(format!("{case}V1")))
        } else {
            (case.to_owned(), None)
        }
    };
    let mut asked: Vec<(Option<String>, Option<String>)> = cases
        .iter()
        .map(|(c, _, _)| {
            let (contract, reference) = named(c);
            (Some(contract), reference)
        })
        .collect();
    // And the whole build: which contracts are upgradeable, and their verdicts.
    asked.push((None, None));
    let node = std::process::Command::new("node")
        .arg(repo.join("crates/upgrades/tests/oz-validate.cjs"))
        .arg(dir.join("out/build-info"))
        .arg(serde_json::to_string(&asked).expect("json"))
        .output()
        .expect("node");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let oz: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&node.stdout).expect("upgrades-core's answer");
    // upgrades-core's recorded layouts of the references, as manifests hold them.
    let layouts = tmp.path().join("layouts");
    std::fs::create_dir_all(&layouts).expect("mkdir");
    let references: Vec<String> = asked.iter().filter_map(|(_, r)| r.clone()).collect();
    if !references.is_empty() {
        let written = std::process::Command::new("node")
            .arg(repo.join("crates/upgrades/tests/oz-layout.cjs"))
            .arg(dir.join("out/build-info"))
            .arg(&layouts)
            .args(&references)
            .output()
            .expect("node");
        assert!(
            written.status.success(),
            "{}",
            String::from_utf8_lossy(&written.stderr)
        );
    }

    let mut found = Vec::new();
    let all = slipway(&dir)
        .args(["upgrade", "check", "--json"])
        .output()
        .expect("check");
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).expect("json");
    let verdicts = |list: &serde_json::Value, name: &str, ok: &str| -> Vec<(String, bool)> {
        let mut v: Vec<(String, bool)> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let contract = r[name].as_str().unwrap_or_default();
                let short = contract.rsplit(':').next().unwrap_or_default().to_owned();
                let passed = if ok == "ok" {
                    r[ok] == serde_json::json!(true)
                } else {
                    r[ok].as_array().is_some_and(Vec::is_empty)
                        && r["layout"].as_array().is_none_or(Vec::is_empty)
                };
                (short, passed)
            })
            .collect();
        v.sort();
        v
    };
    let ours_all = verdicts(&all["contracts"], "contract", "validation");
    let theirs_all = verdicts(&oz["*"], "contract", "ok");
    // The validation corpus holds eight upgradeable contracts (they
    // inherit Initializable); the layout corpus none.
    assert_eq!(ours_all.len(), if pairs { 0 } else { 8 }, "{ours_all:?}");
    if ours_all != theirs_all {
        found.push(format!(
            "the whole build: slipway {ours_all:?}, upgrades-core {theirs_all:?}"
        ));
    }
    for (case, safe, kind) in &cases {
        let (contract, reference) = named(case);
        let mut args = vec![
            "upgrade".to_owned(),
            "check".to_owned(),
            contract.clone(),
            "--json".to_owned(),
        ];
        if let Some(reference) = &reference {
            args.extend(["--reference".to_owned(), reference.clone()]);
        }
        let out = slipway(&dir).args(&args).output().expect("check");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{case}: {}", String::from_utf8_lossy(&out.stderr)));
        let report = &json["contracts"][0];
        let (mut ours_v, ours_l) = (kinds(&report["validation"]), kinds(&report["layout"]));
        if out.status.code() != Some(if *safe { 0 } else { 1 }) {
            found.push(format!(
                "{case}: exit {:?}, {ours_v:?} {ours_l:?}",
                out.status.code()
            ));
        }
        let theirs = &oz[&contract];
        if theirs.get("error").is_some() {
            found.push(format!("{case}: upgrades-core: {theirs}"));
            continue;
        }
        let (mut theirs_v, theirs_l) = (kinds(&theirs["validation"]), kinds(&theirs["layout"]));
        ours_v.sort();
        theirs_v.sort();
        if theirs["ok"] != serde_json::json!(*safe) {
            found.push(format!(
                "{case}: upgrades-core says ok = {}, the corpus {safe}",
                theirs["ok"]
            ));
        }
        if let Some(kind) = kind
            && !ours_v.contains(kind)
            && !ours_l.contains(kind)
        {
            found.push(format!(
                "{case}: expected {kind}, slipway found {ours_v:?} {ours_l:?}"
            ));
        }
        if (&ours_v, &ours_l) != (&theirs_v, &theirs_l) {
            found.push(format!(
                "{case}: slipway {ours_v:?} {ours_l:?}, upgrades-core {theirs_v:?} {theirs_l:?}"
            ));
        }
        if let Some(reference) = &reference {
            // The same reference as upgrades-core records it in a manifest.
            let recorded = layouts.join(format!("{reference}.json"));
            let out = slipway(&dir)
                .args([
                    "upgrade",
                    "check",
                    &contract,
                    "--json",
                    "--reference-layout",
                ])
                .arg(&recorded)
                .output()
                .expect("check");
            let json: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|_| panic!("{case}: {}", String::from_utf8_lossy(&out.stderr)));
            let from_manifest = kinds(&json["contracts"][0]["layout"]);
            if from_manifest != ours_l {
                found.push(format!(
                    "{case}: against the recorded layout {from_manifest:?}, against the build {ours_l:?}"
                ));
            }
        }
    }
    found
}

#[test]
fn every_layout_pair_gets_openzeppelin_s_verdict_and_error_kinds() {
    let found = disagreements(&corpus("layout"), true);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_validation_case_gets_openzeppelin_s_verdict_and_error_kinds() {
    let found = disagreements(&corpus("validate"), false);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// A project in `tmp/p` with these sources in contracts/src.
fn small_project(tmp: &tempfile::TempDir, sources: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(dir.join("contracts/src")).expect("mkdir");
    std::fs::write(
        dir.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("config");
    for (name, text) in sources {
        std::fs::write(
            dir.join("contracts/src").join(name),
            format!("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n{text}"),
        )
        .expect("source");
    }
    dir
}

#[test]
fn an_unknown_or_ambiguous_contract_is_named_with_what_to_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = small_project(
        &tmp,
        &[
            ("A.sol", "contract VaultV1 { uint256 a; }\n"),
            (
                "B.sol",
                "contract VaultV1 { uint256 b; }\ncontract VaultV2 { uint256 b; }\n",
            ),
        ],
    );
    let check = |contract: &str, reference: &str| {
        let out = slipway(&dir)
            .args(["upgrade", "check", contract, "--reference", reference])
            .output()
            .expect("check");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, said) = check("Vault", "VaultV1");
    assert_eq!(code, Some(2));
    assert!(
        said.contains("no contract `Vault`") && said.contains("VaultV2"),
        "{said}"
    );
    let (code, said) = check("VaultV2", "VaultV1");
    assert_eq!(code, Some(2));
    assert!(
        said.contains("several files") && said.contains("FILE:NAME"),
        "{said}"
    );
    let (code, said) = check("VaultV2", "contracts/src/B.sol:VaultV1");
    assert_eq!(code, Some(0), "{said}");
    // A recorded layout that is not one.
    let bad = tmp.path().join("layout.json");
    std::fs::write(&bad, "{\"impls\": {}}").expect("write");
    let out = slipway(&dir)
        .args(["upgrade", "check", "VaultV2", "--reference-layout"])
        .arg(&bad)
        .output()
        .expect("check");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("layout.json") && said.contains("OpenZeppelin's format"),
        "{said}"
    );
}

#[test]
fn sarif_names_each_error_by_its_kind_with_file_and_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = small_project(
        &tmp,
        &[(
            "Vault.sol",
            "contract VaultV1 { uint256 a; uint256 c; }\ncontract VaultV2 {\n    uint256 a;\n    uint256 b;\n    uint256 c;\n    function run(address t) external { (bool ok, ) = t.delegatecall(\"\"); require(ok); }\n}\n",
        )],
    );
    let sarif = tmp.path().join("upgrades.sarif");
    let out = slipway(&dir)
        .args([
            "upgrade",
            "check",
            "VaultV2",
            "--reference",
            "VaultV1",
            "--sarif",
        ])
        .arg(&sarif)
        .output()
        .expect("check");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    let results: Vec<(String, String, u64)> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap_or_default().to_owned(),
                at["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                at["region"]["startLine"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    // The delegatecall on line 8; `b` inserted on line 6 (and `c` moved, line 7).
    for wanted in [("delegatecall", 8), ("insert", 6), ("layoutchange", 7)] {
        assert!(
            results.iter().any(|(id, uri, line)| id == wanted.0
                && uri.ends_with("contracts/src/Vault.sol")
                && *line == wanted.1),
            "{wanted:?} in {results:?}"
        );
    }
}

#[test]
fn a_check_asked_again_of_the_same_build_is_answered_from_its_cache_and_never_stale() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = small_project(
        &tmp,
        &[(
            "V.sol",
            "contract VaultV1 { uint256 a; }\ncontract VaultV2 { address b; uint256 a; }\n",
        )],
    );
    let check = || {
        let out = slipway(&dir)
            .args([
                "upgrade",
                "check",
                "VaultV2",
                "--reference",
                "VaultV1",
                "--json",
            ])
            .output()
            .expect("check");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let first = check();
    assert_eq!(first.0, Some(1), "an insert: {}", first.2);
    // The build-info spoilt, its size and time kept: the answer is the
    // kept one, so the build-info was not read.
    let info = std::fs::read_dir(dir.join("out/build-info"))
        .expect("build-info")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a build-info file");
    let modified = std::fs::metadata(&info)
        .and_then(|m| m.modified())
        .expect("mtime");
    let len = std::fs::metadata(&info).expect("meta").len();
    std::fs::write(&info, " ".repeat(usize::try_from(len).expect("size"))).expect("spoil");
    let file = std::fs::File::options()
        .write(true)
        .open(&info)
        .expect("open");
    file.set_modified(modified).expect("keep the time");
    drop(file);
    let kept = check();
    assert_eq!((kept.0, &kept.1), (first.0, &first.1), "{}", kept.2);
    // A changed source: a new build, a new answer.
    std::fs::write(
        dir.join("contracts/src/V.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract VaultV1 { uint256 a; }\ncontract VaultV2 { uint256 a; address b; }\n",
    )
    .expect("source");
    let again = check();
    assert_eq!(again.0, Some(0), "an append: {}", again.2);
}
