//! The `slipway.toml` model (and `foundry.toml`, read as forge reads it,
//! for a Foundry project): project layout, compiler settings, deployment
//! environments (with the SOP's development / staging / production presets),
//! quality gates, static analysis and monitoring settings, emergency-action
//! mappings and the role policy.
//!
//! Loading validates everything the file says — unknown keys, wrong types and
//! bad values are errors that name the file, line and key — but interpolation
//! of `${VAR}` values inside an environment is deferred until that
//! environment is used, so a command that never touches production never needs
//! production's secrets. This crate reads files and the process environment;
//! it must not talk to the network or to a compiler.

mod analyze;
mod chains;
mod compiler;
mod environment;
mod error;
mod foundry;
mod fuzz;
mod gates;
mod interpolate;
mod load;
mod mapping;
mod monitor;
mod ops;
mod project;
mod raw;
mod resolved;
mod secret;
mod source;
pub mod state;
mod test_host;

pub use analyze::{AnalyzeConfig, LintConfig};
pub use chains::{ChainSpec, is_known_testnet, resolve_chain};
pub use compiler::{CompilerConfig, DEFAULT_SOLC, EvmVersion};
pub use environment::{
    DEPLOYER, DevnetSettings, Environment, ExternalApi, FeePolicy, Hardfork, Multisig, PriorityFee,
    Signer, Target, TxService,
};
pub use error::{ConfigError, Location, Result};
pub use foundry::{FOUNDRY_FILE, Origin};
pub use fuzz::{FuzzConfig, InvariantConfig};
pub use gates::{Gates, LintSeverity};
pub use interpolate::{ExpandError, Vars};
pub use load::{CONFIG_FILE, Config};
pub use mapping::{MAPPED as FOUNDRY_KEYS, Provenance};
pub use monitor::{
    Clause, CloudWatch, Literal, MonitorConfig, Op, Rate, Rule, Sink, Watch, amount,
    parse_condition,
};
pub use ops::{AboveRule, AdminRule, OpsMapping, RolesPolicy};
pub use project::ProjectConfig;
pub use resolved::Resolved;
pub use secret::{REDACTED, RpcUrl, Secret};
pub use test_host::{DEFAULT_SENDER, FsAccess, FsPermission, TestConfig};

/// The mnemonic Hardhat, anvil and ganache derive their dev accounts from.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";
