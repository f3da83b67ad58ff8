//! Verification verdicts as a table (`verify`, and `deploy` after a plan).

use slipway_deploy::verify::{CodeCheck, ExplorerCheck, Verdict};

fn code_cell(check: &CodeCheck) -> String {
    match check {
        CodeCheck::Match { set_aside } if set_aside.is_empty() => "match".into(),
        CodeCheck::Match { set_aside } => format!("match; set aside: {}", set_aside.join(", ")),
        CodeCheck::Mismatch { reason } => format!("MISMATCH: {reason}"),
    }
}

fn explorer_cell(check: &ExplorerCheck) -> String {
    match check {
        ExplorerCheck::Verified => "verified".into(),
        ExplorerCheck::AlreadyVerified => "already verified".into(),
        ExplorerCheck::Rejected { reason } => format!("REJECTED: {reason}"),
        ExplorerCheck::Skipped { reason } => format!("skipped ({reason})"),
        ExplorerCheck::Failed { reason } => format!("FAILED: {reason}"),
    }
}

/// The verdicts as the command prints them: a table, or JSON.
pub(crate) fn text(verdicts: &[Verdict], json: bool) -> eyre::Result<String> {
    Ok(if json {
        serde_json::to_string_pretty(verdicts)?
    } else {
        table(verdicts)
    })
}

/// The verdicts, one row per contract.
fn table(verdicts: &[Verdict]) -> String {
    let mut table = crate::output::table(&[
        "Contract",
        "Address",
        "Bytecode",
        "Constructor args",
        "Etherscan",
        "Sourcify",
    ]);
    for v in verdicts {
        table.add_row(vec![
            v.name.clone(),
            v.address.clone(),
            code_cell(&v.bytecode),
            code_cell(&v.arguments),
            explorer_cell(&v.etherscan),
            explorer_cell(&v.sourcify),
        ]);
    }
    let mut text = table.to_string();
    for v in verdicts {
        if let Some(proxy) = &v.proxy {
            text.push_str(&format!(
                "\n{} (proxy): implementation {}; Etherscan link {}",
                v.name,
                code_cell(&proxy.implementation),
                explorer_cell(&proxy.etherscan_link)
            ));
        }
    }
    text
}
