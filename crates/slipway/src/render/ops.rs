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

/// A rehearsal of an action on a fork.
pub(crate) fn rehearsed(rehearsed: &slipway_ops::OpsRehearsed, env: &str) {
    use slipway_ops::RehearsedOutcome;
    println!(
        "Rehearsal on a fork of {env} at block {} ({:#x}); nothing was sent to {env}",
        rehearsed.block.number, rehearsed.block.hash
    );
    match &rehearsed.outcome {
        RehearsedOutcome::Sent { by, hash, success } => println!(
            "  sent by {by} (impersonated): {hash}, {}",
            if *success { "succeeded" } else { "REVERTED" }
        ),
        RehearsedOutcome::Reverted(reason) => println!("  REVERTED before sending: {reason}"),
        RehearsedOutcome::Safe(safe) => {
            for line in super::rehearsal::safe_lines(safe) {
                println!("  {line}");
            }
        }
    }
    for event in &rehearsed.events {
        println!("  event {event}");
    }
    if let Some(after) = &rehearsed.after {
        state_block("After (on the fork)", after);
    }
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

/// The live roles, then the drifts from the policy.
pub(crate) fn roles(report: &slipway_ops::roles::RolesReport) {
    use slipway_ops::roles::AccountKind;
    let kind = |account: &alloy_primitives::Address| match report.accounts.get(account) {
        Some(AccountKind::Safe) => " (the Safe)".to_owned(),
        Some(AccountKind::Timelock {
            safe_controlled,
            delay,
        }) => format!(
            " (timelock, {delay} s{})",
            if *safe_controlled { ", the Safe's" } else { "" }
        ),
        Some(AccountKind::Contract) => " (contract)".to_owned(),
        Some(AccountKind::Eoa) => " (EOA)".to_owned(),
        None => String::new(),
    };
    println!("Roles on `{}` at block {}", report.env, report.block);
    for contract in &report.contracts {
        println!("\n{} at {}", contract.name, contract.address);
        let access = &contract.access;
        if let Some(admin) = access.default_admin {
            println!("    default admin: {admin}{}", kind(&admin));
        }
        if let Some(owner) = access.owner {
            println!(
                "    owner: {owner}{}{}",
                kind(&owner),
                access
                    .owner_since
                    .map(|b| format!(", since block {b}"))
                    .unwrap_or_default()
            );
        }
        if let Some(pending) = &access.pending {
            println!(
                "    pending admin transfer to {}{}{}",
                pending.to,
                kind(&pending.to),
                pending
                    .accept_after
                    .map(|at| format!(", acceptable from {}", date(at)))
                    .unwrap_or_default()
            );
        }
        for role in &access.roles {
            let admin = access
                .role(role.admin_role)
                .map_or_else(|| role.admin_role.to_string(), |r| r.shown());
            println!("    {} (administered by {admin}):", role.shown());
            if role.holders.is_empty() {
                println!("        nobody");
            }
            for holder in &role.holders {
                println!(
                    "        {}{}{}",
                    holder.account,
                    kind(&holder.account),
                    holder
                        .since
                        .map(|b| format!(", since block {b}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    if report.findings.is_empty() {
        println!("\nNo drift from the [roles] policy.");
    } else {
        println!(
            "\n{} from the [roles] policy:",
            crate::output::count(report.findings.len(), "drift")
        );
        for finding in &report.findings {
            println!(
                "    {} {}: {}",
                finding.id,
                finding.path.display(),
                finding.message
            );
        }
    }
}

/// The static review beside the live holders.
pub(crate) fn review(rows: &[slipway_ops::roles::RoleReview]) {
    println!("\nWho may call what (the static review), and who holds it now:");
    let mut table = crate::output::table(&[
        "contract",
        "role or account",
        "may call",
        "held by (since block)",
    ]);
    for row in rows {
        let mut calls = row.functions.clone();
        calls.extend(row.signs_for.iter().map(|f| format!("{f} (signs)")));
        let holders: Vec<String> = row
            .holders
            .iter()
            .flatten()
            .map(|h| match h.since {
                Some(block) => format!("{} ({block})", h.account),
                None => h.account.to_string(),
            })
            .collect();
        table.add_row(vec![
            row.contract.clone(),
            row.who.clone(),
            if calls.is_empty() {
                "-".to_owned()
            } else {
                calls.join("\n")
            },
            match (&row.holders, holders.is_empty()) {
                (None, _) => "(depends on the call's arguments)".to_owned(),
                (Some(_), true) => "nobody".to_owned(),
                (Some(_), false) => holders.join("\n"),
            },
        ]);
    }
    println!("{table}");
}
