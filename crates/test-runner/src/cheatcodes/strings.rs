//! `vm.env*` and `vm.toString`: values read from the test environment and
//! values turned into text, the way forge parses and prints them.

use alloy_primitives::{Address, B256, I256, U256, hex};

/// Parses an environment value as `vm.envUint` does: decimal, or hex with `0x`.
pub(crate) fn parse_uint(text: &str) -> Result<U256, String> {
    let text = text.trim();
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(digits) => U256::from_str_radix(digits, 16),
        None => U256::from_str_radix(text, 10),
    };
    parsed.map_err(|_| format!("{text:?} is not an unsigned integer (decimal or 0x-hex)"))
}

/// Parses a signed integer: decimal with an optional sign, or `0x` hex.
pub(crate) fn parse_int(text: &str) -> Result<I256, String> {
    let text = text.trim();
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = parse_uint(magnitude).map_err(|_| format!("{text:?} is not an integer"))?;
    let value = I256::checked_from_sign_and_abs(
        if negative {
            alloy_primitives::Sign::Negative
        } else {
            alloy_primitives::Sign::Positive
        },
        magnitude,
    );
    value.ok_or_else(|| format!("{text:?} does not fit in int256"))
}

/// Parses an address (any case; a mixed-case address must carry a valid checksum).
pub(crate) fn parse_address(text: &str) -> Result<Address, String> {
    let text = text.trim();
    let lower_or_upper = text[text.len().min(2)..]
        .chars()
        .all(|c| !c.is_ascii_alphabetic() || c.is_ascii_lowercase())
        || text[text.len().min(2)..]
            .chars()
            .all(|c| !c.is_ascii_alphabetic() || c.is_ascii_uppercase());
    if lower_or_upper {
        text.parse::<Address>()
            .map_err(|_| format!("{text:?} is not an address"))
    } else {
        Address::parse_checksummed(text, None)
            .map_err(|_| format!("{text:?} is not an address (its mixed-case checksum is wrong)"))
    }
}

/// Parses `true`/`false` (any case).
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{:?} is not true or false", text.trim())),
    }
}

/// Parses 32 bytes of hex; shorter values are left-aligned and zero-padded,
/// as forge does.
pub(crate) fn parse_bytes32(text: &str) -> Result<B256, String> {
    let text = text.trim();
    let bytes = hex::decode(text).map_err(|_| format!("{text:?} is not hex"))?;
    if bytes.len() > 32 {
        return Err(format!("{text:?} is longer than 32 bytes"));
    }
    let mut out = B256::ZERO;
    out[..bytes.len()].copy_from_slice(&bytes);
    Ok(out)
}

/// `vm.toString(address)`: the EIP-55 checksummed form.
pub(crate) fn address_string(value: Address) -> String {
    value.to_checksum(None)
}

/// `vm.toString(bytes)` and `(bytes32)`: `0x`-prefixed lowercase hex.
pub(crate) fn hex_string(value: &[u8]) -> String {
    format!("0x{}", hex::encode(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_parse_in_decimal_and_hex_and_refuse_the_rest() {
        assert_eq!(parse_uint("42"), Ok(U256::from(42)));
        assert_eq!(parse_uint(" 0x2a "), Ok(U256::from(42)));
        assert!(parse_uint("-1").is_err());
        assert!(parse_uint("forty").is_err());
        assert!(parse_uint(&format!("{}0", U256::MAX)).is_err());
        assert_eq!(parse_int("-42"), Ok(I256::try_from(-42).expect("fits")));
        assert_eq!(parse_int("+7"), Ok(I256::try_from(7).expect("fits")));
        assert!(parse_int(&U256::MAX.to_string()).is_err());
    }

    #[test]
    fn addresses_check_mixed_case_checksums() {
        let lower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
        let checksummed = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
        assert_eq!(parse_address(lower), parse_address(checksummed));
        assert!(parse_address("0x70997970c51812dc3a010c7d01b50e0d17dc79C8").is_err());
        assert!(parse_address("0x1234").is_err());
        assert_eq!(
            address_string(parse_address(lower).expect("valid")),
            checksummed
        );
    }

    #[test]
    fn booleans_and_bytes32() {
        assert_eq!(parse_bool("TRUE"), Ok(true));
        assert!(parse_bool("yes").is_err());
        let short = parse_bytes32("0xabcd").expect("short hex");
        assert_eq!(short[..2], [0xab, 0xcd]);
        assert_eq!(short[2..], [0u8; 30]);
        assert!(parse_bytes32(&format!("0x{}", "00".repeat(33))).is_err());
    }
}
