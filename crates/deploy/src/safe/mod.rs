//! The Safe use cases of `slipway safe`, and of `send` where an
//! environment signs through a Safe: `info` reads a Safe and compares it
//! with the environment's `multisig = {…}`; `create` makes one; `propose`
//! writes a proposal file (`send`, owner rotation, `reject`); `sign` and
//! `approve` add an owner's approval; `execute` sends it once the threshold
//! is met; `status` lists what is pending; `export` writes Safe{Wallet}'s
//! Transaction Builder JSON. The ops crate reaches them here.

mod create;
mod execute;
mod export;
mod info;
mod open;
mod plan;
mod propose;
mod records;
mod rehearse;
mod sign;
mod status;

use alloy_primitives::Address;
use slipway_chain::safe::{ReleaseError, SafeError, UnsafeTx};
use slipway_keys::SignerError;

pub use create::{SafeCreateHooks, SafeCreateRequest, SafeCreated, SafeProgress, safe_create};
pub use execute::{
    ExecuteHooks, ExecuteRequest, FAILPOINT_EXECUTE_VAR, SafeExecuted, safe_execute,
};
pub use export::transaction_builder_json;
pub use info::{SafeInfo, safe_info};
pub use open::{OpenSafe, lock_proposals, open_safe, proposals_dir};
pub(crate) use plan::deploy_through_open_safe;
pub use plan::{SafeDeploy, Waiting, deploy_through_safe};
pub use propose::{
    OwnerChangeRequest, propose, propose_invocation, propose_owner_change, reject_proposal,
};
pub use records::{check_package_record, safe_record_name};
pub use rehearse::{SafeRehearsal, rehearse_safe_tx};
pub use sign::{SignHooks, SignRequest, SignedProposal, SigningHashes, safe_approve, safe_sign};
pub use status::{ProposalStatus, ProposalView, safe_status};

use crate::{ConfirmError, proposal::ProposalError};

/// Why a Safe command stopped.
#[derive(Debug, thiserror::Error)]
pub enum SafeUseError {
    /// Talking to the Safe or the chain failed.
    #[error(transparent)]
    Safe(#[from] SafeError),
    /// The npm packages are missing.
    #[error(transparent)]
    Release(#[from] ReleaseError),
    /// The signer could not be resolved.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// The confirmation rule refused.
    #[error(transparent)]
    Confirm(#[from] ConfirmError),
    /// No Safe is named.
    #[error(
        "environment `{0}` names no Safe: pass --safe 0x…, or set multisig = {{ safe = \"0x…\", threshold = N }} under [environments.{0}]"
    )]
    NoSafe(String),
    /// The owners and threshold asked for cannot make a Safe, or an owner
    /// change cannot apply.
    #[error("{0}")]
    BadSetup(String),
    /// The proposal file cannot be used.
    #[error(transparent)]
    Proposal(#[from] ProposalError),
    /// The transaction carries a risk nobody accepted.
    #[error(transparent)]
    Unsafe(#[from] UnsafeTx),
    /// The Safe on chain is not the one the configuration describes.
    #[error(
        "the Safe {safe} on `{env}` differs from multisig = {{…}} in slipway.toml: {}; nothing was proposed, signed or sent (fix the configuration, or rotate the owners through the Safe first)",
        .differences.join("; ")
    )]
    NotAsConfigured {
        /// The Safe.
        safe: Address,
        /// The environment.
        env: String,
        /// How it differs.
        differences: Vec<String>,
    },
    /// The signer owns nothing here.
    #[error(
        "signer `{name}` ({address}) is not an owner of the Safe {safe}: its owners are {}; nothing was signed or sent",
        .owners.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ")
    )]
    NotAnOwner {
        /// The signer's name.
        name: String,
        /// Its address.
        address: Address,
        /// The Safe.
        safe: Address,
        /// Its owners.
        owners: Vec<Address>,
    },
    /// Too few owners approved.
    #[error(
        "the proposal has {have} of the {need} approvals the Safe needs; {} more from: {}. Sign with `slipway safe sign {path} --signer NAME` or approve on chain with `slipway safe approve {path}`; nothing was sent",
        .need - .have,
        .waiting.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ")
    )]
    BelowThreshold {
        /// Distinct owners who approved.
        have: usize,
        /// The threshold.
        need: usize,
        /// Owners who have not approved.
        waiting: Vec<Address>,
        /// The proposal file.
        path: String,
    },
    /// An earlier nonce is still pending.
    #[error(
        "the Safe's next transaction is nonce {current}; this proposal has nonce {nonce}: execute or reject the proposals before it first (`slipway safe status`)"
    )]
    NotNext {
        /// The proposal's nonce.
        nonce: alloy_primitives::U256,
        /// The Safe's nonce.
        current: alloy_primitives::U256,
    },
    /// The call named cannot be proposed (its record is of another chain).
    #[error(transparent)]
    Invoke(#[from] crate::InvokeRunError),
    /// The Safe Transaction Service could not be used.
    #[error(transparent)]
    Service(#[from] slipway_chain::safe::ServiceError),
    /// The signature is kept in the file, but the service did not take it.
    #[error(
        "the signature is saved in {path}, but posting it to the Safe Transaction Service failed: {source}. Run the same `slipway safe sign` again to post it"
    )]
    NotPosted {
        /// The proposal file.
        path: String,
        /// Why.
        source: slipway_chain::safe::ServiceError,
    },
    /// The proposals folder is locked or unreadable.
    #[error(transparent)]
    Log(#[from] slipway_log::LogError),
    /// Safe's contracts are missing where slipway does not deploy them.
    #[error(
        "{contract} of Safe {version} is not at its canonical address {address} on `{env}` (chain {chain}), and `{env}` is protected: slipway deploys Safe's contracts only where nothing is protected; use a chain where Safe is deployed, or deploy them through the singleton factory first"
    )]
    NotDeployed {
        /// The contract.
        contract: String,
        /// Its version.
        version: String,
        /// Its canonical address.
        address: Address,
        /// The environment.
        env: String,
        /// Its chain.
        chain: u64,
    },
}
