//! The JUnit XML report of a run (a suite per contract, a case per test),
//! and the words for a test's failure and gas that every report shares.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::{ContractOutcome, TestOutcome, TestStatus};

/// The reason of a failure, with the counterexample of a fuzz test.
pub fn failure_reason(test: &TestOutcome, reason: &str) -> String {
    match test.fuzz.as_ref().and_then(|f| f.counterexample.as_ref()) {
        Some(c) => format!(
            "{reason}; counterexample: calldata={} args=[{}]{}",
            c.calldata,
            c.args.join(", "),
            if c.replayed {
                " (replayed from .slipway/cache/fuzz/failures)"
            } else {
                ""
            }
        ),
        None => reason.to_owned(),
    }
}

/// A test's gas as forge shows it: `gas: N`, or the runs and mean and
/// median of a fuzz test, or the runs, calls and reverts of an invariant.
pub fn gas_figures(test: &TestOutcome) -> String {
    match (&test.fuzz, &test.invariant) {
        (Some(f), _) => format!("runs: {}, μ: {}, ~: {}", f.runs, f.mean_gas, f.median_gas),
        (_, Some(i)) => format!(
            "runs: {}, calls: {}, reverts: {}",
            i.runs, i.calls, i.reverts
        ),
        _ => format!("gas: {}", test.gas),
    }
}

/// The JUnit XML report: a suite per contract, a case per test.
pub fn junit(results: &[ContractOutcome]) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("slipway test");
    for contract in results {
        let mut suite = TestSuite::new(format!("{}:{}", contract.source, contract.name));
        for test in &contract.tests {
            let status = match &test.status {
                TestStatus::Pass => TestCaseStatus::success(),
                TestStatus::Fail(reason) => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status.set_message(failure_reason(test, reason));
                    if let Some(trace) = &test.trace {
                        status.set_description(trace.clone());
                    }
                    status
                }
                TestStatus::Skip(reason) => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(reason.clone());
                    status
                }
            };
            let mut case = TestCase::new(test.signature.clone(), status);
            case.set_classname(contract.name.clone());
            case.set_time(test.duration);
            if !test.logs.is_empty() {
                case.set_system_out(test.logs.join("\n"));
            }
            case.add_property(quick_junit::Property::new("gas", gas_figures(test)));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string()
}
