//! Owners' signatures of a safeTxHash, and the byte string
//! `execTransaction` checks them in (`checkNSignatures`: 65 bytes each,
//! sorted by owner).

use alloy_primitives::{Address, B256, Bytes, Signature, eip191_hash_message};
use serde::{Deserialize, Serialize};

/// How an owner approved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    /// An EIP-712 signature of the SafeTx.
    Typed,
    /// A personal-message signature of the safeTxHash (`eth_sign`), for
    /// signers that cannot sign typed data; `v` is raised by 4.
    EthSign,
    /// An approval without a signature: `approveHash` on chain, or the
    /// owner sending `execTransaction` itself.
    Approved,
}

/// One owner's approval of one safeTxHash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerSignature {
    /// The owner.
    pub owner: Address,
    /// How.
    pub kind: SignatureKind,
    /// The signature (none for [`SignatureKind::Approved`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// A signature that does not belong where it is offered.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// It recovers to another account: signed by someone else, or over
    /// another hash (another Safe, chain or nonce).
    #[error(
        "the signature attributed to {claimed} was made by {recovered} (or over another safeTxHash than {hash}): sign this proposal again"
    )]
    WrongSigner {
        /// Who it claims to be from.
        claimed: Address,
        /// Who made it, over this hash.
        recovered: Address,
        /// The hash checked.
        hash: B256,
    },
    /// It does not recover at all.
    #[error("the signature attributed to {0} is not a valid signature")]
    Invalid(Address),
    /// A signed kind without its signature.
    #[error("the approval by {0} carries no signature")]
    Missing(Address),
}

impl OwnerSignature {
    /// Checks that the signature was made by `owner` over `hash`.
    pub fn verify(&self, hash: B256) -> Result<(), SignatureError> {
        let digest = match self.kind {
            SignatureKind::Approved => return Ok(()),
            SignatureKind::Typed => hash,
            SignatureKind::EthSign => eip191_hash_message(hash),
        };
        let signature = self.signature.ok_or(SignatureError::Missing(self.owner))?;
        let recovered = signature
            .recover_address_from_prehash(&digest)
            .map_err(|_| SignatureError::Invalid(self.owner))?;
        if recovered == self.owner {
            Ok(())
        } else {
            Err(SignatureError::WrongSigner {
                claimed: self.owner,
                recovered,
                hash,
            })
        }
    }

    /// The 65 bytes `checkNSignatures` reads for this approval.
    fn encoded(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        match (self.kind, self.signature) {
            (SignatureKind::Approved, _) | (_, None) => {
                // r: the owner; s: unused; v = 1.
                out[12..32].copy_from_slice(self.owner.as_slice());
                out[64] = 1;
            }
            (kind, Some(signature)) => {
                out[..32].copy_from_slice(&signature.r().to_be_bytes::<32>());
                out[32..64].copy_from_slice(&signature.s().to_be_bytes::<32>());
                let v = 27 + u8::from(signature.v());
                out[64] = if kind == SignatureKind::EthSign {
                    v + 4
                } else {
                    v
                };
            }
        }
        out
    }
}

/// The signatures argument of `execTransaction`: each approval's 65 bytes,
/// sorted by owner (the contract requires strictly increasing owners), one
/// per owner.
pub fn encode_signatures(signatures: &[OwnerSignature]) -> Bytes {
    let mut sorted: Vec<&OwnerSignature> = signatures.iter().collect();
    sorted.sort_by_key(|s| s.owner);
    sorted.dedup_by_key(|s| s.owner);
    sorted.iter().flat_map(|s| s.encoded()).collect()
}
