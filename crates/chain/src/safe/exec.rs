//! What owners do on chain with a SafeTx: approve its hash (`approveHash`),
//! see who approved, execute it (`execTransaction`, through the
//! lifecycle: fees, bumps, confirmations), and the calls that rotate a
//! Safe's owners or change its threshold.

use alloy_primitives::{Address, B256, Bytes, U256, address};
use alloy_sol_types::SolCall;
use slipway_keys::ChainSigner;

use super::{
    SafeError, SafeState, SafeTx,
    abi::ISafe,
    signatures::{OwnerSignature, SignatureKind},
    state::call,
};
use crate::{ChainClient, Lifecycle, NonceTracker, TxEvent, TxRequest};

/// The owners list's sentinel: the "previous owner" of the first owner.
const SENTINEL: Address = address!("0000000000000000000000000000000000000001");

/// A transaction that landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Landed {
    /// The transaction.
    pub hash: B256,
    /// Its block.
    pub block: u64,
    /// Gas it used.
    pub gas_used: u64,
}

/// The owners among `owners` who approved `hash` on chain (`approveHash`).
pub async fn approved_owners(
    client: &ChainClient,
    safe: Address,
    hash: B256,
    owners: &[Address],
) -> Result<Vec<Address>, SafeError> {
    let mut approved = Vec::new();
    for owner in owners {
        let mark = call(
            client,
            safe,
            ISafe::approvedHashesCall {
                owner: *owner,
                hash,
            },
        )
        .await?;
        if !mark.is_zero() {
            approved.push(*owner);
        }
    }
    Ok(approved)
}

async fn send_to_safe(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    signer: &ChainSigner,
    safe: Address,
    data: Bytes,
    what: String,
    events: &mut (dyn FnMut(TxEvent) + Send),
) -> Result<Landed, SafeError> {
    let request = TxRequest {
        to: Some(safe),
        value: U256::ZERO,
        data,
        gas_limit: None,
    };
    match lifecycle
        .send(client, &NonceTracker::new(), signer, &request, events)
        .await?
    {
        TxEvent::Confirmed {
            success: false,
            hash,
            ..
        } => Err(SafeError::Reverted { what, hash }),
        TxEvent::Confirmed {
            hash,
            block,
            gas_used,
            ..
        } => Ok(Landed {
            hash,
            block,
            gas_used,
        }),
        _ => Err(SafeError::Reverted {
            what: format!("{what} did not complete"),
            hash: B256::ZERO,
        }),
    }
}

/// `signer` (an owner) approves `hash` on chain.
pub async fn approve_hash(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    signer: &ChainSigner,
    safe: Address,
    hash: B256,
    events: &mut (dyn FnMut(TxEvent) + Send),
) -> Result<Landed, SafeError> {
    let data = ISafe::approveHashCall {
        hashToApprove: hash,
    }
    .abi_encode();
    send_to_safe(
        client,
        lifecycle,
        signer,
        safe,
        data.into(),
        format!("approveHash({hash})"),
        events,
    )
    .await
}

/// Sends `execTransaction` for `tx` with `signatures` (encoded sorted by
/// owner, one per owner). A SafeTx without safeTxGas or a gas price
/// reverts when its call fails (GS013), so a landed transaction is one
/// that did what it says.
pub async fn exec_transaction(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    signer: &ChainSigner,
    safe: Address,
    tx: &SafeTx,
    signatures: &[OwnerSignature],
    events: &mut (dyn FnMut(TxEvent) + Send),
) -> Result<Landed, SafeError> {
    send_to_safe(
        client,
        lifecycle,
        signer,
        safe,
        tx.exec_calldata(signatures),
        format!("the Safe transaction with nonce {}", tx.nonce),
        events,
    )
    .await
}

/// The approval an owner gives by sending `execTransaction` itself.
pub fn executor_approval(owner: Address) -> OwnerSignature {
    OwnerSignature {
        owner,
        kind: SignatureKind::Approved,
        signature: None,
    }
}

/// A change to who owns a Safe, or to how many must sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerChange {
    /// Adds an owner and sets the threshold.
    Add {
        /// The new owner.
        owner: Address,
        /// The threshold afterwards.
        threshold: u64,
    },
    /// Removes an owner and sets the threshold.
    Remove {
        /// The owner leaving.
        owner: Address,
        /// The threshold afterwards.
        threshold: u64,
    },
    /// Replaces an owner.
    Swap {
        /// The owner leaving.
        old: Address,
        /// The owner coming.
        new: Address,
    },
    /// Changes the threshold.
    Threshold(u64),
}

impl OwnerChange {
    /// The call the Safe makes to itself, checked against `state`: owners
    /// that are (not) there, a threshold the owners afterwards cannot
    /// meet.
    pub fn calldata(&self, state: &SafeState) -> Result<Bytes, String> {
        let count = state.owners.len() as u64;
        let previous = |owner: Address| -> Result<Address, String> {
            let at = state
                .owners
                .iter()
                .position(|o| *o == owner)
                .ok_or_else(|| format!("{owner} is not an owner of {}", state.address))?;
            Ok(if at == 0 {
                SENTINEL
            } else {
                state.owners[at - 1]
            })
        };
        let fresh = |owner: Address| -> Result<(), String> {
            if state.is_owner(owner) {
                Err(format!("{owner} is already an owner of {}", state.address))
            } else if owner.is_zero() || owner == SENTINEL || owner == state.address {
                Err(format!("{owner} cannot own a Safe"))
            } else {
                Ok(())
            }
        };
        let within = |threshold: u64, owners: u64| -> Result<(), String> {
            if threshold == 0 || threshold > owners {
                Err(format!(
                    "a threshold of {threshold} with {owners} owners cannot be met: it must be between 1 and {owners}"
                ))
            } else {
                Ok(())
            }
        };
        let data = match *self {
            Self::Add { owner, threshold } => {
                fresh(owner)?;
                within(threshold, count + 1)?;
                ISafe::addOwnerWithThresholdCall {
                    owner,
                    _threshold: U256::from(threshold),
                }
                .abi_encode()
            }
            Self::Remove { owner, threshold } => {
                let prev_owner = previous(owner)?;
                within(threshold, count.saturating_sub(1))?;
                ISafe::removeOwnerCall {
                    prevOwner: prev_owner,
                    owner,
                    _threshold: U256::from(threshold),
                }
                .abi_encode()
            }
            Self::Swap { old, new } => {
                let prev_owner = previous(old)?;
                fresh(new)?;
                ISafe::swapOwnerCall {
                    prevOwner: prev_owner,
                    oldOwner: old,
                    newOwner: new,
                }
                .abi_encode()
            }
            Self::Threshold(threshold) => {
                within(threshold, count)?;
                ISafe::changeThresholdCall {
                    _threshold: U256::from(threshold),
                }
                .abi_encode()
            }
        };
        Ok(data.into())
    }

    /// What it does, in words.
    pub fn describe(&self) -> String {
        match self {
            Self::Add { owner, threshold } => {
                format!("add owner {owner}, threshold {threshold}")
            }
            Self::Remove { owner, threshold } => {
                format!("remove owner {owner}, threshold {threshold}")
            }
            Self::Swap { old, new } => format!("replace owner {old} with {new}"),
            Self::Threshold(threshold) => format!("change the threshold to {threshold}"),
        }
    }
}
