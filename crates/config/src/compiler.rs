//! `[compiler]`: the pinned Solidity compiler and its settings.

use std::path::PathBuf;

use semver::Version;
use serde::{Deserialize, Serialize};

/// The Solidity version the SOP pins.
pub const DEFAULT_SOLC: Version = Version::new(0, 8, 20);

/// Compiler settings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompilerConfig {
    /// Exact solc version.
    #[serde(alias = "solc")]
    pub version: Version,
    /// An explicit compiler executable (also `SLIPWAY_SOLC`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// Whether the optimizer runs.
    pub optimizer: bool,
    /// Optimizer runs.
    pub optimizer_runs: u32,
    /// Target EVM version; the compiler's default when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evm_version: Option<EvmVersion>,
    /// Compile through the IR pipeline.
    pub via_ir: bool,
}

impl Default for CompilerConfig {
    fn default() -> Self {
        Self {
            version: DEFAULT_SOLC,
            path: None,
            optimizer: true,
            optimizer_runs: 200,
            evm_version: None,
            via_ir: false,
        }
    }
}

/// EVM versions solc accepts in `settings.evmVersion`: the hardforks, by
/// the same names (one enum for both).
pub type EvmVersion = crate::Hardfork;
