//! `[fuzz]` and `[invariant]`: how `slipway test` fuzzes tests with
//! parameters and runs invariant tests (forge's keys).

use serde::{Deserialize, Serialize};

/// Fuzzing settings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FuzzConfig {
    /// Inputs tried per fuzz test.
    pub runs: u32,
    /// A fixed seed (the same inputs every run); unset: a new seed each run,
    /// printed with any failure.
    pub seed: Option<u64>,
    /// Inputs `vm.assume` may reject before the test fails.
    pub max_test_rejects: u32,
}

impl Default for FuzzConfig {
    fn default() -> Self {
        Self {
            runs: 256,
            seed: None,
            max_test_rejects: 65_536,
        }
    }
}

/// Invariant test settings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvariantConfig {
    /// Call sequences per invariant.
    pub runs: u32,
    /// Calls per sequence.
    pub depth: u32,
    /// A reverting call fails the invariant test.
    pub fail_on_revert: bool,
}

impl Default for InvariantConfig {
    fn default() -> Self {
        Self {
            runs: 256,
            depth: 50,
            fail_on_revert: false,
        }
    }
}
