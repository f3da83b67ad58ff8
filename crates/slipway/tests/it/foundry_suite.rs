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
