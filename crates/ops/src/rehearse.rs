//! An emergency action rehearsed on a fork of its environment's chain
//! before it is sent for real: the same call, from the same account (a
//! guardian's pause impersonated), or through the Safe exactly as its
//! owners would execute it (their real signatures from a local proposal
//! of the same call, the missing owners impersonated to approve it on the
//! fork). It reports how it ended, the state after and the events.

use alloy_primitives::{Address, B256, U256};
use slipway_chain::{Lifecycle, Rehearsal, safe::SafeTx};
use slipway_config::{Config, Environment};
use slipway_contracts::{Decoder, Invocation};
use slipway_deploy::{
    RevertAbis, SendOutcome,
    proposal::Proposal,
    safe::{SafeRehearsal, proposals_dir, rehearse_safe_tx},
    send_authorised,
};
use slipway_keys::ChainSigner;

use crate::{ContractState, OpsError, Prepared, incident::Route};

/// How a rehearsed action ended.
#[derive(Clone, Debug)]
pub enum RehearsedOutcome {
    /// Sent directly by the account that would send it.
    Sent {
        /// Who sent it (impersonated).
        by: Address,
        /// The transaction on the fork.
        hash: B256,
        /// Whether it succeeded.
        success: bool,
    },
    /// Its gas estimate reverted: the real send would be refused too.
    Reverted(String),
    /// Executed by the Safe.
    Safe(SafeRehearsal),
}

/// What a rehearsal of an action did.
#[derive(Clone, Debug)]
pub struct OpsRehearsed {
    /// The block the fork stands on.
    pub block: slipway_chain::ForkBlock,
    /// How it ended.
    pub outcome: RehearsedOutcome,
    /// The contract's state afterwards on the fork.
    pub after: Option<ContractState>,
    /// Events emitted, in words.
    pub events: Vec<String>,
}

impl OpsRehearsed {
    /// Whether the action did what it says on the fork.
    pub fn succeeded(&self) -> bool {
        match &self.outcome {
            RehearsedOutcome::Sent { success, .. } => *success,
            RehearsedOutcome::Reverted(_) => false,
            RehearsedOutcome::Safe(_) => true,
        }
    }
}

/// The SafeTx of `invocation`: a local proposal of the very same call
/// that is not executed yet (with the owners' signatures so far), else a
/// new one at the Safe's nonce on the fork.
async fn safe_tx_of(
    config: &Config,
    env: &Environment,
    rehearsal: &Rehearsal,
    safe: Address,
    invocation: &Invocation,
) -> Result<(SafeTx, Vec<slipway_chain::safe::OwnerSignature>), OpsError> {
    let dir = proposals_dir(&config.root, &env.name);
    let proposed = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Proposal::load(&entry.path()).ok())
        .find(|p| {
            p.safe == safe
                && p.executed.is_none()
                && p.tx.to == invocation.to
                && p.tx.data == invocation.calldata
                && p.tx.value.is_zero()
        });
    if let Some(proposal) = proposed {
        return Ok((proposal.tx, proposal.signatures));
    }
    let state = slipway_chain::safe::read_state(&rehearsal.client, safe)
        .await
        .map_err(slipway_deploy::safe::SafeUseError::from)?;
    Ok((
        SafeTx {
            to: invocation.to,
            value: U256::ZERO,
            data: invocation.calldata.clone(),
            nonce: state.nonce,
            ..SafeTx::default()
        },
        Vec::new(),
    ))
}

/// Rehearses `prepared` on a fork of `env`: nothing reaches the real
/// chain, and no incident is written.
pub async fn rehearse(
    config: &Config,
    env: &Environment,
    prepared: &Prepared,
    abis: &dyn RevertAbis,
    command: &str,
) -> Result<OpsRehearsed, OpsError> {
    let invocation = prepared.invocation.as_ref().ok_or_else(|| {
        OpsError::Refused(
            "there is nothing to rehearse: the state already is what the action would make it"
                .into(),
        )
    })?;
    let senders: Vec<Address> = match &prepared.route {
        Route::Direct { address, .. } => vec![*address],
        Route::Safe { .. } => Vec::new(),
    };
    let rehearsal = slipway_chain::rehearsal(config, env, &senders, command)
        .await
        .map_err(|e| OpsError::Refused(e.to_string()))?;
    // The fork stands on the newest final block: the action must come to
    // the same call there, or the rehearsal would try something else.
    let on_fork = prepared.state_on(&rehearsal.client).await?;
    if let Err(what) = prepared.comes_to_same(&on_fork) {
        return Err(OpsError::Refused(format!(
            "at block {}, the newest final one, the action comes to something else ({what}): the chain changed since; rehearse again once that change is final",
            rehearsal.block.number
        )));
    }
    let lifecycle = Lifecycle::rehearsal(env);
    let outcome = match &prepared.route {
        Route::Direct { address, .. } => {
            // One confirmation: the fork mines each transaction at once.
            let mut quick = env.clone();
            quick.confirmations = 1;
            match send_authorised(
                &quick,
                &rehearsal.client,
                &ChainSigner::Impersonated(*address),
                abis,
                invocation,
                U256::ZERO,
                &mut |_| {},
            )
            .await?
            {
                SendOutcome::Confirmed { hash, success, .. } => RehearsedOutcome::Sent {
                    by: *address,
                    hash,
                    success,
                },
                SendOutcome::Reverted(reason) => RehearsedOutcome::Reverted(
                    crate::action::explain_revert(&reason, prepared.before.timestamp),
                ),
            }
        }
        Route::Safe { safe } => {
            let (tx, signatures) = safe_tx_of(config, env, &rehearsal, *safe, invocation).await?;
            RehearsedOutcome::Safe(
                rehearse_safe_tx(&rehearsal, &lifecycle, *safe, &tx, &signatures).await?,
            )
        }
    };
    let after = prepared.state_on(&rehearsal.client).await.ok();
    let decoder = Decoder::new(std::iter::once(&prepared.record.abi));
    let head = rehearsal.client.agreed_block_number().await?;
    let mut events = Vec::new();
    for number in rehearsal.block.number + 1..=head {
        for receipt in rehearsal.client.block_receipts(number).await? {
            events.extend(
                receipt
                    .inner
                    .logs()
                    .iter()
                    .map(|log| format!("{} {}", log.address(), decoder.event(&log.inner))),
            );
        }
    }
    Ok(OpsRehearsed {
        block: rehearsal.block,
        outcome,
        after,
        events,
    })
}
