//! Subcommands, one module each.

mod account;
mod analyze;
mod build;
mod call;
mod config;
mod coverage;
mod deploy;
mod init;
mod lint;
mod node;
mod snapshot;
mod test;
mod verify;

use std::{path::PathBuf, process::ExitCode};

/// The exit code of a command whose check failed: failing tests, a gate
/// below its threshold, drift, a mismatch, a reverted call. (0: success;
/// 2: an error stopped the command — see `main`.)
pub(crate) const CHECK_FAILED: u8 = 1;

use clap::{Args, Parser, Subcommand};
use eyre::Result;
use slipway_config::{CONFIG_FILE, Config};

/// slipway: lint, test, build, deploy, verify, monitor and operate Solidity
/// contracts, as one command line.
#[derive(Debug, Parser)]
#[command(name = "slipway", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

/// Flags every subcommand takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalOpts {
    /// Project root (default: the nearest directory upwards with slipway.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Print less: no progress lines.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// More output: -v logging, `test` -vv console.log of every test, -vvv
    /// traces of failing tests, -vvvv debug logging; RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Never use the network for the compiler (also SLIPWAY_OFFLINE=1):
    /// solcjs from npm stands in for the native solc.
    #[arg(long, global = true)]
    pub(crate) offline: bool,
    /// Colour: auto (TTY and no NO_COLOR), always or never.
    #[arg(long, global = true, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub(crate) color: String,
}

impl GlobalOpts {
    /// The project root.
    pub(crate) fn root(&self) -> Result<PathBuf> {
        if let Some(root) = &self.root {
            // Absolute, so that paths derived from it (remappings, artifacts)
            // do not depend on the working directory of the compiler.
            return Ok(std::path::absolute(root)?);
        }
        let cwd = std::env::current_dir()?;
        Ok(cwd
            .ancestors()
            .find(|d| d.join(CONFIG_FILE).is_file())
            .unwrap_or(&cwd)
            .to_path_buf())
    }

    /// The project's configuration.
    pub(crate) fn config(&self) -> Result<Config> {
        Ok(Config::load(&self.root()?)?)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile the project's Solidity with the pinned compiler.
    Build(build::BuildArgs),
    /// Find security problems in the contracts (static analysis of the build).
    Analyze(analyze::AnalyzeArgs),
    /// Lint the contracts: naming, declarations, NatSpec, dead code, gas patterns.
    Lint(lint::LintArgs),
    /// Explain a finding: what, why, an example, how to suppress.
    Explain(analyze::ExplainArgs),
    /// Create a new project.
    Init(init::InitArgs),
    /// Print the resolved configuration, secrets redacted.
    Config(config::ConfigArgs),
    /// Serve the development chain over JSON-RPC (HTTP + WebSocket).
    Node(node::NodeArgs),
    /// Run the Solidity tests (`*.t.sol` in the test directory).
    Test(test::TestArgs),
    /// Write every test's gas to .gas-snapshot, or check a change against it.
    Snapshot(snapshot::SnapshotArgs),
    /// Measure line, statement, branch and function coverage; check the gate.
    Coverage(coverage::CoverageArgs),
    /// Manage keystore accounts (Web3 Secret Storage).
    Account(account::AccountArgs),
    /// Call a contract function without a transaction; print the result.
    Call(call::CallArgs),
    /// Send a transaction calling a contract function; follow it to finality.
    Send(call::SendArgs),
    /// Deploy a plan (deploy/<name>.toml): show its effect, send what is not done.
    Deploy(deploy::DeployArgs),
    /// List the contracts deployed to an environment.
    Deployments(deploy::DeploymentsArgs),
    /// Check deployed contracts against the build; verify them on explorers.
    Verify(verify::VerifyArgs),
}

impl Cli {
    pub(crate) fn run(self) -> Result<ExitCode> {
        match self.command {
            Command::Build(args) => args.run(&self.global),
            Command::Analyze(args) => args.run(&self.global),
            Command::Lint(args) => args.run(&self.global),
            Command::Explain(args) => args.run(&self.global),
            Command::Init(args) => args.run(&self.global),
            Command::Config(args) => args.run(&self.global),
            Command::Node(args) => args.run(&self.global),
            Command::Test(args) => args.run(&self.global),
            Command::Snapshot(args) => args.run(&self.global),
            Command::Coverage(args) => args.run(&self.global),
            Command::Account(args) => args.run(&self.global),
            Command::Call(args) => args.run(&self.global),
            Command::Send(args) => args.run(&self.global),
            Command::Deploy(args) => args.run(&self.global),
            Command::Deployments(args) => args.run(&self.global),
            Command::Verify(args) => args.run(&self.global),
        }
    }
}
