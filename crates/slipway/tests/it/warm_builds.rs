//! Commands that read the build through its fingerprint and artifact index
//! (test, coverage, deploy, verify) are never served a stale build: after
//! an edit of a source, a remapping, a setting or the compiler, each sees
//! the code a full build makes. Each case is first run with the
//! fingerprint trusted blindly, and must then see stale code: the case can
//! fail. A damaged or missing artifact under an unchanged fingerprint takes
//! the full path: no error, nothing stale.

use std::{
    fs,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use alloy_primitives::{B256, keccak256};
use slipway_config::Config;
use slipway_contracts::Artifacts;
use slipway_solc::{BuildReport, Need, Profile, testing::trusting_the_fingerprint};
use slipway_test_runner::{SuiteRequest, TestStatus, artifact_need, run_suite};

const HEADER: &str = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.19;\n";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    fs::write(path, text).expect("write");
}

/// Every file of the project dated a minute back, so that the fingerprint
/// of the next build is trusted (files changed within two seconds of it
/// are not).
fn settle(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(60);
    for entry in walk(dir) {
        fs::File::options()
            .write(true)
            .open(&entry)
            .and_then(|f| f.set_modified(past))
            .expect("set mtime");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// A project whose `C` returns a value from a remapped library plus a
/// constant of its own, whose test fails with the hash of `C`'s runtime
/// code as the test contract embeds it, and whose plan deploys `C`.
fn project(root: &Path) {
    write(
        &root.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    );
    write(&root.join("remappings.txt"), "lib1/=vendor/one/\n");
    for (dir, value) in [("one", 1), ("two", 2)] {
        write(
            &root.join(format!("vendor/{dir}/V.sol")),
            &format!(
                "{HEADER}library V {{ function value() internal pure returns (uint256) {{ return {value}; }} }}\n"
            ),
        );
    }
    source(root, 10);
    write(
        &root.join("contracts/test/C.t.sol"),
        &format!(
            "{HEADER}import {{C}} from \"../src/C.sol\";\n\
             contract CTest {{\n\
                 error Probe(bytes32 code);\n\
                 function test_probe() public pure {{ revert Probe(keccak256(type(C).runtimeCode)); }}\n\
             }}\n"
        ),
    );
    write(
        &root.join("deploy/c.toml"),
        "[[step]]\nid = \"C\"\ndeploy = \"C\"\n",
    );
}

fn source(root: &Path, constant: u32) {
    write(
        &root.join("contracts/src/C.sol"),
        &format!(
            "{HEADER}import {{V}} from \"lib1/V.sol\";\n\
             contract C {{\n\
                 uint256 private constant K = {constant};\n\
                 function value() external pure returns (uint256) {{ return V.value() + K; }}\n\
             }}\n"
        ),
    );
}

/// The edits that must each send the next command down the full path.
#[derive(Clone, Copy, Debug)]
enum Edit {
    Source,
    Remapping,
    Setting,
    Compiler,
}

impl Edit {
    fn apply(self, root: &Path) {
        match self {
            Self::Source => source(root, 11),
            Self::Remapping => write(&root.join("remappings.txt"), "lib1/=vendor/two/\n"),
            // solc 0.8.20 targets shanghai (PUSH0) unless told otherwise.
            Self::Setting => write(
                &root.join("slipway.toml"),
                "[compiler]\nversion = \"0.8.20\"\nevm_version = \"paris\"\n",
            ),
            Self::Compiler => write(
                &root.join("slipway.toml"),
                "[compiler]\nversion = \"0.8.19\"\n",
            ),
        }
    }
}

fn compile(
    config: &Config,
    profile: Profile,
    need: &dyn Fn(&slipway_solc::BuiltContract) -> Need,
) -> BuildReport {
    let report = slipway_solc::compile_for(config, profile, true, &|_| {}, need).expect("build");
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    report
}

/// keccak256 of `C`'s runtime code as a full build of `profile` makes it.
fn built_runtime(config: &Config, profile: Profile) -> B256 {
    let compiler = slipway_solc::compiler(config, true, &|_| {}).expect("compiler");
    let report = slipway_solc::build(config, &compiler, profile).expect("full build");
    let c = report
        .artifacts
        .iter()
        .find(|c| c.name == "C")
        .expect("C built");
    let code = c.output().expect("in memory").deployed_bytecode.as_ref();
    keccak256(code.and_then(|c| c.bytes()).expect("linked code"))
}

/// What the `test` (or, in the coverage profile, `coverage`) command sees
/// of `C`: the hash its probe test fails with.
fn seen_by_tests(config: &Config, profile: Profile) -> String {
    let request = SuiteRequest {
        coverage: profile == Profile::Coverage,
        ..SuiteRequest::default()
    };
    let need = artifact_need(config, &request).expect("need");
    let build = compile(config, profile, &need);
    let run = run_suite(config, &build, &request).expect("suite");
    let test = &run.results[0].tests[0];
    match &test.status {
        TestStatus::Fail(reason) => reason.clone(),
        other => panic!("the probe fails by design: {other:?}"),
    }
}

/// What `deploy` (through its plan) or `verify` sees of `C`'s runtime code.
fn seen_by_deploy(config: &Config, verify: bool) -> B256 {
    let env = config.environment("development").expect("development");
    let need: Box<dyn Fn(&slipway_solc::BuiltContract) -> Need> = match verify {
        false => Box::new(slipway_deploy::deploy_need(config, &env, None)),
        true => Box::new(slipway_deploy::verify_need(config, &env, &[])),
    };
    let build = compile(config, Profile::Default, &need);
    let artifacts = Artifacts::from_build(&build.artifacts);
    keccak256(&artifacts.find("C").expect("C").deployed_bytecode)
}

/// What each command sees, in order: test, coverage, deploy, verify.
fn observe(root: &Path) -> [String; 4] {
    let config = Config::load(root).expect("config");
    [
        seen_by_tests(&config, Profile::Default),
        seen_by_tests(&config, Profile::Coverage),
        seen_by_deploy(&config, false).to_string(),
        seen_by_deploy(&config, true).to_string(),
    ]
}

#[test]
fn every_command_sees_each_edit_and_a_blind_fast_path_would_not() {
    let tmp = tempfile::tempdir().expect("tmp");
    for edit in [Edit::Source, Edit::Remapping, Edit::Setting, Edit::Compiler] {
        let root = tmp.path().join(format!("{edit:?}"));
        project(&root);
        settle(&root);
        // Warm: both profiles built, their fingerprints written.
        let before = observe(&root);
        edit.apply(&root);

        let blind = trusting_the_fingerprint(|| observe(&root));
        let seen = observe(&root);
        let config = Config::load(&root).expect("config");
        let default = built_runtime(&config, Profile::Default).to_string();
        let coverage = built_runtime(&config, Profile::Coverage).to_string();
        let expected = [&default, &coverage, &default, &default];
        for (i, command) in ["test", "coverage", "deploy", "verify"].iter().enumerate() {
            assert_ne!(before[i], seen[i], "{edit:?} changes what {command} sees");
            assert!(
                seen[i].contains(expected[i].as_str()),
                "{edit:?}: {command} sees {} but the build makes {}",
                seen[i],
                expected[i]
            );
            assert!(
                !blind[i].contains(expected[i].as_str()),
                "{edit:?}: with the fingerprint trusted blindly, {command} would see the stale {}",
                blind[i]
            );
        }
    }
}

/// Flips one hex digit of `needle` (hex) inside the code `field` holds in
/// the artifact at `path`, keeping its length and modification time: only
/// the content hash can tell.
fn damage(path: &Path, field: &str, needle: &str) {
    let modified = fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let mut text = fs::read_to_string(path).expect("artifact");
    let code = text
        .find(&format!("\"{field}\":{{\"object\":\"0x"))
        .expect("code");
    let at = code + text[code..].find(needle).expect("needle in the code");
    let digit = if &text[at..at + 1] == "0" { "1" } else { "0" };
    text.replace_range(at..at + 1, digit);
    fs::write(path, text).expect("write");
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(modified))
        .expect("restore mtime");
}

/// A function's selector in hex, as the dispatcher pushes it.
fn selector(signature: &str) -> String {
    alloy_primitives::hex::encode(&keccak256(signature)[..4])
}

#[test]
fn a_damaged_or_missing_artifact_takes_the_full_path_without_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("p");
    project(&root);
    settle(&root);
    let config = Config::load(&root).expect("config");
    let good = seen_by_tests(&config, Profile::Default);
    let good_deploy = seen_by_deploy(&config, false);
    let fast = || compile(&config, Profile::Default, &|_| Need::Nothing).from_fingerprint;
    assert!(
        fast(),
        "the fingerprint holds: the next build reads nothing"
    );

    // The test function's selector damaged: served, the test would not
    // be found by its call.
    let test_artifact = root.join("out/C.t.sol/CTest.json");
    damage(&test_artifact, "bytecode", &selector("test_probe()"));
    assert_eq!(
        seen_by_tests(&config, Profile::Default),
        good,
        "the test contract was built again"
    );
    assert!(fast(), "and the fingerprint holds again");

    damage(
        &root.join("out/C.sol/C.json"),
        "deployedBytecode",
        &selector("value()"),
    );
    assert_eq!(
        seen_by_deploy(&config, false),
        good_deploy,
        "deploy reads C built again"
    );

    fs::remove_file(&test_artifact).expect("remove");
    assert_eq!(
        seen_by_tests(&config, Profile::Default),
        good,
        "a missing artifact is built again"
    );
    assert!(test_artifact.is_file());
}
