//! `slipway deploy` and `slipway deployments`: a plan's effect shown, then
//! run through the journal; the records it leaves, listed.

use crate::output::count;
use std::{
    io::{BufRead, IsTerminal, Write},
    path::PathBuf,
    process::ExitCode,
    time::Instant,
};

use alloy_primitives::utils::format_ether;
use clap::Args;
use eyre::{Result, bail};
use slipway_chain::{Lifecycle, TxEvent, resolve_signer};
use slipway_config::{Environment, Multisig};
use slipway_contracts::{Artifacts, read_records};
use slipway_deploy::{
    DeployOptions, Deployment, Effect, Plan, Progress, StepStatus, find_plan,
    verify::{Verdict, VerifyRequest, verify},
};
use slipway_solc::Profile;

use super::{CHECK_FAILED, GlobalOpts};
use crate::{
    output::status,
    render,
    session::{ask_password, command_line, connect, runtime},
};

/// Deploy a plan (deploy/<name>.toml) to an environment: show its effect,
/// then send what is not done yet, journaled so that a rerun finishes it.
#[derive(Debug, Args)]
pub(crate) struct DeployArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The plan: a file, or a name in deploy/ (default: the only plan there).
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Show the effect and stop: nothing is sent or written.
    #[arg(long)]
    dry_run: bool,
    /// Do not ask for confirmation (production).
    #[arg(long)]
    yes: bool,
    /// Send again a step done before that the plan changed (and the steps
    /// depending on it).
    #[arg(long, value_name = "STEP")]
    redeploy: Vec<String>,
    /// Start the plan over on this environment (the journal is kept aside).
    #[arg(long)]
    reset: bool,
    /// Print the effect (and with it what was done) as JSON.
    #[arg(long)]
    json: bool,
    /// Afterwards, check the deployed contracts against the build and
    /// verify them on explorers (`slipway verify`).
    #[arg(long)]
    verify: bool,
}

/// List the contracts deployed to an environment (deployments/<env>/).
#[derive(Debug, Args)]
pub(crate) struct DeploymentsArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// As JSON.
    #[arg(long)]
    json: bool,
}

/// Refuses where a Safe must authorise state changes.
fn check_multisig(env: &Environment) -> Result<()> {
    if env.multisig != Multisig::Off {
        bail!(
            "environment `{}` requires a Safe multisig for deployments, and deploying through a Safe proposal is not available yet: nothing was sent. To deploy with the signer directly, set `multisig = false` under [environments.{}] in slipway.toml",
            env.name,
            env.name
        );
    }
    Ok(())
}

/// Production asks for its name typed back, unless `--yes`.
fn confirm_production(env: &Environment, yes: bool) -> Result<()> {
    if env.name != "production" || yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("deploying to production needs confirmation: run it in a terminal, or pass --yes");
    }
    eprint!(
        "Type `production` to send these transactions to chain {}: ",
        env.chain.id
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() != "production" {
        bail!("not confirmed: nothing was sent");
    }
    Ok(())
}

/// Wei as ether without trailing zeros: `0.000689425`, `1`.
fn ether(wei: alloy_primitives::U256) -> String {
    let text = format_ether(wei);
    match text.split_once('.') {
        Some((whole, fraction)) if fraction.trim_end_matches('0').is_empty() => whole.to_owned(),
        Some((whole, fraction)) => format!("{whole}.{}", fraction.trim_end_matches('0')),
        None => text,
    }
}

