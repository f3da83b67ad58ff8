//! `safe execute`: a proposal sent through `execTransaction` once enough
//! owners approved it — signatures in the file, `approveHash` on chain, and
//! the executing owner's own. The hash of every transaction sent is written
//! to the file before its confirmation is awaited, so a rerun after a crash
//! finds what landed and records it instead of sending again.

use std::{path::Path, sync::Mutex};

use alloy_primitives::Address;
use slipway_chain::{
    ChainClient, Lifecycle, TxEvent, resolve_signer,
    safe::{
        AllowedRisks, Landed, OwnerSignature, SafeState, SignatureKind, approved_owners,
        exec_transaction, executor_approval, read_state,
    },
};
use slipway_config::{Config, Environment};
use slipway_keys::{Password, SignerError};

use super::{SafeUseError, open::lock_proposals, open_safe, sign::check_proposal};
use crate::{
    Approval, Authorised, Confirm, authorise,
    proposal::{Executed, Proposal},
};

/// Test hook: the process aborts once `execTransaction` is confirmed,
/// before the file records the execution (a crash between the two).
pub const FAILPOINT_EXECUTE_VAR: &str = "SLIPWAY_FAILPOINT_SAFE_EXECUTE";

/// What `safe execute` asks for.
#[derive(Clone, Debug)]
pub struct ExecuteRequest<'a> {
    /// The project.
    pub config: &'a Config,
    /// The environment.
    pub env: &'a Environment,
    /// The proposal file.
    pub path: &'a Path,
    /// The named signer that sends (an owner's approval counts by sending).
    pub signer: &'a str,
    /// Risks accepted by name.
    pub allowed: AllowedRisks,
    /// `--yes` / `--reason`.
    pub approval: Approval,
}

/// How execution reaches a person and reports.
pub struct ExecuteHooks<'a> {
    /// Asks for a keystore's password.
    pub password: &'a dyn Fn(&str) -> Result<Password, SignerError>,
    /// Asks a person to confirm a protected environment.
    pub confirm: &'a dyn Confirm,
    /// The lifecycle's events.
    pub events: &'a (dyn Fn(TxEvent) + Sync),
}

/// What execution did.
#[derive(Clone, Debug)]
pub struct SafeExecuted {
    /// The proposal, with its execution recorded.
    pub proposal: Proposal,
    /// Where it landed.
    pub executed: Executed,
    /// It had landed before this run (a rerun after a crash, or a second
    /// execute): nothing was sent now.
    pub found: bool,
    /// The confirmation rule's answer (when something was sent).
    pub authorised: Option<Authorised>,
}

/// The owners who approved, in the file or on chain, or by sending
/// (`executor`); and the signatures that say so.
async fn approvals(
    client: &ChainClient,
    proposal: &Proposal,
    state: &SafeState,
    executor: Address,
) -> Result<Vec<OwnerSignature>, SafeUseError> {
    let mut signatures: Vec<OwnerSignature> = proposal
        .signatures
        .iter()
        .filter(|s| state.is_owner(s.owner))
        .cloned()
        .collect();
    let on_chain =
        approved_owners(client, state.address, proposal.safe_tx_hash, &state.owners).await?;
    for owner in on_chain {
        if !signatures.iter().any(|s| s.owner == owner) {
            signatures.push(OwnerSignature {
                owner,
                kind: SignatureKind::Approved,
                signature: None,
            });
        }
    }
    if state.is_owner(executor) && !signatures.iter().any(|s| s.owner == executor) {
        signatures.push(executor_approval(executor));
    }
    Ok(signatures)
}

/// A transaction recorded as sent that landed successfully.
pub(super) async fn landed_before(
    client: &ChainClient,
    proposal: &Proposal,
) -> Result<Option<Executed>, SafeUseError> {
    for hash in &proposal.sent {
        let receipt = client
            .receipt(*hash)
            .await
            .map_err(slipway_chain::safe::SafeError::from)?;
        if let Some(receipt) = receipt
            && receipt.status()
        {
            return Ok(Some(Executed {
                tx_hash: *hash,
                block: receipt.block_number.unwrap_or_default(),
            }));
        }
    }
    Ok(None)
}

