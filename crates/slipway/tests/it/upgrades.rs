//! `slipway upgrade check` against OpenZeppelin's own validator: every
//! pair of the corpus (`crates/upgrades/testdata/layout/`, each file's
//! `// expect:` line written from the error kinds' documented meaning) is
//! compiled once, checked by slipway and by npm `@openzeppelin/upgrades-core`
//! on the same build-info, and both must reach the expected verdict with
//! the same error kinds.

use std::{collections::BTreeMap, path::Path};

use crate::common::slipway;

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../upgrades/testdata/layout")
}

/// (case, expected safe, expected kind) from each file's `// expect:` line.
fn cases() -> Vec<(String, bool, Option<String>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus()).expect("corpus").flatten() {
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

#[test]
fn every_corpus_pair_gets_openzeppelin_s_verdict_and_error_kinds() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(dir.join("contracts/src")).expect("mkdir");
    std::fs::write(
        dir.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("config");
    for entry in std::fs::read_dir(corpus()).expect("corpus").flatten() {
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
    let cases = cases();
    assert!(cases.len() >= 20, "the corpus has {} pairs", cases.len());

    let pairs: Vec<[String; 2]> = cases
        .iter()
        .map(|(c, _, _)| [format!("{c}V2"), format!("{c}V1")])
        .collect();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let node = std::process::Command::new("node")
        .arg(repo.join("crates/upgrades/tests/oz-validate.cjs"))
        .arg(dir.join("out/build-info"))
        .arg(serde_json::to_string(&pairs).expect("json"))
        .output()
        .expect("node");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let oz: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&node.stdout).expect("upgrades-core's answer");

    let mut disagreements = Vec::new();
    for (case, safe, kind) in &cases {
        let out = slipway(&dir)
            .args([
                "upgrade",
                "check",
                &format!("{case}V2"),
                "--reference",
                &format!("{case}V1"),
                "--json",
            ])
            .output()
            .expect("check");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{case}: {}", String::from_utf8_lossy(&out.stderr)));
        let ours: Vec<String> = json["layout"]
            .as_array()
            .expect("layout")
            .iter()
            .filter_map(|op| op["kind"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(
            out.status.code(),
            Some(if *safe { 0 } else { 1 }),
            "{case}: {ours:?}"
        );
        let theirs = &oz[&format!("{case}V2")];
        let their_kinds: Vec<String> = theirs["layout"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: {theirs}"))
            .iter()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect();
        assert_eq!(
            theirs["validation"],
            serde_json::json!([]),
            "{case}: the corpus is layout only"
        );
        if theirs["ok"] != serde_json::json!(*safe) {
            disagreements.push(format!(
                "{case}: upgrades-core says ok = {}, the corpus {safe}",
                theirs["ok"]
            ));
        }
        if let Some(kind) = kind
            && !ours.contains(kind)
        {
            disagreements.push(format!("{case}: expected {kind}, slipway found {ours:?}"));
        }
        if ours != their_kinds {
            disagreements.push(format!(
                "{case}: slipway {ours:?}, upgrades-core {their_kinds:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn an_unknown_or_ambiguous_contract_is_named_with_what_to_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(dir.join("contracts/src")).expect("mkdir");
    std::fs::write(
        dir.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("config");
    std::fs::write(
        dir.join("contracts/src/A.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract VaultV1 { uint256 a; }\n",
    )
    .expect("a");
    std::fs::write(
        dir.join("contracts/src/B.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract VaultV1 { uint256 b; }\ncontract VaultV2 { uint256 b; }\n",
    )
    .expect("b");
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
}
