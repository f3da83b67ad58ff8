//! `slipway ops`: emergency procedures on deployed contracts
//! (`slipway_ops::{prepare, act}`): the state now, what will change and
//! who signs; then the action, sent by the guardian or proposed to the
//! Safe; then the state after, all recorded in an incident.

use std::process::ExitCode;

use alloy_primitives::{Address, U256};
use clap::{Args, Subcommand, ValueEnum};
use eyre::Result;
use slipway_chain::resolve_signer;
use slipway_ops::{
    ActContext, ActEvent, Action, Amount, OpsRequest, PauseLevel, Planned,
    incident::{Author, Incidents, Outcome, Route, Severity},
    time::SystemClock,
};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::session::{
    TerminalConfirm, ask_password, command_line, connect, environment, operator, runtime,
};

/// `slipway ops …`.
#[derive(Debug, Args)]
pub(crate) struct OpsArgs {
    #[command(subcommand)]
    command: OpsCommand,
    #[command(flatten)]
    common: Common,
}

/// What every action takes.
#[derive(Debug, Args)]
struct Common {
    /// The environment.
    #[arg(long, global = true, default_value = "development")]
    env: String,
    /// The contract, by its deployment record's name (default: the one
    /// record that has a function for the action).
    #[arg(long, global = true, value_name = "NAME")]
    contract: Option<String>,
    /// The environment's signer that signs a direct action (default:
    /// `guardian` for a pause, `deployer` otherwise).
    #[arg(long, global = true, value_name = "NAME")]
    signer: Option<String>,
    /// Do not ask to type the environment's name back (a protected
    /// environment needs this without a terminal).
    #[arg(long, global = true)]
    yes: bool,
    /// Why this is done; recorded in the incident (required in a protected
    /// environment).
    #[arg(long, global = true, value_name = "TEXT")]
    reason: Option<String>,
    /// Show the state, the call and who would sign; send nothing.
    #[arg(long, global = true)]
    dry_run: bool,
    /// First rehearse the action on a fork of the environment's chain (the
    /// signer impersonated; through the Safe, the owners' real signatures
    /// and impersonated approvals for the rest), then act for real.
    #[arg(long, global = true, conflicts_with = "dry_run")]
    rehearse: bool,
    /// Rehearse on a fork and stop: nothing is sent or recorded.
    #[arg(long, global = true, conflicts_with_all = ["rehearse", "dry_run"])]
    rehearse_only: bool,
    /// Record the action in this open incident (default: the one open
    /// incident, else a new one).
    #[arg(long, global = true, value_name = "N")]
    incident: Option<u32>,
    /// The severity of an incident the action opens.
    #[arg(long, global = true, default_value = "high")]
    severity: Severity,
    /// Who is acting, for the record (default: $USER).
    #[arg(long, global = true, value_name = "NAME")]
    by: Option<String>,
}

#[derive(Debug, Subcommand)]
enum OpsCommand {
    /// Show a contract's state: pause level, emergency mode, recovery
    /// address, balances, admins and role holders.
    Status,
    /// Raise the pause level (signed by the guardian, directly, even where
    /// a Safe signs everything else).
    Pause {
        /// How far (default: all).
        #[arg(long)]
        level: Option<Level>,
    },
    /// Lower the pause level (the admin; through the Safe where one is
    /// required).
    Unpause {
        /// The level to lower to (default: none, fully open).
        #[arg(long)]
        level: Option<Level>,
    },
    /// Enter or leave emergency mode.
    Emergency {
        /// `activate` or `deactivate`.
        switch: Switch,
    },
    /// Send funds to the recovery address (emergency mode, after its
    /// timelock).
    Recover {
        /// The token: an address, a record name, or `ETH`.
        #[arg(long, default_value = "ETH")]
        token: String,
        /// How much, in the token's smallest unit, or `all`.
        #[arg(long)]
        amount: String,
    },
    /// The recovery address.
    RecoveryAddress {
        #[command(subcommand)]
        command: RecoveryCommand,
    },
    /// Grant or revoke a role.
    Roles {
        #[command(subcommand)]
        command: RolesCommand,
    },
    /// Hand the admin role (or ownership) over in two steps.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RecoveryCommand {
    /// Propose a new recovery address (in effect after the contract's
    /// timelock: 24 h on the bundled bridge).
    Propose {
        /// The address.
        address: Address,
    },
}

