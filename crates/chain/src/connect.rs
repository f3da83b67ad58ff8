//! Reaching an environment's chain — the use case every chain-facing
//! command starts with: its RPC providers (checked to be on the configured
//! chain), or for the embedded development chain either the running
//! `slipway node` that holds it (found through its typed owner record) or
//! the chain opened in this process, with no socket.

use std::{sync::Arc, time::Duration};

use slipway_config::{Config, Environment, RpcUrl, Target};
use slipway_devnet::{DevnetError, Holder, Mining, Node, NodeSettings, Owner};

use slipway_net::NetError;

use crate::{ChainClient, ProviderError, Providers};

/// How long one request to a provider may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the chain could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The HTTP client could not be built (trust store, proxy settings).
    #[error(transparent)]
    Net(#[from] NetError),
    /// The providers failed or are on another chain.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The embedded chain could not be opened.
    #[error("cannot open the development chain: {0}")]
    Devnet(#[from] DevnetError),
    /// Another process holds the embedded chain without serving it.
    #[error(
        "the development chain in {} is in use by {}, which does not serve it over JSON-RPC: stop it, or start `slipway node`",
        dir.display(),
        holder.as_ref().map_or_else(|| "another process".to_owned(), ToString::to_string)
    )]
    NotServed {
        /// The state directory.
        dir: std::path::PathBuf,
        /// Who holds it.
        holder: Option<Owner>,
    },
    /// The environment's chain could not be forked.
    #[error("cannot fork the chain to rehearse on: {0}")]
    Fork(String),
    /// The environment is the embedded chain: there is nothing to rehearse
    /// on but the chain itself.
    #[error(
        "environment `{0}` is the embedded development chain: a rehearsal forks a remote chain, and there is none to fork (deploy without --rehearse)"
    )]
    NothingToRehearse(String),
    /// A running node recorded a URL that does not parse.
    #[error("the running node's record gives `{0}`, which is not a URL")]
    BadUrl(String),
}

/// Connects to `env`'s chain for `command` (as other processes refused
/// the dev chain are told) and checks its chain id before anything else.
pub async fn connect(
    config: &Config,
    env: &Environment,
    command: &str,
) -> Result<ChainClient, ConnectError> {
    let client = match &env.target {
        Target::Rpc(urls) => ChainClient::remote(Providers::new(urls.clone(), REQUEST_TIMEOUT)?),
        Target::Embedded(devnet) => {
            let state_dir = config.path(&devnet.state_dir);
            match slipway_devnet::holder(&state_dir)? {
                Holder::Held(holder) => {
                    let Some(url) = holder.as_ref().and_then(|o| o.url.clone()) else {
                        return Err(ConnectError::NotServed {
                            dir: state_dir,
                            holder,
                        });
                    };
                    let parsed = url.parse().map_err(|_| ConnectError::BadUrl(url.clone()))?;
                    let urls = vec![RpcUrl::new(parsed, false)];
                    ChainClient::remote(Providers::new(urls, REQUEST_TIMEOUT)?)
                }
                Holder::Free => {
                    let settings = NodeSettings {
                        devnet: devnet.clone(),
                        hardfork: env.hardfork,
                        state_dir: Some(state_dir),
                        fresh: false,
                        mining: Mining::Auto,
                        owner: Owner::this_process(command),
                        fork: None,
                        forks: None,
                    };
                    let node = tokio::task::spawn_blocking(move || Node::open(&settings))
                        .await
                        .map_err(DevnetError::Startup)??;
                    ChainClient::in_process(Arc::<Node>::clone(&node))
                }
            }
        }
    };
    client.check_chain(env.chain.id).await?;
    Ok(client)
}
