//! External signers: a JSON-RPC service holds the key (Web3Signer in front
//! of AWS KMS, Azure Key Vault or an HSM over PKCS#11; Frame; Clef; a node
//! with unlocked accounts). Nothing it answers is trusted: a signed
//! transaction is decoded and every field compared with the request, and
//! every signature must recover the configured account over a digest
//! computed here. The wire (method names, JSON) is the chain layer's, behind
//! [`SignerTransport`].

use std::{fmt, sync::Arc};

use alloy_consensus::{Transaction, TxEnvelope, TypedTransaction, transaction::SignerRecoverable};
use alloy_dyn_abi::TypedData;
use alloy_eips::Decodable2718;
use alloy_primitives::{Address, Bytes, Signature};
use futures::future::BoxFuture;

/// How an external signer is reached: one typed question per kind of
/// signature. slipway-chain implements it over its JSON-RPC transport.
pub trait SignerTransport: Send + Sync {
    /// The signed transaction's bytes (EIP-2718), for `from`.
    fn sign_transaction<'a>(
        &'a self,
        from: Address,
        tx: &'a TypedTransaction,
    ) -> BoxFuture<'a, Result<Bytes, RemoteFailure>>;
    /// A 65-byte signature of the EIP-712 data, by `from`.
    fn sign_typed_data<'a>(
        &'a self,
        from: Address,
        typed: &'a TypedData,
    ) -> BoxFuture<'a, Result<Bytes, RemoteFailure>>;
    /// A 65-byte EIP-191 (`personal_sign`) signature of `message`, by `from`.
    fn sign_message<'a>(
        &'a self,
        from: Address,
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<Bytes, RemoteFailure>>;
    /// Where it is, as it may be shown (credentials redacted).
    fn describe(&self) -> String;
}

/// The transport's own failure (unreachable, refused, an error answer).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RemoteFailure(pub Box<dyn std::error::Error + Send + Sync>);

/// What an external signer did wrong.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    /// It could not be asked, or refused.
    #[error("the external signer at {at} failed: {source}")]
    Failed {
        /// Where it is.
        at: String,
        /// Why.
        #[source]
        source: RemoteFailure,
    },
    /// Its answer is not a transaction or signature at all.
    #[error("the external signer at {at} answered something that is not {expected}: {reason}")]
    Malformed {
        /// Where it is.
        at: String,
        /// What was asked for.
        expected: &'static str,
        /// Why it is not.
        reason: String,
    },
    /// It signed a transaction other than the one asked for.
    #[error(
        "the external signer at {at} returned a different transaction: {fields} changed; nothing was sent"
    )]
    Altered {
        /// Where it is.
        at: String,
        /// The fields that differ, with the values asked for and returned.
        fields: String,
    },
    /// The signature is by another account.
    #[error(
        "the external signer at {at} signed as {signed}, not as the configured {expected}; nothing was sent"
    )]
    WrongSigner {
        /// Where it is.
        at: String,
        /// The configured account.
        expected: Address,
        /// The account the signature recovers.
        signed: Address,
    },
}

/// A remote signer for one account.
pub struct ExternalSigner {
    address: Address,
    transport: Arc<dyn SignerTransport>,
}

impl fmt::Debug for ExternalSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "External({} at {})",
            self.address,
            self.transport.describe()
        )
    }
}

impl ExternalSigner {
    /// The signer for `address` behind `transport`.
    pub fn new(address: Address, transport: Arc<dyn SignerTransport>) -> Self {
        Self { address, transport }
    }

    /// The account it signs for.
    pub fn address(&self) -> Address {
        self.address
    }

    fn at(&self) -> String {
        self.transport.describe()
    }

    fn failed(&self, source: RemoteFailure) -> ExternalError {
        ExternalError::Failed {
            at: self.at(),
            source,
        }
    }

