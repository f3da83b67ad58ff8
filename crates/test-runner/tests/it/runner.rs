//! The runner on a fixture suite compiled with the real compiler.

use crate::common;

use std::sync::OnceLock;

use common::{Suite, by_name, expect_only_failures};
use slipway_test_runner::{ContractOutcome, TestFilter, TestStatus};

fn compiled() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| common::compile("test-runner-fixture"))
}

fn suite(filter: &TestFilter) -> Vec<ContractOutcome> {
    let suite = compiled();
    slipway_test_runner::run(&suite.contracts, filter, &suite.decoder, &common::options())
}

fn fail(reason: &str) -> TestStatus {
    TestStatus::Fail(reason.to_owned())
}

#[test]
fn every_kind_of_outcome_is_reported_and_decoded() {
    let results = suite(&common::path_filter("Runner"));
    let names: Vec<&str> = results.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["BrokenSetUpTest", "CheatsTest", "OutcomesTest"],
        "contracts without tests are left out"
    );
    let s = by_name(&results);
    assert_eq!(s.len(), 13 + 20, "{s:#?}");
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
    // A cheatcode slipway does not answer is named by its signature, with
    // why.
    assert_eq!(
        s["OutcomesTest.test_UnknownCheatcode()"],
        fail(
            "vm.rpcUrls(): not supported by slipway: not implemented in fork mode: createFork, selectFork, rollFork at a block, activeFork, the persistent accounts and rpcUrl are"
        )
    );
    assert_eq!(s["OutcomesTest.test_Fuzz(uint256)"], TestStatus::Pass);
    assert_eq!(
        s["BrokenSetUpTest.test_Never()"],
        fail("setUp() failed: setUp cannot continue")
    );
    assert!(!s.keys().any(|k| k.contains("helper_NotATest")));

    expect_only_failures(
        &s,
        "CheatsTest",
        &[
            ("test_AddrRefusesZero", "vm.addr: 0 is not a valid"),
            (
                "test_ExpectRevertFailsWhenNothingReverts",
                "vm.expectRevert: the call did not revert",
            ),
            // Both errors decoded with the build's ABIs, as forge shows them.
            (
                "test_ExpectRevertFailsOnOtherData",
                "vm.expectRevert: the call reverted with TooBig(101, 100) but TooBig(102, 100) was expected",
            ),
            (
                "test_ExpectRevertSelectorFailsOnAPanic",
                "reverted with panic: arithmetic underflow or overflow (0x11) but TooBig (selector 0x",
            ),
            (
                "test_ExpectRevertReasonFailsOnACustomError",
                "reverted with TooBig(101, 100) but \"too big\" was expected",
            ),
            (
                "test_ExpectRevertFailsWhenNoCallFollows",
                "no call followed it",
            ),
        ],
    );

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

    let none =
        TestFilter::new(None, None, None, None, None, Some("contracts/test/**")).expect("filter");
    assert!(suite(&none).is_empty());
}

#[test]
fn the_gas_report_names_contracts_whose_creation_it_did_not_see() {
    let suite = compiled();
    let mut options = common::options();
    options.gas_report = true;
    let filter = TestFilter::new(
        Some("test_GasOfEtchedCodeIsNamed"),
        None,
        None,
        None,
        None,
        None,
    )
    .expect("filter");
    let results = slipway_test_runner::run(&suite.contracts, &filter, &suite.decoder, &options);
    let test = &results[0].tests[0];
    assert_eq!(test.status, TestStatus::Pass);
    let named: Vec<(&str, Option<&str>)> = test
        .gas_records
        .iter()
        .map(|r| (r.contract.as_str(), r.function.as_deref()))
        .collect();
    assert_eq!(
        named,
        [
            ("GasToken", None),
            // Etched: the only contract declaring clearNote() names it.
            ("GasToken", Some("clearNote()")),
            // Etched and labelled: the label.
            ("Treasury", Some("clearNote()")),
        ]
    );
    let report = slipway_test_runner::GasReport::of(&results);
    assert!(
        report.contracts.keys().all(|name| !name.starts_with("0x")),
        "no table is titled by an address: {:?}",
        report.contracts.keys().collect::<Vec<_>>()
    );
}
