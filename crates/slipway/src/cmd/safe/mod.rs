//! `slipway safe`: a Safe multisig — `info` reads one and compares it with
//! the configuration, `create` makes one; the proposal commands (sign,
//! approve, execute, status, reject, export, owners, threshold) are in
//! `proposals` (`slipway_deploy::safe`).

mod proposals;

use std::process::ExitCode;

use alloy_primitives::{Address, U256};
use clap::{Args, Subcommand};
use eyre::Result;
use slipway_chain::TxEvent;
use slipway_deploy::safe::{
    SafeCreateHooks, SafeCreateRequest, SafeProgress, safe_create, safe_info,
};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{
    args::{ApprovalOpts, SignerOpts},
    session::{TerminalConfirm, ask_password, connect, environment, runtime},
};

/// `slipway safe …`.
#[derive(Debug, Args)]
pub(crate) struct SafeArgs {
    #[command(subcommand)]
    command: SafeCommand,
}

#[derive(Debug, Subcommand)]
enum SafeCommand {
    /// Show a Safe: version, owners, threshold, nonce, modules and guard;
    /// exit 1 where it differs from the environment's `multisig`.
    Info(InfoArgs),
    /// Create a Safe through Safe's proxy factory (on a development chain,
    /// Safe's contracts from npm are deployed first, at their mainnet
    /// addresses); print the `multisig = {…}` line for slipway.toml.
    Create(CreateArgs),
    /// Sign a proposal with an owner's key (EIP-712; --eth-sign for signers
    /// that cannot sign typed data), after printing the hashes a hardware
    /// wallet shows.
    Sign(proposals::SignArgs),
    /// Approve a proposal on chain (approveHash) as an owner.
    Approve(proposals::SignArgs),
    /// Execute a proposal once enough owners approved; exit 1 below the
    /// threshold, naming who has not approved.
    Execute(proposals::ExecuteArgs),
    /// List the proposals with the approvals each has and still needs.
    Status(proposals::StatusArgs),
    /// Propose the empty transaction at a proposal's nonce, so that it can
    /// never execute.
    Reject(proposals::RejectArgs),
    /// Write a proposal as Safe{Wallet}'s Transaction Builder JSON.
    Export(proposals::ExportArgs),
    /// Propose adding, removing or replacing an owner.
    Owners(proposals::OwnersArgs),
    /// Propose a new threshold.
    Threshold(proposals::ThresholdArgs),
}

#[derive(Debug, Args)]
struct InfoArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The Safe (default: the environment's `multisig.safe`).
    #[arg(long, value_name = "ADDRESS")]
    safe: Option<Address>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The owners, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B,C")]
    owners: Vec<Address>,
    /// Signatures a transaction needs.
    #[arg(long, value_name = "N")]
    threshold: u64,
    /// Salt nonce of the proxy factory (another salt, another address).
    #[arg(long, value_name = "S", default_value = "0")]
    salt: U256,
    /// Safe version: 1.5.0 (npm @safe-global/safe-smart-account), 1.4.1
    /// (@safe-global/safe-contracts) or 1.3.0 (@gnosis.pm/safe-contracts).
    #[arg(long, default_value = "1.5.0")]
    version: String,
    #[command(flatten)]
    approval: ApprovalOpts,
    #[command(flatten)]
    signer: SignerOpts,
}

impl SafeArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        match self.command {
            SafeCommand::Info(args) => args.run(global),
            SafeCommand::Create(args) => args.run(global),
            SafeCommand::Sign(args) => args.run(global, false),
            SafeCommand::Approve(args) => args.run(global, true),
            SafeCommand::Execute(args) => args.run(global),
            SafeCommand::Status(args) => args.run(global),
            SafeCommand::Reject(args) => args.run(global),
            SafeCommand::Export(args) => args.run(global),
            SafeCommand::Owners(args) => args.run(global),
            SafeCommand::Threshold(args) => args.run(global),
        }
    }
}

impl InfoArgs {
    fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let info = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(safe_info(&config.root, &env, &client, self.safe).await?)
        })?;
        let state = &info.state;
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "safe": state,
                    "differences": info.differences,
                    "pending": info.pending.iter().map(|(nonce, hash)| serde_json::json!({"nonce": nonce, "safeTxHash": hash})).collect::<Vec<_>>(),
                }))?
            );
        } else {
            println!("Safe       {}", state.address);
            println!("Version    {}", state.version);
            println!("Threshold  {} of {}", state.threshold, state.owners.len());
            println!("Nonce      {}", state.nonce);
            for owner in &state.owners {
                println!("Owner      {owner}");
            }
            println!(
                "Modules    {}",
                if state.modules.is_empty() {
                    "none".to_owned()
                } else {
                    state
                        .modules
                        .iter()
                        .map(|m| m.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
            println!(
                "Guard      {}",
                state.guard.map_or("none".to_owned(), |g| g.to_string())
            );
            println!(
                "Fallback   {}",
                state
                    .fallback_handler
                    .map_or("none".to_owned(), |h| h.to_string())
            );
            println!(
                "Pending    {}",
                if info.pending.is_empty() {
                    "none".to_owned()
                } else {
                    info.pending
                        .iter()
                        .map(|(nonce, hash)| format!("nonce {nonce} {hash}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + " (slipway safe status)"
                }
            );
            for difference in &info.differences {
                eprintln!("warning: {difference}");
            }
        }
        Ok(if info.differences.is_empty() {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}

impl CreateArgs {
    fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let quiet = global.quiet;
        let request = SafeCreateRequest {
            config: &config,
            env: &env,
            owners: self.owners.clone(),
            threshold: self.threshold,
            salt_nonce: self.salt,
            version: &self.version,
            signer: &self.signer.signer,
            approval: self.approval.approval(false),
        };
        let progress = |step: SafeProgress<'_>| {
            if quiet {
                return;
            }
            match step {
                SafeProgress::FactoryInstalled => {
                    eprintln!("  Deployed the Safe singleton factory (its presigned transaction)")
                }
                SafeProgress::Contract {
                    name,
                    address,
                    deployed,
                } => eprintln!(
                    "  {} {name} at {address}",
                    if deployed { "Deployed" } else { "   Found" }
                ),
                SafeProgress::Predicted(address) => eprintln!("   Safe at {address} (predicted)"),
            }
        };
        let events = |event: TxEvent| {
            if !quiet && let TxEvent::Sent { hash, .. } = event {
                eprintln!("   Sending {hash}");
            }
        };
        let hooks = SafeCreateHooks {
            confirm: &TerminalConfirm,
            password: &ask_password,
            progress: &progress,
            events: &events,
        };
        let created = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(safe_create(&request, &client, &hooks).await?)
        })?;
        println!("{}", created.state.address);
        if !quiet {
            eprintln!(
                "  Recorded {} in deployments/{}/ (`slipway verify` checks them against {})",
                created.records.len(),
                env.name,
                created.package
            );
        }
        eprintln!(
            "Created a {}-of-{} Safe {} ({}) on `{}`. Add under [environments.{}] in slipway.toml:\n  {}",
            created.state.threshold,
            created.state.owners.len(),
            created.state.version,
            created.package,
            env.name,
            env.name,
            created.multisig_line()
        );
        Ok(ExitCode::SUCCESS)
    }
}
