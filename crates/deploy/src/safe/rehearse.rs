//! A Safe transaction executed on a rehearsal fork as the Safe itself
//! would: the owners' real signatures used where they verify, and only the
//! owners still missing impersonated — each approves the safeTxHash on
//! chain (`approveHash`), then one of them sends `execTransaction`, so the
//! Safe's own checks (owners, threshold, nonce, signature order) run.

use alloy_primitives::{Address, B256};
use slipway_chain::{
    Lifecycle, Rehearsal,
    safe::{
        Landed, OwnerSignature, SafeTx, approve_hash, exec_transaction, executor_approval,
        read_state,
    },
};
use slipway_keys::ChainSigner;

use super::SafeUseError;

/// How a rehearsed Safe transaction was approved and executed.
#[derive(Clone, Debug)]
pub struct SafeRehearsal {
    /// Its safeTxHash on the fork.
    pub safe_tx_hash: B256,
    /// Owners whose real signatures were used.
    pub signed: Vec<Address>,
    /// Owners impersonated to approve it on the fork.
    pub impersonated: Vec<Address>,
    /// The `execTransaction` that ran it.
    pub executed: Landed,
}

/// Executes `tx` of the Safe at `safe` on `rehearsal`, with the real
/// `signatures` that verify and impersonated approvals for the rest.
pub async fn rehearse_safe_tx(
    rehearsal: &Rehearsal,
    lifecycle: &Lifecycle,
    safe: Address,
    tx: &SafeTx,
    signatures: &[OwnerSignature],
) -> Result<SafeRehearsal, SafeUseError> {
    let client = &rehearsal.client;
    let state = read_state(client, safe).await?;
    if tx.nonce != state.nonce {
        return Err(SafeUseError::BadSetup(format!(
            "the Safe transaction uses nonce {}, but the Safe {safe} is at nonce {} on the fork: execute or reject the transactions before it first",
            tx.nonce, state.nonce
        )));
    }
    let hash = tx.hash(rehearsal.block.chain_id, safe);
    let mut used: Vec<OwnerSignature> = signatures
        .iter()
        .filter(|s| state.is_owner(s.owner) && s.verify(hash).is_ok())
        .cloned()
        .collect();
    used.sort_by_key(|s| s.owner);
    used.dedup_by_key(|s| s.owner);
    let threshold = usize::try_from(state.threshold).unwrap_or(usize::MAX);
    let signed: Vec<Address> = used.iter().map(|s| s.owner).collect();
    let missing: Vec<Address> = state
        .owners
        .iter()
        .filter(|o| !signed.contains(o))
        .take(threshold.saturating_sub(used.len()))
        .copied()
        .collect();
    // An owner sends it; when every signature is real, the first owner.
    let executor = missing
        .first()
        .or(state.owners.first())
        .copied()
        .ok_or_else(|| SafeUseError::BadSetup(format!("the Safe {safe} has no owners")))?;
    for owner in missing.iter().chain(std::iter::once(&executor)) {
        rehearsal
            .impersonate(*owner)
            .map_err(|e| SafeUseError::BadSetup(format!("cannot impersonate {owner}: {e}")))?;
    }
    for owner in &missing {
        approve_hash(
            client,
            lifecycle,
            &ChainSigner::Impersonated(*owner),
            safe,
            hash,
            &mut |_| {},
        )
        .await?;
        used.push(executor_approval(*owner));
    }
    let executed = exec_transaction(
        client,
        lifecycle,
        &ChainSigner::Impersonated(executor),
        safe,
        tx,
        &used,
        &mut |_| {},
    )
    .await?;
    Ok(SafeRehearsal {
        safe_tx_hash: hash,
        signed,
        impersonated: missing,
        executed,
    })
}
