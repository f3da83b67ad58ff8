//! `slipway backup` and `slipway restore`: one environment's operational
//! state in a checked archive, to a folder or S3-compatible storage, and
//! back (`slipway_infra::backup`).

use std::{process::ExitCode, time::SystemTime};

use clap::Args;
use eyre::{Result, bail};
use slipway_contracts::Artifacts;
use slipway_deploy::verify::Verdict;
use slipway_infra::backup::{self, Location};
use slipway_solc::Profile;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{output, render, session::runtime};

/// `slipway backup`.
#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// A folder (default: backups/ in the project) or s3://BUCKET/PREFIX
    /// (credentials, region and endpoint from the AWS_* variables).
    #[arg(long, value_name = "DIR|s3://BUCKET/PREFIX")]
    to: Option<String>,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

impl BackupArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.env)?;
        let to = Location::parse(
            self.to.as_deref().unwrap_or(backup::DEFAULT_DIR),
            &config.root,
        )?;
        let outcome = runtime()?.block_on(backup::backup(&config, &env, &to, SystemTime::now()))?;
        if self.json {
            let json = serde_json::json!({
                "location": outcome.location.to_string(),
                "archive_size": outcome.archive_size,
                "manifest": outcome.manifest,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            println!("{}", outcome.location);
        }
        let manifest = &outcome.manifest;
        output::status(
            global.ui(),
            "Backed up",
            &format!(
                "{} of {} ({} bytes{}, chain {}) to {} ({} bytes)",
                output::count(manifest.files.len(), "file"),
                manifest.environment,
                manifest.size(),
                if manifest.embedded_chain {
                    ", the embedded chain included"
                } else {
                    ""
                },
                manifest.chain_id,
                outcome.location,
                outcome.archive_size
            ),
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// `slipway restore`.
#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The archive: a file, or s3://BUCKET/KEY.
    archive: String,
    /// Then check the restored records against the chain's code (runtime
    /// bytecode and constructor arguments); exit 1 on a mismatch.
    #[arg(long)]
    verify: bool,
    /// Print what was restored as JSON.
    #[arg(long)]
    json: bool,
}

impl RestoreArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let from = Location::parse(&self.archive, &std::env::current_dir()?)?;
        let runtime = runtime()?;
        let outcome = runtime.block_on(backup::restore(&config, &from))?;
        let manifest = &outcome.manifest;
        output::status(
            global.ui(),
            "Restored",
            &format!(
                "{} of {} (chain {}, made {} by slipway {})",
                output::count(outcome.written.len(), "file"),
                manifest.environment,
                manifest.chain_id,
                manifest.created,
                manifest.slipway
            ),
        );
        if let Some(kept) = &outcome.config_differs {
            tracing::warn!(
                "the configuration has changed since this backup was made; the one it kept is in {} (compare with `slipway config --env {}`)",
                kept.display(),
                manifest.environment
            );
        }
        let mut verdicts: Vec<Verdict> = Vec::new();
        if self.verify {
            let env = config.environment(&manifest.environment)?;
            let need = slipway_deploy::verify_need(&config, &env, &[]);
            let build = global.build(&config, Profile::Default, self.json, &need)?;
            if build.has_errors() {
                bail!("compilation failed: nothing to compare the restored records with");
            }
            let artifacts = Artifacts::from_build(&build.artifacts);
            verdicts = runtime.block_on(backup::verify_restored(&config, &env, &artifacts))?;
            if !self.json {
                println!("{}", render::verify::text(&verdicts, false)?);
            }
        }
        if self.json {
            let json = serde_json::json!({
                "manifest": manifest,
                "written": outcome.written,
                "config_differs": outcome.config_differs,
                "verified": verdicts,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Ok(if verdicts.iter().any(Verdict::failed) {
            CHECK_FAILED.into()
        } else {
            ExitCode::SUCCESS
        })
    }
}
