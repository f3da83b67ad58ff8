//! The first block: funded dev accounts and the predeployed CREATE2 proxy.

use alloy_primitives::{Address, Bytes, U256, address, bytes};
use serde::{Deserialize, Serialize};
use slipway_config::{DevnetSettings, Hardfork};

/// Arachnid's deterministic deployment proxy, at the address anvil and
/// Foundry scripts expect.
pub const CREATE2_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// Its runtime code.
pub(crate) const CREATE2_DEPLOYER_CODE: Bytes = bytes!(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3"
);

/// Base fee of the first block, as Hardhat and anvil start.
pub const INITIAL_BASE_FEE: u64 = 1_000_000_000;

/// Everything that fixes a chain's first block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisSpec {
    /// Chain id.
    pub chain_id: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// EVM rules.
    pub hardfork: Hardfork,
    /// Timestamp of block 0.
    pub timestamp: u64,
    /// Funded accounts and their balances.
    pub alloc: Vec<(Address, U256)>,
}

impl GenesisSpec {
    /// The genesis of the dev chain described by `settings`.
    pub fn new(
        settings: &DevnetSettings,
        hardfork: Hardfork,
        accounts: &[Address],
        timestamp: u64,
    ) -> Self {
        let balance = U256::from(settings.balance_eth) * U256::from(10u64).pow(U256::from(18));
        Self {
            chain_id: settings.chain_id,
            gas_limit: settings.gas_limit,
            hardfork,
            timestamp,
            alloc: accounts.iter().map(|a| (*a, balance)).collect(),
        }
    }
}
