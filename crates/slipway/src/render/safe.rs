//! Safe proposals as `send`, `safe reject`, `safe owners` and `safe
//! threshold` report them.

use slipway_deploy::proposal::Proposal;

/// Reports a new proposal: its file on stdout, what to do on stderr.
pub(crate) fn proposed(proposal: &Proposal, path: &std::path::Path) {
    println!("{}", path.display());
    eprintln!(
        "Proposed Safe transaction {} (nonce {}) to {}:",
        proposal.safe_tx_hash, proposal.tx.nonce, proposal.safe
    );
    for line in &proposal.summary {
        eprintln!("    {line}");
    }
    eprintln!(
        "Owners sign it with `slipway safe sign {} --signer NAME`; nothing was sent.",
        path.display()
    );
}
