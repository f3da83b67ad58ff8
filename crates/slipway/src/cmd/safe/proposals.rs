//! The proposal commands of `slipway safe`: sign, approve, execute, status,
//! reject, export, owners and threshold. Each parses, makes one library
//! call (`slipway_deploy::safe`) and renders.

use std::{path::PathBuf, process::ExitCode};

use alloy_primitives::Address;
use clap::{Args, Subcommand};
use eyre::Result;
use slipway_chain::{TxEvent, safe::AllowedRisks};
use slipway_deploy::{
    proposal::Proposal,
    safe::{
        ExecuteHooks, ExecuteRequest, OwnerChangeRequest, ProposalStatus, SafeUseError, SignHooks,
        SignRequest, SigningHashes, open_safe, propose_owner_change, reject_proposal, safe_approve,
        safe_execute, safe_sign, safe_status, transaction_builder_json,
    },
};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{
    args::{ApprovalOpts, SignerOpts},
    session::{TerminalConfirm, ask_password, connect, environment, runtime},
};

/// Risks accepted by name.
#[derive(Debug, Args)]
pub(crate) struct RiskOpts {
    /// Accept a delegatecall to another contract than the Safe version's
    /// MultiSend, MultiSendCallOnly or CreateCall.
    #[arg(long)]
    allow_delegatecall: bool,
    /// Accept a gas refund (gasPrice, gasToken or refundReceiver set).
    #[arg(long)]
    allow_gas_refund: bool,
    /// Accept a Safe with modules or a guard the configuration does not
    /// list.
    #[arg(long)]
    allow_modules: bool,
}

impl RiskOpts {
    fn allowed(&self) -> AllowedRisks {
        AllowedRisks {
            delegatecall: self.allow_delegatecall,
            gas_refund: self.allow_gas_refund,
            modules: self.allow_modules,
        }
    }
}

/// The lifecycle's sends on stderr, unless quiet.
fn lifecycle_lines(quiet: bool) -> impl Fn(TxEvent) + Sync {
    move |event| {
        if let TxEvent::Sent { hash, fees, .. } = event
            && !quiet
        {
            eprintln!("   Sending {hash} ({fees})");
        }
    }
}

fn waiting_line(missing: usize, path: &std::path::Path) -> String {
    if missing == 0 {
        format!(
            "Enough owners approved: `slipway safe execute {}`",
            path.display()
        )
    } else {
        format!(
            "{missing} more approval{} needed: `slipway safe sign {} --signer NAME`",
            if missing == 1 { "" } else { "s" },
            path.display()
        )
    }
}

/// `safe sign PROPOSAL` / `safe approve PROPOSAL`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The proposal file (deployments/<env>/proposals/…).
    proposal: PathBuf,
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// Sign the safeTxHash as a personal message (eth_sign) for a signer
    /// that cannot sign typed data.
    #[arg(long)]
    eth_sign: bool,
    #[command(flatten)]
    risks: RiskOpts,
    #[command(flatten)]
    approval: ApprovalOpts,
    #[command(flatten)]
    signer: SignerOpts,
}

