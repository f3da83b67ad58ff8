//! A keystore's key-derivation parameters checked before anything is
//! derived: a hostile file must not panic (`dklen` 16 once did, in a slice
//! of 32), abort (scrypt `p` = 2^29 asked for 64 GB) or hang (PBKDF2 `c` =
//! 2^32 − 1). The bounds are generous for every real wallet — geth's
//! standard scrypt is n = 2^18, r = 8, p = 1 (256 MiB), ethers' and the
//! definition's vectors stay well inside — and each refusal names the
//! field.

use serde_json::Value;

/// The derived key's length every Web3 Secret Storage file uses.
const DKLEN: u64 = 32;
/// scrypt's memory, 128·r·n bytes, at most 1 GiB.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// scrypt's parallelism (each lane costs the whole memory-hard work again).
const MAX_SCRYPT_P: u64 = 16;
/// scrypt's block size factor.
const MAX_SCRYPT_R: u64 = 32;
/// PBKDF2 iterations (geth writes 262,144).
const MAX_PBKDF2_C: u64 = 10_000_000;
/// Salt length in bytes.
const MAX_SALT: usize = 1024;

fn number(params: &Value, field: &str) -> Result<u64, String> {
    params
        .get(field)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("crypto.kdfparams.{field} is missing or not a whole number"))
}

fn hex_field(
    value: Option<&Value>,
    name: &str,
    exact: Option<usize>,
    max: usize,
) -> Result<(), String> {
    let text = value
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name} is missing or not a string"))?;
    let text = text.trim_start_matches("0x");
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{name} is not hex"));
    }
    let bytes = text.len() / 2;
    match exact {
        Some(n) if bytes != n => Err(format!("{name} is {bytes} bytes; it must be {n}")),
        _ if bytes > max => Err(format!(
            "{name} is {bytes} bytes; at most {max} are accepted"
        )),
        _ => Ok(()),
    }
}

