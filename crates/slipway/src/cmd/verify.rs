//! `slipway verify`: every deployment record of an environment (or the
//! named ones) checked against the build — runtime code and constructor
//! arguments — and submitted to Etherscan-v2- and Sourcify-compatible
//! explorers (`slipway_deploy::verify`).

use std::process::ExitCode;

use clap::Args;
use eyre::{Result, bail};
use slipway_contracts::Artifacts;
use slipway_deploy::verify::{Verdict, VerifyRequest, verify};
use slipway_solc::Profile;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{
    render,
    session::{command_line, runtime},
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
        let need = slipway_deploy::verify_need(&config, &env, &self.names);
        let build = global.build(&config, Profile::Default, self.json, &need)?;
        if build.has_errors() {
            bail!("compilation failed: nothing to compare with");
        }
        let artifacts = Artifacts::from_build(&build.artifacts);
        let request = VerifyRequest {
            names: self.names,
            etherscan: !self.no_etherscan,
            sourcify: !self.no_sourcify,
        };
        let verdicts =
            runtime()?.block_on(verify(&config, &env, &artifacts, &request, &command_line()))?;
        println!("{}", render::verify::text(&verdicts, self.json)?);
        let failed = verdicts.iter().any(Verdict::failed);
        Ok(if failed {
            CHECK_FAILED.into()
        } else {
            ExitCode::SUCCESS
        })
    }
}
