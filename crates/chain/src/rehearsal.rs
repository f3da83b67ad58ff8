//! A rehearsal chain: an environment's chain forked in this process at its
//! newest finalized block (or its head less the environment's
//! confirmations where `finalized` is not served), with the accounts that
//! are to send impersonated. What a deploy or an emergency action is run
//! on before it is sent for real; nothing reaches the real chain.

use std::sync::Arc;

use alloy_primitives::Address;
use slipway_config::{Config, DevnetSettings, Environment, Target};
use slipway_devnet::{DevnetError, ForkFactory, Mining, Node, NodeFork, NodeSettings, Owner};
use slipway_evm::{ForkBlock, RemoteError, Upstream};

use crate::{ChainClient, ConnectError, ForkAt, Forks, Lifecycle};

/// A rehearsal chain.
#[derive(Debug)]
pub struct Rehearsal {
    /// The forked chain, in this process.
    pub client: ChainClient,
    /// The block it stands on.
    pub block: ForkBlock,
}

impl Rehearsal {
    /// Impersonates `account` from now on (an owner found to be missing).
    pub fn impersonate(&self, account: Address) -> Result<(), DevnetError> {
        match self.client.node() {
            Some(node) => node.write(|chain| chain.impersonate(account, true)),
            None => Ok(()),
        }
    }
}

/// Hands the node the fork already opened.
#[derive(Debug)]
struct Pinned(Arc<dyn Upstream>);

impl ForkFactory for Pinned {
    fn fork(&self, _source: &str, _block: Option<u64>) -> Result<Arc<dyn Upstream>, RemoteError> {
        Ok(Arc::clone(&self.0))
    }
}

/// Forks `env` for a rehearsal by `command`, impersonating `senders`.
pub async fn rehearsal(
    config: &Config,
    env: &Environment,
    senders: &[Address],
    command: &str,
) -> Result<Rehearsal, ConnectError> {
    if matches!(env.target, Target::Embedded(_)) {
        return Err(ConnectError::NothingToRehearse(env.name.clone()));
    }
    let forks = Forks::new(config);
    let at = ForkAt::Finalized {
        confirmations: env.confirmations,
    };
    let name = env.name.clone();
    let fork = tokio::task::spawn_blocking(move || forks.open(&name, at))
        .await
        .map_err(DevnetError::Startup)?
        .map_err(|e| ConnectError::Fork(e.0))?;
    let block = fork.point().clone();
    if block.chain_id != env.chain.id {
        return Err(ConnectError::Fork(format!(
            "environment `{}` expects chain {}, but its providers are on chain {}",
            env.name, env.chain.id, block.chain_id
        )));
    }
    let settings = NodeSettings {
        // No dev account is funded: the rehearsal sees the real balances,
        // a deployer short of gas money included.
        devnet: DevnetSettings {
            accounts: 0,
            ..DevnetSettings::default()
        },
        hardfork: env.hardfork,
        state_dir: None,
        fresh: false,
        mining: Mining::Auto,
        owner: Owner::this_process(command),
        fork: Some(NodeFork {
            source: env.name.clone(),
            block: Some(block.number),
        }),
        forks: Some(Arc::new(Pinned(fork))),
    };
    let node = tokio::task::spawn_blocking(move || Node::open(&settings))
        .await
        .map_err(DevnetError::Startup)??;
    node.write(|chain| {
        for sender in senders {
            chain.impersonate(*sender, true);
        }
    })?;
    Ok(Rehearsal {
        client: ChainClient::in_process(node),
        block,
    })
}

impl Lifecycle {
    /// The lifecycle of a rehearsal of `env`: its chain id and fees, one
    /// confirmation (the fork mines each transaction at once), quick polls.
    pub fn rehearsal(env: &Environment) -> Self {
        Self {
            confirmations: 1,
            poll: std::time::Duration::from_millis(20),
            ..Self::for_env(env)
        }
    }
}
