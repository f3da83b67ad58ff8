//! The first block: funded dev accounts and the predeployed CREATE2
//! deployers (Arachnid's proxy and the Safe singleton factory).

use alloy_primitives::{Address, B256, Bytes, U256, address, bytes, keccak256};
use serde::{Deserialize, Serialize};
use slipway_config::{DevnetSettings, Hardfork};

/// Arachnid's deterministic deployment proxy, at the address anvil and
/// Foundry scripts expect.
pub const CREATE2_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// The Safe singleton factory, at the address Safe's contracts are
/// deployed through on every chain. Its runtime code is the CREATE2
/// deployer's, byte for byte (`@safe-global/safe-singleton-factory`'s
/// presigned deployments create exactly [`CREATE2_DEPLOYER_CODE`]).
pub const SAFE_SINGLETON_FACTORY: Address = address!("914d7Fec6aaC8cd542e72Bca78B30650d45643d7");

/// The predeployed contracts: (address, runtime code). Applied from these
/// constants whenever a chain is opened, so chains made before a predeploy
/// was added gain it too (the genesis header does not hash them).
pub(crate) const PREDEPLOYS: [Address; 2] = [CREATE2_DEPLOYER, SAFE_SINGLETON_FACTORY];

/// Their runtime code (both are the same CREATE2 deployer).
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
    /// Drawn when the chain is created and kept in block 0's extra data, so
    /// that two chains made with the same settings in the same second still
    /// have different genesis hashes: records and journals of a chain that
    /// was started over are told apart by it. (Chains created before it
    /// was kept have zero.)
    #[serde(default)]
    pub nonce: B256,
    /// The remote chain this one forks, when it does: the environment it
    /// was named by and the fork block (never the URL, which may hold a
    /// key). Chains made before fork mode have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fork: Option<Box<ForkOrigin>>,
}

/// Where a forked chain stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkOrigin {
    /// What the remote was named by: an environment or an
    /// `[rpc_endpoints]` alias, or a URL's host.
    pub source: String,
    /// The fork block.
    pub block: slipway_evm::ForkBlock,
}

/// A value no other chain created on this machine shares: the clock in
/// nanoseconds, the process and a counter, hashed.
pub(crate) fn unique_nonce() -> B256 {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut seed = Vec::with_capacity(32);
    seed.extend_from_slice(&nanos.to_be_bytes());
    seed.extend_from_slice(&std::process::id().to_be_bytes());
    seed.extend_from_slice(&count.to_be_bytes());
    keccak256(seed)
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
            nonce: unique_nonce(),
            fork: None,
        }
    }

    /// The genesis of a chain forking `origin`: the remote's chain id,
    /// gas limit and time, the dev accounts funded on top.
    pub fn forking(mut self, origin: ForkOrigin) -> Self {
        self.chain_id = origin.block.chain_id;
        self.gas_limit = origin.block.gas_limit;
        self.timestamp = origin.block.timestamp;
        self.fork = Some(Box::new(origin));
        self
    }
}
