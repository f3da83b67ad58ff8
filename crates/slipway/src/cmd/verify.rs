//! `slipway verify`: every deployment record of an environment (or the
//! named ones) checked against the build — runtime code and constructor
//! arguments — and submitted to Etherscan-v2- and Sourcify-compatible
//! explorers (`slipway_deploy::verify`).

use std::process::ExitCode;

use clap::Args;
use eyre::{Result, bail};
use slipway_contracts::Artifacts;
use slipway_deploy::verify::{Explorers, Verdict, select_records, verify_records};
use slipway_solc::Profile;

use super::{CHECK_FAILED, GlobalOpts};
use crate::{
    render,
    session::{connect, runtime},
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

impl VerifyArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.env)?;
        let records = select_records(&config, &env, &self.names)?;
        let build = render::build::compile(global, &config, Profile::Default, self.json)?;
        if build.has_errors() {
            bail!("compilation failed: nothing to compare with");
        }
        let artifacts = Artifacts::from_output(&build.output, &config.root);
        let explorers = Explorers::for_env(&config, &env, !self.no_etherscan, !self.no_sourcify)?;
        let verdicts = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(
                verify_records(&config, &env, &client, &artifacts, &explorers, &records).await?,
            )
        })?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&verdicts)?);
        } else {
            println!("{}", render::verify::table(&verdicts));
        }
        Ok(if verdicts.iter().any(Verdict::failed) {
            CHECK_FAILED.into()
        } else {
            ExitCode::SUCCESS
        })
    }
}
