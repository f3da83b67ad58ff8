//! Nonces per signer: taken from the chain's `pending` count, tracked in
//! the process, and reconciled with the chain before each send, so a nonce
//! consumed outside slipway is noticed and never reused, and none is skipped.

use std::{collections::HashMap, sync::Mutex};

use alloy_primitives::Address;

use crate::{ChainClient, ProviderError};

/// What reconciling found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceCheck {
    /// The chain agrees with what this process expected (or it is the
    /// first send).
    InStep,
    /// Something outside slipway used nonces up to `chain`; this process
    /// expected `expected`.
    UsedOutside {
        /// The nonce this process would have used.
        expected: u64,
        /// The chain's pending count.
        chain: u64,
    },
    /// The chain is behind this process: transactions it sent are not in
    /// the pool (dropped); their nonces are reused by re-sending them, never
    /// skipped.
    ChainBehind {
        /// The next nonce this process holds.
        expected: u64,
        /// The chain's pending count.
        chain: u64,
    },
}

impl std::fmt::Display for NonceCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NonceCheck::InStep => f.write_str("in step with the chain"),
            NonceCheck::UsedOutside { expected, chain } => write!(
                f,
                "nonces {expected} to {} were used outside this run; continuing at {chain}",
                chain.saturating_sub(1)
            ),
            NonceCheck::ChainBehind { expected, chain } => write!(
                f,
                "the chain is at {chain} but this run sent up to {expected}: earlier transactions were dropped and are sent again"
            ),
        }
    }
}

/// Nonces of the signers this process sends for.
#[derive(Debug, Default)]
pub struct NonceTracker {
    next: Mutex<HashMap<Address, u64>>,
}

impl NonceTracker {
    /// A tracker that knows no signer yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reconciles with the chain and reserves the nonce for `signer`'s next
    /// transaction. With `ChainBehind`, the nonce returned is the chain's:
    /// the caller re-sends what was dropped from there.
    pub async fn reserve(
        &self,
        client: &ChainClient,
        signer: Address,
    ) -> Result<(u64, NonceCheck), ProviderError> {
        let chain = client.pending_nonce(signer).await?;
        let mut next = self.next.lock().map_err(|_| ProviderError::AllFailed {
            method: "nonce".into(),
            reasons: vec!["nonce state poisoned".into()],
        })?;
        let (nonce, check) = match next.get(&signer).copied() {
            None => (chain, NonceCheck::InStep),
            Some(expected) if expected == chain => (chain, NonceCheck::InStep),
            Some(expected) if chain > expected => {
                (chain, NonceCheck::UsedOutside { expected, chain })
            }
            Some(expected) => (chain, NonceCheck::ChainBehind { expected, chain }),
        };
        next.insert(signer, nonce + 1);
        Ok((nonce, check))
    }
}
