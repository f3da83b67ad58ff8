//! What a step sends, computed from the plan and the addresses known so
//! far; and the transaction a journal recorded, decoded back.

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_primitives::{Address, Bytes, TxKind};
use slipway_chain::TxRequest;

use crate::{
    StepInput,
    create2::{CREATE2_PROXY, create2_address, proxy_calldata},
    encode::{self, Names},
    plan::{Action, CheckedStep, StepRole, Via},
};

/// keccak256 of `artifact`'s runtime code without solc's metadata: the
/// same for two builds that differ only in comments or file names.
pub(crate) fn code_hash(artifact: &slipway_contracts::Artifact) -> alloy_primitives::B256 {
    let code = &artifact.deployed_bytecode;
    let end = code.len() - crate::verify::bytecode::metadata_len(code).unwrap_or(0);
    alloy_primitives::keccak256(&code[..end])
}

/// A step ready to send.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub(crate) input: StepInput,
    /// The transaction; for a deploy through the Safe's CreateCall, `to`
    /// is none and `data` the init code (the Safe's batch delegatecalls
    /// `performCreate2` with it).
    pub(crate) request: TxRequest,
    /// Deployed by the Safe through CreateCall.
    pub(crate) create_call: bool,
}

/// The input and request of `step` with `names` known; `safe` is the Safe
/// that deploys, where the environment deploys through one.
pub(crate) fn prepare(
    step: &CheckedStep,
    names: &Names,
    safe: Option<Address>,
) -> Result<Prepared, String> {
    let values = encode::arguments(step.params(), &step.step.args, names)?;
    let value = encode::wei(step.step.value.as_ref(), names)?;
    let args = values.iter().map(encode::shown).collect();
    match (&step.step.action, &step.artifact, &step.function) {
        (
            Action::Deploy {
                salt,
                libraries,
                via,
                ..
            },
            Some(artifact),
            _,
        ) => {
            let libraries: BTreeMap<String, Address> = libraries
                .iter()
                .map(|(name, expr)| {
                    match encode::value(expr, &alloy_dyn_abi::DynSolType::Address, names)? {
                        DynSolValue::Address(a) => Ok((name.clone(), a)),
                        _ => Err(format!("library {name} is not an address")),
                    }
                })
                .collect::<Result<_, String>>()?;
            let mut init = artifact.link(&libraries).map_err(|e| e.to_string())?;
            let encoded_args = DynSolValue::Tuple(values).abi_encode_params();
            init.extend_from_slice(&encoded_args);
            let create_call = *via == Via::CreateCall;
            // CreateCall where a signer deploys directly: a plain CREATE.
            let salt: Option<alloy_primitives::B256> =
                (*salt).filter(|_| !create_call || safe.is_some());
            let (to, data, address) = match (salt, safe.filter(|_| create_call)) {
                (Some(s), Some(safe)) => {
                    (None, init.clone(), Some(create2_address(safe, s, &init)))
                }
                (Some(s), None) => (
                    Some(CREATE2_PROXY),
                    proxy_calldata(s, &init),
                    Some(create2_address(CREATE2_PROXY, s, &init)),
                ),
                (None, _) => (None, init, None),
            };
            Ok(Prepared {
                input: StepInput {
                    kind: "deploy".into(),
                    what: artifact.id.clone(),
                    bytecode_hash: Some(artifact.bytecode_hash()),
                    to: None,
                    args,
                    encoded_args: encoded_args.into(),
                    value,
                    salt,
                    libraries,
                    address,
                    code_hash: matches!(step.step.role, StepRole::Implementation { .. })
                        .then(|| code_hash(artifact)),
                    unsafe_allow: match &step.step.role {
                        StepRole::Implementation { unsafe_allow, .. } => unsafe_allow.clone(),
                        _ => Vec::new(),
                    },
                },
                request: TxRequest {
                    to,
                    value,
                    data: data.into(),
                    gas_limit: None,
                },
                create_call: create_call && safe.is_some(),
            })
        }
        (Action::Call { to, .. }, _, Some(function)) => {
            let target = match encode::value(to, &alloy_dyn_abi::DynSolType::Address, names)? {
                DynSolValue::Address(a) => a,
                _ => return Err("`to` is not an address".into()),
            };
            let (function, values) = v4_upgrade(step, function, values, names);
            let data = function
                .abi_encode_input(&values)
                .map_err(|e| format!("cannot encode the arguments: {e}"))?;
            let encoded_args = Bytes::copy_from_slice(data.get(4..).unwrap_or_default());
            Ok(Prepared {
                input: StepInput {
                    kind: "call".into(),
                    what: function.signature(),
                    bytecode_hash: None,
                    to: Some(target),
                    args,
                    encoded_args,
                    value,
                    salt: None,
                    libraries: BTreeMap::new(),
                    address: None,
                    code_hash: None,
                    unsafe_allow: Vec::new(),
                },
                request: TxRequest {
                    to: Some(target),
                    value,
                    data: data.into(),
                    gas_limit: None,
                },
                create_call: false,
            })
        }
        _ => Err("the step was not checked".into()),
    }
}

