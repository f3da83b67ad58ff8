//! Fuzz tests of the fixture suite (`Fuzz.t.sol`): properties that hold,
//! failures shrunk to their known minimum, saved and replayed first.

use crate::common;

use std::{path::Path, sync::OnceLock};

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_primitives::{I256, U256};
use common::Suite;
use slipway_test_runner::{ContractOutcome, RunOptions, TestFilter, TestOutcome, TestStatus};

fn compiled() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| common::compile("test-fuzz-fixture"))
}

fn run_tests(pattern: &str, options: &RunOptions) -> Vec<ContractOutcome> {
    let suite = compiled();
    let filter =
        TestFilter::new(Some(pattern), None, None, None, Some("Fuzz"), None).expect("filter");
    slipway_test_runner::run(&suite.contracts, &filter, &suite.decoder, options)
}

fn one(pattern: &str, options: &RunOptions) -> TestOutcome {
    let results = run_tests(pattern, options);
    let tests: Vec<_> = results.into_iter().flat_map(|c| c.tests).collect();
    assert_eq!(tests.len(), 1, "{pattern} selects one test");
    tests.into_iter().next().expect("one")
}

/// The decoded arguments of a failing test's counterexample.
fn counterexample(outcome: &TestOutcome, signature: &str) -> Vec<DynSolValue> {
    let example = outcome
        .fuzz
        .as_ref()
        .and_then(|f| f.counterexample.as_ref())
        .unwrap_or_else(|| {
            panic!(
                "{} has no counterexample: {:?}",
                outcome.signature, outcome.status
            )
        });
    let function = alloy_json_abi::Function::parse(signature).expect("signature");
    function
        .abi_decode_input(&example.calldata[4..])
        .expect("calldata decodes")
}

#[test]
fn properties_that_hold_pass_every_run_with_gas_figures() {
    let options = common::options();
    for test in ["testFuzz_AdditionCommutes", "testFuzz_BoundKeepsInRange"] {
        let outcome = one(test, &options);
        assert_eq!(outcome.status, TestStatus::Pass, "{test}");
        let report = outcome.fuzz.expect("fuzz report");
        assert_eq!(report.runs, 256, "forge's default number of runs");
        assert!(report.mean_gas > 0 && report.median_gas > 0, "{report:?}");
        assert!(report.counterexample.is_none());
    }
    let mut fewer = common::options();
    fewer.fuzz.runs = 10;
    let report = one("testFuzz_AdditionCommutes", &fewer)
        .fuzz
        .expect("report");
    assert_eq!(report.runs, 10);
}

#[test]
fn failures_shrink_to_their_minimum() {
    let options = common::options();
    let below = one("testFuzz_BelowLimit", &options);
    assert_eq!(
        below.status,
        TestStatus::Fail("over the limit: expected true, got false".into())
    );
    assert_eq!(
        counterexample(&below, "f(uint256)"),
        [DynSolValue::Uint(U256::from(1000), 256)]
    );
    let args = &below
        .fuzz
        .as_ref()
        .and_then(|f| f.counterexample.as_ref())
        .expect("counterexample")
        .args;
    assert_eq!(args, &["1000"]);

    let two = one("testFuzz_TwoParameters", &options);
    assert_eq!(two.status, TestStatus::Fail("both large".into()));
    assert_eq!(
        counterexample(&two, "f(uint64,bytes)"),
        [
            DynSolValue::Uint(U256::from(1000), 64),
            DynSolValue::Bytes(vec![0; 3])
        ]
    );

    let negative = one("testFuzz_Negative", &options);
    assert_eq!(
        counterexample(&negative, "f(int256)"),
        [DynSolValue::Int(I256::try_from(-500).expect("fits"), 256)]
    );
}

#[test]
fn assume_filters_inputs_and_too_many_rejections_fail() {
    let options = common::options();
    let filtered = one("testFuzz_AssumeFiltersInputs", &options);
    assert_eq!(filtered.status, TestStatus::Pass);
    assert_eq!(
        filtered.fuzz.expect("report").runs,
        256,
        "rejected inputs do not count"
    );

    let rejected = one("testFuzz_AssumeRejectsEverything", &options);
    assert!(
        matches!(&rejected.status, TestStatus::Fail(r) if r.contains("vm.assume rejected too many inputs (200 allowed)")),
        "{:?}",
        rejected.status
    );
}

#[test]
fn a_failure_is_saved_and_replayed_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = common::options();
    options.fuzz.failures_dir = Some(dir.path().to_path_buf());
    let saved = dir.path().join("FuzzTest/testFuzz_BelowLimit");

    let first = one("testFuzz_BelowLimit", &options);
    assert!(matches!(first.status, TestStatus::Fail(_)));
    let text = std::fs::read_to_string(&saved).expect("the failing input is saved");
    let calldata = first
        .fuzz
        .as_ref()
        .and_then(|f| f.counterexample.as_ref())
        .expect("counterexample")
        .calldata
        .clone();
    assert_eq!(text.trim(), calldata.to_string());
    assert!(
        !first
            .fuzz
            .as_ref()
            .and_then(|f| f.counterexample.as_ref())
            .expect("c")
            .replayed
    );

    // Another seed: the saved input is tried first and fails at once.
    options.fuzz.seed = 99;
    let again = one("testFuzz_BelowLimit", &options);
    let example = again
        .fuzz
        .as_ref()
        .and_then(|f| f.counterexample.as_ref())
        .expect("counterexample");
    assert!(example.replayed, "replayed from the saved file");
    assert_eq!(example.calldata, calldata);
    assert_eq!(
        again.fuzz.as_ref().expect("report").runs,
        0,
        "no new inputs were needed"
    );

    // A saved input that passes now (the bug was fixed) is dropped.
    write_input(
        &saved,
        "testFuzz_BelowLimit(uint256)",
        DynSolValue::Uint(U256::from(5), 256),
    );
    let fixed = one("testFuzz_BelowLimit", &options);
    assert!(
        !fixed
            .fuzz
            .as_ref()
            .and_then(|f| f.counterexample.as_ref())
            .expect("still fails on new inputs")
            .replayed
    );
    let passing_saved = dir.path().join("FuzzTest/testFuzz_AdditionCommutes");
    write_input(
        &passing_saved,
        "testFuzz_AdditionCommutes(uint128,uint128)",
        DynSolValue::Tuple(vec![
            DynSolValue::Uint(U256::from(1), 128),
            DynSolValue::Uint(U256::from(2), 128),
        ]),
    );
    assert_eq!(
        one("testFuzz_AdditionCommutes", &options).status,
        TestStatus::Pass
    );
    assert!(
        !passing_saved.exists(),
        "a saved input that passes is removed"
    );
    std::fs::write(&passing_saved, "not hex\n").expect("write");
    assert_eq!(
        one("testFuzz_AdditionCommutes", &options).status,
        TestStatus::Pass
    );
    assert!(
        !passing_saved.exists(),
        "an unreadable saved input is removed"
    );
}

fn write_input(path: &Path, signature: &str, value: DynSolValue) {
    let function = alloy_json_abi::Function::parse(signature).expect("signature");
    let values = match value {
        DynSolValue::Tuple(values) => values,
        single => vec![single],
    };
    let data = function
        .abi_encode_input(&values)
        .expect("values fit the signature");
    std::fs::write(path, format!("0x{}\n", alloy_primitives::hex::encode(data))).expect("write");
}
