//! Dev accounts: derived from a mnemonic on m/44'/60'/0'/0/i, as Hardhat and
//! anvil derive them, so addresses and keys match theirs.

use alloy_consensus::{SignableTransaction, TxEnvelope, TypedTransaction};
use alloy_primitives::Address;
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;

/// Why dev accounts could not be derived or could not sign.
#[derive(Debug, thiserror::Error)]
pub enum MnemonicError {
    /// The mnemonic or the derivation path is refused (BIP-39 / BIP-32).
    #[error("cannot derive dev account{} from the mnemonic: {reason}", .index.map(|i| format!(" {i}")).unwrap_or_else(|| "s".to_owned()))]
    Derive {
        /// The account, when one was asked for.
        index: Option<u32>,
        /// Why.
        reason: String,
    },
    /// Signing failed.
    #[error("cannot sign with dev account {address}: {reason}")]
    Sign {
        /// The account.
        address: Address,
        /// Why.
        reason: String,
    },
}

type Result<T, E = MnemonicError> = std::result::Result<T, E>;

/// A funded, unlocked dev account.
#[derive(Clone)]
pub struct DevAccount {
    /// Its address.
    pub address: Address,
    /// Its signer (the key never leaves the process).
    pub signer: PrivateKeySigner,
}

impl std::fmt::Debug for DevAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevAccount")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl DevAccount {
    /// Signs a transaction with this account's key.
    pub fn sign(&self, tx: impl Into<TypedTransaction>) -> Result<TxEnvelope> {
        let tx = tx.into();
        let signature = self
            .signer
            .sign_hash_sync(&tx.signature_hash())
            .map_err(|e| MnemonicError::Sign {
                address: self.address,
                reason: e.to_string(),
            })?;
        Ok(tx.into_envelope(signature))
    }
}

/// The first `count` accounts of `mnemonic` (BIP-44 `m/44'/60'/0'/0/i`,
/// as Hardhat, anvil and wallets derive them) — the one derivation of dev
/// accounts: the chain funds them, `dev:N` signers and plan accounts use
/// them. The seed (2,048 rounds of PBKDF2) is computed once and each
/// account derived from the common parent.
pub fn derive_accounts(mnemonic: &str, count: u32) -> Result<Vec<DevAccount>> {
    derive_range(mnemonic, 0..count)
}

/// Account `index` of `mnemonic`.
pub fn derive_account(mnemonic: &str, index: u32) -> Result<DevAccount> {
    derive_range(mnemonic, index..index.saturating_add(1))?
        .pop()
        .ok_or_else(|| MnemonicError::Derive {
            index: Some(index),
            reason: "no such account".into(),
        })
}

fn derive_range(mnemonic: &str, indices: std::ops::Range<u32>) -> Result<Vec<DevAccount>> {
    use alloy_signer_local::coins_bip39::{English, Mnemonic};
    use coins_bip32::xkeys::Parent;

    let bad = |e: &dyn std::fmt::Display| MnemonicError::Derive {
        index: None,
        reason: e.to_string(),
    };
    let phrase = Mnemonic::<English>::new_from_phrase(mnemonic).map_err(|e| bad(&e))?;
    let parent = phrase
        .master_key(None)
        .map_err(|e| bad(&e))?
        .derive_path("m/44'/60'/0'/0")
        .map_err(|e| bad(&e))?;
    indices
        .map(|i| {
            let child = parent.derive_child(i).map_err(|e| bad(&e))?;
            let key: &k256::ecdsa::SigningKey = child.as_ref();
            let signer = PrivateKeySigner::from_signing_key(key.clone());
            Ok(DevAccount {
                address: signer.address(),
                signer,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn the_test_mnemonic_gives_hardhats_accounts() {
        let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 3).expect("derive");
        assert_eq!(
            accounts[0].address,
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(
            accounts[1].address,
            address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")
        );
        assert_eq!(
            accounts[2].address,
            address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
        );
        assert_eq!(
            accounts[0].signer.to_bytes().to_string(),
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        );
        let one = derive_account(slipway_config::DEV_MNEMONIC, 2).expect("one");
        assert_eq!(one.address, accounts[2].address);
        assert!(derive_account("not a mnemonic", 0).is_err());
    }
}