/// An upgrade through OpenZeppelin 4.x's `ProxyAdmin` without a call:
/// its `upgradeAndCall` would call the implementation with empty data
/// (and revert where it has no fallback), so `upgrade(proxy, impl)` is
/// sent instead. Anything else is sent as the plan says.
fn v4_upgrade(
    step: &CheckedStep,
    function: &alloy_json_abi::Function,
    values: Vec<DynSolValue>,
    names: &Names,
) -> (alloy_json_abi::Function, Vec<DynSolValue>) {
    let legacy = match &step.step.role {
        StepRole::Upgrade {
            proxy,
            kind: crate::ProxyKind::Transparent,
            ..
        } => names.contains_key(&crate::proxies::v4_admin_mark(proxy)),
        _ => false,
    };
    let without_call = matches!(values.last(), Some(DynSolValue::Bytes(data)) if data.is_empty());
    match alloy_json_abi::Function::parse("function upgrade(address proxy, address implementation)")
    {
        Ok(upgrade) if legacy && without_call && values.len() == 3 => {
            (upgrade, values.into_iter().take(2).collect())
        }
        _ => (function.clone(), values),
    }
}

/// How `now` differs from what was done (`then`); empty when the same.
pub(crate) fn diff(then: &StepInput, now: &StepInput) -> Vec<String> {
    let mut changes = Vec::new();
    if then.what != now.what {
        changes.push(format!("{}: {} → {}", then.kind, then.what, now.what));
    }
    if let (Some(a), Some(b)) = (then.code_hash, now.code_hash) {
        if a != b {
            changes.push("code: the runtime code changed (metadata aside)".into());
        }
    } else if then.bytecode_hash != now.bytecode_hash {
        changes.push(format!(
            "bytecode: {} → {}",
            then.bytecode_hash
                .map(|h| h.to_string())
                .unwrap_or_default(),
            now.bytecode_hash.map(|h| h.to_string()).unwrap_or_default()
        ));
    }
    if then.to != now.to {
        changes.push(format!("to: {:?} → {:?}", then.to, now.to));
    }
    let n = then.args.len().max(now.args.len());
    for i in 0..n {
        let (a, b) = (then.args.get(i), now.args.get(i));
        if a != b {
            changes.push(format!(
                "argument {}: {} → {}",
                i + 1,
                a.map_or("(none)", String::as_str),
                b.map_or("(none)", String::as_str)
            ));
        }
    }
    if then.value != now.value {
        changes.push(format!("value: {} → {} wei", then.value, now.value));
    }
    if then.salt != now.salt {
        changes.push(format!("salt: {:?} → {:?}", then.salt, now.salt));
    }
    if then.libraries != now.libraries {
        changes.push(format!(
            "libraries: {:?} → {:?}",
            then.libraries, now.libraries
        ));
    }
    if changes.is_empty() && then.encoded_args != now.encoded_args {
        changes.push("encoded arguments differ".into());
    }
    changes
}

/// The request a journaled transaction carries (to re-price it exactly as
/// it was sent).
pub(crate) fn request_of(raw: &Bytes, gas_limit: u64) -> Option<TxRequest> {
    use alloy_consensus::Transaction;
    use alloy_eips::eip2718::Decodable2718;
    let envelope = alloy_consensus::TxEnvelope::decode_2718(&mut raw.as_ref()).ok()?;
    Some(TxRequest {
        to: match envelope.kind() {
            TxKind::Call(to) => Some(to),
            TxKind::Create => None,
        },
        value: envelope.value(),
        data: envelope.input().clone(),
        gas_limit: Some(gas_limit),
    })
}
