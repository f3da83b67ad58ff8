//! `slipway build`: compile with the pinned compiler, show diagnostics and sizes.

use crate::output::count;
use std::process::ExitCode;

use clap::Args;
use comfy_table::{Cell, Color};
use eyre::{Result, bail};
use slipway_config::Config;
use slipway_solc::{
    BuildRequest, Built, CODE_SIZE_LIMIT, ContractSize, DiagnosticSeverity, INITCODE_SIZE_LIMIT,
    Profile,
};

use crate::global::GlobalOpts;
use crate::render;

/// Compile the project.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Show runtime and init code sizes against the EIP-170 / EIP-3860 limits
    /// (exit 1 when a contract is over).
    #[arg(long)]
    sizes: bool,
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Build the unoptimised coverage profile instead of the default one.
    #[arg(long, hide = true)]
    coverage_profile: bool,
}

impl BuildArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let request = BuildRequest {
            profile: if self.coverage_profile {
                Profile::Coverage
            } else {
                Profile::Default
            },
            offline: global.offline,
            // The no-op fast path: nothing changed since the last clean build.
            allow_unchanged: !self.json,
        };
        let progress = render::build::Progress::new(global.ui());
        let built = slipway_solc::compile_project(&config, request, &|e| progress.on(e))?;
        let report = match built {
            Built::Unchanged { contracts, .. } => {
                render::build::unchanged(global.ui());
                if self.sizes {
                    print_sizes(&contracts, &config);
                }
                return Ok(exit_code(&contracts, self.sizes, &config));
            }
            Built::Compiled(report) => report,
        };
        progress.finished(&report, self.json);
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        if report.has_errors() {
            let n = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == DiagnosticSeverity::Error)
                .count();
            bail!("compilation failed with {}", count(n, "error"));
        }
        if self.sizes && !self.json {
            print_sizes(&report.contracts, &config);
        }
        Ok(exit_code(&report.contracts, self.sizes, &config))
    }
}

/// Whether a source only serves the tests (the test directory or the test
/// library): as forge does, such contracts are left out of the size check,
/// since the code-size limit is lifted for tests.
fn is_test_support(source: &str, config: &Config) -> bool {
    let source = std::path::Path::new(source);
    source.starts_with(&config.project.test)
        || source.components().any(|c| c.as_os_str() == "slipway-std")
}

/// 1 when `--sizes` finds a contract over a limit (a gate), else 0.
fn exit_code(contracts: &[ContractSize], sizes: bool, config: &Config) -> ExitCode {
    let over = contracts
        .iter()
        .any(|c| c.over_limit() && !is_test_support(&c.source, config));
    if sizes && over {
        crate::global::CHECK_FAILED.into()
    } else {
        ExitCode::SUCCESS
    }
}

fn print_sizes(contracts: &[ContractSize], config: &Config) {
    let mut table = crate::output::table(&[
        "Contract",
        "Runtime size (B)",
        "Initcode size (B)",
        "Runtime margin (B)",
        "Initcode margin (B)",
    ]);
    let colour = |margin: i64| {
        if margin < 0 {
            Color::Red
        } else if margin < (CODE_SIZE_LIMIT / 10) as i64 {
            Color::Yellow
        } else {
            Color::Green
        }
    };
    for c in contracts
        .iter()
        .filter(|c| (c.runtime > 0 || c.init > 0) && !is_test_support(&c.source, config))
    {
        let cell = |v: i64| {
            let cell = Cell::new(v);
            if yansi::is_enabled() {
                cell.fg(colour(v))
            } else {
                cell
            }
        };
        table.add_row(vec![
            Cell::new(format!("{}:{}", c.source, c.name)),
            Cell::new(c.runtime),
            Cell::new(c.init),
            cell(c.runtime_margin()),
            cell(c.init_margin()),
        ]);
    }
    println!("{table}");
    println!(
        "limits: runtime {CODE_SIZE_LIMIT} B (EIP-170), initcode {INITCODE_SIZE_LIMIT} B (EIP-3860)"
    );
}
