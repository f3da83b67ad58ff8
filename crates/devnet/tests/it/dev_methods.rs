//! Test-node methods Hardhat and anvil users call: the next block's base
//! fee, automine status, block receipts, reset — each durable where it
//! changes the chain.

use serde_json::{Value, json};
use slipway_devnet::Mining;

use crate::common::{self, rpc};

async fn transfer(url: &str) -> Value {
    rpc(
        url,
        "eth_sendTransaction",
        json!([{
            "from": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "to": "0x00000000000000000000000000000000000000ee",
            "value": "0x1"
        }]),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_base_fee_automine_receipts_and_reset() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("devnet");
    let (node, server) = common::spawn(Some(state.clone()), Mining::Auto).await;
    let url = server.url.clone();

    assert_eq!(rpc(&url, "hardhat_getAutomine", json!([])).await, true);
    rpc(&url, "evm_setAutomine", json!([false])).await;
    assert_eq!(rpc(&url, "anvil_getAutomine", json!([])).await, false);

    // The forced base fee holds for the next block only, and survives a
    // restart before it is mined.
    assert_eq!(
        rpc(
            &url,
            "anvil_setNextBlockBaseFeePerGas",
            json!(["0x77359400"])
        )
        .await,
        true
    );
    let hashes = [transfer(&url).await, transfer(&url).await];
    server.stop().await;
    drop(node);
    let (_node, server) = common::spawn(Some(state.clone()), Mining::Manual).await;
    let url = server.url.clone();
    rpc(&url, "evm_mine", json!([])).await;
    let block = rpc(&url, "eth_getBlockByNumber", json!(["latest", false])).await;
    assert_eq!(block["baseFeePerGas"], "0x77359400", "2 gwei, forced");
    rpc(&url, "evm_mine", json!([])).await;
    let next = rpc(&url, "eth_getBlockByNumber", json!(["latest", false])).await;
    assert_ne!(next["baseFeePerGas"], "0x77359400", "one block only");

    // Block receipts are the transactions' receipts, in order.
    let receipts = rpc(&url, "eth_getBlockReceipts", json!(["0x1"])).await;
    let receipts = receipts.as_array().expect("a list");
    assert_eq!(receipts.len(), 2);
    for (receipt, hash) in receipts.iter().zip(&hashes) {
        assert_eq!(
            receipt,
            &rpc(&url, "eth_getTransactionReceipt", json!([hash])).await
        );
    }
    assert_eq!(
        rpc(&url, "eth_getBlockReceipts", json!(["0x2"])).await,
        json!([])
    );
    assert!(
        rpc(&url, "eth_getBlockReceipts", json!(["0x99"]))
            .await
            .is_null()
    );
    assert_eq!(rpc(&url, "eth_blobBaseFee", json!([])).await, "0x1");

    // Reset: back to the genesis, pool emptied, and so after a restart.
    transfer(&url).await;
    assert_eq!(rpc(&url, "hardhat_reset", json!([])).await, true);
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, "0x0");
    let status = rpc(&url, "txpool_status", json!([])).await;
    assert_eq!(status["pending"], "0x0");
    server.stop().await;
    drop(_node);
    let (_node, server) = common::spawn(Some(state), Mining::Manual).await;
    assert_eq!(rpc(&server.url, "eth_blockNumber", json!([])).await, "0x0");
    assert!(
        rpc(&server.url, "eth_getTransactionByHash", json!([hashes[0]]))
            .await
            .is_null()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_proof_is_refused_with_its_reason() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let answer = common::raw(
        &server.url,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_getProof", "params": ["0x00000000000000000000000000000000000000ee", [], "latest"] }),
    )
    .await;
    assert_eq!(answer["error"]["code"], -32601);
    let message = answer["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("not a Merkle-Patricia trie") && message.contains("anvil"),
        "{message}"
    );
}
