//! Foundry suites run unchanged: `forge-std/` resolves to slipway-std when
//! the project has none of its own, and an installed forge-std or a user
//! remapping wins.

use std::{fs, path::Path};

use predicates::prelude::*;

use crate::common::{slipway, starter_project};

/// A Foundry-style test: forge-std imports, `console2`, `Test`.
const FORGE_STYLE_TEST: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test, console2} from "forge-std/Test.sol";
import {console} from "forge-std/console.sol";
import {Vm} from "forge-std/Vm.sol";
import {Counter} from "../src/Counter.sol";

contract ForgeStyleTest is Test {
    function test_ForgeStdImportsResolve() public {
        Counter counter = new Counter();
        counter.increment();
        console2.log("count", counter.number());
        console.log("through console too");
        assertEq(counter.number(), 1);
    }
}
"#;

/// A starter project without its copy of slipway-std.
fn project_without_std(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = starter_project(tmp);
    fs::remove_dir_all(dir.join("contracts/lib/slipway-std")).expect("rm");
    fs::remove_file(dir.join("contracts/test/Counter.t.sol")).expect("rm");
    dir
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    fs::write(path, text).expect("write");
}

#[test]
fn forge_std_imports_resolve_to_the_shipped_slipway_std() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project_without_std(&tmp);
    write(
        &dir.join("contracts/test/ForgeStyle.t.sol"),
        FORGE_STYLE_TEST,
    );
    slipway(&dir)
        .arg("test")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "[PASS] test_ForgeStdImportsResolve()",
        ));
    assert!(
        dir.join(".slipway/std/slipway-std/Test.sol").is_file(),
        "the shipped library is written where the remapping points"
    );

    // A file slipway-std does not have: the error says why and what to do.
    write(
        &dir.join("contracts/test/Json.t.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nimport {stdJson} from \"forge-std/StdJson.sol\";\n",
    );
    slipway(&dir)
        .arg("test")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "slipway-std has no StdJson.sol; install forge-std",
        ));
}

#[test]
fn an_installed_forge_std_wins_over_slipway_std() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project_without_std(&tmp);
    // forge installs it as lib/forge-std with its sources under src/. This
    // stand-in declares a constant slipway-std does not have, so the test
    // compiles only against it.
    write(
        &dir.join("lib/forge-std/src/Test.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nabstract contract Test {\n    bool public IS_TEST = true;\n    uint256 internal constant FROM_INSTALLED = 7;\n}\n",
    );
    write(
        &dir.join("lib/forge-std/foundry.toml"),
        "[profile.default]\n",
    );
    write(
        &dir.join("contracts/test/Installed.t.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nimport {Test} from \"forge-std/Test.sol\";\ncontract InstalledTest is Test {\n    function test_UsesTheInstalledLibrary() public pure { require(FROM_INSTALLED == 7, \"not the installed one\"); }\n}\n",
    );
    slipway(&dir)
        .arg("test")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "[PASS] test_UsesTheInstalledLibrary()",
        ));
    assert!(
        !dir.join(".slipway/std").exists(),
        "no copy of slipway-std is written when forge-std is installed"
    );
}

#[test]
fn a_user_remapping_of_forge_std_wins() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    fs::remove_file(dir.join("contracts/test/Counter.t.sol")).expect("rm");
    write(
        &dir.join("vendor/fstd/Test.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nabstract contract Test {\n    bool public IS_TEST = true;\n    uint256 internal constant FROM_VENDOR = 3;\n}\n",
    );
    let config = fs::read_to_string(dir.join("slipway.toml")).expect("config");
    let config = if config.contains("[project]") {
        config.replace(
            "[project]",
            "[project]\nremappings = [\"forge-std/=vendor/fstd/\"]",
        )
    } else {
        format!("[project]\nremappings = [\"forge-std/=vendor/fstd/\"]\n\n{config}")
    };
    fs::write(dir.join("slipway.toml"), config).expect("config");
    write(
        &dir.join("contracts/test/Vendor.t.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nimport {Test} from \"forge-std/Test.sol\";\ncontract VendorTest is Test {\n    function test_UsesTheRemappedLibrary() public pure { require(FROM_VENDOR == 3, \"not the remapped one\"); }\n}\n",
    );
    slipway(&dir)
        .arg("test")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "[PASS] test_UsesTheRemappedLibrary()",
        ));
}

