//! `slipway ops` and `slipway incident` as people read them: a contract's
//! state, what an action will change and who signs it, how it ended, and
//! incidents.

use slipway_ops::{
    Acted, ContractState, Planned, Prepared,
    incident::{Incident, Outcome, Route, markdown::outcome_words},
    time::date,
};

fn state_block(title: &str, state: &ContractState) {
    println!("{title}:");
    for line in state.lines() {
        println!("    {line}");
    }
}

/// What an action will do, before anything is sent.
pub(crate) fn prepared(prepared: &Prepared, env: &str) {
    println!(
        "{} at {} on `{env}`",
        prepared.record.name, prepared.record.address
    );
    state_block("Now", &prepared.before);
    match &prepared.planned {
        Planned::Nothing(why) => println!("Nothing to do: {why}."),
        Planned::Call { change, .. } => {
            println!("Action: {}", prepared.action.describe());
            println!("Call: {}", prepared.call_shown());
            for line in change {
                println!("Change: {line}");
            }
            println!("{}", who(&prepared.route));
        }
    }
}

fn who(route: &Route) -> String {
    match route {
        Route::Direct { signer, address } => format!("Signs: {signer} ({address}), directly"),
        Route::Safe { safe } => {
            format!("Signs: the Safe {safe} (a proposal its owners sign; nothing is sent now)")
        }
    }
}

/// How an action ended.
pub(crate) fn acted(acted: &Acted, twin: &std::path::Path) {
    println!("Outcome: {}", outcome_words(&acted.outcome));
    if let Outcome::Proposed { file, .. } = &acted.outcome {
        println!("Owners sign it with `slipway safe sign {file} --signer NAME`.");
    }
    if let Some(after) = &acted.after {
        state_block("After", after);
    }
    println!(
        "Recorded in incident {} ({})",
        acted.incident,
        twin.display()
    );
}

/// Incidents, one line each.
pub(crate) fn incident_list(incidents: &[Incident]) {
    if incidents.is_empty() {
        println!("No incidents.");
        return;
    }
    let mut table = crate::output::table(&[
        "#",
        "severity",
        "status",
        "opened (UTC)",
        "actions",
        "title",
    ]);
    for incident in incidents {
        table.add_row(vec![
            incident.id.to_string(),
            incident
                .severity()
                .map_or_else(|| "?".to_owned(), |s| s.to_string()),
            if incident.closed_at().is_some() {
                "closed".to_owned()
            } else {
                "open".to_owned()
            },
            incident.opened_at().map(date).unwrap_or_default(),
            incident.actions().to_string(),
            incident.title().to_owned(),
        ]);
    }
    println!("{table}");
}

/// Where an incident's Safe proposals stand.
pub(crate) fn proposal_states(states: &[slipway_ops::incident::ProposalState]) {
    use slipway_deploy::safe::ProposalStatus;
    println!("\n## Safe proposals now\n");
    for state in states {
        let approvals = if state.approvals.is_empty() {
            "no approvals".to_owned()
        } else {
            format!(
                "approved by {}",
                state
                    .approvals
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let status = match &state.status {
            None => "no proposal file of this environment has this hash".to_owned(),
            Some(ProposalStatus::Waiting(n)) => {
                format!("proposed, waiting for {n} more; {approvals}")
            }
            Some(ProposalStatus::Ready) => format!("ready to execute; {approvals}"),
            Some(ProposalStatus::Executed(executed)) => format!(
                "executed in transaction {} (block {}); {approvals}",
                executed.tx_hash, executed.block
            ),
            Some(ProposalStatus::Superseded) => {
                "superseded: another transaction used its nonce; it can never execute".to_owned()
            }
            Some(ProposalStatus::Unreadable(why)) => format!("its file does not read: {why}"),
        };
        println!("- `{}`: {status}", state.safe_tx_hash);
    }
}