    /// Signs `tx` remotely, and checks the answer is `tx` signed by the
    /// configured account.
    pub async fn sign_transaction(
        &self,
        tx: TypedTransaction,
    ) -> Result<TxEnvelope, ExternalError> {
        let raw = self
            .transport
            .sign_transaction(self.address, &tx)
            .await
            .map_err(|e| self.failed(e))?;
        let envelope =
            TxEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| ExternalError::Malformed {
                at: self.at(),
                expected: "a signed transaction",
                reason: e.to_string(),
            })?;
        let changed = differences(&tx, &envelope);
        if !changed.is_empty() {
            return Err(ExternalError::Altered {
                at: self.at(),
                fields: changed.join("; "),
            });
        }
        let signed = envelope
            .recover_signer()
            .map_err(|e| ExternalError::Malformed {
                at: self.at(),
                expected: "a valid signature",
                reason: e.to_string(),
            })?;
        self.check_signer(signed)?;
        // The signature is re-applied to the request itself: what is sent is
        // exactly what was asked for.
        let signature = *signature_of(&envelope).ok_or_else(|| ExternalError::Malformed {
            at: self.at(),
            expected: "a transaction type slipway sends",
            reason: format!("type {}", envelope.tx_type()),
        })?;
        Ok(tx.into_envelope(signature))
    }

    /// Signs EIP-712 data remotely; the signature must recover the
    /// configured account over the digest computed here.
    pub async fn sign_typed_data(&self, typed: &TypedData) -> Result<Signature, ExternalError> {
        let digest = typed
            .eip712_signing_hash()
            .map_err(|e| ExternalError::Malformed {
                at: self.at(),
                expected: "typed data",
                reason: e.to_string(),
            })?;
        let bytes = self
            .transport
            .sign_typed_data(self.address, typed)
            .await
            .map_err(|e| self.failed(e))?;
        let signature = self.signature(&bytes)?;
        let signed = signature
            .recover_address_from_prehash(&digest)
            .map_err(|e| self.unrecoverable(e))?;
        self.check_signer(signed)?;
        Ok(signature)
    }

    /// Signs `message` remotely (EIP-191); the signature must recover the
    /// configured account.
    pub async fn sign_message(&self, message: &[u8]) -> Result<Signature, ExternalError> {
        let bytes = self
            .transport
            .sign_message(self.address, message)
            .await
            .map_err(|e| self.failed(e))?;
        let signature = self.signature(&bytes)?;
        let signed = signature
            .recover_address_from_msg(message)
            .map_err(|e| self.unrecoverable(e))?;
        self.check_signer(signed)?;
        Ok(signature)
    }

    fn signature(&self, bytes: &[u8]) -> Result<Signature, ExternalError> {
        Signature::try_from(bytes).map_err(|e| ExternalError::Malformed {
            at: self.at(),
            expected: "a 65-byte signature",
            reason: e.to_string(),
        })
    }

    fn unrecoverable(&self, e: impl fmt::Display) -> ExternalError {
        ExternalError::Malformed {
            at: self.at(),
            expected: "a valid signature",
            reason: e.to_string(),
        }
    }

    fn check_signer(&self, signed: Address) -> Result<(), ExternalError> {
        if signed == self.address {
            Ok(())
        } else {
            Err(ExternalError::WrongSigner {
                at: self.at(),
                expected: self.address,
                signed,
            })
        }
    }
}

fn signature_of(envelope: &TxEnvelope) -> Option<&Signature> {
    Some(match envelope {
        TxEnvelope::Legacy(tx) => tx.signature(),
        TxEnvelope::Eip2930(tx) => tx.signature(),
        TxEnvelope::Eip1559(tx) => tx.signature(),
        TxEnvelope::Eip4844(tx) => tx.signature(),
        TxEnvelope::Eip7702(tx) => tx.signature(),
    })
}

/// Every field of `returned` that is not as `asked`, as
/// `name: asked → returned`.
fn differences(asked: &TypedTransaction, returned: &TxEnvelope) -> Vec<String> {
    let mut changed = Vec::new();
    let mut compare = |name: &str, a: String, b: String| {
        if a != b {
            changed.push(format!("{name}: {a} → {b}"));
        }
    };
    compare(
        "type",
        u8::from(asked.tx_type()).to_string(),
        u8::from(returned.tx_type()).to_string(),
    );
    compare(
        "chain id",
        format!("{:?}", asked.chain_id()),
        format!("{:?}", returned.chain_id()),
    );
    compare(
        "nonce",
        asked.nonce().to_string(),
        returned.nonce().to_string(),
    );
    compare(
        "to",
        format!("{:?}", asked.kind()),
        format!("{:?}", returned.kind()),
    );
    compare(
        "value",
        asked.value().to_string(),
        returned.value().to_string(),
    );
    compare(
        "data",
        asked.input().to_string(),
        returned.input().to_string(),
    );
    compare(
        "gas",
        asked.gas_limit().to_string(),
        returned.gas_limit().to_string(),
    );
    compare(
        "max fee",
        asked.max_fee_per_gas().to_string(),
        returned.max_fee_per_gas().to_string(),
    );
    compare(
        "priority fee",
        format!("{:?}", asked.max_priority_fee_per_gas()),
        format!("{:?}", returned.max_priority_fee_per_gas()),
    );
    compare(
        "access list",
        format!("{:?}", asked.access_list()),
        format!("{:?}", returned.access_list()),
    );
    changed
}