#[test]
fn an_import_no_package_provides_names_where_packages_are_found() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    write(
        &dir.join("contracts/test/Solmate.t.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\nimport {ERC20} from \"solmate/tokens/ERC20.sol\";\n",
    );
    slipway(&dir)
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a package `solmate/` is found under contracts/lib/solmate/, node_modules/solmate/ (npm install) or lib/solmate/",
        ));
}

/// Every test's outcome by `file:Contract::test()`: `true` for a pass.
type Outcomes = std::collections::BTreeMap<String, bool>;

fn slipway_outcomes(dir: &Path) -> Outcomes {
    let out = slipway(dir)
        .args(["test", "--json", "--fuzz-seed", "1"])
        .output()
        .expect("slipway test");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut outcomes = Outcomes::new();
    for contract in json["contracts"].as_array().expect("contracts") {
        for test in contract["tests"].as_array().expect("tests") {
            outcomes.insert(
                format!(
                    "{}:{}::{}",
                    contract["source"].as_str().expect("source"),
                    contract["name"].as_str().expect("name"),
                    test["signature"].as_str().expect("signature")
                ),
                test["status"] == "pass",
            );
        }
    }
    outcomes
}

fn forge_outcomes(dir: &Path, forge: &Path) -> Outcomes {
    let out = std::process::Command::new(forge)
        .args(["test", "--json", "--offline"])
        .current_dir(dir)
        .output()
        .expect("forge test");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "forge printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut outcomes = Outcomes::new();
    for (contract, suite) in json.as_object().expect("suites") {
        for (test, result) in suite["test_results"].as_object().expect("results") {
            outcomes.insert(format!("{contract}::{test}"), result["status"] == "Success");
        }
    }
    outcomes
}

/// The bundled suite under forge 1.7.1 (npm, offline through the same
/// solcjs) with slipway-std remapped as `forge-std/`, and under slipway:
/// every test passes or fails alike. A difference is a bug in slipway's
/// runner or cheatcodes.
#[test]
fn forge_and_slipway_agree_on_every_test_of_the_bundled_suite() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let forge = repo.join("node_modules/.bin/forge");
    assert!(forge.exists(), "forge is a devDependency: run npm ci");
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = crate::common::repository_copy(&tmp);
    let build = slipway(&dir)
        .args(["build", "--json"])
        .output()
        .expect("slipway build");
    let build: serde_json::Value = serde_json::from_slice(&build.stdout).expect("json");
    let solc = build["compiler"]["path"].as_str().expect("compiler path");
    fs::write(
        dir.join("foundry.toml"),
        format!(
            "[profile.default]\nsrc = \"contracts/src\"\ntest = \"contracts/test\"\nlibs = [\"node_modules\", \"contracts/lib\"]\nsolc = \"{solc}\"\noffline = true\noptimizer = true\noptimizer_runs = 200\nremappings = [\"@openzeppelin/=node_modules/@openzeppelin/\", \"slipway-std/=contracts/lib/slipway-std/\", \"forge-std/=contracts/lib/slipway-std/\"]\n\n[fuzz]\nseed = \"0x1\"\n"
        ),
    )
    .expect("foundry.toml");

    let ours = slipway_outcomes(&dir);
    let theirs = forge_outcomes(&dir, &forge);
    assert!(ours.len() >= 70, "the whole suite ran: {}", ours.len());
    let differences: Vec<String> = ours
        .keys()
        .chain(theirs.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|k| ours.get(*k) != theirs.get(*k))
        .map(|k| format!("{k}: slipway {:?}, forge {:?}", ours.get(k), theirs.get(k)))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
