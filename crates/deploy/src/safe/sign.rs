//! An owner's approval of a proposal: `sign` (EIP-712, or eth_sign for
//! signers that cannot sign typed data) adds a signature to the file;
//! `approve` calls `approveHash` on chain. Both check the file, the Safe
//! and the signer first, and re-read the file and the Safe after every
//! wait (a password prompt, a signer, a confirmation) before they write or
//! send.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256};
use slipway_chain::{
    ChainClient, Lifecycle, TxEvent, resolve_signer,
    safe::{
        AllowedRisks, Landed, OwnerSignature, SignatureKind, approve_hash, approved_owners,
        check_transaction, read_state,
    },
};
use slipway_config::{Config, Environment};
use slipway_keys::{ChainSigner, Password, SignerError};

use super::{OpenSafe, SafeUseError, open_safe};
use crate::{Approval, Authorised, Confirm, authorise, proposal::Proposal};

/// What `safe sign` and `safe approve` ask for.
#[derive(Clone, Debug)]
pub struct SignRequest<'a> {
    /// The project.
    pub config: &'a Config,
    /// The environment.
    pub env: &'a Environment,
    /// The proposal file.
    pub path: &'a Path,
    /// The named signer (an owner).
    pub signer: &'a str,
    /// Sign the safeTxHash as a personal message (eth_sign, `v + 4`) for a
    /// signer that cannot sign typed data.
    pub eth_sign: bool,
    /// Risks accepted by name.
    pub allowed: AllowedRisks,
    /// `--yes` / `--reason` (approve sends a transaction).
    pub approval: Approval,
}

/// How signing reaches a person and reports.
pub struct SignHooks<'a> {
    /// Asks for a keystore's password.
    pub password: &'a dyn Fn(&str) -> Result<Password, SignerError>,
    /// Shown before signing: what a hardware wallet shows, to compare.
    pub show: &'a (dyn Fn(&SigningHashes) + Sync),
    /// Asks a person to confirm a protected environment (approve).
    pub confirm: &'a dyn Confirm,
    /// The lifecycle's events (approve).
    pub events: &'a (dyn Fn(TxEvent) + Sync),
}

/// The hashes an owner compares with a hardware wallet's screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningHashes {
    /// The signer.
    pub signer: Address,
    /// The EIP-712 domain separator (chain id, Safe).
    pub domain: B256,
    /// The SafeTx struct hash.
    pub message: B256,
    /// The safeTxHash.
    pub safe_tx_hash: B256,
}

/// A proposal after an owner's approval.
#[derive(Clone, Debug)]
pub struct SignedProposal {
    /// The proposal as written.
    pub proposal: Proposal,
    /// Its file.
    pub path: PathBuf,
    /// The owner.
    pub owner: Address,
    /// Approvals still needed (0: ready to execute).
    pub missing: usize,
    /// The approveHash transaction (approve only).
    pub landed: Option<Landed>,
    /// The confirmation rule's answer (approve only).
    pub authorised: Option<Authorised>,
    /// The signature went to the Transaction Service too.
    pub posted: bool,
}

/// Loads the proposal, opens the Safe, checks both and resolves the
/// signer, which must be an owner.
async fn prepare(
    request: &SignRequest<'_>,
    client: &ChainClient,
    hooks: &SignHooks<'_>,
) -> Result<(Proposal, OpenSafe, ChainSigner), SafeUseError> {
    let proposal = Proposal::load(request.path)?;
    let safe = open_safe(request.config, request.env, client, request.allowed).await?;
    check_proposal(&proposal, &safe, request.allowed)?;
    let signer = resolve_signer(
        request.env,
        request.signer,
        request.config.vars(),
        hooks.password,
    )?;
    if !safe.state.is_owner(signer.address()) {
        return Err(SafeUseError::NotAnOwner {
            name: request.signer.to_owned(),
            address: signer.address(),
            safe: safe.state.address,
            owners: safe.state.owners.clone(),
        });
    }
    Ok((proposal, safe, signer))
}

/// The proposal is for this Safe on this chain, at a nonce still open, and
/// passes the checks.
pub(super) fn check_proposal(
    proposal: &Proposal,
    safe: &OpenSafe,
    allowed: AllowedRisks,
) -> Result<(), SafeUseError> {
    if proposal.chain_id != safe.chain_id {
        return Err(SafeUseError::BadSetup(format!(
            "this proposal is for chain {}, and the environment's chain is {}",
            proposal.chain_id, safe.chain_id
        )));
    }
    proposal.check_against(&safe.state)?;
    check_transaction(&proposal.tx, &safe.batching, allowed)?;
    Ok(())
}

