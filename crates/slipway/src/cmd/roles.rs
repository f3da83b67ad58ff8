//! `slipway roles`: the live holders of every role of every recorded
//! contract, checked against the `[roles]` policy
//! (`slipway_ops::roles::live_roles`); exit 1 on drift.

use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use eyre::Result;

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::session::{connect, environment, runtime};

/// `slipway roles`.
#[derive(Debug, Args)]
pub(crate) struct RolesArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// Print a JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Also write the drifts as SARIF 2.1.0 (for GitHub code scanning).
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Show the static access review beside the holders: for each role,
    /// the functions it may call (builds the project).
    #[arg(long)]
    with_review: bool,
}

impl RolesArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let report = runtime()?.block_on(async {
            let client = connect(&config, &env).await?;
            Ok::<_, eyre::Report>(slipway_ops::roles::live_roles(&config, &env, &client).await?)
        })?;
        if let Some(path) = &self.sarif {
            let log = slipway_analyze::sarif_log(&slipway_ops::roles::rule_set(), &report.findings);
            std::fs::write(path, serde_json::to_string_pretty(&log)? + "\n")
                .map_err(|e| eyre::eyre!("cannot write {}: {e}", path.display()))?;
        }
        let review = if self.with_review {
            let build =
                global.build(&config, slipway_solc::Profile::Default, self.json, &|_| {
                    slipway_solc::Need::Everything
                })?;
            let sources = slipway_analyze::sources_of(&build.artifacts);
            let access = slipway_analyze::access_map(
                &config.root,
                &sources,
                &config.analyze,
                &slipway_analyze::Options::default(),
            )?;
            Some(slipway_ops::roles::with_review(&report, &access))
        } else {
            None
        };
        if self.json {
            let mut json = serde_json::to_value(&report)?;
            if let Some(review) = &review {
                json["review"] = serde_json::to_value(review)?;
            }
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            crate::render::ops::roles(&report);
            if let Some(review) = &review {
                crate::render::ops::review(review);
            }
        }
        Ok(if report.findings.is_empty() {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
