//! `slipway verify`: every deployment record of an environment (or the
//! named ones) checked against the build — runtime code and constructor
//! arguments — and submitted to Etherscan-v2- and Sourcify-compatible
//! explorers.

use std::process::ExitCode;

use clap::Args;
use eyre::{Result, bail};
use serde::Serialize;
use slipway_chain::{
    ChainClient,
    net::{HttpClient, NetSettings, Timeouts},
};
use slipway_config::{Config, Environment, Secret, Target};
use slipway_contracts::{Artifacts, DeploymentRecord, read_records};
use slipway_deploy::verify::{
    CodeCheck, Etherscan, ExplorerCheck, Pacing, Sourcify, compare_arguments, compare_runtime,
    submission,
};
use slipway_solc::Profile;

use super::{
    GlobalOpts,
    build::compile,
    connect::{connect, runtime},
};

/// Default endpoints; `SLIPWAY_ETHERSCAN_URL` / `SLIPWAY_SOURCIFY_URL`
/// point elsewhere (a Blockscout's Etherscan-compatible API, a self-hosted
/// Sourcify).
const ETHERSCAN_URL: &str = "https://api.etherscan.io/v2/api";
const SOURCIFY_URL: &str = "https://sourcify.dev/server";
/// Explorers answer a submission of the whole standard JSON input slowly.
const EXPLORER_TIMEOUTS: Timeouts = Timeouts {
    connect: std::time::Duration::from_secs(10),
    request: std::time::Duration::from_secs(60),
};

/// Check deployed contracts against the build and verify their source on
/// explorers.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// Records to check (default: all of the environment's).
    names: Vec<String>,
    /// Do not submit to Etherscan.
    #[arg(long)]
    no_etherscan: bool,
    /// Do not submit to Sourcify.
    #[arg(long)]
    no_sourcify: bool,
    /// As JSON.
    #[arg(long)]
    json: bool,
}

/// One contract's checks.
#[derive(Debug, Serialize)]
pub(crate) struct Verdict {
    name: String,
    address: String,
    bytecode: CodeCheck,
    arguments: CodeCheck,
    etherscan: ExplorerCheck,
    sourcify: ExplorerCheck,
}

impl Verdict {
    fn failed(&self) -> bool {
        matches!(self.bytecode, CodeCheck::Mismatch { .. })
            || matches!(self.arguments, CodeCheck::Mismatch { .. })
            || self.etherscan.failed()
            || self.sourcify.failed()
    }
}

fn skipped(reason: &str) -> ExplorerCheck {
    ExplorerCheck::Skipped {
        reason: reason.into(),
    }
}

/// What the explorers are, for this environment.
struct Explorers {
    etherscan: Result<Etherscan, String>,
    sourcify: Result<Sourcify, String>,
}

impl Explorers {
    fn new(
        config: &Config,
        env: &Environment,
        no_etherscan: bool,
        no_sourcify: bool,
    ) -> Result<Self> {
        let vars = config.vars();
        let http = HttpClient::new(&NetSettings::from_env(), EXPLORER_TIMEOUTS)?;
        let local = matches!(env.target, Target::Embedded(_));
        let etherscan = if no_etherscan {
            Err("--no-etherscan".to_owned())
        } else if local {
            Err("a local chain".to_owned())
        } else {
            match vars.get("ETHERSCAN_API_KEY") {
                None => Err("set ETHERSCAN_API_KEY".to_owned()),
                Some(key) => Ok(Etherscan::new(
                    http.clone(),
                    vars.get("SLIPWAY_ETHERSCAN_URL").unwrap_or(ETHERSCAN_URL),
                    Secret::new(key),
                    env.chain.id,
                    Pacing::default(),
                )),
            }
        };
        let sourcify = if no_sourcify {
            Err("--no-sourcify".to_owned())
        } else if local {
            Err("a local chain".to_owned())
        } else {
            Ok(Sourcify::new(
                http,
                vars.get("SLIPWAY_SOURCIFY_URL").unwrap_or(SOURCIFY_URL),
                Pacing::default(),
            ))
        };
        Ok(Self {
            etherscan,
            sourcify,
        })
    }
}

