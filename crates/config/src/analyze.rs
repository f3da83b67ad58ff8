//! `[analyze]` and `[lint]`: which detectors or rules run where, and at
//! what severity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::LintSeverity;

/// `[analyze]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyzeConfig {
    /// Severity overrides: detector id → severity.
    pub severity: BTreeMap<String, LintSeverity>,
    /// Detectors that never run.
    pub exclude: Vec<String>,
    /// Paths left out: a name without `/` (`lib`) leaves out every
    /// directory of that name, a path (`contracts/test`) that directory.
    pub exclude_paths: Vec<String>,
    /// Analyse the test directory and forge's `*.t.sol` files too (off:
    /// tests call cheatcodes and mocks in ways that are no risk on chain).
    pub tests: bool,
    /// State-changing functions anyone may call by design
    /// (`"Bridge.deposit"`): the access review lists them as decided, and
    /// `access-*` findings about them are suppressed.
    pub public_functions: Vec<String>,
}

impl Default for AnalyzeConfig {
    fn default() -> Self {
        Self {
            severity: BTreeMap::new(),
            exclude: Vec::new(),
            exclude_paths: vec!["node_modules".to_owned(), "lib".to_owned()],
            tests: false,
            public_functions: Vec::new(),
        }
    }
}

impl AnalyzeConfig {
    /// Whether `path` (relative to the project root) is left out.
    pub fn excludes(&self, path: &std::path::Path) -> bool {
        self.exclude_paths.iter().any(|entry| {
            let entry = entry.trim_end_matches('/');
            if entry.contains('/') {
                path.starts_with(entry)
            } else {
                path.components().any(|c| c.as_os_str() == entry)
            }
        })
    }
}

/// `[lint]`: rule selection, severity overrides and paths for `slipway lint`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LintConfig {
    /// Severity overrides: rule id → severity.
    pub severity: BTreeMap<String, LintSeverity>,
    /// Rules that never run.
    pub exclude: Vec<String>,
    /// Only these rules (all when empty).
    pub rules: Vec<String>,
    /// Paths left out, as in `[analyze]` (default: `lib`, `node_modules`).
    pub exclude_paths: Vec<String>,
    /// Lint the test directory too.
    pub tests: bool,
}

impl Default for LintConfig {
    fn default() -> Self {
        let analyze = AnalyzeConfig::default();
        Self {
            severity: BTreeMap::new(),
            exclude: Vec::new(),
            rules: Vec::new(),
            exclude_paths: analyze.exclude_paths,
            tests: false,
        }
    }
}

impl LintConfig {
    /// The same selection in the engine's terms.
    pub fn as_analyze(&self) -> AnalyzeConfig {
        AnalyzeConfig {
            severity: self.severity.clone(),
            exclude: self.exclude.clone(),
            exclude_paths: self.exclude_paths.clone(),
            tests: self.tests,
            public_functions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn dependencies_are_left_out_by_default_and_paths_by_prefix() {
        let mut config = AnalyzeConfig::default();
        assert!(config.excludes(Path::new("lib/forge-std/src/Test.sol")));
        assert!(config.excludes(Path::new("contracts/lib/slipway-std/Test.sol")));
        assert!(config.excludes(Path::new(
            "node_modules/@openzeppelin/contracts/token/ERC20/ERC20.sol"
        )));
        assert!(
            !config.excludes(Path::new("contracts/src/library/Math.sol")),
            "a name, not a prefix of one"
        );
        config.exclude_paths = vec!["contracts/test/".to_owned()];
        assert!(config.excludes(Path::new("contracts/test/Bridge.t.sol")));
        assert!(!config.excludes(Path::new("contracts/src/Bridge.sol")));
        assert!(
            !config.excludes(Path::new("lib/x.sol")),
            "the defaults were replaced"
        );
    }
}
