//! Subcommands, one module each.

mod account;
mod analyze;
mod audit;
mod backup;
mod build;
mod call;
mod config;
mod coverage;
mod deploy;
mod incident;
mod infra;
mod init;
mod lint;
mod monitor;
mod node;
mod ops;
mod probe;
mod roles;
mod safe;
mod snapshot;
mod test;
mod upgrade;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use eyre::Result;

use crate::global::GlobalOpts;

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
    /// A Safe multisig: create one, show one.
    Safe(safe::SafeArgs),
    /// Emergency procedures on deployed contracts: pause, emergency mode,
    /// fund recovery, roles and admin transfers, each recorded in an
    /// incident.
    Ops(ops::OpsArgs),
    /// Incident response: open an incident, add notes and links, close it;
    /// list and show incidents with their actions.
    Incident(incident::IncidentArgs),
    /// The live holders of every role of the recorded contracts, checked
    /// against the `[roles]` policy; exit 1 on drift.
    Roles(roles::RolesArgs),
    /// Watch an environment: health checks, transaction and event rules,
    /// alerts, Prometheus metrics, the automated circuit breaker.
    Monitor(monitor::MonitorArgs),
    /// Infrastructure: check Dockerfiles, compose files, ECS task
    /// definitions and CloudFormation templates against the hardening rules.
    Infra(infra::InfraArgs),
    /// Check the Solidity dependencies (lockfiles, lib/ checkouts) against
    /// security advisories, and the pinned compiler against its known bugs.
    Audit(audit::AuditArgs),
    /// Back up an environment's operational state (records, journals,
    /// proposals, incidents, the monitor's state) to a folder or S3.
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty project state, checked first.
    Restore(backup::RestoreArgs),
    /// Upgrade a plan's proxy to the plan's implementation (`slipway
    /// upgrade --env X NAME`), or check that a new implementation can
    /// replace an old one (`slipway upgrade check`).
    Upgrade(upgrade::UpgradeArgs),
    /// Check that a URL answers 2xx within a timeout (a container's health
    /// check in exec form); exit 1 if it does not.
    Probe(probe::ProbeArgs),
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
            Command::Safe(args) => args.run(&self.global),
            Command::Ops(args) => args.run(&self.global),
            Command::Incident(args) => args.run(&self.global),
            Command::Roles(args) => args.run(&self.global),
            Command::Monitor(args) => args.run(&self.global),
            Command::Probe(args) => args.run(&self.global),
            Command::Infra(args) => args.run(&self.global),
            Command::Audit(args) => args.run(&self.global),
            Command::Backup(args) => args.run(&self.global),
            Command::Restore(args) => args.run(&self.global),
            Command::Upgrade(args) => args.run(&self.global),
        }
    }
}