#[derive(Debug, Subcommand)]
enum RolesCommand {
    /// Grant ROLE (a name such as GUARDIAN_ROLE, or a hash) to ACCOUNT.
    Grant {
        /// The role.
        role: String,
        /// The account.
        account: Address,
    },
    /// Revoke ROLE from ACCOUNT.
    Revoke {
        /// The role.
        role: String,
        /// The account.
        account: Address,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Begin handing the admin role (or ownership) to ADDRESS.
    Transfer {
        /// The new admin.
        address: Address,
    },
    /// Accept a pending transfer, as the new admin.
    Accept,
    /// Cancel a pending transfer.
    Cancel,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Level {
    None,
    Deposits,
    Releases,
    All,
}

impl From<Level> for PauseLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::None => Self::None,
            Level::Deposits => Self::Deposits,
            Level::Releases => Self::Releases,
            Level::All => Self::All,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Switch {
    Activate,
    Deactivate,
}

fn amount(text: &str) -> Result<Amount> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(Amount::All);
    }
    text.parse::<U256>().map(Amount::Exact).map_err(|_| {
        eyre::eyre!(
            "--amount `{text}` is not a whole number of the token's smallest unit, nor `all`"
        )
    })
}

/// The token `text` names: `ETH`, an address, or a record of `env`.
fn token(root: &std::path::Path, env: &str, text: &str) -> Result<Address> {
    if ["eth", "native"].contains(&text.to_ascii_lowercase().as_str()) {
        return Ok(Address::ZERO);
    }
    if let Ok(address) = text.parse::<Address>() {
        return Ok(address);
    }
    let records = slipway_contracts::read_records(root, env)?;
    records
        .iter()
        .find(|r| r.name == text)
        .map(|r| r.address)
        .ok_or_else(|| {
            eyre::eyre!("--token `{text}` is neither ETH, an address, nor a record of `{env}`")
        })
}

