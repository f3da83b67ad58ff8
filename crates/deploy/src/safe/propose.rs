//! Proposals written: calls a Safe is to make (one call, or a batch through
//! its version's MultiSendCallOnly), and the empty transaction that
//! rejects a proposal by using its nonce, as Safe{Wallet} does.

use std::path::{Path, PathBuf};

use alloy_primitives::{Bytes, U256};
use slipway_chain::safe::{AllowedRisks, Operation, OwnerChange, SafeTx, check_transaction};

use super::{OpenSafe, SafeUseError};
use crate::proposal::{Proposal, ProposalError, ProposedCall};
use crate::{Approval, Confirm, authorise};

/// Writes a proposal of `calls` for `safe` at its next free nonce: one call
/// as it is, several as one MultiSendCallOnly batch. Checked first (a
/// delegatecall or gas refund nobody allowed is refused).
pub fn propose(
    safe: &OpenSafe,
    calls: Vec<ProposedCall>,
    allowed: AllowedRisks,
) -> Result<(Proposal, PathBuf), SafeUseError> {
    let _lock = safe.lock("slipway safe propose")?;
    let nonce = safe.next_nonce();
    write(safe, calls, nonce, allowed)
}

/// [`propose`], except that a pending proposal making exactly these calls
/// is taken as it is: a deploy that stopped between writing its proposal
/// and journaling it proposes nothing twice.
pub(crate) fn propose_calls(
    safe: &OpenSafe,
    calls: Vec<ProposedCall>,
    allowed: AllowedRisks,
) -> Result<(Proposal, PathBuf), SafeUseError> {
    let _lock = safe.lock("slipway deploy")?;
    let same = |p: &Proposal| {
        p.executed.is_none()
            && p.tx.nonce >= safe.state.nonce
            && p.calls.len() == calls.len()
            && p.calls
                .iter()
                .zip(&calls)
                .all(|(a, b)| a.to == b.to && a.value == b.value && a.data == b.data)
    };
    if let Some((path, proposal)) = safe
        .proposals()
        .into_iter()
        .find_map(|(path, loaded)| loaded.ok().filter(same).map(|p| (path, p)))
    {
        return Ok((proposal, path));
    }
    let nonce = safe.next_nonce();
    write(safe, calls, nonce, allowed)
}

fn write(
    safe: &OpenSafe,
    calls: Vec<ProposedCall>,
    nonce: U256,
    allowed: AllowedRisks,
) -> Result<(Proposal, PathBuf), SafeUseError> {
    let tx = match calls.as_slice() {
        [] => {
            return Err(SafeUseError::BadSetup(
                "a proposal needs at least one call".into(),
            ));
        }
        [call] => SafeTx {
            to: call.to,
            value: call.value,
            data: call.data.clone(),
            operation: call.operation,
            nonce,
            ..Default::default()
        },
        several => SafeTx::batch(
            &safe.batching,
            &several
                .iter()
                .map(ProposedCall::batched)
                .collect::<Vec<_>>(),
            nonce,
        ),
    };
    check_transaction(&tx, &safe.batching, allowed)?;
    // Inside a batch, too, only CreateCall is delegatecalled.
    if calls.len() > 1
        && !allowed.delegatecall
        && let Some(call) = calls
            .iter()
            .find(|c| c.operation == Operation::DelegateCall && c.to != safe.batching.create_call)
    {
        return Err(slipway_chain::safe::UnsafeTx::Delegatecall {
            to: call.to,
            version: safe.batching.version.clone(),
        }
        .into());
    }
    let summary = calls.iter().map(|c| c.summary.clone()).collect();
    let mut proposal = Proposal::new(safe.state.address, safe.chain_id, tx, summary);
    proposal.calls = calls;
    let path = proposal.save(&safe.dir)?;
    Ok((proposal, path))
}

/// Proposes the empty transaction at the nonce of the proposal at `path`:
/// once executed, that proposal can never be.
pub fn reject_proposal(
    safe: &OpenSafe,
    env: &slipway_config::Environment,
    path: &Path,
    approval: &Approval,
    confirm: &dyn Confirm,
) -> Result<(Proposal, PathBuf), SafeUseError> {
    let rejected = Proposal::load(path)?;
    authorise(
        env,
        &format!(
            "proposing to reject Safe transaction {} (nonce {})",
            rejected.safe_tx_hash, rejected.tx.nonce
        ),
        approval,
        confirm,
    )?;
    if rejected.safe != safe.state.address {
        return Err(ProposalError::OtherSafe {
            safe: rejected.safe,
            other: safe.state.address,
        }
        .into());
    }
    rejected.check_against(&safe.state)?;
    let _lock = safe.lock("slipway safe reject")?;
    let call = ProposedCall {
        operation: Operation::Call,
        to: safe.state.address,
        value: U256::ZERO,
        data: Bytes::new(),
        summary: format!(
            "reject {}: an empty transaction that uses nonce {}, so that it can never execute",
            rejected.safe_tx_hash, rejected.tx.nonce
        ),
    };
    write(safe, vec![call], rejected.tx.nonce, AllowedRisks::default())
}

