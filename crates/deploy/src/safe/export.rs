//! `safe export`: a proposal as Safe{Wallet}'s Transaction Builder batch
//! file (version 1.0: `chainId`, `createdAt`, `meta`, `transactions` with
//! `to`, `value` and `data`), for owners who review and sign in the web
//! interface. The optional checksum is left out.

use serde_json::{Value, json};

use crate::proposal::Proposal;

/// The batch file for `proposal`, made at `created_at_ms` (Unix ms). Each
/// of its calls becomes one transaction; a proposal without its calls
/// listed exports its one transaction.
pub fn transaction_builder_json(proposal: &Proposal, created_at_ms: u64) -> Value {
    let transactions: Vec<Value> = if proposal.calls.is_empty() {
        vec![json!({
            "to": proposal.tx.to.to_checksum(None),
            "value": proposal.tx.value.to_string(),
            "data": proposal.tx.data.to_string(),
        })]
    } else {
        proposal
            .calls
            .iter()
            .map(|call| {
                json!({
                    "to": call.to.to_checksum(None),
                    "value": call.value.to_string(),
                    "data": call.data.to_string(),
                })
            })
            .collect()
    };
    json!({
        "version": "1.0",
        "chainId": proposal.chain_id.to_string(),
        "createdAt": created_at_ms,
        "meta": {
            "name": format!("slipway proposal {} (nonce {})", proposal.safe_tx_hash, proposal.tx.nonce),
            "description": proposal.summary.join("; "),
            "createdFromSafeAddress": proposal.safe.to_checksum(None),
            "createdFromOwnerAddress": "",
        },
        "transactions": transactions,
    })
}
