//! Rendering shared by several commands: build progress and diagnostics,
//! test results, verification verdicts. Commands never import each other;
//! what two of them show alike lives here.

pub(crate) mod analyze;
pub(crate) mod build;
pub(crate) mod ops;
pub(crate) mod rehearsal;
pub(crate) mod safe;
pub(crate) mod tests;
pub(crate) mod upgrade;
pub(crate) mod verify;

/// Wei as ether without trailing zeros: `0.000689425`, `1`.
pub(crate) fn ether(wei: alloy_primitives::U256) -> String {
    let text = alloy_primitives::utils::format_ether(wei);
    match text.split_once('.') {
        Some((whole, fraction)) if fraction.trim_end_matches('0').is_empty() => whole.to_owned(),
        Some((whole, fraction)) => format!("{whole}.{}", fraction.trim_end_matches('0')),
        None => text,
    }
}

/// What the confirmation rule let through, on stderr.
pub(crate) fn authorised(
    ui: crate::output::Ui,
    env: &slipway_config::Environment,
    authorised: &slipway_deploy::Authorised,
) {
    if authorised.typed_back {
        crate::output::status(ui, "Confirmed", &format!("`{}` typed back", env.name));
    }
    if let Some(reason) = &authorised.reason {
        crate::output::status(ui, "Reason", reason);
    }
}

/// A step of a transaction's lifecycle as a verb and the rest of its line
/// (none for the confirmation, which the command reports with its outcome).
pub(crate) fn tx_line(event: &slipway_chain::TxEvent) -> Option<(&'static str, String)> {
    use slipway_chain::TxEvent;
    Some(match event {
        TxEvent::Nonce { nonce, check } => ("Nonce", format!("{nonce}: {check}")),
        TxEvent::Sent { hash, fees, .. } => ("Sending", format!("{hash} ({fees})")),
        TxEvent::Bumped { hash, fees, .. } => (
            "Repriced",
            format!("(not included in time): sending {hash} ({fees})"),
        ),
        TxEvent::Dropped { hash } => ("Dropped", format!("{hash} by the node: sent again")),
        TxEvent::Included { block, .. } => ("Included", format!("in block {block}")),
        TxEvent::Confirming {
            head, remaining, ..
        } => (
            "Waiting",
            format!(
                "for {} more, head {head}",
                crate::output::count(
                    usize::try_from(*remaining).unwrap_or(usize::MAX),
                    "confirmation"
                )
            ),
        ),
        TxEvent::Reorged { block, .. } => (
            "Reorged",
            format!("out of block {block}: waiting for inclusion again"),
        ),
        TxEvent::Confirmed { .. } => return None,
    })
}
