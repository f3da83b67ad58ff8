//! A test file written for Foundry (`testdata/foundry`), ported by changing
//! `forge-std/` to `slipway-std/` in its imports and nothing else, passes.

use std::path::{Path, PathBuf};

use slipway_config::{Config, Vars};
use slipway_contracts::Decoder;
use slipway_test_runner::{RunOptions, TestFilter, TestStatus};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn a_foundry_test_ports_by_changing_its_imports() {
    let original = std::fs::read_to_string(manifest().join("testdata/foundry/test/Token.t.sol"))
        .expect("read");
    assert!(original.contains("\"forge-std/Test.sol\""));
    let ported = original.replace("forge-std/", "slipway-std/");
    let changed: Vec<_> = original
        .lines()
        .zip(ported.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert!(
        changed
            .iter()
            .all(|(a, _)| a.trim_start().starts_with("import")),
        "only import lines change: {changed:?}"
    );

    let project = tempfile::tempdir().expect("tempdir");
    let root = project.path();
    write(
        &root.join("contracts/src/Token.sol"),
        &std::fs::read_to_string(manifest().join("testdata/foundry/src/Token.sol")).expect("read"),
    );
    write(&root.join("contracts/test/Token.t.sol"), &ported);
    let std_lib = manifest()
        .join("../../contracts/lib")
        .canonicalize()
        .expect("contracts/lib");
    let text = format!("[project]\nlibs = [\"{}\"]\n", std_lib.display());
    let config =
        Config::parse(root, root.join("slipway.toml"), text, Vars::default()).expect("config");
    let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
        .expect("solc");
    let report =
        slipway_solc::build(&config, &compiler, slipway_solc::Profile::Default).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let contracts =
        slipway_test_runner::discover(&report.artifacts, &config.project.libs).expect("read");
    let decoder = Decoder::from_build(&report.artifacts);
    let results = slipway_test_runner::run(
        &contracts,
        &TestFilter::default(),
        &decoder,
        &RunOptions::default(),
    );
    let tests: Vec<_> = results.iter().flat_map(|c| &c.tests).collect();
    assert_eq!(tests.len(), 11, "every test of the file ran");
    for test in &tests {
        assert_eq!(
            test.status,
            TestStatus::Pass,
            "{}: {:?}",
            test.signature,
            test.status
        );
    }
    let logged = tests
        .iter()
        .find(|t| t.signature == "test_PermitStyleSignature()")
        .expect("ran");
    assert_eq!(logged.logs.len(), 1);
    assert!(logged.logs[0].starts_with("signer 0x"), "{:?}", logged.logs);
}