fn effect_table(effect: &Effect) -> String {
    let mut table =
        crate::output::table(&["Level", "Step", "Action", "Status", "Address", "Est. gas"]);
    for s in &effect.steps {
        let status = match &s.status {
            StepStatus::Done => "done".to_owned(),
            StepStatus::InFlight { hash } => format!("in flight {hash}"),
            StepStatus::Send => "send".to_owned(),
            StepStatus::Retry { .. } => "send again (reverted)".to_owned(),
            StepStatus::Changed { diff, accepted } => format!(
                "{}\n{}",
                if *accepted {
                    "changed: send again"
                } else {
                    "CHANGED (refused)"
                },
                diff.join("\n")
            ),
        };
        table.add_row(vec![
            (s.level + 1).to_string(),
            s.id.clone(),
            if s.args.is_empty() {
                s.action.clone()
            } else {
                format!("{}\n({})", s.action, s.args.join(", "))
            },
            status,
            s.address.map(|a| a.to_checksum(None)).unwrap_or_default(),
            match (s.status.sends(), s.gas) {
                (false, _) => String::new(),
                (true, Some(g)) => g.to_string(),
                (true, None) => "later".to_owned(),
            },
        ]);
    }
    let (gas, unknown) = effect.gas();
    format!(
        "{table}\n{} to send in {}; estimated gas {gas}{} (at most {} ETH at {} gwei)",
        count(effect.sends(), "transaction"),
        count(effect.depth, "level"),
        if unknown > 0 {
            format!(
                " + {} estimated once what they call exists",
                count(unknown, "step")
            )
        } else {
            String::new()
        },
        ether(alloy_primitives::U256::from(effect.cost_wei())),
        effect.fee_per_gas as f64 / 1e9,
    )
}

fn report(global: &GlobalOpts, progress: Progress<'_>) {
    if global.quiet {
        return;
    }
    match progress {
        Progress::Tx { step, event } => match event {
            TxEvent::Sent { hash, nonce, .. } => {
                status(global, "Sent", &format!("{step}: {hash} (nonce {nonce})"))
            }
            TxEvent::Bumped { hash, .. } => status(global, "Bumped", &format!("{step}: {hash}")),
            TxEvent::Dropped { hash } => {
                status(global, "Dropped", &format!("{step}: {hash}: sent again"))
            }
            TxEvent::Reorged { block, .. } => status(
                global,
                "Reorged",
                &format!("{step}: out of block {block}; waiting again"),
            ),
            TxEvent::Nonce {
                check: slipway_chain::NonceCheck::UsedOutside { expected, chain },
                ..
            } => status(
                global,
                "Warning",
                &format!(
                    "{step}: nonces up to {chain} were used outside slipway (expected {expected})"
                ),
            ),
            _ => {}
        },
        Progress::Resumed { step, hash } => status(
            global,
            "Resuming",
            &format!("{step}: following {hash} from the journal"),
        ),
        Progress::Found { step, address } => status(
            global,
            "Found",
            &format!("{step}: already deployed at {address} (CREATE2): nothing sent"),
        ),
        Progress::Done {
            step,
            address,
            block,
            gas_used,
        } => status(
            global,
            "Done",
            &format!(
                "{step}{} in block {block}, gas {gas_used}",
                address.map(|a| format!(" at {a}")).unwrap_or_default()
            ),
        ),
    }
}