impl SignArgs {
    pub(crate) fn run(self, global: &GlobalOpts, on_chain: bool) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let quiet = global.quiet;
        let request = SignRequest {
            config: &config,
            env: &env,
            path: &self.proposal,
            signer: &self.signer.signer,
            eth_sign: self.eth_sign,
            allowed: self.risks.allowed(),
            approval: self.approval.approval(false),
        };
        let show = |hashes: &SigningHashes| {
            eprintln!("Signer        {}", hashes.signer);
            eprintln!("Domain hash   {}", hashes.domain);
            eprintln!("Message hash  {}", hashes.message);
            eprintln!("safeTxHash    {}", hashes.safe_tx_hash);
        };
        let events = lifecycle_lines(quiet);
        let hooks = SignHooks {
            password: &ask_password,
            show: &show,
            confirm: &TerminalConfirm,
            events: &events,
        };
        let signed = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(if on_chain {
                safe_approve(&request, &client, &hooks).await?
            } else {
                safe_sign(&request, &client, &hooks).await?
            })
        })?;
        println!("{}", signed.path.display());
        eprintln!(
            "{} by {}{}. {}",
            if on_chain {
                "Approved on chain"
            } else {
                "Signed"
            },
            signed.owner,
            if signed.posted {
                " (posted to the Safe Transaction Service)"
            } else {
                ""
            },
            waiting_line(signed.missing, &signed.path)
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// `safe execute PROPOSAL`.
#[derive(Debug, Args)]
pub(crate) struct ExecuteArgs {
    /// The proposal file.
    proposal: PathBuf,
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    #[command(flatten)]
    risks: RiskOpts,
    #[command(flatten)]
    approval: ApprovalOpts,
    #[command(flatten)]
    signer: SignerOpts,
}

impl ExecuteArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let quiet = global.quiet;
        let request = ExecuteRequest {
            config: &config,
            env: &env,
            path: &self.proposal,
            signer: &self.signer.signer,
            allowed: self.risks.allowed(),
            approval: self.approval.approval(false),
        };
        let events = lifecycle_lines(quiet);
        let hooks = ExecuteHooks {
            password: &ask_password,
            confirm: &TerminalConfirm,
            events: &events,
        };
        let outcome = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(safe_execute(&request, &client, &hooks).await)
        })?;
        let executed = match outcome {
            Ok(executed) => executed,
            Err(error @ SafeUseError::BelowThreshold { .. }) => {
                eprintln!("error: {error}");
                return Ok(CHECK_FAILED.into());
            }
            Err(error) => return Err(error.into()),
        };
        println!("{}", executed.executed.tx_hash);
        eprintln!(
            "{} Safe transaction {} (nonce {}) in block {}: {}",
            if executed.found {
                "Found the executed"
            } else {
                "Executed"
            },
            executed.proposal.safe_tx_hash,
            executed.proposal.tx.nonce,
            executed.executed.block,
            executed.proposal.summary.join("; ")
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// `safe status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl StatusArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let (state, views) = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(safe_status(&config, &env, &client).await?)
        })?;
        let status_text = |status: &ProposalStatus| match status {
            ProposalStatus::Waiting(n) => format!("waiting for {n}"),
            ProposalStatus::Ready => "ready to execute".to_owned(),
            ProposalStatus::Executed(e) => format!("executed in block {} ({})", e.block, e.tx_hash),
            ProposalStatus::Superseded => "superseded: its nonce was used".to_owned(),
            ProposalStatus::Unreadable(why) => format!("unreadable: {why}"),
        };
        if self.json {
            let list: Vec<_> = views
                .iter()
                .map(|v| {
                    serde_json::json!({
                        "file": v.path,
                        "nonce": v.proposal.as_ref().map(|p| p.tx.nonce),
                        "safeTxHash": v.proposal.as_ref().map(|p| p.safe_tx_hash),
                        "summary": v.proposal.as_ref().map(|p| p.summary.clone()),
                        "approvals": v.approvals,
                        "status": status_text(&v.status),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "safe": state.address,
                    "threshold": state.threshold,
                    "nonce": state.nonce,
                    "proposals": list,
                }))?
            );
            return Ok(ExitCode::SUCCESS);
        }
        println!(
            "Safe {} ({} of {}), next nonce {}",
            state.address,
            state.threshold,
            state.owners.len(),
            state.nonce
        );
        if views.is_empty() {
            println!("No proposals.");
        }
        for view in &views {
            match &view.proposal {
                Some(p) => {
                    println!(
                        "nonce {}  {}  {}",
                        p.tx.nonce,
                        p.safe_tx_hash,
                        status_text(&view.status)
                    );
                    for line in &p.summary {
                        println!("    {line}");
                    }
                    let approvals: Vec<String> =
                        view.approvals.iter().map(Address::to_string).collect();
                    println!(
                        "    approved by {}: {}",
                        approvals.len(),
                        if approvals.is_empty() {
                            "nobody".to_owned()
                        } else {
                            approvals.join(", ")
                        }
                    );
                    println!("    {}", view.path.display());
                }
                None => println!("{}  {}", view.path.display(), status_text(&view.status)),
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `safe reject PROPOSAL`.
#[derive(Debug, Args)]
pub(crate) struct RejectArgs {
    /// The proposal to reject.
    proposal: PathBuf,
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    #[command(flatten)]
    approval: ApprovalOpts,
}

impl RejectArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let (proposal, path) = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            let safe = open_safe(&config, &env, &client, AllowedRisks::default()).await?;
            Ok::<_, eyre::Report>(reject_proposal(
                &safe,
                &env,
                &self.proposal,
                &self.approval.approval(false),
                &TerminalConfirm,
            )?)
        })?;
        crate::render::safe::proposed(&proposal, &path);
        Ok(ExitCode::SUCCESS)
    }
}

