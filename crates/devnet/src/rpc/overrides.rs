//! `eth_call` state overrides (geth's format).

use alloy_primitives::U256;
use alloy_rpc_types_eth::state::StateOverride;
use slipway_evm::State;

use super::error::RpcError;

/// Applies overrides to a scratch copy of the state.
pub(super) fn apply(state: &mut State, overrides: StateOverride) -> Result<(), RpcError> {
    for (address, o) in overrides {
        if o.state.is_some() && o.state_diff.is_some() {
            return Err(RpcError::invalid_params(format!(
                "override for {address} has both state and stateDiff"
            )));
        }
        if let Some(balance) = o.balance {
            state.apply(&state.balance_diff(address, balance));
        }
        if let Some(nonce) = o.nonce {
            state.apply(&state.nonce_diff(address, nonce));
        }
        if let Some(code) = o.code {
            state.apply(&state.code_diff(address, code));
        }
        if let Some(full) = o.state {
            // `state` replaces all storage: clear what is known, then write.
            let keys: Vec<U256> = state.storage_keys(address);
            for k in keys {
                state.apply(&state.storage_diff(address, k, U256::ZERO));
            }
            for (k, v) in full {
                state.apply(&state.storage_diff(address, k.into(), v.into()));
            }
        }
        if let Some(diff) = o.state_diff {
            for (k, v) in diff {
                state.apply(&state.storage_diff(address, k.into(), v.into()));
            }
        }
    }
    Ok(())
}