impl OpsArgs {
    fn action(&self, root: &std::path::Path) -> Result<Option<Action>> {
        Ok(Some(match &self.command {
            OpsCommand::Status => return Ok(None),
            OpsCommand::Pause { level } => Action::Pause {
                level: level.map(Into::into),
            },
            OpsCommand::Unpause { level } => Action::Unpause {
                level: level.map(Into::into),
            },
            OpsCommand::Emergency { switch } => match switch {
                Switch::Activate => Action::EmergencyActivate,
                Switch::Deactivate => Action::EmergencyDeactivate,
            },
            OpsCommand::Recover {
                token: t,
                amount: a,
            } => Action::Recover {
                token: token(root, &self.common.env, t)?,
                amount: amount(a)?,
            },
            OpsCommand::RecoveryAddress {
                command: RecoveryCommand::Propose { address },
            } => Action::ProposeRecoveryAddress { address: *address },
            OpsCommand::Roles { command } => match command {
                RolesCommand::Grant { role, account } => Action::GrantRole {
                    role: role.clone(),
                    account: *account,
                },
                RolesCommand::Revoke { role, account } => Action::RevokeRole {
                    role: role.clone(),
                    account: *account,
                },
            },
            OpsCommand::Admin { command } => match command {
                AdminCommand::Transfer { address } => Action::AdminTransfer { to: *address },
                AdminCommand::Accept => Action::AdminAccept,
                AdminCommand::Cancel => Action::AdminCancel,
            },
        }))
    }

    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let common = &self.common;
        let env = environment(global.ui(), &config, &common.env)?;
        let action = self.action(&config.root)?;
        let Some(action) = action else {
            return status(global, &config, &env, common.contract.as_deref());
        };
        let contract =
            slipway_ops::pick_contract(&config, &env, common.contract.as_deref(), &action)?;
        let request = OpsRequest {
            contract,
            action,
            signer: common.signer.clone(),
        };
        let rt = runtime()?;
        let client = rt.block_on(connect(&config, &env))?;
        let prepared = rt.block_on(slipway_ops::prepare(&config, &env, &client, &request))?;
        crate::render::ops::prepared(&prepared, &env.name);
        if matches!(prepared.planned, Planned::Nothing(_)) || common.dry_run {
            if common.dry_run {
                eprintln!("Dry run: nothing was sent.");
            }
            return Ok(ExitCode::SUCCESS);
        }
        let abis = || Vec::new();
        if common.rehearse || common.rehearse_only {
            let spinner = crate::output::spinner(
                global.ui(),
                &format!("Rehearsing on a fork of {}", env.name),
            );
            let rehearsed = rt.block_on(slipway_ops::rehearse(
                &config,
                &env,
                &prepared,
                &abis,
                &command_line(),
            ));
            drop(spinner);
            let rehearsed = rehearsed?;
            crate::render::ops::rehearsed(&rehearsed, &env.name);
            if !rehearsed.succeeded() {
                eyre::bail!("the rehearsal failed: nothing was sent for real");
            }
            if common.rehearse_only {
                return Ok(ExitCode::SUCCESS);
            }
        }
        let signer = match &prepared.route {
            Route::Direct { signer, .. } => {
                Some(resolve_signer(&env, signer, config.vars(), &ask_password)?)
            }
            Route::Safe { .. } => None,
        };
        let approval = slipway_deploy::Approval {
            yes: common.yes,
            reason: common.reason.clone(),
            reason_required: true,
        };
        let author = Author {
            by: common.by.clone().unwrap_or_else(operator),
            clock: &SystemClock,
        };
        let command = command_line();
        let ctx = ActContext {
            config: &config,
            env: &env,
            client: &client,
            approval: &approval,
            confirm: &TerminalConfirm,
            abis: &abis,
            author: &author,
            command: &command,
            incident: common.incident,
            severity: common.severity,
        };
        let ui = global.ui();
        let env_ref = &env;
        let mut progress = |event: ActEvent| match event {
            ActEvent::Authorised(authorised) => {
                crate::render::authorised(ui, env_ref, &authorised);
            }
            ActEvent::Incident { id, opened } => crate::output::status(
                ui,
                "Incident",
                &format!(
                    "{id} ({})",
                    if opened {
                        "opened for this action"
                    } else {
                        "open"
                    }
                ),
            ),
            ActEvent::Tx(tx) => {
                if let Some(line) = crate::render::tx_line(&tx) {
                    crate::output::status(ui, line.0, &line.1);
                }
            }
        };
        let acted = rt.block_on(slipway_ops::act(
            &prepared,
            &ctx,
            signer.as_ref(),
            &mut progress,
        ))?;
        let twin = Incidents::new(&config.root, &env.name).twin_path(acted.incident);
        crate::render::ops::acted(&acted, twin.strip_prefix(&config.root).unwrap_or(&twin));
        Ok(match acted.outcome {
            Outcome::Confirmed { success: true, .. } | Outcome::Proposed { .. } => {
                ExitCode::SUCCESS
            }
            _ => CHECK_FAILED.into(),
        })
    }
}

/// `ops status`: a contract's state, or every recorded contract's.
fn status(
    global: &GlobalOpts,
    config: &slipway_config::Config,
    env: &slipway_config::Environment,
    contract: Option<&str>,
) -> Result<ExitCode> {
    let states = runtime()?.block_on(async {
        let client = connect(config, env).await?;
        Ok::<_, eyre::Report>(slipway_ops::status(config, env, &client, contract).await?)
    })?;
    if states.is_empty() {
        crate::output::status(
            global.ui(),
            "Nothing",
            &format!("is recorded in deployments/{}/", env.name),
        );
    }
    for (record, state) in states {
        println!("{} at {}", record.name, record.address);
        for line in state.lines() {
            println!("    {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
