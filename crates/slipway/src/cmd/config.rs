//! `slipway config`: the resolved configuration, secrets redacted.

use std::{collections::BTreeMap, process::ExitCode};

use clap::Args;
use eyre::Result;
use serde::Serialize;
use slipway_config::{
    CompilerConfig, Environment, FuzzConfig, Gates, InvariantConfig, MonitorConfig, ProjectConfig,
    Provenance, TestConfig,
};

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

#[derive(Serialize)]
struct View<'a> {
    project: &'a ProjectConfig,
    compiler: &'a CompilerConfig,
    fuzz: &'a FuzzConfig,
    invariant: &'a InvariantConfig,
    test: &'a TestConfig,
    gates: &'a Gates,
    monitor: &'a MonitorConfig,
    environments: BTreeMap<String, Environment>,
    /// Where each value came from, and the foundry.toml keys not used.
    sources: &'a Provenance,
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
        let view = View {
            project: &config.project,
            compiler: &config.compiler,
            fuzz: &config.fuzz,
            invariant: &config.invariant,
            test: &config.test,
            gates: &config.gates,
            monitor: &config.monitor,
            environments,
            sources: &config.provenance,
        };
        let text = if self.json {
            serde_json::to_string_pretty(&view)?
        } else {
            toml::to_string_pretty(&view)?
        };
        println!("{}", text.trim_end());
        Ok(ExitCode::SUCCESS)
    }
}
