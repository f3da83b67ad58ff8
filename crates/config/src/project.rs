//! `[project]`: where sources, tests, libraries and artifacts live.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The project's layout. Paths are relative to the directory of `slipway.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectConfig {
    /// Contract sources.
    pub src: PathBuf,
    /// Solidity tests (`*.t.sol`).
    pub test: PathBuf,
    /// Solidity scripts.
    pub script: PathBuf,
    /// Compiled artifacts.
    pub out: PathBuf,
    /// Library roots searched for imports.
    pub libs: Vec<PathBuf>,
    /// Import remappings (`prefix=target`), besides those in `remappings.txt`.
    pub remappings: Vec<String>,
}

impl Default for ProjectConfig {
    fn default() -> Self {
        Self {
            src: "contracts/src".into(),
            test: "contracts/test".into(),
            script: "contracts/script".into(),
            out: "out".into(),
            libs: vec!["contracts/lib".into(), "node_modules".into()],
            remappings: Vec::new(),
        }
    }
}
