//! Invariant tests of the fixture suite (`Invariant.t.sol`): ones that hold
//! with targets narrowed as in forge-std, one that breaks and shrinks to its
//! two-call minimum, saved and replayed.

use crate::common;

use std::sync::OnceLock;

use common::Suite;
use slipway_test_runner::{RunOptions, TestFilter, TestOutcome, TestStatus};

fn compiled() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| common::compile("test-invariant-fixture"))
}

fn options() -> RunOptions {
    let mut options = common::options();
    // Small campaigns: the debug build runs them.
    options.invariant.runs = 32;
    options.invariant.depth = 25;
    options.hardfork = slipway_config::Hardfork::Osaka;
    options
}

fn run(contract: &str, options: &RunOptions) -> Vec<TestOutcome> {
    let suite = compiled();
    let filter = TestFilter::new(None, None, Some(&format!("^{contract}$")), None, None, None)
        .expect("filter");
    slipway_test_runner::run(&suite.contracts, &filter, &suite.decoder, options)
        .into_iter()
        .flat_map(|c| c.tests)
        .collect()
}

#[test]
fn invariants_hold_with_excluded_contracts_targeted_senders_and_selectors() {
    let options = options();
    let holds = run("InvariantHoldsTest", &options);
    assert_eq!(holds.len(), 2);
    for test in holds.iter().chain(&run("InvariantSelectorsTest", &options)) {
        assert_eq!(test.status, TestStatus::Pass, "{}", test.signature);
        let report = test.invariant.as_ref().expect("invariant report");
        assert_eq!(report.runs, 32);
        assert_eq!(report.calls, 32 * 25);
    }
    let ledger = &holds[0];
    assert!(
        ledger.invariant.as_ref().expect("report").reverts > 0,
        "overdrawing debits revert and are not failures"
    );
}

#[test]
fn fail_on_revert_makes_a_reverting_call_a_failure() {
    let mut options = options();
    options.invariant.fail_on_revert = true;
    let tests = run("InvariantHoldsTest", &options);
    let ledger = tests
        .iter()
        .find(|t| t.signature == "invariant_CreditsCoverDebits()")
        .expect("ran");
    assert!(
        matches!(&ledger.status, TestStatus::Fail(r) if r.contains("a call reverted (fail_on_revert): overdraw")),
        "{:?}",
        ledger.status
    );
    let sequence = ledger
        .invariant
        .as_ref()
        .and_then(|r| r.sequence.clone())
        .expect("sequence");
    assert_eq!(
        sequence.len(),
        1,
        "one overdrawing debit is enough: {sequence:?}"
    );
    assert!(sequence[0].contains("calldata=debit("), "{sequence:?}");
}

#[test]
fn a_broken_invariant_shrinks_to_its_minimal_sequence_and_is_replayed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = options();
    options.invariant.failures_dir = Some(dir.path().to_path_buf());
    let tests = run("InvariantBreaksTest", &options);
    let broken = &tests[0];
    assert_eq!(
        broken.status,
        TestStatus::Fail("vault broken: expected false, got true".into())
    );
    let report = broken.invariant.as_ref().expect("report");
    let sequence = report.sequence.clone().expect("sequence");
    assert_eq!(sequence.len(), 2, "{sequence:#?}");
    assert!(sequence[0].ends_with("calldata=arm()"), "{sequence:#?}");
    assert!(
        sequence[1].ends_with("calldata=fire(1001)"),
        "{sequence:#?}"
    );
    assert!(sequence[0].contains("addr=[LeakyVault]0x"), "{sequence:#?}");
    assert!(!report.replayed);
    assert!(
        dir.path()
            .join("InvariantBreaksTest/invariant_NeverBroken")
            .is_file()
    );

    // Another seed: the saved sequence is replayed first.
    options.fuzz.seed = 1234;
    let again = &run("InvariantBreaksTest", &options)[0];
    let report = again.invariant.as_ref().expect("report");
    assert!(report.replayed);
    assert_eq!(report.sequence.as_ref(), Some(&sequence));
    assert_eq!(report.calls, 0, "no new sequence was needed");
}
