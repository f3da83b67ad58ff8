//! Every cheatcode of the fixture suite (`Expect.t.sol`) at its boundary,
//! and the call trace of a failing test.

use crate::common;

use std::sync::OnceLock;

use common::{Suite, by_name, expect_only_failures};
use slipway_test_runner::{ContractOutcome, TestFilter};

fn compiled() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| common::compile("test-cheatcodes-fixture"))
}

fn run(filter: &TestFilter, traces: bool) -> Vec<ContractOutcome> {
    let suite = compiled();
    let mut options = common::options();
    options.trace_failures = traces;
    slipway_test_runner::run(&suite.contracts, filter, &suite.decoder, &options)
}

#[test]
fn expectations_and_mocks_hold_at_their_boundaries() {
    let s = by_name(&run(&common::path_filter("Expect"), false));
    expect_only_failures(
        &s,
        "ExpectTest",
        &[
            ("test_ExpectEmitFailsOnTopic", "topic 2 is"),
            ("test_ExpectEmitFailsOnData", "its data is"),
            ("test_ExpectEmitFailsOnEmitter", "as emitter"),
            ("test_ExpectEmitFailsOutOfOrder", "expectation 2 of 2"),
            (
                "test_ExpectEmitFailsWhenNothingIsEmitted",
                "was not emitted",
            ),
            (
                "test_ExpectCallFailsWhenNotCalled",
                "but it was called 0 times",
            ),
            (
                "test_ExpectCallFailsOnWrongCount",
                "1 time, but it was called 2 times",
            ),
        ],
    );
}

#[test]
fn keys_snapshots_env_strings_and_creations() {
    let s = by_name(&run(&common::path_filter("Expect"), false));
    expect_only_failures(
        &s,
        "MoreCheatsTest",
        &[
            ("test_SignRefusesAnInvalidKey", "vm.sign: 0 is not a valid"),
            (
                "test_EnvFailsOnUnset",
                "vm.envUint: environment variable \"SLIPWAY_TEST_UNSET\" is not set",
            ),
            (
                "test_EnvFailsOnBadValue",
                "\"twelve\" is not an unsigned integer",
            ),
            (
                "test_AssumeFalseFailsAUnitTest",
                "vm.assume rejected this input",
            ),
            (
                "test_ExpectRevertOnCreateFailsWhenItSucceeds",
                "vm.expectRevert: the call did not revert",
            ),
            ("test_FailsAfterALabelledCall", "after the labelled call"),
        ],
    );
}

#[test]
fn failing_tests_get_a_decoded_trace_with_labels() {
    let filter = TestFilter::new(
        Some("test_ExpectEmitFailsOnData|test_LabelIsReadBack|test_EnvFailsOnUnset|test_FailsAfterALabelledCall"),
        None,
        None,
        None,
        Some("Expect"),
        None,
    )
    .expect("filter");
    let results = run(&filter, true);
    let tests: Vec<_> = results.iter().flat_map(|c| &c.tests).collect();
    let passing = tests
        .iter()
        .find(|t| t.signature == "test_LabelIsReadBack()")
        .expect("ran");
    assert!(passing.trace.is_none(), "passing tests get no trace");

    let emit = tests
        .iter()
        .find(|t| t.signature == "test_ExpectEmitFailsOnData()")
        .expect("ran");
    let trace = emit.trace.as_deref().expect("failing tests get a trace");
    for expected in [
        "ExpectTest::test_ExpectEmitFailsOnData()",
        "VM::expectEmit()",
        "emit Moved(from: 0x7FA9385bE102ac3EAc297483Dd6233D62b3e1496, to: 0x0000000000000000000000000000000000000002, amount: 6)",
        "Emitter::move(0x0000000000000000000000000000000000000002, 5)",
        "emit Moved(from: 0x7FA9385bE102ac3EAc297483Dd6233D62b3e1496, to: 0x0000000000000000000000000000000000000002, amount: 5)",
        "← [Revert] vm.expectEmit: expected event",
    ] {
        assert!(
            trace.contains(expected),
            "{expected:?} missing from\n{trace}"
        );
    }

    let env = tests
        .iter()
        .find(|t| t.signature == "test_EnvFailsOnUnset()")
        .expect("ran");
    let trace = env.trace.as_deref().expect("trace");
    assert!(
        trace.contains("VM::envUint(\"SLIPWAY_TEST_UNSET\")"),
        "cheatcode calls are decoded:\n{trace}"
    );

    let labelled = tests
        .iter()
        .find(|t| t.signature == "test_FailsAfterALabelledCall()")
        .expect("ran");
    let trace = labelled.trace.as_deref().expect("trace");
    assert!(
        trace.contains("TheEmitter::move(0x0000000000000000000000000000000000000001, 1)"),
        "the label from setUp names the contract:\n{trace}"
    );
    assert!(
        trace.contains("└─ ← [Revert] after the labelled call"),
        "{trace}"
    );
    // console.log is decoded as forge shows it, its address named.
    assert!(
        trace.contains(
            "console::log(\"moved\", 1, 0x5615dEB798BB3E4dFa0139dFa1b3D433Cc23b72f) [staticcall]"
        ),
        "console calls are decoded:\n{trace}"
    );
    assert!(!trace.contains("636F6e736F6c652e6c6f67"), "{trace}");
}

