//! A `slipway node` in this process, for the chain layer's tests.

#![allow(dead_code, unreachable_pub)]

use alloy_primitives::{U256, address};
use slipway_chain::{TxRequest, resolve_signer};
use slipway_config::{Config, DevnetSettings, Hardfork, RpcUrl, Vars};
use slipway_devnet::{Mining, NodeSettings};
use slipway_keys::{ChainSigner, SignerError};

pub async fn node() -> slipway_devnet::rpc::ServerHandle {
    node_with(Mining::Auto).await
}

/// A node mining as `mining` says (manual: blocks only on `evm_mine`).
pub async fn node_with(mining: Mining) -> slipway_devnet::rpc::ServerHandle {
    let settings = NodeSettings {
        devnet: DevnetSettings {
            accounts: 2,
            ..Default::default()
        },
        hardfork: Hardfork::default(),
        state_dir: None,
        fresh: false,
        mining,
        owner: "a provider test".into(),
        fork: None,
        forks: None,
    };
    slipway_devnet::spawn(settings, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("node")
}

pub fn url(text: &str) -> RpcUrl {
    RpcUrl::new(text.parse().expect("url"), false)
}

/// Dev account 0 of the test mnemonic, as the development environment
/// resolves it.
pub fn dev_signer() -> ChainSigner {
    let config = Config::parse(
        std::path::Path::new("/p"),
        "/p/slipway.toml".into(),
        String::new(),
        Vars::default(),
    )
    .expect("config");
    let environment = config.environment("development").expect("development");
    resolve_signer(&environment, "deployer", config.vars(), &|_| {
        Err(SignerError::Password("none".into()))
    })
    .expect("dev 0")
}

/// 1,000 wei to a fixed address, 21,000 gas.
pub fn transfer() -> TxRequest {
    TxRequest {
        to: Some(address!("00000000000000000000000000000000000b0b00")),
        value: U256::from(1_000),
        data: Default::default(),
        gas_limit: Some(21_000),
    }
}

/// Waits until the node behind `providers` holds `hash` (lifecycle events
/// come just before the send).
pub async fn until_known(providers: &slipway_chain::Providers, hash: alloy_primitives::B256) {
    for _ in 0..500 {
        let known: serde_json::Value = providers
            .request("eth_getTransactionByHash", serde_json::json!([hash]))
            .await
            .expect("eth_getTransactionByHash");
        if !known.is_null() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{hash} never reached the node");
}
