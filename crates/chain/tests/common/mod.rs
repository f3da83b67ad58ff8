//! A `slipway node` in this process, for the chain layer's tests.

#![allow(dead_code, unreachable_pub)]

use slipway_config::{DevnetSettings, Hardfork, RpcUrl};
use slipway_devnet::{Mining, NodeSettings};

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
    };
    slipway_devnet::spawn(settings, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("node")
}

pub fn url(text: &str) -> RpcUrl {
    RpcUrl::new(text.parse().expect("url"), false)
}
