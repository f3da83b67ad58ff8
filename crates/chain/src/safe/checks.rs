//! What a signer's screen cannot show: the checks every Safe transaction
//! passes before slipway proposes, signs or executes it (the lessons of
//! the 2025 Bybit theft, where owners signed a delegatecall that replaced
//! the Safe's logic). Each can be allowed only by a flag named for the
//! risk.

use alloy_primitives::{Address, U256};

use super::{Batching, Operation, SafeTx};

/// Risks a caller accepts by name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllowedRisks {
    /// `--allow-delegatecall`: a delegatecall to another contract than the
    /// release's MultiSend, MultiSendCallOnly or CreateCall.
    pub delegatecall: bool,
    /// `--allow-gas-refund`: a non-zero gas price, a gas token or a refund
    /// receiver (the Safe pays whoever executes).
    pub gas_refund: bool,
    /// `--allow-modules`: the Safe has modules or a guard that the
    /// configuration does not list (each module can act without the
    /// owners; a guard vets every transaction).
    pub modules: bool,
}

/// A transaction refused by the checks.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UnsafeTx {
    /// A delegatecall to code that is not one of the release's batching
    /// contracts: that code would run with the Safe's storage and could
    /// replace its owners or logic.
    #[error(
        "the transaction delegatecalls {to}, which is not Safe {version}'s MultiSend, MultiSendCallOnly or CreateCall: that code would run as the Safe itself and could change its owners or logic; refused (--allow-delegatecall accepts the risk)"
    )]
    Delegatecall {
        /// The target.
        to: Address,
        /// The Safe's version.
        version: String,
    },
    /// A gas refund: the Safe would pay its executor.
    #[error(
        "the transaction refunds gas (gasPrice {gas_price}, gasToken {gas_token}, refundReceiver {refund_receiver}): the Safe would pay whoever executes it; refused (--allow-gas-refund accepts the risk)"
    )]
    GasRefund {
        /// Its gas price.
        gas_price: U256,
        /// Its gas token.
        gas_token: Address,
        /// Its refund receiver.
        refund_receiver: Address,
    },
}

/// Checks `tx` for a Safe whose batching contracts are `batching`.
pub fn check_transaction(
    tx: &SafeTx,
    batching: &Batching,
    allowed: AllowedRisks,
) -> Result<(), UnsafeTx> {
    if tx.operation == Operation::DelegateCall && !allowed.delegatecall && !batching.contains(tx.to)
    {
        return Err(UnsafeTx::Delegatecall {
            to: tx.to,
            version: batching.version.clone(),
        });
    }
    let refunds =
        !tx.gas_price.is_zero() || !tx.gas_token.is_zero() || !tx.refund_receiver.is_zero();
    if refunds && !allowed.gas_refund {
        return Err(UnsafeTx::GasRefund {
            gas_price: tx.gas_price,
            gas_token: tx.gas_token,
            refund_receiver: tx.refund_receiver,
        });
    }
    Ok(())
}
