//! The flags every subcommand takes, and the exit code of a failed check:
//! what command files share (they import nothing from each other or from
//! `cmd`).

use std::path::PathBuf;

use clap::Args;
use eyre::Result;
use slipway_config::{CONFIG_FILE, Config, FOUNDRY_FILE};

/// The exit code of a command whose check failed: failing tests, a gate
/// below its threshold, drift, a mismatch, a reverted call. (0: success;
/// 2: an error stopped the command — see `main`.)
pub(crate) const CHECK_FAILED: u8 = 1;

/// Flags every subcommand takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalOpts {
    /// Project root (default: the nearest directory upwards with
    /// slipway.toml or foundry.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Print less: no progress lines.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// More output: -v logging, `test` -vv console.log of every test, -vvv
    /// traces of failing tests, -vvvv debug logging; RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Never use the network for the compiler (also SLIPWAY_OFFLINE=1):
    /// solcjs from npm stands in for the native solc.
    #[arg(long, global = true)]
    pub(crate) offline: bool,
    /// Colour: auto (TTY and no NO_COLOR), always or never.
    #[arg(long, global = true, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub(crate) color: String,
}

impl GlobalOpts {
    /// The project root.
    pub(crate) fn root(&self) -> Result<PathBuf> {
        if let Some(root) = &self.root {
            // Absolute, so that paths derived from it (remappings, artifacts)
            // do not depend on the working directory of the compiler.
            return Ok(std::path::absolute(root)?);
        }
        let cwd = std::env::current_dir()?;
        Ok(cwd
            .ancestors()
            .find(|d| d.join(CONFIG_FILE).is_file() || d.join(FOUNDRY_FILE).is_file())
            .unwrap_or(&cwd)
            .to_path_buf())
    }

    /// What the output layer needs of these flags.
    pub(crate) fn ui(&self) -> crate::output::Ui {
        crate::output::Ui { quiet: self.quiet }
    }

    /// Builds the project for a command that goes on to test, deploy or
    /// verify, showing progress and diagnostics (unless `quiet`). On an
    /// unchanged project only what `need` asks of each contract is read.
    pub(crate) fn build(
        &self,
        config: &Config,
        profile: slipway_solc::Profile,
        quiet: bool,
        need: &dyn Fn(&slipway_solc::BuiltContract) -> slipway_solc::Need,
    ) -> Result<slipway_solc::BuildReport> {
        crate::render::build::compile(self.ui(), self.offline, config, profile, quiet, need)
    }

    /// The project's configuration.
    pub(crate) fn config(&self) -> Result<Config> {
        let config = Config::load(&self.root()?)?;
        for warning in &config.provenance.warnings {
            tracing::warn!("{warning}");
        }
        Ok(config)
    }
}
