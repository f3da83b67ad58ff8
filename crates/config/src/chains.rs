//! Chain names and ids: the names users write in `chain = "..."`.

use std::str::FromStr;

use alloy_chains::{Chain, NamedChain};
use serde::Serialize;

/// A resolved chain: its id and, when known, its canonical name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainSpec {
    /// EIP-155 chain id.
    pub id: u64,
    /// Canonical name, if the chain is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Polygon's Mumbai testnet, which the SOP names and which has been shut down.
const MUMBAI_ID: u64 = 80001;

/// Names slipway knows besides those of `alloy-chains`.
const EXTRA_NAMES: &[(&str, u64)] = &[
    ("chain-138", 138),
    ("defi-oracle-meta", 138),
    ("amoy", 80002),
    ("development", 1337),
];

/// Why a chain was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ChainError {
    /// Mumbai was asked for.
    Mumbai,
    /// The name is not known.
    UnknownName(String),
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mumbai => f.write_str(
                "Polygon Mumbai (chain 80001) has been shut down; use its successor Polygon Amoy: \
                 chain = \"polygon-amoy\" (chain id 80002)",
            ),
            Self::UnknownName(name) => write!(
                f,
                "unknown chain `{name}`; use a known name such as mainnet, sepolia, holesky, \
                 polygon, polygon-amoy, chain-138, arbitrum, optimism, base, or set chain_id"
            ),
        }
    }
}

/// Whether `id` is a testnet alloy-chains knows (Sepolia, Holesky, Amoy,
/// the local dev chains 1337 and 31337…): coins there have no value.
pub fn is_known_testnet(id: u64) -> bool {
    NamedChain::try_from(id).is_ok_and(|c| c.is_testnet())
}

/// Resolves a chain name or id (exactly one of them, or both agreeing).
pub fn resolve_chain(name: Option<&str>, id: Option<u64>) -> Result<Option<ChainSpec>, String> {
    let from_name = name
        .map(chain_by_name)
        .transpose()
        .map_err(|e| e.to_string())?;
    let from_id = id.map(chain_by_id).transpose().map_err(|e| e.to_string())?;
    match (from_name, from_id) {
        (Some(a), Some(b)) if a.id != b.id => Err(format!(
            "chain `{}` has id {}, but chain_id says {}; remove one of them",
            name.unwrap_or_default(),
            a.id,
            b.id
        )),
        (Some(a), _) => Ok(Some(a)),
        (None, b) => Ok(b),
    }
}

fn chain_by_name(name: &str) -> Result<ChainSpec, ChainError> {
    let lower = name.trim().to_ascii_lowercase();
    if lower.contains("mumbai") {
        return Err(ChainError::Mumbai);
    }
    if let Some((_, id)) = EXTRA_NAMES.iter().find(|(n, _)| *n == lower) {
        return chain_by_id(*id);
    }
    let named = NamedChain::from_str(&lower).map_err(|_| ChainError::UnknownName(name.into()))?;
    Ok(spec(Chain::from_named(named)))
}

fn chain_by_id(id: u64) -> Result<ChainSpec, ChainError> {
    if id == MUMBAI_ID {
        return Err(ChainError::Mumbai);
    }
    Ok(match id {
        138 => ChainSpec {
            id,
            name: Some("chain-138".into()),
        },
        1337 => ChainSpec {
            id,
            name: Some("development".into()),
        },
        _ => spec(Chain::from_id(id)),
    })
}

fn spec(chain: Chain) -> ChainSpec {
    ChainSpec {
        id: chain.id(),
        name: chain.named().map(|n| n.as_str().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_resolve() {
        let id = |n: &str| {
            resolve_chain(Some(n), None)
                .expect("known")
                .expect("some")
                .id
        };
        assert_eq!(id("mainnet"), 1);
        assert_eq!(id("sepolia"), 11_155_111);
        assert_eq!(id("polygon"), 137);
        assert_eq!(id("polygon-amoy"), 80_002);
        assert_eq!(id("chain-138"), 138);
    }

    #[test]
    fn mumbai_is_refused_by_name_and_id_naming_amoy() {
        for err in [
            resolve_chain(Some("mumbai"), None).expect_err("refused"),
            resolve_chain(Some("polygon-mumbai"), None).expect_err("refused"),
            resolve_chain(None, Some(80001)).expect_err("refused"),
        ] {
            assert!(err.contains("shut down") && err.contains("Amoy"), "{err}");
        }
    }

    #[test]
    fn disagreement_and_unknown_names_are_errors() {
        let err = resolve_chain(Some("mainnet"), Some(5)).expect_err("disagree");
        assert!(err.contains("chain_id says 5"), "{err}");
        let err = resolve_chain(Some("narnia"), None).expect_err("unknown");
        assert!(err.contains("unknown chain `narnia`"), "{err}");
        assert_eq!(
            resolve_chain(None, Some(424_242))
                .expect("any id")
                .expect("some")
                .id,
            424_242
        );
    }
}

#[cfg(test)]
mod protection_tests {
    use super::is_known_testnet;

    #[test]
    fn testnets_are_known_and_value_chains_are_not() {
        for testnet in [11_155_111, 80_002, 17_000, 1337, 31_337] {
            assert!(is_known_testnet(testnet), "{testnet} should be a testnet");
        }
        for valued in [1, 137, 138, 10, 42_161, 8453, 987_654_321] {
            assert!(
                !is_known_testnet(valued),
                "{valued} should not be a testnet"
            );
        }
    }
}