/// Checks the `crypto` object's parameters; the error names the field.
pub(crate) fn check(crypto: &Value) -> Result<(), String> {
    let kdf = crypto
        .get("kdf")
        .and_then(Value::as_str)
        .ok_or("crypto.kdf is missing")?;
    let params = crypto
        .get("kdfparams")
        .filter(|p| p.is_object())
        .ok_or("crypto.kdfparams is missing")?;
    let dklen = number(params, "dklen")?;
    if dklen != DKLEN {
        return Err(format!(
            "crypto.kdfparams.dklen is {dklen}; a keystore's derived key is {DKLEN} bytes"
        ));
    }
    hex_field(params.get("salt"), "crypto.kdfparams.salt", None, MAX_SALT)?;
    match kdf {
        "scrypt" => {
            let n = number(params, "n")?;
            let r = number(params, "r")?;
            let p = number(params, "p")?;
            if n < 2 || !n.is_power_of_two() {
                return Err(format!(
                    "crypto.kdfparams.n is {n}; it must be a power of two, at least 2"
                ));
            }
            if r == 0 || r > MAX_SCRYPT_R {
                return Err(format!(
                    "crypto.kdfparams.r is {r}; it must be 1 to {MAX_SCRYPT_R}"
                ));
            }
            if p == 0 || p > MAX_SCRYPT_P {
                return Err(format!(
                    "crypto.kdfparams.p is {p}; it must be 1 to {MAX_SCRYPT_P}"
                ));
            }
            let memory = 128u64.saturating_mul(r).saturating_mul(n);
            if memory > MAX_SCRYPT_MEMORY {
                return Err(format!(
                    "crypto.kdfparams.n and r ask for {} MiB of memory (128·r·n); at most {} MiB are accepted",
                    memory >> 20,
                    MAX_SCRYPT_MEMORY >> 20
                ));
            }
        }
        "pbkdf2" => {
            let c = number(params, "c")?;
            if c == 0 || c > MAX_PBKDF2_C {
                return Err(format!(
                    "crypto.kdfparams.c is {c}; it must be 1 to {MAX_PBKDF2_C}"
                ));
            }
            let prf = params.get("prf").and_then(Value::as_str).unwrap_or("");
            if prf != "hmac-sha256" {
                return Err(format!(
                    "crypto.kdfparams.prf is `{prf}`; only hmac-sha256 is defined"
                ));
            }
        }
        other => return Err(format!("crypto.kdf `{other}` is not scrypt or pbkdf2")),
    }
    let cipher = crypto.get("cipher").and_then(Value::as_str).unwrap_or("");
    if cipher != "aes-128-ctr" {
        return Err(format!(
            "crypto.cipher is `{cipher}`; only aes-128-ctr is defined"
        ));
    }
    hex_field(
        crypto.get("cipherparams").and_then(|c| c.get("iv")),
        "crypto.cipherparams.iv",
        Some(16),
        16,
    )?;
    hex_field(crypto.get("ciphertext"), "crypto.ciphertext", Some(32), 32)?;
    hex_field(crypto.get("mac"), "crypto.mac", Some(32), 32)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn scrypt(n: u64, r: u64, p: u64, dklen: u64) -> Value {
        json!({
            "cipher": "aes-128-ctr",
            "cipherparams": { "iv": "83dbcc02d8ccb40e466191a123791e0e" },
            "ciphertext": "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
            "kdf": "scrypt",
            "kdfparams": { "dklen": dklen, "n": n, "p": p, "r": r,
                "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19" },
            "mac": "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
        })
    }

    fn pbkdf2(c: u64) -> Value {
        json!({
            "cipher": "aes-128-ctr",
            "cipherparams": { "iv": "6087dab2f9fdbbfaddc31a909735c1e6" },
            "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
            "kdf": "pbkdf2",
            "kdfparams": { "c": c, "dklen": 32, "prf": "hmac-sha256",
                "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd" },
            "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
        })
    }

    #[test]
    fn real_parameters_pass() {
        assert_eq!(
            check(&scrypt(1 << 18, 1, 8, 32)),
            Ok(()),
            "the definition's vector"
        );
        assert_eq!(check(&scrypt(1 << 18, 8, 1, 32)), Ok(()), "geth's standard");
        assert_eq!(check(&scrypt(1 << 12, 8, 6, 32)), Ok(()), "geth's light");
        assert_eq!(check(&pbkdf2(262_144)), Ok(()));
    }

    #[test]
    fn hostile_parameters_are_refused_naming_the_field() {
        let cases = [
            (scrypt(1 << 18, 1, 8, 16), "dklen"),
            (scrypt(1 << 18, 8, 1 << 29, 32), "kdfparams.p"),
            (scrypt(1 << 30, 8, 1, 32), "n and r"),
            (scrypt(1000, 8, 1, 32), "kdfparams.n"),
            (scrypt(1 << 10, 0, 1, 32), "kdfparams.r"),
            (pbkdf2((1 << 32) - 1), "kdfparams.c"),
            (pbkdf2(0), "kdfparams.c"),
        ];
        for (crypto, field) in cases {
            let error = check(&crypto).expect_err(field);
            assert!(error.contains(field), "{field}: {error}");
        }
        let mut short_iv = pbkdf2(1);
        short_iv["cipherparams"]["iv"] = json!("00");
        assert!(
            check(&short_iv)
                .expect_err("iv")
                .contains("cipherparams.iv")
        );
        let mut no_params = pbkdf2(1);
        no_params["kdfparams"] = json!("x");
        assert!(check(&no_params).expect_err("params").contains("kdfparams"));
    }

    proptest! {
        /// Whatever the numbers, the check answers (no panic, no overflow)
        /// and never lets through more than the bounds.
        #[test]
        fn any_numbers_are_answered_within_bounds(
            n in any::<u64>(), r in any::<u64>(), p in any::<u64>(), dklen in any::<u64>(), c in any::<u64>()
        ) {
            if check(&scrypt(n, r, p, dklen)).is_ok() {
                prop_assert!(128u128 * u128::from(r) * u128::from(n) <= u128::from(MAX_SCRYPT_MEMORY));
                prop_assert!(p <= MAX_SCRYPT_P && dklen == DKLEN);
            }
            if check(&pbkdf2(c)).is_ok() {
                prop_assert!(c <= MAX_PBKDF2_C);
            }
        }
    }
}
