//! scrypt (RFC 7914) without the RFC's `n < 2^(16·r)` parameter bound, for
//! keystores written by tools that do not enforce it (geth's Go scrypt does
//! not; the Web3 Secret Storage definition's own scrypt test vector uses
//! n = 2^18 with r = 1). The `scrypt` crate under eth-keystore enforces the
//! bound, so such files are decrypted here instead: key derivation below,
//! then the definition's MAC check and AES-128-CTR.

use aes::cipher::{KeyIvInit, StreamCipher};
use alloy_primitives::{B256, keccak256};
use sha2::Sha256;

/// The Salsa20/8 core on a 64-byte block, in place.
fn salsa20_8(block: &mut [u8; 64]) {
    let mut input = [0u32; 16];
    for (word, bytes) in input.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    let mut x = input;
    let quarter = |x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize| {
        x[b] ^= x[a].wrapping_add(x[d]).rotate_left(7);
        x[c] ^= x[b].wrapping_add(x[a]).rotate_left(9);
        x[d] ^= x[c].wrapping_add(x[b]).rotate_left(13);
        x[a] ^= x[d].wrapping_add(x[c]).rotate_left(18);
    };
    for _ in 0..4 {
        // Columns, then rows.
        quarter(&mut x, 0, 4, 8, 12);
        quarter(&mut x, 5, 9, 13, 1);
        quarter(&mut x, 10, 14, 2, 6);
        quarter(&mut x, 15, 3, 7, 11);
        quarter(&mut x, 0, 1, 2, 3);
        quarter(&mut x, 5, 6, 7, 4);
        quarter(&mut x, 10, 11, 8, 9);
        quarter(&mut x, 15, 12, 13, 14);
    }
    for (i, bytes) in block.chunks_exact_mut(4).enumerate() {
        bytes.copy_from_slice(&x[i].wrapping_add(input[i]).to_le_bytes());
    }
}

/// scryptBlockMix over `2r` 64-byte blocks.
fn block_mix(input: &[u8], output: &mut [u8], r: usize) {
    let mut x = [0u8; 64];
    x.copy_from_slice(&input[(2 * r - 1) * 64..]);
    for i in 0..2 * r {
        for (a, b) in x.iter_mut().zip(&input[i * 64..(i + 1) * 64]) {
            *a ^= b;
        }
        salsa20_8(&mut x);
        // Even blocks first, then odd ones.
        let slot = if i % 2 == 0 { i / 2 } else { r + i / 2 };
        output[slot * 64..(slot + 1) * 64].copy_from_slice(&x);
    }
}

/// scryptROMix on one `128·r`-byte block.
fn ro_mix(block: &mut [u8], n: usize, r: usize) {
    let size = 128 * r;
    let mut v = vec![0u8; n * size];
    let mut x = block.to_vec();
    let mut y = vec![0u8; size];
    for i in 0..n {
        v[i * size..(i + 1) * size].copy_from_slice(&x);
        block_mix(&x, &mut y, r);
        std::mem::swap(&mut x, &mut y);
    }
    for _ in 0..n {
        let last = &x[(2 * r - 1) * 64..];
        let j = (u64::from_le_bytes(last[..8].try_into().unwrap_or_default()) % n as u64) as usize;
        for (a, b) in x.iter_mut().zip(&v[j * size..(j + 1) * size]) {
            *a ^= b;
        }
        block_mix(&x, &mut y, r);
        std::mem::swap(&mut x, &mut y);
    }
    block.copy_from_slice(&x);
}

/// scrypt(password, salt, n, r, p) → `dklen` bytes; `n` a power of two.
pub(crate) fn scrypt(
    password: &[u8],
    salt: &[u8],
    n: usize,
    r: usize,
    p: usize,
    dklen: usize,
) -> Vec<u8> {
    let size = 128 * r;
    let mut b = vec![0u8; p * size];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, 1, &mut b);
    for chunk in b.chunks_exact_mut(size) {
        ro_mix(chunk, n, r);
    }
    let mut derived = vec![0u8; dklen];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, &b, 1, &mut derived);
    derived
}

/// The fields of a v3 keystore's `crypto` object this reader needs.
pub(crate) struct SecretStorage {
    pub(crate) kdf: Kdf,
    pub(crate) salt: Vec<u8>,
    pub(crate) iv: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) mac: B256,
}

/// Why a keystore did not decrypt here.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decrypted {
    Key(B256),
    WrongPassword,
    Unsupported(String),
}

/// How the key-encryption key is derived from the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kdf {
    /// scrypt with its cost parameters.
    Scrypt { n: usize, r: usize, p: usize },
    /// PBKDF2 with HMAC-SHA256 and `c` iterations.
    Pbkdf2 { c: u32 },
}

