//! `safe info`: a Safe read from the chain and compared with the
//! environment's `multisig = {…}`.

use alloy_primitives::Address;
use slipway_chain::{
    ChainClient,
    safe::{SafeState, read_state},
};
use slipway_config::{Environment, Multisig};

use super::SafeUseError;

/// A Safe and how it differs from the configuration.
#[derive(Clone, Debug)]
pub struct SafeInfo {
    /// What the chain holds.
    pub state: SafeState,
    /// Each way the chain differs from `multisig = {…}` (threshold, owners,
    /// modules and a guard, which nothing in the configuration lists).
    pub differences: Vec<String>,
    /// Proposals in `deployments/<env>/proposals` for this Safe at a nonce
    /// not yet used (`slipway safe status` shows them).
    pub pending: Vec<(alloy_primitives::U256, alloy_primitives::B256)>,
}

/// The Safe `address`, or the environment's, read and compared with the
/// configuration.
pub async fn safe_info(
    root: &std::path::Path,
    env: &Environment,
    client: &ChainClient,
    address: Option<Address>,
) -> Result<SafeInfo, SafeUseError> {
    let configured = match &env.multisig {
        Multisig::Safe {
            address,
            threshold,
            owners,
            ..
        } => Some((*address, *threshold, owners.clone())),
        _ => None,
    };
    let address = address
        .or(configured.as_ref().map(|(a, _, _)| *a))
        .ok_or_else(|| SafeUseError::NoSafe(env.name.clone()))?;
    let state = read_state(client, address).await?;
    let mut differences = Vec::new();
    if let Some((configured_address, threshold, owners)) = configured
        && configured_address == address
    {
        if u64::from(threshold) != state.threshold {
            differences.push(format!(
                "the Safe's threshold is {}, the configuration says {threshold}",
                state.threshold
            ));
        }
        if !owners.is_empty() {
            for owner in &owners {
                if !state.is_owner(*owner) {
                    differences.push(format!(
                        "{owner} is listed as an owner but is not one on chain"
                    ));
                }
            }
            for owner in &state.owners {
                if !owners.contains(owner) {
                    differences.push(format!(
                        "{owner} is an owner on chain but not listed in the configuration"
                    ));
                }
            }
        }
    }
    for module in &state.modules {
        differences.push(format!(
            "module {module} is enabled: it can act without the owners' signatures"
        ));
    }
    if let Some(guard) = state.guard {
        differences.push(format!("guard {guard} is set: it checks every transaction"));
    }
    let mut pending: Vec<_> = std::fs::read_dir(super::proposals_dir(root, &env.name))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| crate::proposal::Proposal::load(&entry.path()).ok())
        .filter(|p| p.safe == state.address && p.executed.is_none() && p.tx.nonce >= state.nonce)
        .map(|p| (p.tx.nonce, p.safe_tx_hash))
        .collect();
    pending.sort();
    Ok(SafeInfo {
        state,
        differences,
        pending,
    })
}
