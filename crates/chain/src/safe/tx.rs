//! A Safe transaction and the EIP-712 hash its owners sign.

use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::SolCall;
use serde::{Deserialize, Serialize};

use super::{OwnerSignature, abi::ISafe, encode_signatures};

/// How the Safe runs the call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Operation {
    /// An ordinary call.
    #[default]
    Call,
    /// A delegatecall: the target's code runs with the Safe's storage.
    DelegateCall,
}

impl From<Operation> for u8 {
    fn from(op: Operation) -> u8 {
        match op {
            Operation::Call => 0,
            Operation::DelegateCall => 1,
        }
    }
}

impl TryFrom<u8> for Operation {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, String> {
        match value {
            0 => Ok(Self::Call),
            1 => Ok(Self::DelegateCall),
            other => Err(format!(
                "operation {other} is neither 0 (call) nor 1 (delegatecall)"
            )),
        }
    }
}

/// The fields of a Safe transaction, as `execTransaction` takes them and
/// the `SafeTx` EIP-712 type names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SafeTx {
    /// The called contract.
    pub to: Address,
    /// Wei the Safe sends.
    pub value: U256,
    /// Calldata.
    pub data: Bytes,
    /// Call or delegatecall.
    pub operation: Operation,
    /// Gas for the inner call (0: all that is left).
    pub safe_tx_gas: U256,
    /// Gas the refund covers beyond the call.
    pub base_gas: U256,
    /// Refund price (0: no refund).
    pub gas_price: U256,
    /// Refund token (zero: ether).
    pub gas_token: Address,
    /// Refund receiver (zero: `tx.origin`).
    pub refund_receiver: Address,
    /// The Safe's nonce this transaction uses.
    pub nonce: U256,
}

impl SafeTx {
    /// The EIP-712 typed data an owner signs for the Safe at `safe` on chain
    /// `chain_id` (Safe 1.3.0 and later: the domain holds the chain id and
    /// the Safe's address).
    pub fn typed_data(&self, chain_id: u64, safe: Address) -> TypedData {
        let json = serde_json::json!({
            "types": {
                "EIP712Domain": [
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"}
                ],
                "SafeTx": [
                    {"name": "to", "type": "address"},
                    {"name": "value", "type": "uint256"},
                    {"name": "data", "type": "bytes"},
                    {"name": "operation", "type": "uint8"},
                    {"name": "safeTxGas", "type": "uint256"},
                    {"name": "baseGas", "type": "uint256"},
                    {"name": "gasPrice", "type": "uint256"},
                    {"name": "gasToken", "type": "address"},
                    {"name": "refundReceiver", "type": "address"},
                    {"name": "nonce", "type": "uint256"}
                ]
            },
            "primaryType": "SafeTx",
            "domain": {"chainId": chain_id, "verifyingContract": safe},
            "message": {
                "to": self.to,
                "value": self.value.to_string(),
                "data": self.data,
                "operation": u8::from(self.operation),
                "safeTxGas": self.safe_tx_gas.to_string(),
                "baseGas": self.base_gas.to_string(),
                "gasPrice": self.gas_price.to_string(),
                "gasToken": self.gas_token,
                "refundReceiver": self.refund_receiver,
                "nonce": self.nonce.to_string()
            }
        });
        serde_json::from_value(json).expect("the SafeTx typed data is well formed")
    }

    /// The safeTxHash: what owners sign and `getTransactionHash` returns.
    pub fn hash(&self, chain_id: u64, safe: Address) -> B256 {
        self.typed_data(chain_id, safe)
            .eip712_signing_hash()
            .expect("the SafeTx typed data encodes")
    }

    /// The EIP-712 domain separator and the struct hash, which hardware
    /// wallets show before signing.
    pub fn hashes(&self, chain_id: u64, safe: Address) -> (B256, B256) {
        let typed = self.typed_data(chain_id, safe);
        let domain = typed.domain().separator();
        let message = typed.hash_struct().expect("the SafeTx typed data encodes");
        (domain, message)
    }
}

impl SafeTx {
    /// Calldata of the Safe's own `getTransactionHash` for this
    /// transaction.
    pub fn hash_calldata(&self) -> Bytes {
        ISafe::getTransactionHashCall {
            to: self.to,
            value: self.value,
            data: self.data.clone(),
            operation: self.operation.into(),
            safeTxGas: self.safe_tx_gas,
            baseGas: self.base_gas,
            gasPrice: self.gas_price,
            gasToken: self.gas_token,
            refundReceiver: self.refund_receiver,
            _nonce: self.nonce,
        }
        .abi_encode()
        .into()
    }

    /// Calldata of `execTransaction` with `signatures` (encoded sorted by
    /// owner).
    pub fn exec_calldata(&self, signatures: &[OwnerSignature]) -> Bytes {
        ISafe::execTransactionCall {
            to: self.to,
            value: self.value,
            data: self.data.clone(),
            operation: self.operation.into(),
            safeTxGas: self.safe_tx_gas,
            baseGas: self.base_gas,
            gasPrice: self.gas_price,
            gasToken: self.gas_token,
            refundReceiver: self.refund_receiver,
            signatures: encode_signatures(signatures),
        }
        .abi_encode()
        .into()
    }
}
