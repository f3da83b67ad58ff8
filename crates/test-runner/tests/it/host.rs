//! Cheatcodes that reach outside the EVM (files under `fs_permissions`,
//! `ffi`, artifacts) and the environment, storage records and expectRevert
//! forms of `testdata/contracts/test/Host.t.sol`.

use std::sync::{Arc, OnceLock};

use crate::common;

use common::{by_name, expect_only_failures};
use slipway_config::{FsAccess, FsPermission, TestConfig};
use slipway_test_runner::TestHost;

/// The fixture, compiled once for both tests (they would race on its
/// output directory).
fn compiled() -> &'static (common::Suite, slipway_solc::BuildReport) {
    static SUITE: OnceLock<(common::Suite, slipway_solc::BuildReport)> = OnceLock::new();
    SUITE.get_or_init(|| {
        let (suite, report, _) =
            common::compile_profile("test-host-fixture", slipway_solc::Profile::Default, "");
        (suite, report)
    })
}

fn run(
    config: TestConfig,
    root: &std::path::Path,
) -> std::collections::HashMap<String, slipway_test_runner::TestStatus> {
    run_path("Host", config, root)
}

fn run_path(
    path: &str,
    config: TestConfig,
    root: &std::path::Path,
) -> std::collections::HashMap<String, slipway_test_runner::TestStatus> {
    let (suite, report) = compiled();
    let mut options = common::options();
    options.host = Arc::new(TestHost::new(root, config, &report.artifacts));
    let results = slipway_test_runner::run(
        &suite.contracts,
        &common::path_filter(path),
        &suite.decoder,
        &options,
    );
    by_name(&results)
}

#[test]
fn host_cheatcodes_work_within_their_permissions() {
    let root = tempfile::tempdir().expect("tmp");
    std::fs::write(root.path().join("slipway.toml"), "").expect("write");
    let config = TestConfig {
        ffi: true,
        fs_permissions: vec![FsPermission {
            access: FsAccess::ReadWrite,
            path: "scratch".into(),
        }],
        ..TestConfig::default()
    };
    let s = run(config, root.path());
    expect_only_failures(
        &s,
        "HostTest",
        &[
            (
                "test_GetCodeOfAnUnknownContractFails",
                "vm.getCode: no contract \"Nope.sol:Nope\" in the build",
            ),
            (
                "test_ExpectRevertSelectorIsExact",
                "reverted with Nope(3) but Nope (selector 0x",
            ),
            (
                "test_ExpectRevertCountNotReached",
                "vm.expectRevert: no call followed it",
            ),
            (
                "test_ExpectRevertCountZeroFailsOnTheRevert",
                "reverted with Nope(1) but no such revert was expected (count 0)",
            ),
            ("test_ExpectRevertWrongReverter", "the revert came from 0x"),
            (
                "test_ReadingOutsideThePermissionsFails",
                "vm.readFile: the path \"slipway.toml\" is not allowed to be read (it has no fs_permissions entry)",
            ),
            (
                "test_JsonMissingKeyFails",
                "vm.parseJsonUint: key \".m\" not found in the JSON",
            ),
            (
                "test_WritingOutsideThePermissionsFails",
                "vm.writeFile: the path \"../escaped.txt\" is not allowed to be written (it has no fs_permissions entry)",
            ),
        ],
    );
    assert!(
        !root.path().join("../escaped.txt").exists(),
        "nothing was written outside the allowed directory"
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join("scratch/log.txt")).expect("written"),
        "a\nb\n"
    );
}

#[test]
fn ffi_and_files_are_off_unless_allowed() {
    let root = tempfile::tempdir().expect("tmp");
    let s = run(TestConfig::default(), root.path());
    let fail = |name: &str| match &s[&format!("HostTest.{name}()")] {
        slipway_test_runner::TestStatus::Fail(reason) => reason.clone(),
        other => panic!("{name}: {other:?}"),
    };
    assert!(
        fail("test_FfiRunsACommand")
            .contains("vm.ffi is off: tests may run commands only with [test] ffi = true"),
        "{}",
        fail("test_FfiRunsACommand")
    );
    assert!(
        fail("test_Files").contains("vm.writeFile: the path \"scratch/notes.txt\" is not allowed"),
        "{}",
        fail("test_Files")
    );
    assert!(!root.path().join("scratch").exists());
}

#[test]
fn forge_std_helpers_stdstore_deal_and_deploy_code() {
    let root = tempfile::tempdir().expect("tmp");
    let s = run_path("**/Std.t.sol", TestConfig::default(), root.path());
    expect_only_failures(
        &s,
        "StdTest",
        &[
            (
                "test_StdstoreFailsOnAGetterWithoutStorage",
                "stdStorage find(StdStorage): Slot(s) not found.",
            ),
            ("test_ArrayAssertionFails", "strings differ"),
            (
                "test_RewindPastZeroFails",
                "panic: arithmetic underflow or overflow (0x11)",
            ),
        ],
    );
}