#[test]
fn newer_forge_std_cheatcodes_assert_broadcast_skip_and_refuse() {
    use slipway_test_runner::TestStatus;
    let results = run(&common::path_filter("ForgeStd"), false);
    let mut s = by_name(&results);
    assert_eq!(
        s.remove("ForgeStdTest.test_Skipped()"),
        Some(TestStatus::Skip("not on this chain".into()))
    );
    expect_only_failures(
        &s,
        "ForgeStdTest",
        &[
            ("test_AssertEqFailsWithItsMessage", "expected two: 1 != 2"),
            (
                "test_AssertEqFailsWithForgesPrefix",
                "assertion failed: [0x0000000000000000000000000000000000000000] != [0x0000000000000000000000000000000000000001]",
            ),
            (
                "test_AssertApproxEqRelFails",
                "assertion failed: 102 !~= 100 (max delta: 1.0000000000000000%, real delta: 2.0000000000000000%)",
            ),
            (
                "test_AssertEqDecimalFails",
                "assertion failed: 1.500 != 2.000",
            ),
            (
                "test_PrankDuringBroadcastIsRefused",
                "vm.prank: cannot `prank` for a broadcasted transaction",
            ),
            (
                "test_ForkIsRefusedBySignature",
                "vm.rpcUrls(): not supported by slipway: not implemented in fork mode",
            ),
            ("test_DsTestFailureFlagFails", "ds-test's failure flag"),
            (
                "testFail_OldStyle",
                "`testFail*` has been removed. Consider changing to test_Revert[If|When]_Condition and expecting a revert",
            ),
        ],
    );
}

#[test]
fn legacy_test_fail_passes_when_the_call_reverts() {
    let suite = compiled();
    let mut options = common::options();
    options.legacy_test_fail = true;
    let results = slipway_test_runner::run(
        &suite.contracts,
        &TestFilter::new(Some("^testFail"), None, None, None, Some("ForgeStd"), None)
            .expect("filter"),
        &suite.decoder,
        &options,
    );
    let s = by_name(&results);
    assert_eq!(
        s.get("ForgeStdTest.testFail_OldStyle()"),
        Some(&slipway_test_runner::TestStatus::Pass)
    );
}

#[test]
fn an_internal_revert_meets_expect_revert_only_when_allowed() {
    let suite = compiled();
    let filter = TestFilter::new(None, None, Some("^InternalRevertTest$"), None, None, None)
        .expect("filter");
    let mut options = common::options();
    let s = by_name(&slipway_test_runner::run(
        &suite.contracts,
        &filter,
        &suite.decoder,
        &options,
    ));
    expect_only_failures(
        &s,
        "InternalRevertTest",
        &[(
            "test_InternalRevert",
            "call didn't revert at a lower depth than cheatcode call depth",
        )],
    );
    options.allow_internal_expect_revert = true;
    let s = by_name(&slipway_test_runner::run(
        &suite.contracts,
        &filter,
        &suite.decoder,
        &options,
    ));
    assert!(
        s.values()
            .all(|status| *status == slipway_test_runner::TestStatus::Pass),
        "{s:?}"
    );
    assert_eq!(s.len(), 2);
}
