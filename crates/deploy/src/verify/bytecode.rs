//! Is what runs on chain what was built? The runtime code compared with the
//! artifact's once linked libraries are filled in and the parts that
//! legitimately differ are set aside: immutable slots (the constructor
//! writes them) and the metadata hash solc appends (it changes with
//! comments and paths, not behaviour). The constructor arguments in the
//! creation transaction compared with the record's.

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolType, DynSolValue, Specifier};
use alloy_primitives::{Address, Bytes, hex};
use serde::Serialize;

use slipway_contracts::{Artifact, DeploymentRecord, fill};

use crate::encode::shown;

/// The outcome of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CodeCheck {
    /// Equal once these parts were set aside.
    Match {
        /// What was set aside, in words.
        set_aside: Vec<String>,
    },
    /// Different.
    Mismatch {
        /// Where and how, in words.
        reason: String,
    },
}

/// solc's CBOR metadata at the end of `code`: its length with the two
/// length bytes, when the code ends with one.
pub(crate) fn metadata_len(code: &[u8]) -> Option<usize> {
    let n = code.len();
    if n < 2 {
        return None;
    }
    let cbor = usize::from(u16::from_be_bytes([code[n - 2], code[n - 1]]));
    let start = n.checked_sub(cbor + 2)?;
    // A CBOR map of 1 to 5 entries ("ipfs"/"bzzr"…, "solc", …).
    (cbor > 0 && (0xa1..=0xa5).contains(&code[start])).then_some(cbor + 2)
}

fn window(code: &[u8], at: usize) -> String {
    let from = at.saturating_sub(8);
    let to = (at + 8).min(code.len());
    format!("…{}…", hex::encode(&code[from..to]))
}

/// Compares `on_chain` (the code at `address`) with `artifact`'s runtime
/// code linked to `libraries`.
pub fn compare_runtime(
    artifact: &Artifact,
    libraries: &BTreeMap<String, Address>,
    address: Address,
    on_chain: &[u8],
) -> CodeCheck {
    let mut built = artifact.deployed_bytecode.clone();
    let mut set_aside = Vec::new();
    if let Err(reason) = fill(&mut built, &artifact.deployed_links, libraries) {
        return CodeCheck::Mismatch {
            reason: reason.to_string(),
        };
    }
    let linked: usize = artifact.deployed_links.values().map(BTreeMap::len).sum();
    if linked > 0 {
        set_aside.push(format!(
            "{linked} linked librar{} filled in",
            if linked == 1 { "y" } else { "ies" }
        ));
    }
    if on_chain.is_empty() {
        return CodeCheck::Mismatch {
            reason: "there is no code at the address".into(),
        };
    }
    if built.len() != on_chain.len() {
        return CodeCheck::Mismatch {
            reason: format!(
                "the code on chain is {} bytes, the build's {} bytes",
                on_chain.len(),
                built.len()
            ),
        };
    }
    let mut chain = on_chain.to_vec();
    // A library's code starts with PUSH20 of its own address (solc's call
    // protection), zero in the build and written when it is deployed.
    let protected = built.len() > 22
        && built[0] == 0x73
        && built[1..21].iter().all(|b| *b == 0)
        && built[21] == 0x30;
    if protected {
        if chain[1..21] != address[..] {
            return CodeCheck::Mismatch {
                reason: format!(
                    "the library's call protection holds 0x{}, not its address {address}",
                    hex::encode(&chain[1..21])
                ),
            };
        }
        chain[1..21].fill(0);
        set_aside.push("the library's own address (call protection)".into());
    }
    let mut masked = 0;
    for ranges in artifact.immutables.values() {
        for &(start, length) in ranges {
            if let (Some(a), Some(b)) = (
                built.get_mut(start..start + length),
                chain.get_mut(start..start + length),
            ) {
                a.fill(0);
                b.fill(0);
                masked += 1;
            }
        }
    }
    if masked > 0 {
        set_aside.push(format!(
            "{} immutable slot{} ({} immutable{})",
            masked,
            if masked == 1 { "" } else { "s" },
            artifact.immutables.len(),
            if artifact.immutables.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    if let (Some(a), Some(b)) = (metadata_len(&built), metadata_len(&chain)) {
        let n = built.len();
        if a == b {
            built[n - a..].fill(0);
            chain[n - b..].fill(0);
            set_aside.push(format!("the metadata hash ({a} bytes at the end)"));
        }
    }
    match built.iter().zip(&chain).position(|(a, b)| a != b) {
        None => CodeCheck::Match { set_aside },
        Some(at) => CodeCheck::Mismatch {
            reason: format!(
                "the code differs at byte {at} (0x{at:x}): built {}, on chain {}",
                window(&built, at),
                window(&chain, at)
            ),
        },
    }
}

/// Checks that the creation transaction's `input` ends with the record's
/// constructor arguments, that they decode with the constructor's types to
/// the arguments the record shows, and encode back to the same bytes.
pub fn compare_arguments(
    artifact: &Artifact,
    record: &DeploymentRecord,
    input: &Bytes,
) -> CodeCheck {
    let encoded = &record.constructor_args;
    if !input.ends_with(encoded) {
        return CodeCheck::Mismatch {
            reason: format!(
                "the creation transaction does not end with the record's constructor arguments ({} bytes)",
                encoded.len()
            ),
        };
    }
    let inputs = artifact
        .abi
        .constructor
        .as_ref()
        .map(|c| c.inputs.clone())
        .unwrap_or_default();
    let types: Result<Vec<DynSolType>, _> = inputs.iter().map(|p| p.resolve()).collect();
    let Ok(types) = types else {
        return CodeCheck::Mismatch {
            reason: "the constructor's types do not resolve".into(),
        };
    };
    let tuple = DynSolType::Tuple(types);
    let decoded = match tuple.abi_decode_params(encoded) {
        Ok(DynSolValue::Tuple(values)) => values,
        Ok(other) => vec![other],
        Err(e) => {
            return CodeCheck::Mismatch {
                reason: format!("the constructor arguments do not decode: {e}"),
            };
        }
    };
    let shown_now: Vec<String> = decoded.iter().map(shown).collect();
    if shown_now != record.args {
        return CodeCheck::Mismatch {
            reason: format!(
                "the arguments in the transaction are ({}), the record says ({})",
                shown_now.join(", "),
                record.args.join(", ")
            ),
        };
    }
    if DynSolValue::Tuple(decoded).abi_encode_params() != encoded.as_ref() {
        return CodeCheck::Mismatch {
            reason: "the arguments re-encoded differ from the transaction's".into(),
        };
    }
    CodeCheck::Match {
        set_aside: Vec::new(),
    }
}