/// Executes the proposal at `request.path`.
pub async fn safe_execute(
    request: &ExecuteRequest<'_>,
    client: &ChainClient,
    hooks: &ExecuteHooks<'_>,
) -> Result<SafeExecuted, SafeUseError> {
    let mut proposal = Proposal::load(request.path)?;
    if let Some(executed) = proposal.executed {
        return Ok(SafeExecuted {
            proposal,
            executed,
            found: true,
            authorised: None,
        });
    }
    // A transaction this file says was sent may have landed before a crash:
    // record it, whatever the Safe looks like since (it may have rotated
    // its own owners).
    if let Some(executed) = landed_before(client, &proposal).await? {
        let dir = request
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let _lock = lock_proposals(&dir, "slipway safe execute")?;
        let mut current = Proposal::load(request.path)?;
        current.executed = Some(executed);
        current.save(&dir)?;
        return Ok(SafeExecuted {
            proposal: current,
            executed,
            found: true,
            authorised: None,
        });
    }
    let safe = open_safe(request.config, request.env, client, request.allowed).await?;
    check_proposal(&proposal, &safe, request.allowed)?;
    if safe.state.nonce < proposal.tx.nonce {
        return Err(SafeUseError::NotNext {
            nonce: proposal.tx.nonce,
            current: safe.state.nonce,
        });
    }
    let signer = resolve_signer(
        request.env,
        request.signer,
        request.config.vars(),
        hooks.password,
    )?;
    let below = |signatures: &[OwnerSignature], state: &SafeState| {
        let need = usize::try_from(state.threshold).unwrap_or(usize::MAX);
        (signatures.len() < need).then(|| SafeUseError::BelowThreshold {
            have: signatures.len(),
            need,
            waiting: state
                .owners
                .iter()
                .filter(|o| !signatures.iter().any(|s| s.owner == **o))
                .copied()
                .collect(),
            path: request.path.display().to_string(),
        })
    };
    // Owners who signed in Safe{Wallet} count (the file gets them under the
    // lock below).
    let mut seen = proposal.clone();
    safe.pick_up(&mut seen).await?;
    let signatures = approvals(client, &seen, &safe.state, signer.address()).await?;
    if let Some(error) = below(&signatures, &safe.state) {
        return Err(error);
    }
    let authorised = authorise(
        request.env,
        &format!(
            "executing Safe transaction {} (nonce {}): {}",
            proposal.safe_tx_hash,
            proposal.tx.nonce,
            proposal.summary.join("; ")
        ),
        &request.approval,
        hooks.confirm,
    )?;
    // The prompt may have waited: read the file and the Safe again under
    // the lock, and decide from what holds now.
    let _lock = safe.lock("slipway safe execute")?;
    proposal = Proposal::load(request.path)?;
    if safe.pick_up(&mut proposal).await? > 0 {
        proposal.save(&safe.dir)?;
    }
    let state = read_state(client, safe.state.address).await?;
    proposal.check_against(&state)?;
    if state.nonce != proposal.tx.nonce {
        return Err(SafeUseError::NotNext {
            nonce: proposal.tx.nonce,
            current: state.nonce,
        });
    }
    let signatures = approvals(client, &proposal, &state, signer.address()).await?;
    if let Some(error) = below(&signatures, &state) {
        return Err(error);
    }
    let failpoint = std::env::var_os(FAILPOINT_EXECUTE_VAR).is_some();
    let recording = Mutex::new((proposal.clone(), None::<SafeUseError>));
    let dir = safe.dir.clone();
    let mut events = |event: TxEvent| {
        if let TxEvent::Sent { hash, .. } = &event {
            let mut guard = recording.lock().unwrap_or_else(|e| e.into_inner());
            guard.0.sent.push(*hash);
            if let Err(error) = guard.0.save(&dir) {
                guard.1 = Some(error.into());
            }
        }
        if failpoint && matches!(event, TxEvent::Confirmed { .. }) {
            std::process::abort();
        }
        (hooks.events)(event);
    };
    let landed: Landed = exec_transaction(
        client,
        &Lifecycle::for_env(request.env),
        &signer,
        state.address,
        &proposal.tx,
        &signatures,
        &mut events,
    )
    .await?;
    let (mut proposal, failed) = recording.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(error) = failed {
        return Err(error);
    }
    let executed = Executed {
        tx_hash: landed.hash,
        block: landed.block,
    };
    proposal.executed = Some(executed);
    proposal.save(&safe.dir)?;
    Ok(SafeExecuted {
        proposal,
        executed,
        found: false,
        authorised: Some(authorised),
    })
}
