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

/// The key at `m/44'/60'/0'/0` of a mnemonic, from which each account is
/// one non-hardened step.
#[derive(Clone)]
struct Parent {
    key: k256::NonZeroScalar,
    chain_code: [u8; 32],
    /// Its public key, compressed (SEC1).
    public: [u8; 33],
}

/// The parent key of `mnemonic`'s accounts, computed once per process
/// (its seed takes 2,048 rounds of PBKDF2, and a command that opens the
/// dev chain and resolves `dev:N` accounts asks several times).
fn parent_key(mnemonic: &str) -> Result<Parent> {
    use alloy_signer_local::coins_bip39::{English, Mnemonic};
    use coins_bip32::primitives::XKeyInfo;
    use std::{
        collections::HashMap,
        sync::{Mutex, OnceLock},
    };

    static PARENTS: OnceLock<Mutex<HashMap<String, Parent>>> = OnceLock::new();
    let parents = PARENTS.get_or_init(Mutex::default);
    if let Some(parent) = parents.lock().ok().and_then(|p| p.get(mnemonic).cloned()) {
        return Ok(parent);
    }
    let bad = |e: &dyn std::fmt::Display| MnemonicError::Derive {
        index: None,
        reason: e.to_string(),
    };
    let phrase = Mnemonic::<English>::new_from_phrase(mnemonic).map_err(|e| bad(&e))?;
    let xpriv = phrase
        .master_key(None)
        .map_err(|e| bad(&e))?
        .derive_path("m/44'/60'/0'/0")
        .map_err(|e| bad(&e))?;
    let signing: &k256::ecdsa::SigningKey = xpriv.as_ref();
    let info: &XKeyInfo = xpriv.as_ref();
    let mut public = [0u8; 33];
    public.copy_from_slice(&signing.verifying_key().to_encoded_point(true).to_bytes());
    let parent = Parent {
        key: *signing.as_nonzero_scalar(),
        chain_code: info.chain_code.0,
        public,
    };
    if let Ok(mut parents) = parents.lock() {
        parents.insert(mnemonic.to_owned(), parent.clone());
    }
    Ok(parent)
}

/// Account `index` (a non-hardened BIP-32 step: the child key is the
/// parent's plus HMAC-SHA512(chain code, parent public key ‖ index)'s left
/// half), its address computed by libsecp256k1.
fn child(parent: &Parent, index: u32) -> Result<DevAccount> {
    use hmac::{Hmac, Mac};
    use k256::elliptic_curve::PrimeField;

    let bad = |reason: &str| MnemonicError::Derive {
        index: Some(index),
        reason: reason.to_owned(),
    };
    if index >= 1 << 31 {
        return Err(bad("a hardened index"));
    }
    let mut mac = Hmac::<sha2::Sha512>::new_from_slice(&parent.chain_code)
        .map_err(|_| bad("bad chain code"))?;
    mac.update(&parent.public);
    mac.update(&index.to_be_bytes());
    let out = mac.finalize().into_bytes();
    let mut left = [0u8; 32];
    left.copy_from_slice(&out[..32]);
    let tweak = Option::<k256::Scalar>::from(k256::Scalar::from_repr(left.into()))
        .ok_or_else(|| bad("the step is out of range"))?;
    let key =
        Option::<k256::NonZeroScalar>::from(k256::NonZeroScalar::new(tweak + parent.key.as_ref()))
            .ok_or_else(|| bad("the child key is zero"))?;
    let bytes: [u8; 32] = key.to_repr().into();
    let secret = secp256k1::SecretKey::from_byte_array(&bytes).map_err(|_| bad("invalid key"))?;
    let public = secp256k1::PublicKey::from_secret_key_global(&secret).serialize_uncompressed();
    let address = Address::from_raw_public_key(&public[1..]);
    let signing = k256::ecdsa::SigningKey::from(key);
    Ok(DevAccount {
        address,
        signer: PrivateKeySigner::new_with_credential(signing, address, None),
    })
}

fn derive_range(mnemonic: &str, indices: std::ops::Range<u32>) -> Result<Vec<DevAccount>> {
    let parent = parent_key(mnemonic)?;
    indices.map(|i| child(&parent, i)).collect()
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
        let many = derive_accounts(slipway_config::DEV_MNEMONIC, 20).expect("derive");
        assert_eq!(
            many[19].address,
            address!("8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199")
        );
        assert_eq!(
            many[19].signer.to_bytes().to_string(),
            "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e"
        );
        for account in &many {
            assert_eq!(account.signer.address(), account.address);
            assert_eq!(
                alloy_signer_local::PrivateKeySigner::from_bytes(&account.signer.to_bytes())
                    .expect("key")
                    .address(),
                account.address,
                "the address is the key's"
            );
        }
        let one = derive_account(slipway_config::DEV_MNEMONIC, 2).expect("one");
        assert_eq!(one.address, accounts[2].address);
        assert!(derive_account("not a mnemonic", 0).is_err());
    }
}
