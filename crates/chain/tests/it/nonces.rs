//! Nonces reconciled with `slipway node`: in step, used outside slipway, and
//! the chain behind after a dropped transaction.

use crate::common;

use std::time::Duration;

use alloy_primitives::{Address, address};
use common::{node, url};
use serde_json::{Value, json};
use slipway_chain::{ChainClient, NonceCheck, NonceTracker, Providers};

const DEV_0: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

async fn send_outside(providers: &Providers) -> String {
    providers
        .request(
            "eth_sendTransaction",
            json!([{ "from": DEV_0, "to": "0x0000000000000000000000000000000000000001", "value": "0x1" }]),
        )
        .await
        .expect("a transfer sent by another tool")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_use_is_detected_and_nonces_are_never_reused_or_skipped() {
    let node = node().await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_secs(5)).expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let tracker = NonceTracker::new();

    assert_eq!(
        tracker.reserve(&client, DEV_0).await.expect("first"),
        (0, NonceCheck::InStep)
    );
    // The reserved nonce 0 is used (by the node's own signing, as a send would).
    send_outside(providers).await;
    assert_eq!(
        tracker.reserve(&client, DEV_0).await.expect("second"),
        (1, NonceCheck::InStep)
    );
    send_outside(providers).await;

    // Another tool sends twice with this key.
    send_outside(providers).await;
    send_outside(providers).await;
    assert_eq!(
        tracker
            .reserve(&client, DEV_0)
            .await
            .expect("after outside use"),
        (
            4,
            NonceCheck::UsedOutside {
                expected: 2,
                chain: 4
            }
        )
    );

    // Nonce 4 was reserved but its transaction never reached the chain.
    let (nonce, check) = tracker.reserve(&client, DEV_0).await.expect("dropped");
    assert_eq!(
        (nonce, check),
        (
            4,
            NonceCheck::ChainBehind {
                expected: 5,
                chain: 4
            }
        ),
        "reused, not skipped"
    );

    let count: Value = providers
        .request("eth_getTransactionCount", json!([DEV_0, "latest"]))
        .await
        .expect("count");
    assert_eq!(count, "0x4");
}