/// `slipway send` where the environment signs through a Safe: the call
/// becomes a proposal of the environment's Safe instead of a transaction.
pub async fn propose_invocation(
    config: &slipway_config::Config,
    env: &slipway_config::Environment,
    client: &slipway_chain::ChainClient,
    invocation: &slipway_contracts::Invocation,
    value: U256,
    allowed: AllowedRisks,
) -> Result<(Proposal, PathBuf), SafeUseError> {
    crate::invoke::check_record(env, client, invocation).await?;
    let safe = super::open_safe(config, env, client, allowed).await?;
    let name = invocation
        .record
        .as_ref()
        .map(|r| format!("{} ", r.name))
        .unwrap_or_default();
    // The arguments decoded back from the calldata with the function's ABI.
    let args = alloy_dyn_abi::JsonAbiExt::abi_decode_input(
        &invocation.function,
        invocation.calldata.get(4..).unwrap_or_default(),
    )
    .map(|values| {
        values
            .iter()
            .map(crate::encode::shown)
            .collect::<Vec<_>>()
            .join(", ")
    })
    .unwrap_or_default();
    let mut summary = format!(
        "call {}({args}) on {name}{}",
        invocation.function.name, invocation.to
    );
    if !value.is_zero() {
        summary.push_str(&format!(" with {value} wei"));
    }
    propose(
        &safe,
        vec![ProposedCall {
            operation: Operation::Call,
            to: invocation.to,
            value,
            data: invocation.calldata.clone(),
            summary,
        }],
        allowed,
    )
}

/// Proposes a change of owners or threshold: a call of the Safe to itself,
/// checked against its owners now. `threshold` left out keeps the current
/// one (lowered when removing an owner would leave too few).
pub async fn propose_owner_change(
    config: &slipway_config::Config,
    env: &slipway_config::Environment,
    client: &slipway_chain::ChainClient,
    change: OwnerChangeRequest,
    approval: &Approval,
    confirm: &dyn Confirm,
) -> Result<(Proposal, PathBuf), SafeUseError> {
    let allowed = AllowedRisks::default();
    let safe = super::open_safe(config, env, client, allowed).await?;
    let state = &safe.state;
    let owners = state.owners.len() as u64;
    let change = match change {
        OwnerChangeRequest::Add { owner, threshold } => OwnerChange::Add {
            owner,
            threshold: threshold.unwrap_or(state.threshold),
        },
        OwnerChangeRequest::Remove { owner, threshold } => OwnerChange::Remove {
            owner,
            threshold: threshold.unwrap_or(state.threshold.min(owners.saturating_sub(1))),
        },
        OwnerChangeRequest::Swap { old, new } => OwnerChange::Swap { old, new },
        OwnerChangeRequest::Threshold(threshold) => OwnerChange::Threshold(threshold),
    };
    let data = change.calldata(state).map_err(SafeUseError::BadSetup)?;
    authorise(
        env,
        &format!(
            "proposing to {} on Safe {}",
            change.describe(),
            state.address
        ),
        approval,
        confirm,
    )?;
    propose(
        &safe,
        vec![ProposedCall {
            operation: Operation::Call,
            to: state.address,
            value: U256::ZERO,
            data,
            summary: change.describe(),
        }],
        allowed,
    )
}

/// An owner change as asked for (thresholds optional).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerChangeRequest {
    /// `owners add ADDR [--threshold N]`.
    Add {
        /// The new owner.
        owner: alloy_primitives::Address,
        /// The threshold afterwards (default: unchanged).
        threshold: Option<u64>,
    },
    /// `owners remove ADDR [--threshold N]`.
    Remove {
        /// The owner leaving.
        owner: alloy_primitives::Address,
        /// The threshold afterwards (default: unchanged, or the owners
        /// left if fewer).
        threshold: Option<u64>,
    },
    /// `owners swap OLD NEW`.
    Swap {
        /// The owner leaving.
        old: alloy_primitives::Address,
        /// The owner coming.
        new: alloy_primitives::Address,
    },
    /// `threshold N`.
    Threshold(u64),
}
