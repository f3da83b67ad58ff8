//! The runner on a fixture suite compiled with the real compiler.

use std::{collections::HashMap, path::PathBuf};

use slipway_config::{Config, Vars};
use slipway_test::{ContractOutcome, RevertDecoder, RunOptions, TestFilter, TestStatus};

/// The fixture's test contracts, compiled once for all tests of this file.
fn compiled() -> &'static (Vec<slipway_test::TestContract>, RevertDecoder) {
    static SUITE: std::sync::OnceLock<(Vec<slipway_test::TestContract>, RevertDecoder)> =
        std::sync::OnceLock::new();
    SUITE.get_or_init(compile)
}

fn compile() -> (Vec<slipway_test::TestContract>, RevertDecoder) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-runner-fixture");
    let std_lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/lib");
    let text = format!(
        "[project]\nsrc = \"contracts/src\"\ntest = \"contracts/test\"\nout = \"{}\"\nlibs = [\"{}\"]\n",
        out.join("out").display(),
        std_lib.canonicalize().expect("contracts/lib").display()
    );
    let config =
        Config::parse(&root, root.join("slipway.toml"), text, Vars::default()).expect("config");
    let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
        .expect("solc");
    let report =
        slipway_solc::build(&config, &compiler, slipway_solc::Profile::Default).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let contracts = slipway_test::discover(&report.output, &config.root, &config.project.test);
    let decoder = RevertDecoder::from_build(&report.output);
    (contracts, decoder)
}

fn suite(filter: &TestFilter) -> Vec<ContractOutcome> {
    let (contracts, decoder) = compiled();
    slipway_test::run(contracts, filter, decoder, &RunOptions::default())
}

fn by_name(results: &[ContractOutcome]) -> HashMap<String, TestStatus> {
    results
        .iter()
        .flat_map(|c| {
            c.tests
                .iter()
                .map(move |t| (format!("{}.{}", c.name, t.signature), t.status.clone()))
        })
        .collect()
}

fn fail(reason: &str) -> TestStatus {
    TestStatus::Fail(reason.to_owned())
}

#[test]
fn every_kind_of_outcome_is_reported_and_decoded() {
    let results = suite(&TestFilter::default());
    let names: Vec<&str> = results.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["BrokenSetUpTest", "CheatsTest", "OutcomesTest"],
        "contracts without tests are left out"
    );
    let s = by_name(&results);
    assert_eq!(s.len(), 13 + 18, "{s:#?}");
    assert_eq!(s["OutcomesTest.test_Passes()"], TestStatus::Pass);
    assert_eq!(
        s["OutcomesTest.test_StartsFromSetUpState()"],
        TestStatus::Pass
    );
    assert_eq!(s["OutcomesTest.test_ChangesDoNotLeak()"], TestStatus::Pass);
    assert_eq!(s["OutcomesTest.test_ApproxEqAbs()"], TestStatus::Pass);
    assert_eq!(
        s["OutcomesTest.test_AssertEqFails()"],
        fail("value: 5 != 6")
    );
    assert_eq!(
        s["OutcomesTest.test_AssertTrueFails()"],
        fail("assertion failed: expected true, got false")
    );
    assert_eq!(
        s["OutcomesTest.test_CustomError()"],
        fail("TooBig(101, 100)")
    );
    assert_eq!(
        s["OutcomesTest.test_Panic()"],
        fail("panic: arithmetic underflow or overflow (0x11)")
    );
    assert_eq!(
        s["OutcomesTest.test_RequireMessage()"],
        fail("arithmetic is broken")
    );
    assert_eq!(
        s["OutcomesTest.test_UnknownCheatcode()"],
        fail("unknown cheatcode: selector 0x41af2f52 is not implemented by slipway")
    );
    assert!(matches!(
        s["OutcomesTest.test_Fuzz(uint256)"],
        TestStatus::Skip(_)
    ));
    assert_eq!(
        s["BrokenSetUpTest.test_Never()"],
        fail("setUp() failed: setUp cannot continue")
    );
    assert!(!s.keys().any(|k| k.contains("helper_NotATest")));

    let expected_failures = [
        ("AddrRefusesZero", "vm.addr: 0 is not a valid private key"),
        (
            "ExpectRevertFailsWhenNothingReverts",
            "vm.expectRevert: the call did not revert",
        ),
        ("ExpectRevertFailsOnOtherData", "was expected"),
        ("ExpectRevertFailsWhenNoCallFollows", "no call followed it"),
    ];
    for (name, status) in s.iter().filter(|(k, _)| k.starts_with("CheatsTest.")) {
        match expected_failures
            .iter()
            .find(|(test, _)| name.contains(test))
        {
            Some((_, message)) => assert!(
                matches!(status, TestStatus::Fail(r) if r.contains(message)),
                "{name}: {status:?}"
            ),
            None => assert_eq!(*status, TestStatus::Pass, "{name}"),
        }
    }

    let outcomes = &results[2].tests;
    let logs = outcomes
        .iter()
        .find(|t| t.signature == "test_Logs()")
        .expect("logs test");
    assert_eq!(logs.logs, ["value is 5"]);
    assert_eq!(logs.status, fail("after logging: 5 != 0"));
    let passes = outcomes
        .iter()
        .find(|t| t.signature == "test_Passes()")
        .expect("passes");
    assert!(
        passes.gas > 5_000 && passes.gas < 100_000,
        "gas {}",
        passes.gas
    );
}

#[test]
fn filters_select_tests_and_contracts() {
    let only = TestFilter::new(
        Some("Panic|Passes"),
        None,
        Some("Outcomes"),
        None,
        None,
        None,
    )
    .expect("filter");
    let s = by_name(&suite(&only));
    let mut names: Vec<_> = s.keys().cloned().collect();
    names.sort();
    assert_eq!(
        names,
        ["OutcomesTest.test_Panic()", "OutcomesTest.test_Passes()"]
    );

    let none = TestFilter::new(None, None, None, None, None, Some("Runner")).expect("filter");
    assert!(suite(&none).is_empty());
}
