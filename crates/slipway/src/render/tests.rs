//! Test results as the terminal shows them, forge-style: a block per
//! contract, a line per test, logs and traces of failures; the gas report.

use crate::output::count;
use std::fmt::Write;

use slipway_test_runner::{
    ContractOutcome, GasReport, GasStats, ListedContract, TestStatus, failure_reason, gas_figures,
};
use yansi::Paint;

/// The text report: one block per contract, one line per test; logs of
/// failing tests (of all with `-vv`), traces of failing tests (`-vvv`).
pub(crate) fn text(results: &[ContractOutcome], verbosity: u8, seed: u64) -> String {
    let mut out = String::new();
    let mut fuzz_failed = false;
    for contract in results {
        let n = contract.tests.len();
        let _ = writeln!(
            out,
            "\nRan {} for {}:{}",
            count(n, "test"),
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
        let mut table =
            crate::output::table(&[name.as_str(), "calls", "min", "avg", "median", "max"]);
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

/// `--list`, as forge prints it: each file, its test contracts, their
/// tests; with `json`, forge's `{file: {contract: [tests]}}`.
pub(crate) fn list(listed: &[ListedContract], json: bool) -> eyre::Result<String> {
    let mut by_file: std::collections::BTreeMap<&str, serde_json::Map<String, serde_json::Value>> =
        Default::default();
    for contract in listed {
        by_file
            .entry(&contract.source)
            .or_default()
            .insert(contract.name.clone(), serde_json::json!(contract.tests));
    }
    if json {
        return Ok(format!("{}\n", serde_json::to_string(&by_file)?));
    }
    let mut out = String::new();
    for (file, contracts) in &by_file {
        let _ = writeln!(out, "{file}");
        for (name, tests) in contracts {
            let _ = writeln!(out, "  {name}");
            for test in tests.as_array().into_iter().flatten() {
                let _ = writeln!(out, "    {}", test.as_str().unwrap_or_default());
            }
        }
    }
    Ok(out)
}

/// Why a run ran no test, and where it looked.
pub(crate) fn nothing_ran(
    config: &slipway_config::Config,
    filter: &slipway_test_runner::FilterPatterns,
    found: &[ListedContract],
) -> String {
    let tests: usize = found.iter().map(|c| c.tests.len()).sum();
    if tests > 0 {
        let flags: Vec<String> = [
            ("--match-test", &filter.match_test),
            ("--no-match-test", &filter.no_match_test),
            ("--match-contract", &filter.match_contract),
            ("--no-match-contract", &filter.no_match_contract),
            ("--match-path", &filter.match_path),
            ("--no-match-path", &filter.no_match_path),
        ]
        .into_iter()
        .filter_map(|(flag, v)| v.as_ref().map(|v| format!("{flag} {v:?}")))
        .collect();
        let what = if flags.is_empty() {
            "--rerun".to_owned()
        } else {
            flags.join(" ")
        };
        return format!(
            "no test ran: {what} matched none of the {tests} tests in {} contracts",
            found.len()
        );
    }
    let libs: Vec<String> = config
        .project
        .libs
        .iter()
        .map(|l| l.display().to_string())
        .collect();
    format!(
        "no test ran: no contract compiled from {} (sources {}, tests {}, scripts {}; libraries in {} are not searched) has a function named test… or invariant…",
        config.root.display(),
        config.project.src.display(),
        config.project.test.display(),
        config.project.script.display(),
        libs.join(", ")
    )
}
