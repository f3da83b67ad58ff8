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
    /// Only test files whose path matches this glob, as forge's (`*`
    /// crosses `/`; `./test/*` also matches `test/…`).
    #[arg(long, visible_alias = "mp", value_name = "GLOB")]
    match_path: Option<String>,
    /// Skip test files whose path matches this glob.
    #[arg(long, visible_alias = "nmp", value_name = "GLOB")]
    no_match_path: Option<String>,
    /// Only the tests in files matching PATH (a glob, as --match-path).
    #[arg(value_name = "PATH", conflicts_with = "match_path")]
    path: Option<String>,
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
    /// Run every test on a fork of a live network: a URL, an environment
    /// of slipway.toml, or an [rpc_endpoints] alias. What is read is cached
    /// in .slipway/fork-cache; nothing is sent to it.
    #[arg(long, value_name = "URL|ENV")]
    fork_url: Option<String>,
    /// The block to fork (default: the remote's head).
    #[arg(long, value_name = "N", requires = "fork_url")]
    fork_block_number: Option<u64>,
}

impl Selection {
    /// The request for the test suite (the caller sets what its command
    /// adds: gas report, coverage, traces, a default seed).
    pub(crate) fn request(&self, config: &slipway_config::Config) -> SuiteRequest {
        SuiteRequest {
            filter: FilterPatterns {
                match_test: self.match_test.clone(),
                no_match_test: self.no_match_test.clone(),
                match_contract: self.match_contract.clone(),
                no_match_contract: self.no_match_contract.clone(),
                match_path: self.path.clone().or_else(|| self.match_path.clone()),
                no_match_path: self.no_match_path.clone(),
            },
            fuzz_runs: self.fuzz_runs,
            fuzz_seed: self.fuzz_seed,
            invariant_runs: self.invariant_runs,
            invariant_depth: self.invariant_depth,
            forks: Some(std::sync::Arc::new(slipway_chain::Forks::new(config))),
            fork_url: self.fork_url.clone(),
            fork_block_number: self.fork_block_number,
            ..SuiteRequest::default()
        }
    }
}

/// `--yes` and `--reason`: what the confirmation rule of a protected
/// environment takes (`deploy`, `send`).
#[derive(Debug, Args)]
pub(crate) struct ApprovalOpts {
    /// Do not ask to type the environment's name back (a protected
    /// environment needs this without a terminal).
    #[arg(long)]
    yes: bool,
    /// Why this is done; recorded with it.
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

impl ApprovalOpts {
    /// The library's approval; `reason_required` where the command needs
    /// one in a protected environment.
    pub(crate) fn approval(&self, reason_required: bool) -> slipway_deploy::Approval {
        slipway_deploy::Approval {
            yes: self.yes,
            reason: self.reason.clone(),
            reason_required,
        }
    }
}

/// `--signer NAME`: one of the environment's named signers.
#[derive(Debug, Args)]
pub(crate) struct SignerOpts {
    /// The environment's signer that signs (`[environments.X.signers]`).
    #[arg(long, value_name = "NAME", default_value = slipway_config::DEPLOYER)]
    pub(crate) signer: String,
}
