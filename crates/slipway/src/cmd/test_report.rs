//! How `slipway test` shows results: forge-style text, and JUnit XML.

use std::fmt::Write;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use eyre::Result;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde::Serialize;
use slipway_test::{ContractOutcome, GasReport, GasStats, TestOutcome, TestStatus};
use yansi::Paint;

/// Counts of a run.
#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) skipped: usize,
}

impl Summary {
    pub(crate) fn of(results: &[ContractOutcome]) -> Self {
        let count = |f: fn(&TestStatus) -> bool| {
            results
                .iter()
                .flat_map(|c| &c.tests)
                .filter(|t| f(&t.status))
                .count()
        };
        Self {
            passed: count(|s| matches!(s, TestStatus::Pass)),
            failed: count(|s| matches!(s, TestStatus::Fail(_))),
            skipped: count(|s| matches!(s, TestStatus::Skip(_))),
        }
    }
}

/// The reason of a failure, with the counterexample of a fuzz test.
fn failure_reason(test: &TestOutcome, reason: &str) -> String {
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

fn gas_figures(test: &TestOutcome) -> String {
    match (&test.fuzz, &test.invariant) {
        (Some(f), _) => format!("runs: {}, μ: {}, ~: {}", f.runs, f.mean_gas, f.median_gas),
        (_, Some(i)) => format!(
            "runs: {}, calls: {}, reverts: {}",
            i.runs, i.calls, i.reverts
        ),
        _ => format!("gas: {}", test.gas),
    }
}

/// The text report: one block per contract, one line per test; logs of
/// failing tests (of all with `-vv`), traces of failing tests (`-vvv`).
pub(crate) fn text(results: &[ContractOutcome], verbosity: u8, seed: u64) -> String {
    let mut out = String::new();
    let mut fuzz_failed = false;
    for contract in results {
        let n = contract.tests.len();
        let _ = writeln!(
            out,
            "\nRan {n} test{} for {}:{}",
            if n == 1 { "" } else { "s" },
            contract.source,
            contract.name
        );
        for test in &contract.tests {
            let head = match &test.status {
                TestStatus::Pass => "[PASS]".green().to_string(),
                TestStatus::Fail(reason) => {
                    fuzz_failed |= test.fuzz.is_some();
                    format!("[FAIL: {}]", failure_reason(test, reason))
                        .red()
                        .to_string()
                }
                TestStatus::Skip(reason) => format!("[SKIP: {reason}]").yellow().to_string(),
            };
            let _ = writeln!(out, "{head} {} ({})", test.signature, gas_figures(test));
            if let Some(sequence) = test.invariant.as_ref().and_then(|i| i.sequence.as_ref()) {
                let replayed = test.invariant.as_ref().is_some_and(|i| i.replayed);
                let _ = writeln!(
                    out,
                    "[Sequence]{}",
                    if replayed {
                        " (replayed from .slipway/cache/invariant/failures)"
                    } else {
                        ""
                    }
                );
                for call in sequence {
                    let _ = writeln!(out, "    {call}");
                }
            }
            let failed = matches!(test.status, TestStatus::Fail(_));
            if (failed || verbosity >= 2) && !test.logs.is_empty() {
                let _ = writeln!(out, "Logs:");
                for line in &test.logs {
                    let _ = writeln!(out, "  {line}");
                }
            }
            if let Some(trace) = &test.trace {
                let _ = write!(out, "{trace}");
            }
        }
    }
    if fuzz_failed {
        let _ = writeln!(
            out,
            "\nFuzz seed: {seed} (replay the same inputs with --fuzz-seed {seed})"
        );
    }
    out
}

/// The gas report as tables, one per contract: deployment, then functions.
pub(crate) fn gas_table(report: &GasReport) -> String {
    let mut out = String::new();
    if report.contracts.is_empty() {
        let _ = writeln!(out, "\nNo gas to report: no test called a contract.");
        return out;
    }
    let stats = |s: &GasStats| {
        [
            s.calls.to_string(),
            s.min.to_string(),
            s.mean.to_string(),
            s.median.to_string(),
            s.max.to_string(),
        ]
    };
    for (name, contract) in &report.contracts {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header([name.as_str(), "calls", "min", "avg", "median", "max"]);
        if let Some(deployment) = &contract.deployment {
            let size = contract
                .size
                .map(|s| format!("deployment ({s} bytes)"))
                .unwrap_or_else(|| "deployment".into());
            let mut row = vec![size];
            row.extend(stats(deployment));
            table.add_row(row);
        }
        for (function, gas) in &contract.functions {
            let mut row = vec![function.clone()];
            row.extend(stats(gas));
            table.add_row(row);
        }
        let _ = writeln!(out, "\n{table}");
    }
    let _ = writeln!(
        out,
        "Gas of the calls and deployments unit tests and setUp() make themselves, each priced as a transaction of its own (calls without the 21,000 + calldata intrinsic cost; deployments whole)."
    );
    out
}

/// The JUnit XML report: a suite per contract, a case per test.
pub(crate) fn junit(results: &[ContractOutcome]) -> Result<String> {
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
    Ok(report.to_string()?)
}
