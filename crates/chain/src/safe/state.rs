//! A Safe as the chain holds it: version, owners, threshold, nonce, and
//! what could act beside the owners (modules, a guard, the fallback
//! handler).

use alloy_primitives::{Address, B256, U256, address, b256};
use alloy_sol_types::SolCall;
use serde::{Deserialize, Serialize};

use super::{SafeError, abi::ISafe};
use crate::{CallRequest, ChainClient};

/// `keccak256("guard_manager.guard.address")`: where a Safe keeps its guard.
const GUARD_SLOT: B256 = b256!("4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8");
/// `keccak256("fallback_manager.handler.address")`.
const FALLBACK_HANDLER_SLOT: B256 =
    b256!("6c9a6c4a39284e37ed1cf53d337577d14212a4870fb976a4366c693b939918d5");
/// The modules list's sentinel (start and end).
const SENTINEL: Address = address!("0000000000000000000000000000000000000001");

/// What a Safe is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeState {
    /// Its address.
    pub address: Address,
    /// `VERSION()` (`1.4.1`).
    pub version: String,
    /// Its owners, in the contract's order.
    pub owners: Vec<Address>,
    /// Signatures a transaction needs.
    pub threshold: u64,
    /// The nonce of its next transaction.
    pub nonce: U256,
    /// Enabled modules: each can act without the owners.
    pub modules: Vec<Address>,
    /// The transaction guard, if any.
    pub guard: Option<Address>,
    /// The fallback handler, if any.
    pub fallback_handler: Option<Address>,
    /// The singleton its proxy delegates to (storage slot 0).
    #[serde(default)]
    pub singleton: Option<Address>,
}

impl SafeState {
    /// Whether `account` is an owner.
    pub fn is_owner(&self, account: Address) -> bool {
        self.owners.contains(&account)
    }
}

/// Calls `safe` and decodes the answer as a Safe's.
pub(super) async fn call<C: SolCall>(
    client: &ChainClient,
    safe: Address,
    call: C,
) -> Result<C::Return, SafeError> {
    let out = client
        .call(&CallRequest {
            from: None,
            to: Some(safe),
            value: U256::ZERO,
            data: call.abi_encode().into(),
        })
        .await?;
    C::abi_decode_returns(&out).map_err(|e| SafeError::NotASafe {
        address: safe,
        reason: format!("its answer to {} does not decode ({e})", C::SIGNATURE),
    })
}

async fn slot(
    client: &ChainClient,
    safe: Address,
    slot: B256,
) -> Result<Option<Address>, SafeError> {
    let word = call(
        client,
        safe,
        ISafe::getStorageAtCall {
            offset: U256::from_be_bytes(slot.0),
            length: U256::from(1),
        },
    )
    .await?;
    let address = (word.len() == 32).then(|| Address::from_slice(&word[12..]));
    Ok(address.filter(|a| !a.is_zero()))
}

/// Reads the Safe at `safe`.
pub async fn read_state(client: &ChainClient, safe: Address) -> Result<SafeState, SafeError> {
    if client.code(safe).await?.is_empty() {
        return Err(SafeError::NotASafe {
            address: safe,
            reason: "it has no code on this chain".into(),
        });
    }
    let version = call(client, safe, ISafe::VERSIONCall {}).await?;
    let owners = call(client, safe, ISafe::getOwnersCall {}).await?;
    let threshold = call(client, safe, ISafe::getThresholdCall {}).await?;
    let nonce = call(client, safe, ISafe::nonceCall {}).await?;
    let mut modules = Vec::new();
    let mut start = SENTINEL;
    loop {
        let page = call(
            client,
            safe,
            ISafe::getModulesPaginatedCall {
                start,
                pageSize: U256::from(50),
            },
        )
        .await?;
        modules.extend(page.array.iter().copied());
        if page.next == SENTINEL || page.next.is_zero() || page.array.is_empty() {
            break;
        }
        start = page.next;
    }
    Ok(SafeState {
        address: safe,
        version,
        owners,
        threshold: threshold.saturating_to(),
        nonce,
        modules,
        guard: slot(client, safe, GUARD_SLOT).await?,
        fallback_handler: slot(client, safe, FALLBACK_HANDLER_SLOT).await?,
        singleton: slot(client, safe, B256::ZERO).await?,
    })
}
