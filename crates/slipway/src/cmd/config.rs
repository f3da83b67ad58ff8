//! `slipway config`: the resolved configuration, secrets redacted.

use std::{collections::BTreeMap, process::ExitCode};

use clap::Args;
use eyre::Result;

use crate::global::GlobalOpts;

/// Print the configuration.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// Only this environment (its `${VAR}`s must be set).
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// JSON instead of TOML.
    #[arg(long)]
    json: bool,
}

impl ConfigArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let mut environments = BTreeMap::new();
        match &self.env {
            Some(name) => {
                environments.insert(name.clone(), config.environment(name)?);
            }
            None => {
                for name in config.environment_names() {
                    match config.environment(&name) {
                        Ok(env) => {
                            environments.insert(name, env);
                        }
                        Err(e) => tracing::warn!("environment `{name}` not shown: {e}"),
                    }
                }
            }
        }
        let view = config.resolved(environments);
        let text = if self.json {
            serde_json::to_string_pretty(&view)?
        } else {
            toml::to_string_pretty(&view)?
        };
        println!("{}", text.trim_end());
        Ok(ExitCode::SUCCESS)
    }
}
