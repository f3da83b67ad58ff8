//! CREATE2 through the deterministic deployment proxy (Arachnid's, at the
//! same address on every chain that has it), or by a Safe through
//! CreateCall: calldata `salt ‖ init code` for the proxy, address
//! `keccak256(0xff ‖ deployer ‖ salt ‖ keccak256(init code))[12..]`.

use alloy_primitives::{Address, B256, address, keccak256};

/// The proxy's canonical address.
pub const CREATE2_PROXY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// Where `deployer` (the proxy, or a Safe through CreateCall) deploys
/// `init_code` with `salt`.
pub fn create2_address(deployer: Address, salt: B256, init_code: &[u8]) -> Address {
    let mut preimage = Vec::with_capacity(85);
    preimage.push(0xff);
    preimage.extend_from_slice(deployer.as_slice());
    preimage.extend_from_slice(salt.as_slice());
    preimage.extend_from_slice(keccak256(init_code).as_slice());
    Address::from_slice(&keccak256(&preimage)[12..])
}

/// The proxy's calldata.
pub(crate) fn proxy_calldata(salt: B256, init_code: &[u8]) -> Vec<u8> {
    let mut data = salt.to_vec();
    data.extend_from_slice(init_code);
    data
}
