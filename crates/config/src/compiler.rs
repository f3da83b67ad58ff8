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
    /// Pick the version from the sources' pragmas (forge's
    /// `auto_detect_solc`, a Foundry project that pins no `solc`):
    /// `version` is then only the fallback.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub auto_detect: bool,
    /// `evm_version` is forge's default (osaka), lowered to the newest
    /// hardfork the chosen solc knows, as forge lowers it.
    #[serde(skip)]
    pub clamp_evm_version: bool,
    /// The metadata hash appended to bytecode: `ipfs` (solc's default),
    /// `bzzr1` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytecode_hash: Option<String>,
    /// Whether the CBOR metadata is appended at all (solc's default: yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cbor_metadata: Option<bool>,
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
            auto_detect: false,
            clamp_evm_version: false,
            bytecode_hash: None,
            cbor_metadata: None,
        }
    }
}

/// EVM versions solc accepts in `settings.evmVersion`: the hardforks, by
/// the same names (one enum for both).
pub type EvmVersion = crate::Hardfork;
