//! The embedded development chain: revm state (through `slipway-evm`),
//! blocks with EIP-1559 base fees, a transaction pool, automine / interval /
//! manual mining, snapshots, a durable log that survives SIGKILL, and the
//! JSON-RPC 2.0 server (`slipway node`) that serves it to wallets and tools.
//!
//! Every change to a chain goes through [`Chain`], which emits a record for
//! it; the node writes and syncs those records before it answers, so a block
//! that was reported is never lost.

mod blocks;
mod chain;
pub mod dump;
mod error;
mod genesis;
mod node;
mod pool;
pub mod rpc;
mod store;
mod types;

pub use chain::{Chain, MAX_SNAPSHOTS, TxLocation};
pub use error::{DevnetError, Inconsistency, Result};
pub use genesis::{
    CREATE2_DEPLOYER, ForkOrigin, GenesisSpec, INITIAL_BASE_FEE, SAFE_SINGLETON_FACTORY,
};
pub use node::{Event, Mining, Node, NodeFork, NodeSettings};
pub use pool::{Pool, PoolTx};
pub use slipway_evm::ForkFactory;
pub use slipway_log::{Holder, Owner};
pub use store::{LOCK_FILE, Store, holder};
pub use types::{ChainRecord, MinedBlock, MinedTx};

/// Starts a chain in this process and serves it on `addr` (use port 0 for a
/// free port); the handle's `url` reaches it and `stop()` ends it. For a chain
/// without any socket, use [`Node::open`] and call it directly.
pub async fn spawn(
    settings: NodeSettings,
    addr: std::net::SocketAddr,
) -> Result<rpc::ServerHandle> {
    let node = tokio::task::spawn_blocking(move || Node::open(&settings))
        .await
        .map_err(DevnetError::Startup)??;
    rpc::serve(node, addr)
        .await
        .map_err(DevnetError::io("cannot listen on", addr.to_string()))
}