/// `safe export PROPOSAL`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The proposal file.
    proposal: PathBuf,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl ExportArgs {
    pub(crate) fn run(self, _global: &GlobalOpts) -> Result<ExitCode> {
        let proposal = Proposal::load(&self.proposal)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let text = serde_json::to_string_pretty(&transaction_builder_json(&proposal, now)?)?;
        match &self.out {
            Some(path) => {
                std::fs::write(path, format!("{text}\n"))
                    .map_err(|e| eyre::eyre!("cannot write {}: {e}", path.display()))?;
                eprintln!(
                    "Wrote {}: import it in Safe{{Wallet}}'s Transaction Builder",
                    path.display()
                );
            }
            None => println!("{text}"),
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `safe owners add|remove|swap`.
#[derive(Debug, Args)]
pub(crate) struct OwnersArgs {
    #[command(subcommand)]
    change: OwnersCommand,
    /// The environment.
    #[arg(long, default_value = "development", global = true)]
    env: String,
    #[command(flatten)]
    approval: ApprovalOpts,
}

#[derive(Debug, Subcommand)]
enum OwnersCommand {
    /// Propose adding an owner.
    Add {
        /// The new owner.
        owner: Address,
        /// The threshold afterwards (default: unchanged).
        #[arg(long)]
        threshold: Option<u64>,
    },
    /// Propose removing an owner.
    Remove {
        /// The owner leaving.
        owner: Address,
        /// The threshold afterwards (default: unchanged, or lowered to the
        /// owners left).
        #[arg(long)]
        threshold: Option<u64>,
    },
    /// Propose replacing an owner.
    Swap {
        /// The owner leaving.
        old: Address,
        /// The owner coming.
        new: Address,
    },
}

impl OwnersArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let change = match self.change {
            OwnersCommand::Add { owner, threshold } => OwnerChangeRequest::Add { owner, threshold },
            OwnersCommand::Remove { owner, threshold } => {
                OwnerChangeRequest::Remove { owner, threshold }
            }
            OwnersCommand::Swap { old, new } => OwnerChangeRequest::Swap { old, new },
        };
        propose_change(global, &self.env, change, &self.approval)
    }
}

/// `safe threshold N`.
#[derive(Debug, Args)]
pub(crate) struct ThresholdArgs {
    /// Signatures a transaction will need.
    threshold: u64,
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    #[command(flatten)]
    approval: ApprovalOpts,
}

impl ThresholdArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        propose_change(
            global,
            &self.env,
            OwnerChangeRequest::Threshold(self.threshold),
            &self.approval,
        )
    }
}

fn propose_change(
    global: &GlobalOpts,
    env: &str,
    change: OwnerChangeRequest,
    approval: &ApprovalOpts,
) -> Result<ExitCode> {
    let config = global.config()?;
    let env = environment(global.ui(), &config, env)?;
    let (proposal, path) = runtime()?.block_on(async {
        let client = connect(&config, &env).await?;
        Ok::<_, eyre::Report>(
            propose_owner_change(
                &config,
                &env,
                &client,
                change,
                &approval.approval(false),
                &TerminalConfirm,
            )
            .await?,
        )
    })?;
    crate::render::safe::proposed(&proposal, &path);
    Ok(ExitCode::SUCCESS)
}
