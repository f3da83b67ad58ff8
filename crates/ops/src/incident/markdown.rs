//! An incident's Markdown twin: what a person reads in a review or in the
//! repository's web view. Rendered from the log, never edited: the log is
//! the record.

use std::fmt::Write as _;

use super::{Entry, Incident, Linked, Outcome, Route};
use crate::time::date;

/// `incident` as Markdown.
pub fn render(incident: &Incident) -> String {
    let mut out = String::new();
    let status = match incident.closed_at() {
        Some(at) => format!("closed {}", date(at)),
        None => "open".to_owned(),
    };
    let _ = writeln!(
        out,
        "# Incident {} ({}): {}\n",
        incident.id,
        incident.env,
        escape(incident.title())
    );
    let _ = writeln!(
        out,
        "- Severity: {}",
        incident
            .severity()
            .map_or_else(|| "?".to_owned(), |s| s.to_string())
    );
    let _ = writeln!(out, "- Status: {status}");
    if let Some(at) = incident.opened_at() {
        let _ = writeln!(out, "- Opened: {}", date(at));
    }
    let _ = writeln!(
        out,
        "\nThis file is rendered from `incident-{:04}.jsonl`, the record itself; edits here are lost.\n",
        incident.id
    );
    let _ = writeln!(out, "## Timeline\n");
    let _ = writeln!(out, "| when (UTC) | what |");
    let _ = writeln!(out, "|---|---|");
    for entry in &incident.entries {
        let _ = writeln!(
            out,
            "| {} | {} |",
            date(entry.at()),
            escape(&timeline(entry))
        );
    }
    let actions: Vec<&Entry> = incident
        .entries
        .iter()
        .filter(|e| matches!(e, Entry::Action { .. }))
        .collect();
    if !actions.is_empty() {
        let _ = writeln!(out, "\n## Actions");
        for action in actions {
            section(&mut out, action, &incident.entries);
        }
    }
    for entry in &incident.entries {
        if let Entry::Closed { summary, by, .. } = entry {
            let _ = writeln!(
                out,
                "\n## Summary\n\n{}\n\n— {}",
                escape(summary),
                escape(by)
            );
        }
    }
    out
}

fn timeline(entry: &Entry) -> String {
    match entry {
        Entry::Opened {
            severity,
            by,
            title,
            ..
        } => format!("opened ({severity}) by {by}: {title}"),
        Entry::Note { by, text, .. } => format!("note by {by}: {text}"),
        Entry::Link {
            by, linked, note, ..
        } => {
            let what = match linked {
                Linked::Transaction(tx) => format!("transaction {tx}"),
                Linked::Proposal(hash) => format!("Safe proposal {hash}"),
                Linked::Reference(text) => text.clone(),
            };
            match note {
                Some(note) => format!("{by} linked {what}: {note}"),
                None => format!("{by} linked {what}"),
            }
        }
        Entry::Action {
            step,
            contract,
            action,
            route,
            ..
        } => format!(
            "action {step}: {} on {contract}, {}",
            action.describe(),
            route_words(route)
        ),
        Entry::Sent { step, tx, .. } => format!("action {step}: sent {tx}"),
        Entry::Done { step, outcome, .. } => format!("action {step}: {}", outcome_words(outcome)),
        Entry::Closed { by, .. } => format!("closed by {by}"),
    }
}

fn route_words(route: &Route) -> String {
    match route {
        Route::Direct { signer, address } => format!("signed by {signer} ({address})"),
        Route::Safe { safe } => format!("proposed to the Safe {safe}"),
    }
}

/// An outcome in words.
pub fn outcome_words(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Confirmed {
            tx, block, success, ..
        } => format!(
            "{} in block {block}, transaction {tx}",
            if *success { "confirmed" } else { "REVERTED" }
        ),
        Outcome::Reverted { reason } => format!("reverted before sending (nothing sent): {reason}"),
        Outcome::Proposed {
            safe_tx_hash, file, ..
        } => format!("proposed to the Safe: safeTxHash {safe_tx_hash} ({file})"),
        Outcome::Failed { error } => format!("failed: {error}"),
    }
}

fn section(out: &mut String, action: &Entry, entries: &[Entry]) {
    let Entry::Action {
        step,
        env,
        chain_id,
        contract,
        address,
        action,
        call,
        route,
        reason,
        change,
        before,
        ..
    } = action
    else {
        return;
    };
    let _ = writeln!(out, "\n### {step}. {}\n", escape(&action.describe()));
    let _ = writeln!(
        out,
        "- Contract: {contract} at `{address}` on `{env}` (chain {chain_id})"
    );
    let _ = writeln!(out, "- Call: `{call}`");
    let _ = writeln!(out, "- Who: {}", route_words(route));
    let _ = writeln!(
        out,
        "- Why: {}",
        reason
            .as_deref()
            .map_or_else(|| "(no reason given)".to_owned(), escape)
    );
    for line in change {
        let _ = writeln!(out, "- Change: {}", escape(line));
    }
    for entry in entries {
        match entry {
            Entry::Sent { step: s, tx, .. } if s == step => {
                let _ = writeln!(out, "- Transaction: `{tx}`");
            }
            Entry::Done {
                step: s, outcome, ..
            } if s == step => {
                let _ = writeln!(out, "- Outcome: {}", escape(&outcome_words(outcome)));
            }
            _ => {}
        }
    }
    let _ = writeln!(out, "\nBefore:\n");
    for line in before.lines() {
        let _ = writeln!(out, "    {line}");
    }
    let after = entries.iter().find_map(|e| match e {
        Entry::Done {
            step: s,
            after: Some(after),
            ..
        } if s == step => Some(after),
        _ => None,
    });
    if let Some(after) = after {
        let _ = writeln!(out, "\nAfter:\n");
        for line in after.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// Text safe inside a Markdown table cell or paragraph: no raw HTML, no
/// cell breaks, one line.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}
