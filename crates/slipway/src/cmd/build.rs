//! `slipway build`: compile with the pinned compiler, show diagnostics and sizes.

use std::{process::ExitCode, time::Instant};

use clap::Args;
use comfy_table::{Cell, Color, Table, presets::UTF8_FULL_CONDENSED};
use eyre::{Result, bail};
use slipway_config::Config;
use slipway_solc::{
    BuildReport, CODE_SIZE_LIMIT, Compiler, ContractSize, DiagnosticSeverity, INITCODE_SIZE_LIMIT,
    Profile, ResolveOptions,
};
use yansi::Paint;

use super::GlobalOpts;
use crate::output::status;

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
        let profile = if self.coverage_profile {
            Profile::Coverage
        } else {
            Profile::Default
        };
        let compiler = resolve_compiler(global, &config)?;
        // The no-op fast path: nothing changed since the last clean build.
        if !self.json
            && let Some(contracts) = slipway_solc::up_to_date(&config, &compiler, profile)?
        {
            status(
                global,
                "Unchanged",
                "no source changed; compilation skipped",
            );
            if self.sizes {
                print_sizes(&contracts, &config);
            }
            return Ok(exit_code(false, &contracts, self.sizes, &config));
        }
        let report = compile_with(global, &config, compiler, profile, self.json)?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
            return Ok(exit_code(
                report.has_errors(),
                &report.contracts,
                self.sizes,
                &config,
            ));
        }
        if report.has_errors() {
            let n = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == DiagnosticSeverity::Error)
                .count();
            bail!(
                "compilation failed with {n} error{}",
                if n == 1 { "" } else { "s" }
            );
        }
        if self.sizes {
            print_sizes(&report.contracts, &config);
        }
        Ok(exit_code(false, &report.contracts, self.sizes, &config))
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

fn exit_code(errors: bool, contracts: &[ContractSize], sizes: bool, config: &Config) -> ExitCode {
    let over = contracts
        .iter()
        .any(|c| c.over_limit() && !is_test_support(&c.source, config));
    if errors || (sizes && over) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Resolves the compiler and builds, rendering progress and diagnostics to
/// stderr (unless `quiet_diagnostics`, for JSON output).
pub(crate) fn compile(
    global: &GlobalOpts,
    config: &Config,
    profile: Profile,
    quiet_diagnostics: bool,
) -> Result<BuildReport> {
    let compiler = resolve_compiler(global, config)?;
    compile_with(global, config, compiler, profile, quiet_diagnostics)
}

/// The pinned compiler, installed if needed; says why when solcjs stands
/// in for the native one.
fn resolve_compiler(global: &GlobalOpts, config: &Config) -> Result<Compiler> {
    let options = ResolveOptions::from_env(config.compiler.path.as_deref(), global.offline);
    let compiler = slipway_solc::resolve(&config.compiler.version, &options, &|line| {
        status(global, "Installing", line)
    })?;
    if let Some(note) = &compiler.note {
        status(global, "Compiler", note);
    }
    Ok(compiler)
}

fn compile_with(
    global: &GlobalOpts,
    config: &Config,
    compiler: Compiler,
    profile: Profile,
    quiet_diagnostics: bool,
) -> Result<BuildReport> {
    let started = Instant::now();
    let spinner = (!global.quiet).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!("compiling with solc {}", compiler.version));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let report = slipway_solc::build(config, &compiler, profile);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let report = report?;
    if !quiet_diagnostics {
        for d in &report.diagnostics {
            let head = match d.severity {
                DiagnosticSeverity::Error => d.rendered.red().to_string(),
                DiagnosticSeverity::Warning => d.rendered.yellow().to_string(),
                DiagnosticSeverity::Info => d.rendered.clone(),
            };
            eprintln!("{head}\n");
        }
        if report.unchanged {
            status(
                global,
                "Unchanged",
                "no source changed; compilation skipped",
            );
        } else {
            let n = report.compiled_sources.len();
            status(
                global,
                "Compiled",
                &format!(
                    "{n} file{} with solc {} in {:.2?}",
                    if n == 1 { "" } else { "s" },
                    compiler.version,
                    started.elapsed()
                ),
            );
        }
    }
    Ok(report)
}

fn print_sizes(contracts: &[ContractSize], config: &Config) {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
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
