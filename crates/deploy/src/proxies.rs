//! Proxies on chain: where an ERC-1967 proxy or a beacon points, and the
//! `ProxyAdmin` a transparent proxy created. Read again before every
//! upgrade is sent, never trusted from an earlier look.

use alloy_primitives::{Address, B256, Bytes, U256, b256};
use slipway_chain::{CallRequest, ChainClient};

use crate::{DeployError, ProxyKind};

/// ERC-1967's implementation slot: `keccak256("eip1967.proxy.implementation") - 1`.
pub const IMPLEMENTATION_SLOT: B256 =
    b256!("360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");
/// ERC-1967's admin slot: `keccak256("eip1967.proxy.admin") - 1`.
pub const ADMIN_SLOT: B256 =
    b256!("b53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");
/// ERC-1967's beacon slot: `keccak256("eip1967.proxy.beacon") - 1`.
pub const BEACON_SLOT: B256 =
    b256!("a3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50");

/// `owner()` of Ownable.
const OWNER_SELECTOR: [u8; 4] = [0x8d, 0xa5, 0xcb, 0x5b];

/// `UPGRADE_INTERFACE_VERSION()`: OpenZeppelin 5.x's proxies and
/// `ProxyAdmin` have it, 4.x's do not.
const UPGRADE_INTERFACE_VERSION_SELECTOR: [u8; 4] = [0xad, 0x3c, 0xb1, 0xcc];

/// `implementation()` of IBeacon.
const IMPLEMENTATION_SELECTOR: [u8; 4] = [0x5c, 0x60, 0xda, 0x1b];

fn address_in(word: B256) -> Address {
    Address::from_word(word)
}

/// The address held in `slot` of `proxy`.
pub async fn slot_address(
    client: &ChainClient,
    proxy: Address,
    slot: B256,
) -> Result<Address, DeployError> {
    Ok(address_in(client.storage_at(proxy, slot).await?))
}

/// The implementation a beacon hands out.
pub async fn beacon_implementation(
    client: &ChainClient,
    beacon: Address,
) -> Result<Address, DeployError> {
    word_call(client, beacon, IMPLEMENTATION_SELECTOR).await
}

/// The owner of an Ownable contract (a `ProxyAdmin`, a beacon).
pub async fn owner(client: &ChainClient, contract: Address) -> Result<Address, DeployError> {
    word_call(client, contract, OWNER_SELECTOR).await
}

async fn word_call(
    client: &ChainClient,
    contract: Address,
    selector: [u8; 4],
) -> Result<Address, DeployError> {
    let out: Bytes = client
        .call(&CallRequest {
            from: None,
            to: Some(contract),
            value: U256::ZERO,
            data: Bytes::from(selector.to_vec()),
        })
        .await?;
    Ok(out
        .get(..32)
        .map(|w| address_in(B256::from_slice(w)))
        .unwrap_or_default())
}

/// Whether the `ProxyAdmin` at `admin` is OpenZeppelin 4.x's, whose
/// `upgradeAndCall` always calls the implementation (so an upgrade
/// without a call goes through its `upgrade`): it has no
/// `UPGRADE_INTERFACE_VERSION()`.
pub async fn is_v4_admin(client: &ChainClient, admin: Address) -> Result<bool, DeployError> {
    let answer = client
        .call(&CallRequest {
            from: None,
            to: Some(admin),
            value: U256::ZERO,
            data: Bytes::from(UPGRADE_INTERFACE_VERSION_SELECTOR.to_vec()),
        })
        .await;
    Ok(match answer {
        Ok(out) => out.is_empty(),
        // It reverted: no such function. Any other failure stops the run
        // rather than choosing the function to send on a guess.
        Err(slipway_chain::ProviderError::Rpc {
            code,
            message,
            revert,
            ..
        }) if revert.is_some() || code == 3 || message.to_ascii_lowercase().contains("revert") => {
            true
        }
        Err(e) => return Err(e.into()),
    })
}

/// The name under which [`crate::encode::Names`] marks proxy `proxy`'s
/// admin as 4.x's.
pub(crate) fn v4_admin_mark(proxy: &str) -> String {
    format!("{proxy}.admin (4.x)")
}

/// Where a proxy of `kind` points: `target` is the proxy (uups,
/// transparent) or its beacon.
pub async fn current_implementation(
    client: &ChainClient,
    kind: ProxyKind,
    target: Address,
) -> Result<Address, DeployError> {
    match kind {
        ProxyKind::Uups | ProxyKind::Transparent => {
            slot_address(client, target, IMPLEMENTATION_SLOT).await
        }
        ProxyKind::Beacon => beacon_implementation(client, target).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{U256, keccak256};

    #[test]
    fn the_selectors_are_the_functions() {
        use alloy_primitives::keccak256;
        assert_eq!(keccak256("owner()")[..4], OWNER_SELECTOR);
        assert_eq!(keccak256("implementation()")[..4], IMPLEMENTATION_SELECTOR);
        assert_eq!(
            keccak256("UPGRADE_INTERFACE_VERSION()")[..4],
            UPGRADE_INTERFACE_VERSION_SELECTOR
        );
    }

    #[test]
    fn the_slots_are_erc1967s() {
        for (label, slot) in [
            ("eip1967.proxy.implementation", IMPLEMENTATION_SLOT),
            ("eip1967.proxy.admin", ADMIN_SLOT),
            ("eip1967.proxy.beacon", BEACON_SLOT),
        ] {
            let hash = U256::from_be_bytes(keccak256(label).0) - U256::from(1);
            assert_eq!(B256::from(hash), slot, "{label}");
        }
    }
}