async fn check(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    artifacts: &Artifacts,
    explorers: &Explorers,
    record: &DeploymentRecord,
) -> Result<Verdict> {
    let mut verdict = Verdict {
        name: record.name.clone(),
        address: record.address.to_checksum(None),
        bytecode: CodeCheck::Match { set_aside: vec![] },
        arguments: CodeCheck::Match { set_aside: vec![] },
        etherscan: skipped("the bytecode does not match the build"),
        sourcify: skipped("the bytecode does not match the build"),
    };
    let artifact = match artifacts.find(&record.contract) {
        Ok(a) => a,
        Err(reason) => {
            verdict.bytecode = CodeCheck::Mismatch {
                reason: reason.to_string(),
            };
            return Ok(verdict);
        }
    };
    let code = client.code(record.address).await?;
    verdict.bytecode = compare_runtime(artifact, &record.libraries, record.address, &code);
    verdict.arguments = match record.transaction_hash {
        None => CodeCheck::Match {
            set_aside: vec![
                "no creation transaction recorded (found at its CREATE2 address)".into(),
            ],
        },
        Some(hash) => match client.transaction_input(hash).await? {
            Some(input) => compare_arguments(artifact, record, &input),
            None => CodeCheck::Mismatch {
                reason: format!("the creation transaction {hash} is not on this chain"),
            },
        },
    };
    if matches!(verdict.bytecode, CodeCheck::Mismatch { .. }) {
        return Ok(verdict);
    }
    let submitted = submission(&config.root, artifact, &record.libraries);
    let submitted = match submitted {
        Ok(s) => s,
        Err(reason) => {
            verdict.etherscan = ExplorerCheck::Failed {
                reason: reason.clone(),
            };
            verdict.sourcify = ExplorerCheck::Failed { reason };
            return Ok(verdict);
        }
    };
    verdict.etherscan = match &explorers.etherscan {
        Ok(client) => {
            client
                .verify(record.address, &submitted, &record.constructor_args)
                .await
        }
        Err(why) => skipped(why),
    };
    verdict.sourcify = match &explorers.sourcify {
        Ok(client) => {
            client
                .verify(
                    env.chain.id,
                    record.address,
                    &submitted,
                    record.transaction_hash,
                )
                .await
        }
        Err(why) => skipped(why),
    };
    Ok(verdict)
}

fn code_cell(check: &CodeCheck) -> String {
    match check {
        CodeCheck::Match { set_aside } if set_aside.is_empty() => "match".into(),
        CodeCheck::Match { set_aside } => format!("match; set aside: {}", set_aside.join(", ")),
        CodeCheck::Mismatch { reason } => format!("MISMATCH: {reason}"),
    }
}

fn explorer_cell(check: &ExplorerCheck) -> String {
    match check {
        ExplorerCheck::Verified => "verified".into(),
        ExplorerCheck::AlreadyVerified => "already verified".into(),
        ExplorerCheck::Rejected { reason } => format!("REJECTED: {reason}"),
        ExplorerCheck::Skipped { reason } => format!("skipped ({reason})"),
        ExplorerCheck::Failed { reason } => format!("FAILED: {reason}"),
    }
}

/// Checks `names` (all when empty) of `env`; prints the verdicts; whether all passed.
pub(crate) fn verify(
    global: &GlobalOpts,
    config: &Config,
    env: &Environment,
    names: &[String],
    flags: (bool, bool, bool),
) -> Result<bool> {
    let (no_etherscan, no_sourcify, as_json) = flags;
    let mut records = read_records(&config.root, &env.name)?;
    if !names.is_empty() {
        for name in names {
            if !records.iter().any(|r| &r.name == name) {
                bail!(
                    "no record `{name}` in deployments/{}/ (see `slipway deployments --env {}`)",
                    env.name,
                    env.name
                );
            }
        }
        records.retain(|r| names.contains(&r.name));
    }
    if records.is_empty() {
        bail!(
            "nothing deployed to {} yet: deployments/{}/ has no records",
            env.name,
            env.name
        );
    }
    let build = compile(global, config, Profile::Default, as_json)?;
    if build.has_errors() {
        bail!("compilation failed: nothing to compare with");
    }
    let artifacts = Artifacts::from_output(&build.output, &config.root);
    let explorers = Explorers::new(config, env, no_etherscan, no_sourcify)?;
    let verdicts = runtime()?.block_on(async {
        let connection = connect(config, env).await?;
        let here = slipway_contracts::ChainIdentity {
            chain_id: env.chain.id,
            genesis: Some(connection.genesis_hash().await?),
        };
        for record in &records {
            record.check_chain(&env.name, here)?;
        }
        let mut verdicts = Vec::new();
        for record in &records {
            verdicts.push(check(config, env, &connection, &artifacts, &explorers, record).await?);
        }
        Ok::<_, eyre::Report>(verdicts)
    })?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&verdicts)?);
    } else {
        let mut table = crate::output::table(&[
            "Contract",
            "Address",
            "Bytecode",
            "Constructor args",
            "Etherscan",
            "Sourcify",
        ]);
        for v in &verdicts {
            table.add_row(vec![
                v.name.clone(),
                v.address.clone(),
                code_cell(&v.bytecode),
                code_cell(&v.arguments),
                explorer_cell(&v.etherscan),
                explorer_cell(&v.sourcify),
            ]);
        }
        println!("{table}");
    }
    Ok(!verdicts.iter().any(Verdict::failed))
}

impl VerifyArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.env)?;
        let ok = verify(
            global,
            &config,
            &env,
            &self.names,
            (self.no_etherscan, self.no_sourcify, self.json),
        )?;
        Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }
}