impl SecretStorage {
    /// Reads the `crypto` object (AES-128-CTR with scrypt or PBKDF2); the
    /// parameters' bounds are `kdf_bounds::check`'s, checked before.
    pub(crate) fn from_json(crypto: &serde_json::Value) -> Result<Self, String> {
        let text = |pointer: &str| {
            crypto
                .pointer(pointer)
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| format!("missing {pointer}"))
        };
        let number = |pointer: &str| {
            crypto
                .pointer(pointer)
                .and_then(serde_json::Value::as_u64)
                .and_then(|v| usize::try_from(v).ok())
                .ok_or_else(|| format!("missing {pointer}"))
        };
        let hex = |pointer: &str| -> Result<Vec<u8>, String> {
            alloy_primitives::hex::decode(text(pointer)?)
                .map_err(|_| format!("{pointer} is not hex"))
        };
        if text("/cipher")? != "aes-128-ctr" {
            return Err("only aes-128-ctr".into());
        }
        let kdf = match text("/kdf")? {
            "scrypt" => Kdf::Scrypt {
                n: number("/kdfparams/n")?,
                r: number("/kdfparams/r")?,
                p: number("/kdfparams/p")?,
            },
            "pbkdf2" => Kdf::Pbkdf2 {
                c: number("/kdfparams/c")?
                    .try_into()
                    .map_err(|_| "crypto.kdfparams.c is too large".to_owned())?,
            },
            other => return Err(format!("unknown kdf `{other}`")),
        };
        let keystore = Self {
            kdf,
            salt: hex("/kdfparams/salt")?,
            iv: hex("/cipherparams/iv")?,
            ciphertext: hex("/ciphertext")?,
            mac: text("/mac")?
                .parse()
                .map_err(|_| "mac is not 32 bytes of hex".to_owned())?,
        };
        let sane = match keystore.kdf {
            Kdf::Scrypt { n, r, p } => {
                n.is_power_of_two()
                    && n > 1
                    && r > 0
                    && p > 0
                    // At most 1 GiB of memory for the table.
                    && n.saturating_mul(128).saturating_mul(r) <= 1 << 30
                    && r.saturating_mul(p) < 1 << 30
            }
            Kdf::Pbkdf2 { c } => c > 0,
        };
        if !sane || keystore.iv.len() != 16 {
            return Err("key-derivation parameters out of range".into());
        }
        Ok(keystore)
    }

    /// Derives the key, checks the MAC, decrypts.
    pub(crate) fn decrypt(&self, password: &[u8]) -> Decrypted {
        let derived = match self.kdf {
            Kdf::Scrypt { n, r, p } => scrypt(password, &self.salt, n, r, p, 32),
            Kdf::Pbkdf2 { c } => {
                let mut out = vec![0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password, &self.salt, c, &mut out);
                out
            }
        };
        let mac = keccak256([&derived[16..32], self.ciphertext.as_slice()].concat());
        if mac != self.mac {
            return Decrypted::WrongPassword;
        }
        if self.ciphertext.len() != 32 {
            return Decrypted::Unsupported("the ciphertext is not a 32-byte key".into());
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&self.ciphertext);
        let Ok(mut cipher) =
            ctr::Ctr128BE::<aes::Aes128>::new_from_slices(&derived[..16], &self.iv)
        else {
            return Decrypted::Unsupported("bad key or iv length".into());
        };
        cipher.apply_keystream(&mut key);
        Decrypted::Key(B256::from(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7914_test_vectors() {
        // RFC 7914 §12: scrypt("", "", N=16, r=1, p=1, 64) and
        // scrypt("password", "NaCl", N=1024, r=8, p=16, 64).
        let empty = scrypt(b"", b"", 16, 1, 1, 64);
        assert_eq!(
            alloy_primitives::hex::encode(empty),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        );
        let nacl = scrypt(b"password", b"NaCl", 1024, 8, 16, 64);
        assert_eq!(
            alloy_primitives::hex::encode(nacl),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        );
    }

    #[test]
    fn agrees_with_the_scrypt_crate_within_its_bounds() {
        for (log_n, r, p) in [(4u8, 1u32, 1u32), (10, 8, 1), (8, 2, 3), (12, 8, 2)] {
            let params = ::scrypt::Params::new(log_n, r, p).expect("within RFC 7914");
            let mut theirs = [0u8; 32];
            ::scrypt::scrypt(b"slipway", b"salt", &params, &mut theirs).expect("scrypt");
            let ours = scrypt(b"slipway", b"salt", 1 << log_n, r as usize, p as usize, 32);
            assert_eq!(ours, theirs, "n = 2^{log_n}, r = {r}, p = {p}");
        }
    }
}
