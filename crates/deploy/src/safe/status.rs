//! `safe status`: the environment's proposals with what each has and still
//! needs — signatures in the file, approvals on chain — and those that
//! executed or can no longer execute (another transaction used their
//! nonce).

use std::path::PathBuf;

use alloy_primitives::Address;
use slipway_chain::{
    ChainClient,
    safe::{AllowedRisks, SafeState, approved_owners},
};
use slipway_config::{Config, Environment};

use super::{SafeUseError, execute::landed_before, open_safe};
use crate::proposal::{Executed, Proposal};

/// Where a proposal stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalStatus {
    /// Waiting for this many more approvals.
    Waiting(usize),
    /// Enough owners approved: it can be executed.
    Ready,
    /// It executed.
    Executed(Executed),
    /// Another transaction used its nonce: it can never execute.
    Superseded,
    /// The file does not read (edited, or not a proposal).
    Unreadable(String),
}

/// One proposal file as `status` shows it.
#[derive(Clone, Debug)]
pub struct ProposalView {
    /// The file.
    pub path: PathBuf,
    /// The proposal (none when it does not read).
    pub proposal: Option<Proposal>,
    /// Owners who approved, in the file or on chain.
    pub approvals: Vec<Address>,
    /// Where it stands.
    pub status: ProposalStatus,
}

/// The Safe and every proposal for it in `deployments/<env>/proposals`.
pub async fn safe_status(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
) -> Result<(SafeState, Vec<ProposalView>), SafeUseError> {
    // Status only reads: a module or guard is reported by `safe info`, not
    // a reason to hide the queue.
    let safe = open_safe(
        config,
        env,
        client,
        AllowedRisks {
            modules: true,
            ..AllowedRisks::default()
        },
    )
    .await?;
    let state = &safe.state;
    // The service's queue is asked once for every proposal.
    let queue = safe.service_queue(state.nonce).await?;
    let mut views = Vec::new();
    for (path, loaded) in safe.proposals() {
        let mut proposal = match loaded {
            Ok(proposal) => proposal,
            Err(error) => {
                views.push(ProposalView {
                    path,
                    proposal: None,
                    approvals: Vec::new(),
                    status: ProposalStatus::Unreadable(error.to_string()),
                });
                continue;
            }
        };
        // Signatures other owners made in Safe{Wallet} are taken into the
        // file.
        if proposal.executed.is_none()
            && proposal.tx.nonce >= state.nonce
            && safe.take_confirmations(&mut proposal, &queue) > 0
        {
            let _lock = safe.lock("slipway safe status")?;
            let mut current = Proposal::load(&path)?;
            for signature in &proposal.signatures {
                if !current
                    .signatures
                    .iter()
                    .any(|s| s.owner == signature.owner)
                {
                    current.signatures.push(signature.clone());
                }
            }
            current.save(&safe.dir)?;
            proposal = current;
        }
        let on_chain =
            approved_owners(client, state.address, proposal.safe_tx_hash, &state.owners).await?;
        let mut approvals: Vec<Address> = proposal
            .signatures
            .iter()
            .map(|s| s.owner)
            .chain(on_chain.iter().copied())
            .filter(|o| state.is_owner(*o))
            .collect();
        approvals.sort();
        approvals.dedup();
        let status = if let Some(executed) = proposal.executed {
            ProposalStatus::Executed(executed)
        } else if proposal.tx.nonce < state.nonce {
            match landed_before(client, &proposal).await? {
                Some(executed) => ProposalStatus::Executed(executed),
                None => ProposalStatus::Superseded,
            }
        } else {
            match proposal.missing(state, &on_chain) {
                0 => ProposalStatus::Ready,
                missing => ProposalStatus::Waiting(missing),
            }
        };
        views.push(ProposalView {
            path,
            proposal: Some(proposal),
            approvals,
            status,
        });
    }
    Ok((safe.state, views))
}
