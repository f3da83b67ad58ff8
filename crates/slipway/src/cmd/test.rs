//! `slipway test`: compile, run the Solidity tests, report like forge.

use std::process::ExitCode;

use clap::Args;
use eyre::{Result, bail};
use slipway_solc::Profile;
use slipway_test::{RevertDecoder, RunOptions, TestFilter, TestStatus};
use yansi::Paint;

use super::GlobalOpts;

/// Run the tests.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Only tests whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    match_test: Option<String>,
    /// Skip tests whose name matches.
    #[arg(long, value_name = "REGEX")]
    no_match_test: Option<String>,
    /// Only contracts whose name matches.
    #[arg(long, value_name = "REGEX")]
    match_contract: Option<String>,
    /// Skip contracts whose name matches.
    #[arg(long, value_name = "REGEX")]
    no_match_contract: Option<String>,
    /// Only test files whose path matches.
    #[arg(long, value_name = "REGEX")]
    match_path: Option<String>,
    /// Skip test files whose path matches.
    #[arg(long, value_name = "REGEX")]
    no_match_path: Option<String>,
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
}

impl TestArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let filter = TestFilter::new(
            self.match_test.as_deref(),
            self.no_match_test.as_deref(),
            self.match_contract.as_deref(),
            self.no_match_contract.as_deref(),
            self.match_path.as_deref(),
            self.no_match_path.as_deref(),
        )?;
        let config = global.config()?;
        let report = super::build::compile(global, &config, Profile::Default, self.json)?;
        if report.has_errors() {
            bail!("compilation failed; fix the errors above before testing");
        }
        let contracts = slipway_test::discover(&report.output, &config.root, &config.project.test);
        let decoder = RevertDecoder::from_build(&report.output);
        let hardfork = config
            .environment("development")
            .map(|e| e.hardfork)
            .unwrap_or_default();
        let options = RunOptions {
            spec: slipway_evm::spec_id(hardfork),
            ..RunOptions::default()
        };
        let results = slipway_test::run(&contracts, &filter, &decoder, &options);

        let count = |f: fn(&TestStatus) -> bool| {
            results
                .iter()
                .flat_map(|c| &c.tests)
                .filter(|t| f(&t.status))
                .count()
        };
        let passed = count(|s| matches!(s, TestStatus::Pass));
        let failed = count(|s| matches!(s, TestStatus::Fail(_)));
        let skipped = count(|s| matches!(s, TestStatus::Skip(_)));

        if self.json {
            let summary =
                serde_json::json!({ "passed": passed, "failed": failed, "skipped": skipped });
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({ "contracts": results, "summary": summary })
                )?
            );
        } else {
            let show_all_logs = global.verbose >= 2;
            for contract in &results {
                println!(
                    "\nRan {} test{} for {}:{}",
                    contract.tests.len(),
                    if contract.tests.len() == 1 { "" } else { "s" },
                    contract.source,
                    contract.name
                );
                for test in &contract.tests {
                    let head = match &test.status {
                        TestStatus::Pass => "[PASS]".green().to_string(),
                        TestStatus::Fail(reason) => format!("[FAIL: {reason}]").red().to_string(),
                        TestStatus::Skip(reason) => {
                            format!("[SKIP: {reason}]").yellow().to_string()
                        }
                    };
                    println!("{head} {} (gas: {})", test.signature, test.gas);
                    let failed = matches!(test.status, TestStatus::Fail(_));
                    if (failed || show_all_logs) && !test.logs.is_empty() {
                        println!("Logs:");
                        for line in &test.logs {
                            println!("  {line}");
                        }
                    }
                }
            }
            if results.is_empty() {
                println!(
                    "no tests found in {} (files *.t.sol with functions named test…)",
                    config.project.test.display()
                );
            }
            println!();
            println!("{passed} passed, {failed} failed, {skipped} skipped");
        }
        Ok(if failed > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    }
}
