//! `slipway call` and `slipway send`: a function of a contract on an
//! environment's chain, read or sent (`slipway_deploy::{call, send}`).

use std::process::ExitCode;

use alloy_primitives::U256;
use clap::Args;
use eyre::Result;
use slipway_chain::resolve_signer;
use slipway_contracts::Invocation;
use slipway_deploy::{CallOutcome, SendEvent, SendOutcome, Sender, call, check_send, send};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{
    args::{ApprovalOpts, SignerOpts},
    session::{TerminalConfirm, ask_password, connect, environment, runtime},
};

/// What both commands take.
#[derive(Debug, Args)]
pub(crate) struct Target {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The contract: an address, or the name of a deployment record of the
    /// environment (`slipway deployments`).
    to: String,
    /// The function: `name(types)`, optionally with outputs as cast writes
    /// them, `balanceOf(address)(uint256)`, or `function f(…) returns (…)`.
    signature: String,
    /// Its arguments, as Solidity would write them.
    args: Vec<String>,
}

impl Target {
    fn invocation(&self, root: &std::path::Path) -> Result<Invocation> {
        Ok(Invocation::prepare(
            root,
            &self.env,
            &self.to,
            &self.signature,
            &self.args,
        )?)
    }
}

/// Call a function without sending a transaction (eth_call); print its result.
#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    #[command(flatten)]
    target: Target,
}

/// Send a transaction calling a function; follow it to its confirmations.
/// Where the environment signs through a Safe (`multisig = { safe = … }`),
/// write a proposal for its owners instead (`slipway safe sign`).
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(flatten)]
    target: Target,
    /// Wei to send with it.
    #[arg(long, default_value = "0")]
    value: U256,
    #[command(flatten)]
    approval: ApprovalOpts,
    #[command(flatten)]
    signer: SignerOpts,
}

impl CallArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.target.env)?;
        let invocation = self.target.invocation(&config.root)?;
        let outcome = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            let abis = project_abis(&config, global.offline);
            Ok::<_, eyre::Report>(call(&env, &client, &invocation, &abis).await?)
        })?;
        Ok(match outcome {
            CallOutcome::Returned(values) => {
                for value in values {
                    println!("{value}");
                }
                ExitCode::SUCCESS
            }
            CallOutcome::Reverted(reason) => {
                eprintln!("reverted: {reason}");
                CHECK_FAILED.into()
            }
        })
    }
}

/// The project's ABIs for wording a revert, built when first asked (the
/// build cache answers an unchanged project); none when it does not
/// compile — the record's ABI still words what it declares.
fn project_abis(
    config: &slipway_config::Config,
    offline: bool,
) -> impl Fn() -> Vec<alloy_json_abi::JsonAbi> + Sync + '_ {
    move || match slipway_solc::compile_for(
        config,
        slipway_solc::Profile::Default,
        offline,
        &|_| {},
        &|_| slipway_solc::Need::Nothing,
    ) {
        Ok(build) => build
            .artifacts
            .iter()
            .filter_map(|c| c.abi.clone())
            .collect(),
        Err(e) => {
            tracing::debug!("no build to word the revert with: {e}");
            Vec::new()
        }
    }
}

/// A lifecycle step in words, for stderr (the confirmation is reported
/// with its outcome once the command has it).
fn progress_line(event: &SendEvent, env: &str) -> Option<String> {
    Some(match event {
        SendEvent::NoCode(to) => format!(
            "warning: no contract at {} on {env}; the transaction only transfers its value",
            to.to_checksum(None)
        ),
        SendEvent::Authorised(authorised) => {
            let reason = authorised.reason.as_ref()?;
            format!("    Reason {reason}")
        }
        SendEvent::Tx(event) => {
            let (verb, rest) = crate::render::tx_line(event)?;
            format!("{verb:>10} {rest}")
        }
    })
}

impl SendArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.target.env)?;
        if matches!(env.multisig, slipway_config::Multisig::Safe { .. }) {
            // The environment signs through its Safe: the call becomes a
            // proposal that owners sign, and nothing is sent now.
            let invocation = self.target.invocation(&config.root)?;
            let (proposal, path) = runtime()?.block_on(async {
                let client = connect(&config, &env).await?;
                Ok::<_, eyre::Report>(
                    slipway_deploy::safe::propose_invocation(
                        &config,
                        &env,
                        &client,
                        &invocation,
                        self.value,
                        slipway_chain::safe::AllowedRisks::default(),
                    )
                    .await?,
                )
            })?;
            crate::render::safe::proposed(&proposal, &path);
            return Ok(ExitCode::SUCCESS);
        }
        check_send(&env)?;
        let invocation = self.target.invocation(&config.root)?;
        let signer = resolve_signer(&env, &self.signer.signer, config.vars(), &ask_password)?;
        let approval = self.approval.approval(false);
        let abis = project_abis(&config, global.offline);
        let sender = Sender {
            signer: &signer,
            approval: &approval,
            confirm: &TerminalConfirm,
            abis: &abis,
        };
        let quiet = global.quiet;
        let outcome = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            let mut progress = |event: SendEvent| {
                if let Some(line) = progress_line(&event, &env.name).filter(|_| !quiet) {
                    eprintln!("{line}");
                }
            };
            Ok::<_, eyre::Report>(
                send(
                    &env,
                    &client,
                    &sender,
                    &invocation,
                    self.value,
                    &mut progress,
                )
                .await?,
            )
        })?;
        Ok(match outcome {
            SendOutcome::Confirmed {
                hash,
                block,
                gas_used,
                success,
            } => {
                println!("{hash}");
                eprintln!(
                    " Confirmed block {block}, gas {gas_used}, {}",
                    if success { "success" } else { "reverted" }
                );
                if success {
                    ExitCode::SUCCESS
                } else {
                    CHECK_FAILED.into()
                }
            }
            SendOutcome::Reverted(reason) => {
                eprintln!("reverted (nothing sent: the gas estimate failed): {reason}");
                CHECK_FAILED.into()
            }
        })
    }
}