impl DeployArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.env)?;
        check_multisig(&env)?;
        let file = find_plan(&config.root, self.plan.as_deref())?;
        let build = render::build::compile(global, &config, Profile::Default, self.json)?;
        if build.has_errors() {
            bail!("compilation failed: nothing was deployed");
        }
        let artifacts = Artifacts::from_build(&build.artifacts);
        let relative = file
            .strip_prefix(&config.root)
            .unwrap_or(&file)
            .to_path_buf();
        let text = std::fs::read_to_string(&file)
            .map_err(|e| eyre::eyre!("cannot read the plan {}: {e}", file.display()))?;
        let plan = Plan::parse(&relative, &text, &env, config.vars())
            .and_then(|p| p.check(&artifacts))
            .map_err(slipway_deploy::DeployError::from)?;
        let signer = resolve_signer(&env, config.vars(), &ask_password)?;
        let options = DeployOptions {
            redeploy: self.redeploy.clone(),
            reset: self.reset,
        };
        let deployed = runtime()?.block_on(async {
            let connection = connect(&config, &env).await?;
            let deployment = Deployment {
                root: &config.root,
                env: &env,
                plan: &plan,
                client: &connection,
                signer: &signer,
                lifecycle: Lifecycle::for_env(&env),
            };
            let effect = deployment.effect(&options).await?;
            if self.json {
                println!("{}", serde_json::to_string_pretty(&effect)?);
            } else {
                status(
                    global,
                    "Plan",
                    &format!(
                        "{} on {} (chain {}) from {}; journal {}",
                        relative.display(),
                        env.name,
                        env.chain.id,
                        effect.deployer,
                        effect
                            .journal
                            .strip_prefix(&config.root)
                            .unwrap_or(&effect.journal)
                            .display()
                    ),
                );
                println!("{}", effect_table(&effect));
            }
            if let Some(refusal) = effect.refusal() {
                return Err(eyre::Report::from(slipway_deploy::DeployError::from(
                    refusal,
                )));
            }
            if self.dry_run {
                status(global, "Dry run", "nothing was sent or written");
                return Ok(ExitCode::SUCCESS);
            }
            if effect.sends() > 0 {
                confirm_production(&env, self.yes)?;
            }
            if effect.sends() == 0
                && !effect
                    .steps
                    .iter()
                    .any(|s| matches!(s.status, StepStatus::InFlight { .. }))
            {
                let outcome = deployment
                    .execute(effect, &options, &|p| report(global, p))
                    .await?;
                status(
                    global,
                    "Done",
                    &format!(
                        "nothing to send: the plan is done on {} ({} checked)",
                        env.name,
                        count(outcome.records.len(), "record")
                    ),
                );
                return Ok(ExitCode::SUCCESS);
            }
            let started = Instant::now();
            let outcome = deployment
                .execute(effect, &options, &|p| report(global, p))
                .await?;
            status(
                global,
                "Deployed",
                &format!(
                    "{} in {} (plan depth {}) in {:.1?}; {} in deployments/{}/",
                    count(outcome.sent, "transaction"),
                    count(outcome.blocks.len(), "block"),
                    plan.depth(),
                    started.elapsed(),
                    count(outcome.records.len(), "record"),
                    env.name
                ),
            );
            Ok(ExitCode::SUCCESS)
        })?;
        if !self.verify || self.dry_run {
            return Ok(deployed);
        }
        let names: Vec<String> = plan
            .steps
            .iter()
            .filter(|s| s.artifact.is_some())
            .map(|s| s.step.id.clone())
            .collect();
        let request = VerifyRequest {
            names,
            etherscan: true,
            sourcify: true,
        };
        let verdicts =
            runtime()?.block_on(verify(&config, &env, &artifacts, &request, &command_line()))?;
        println!("{}", render::verify::text(&verdicts, self.json)?);
        let failed = verdicts.iter().any(Verdict::failed);
        Ok(if failed {
            CHECK_FAILED.into()
        } else {
            deployed
        })
    }
}

impl DeploymentsArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.env)?;
        let records = read_records(&config.root, &env.name)?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&records)?);
            return Ok(ExitCode::SUCCESS);
        }
        if records.is_empty() {
            status(
                global,
                "None",
                &format!(
                    "nothing deployed to {} yet (deployments/{}/ is empty)",
                    env.name, env.name
                ),
            );
            return Ok(ExitCode::SUCCESS);
        }
        let mut table =
            crate::output::table(&["Name", "Address", "Contract", "Block", "Transaction"]);
        for r in &records {
            table.add_row(vec![
                r.name.clone(),
                r.address.to_checksum(None),
                r.contract.clone(),
                r.block
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "(found)".into()),
                r.transaction_hash
                    .map(|h| h.to_string())
                    .unwrap_or_default(),
            ]);
        }
        println!("{table}");
        Ok(ExitCode::SUCCESS)
    }
}
