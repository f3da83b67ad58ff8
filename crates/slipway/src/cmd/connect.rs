//! Reaching an environment's chain: its RPC providers, or for the embedded
//! development chain the running `slipway node` (found through its owner
//! lock) or the chain opened in this process for the command's duration.

use std::{io::IsTerminal, time::Duration};

use eyre::{Result, WrapErr, bail};
use slipway_chain::{Password, Providers, SignerError};
use slipway_config::{Config, Environment, RpcUrl, Target};
use slipway_devnet::{Mining, NodeSettings, rpc::ServerHandle};

/// A connection; the in-process chain (if any) lives as long as it does.
pub(crate) struct Connection {
    pub(crate) providers: Providers,
    _node: Option<ServerHandle>,
}

fn local(url: &str) -> Result<RpcUrl> {
    Ok(RpcUrl::new(
        url.parse()
            .wrap_err_with(|| format!("`{url}` is not a URL"))?,
        false,
    ))
}

/// Connects to `env`'s chain and checks its chain id before anything else.
pub(crate) async fn connect(config: &Config, env: &Environment) -> Result<Connection> {
    let (urls, node) = match &env.target {
        Target::Rpc(urls) => (urls.clone(), None),
        Target::Embedded(devnet) => {
            let state_dir = config.path(&devnet.state_dir);
            // A running `slipway node` holds the chain: reach it at the URL
            // its owner record gives.
            if let slipway_devnet::Holder::Held(holder) = slipway_devnet::holder(&state_dir)? {
                let Some(url) = holder.as_ref().and_then(|o| o.url.clone()) else {
                    bail!(
                        "the development chain in {} is in use by {}, which does not serve it over JSON-RPC: stop it, or start `slipway node`",
                        state_dir.display(),
                        holder.map_or_else(|| "another process".to_owned(), |o| o.to_string())
                    );
                };
                (vec![local(&url)?], None)
            } else {
                let settings = NodeSettings {
                    devnet: devnet.clone(),
                    hardfork: env.hardfork,
                    state_dir: Some(state_dir.clone()),
                    fresh: false,
                    mining: Mining::Auto,
                    owner: slipway_devnet::Owner::this_process(format!(
                        "slipway {}",
                        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
                    )),
                };
                let server = slipway_devnet::spawn(settings, "127.0.0.1:0".parse()?).await?;
                (vec![local(&server.url)?], Some(server))
            }
        }
    };
    let providers = Providers::new(urls, Duration::from_secs(10))?;
    providers.check_chain(env.chain.id).await?;
    Ok(Connection {
        providers,
        _node: node,
    })
}

/// A runtime for a command's chain work.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Asks the terminal for a keystore password (never echoed); without a
/// terminal, says which variable to set.
pub(crate) fn ask_password(prompt: &str) -> Result<Password, SignerError> {
    if !std::io::stdin().is_terminal() {
        return Err(SignerError::Password(
            "no terminal to ask for the keystore password: set the signer's `password_env`".into(),
        ));
    }
    rpassword::prompt_password(prompt)
        .map(Password::new)
        .map_err(|e| SignerError::Password(e.to_string()))
}
