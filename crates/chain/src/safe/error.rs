//! Why a Safe operation failed.

use alloy_primitives::{Address, B256};

use crate::{ProviderError, TxError};

/// Why a Safe operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SafeError {
    /// The chain could not be asked.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// A transaction did not land.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// The npm packages with Safe's contracts could not be read.
    #[error(transparent)]
    Release(#[from] super::ReleaseError),
    /// What is at an address does not answer as a Safe does.
    #[error("{address} is not a Safe this slipway speaks to: {reason}")]
    NotASafe {
        /// The address.
        address: Address,
        /// What was wrong.
        reason: String,
    },
    /// Code at a Safe contract's canonical address is not the published
    /// code.
    #[error(
        "{contract} at {address} has code hash {actual}, not the published {expected}: this is not Safe's {contract}; nothing more is sent"
    )]
    WrongCode {
        /// The contract.
        contract: String,
        /// Where.
        address: Address,
        /// The published code hash.
        expected: B256,
        /// What the chain holds.
        actual: B256,
    },
    /// A creation landed somewhere else than predicted, or not at all.
    #[error("{what} was expected at {expected}, but {found}")]
    Misplaced {
        /// What was created.
        what: String,
        /// The predicted address.
        expected: Address,
        /// What was found instead.
        found: String,
    },
    /// A transaction was included but reverted.
    #[error("{what} reverted (transaction {hash})")]
    Reverted {
        /// What it did.
        what: String,
        /// The transaction.
        hash: B256,
    },
}
