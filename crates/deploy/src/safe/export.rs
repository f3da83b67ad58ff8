//! `safe export`: a proposal as Safe{Wallet}'s Transaction Builder batch
//! file (version 1.0: `chainId`, `createdAt`, `meta`, `transactions` with
//! `to`, `value` and `data`), for owners who review and sign in the web
//! interface. The optional checksum is left out.

use serde_json::{Value, json};

use slipway_chain::safe::Operation;

use super::SafeUseError;
use crate::proposal::Proposal;

/// The batch file for `proposal`, made at `created_at_ms` (Unix ms). Each
/// of its calls becomes one transaction; a proposal without its calls
/// listed exports its one transaction. The Transaction Builder makes calls
/// only: a proposal that delegatecalls (a deploy through CreateCall) is
/// refused with what to do instead.
pub fn transaction_builder_json(
    proposal: &Proposal,
    created_at_ms: u64,
) -> Result<Value, SafeUseError> {
    let delegates = proposal
        .calls
        .iter()
        .any(|c| c.operation == Operation::DelegateCall)
        || (proposal.calls.is_empty() && proposal.tx.operation == Operation::DelegateCall);
    if delegates {
        return Err(SafeUseError::BadSetup(format!(
            "proposal {} delegatecalls (a deploy through CreateCall): Safe{{Wallet}}'s Transaction Builder makes calls only; owners sign it with `slipway safe sign`",
            proposal.safe_tx_hash
        )));
    }
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
    Ok(json!({
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
    }))
}
