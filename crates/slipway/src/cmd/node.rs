//! `slipway node`: serve the development chain over JSON-RPC.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::Args;
use eyre::{Result, WrapErr, bail};
use slipway_config::{DEV_MNEMONIC, Hardfork, Target};
use slipway_devnet::{Mining, Node, NodeSettings};

use crate::global::GlobalOpts;
use crate::output::status;

/// Run the development chain as a JSON-RPC node (HTTP and WebSocket on one port).
#[derive(Debug, Args)]
pub(crate) struct NodeArgs {
    /// Interface to bind: an IPv4 or IPv6 address (`::1`, `[::1]`) or
    /// `localhost`.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port (0 picks a free one; the chosen port is printed).
    #[arg(long, default_value_t = 8545)]
    port: u16,
    /// Also answer requests naming this host (besides localhost, 127.0.0.1
    /// and [::1]; `*` for any). Repeatable.
    #[arg(long, value_name = "HOST")]
    allow_host: Vec<String>,
    /// Serve web pages from this origin (e.g. http://localhost:3000; `*` for
    /// any): by default no page may drive the node, whose accounts are
    /// unlocked. Repeatable.
    #[arg(long, value_name = "ORIGIN")]
    cors_origin: Vec<String>,
    /// The environment whose embedded chain to serve.
    #[arg(long, default_value = "development")]
    env: String,
    /// Chain id (default: the environment's, 1337).
    #[arg(long)]
    chain_id: Option<u64>,
    /// Block gas limit (default: the environment's, 12,000,000).
    #[arg(long)]
    gas_limit: Option<u64>,
    /// Number of funded dev accounts.
    #[arg(long)]
    accounts: Option<u32>,
    /// Balance of each dev account, in ether.
    #[arg(long)]
    balance: Option<u64>,
    /// EVM hardfork (default: the environment's).
    #[arg(long, value_parser = parse_hardfork)]
    hardfork: Option<Hardfork>,
    /// Seconds between blocks (default: the environment's block time, 2 s;
    /// 0 mines each transaction at once).
    #[arg(long, conflicts_with_all = ["automine", "no_mining"])]
    block_time: Option<u64>,
    /// Mine each transaction at once.
    #[arg(long)]
    automine: bool,
    /// Mine only on evm_mine / anvil_mine.
    #[arg(long, conflicts_with = "automine")]
    no_mining: bool,
    /// State directory (default: the environment's, .slipway/devnet).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// Discard the existing chain and start a new one.
    #[arg(long)]
    fresh: bool,
    /// Fork a live chain: a URL, an environment of slipway.toml (its RPC
    /// URLs), or a Foundry [rpc_endpoints] alias. State is read on first
    /// touch and cached in .slipway/fork-cache; nothing is sent to it.
    #[arg(long, value_name = "URL|ENV")]
    fork_url: Option<String>,
    /// The block to fork (default: the remote's head).
    #[arg(long, value_name = "N", requires = "fork_url")]
    fork_block_number: Option<u64>,
}

/// Where a forked node keeps its chain unless `--state` says otherwise
/// (apart from the development chain's).
const FORK_STATE_DIR: &str = ".slipway/fork-node";

fn parse_hardfork(s: &str) -> Result<Hardfork, String> {
    serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase())).map_err(|_| {
        format!("unknown hardfork `{s}`: use london, shanghai, cancun, prague or osaka")
    })
}

