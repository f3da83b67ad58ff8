//! Several calls as one Safe transaction: MultiSend's packed encoding
//! (`operation` uint8, `to` address, `value` uint256, data length uint256,
//! data; back to back), delegatecalled by the Safe — MultiSendCallOnly for
//! plain calls, MultiSend when a call must itself delegate (CreateCall).

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, sol};

use super::{Batching, Operation, SafeTx};

sol! {
    function multiSend(bytes transactions) external payable;
}

/// One call of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchCall {
    /// Call or delegatecall (delegatecall needs MultiSend, not
    /// MultiSendCallOnly).
    pub operation: Operation,
    /// The called contract.
    pub to: Address,
    /// Wei sent with it.
    pub value: U256,
    /// Its calldata.
    pub data: Bytes,
}

/// MultiSend's packed encoding of `calls`.
pub fn pack(calls: &[BatchCall]) -> Bytes {
    let mut out = Vec::new();
    for call in calls {
        out.push(u8::from(call.operation));
        out.extend_from_slice(call.to.as_slice());
        out.extend_from_slice(&call.value.to_be_bytes::<32>());
        out.extend_from_slice(&U256::from(call.data.len()).to_be_bytes::<32>());
        out.extend_from_slice(&call.data);
    }
    out.into()
}

impl SafeTx {
    /// `calls` as one Safe transaction at `nonce`: a delegatecall to the
    /// version's MultiSendCallOnly, or to MultiSend when a call delegates.
    /// The Safe sends each call's value from its own balance.
    pub fn batch(batching: &Batching, calls: &[BatchCall], nonce: U256) -> Self {
        let delegates = calls.iter().any(|c| c.operation == Operation::DelegateCall);
        let to = if delegates {
            batching.multi_send
        } else {
            batching.multi_send_call_only
        };
        Self {
            to,
            value: U256::ZERO,
            data: multiSendCall {
                transactions: pack(calls),
            }
            .abi_encode()
            .into(),
            operation: Operation::DelegateCall,
            nonce,
            ..Default::default()
        }
    }
}
