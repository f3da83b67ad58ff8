//! A rehearsal on a fork, as a person reads it (stderr) or as JSON: the
//! fork block, the addresses, the transactions with their gas and cost,
//! the events, and the role and ownership changes among them.

use serde_json::json;
use slipway_deploy::Rehearsed;

use crate::output::count;

/// In words.
pub(crate) fn text(env: &str, rehearsed: &Rehearsed) -> String {
    let mut lines = vec![format!(
        "Rehearsal on a fork of {env} at block {} ({:#x}); nothing was sent to {env}",
        rehearsed.block.number, rehearsed.block.hash
    )];
    if let Some(safe) = &rehearsed.safe {
        lines.extend(safe_lines(safe).into_iter().map(|l| format!("  {l}")));
    }
    for (step, address) in &rehearsed.addresses {
        lines.push(format!("  {step} at {address}"));
    }
    lines.push(format!(
        "  {}, gas {}, cost {} ETH at the fork's fees",
        count(rehearsed.transactions.len(), "transaction"),
        rehearsed.gas_used,
        super::ether(rehearsed.cost)
    ));
    for tx in rehearsed.transactions.iter().filter(|t| !t.success) {
        lines.push(format!("  FAILED {} (gas {})", tx.hash, tx.gas_used));
    }
    let changes: Vec<&str> = rehearsed
        .events
        .iter()
        .filter_map(|e| e.change.as_deref())
        .collect();
    if !changes.is_empty() {
        lines.push("  Role and ownership changes:".into());
        lines.extend(changes.iter().map(|c| format!("    {c}")));
    }
    if !rehearsed.events.is_empty() {
        lines.push(format!("  {}:", count(rehearsed.events.len(), "event")));
        lines.extend(
            rehearsed
                .events
                .iter()
                .map(|e| format!("    {} {}", e.address, e.text)),
        );
    }
    lines.join("\n")
}

/// How the Safe executed a rehearsed transaction, in lines.
pub(crate) fn safe_lines(safe: &slipway_deploy::safe::SafeRehearsal) -> Vec<String> {
    let list = |owners: &[alloy_primitives::Address]| {
        if owners.is_empty() {
            "none".to_owned()
        } else {
            owners
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    vec![
        format!(
            "executed by the Safe ({}) in {}",
            safe.safe_tx_hash, safe.executed.hash
        ),
        format!("real signatures: {}", list(&safe.signed)),
        format!(
            "approved on the fork by impersonated owners: {}",
            list(&safe.impersonated)
        ),
    ]
}

/// As JSON.
pub(crate) fn json(rehearsed: &Rehearsed) -> serde_json::Value {
    json!({
        "rehearsal": {
            "fork_block": rehearsed.block.number,
            "fork_hash": rehearsed.block.hash,
            "addresses": rehearsed.addresses.iter().map(|(step, address)| json!({ "step": step, "address": address })).collect::<Vec<_>>(),
            "transactions": rehearsed.transactions.iter().map(|t| json!({
                "hash": t.hash, "created": t.created, "gas_used": t.gas_used, "success": t.success,
            })).collect::<Vec<_>>(),
            "safe": rehearsed.safe.as_ref().map(|safe| json!({
                "safe_tx_hash": safe.safe_tx_hash,
                "executed_in": safe.executed.hash,
                "signed": safe.signed,
                "impersonated": safe.impersonated,
            })),
            "gas_used": rehearsed.gas_used,
            "cost_wei": rehearsed.cost.to_string(),
            "events": rehearsed.events.iter().map(|e| json!({
                "address": e.address, "event": e.text, "change": e.change,
            })).collect::<Vec<_>>(),
        }
    })
}
