//! The resolved configuration as `slipway config` prints it and `slipway
//! backup` keeps it: every setting after presets, foundry.toml and
//! `${VAR}`s, secrets redacted by their types.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{
    CompilerConfig, Config, Environment, FuzzConfig, Gates, InvariantConfig, MonitorConfig,
    ProjectConfig, Provenance, TestConfig,
};

/// The resolved configuration, for serialising (TOML or JSON).
#[derive(Serialize)]
pub struct Resolved<'a> {
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

impl Config {
    /// The configuration with `environments` resolved.
    pub fn resolved(&self, environments: BTreeMap<String, Environment>) -> Resolved<'_> {
        Resolved {
            project: &self.project,
            compiler: &self.compiler,
            fuzz: &self.fuzz,
            invariant: &self.invariant,
            test: &self.test,
            gates: &self.gates,
            monitor: &self.monitor,
            environments,
            sources: &self.provenance,
        }
    }
}