impl NodeArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        crate::alloc::purge_at_once();
        let config = global.config()?;
        let env = config.environment(&self.env)?;
        let Target::Embedded(mut devnet) = env.target else {
            bail!(
                "environment `{}` is a remote chain (it has rpc URLs); `slipway node` serves embedded chains",
                self.env
            );
        };
        if let Some(v) = self.chain_id {
            devnet.chain_id = v;
        }
        if let Some(v) = self.gas_limit {
            devnet.gas_limit = v;
        }
        if let Some(v) = self.accounts {
            devnet.accounts = v;
        }
        if let Some(v) = self.balance {
            devnet.balance_eth = v;
        }
        let mining = if self.no_mining {
            Mining::Manual
        } else if self.automine {
            Mining::Auto
        } else {
            match self
                .block_time
                .map(Duration::from_secs)
                .unwrap_or(devnet.block_time)
            {
                d if d.is_zero() => Mining::Auto,
                d => Mining::Interval(d),
            }
        };
        let addr = bind_address(&self.host, self.port)?;
        let state_dir = self.state.clone().unwrap_or_else(|| {
            config.path(if self.fork_url.is_some() {
                std::path::Path::new(FORK_STATE_DIR)
            } else {
                &devnet.state_dir
            })
        });
        let fork = self
            .fork_url
            .clone()
            .map(|source| slipway_devnet::NodeFork {
                source,
                block: self.fork_block_number,
            });
        let forks: std::sync::Arc<dyn slipway_devnet::ForkFactory> =
            std::sync::Arc::new(slipway_chain::Forks::new(&config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let listener_probe = std::net::TcpListener::bind(addr).wrap_err_with(|| {
                format!("cannot listen on {addr}: is another node running there?")
            })?;
            drop(listener_probe);
            let settings = NodeSettings {
                devnet: devnet.clone(),
                hardfork: self.hardfork.unwrap_or(env.hardfork),
                state_dir: Some(state_dir.clone()),
                fresh: self.fresh,
                mining,
                owner: slipway_devnet::Owner::this_process("slipway node"),
                fork,
                forks: Some(forks),
            };
            let node = tokio::task::spawn_blocking(move || Node::open(&settings)).await??;
            let exposure = slipway_net::Exposure::with(&self.allow_host, &self.cors_origin)
                .describing(slipway_devnet::rpc::NODE);
            let server = slipway_devnet::rpc::serve_with(node.clone(), addr, exposure).await?;
            if !addr.ip().is_loopback() {
                eprintln!(
                    "warning: listening on {}, beyond this machine, with the dev accounts unlocked: anyone who can reach it can send transactions from them",
                    addr.ip()
                );
            }
            let (head, chain_id, origin, accounts) = node.read(|c| {
                (
                    c.head().header.number,
                    c.chain_id(),
                    c.genesis().fork.clone(),
                    c.accounts()
                        .iter()
                        .map(|a| (a.address, a.signer.to_bytes()))
                        .collect::<Vec<_>>(),
                )
            });
            let show_keys = devnet.mnemonic == DEV_MNEMONIC;
            println!(
                "slipway dev chain {} (chain id {}, {} blocks, state {})",
                env!("CARGO_PKG_VERSION"),
                chain_id,
                head,
                state_dir.display()
            );
            if let Some(origin) = origin {
                println!(
                    "Forking {} at block {} ({:#x}); nothing is sent to it",
                    origin.source, origin.block.number, origin.block.hash
                );
            }
            println!();
            println!(
                "Accounts ({} ETH each{}):",
                devnet.balance_eth,
                if show_keys {
                    "; keys of the public test mnemonic, never use them on a real network"
                } else {
                    ""
                }
            );
            for (i, (address, key)) in accounts.iter().enumerate() {
                if show_keys {
                    println!("({i}) {address}  {key}");
                } else {
                    println!("({i}) {address}");
                }
            }
            println!();
            println!(
                "Mining: {}",
                match mining {
                    Mining::Auto => "automine".to_owned(),
                    Mining::Interval(d) => format!("every {} s", d.as_secs_f64()),
                    Mining::Manual => "manual (evm_mine)".to_owned(),
                }
            );
            println!("Listening on {} (WebSocket {})", server.url, server.ws_url);
            status(global.ui(), "Ready", "Ctrl-C stops the node; the chain is kept");
            let mut events = node.subscribe();
            let lost = async {
                loop {
                    match events.recv().await {
                        Ok(slipway_devnet::Event::LockLost(why)) => return why,
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(_) => std::future::pending::<()>().await,
                    }
                }
            };
            tokio::select! {
                signal = stopped() => signal?,
                why = lost => {
                    // Nothing more is written: another process may hold the
                    // chain now.
                    server.stop().await;
                    eyre::bail!("the node stopped: {why}");
                }
            }
            server.stop().await;
            // Empty interval blocks held back for a batch are logged too.
            tokio::task::spawn_blocking(move || node.flush()).await??;
            Ok::<_, eyre::Report>(())
        })?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Waits for Ctrl-C (SIGINT) or SIGTERM, the signals that ask a node to
/// stop.
async fn stopped() -> std::io::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        interrupted = tokio::signal::ctrl_c() => interrupted,
        _ = term.recv() => Ok(()),
    }
}

/// The address `--host` and `--port` name: an IPv4 or IPv6 address (with
/// or without brackets), or `localhost` (the IPv4 loopback, as Hardhat and
/// anvil bind it).
fn bind_address(host: &str, port: u16) -> Result<SocketAddr> {
    let host = host.trim();
    let ip: std::net::IpAddr = if host.eq_ignore_ascii_case("localhost") {
        std::net::Ipv4Addr::LOCALHOST.into()
    } else {
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| {
                eyre::eyre!(
                    "--host `{host}` is not an IP address or `localhost` (for example 127.0.0.1, ::1, 0.0.0.0)"
                )
            })?
    };
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_people_write_are_bound() {
        let at = |h: &str| bind_address(h, 8545).map(|a| a.to_string());
        assert_eq!(at("127.0.0.1").ok().as_deref(), Some("127.0.0.1:8545"));
        assert_eq!(at("localhost").ok().as_deref(), Some("127.0.0.1:8545"));
        assert_eq!(at("::1").ok().as_deref(), Some("[::1]:8545"));
        assert_eq!(at("[::1]").ok().as_deref(), Some("[::1]:8545"));
        assert_eq!(at("0.0.0.0").ok().as_deref(), Some("0.0.0.0:8545"));
        let error = at("my-laptop").expect_err("not an address");
        assert!(error.to_string().contains("--host `my-laptop`"), "{error}");
    }
}
