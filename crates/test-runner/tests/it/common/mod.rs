//! The fixture suite (`testdata/`), compiled once per test binary with the
//! real compiler.

#![allow(dead_code, unreachable_pub)]

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use slipway_config::{Config, Vars};
use slipway_contracts::Decoder;
use slipway_test_runner::{ContractOutcome, RunOptions, TestContract, TestFilter, TestStatus};

pub struct Suite {
    pub contracts: Vec<TestContract>,
    pub decoder: Decoder,
}

/// Compiles the fixture into its own output directory `name` (each test
/// binary has one, so concurrent binaries never share a build cache).
pub fn compile(name: &str) -> Suite {
    let (suite, _, _) = compile_profile(name, slipway_solc::Profile::Default, "");
    suite
}

/// `compile` in `profile`, with `extra` appended to the fixture's
/// slipway.toml; also the build and the configuration.
pub fn compile_profile(
    name: &str,
    profile: slipway_solc::Profile,
    extra: &str,
) -> (Suite, slipway_solc::BuildReport, Config) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let std_lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/lib");
    let text = format!(
        "[project]\nsrc = \"contracts/src\"\ntest = \"contracts/test\"\nout = \"{}\"\nlibs = [\"{}\"]\n{extra}",
        out.join("out").display(),
        std_lib.canonicalize().expect("contracts/lib").display()
    );
    let config =
        Config::parse(&root, root.join("slipway.toml"), text, Vars::default()).expect("config");
    let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
        .expect("solc");
    let report = slipway_solc::build(&config, &compiler, profile).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let suite = Suite {
        contracts: slipway_test_runner::discover(&report.artifacts, &config.project.libs)
            .expect("read"),
        decoder: Decoder::from_build(&report.artifacts),
    };
    (suite, report, config)
}

/// The options the fixtures expect: a fixed fuzz seed, the variables the
/// env tests read, and a small rejection limit.
pub fn options() -> RunOptions {
    let env: HashMap<String, String> = [
        ("SLIPWAY_TEST_UINT", "42"),
        ("SLIPWAY_TEST_HEX", "0xff"),
        (
            "SLIPWAY_TEST_ADDRESS",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        ),
        ("SLIPWAY_TEST_BOOL", "true"),
        ("SLIPWAY_TEST_BAD", "twelve"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let mut options = RunOptions {
        env: Arc::new(env),
        ..RunOptions::default()
    };
    options.fuzz.seed = 1;
    options.fuzz.max_rejects = 200;
    options
}

pub fn path_filter(path: &str) -> TestFilter {
    TestFilter::new(None, None, None, None, Some(path), None).expect("filter")
}

pub fn by_name(results: &[ContractOutcome]) -> HashMap<String, TestStatus> {
    results
        .iter()
        .flat_map(|c| {
            c.tests
                .iter()
                .map(move |t| (format!("{}.{}", c.name, t.signature), t.status.clone()))
        })
        .collect()
}

/// Checks every test of `contract`: those named in `failures` fail with a
/// reason containing the given text, all others pass.
pub fn expect_only_failures(
    statuses: &HashMap<String, TestStatus>,
    contract: &str,
    failures: &[(&str, &str)],
) {
    let mut seen = 0;
    for (name, status) in statuses
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("{contract}.")))
    {
        seen += 1;
        match failures
            .iter()
            .find(|(test, _)| name.contains(&format!(".{test}(")))
        {
            Some((_, message)) => assert!(
                matches!(status, TestStatus::Fail(r) if r.contains(message)),
                "{name}: expected a failure containing {message:?}, got {status:?}"
            ),
            None => assert_eq!(*status, TestStatus::Pass, "{name}"),
        }
    }
    assert!(seen > failures.len(), "{contract} has passing tests too");
    for (test, _) in failures {
        assert!(
            statuses
                .keys()
                .any(|k| k.contains(&format!("{contract}.{test}("))),
            "{contract}.{test} ran"
        );
    }
}
