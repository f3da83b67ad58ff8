//! Arguments several commands share.

use clap::Args;
use slipway_test_runner::{FilterPatterns, SuiteRequest};

/// Which tests run, and how fuzz and invariant tests run (`test`,
/// `snapshot`, `coverage`).
#[derive(Debug, Args)]
pub(crate) struct Selection {
    /// Only tests whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    match_test: Option<String>,
    /// Skip tests whose name matches.
    #[arg(long, value_name = "REGEX")]
    no_match_test: Option<String>,
    /// Only contracts whose name matches.
    #[arg(long, value_name = "REGEX")]
    match_contract: Option<String>,
    /// Skip contracts whose name matches.
    #[arg(long, value_name = "REGEX")]
    no_match_contract: Option<String>,
    /// Only test files whose path matches.
    #[arg(long, value_name = "REGEX")]
    match_path: Option<String>,
    /// Skip test files whose path matches.
    #[arg(long, value_name = "REGEX")]
    no_match_path: Option<String>,
    /// Inputs per fuzz test (default: `[fuzz] runs`, 256).
    #[arg(long, value_name = "N")]
    fuzz_runs: Option<u32>,
    /// Seed of the fuzz inputs: the same seed replays the same inputs
    /// (default: `[fuzz] seed`, else a new one, printed with failures).
    #[arg(long, value_name = "SEED")]
    fuzz_seed: Option<u64>,
    /// Call sequences per invariant (default: `[invariant] runs`, 256).
    #[arg(long, value_name = "N")]
    invariant_runs: Option<u32>,
    /// Calls per sequence (default: `[invariant] depth`, 50).
    #[arg(long, value_name = "N")]
    invariant_depth: Option<u32>,
}

impl Selection {
    /// The request for the test suite (the caller sets what its command
    /// adds: gas report, coverage, traces, a default seed).
    pub(crate) fn request(&self) -> SuiteRequest {
        SuiteRequest {
            filter: FilterPatterns {
                match_test: self.match_test.clone(),
                no_match_test: self.no_match_test.clone(),
                match_contract: self.match_contract.clone(),
                no_match_contract: self.no_match_contract.clone(),
                match_path: self.match_path.clone(),
                no_match_path: self.no_match_path.clone(),
            },
            fuzz_runs: self.fuzz_runs,
            fuzz_seed: self.fuzz_seed,
            invariant_runs: self.invariant_runs,
            invariant_depth: self.invariant_depth,
            ..SuiteRequest::default()
        }
    }
}
