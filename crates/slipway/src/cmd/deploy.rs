//! `slipway deploy` and `slipway deployments`: a plan's effect shown, then
//! run through the journal; the records it leaves, listed.

use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use eyre::{Result, bail};
use slipway_contracts::{Artifacts, read_records};
use slipway_deploy::{DeployOptions, DeployRequest};
use slipway_solc::Profile;

use crate::global::GlobalOpts;
use crate::{
    args::{ApprovalOpts, SignerOpts},
    output::status,
    session::{command_line, environment},
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
    #[command(flatten)]
    approval: ApprovalOpts,
    #[command(flatten)]
    signer: SignerOpts,
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
    /// First rehearse the plan on a fork of the environment's chain (its
    /// newest finalized block, the deployer impersonated) and show what it
    /// did; then deploy for real, under the confirmation rule.
    #[arg(long, conflicts_with = "dry_run")]
    rehearse: bool,
    /// Waive one of OpenZeppelin's validation kinds (`constructor`,
    /// `delegatecall`, …) for the implementations behind proxies; it is
    /// journaled with each implementation sent.
    #[arg(long, value_name = "KIND")]
    unsafe_allow: Vec<String>,
    /// Rehearse on a fork and stop: nothing is sent to the real chain.
    #[arg(long, conflicts_with_all = ["rehearse", "dry_run"])]
    rehearse_only: bool,
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

impl DeployArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let need = slipway_deploy::deploy_need(&config, &env, self.plan.as_deref());
        let build = global.build(&config, Profile::Default, self.json, &need)?;
        if build.has_errors() {
            bail!("compilation failed: nothing was deployed");
        }
        let artifacts = Artifacts::from_build(&build.artifacts);
        let command = command_line();
        let request = DeployRequest {
            config: &config,
            env: &env,
            artifacts: &artifacts,
            plan: self.plan.as_deref(),
            signer: &self.signer.signer,
            options: DeployOptions {
                redeploy: self.redeploy.clone(),
                reset: self.reset,
                unsafe_allow: self.unsafe_allow.clone(),
            },
            dry_run: self.dry_run,
            approval: self.approval.approval(false),
            verify: self.verify,
            explorers: true,
            command: &command,
        };
        crate::deploying::drive(
            global,
            &config,
            &env,
            &request,
            crate::deploying::Use::Deploy {
                rehearse: self.rehearse,
                rehearse_only: self.rehearse_only,
            },
            self.json,
        )
    }
}

impl DeploymentsArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let records = read_records(&config.root, &env.name)?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&records)?);
            return Ok(ExitCode::SUCCESS);
        }
        if records.is_empty() {
            status(
                global.ui(),
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
        for r in &records {
            if let Some(proxy) = &r.proxy {
                println!("{}", proxy_history(&r.name, proxy));
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// A proxy's implementation history, newest last.
fn proxy_history(name: &str, proxy: &slipway_contracts::ProxyRecord) -> String {
    let mut lines = vec![format!(
        "{name}: {} proxy{}{} → {}",
        proxy.kind,
        proxy
            .admin
            .map(|a| format!(", ProxyAdmin {}", a.to_checksum(None)))
            .unwrap_or_default(),
        proxy
            .beacon
            .map(|b| format!(", beacon {}", b.to_checksum(None)))
            .unwrap_or_default(),
        proxy.implementation.to_checksum(None)
    )];
    for (version, entry) in proxy.history.iter().enumerate() {
        lines.push(format!(
            "  v{} {} {}{}",
            version + 1,
            entry.address.to_checksum(None),
            entry
                .contract
                .as_deref()
                .unwrap_or("(deployed outside this plan)"),
            entry
                .upgraded_in
                .map(|h| format!(" (upgraded in {h})"))
                .unwrap_or_default()
        ));
    }
    lines.join("\n")
}