/// Signs the proposal at `request.path` with an owner's key and adds the
/// signature to the file.
pub async fn safe_sign(
    request: &SignRequest<'_>,
    client: &ChainClient,
    hooks: &SignHooks<'_>,
) -> Result<SignedProposal, SafeUseError> {
    let (proposal, safe, signer) = prepare(request, client, hooks).await?;
    let (domain, message) = proposal.tx.hashes(proposal.chain_id, proposal.safe);
    (hooks.show)(&SigningHashes {
        signer: signer.address(),
        domain,
        message,
        safe_tx_hash: proposal.safe_tx_hash,
    });
    let signature = if request.eth_sign {
        OwnerSignature {
            owner: signer.address(),
            kind: SignatureKind::EthSign,
            signature: Some(
                signer
                    .sign_message(proposal.safe_tx_hash.as_slice())
                    .await?,
            ),
        }
    } else {
        // No automatic fallback to eth_sign: after a refusal of the typed
        // data, asking for a bare hash would have the owner sign blind.
        let typed = signer
            .sign_typed_data(&proposal.tx.typed_data(proposal.chain_id, proposal.safe))
            .await
            .map_err(|error| match &signer {
                ChainSigner::External(_) => SafeUseError::BadSetup(format!(
                    "{error}. If this signer cannot sign typed data (EIP-712), sign the safeTxHash as a message with --eth-sign, after comparing it with the one the signer shows"
                )),
                ChainSigner::Local(_) | ChainSigner::Impersonated(_) => error.into(),
            })?;
        OwnerSignature {
            owner: signer.address(),
            kind: SignatureKind::Typed,
            signature: Some(typed),
        }
    };
    // Signing may have waited on a person: read the file and the Safe again
    // under the lock, and add to what is there now.
    let _lock = safe.lock("slipway safe sign")?;
    let mut current = Proposal::load(request.path)?;
    if current.safe_tx_hash != proposal.safe_tx_hash {
        return Err(SafeUseError::BadSetup(format!(
            "{} changed while it was being signed: sign it again",
            request.path.display()
        )));
    }
    let state = read_state(client, safe.state.address).await?;
    current.add_signature(signature.clone(), &state)?;
    let path = current.save(&safe.dir)?;
    // Also to the Transaction Service, where one is configured: other
    // owners see it in Safe{Wallet}.
    let posted = match safe.post(&current, &signature).await {
        Ok(posted) => posted,
        Err(SafeUseError::Service(source)) => {
            return Err(SafeUseError::NotPosted {
                path: path.display().to_string(),
                source,
            });
        }
        Err(other) => return Err(other),
    };
    // Owners who signed in Safe{Wallet} count too.
    if safe.pick_up(&mut current).await? > 0 {
        current.save(&safe.dir)?;
    }
    let approved =
        approved_owners(client, state.address, current.safe_tx_hash, &state.owners).await?;
    let missing = current.missing(&state, &approved);
    Ok(SignedProposal {
        posted,
        path,
        proposal: current,
        owner: signer.address(),
        missing,
        landed: None,
        authorised: None,
    })
}

/// An owner approves the proposal's hash on chain (`approveHash`), under
/// the confirmation rule.
pub async fn safe_approve(
    request: &SignRequest<'_>,
    client: &ChainClient,
    hooks: &SignHooks<'_>,
) -> Result<SignedProposal, SafeUseError> {
    let (proposal, safe, signer) = prepare(request, client, hooks).await?;
    let authorised = authorise(
        request.env,
        &format!(
            "approving Safe transaction {} (nonce {}) on chain as {}",
            proposal.safe_tx_hash,
            proposal.tx.nonce,
            signer.address()
        ),
        &request.approval,
        hooks.confirm,
    )?;
    // The prompt may have waited: the nonce may be used by now.
    let state = read_state(client, safe.state.address).await?;
    proposal.check_against(&state)?;
    let mut events = |event: TxEvent| (hooks.events)(event);
    let landed = approve_hash(
        client,
        &Lifecycle::for_env(request.env),
        &signer,
        state.address,
        proposal.safe_tx_hash,
        &mut events,
    )
    .await?;
    let approved =
        approved_owners(client, state.address, proposal.safe_tx_hash, &state.owners).await?;
    let missing = proposal.missing(&state, &approved);
    Ok(SignedProposal {
        path: request.path.to_path_buf(),
        proposal,
        owner: signer.address(),
        missing,
        landed: Some(landed),
        authorised: Some(authorised),
        posted: false,
    })
}
