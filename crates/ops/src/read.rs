//! Reading a contract's views through the chain client.

use alloy_primitives::{Address, Bytes};
use alloy_sol_types::SolCall;
use slipway_chain::{CallRequest, ChainClient, LogQuery};

use crate::OpsError;

/// `call`'s answer from the contract at `to`, at the head.
pub(crate) async fn view<C: SolCall>(
    client: &ChainClient,
    to: Address,
    call: C,
) -> Result<C::Return, OpsError> {
    let answer = raw_view(client, to, call.abi_encode()).await?;
    C::abi_decode_returns(&answer).map_err(|e| OpsError::Answer {
        contract: to,
        function: C::SIGNATURE.to_owned(),
        reason: e.to_string(),
    })
}

/// The raw answer of calldata `data` at `to`.
pub(crate) async fn raw_view(
    client: &ChainClient,
    to: Address,
    data: Vec<u8>,
) -> Result<Bytes, OpsError> {
    Ok(client
        .call(&CallRequest {
            to: Some(to),
            data: data.into(),
            ..CallRequest::default()
        })
        .await?)
}

/// The logs of the contract at `address` from block `from` to `to`
/// whose event is one of `events` (signature hashes), in chain order.
pub(crate) async fn contract_logs(
    client: &ChainClient,
    address: Address,
    (from, to): (u64, u64),
    events: Vec<alloy_primitives::B256>,
) -> Result<Vec<alloy_rpc_types_eth::Log>, OpsError> {
    Ok(client
        .logs(&LogQuery {
            from,
            to,
            addresses: vec![address],
            events,
        })
        .await?)
}
