//! `vm.addr` and `vm.sign` with libsecp256k1 (the `secp256k1` crate): k256's
//! pure-Rust signing was a quarter of the bundled invariant tests' time,
//! whose handler signs every release. Signatures are RFC 6979 and low-s, as
//! k256's and forge's are, so they are byte for byte the same.

use alloy_primitives::{Address, B256, U256, keccak256};
use secp256k1::{Message, PublicKey, SECP256K1, SecretKey};

fn secret(key: U256, cheat: &str) -> Result<SecretKey, String> {
    SecretKey::from_byte_array(&key.to_be_bytes())
        .map_err(|_| format!("{cheat}: {key} is not a valid secp256k1 private key"))
}

/// The address of private key `key`.
pub(super) fn address_of(key: U256, cheat: &str) -> Result<Address, String> {
    let public = PublicKey::from_secret_key_global(&secret(key, cheat)?);
    let uncompressed = public.serialize_uncompressed();
    Ok(Address::from_slice(&keccak256(&uncompressed[1..])[12..]))
}

/// `(v, r, s)` of `digest` signed with `key`, `v` 27 or 28.
pub(super) fn sign(key: U256, digest: B256, cheat: &str) -> Result<(u8, B256, B256), String> {
    let signature =
        SECP256K1.sign_ecdsa_recoverable(&Message::from_digest(digest.0), &secret(key, cheat)?);
    let (id, bytes) = signature.serialize_compact();
    let parity = u8::try_from(i32::from(id)).map_err(|_| format!("{cheat}: bad recovery id"))?;
    Ok((
        27 + parity,
        B256::from_slice(&bytes[..32]),
        B256::from_slice(&bytes[32..]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_signer::SignerSync;

    #[test]
    fn signatures_and_addresses_match_alloys_k256_signer() {
        for seed in 1u64..20 {
            let key = U256::from_be_bytes(keccak256(seed.to_be_bytes()).0);
            let digest = keccak256(format!("message {seed}"));
            let k256 =
                alloy_signer_local::PrivateKeySigner::from_bytes(&B256::from(key)).expect("key");
            assert_eq!(address_of(key, "t"), Ok(k256.address()));
            let expected = k256.sign_hash_sync(&digest).expect("sign");
            let (v, r, s) = sign(key, digest, "t").expect("sign");
            assert_eq!(v, 27 + u8::from(expected.v()));
            assert_eq!(U256::from_be_bytes(r.0), expected.r());
            assert_eq!(U256::from_be_bytes(s.0), expected.s());
        }
        assert!(
            address_of(U256::ZERO, "vm.addr")
                .expect_err("zero")
                .contains("vm.addr: 0 is not a valid secp256k1 private key")
        );
    }
}
