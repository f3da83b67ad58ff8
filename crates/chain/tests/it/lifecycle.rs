//! The transaction lifecycle against `slipway node`: inclusion and
//! confirmations, a fee bump observed on chain under manual mining, a
//! dropped transaction re-sent, a reorg before finality waited out.

use crate::common;

use std::{sync::mpsc, time::Duration};

use alloy_primitives::U256;
use common::{dev_signer, node_with, transfer, until_known, url};
use serde_json::{Value, json};
use slipway_chain::{ChainClient, FeeQuote, Lifecycle, NonceTracker, Providers, TxEvent};
use slipway_config::{FeePolicy, PriorityFee};
use slipway_devnet::Mining;

const GWEI: u128 = 1_000_000_000;

fn lifecycle(confirmations: u64) -> Lifecycle {
    Lifecycle {
        chain_id: 1337,
        fees: FeePolicy {
            eip1559: true,
            priority_fee: PriorityFee::Fixed(GWEI),
            max_fee_cap: None,
            bump_after: Duration::from_millis(300),
            bump_percent: 12,
            bump_limit: 3,
        },
        confirmations,
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
    }
}

/// Runs the lifecycle in the background; its events arrive on the channel.
fn start(
    url: String,
    lifecycle: Lifecycle,
) -> (
    mpsc::Receiver<TxEvent>,
    tokio::task::JoinHandle<Result<TxEvent, String>>,
) {
    let (sender, events) = mpsc::channel();
    let task = tokio::spawn(async move {
        let client = ChainClient::remote(
            Providers::new(vec![common::url(&url)], Duration::from_secs(5)).expect("providers"),
        );
        let mut report = move |event: TxEvent| {
            let _ = sender.send(event);
        };
        lifecycle
            .send(
                &client,
                &NonceTracker::new(),
                &dev_signer(),
                &transfer(),
                &mut report,
            )
            .await
            .map_err(|e| e.to_string())
    });
    (events, task)
}

/// The next event, waiting up to ten seconds.
fn next(events: &mpsc::Receiver<TxEvent>) -> TxEvent {
    events
        .recv_timeout(Duration::from_secs(10))
        .expect("an event")
}

async fn rpc(providers: &Providers, method: &str, params: Value) -> Value {
    providers.request(method, params).await.expect(method)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_is_included_and_confirmed() {
    let node = node_with(Mining::Auto).await;
    let (events, task) = start(node.url.clone(), lifecycle(1));
    let done = task.await.expect("join").expect("confirmed");
    let seen: Vec<TxEvent> = events.try_iter().collect();
    assert!(
        matches!(seen[0], TxEvent::Nonce { nonce: 0, .. }),
        "{seen:?}"
    );
    assert!(
        matches!(seen[1], TxEvent::Sent { nonce: 0, .. }),
        "{seen:?}"
    );
    assert!(
        matches!(seen[2], TxEvent::Included { block: 1, .. }),
        "{seen:?}"
    );
    assert!(
        matches!(
            done,
            TxEvent::Confirmed {
                block: 1,
                success: true,
                gas_used: 21_000,
                ..
            }
        ),
        "{done:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_for_confirmations_shows_the_head_and_gives_up_saying_what_to_do() {
    // Included at once, then no block comes: three confirmations cannot
    // be reached. No wait: with no time allowed, the lifecycle looks once
    // (and reports what it still needs), then gives up.
    let node = node_with(Mining::Auto).await;
    let mut waiting = lifecycle(3);
    waiting.timeout = Duration::ZERO;
    let (events, task) = start(node.url.clone(), waiting);
    let error = task.await.expect("join").expect_err("times out");
    let seen: Vec<TxEvent> = events.try_iter().collect();
    assert!(
        seen.iter().any(|e| matches!(
            e,
            TxEvent::Confirming {
                block: 1,
                head: 1,
                remaining: 2,
                ..
            }
        )),
        "{seen:?}"
    );
    assert!(
        error.contains("run again follows it from its journal")
            && error.contains("confirm_timeout"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_transaction_is_repriced_and_the_replacement_lands() {
    let node = node_with(Mining::Manual).await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_secs(5)).expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let (events, task) = start(node.url.clone(), lifecycle(1));
    let _nonce = next(&events);
    let TxEvent::Sent {
        fees: first,
        hash: original,
        ..
    } = next(&events)
    else {
        panic!("sent first")
    };
    let TxEvent::Bumped {
        hash: replacement,
        fees,
        ..
    } = next(&events)
    else {
        panic!("bumped after a second without a block")
    };
    until_known(providers, replacement).await;
    let (
        FeeQuote::Eip1559 {
            max_fee: a,
            priority_fee: b,
        },
        FeeQuote::Eip1559 {
            max_fee: c,
            priority_fee: d,
        },
    ) = (first, fees)
    else {
        panic!("EIP-1559 fees")
    };
    assert_eq!(
        (c, d),
        ((a * 112).div_ceil(100), (b * 112).div_ceil(100)),
        "+12 % on both fees"
    );
    rpc(providers, "evm_mine", json!([])).await;
    let done = task.await.expect("join").expect("confirmed");
    let TxEvent::Confirmed {
        hash,
        success: true,
        ..
    } = done
    else {
        panic!("{done:?}")
    };
    assert_eq!(hash, replacement, "the replacement is what the chain holds");
    let mined = rpc(providers, "eth_getTransactionByHash", json!([replacement])).await;
    assert_eq!(mined["maxFeePerGas"], json!(format!("{c:#x}")));
    let original_tx = rpc(providers, "eth_getTransactionReceipt", json!([original])).await;
    assert_eq!(
        original_tx,
        Value::Null,
        "the original was replaced, not mined"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_is_sent_again() {
    let node = node_with(Mining::Manual).await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_secs(5)).expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let mut slow = lifecycle(1);
    slow.fees.bump_after = Duration::from_secs(30);
    let (events, task) = start(node.url.clone(), slow);
    let _nonce = next(&events);
    let TxEvent::Sent { hash, .. } = next(&events) else {
        panic!("sent")
    };
    until_known(providers, hash).await;
    rpc(providers, "anvil_dropTransaction", json!([hash])).await;
    assert_eq!(next(&events), TxEvent::Dropped { hash });
    // Re-sent: the node has it again; mine it.
    for _ in 0..200 {
        if rpc(providers, "eth_getTransactionByHash", json!([hash])).await != Value::Null {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    rpc(providers, "evm_mine", json!([])).await;
    let done = task.await.expect("join").expect("confirmed");
    assert!(
        matches!(done, TxEvent::Confirmed { hash: h, .. } if h == hash),
        "{done:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorg_before_finality_is_waited_out() {
    let node = node_with(Mining::Manual).await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_secs(5)).expect("providers"),
    );
    let providers = client.providers().expect("remote");
    let mut slow = lifecycle(3);
    slow.fees.bump_after = Duration::from_secs(30);
    let (events, task) = start(node.url.clone(), slow);
    let _nonce = next(&events);
    let TxEvent::Sent { hash, .. } = next(&events) else {
        panic!("sent")
    };
    until_known(providers, hash).await;
    rpc(providers, "evm_mine", json!([])).await;
    assert_eq!(next(&events), TxEvent::Included { hash, block: 1 });
    // Replace block 1 before the three confirmations.
    rpc(providers, "anvil_rollback", json!([1])).await;
    // Progress reports may come first, whichever head they saw.
    let reorged = std::iter::from_fn(|| Some(next(&events)))
        .find(|e| !matches!(e, TxEvent::Confirming { .. }))
        .expect("an event");
    assert_eq!(reorged, TxEvent::Reorged { hash, block: 1 });
    let mut included_again = false;
    for _ in 0..500 {
        rpc(providers, "evm_mine", json!([])).await;
        if let Ok(event) = events.recv_timeout(Duration::from_millis(50))
            && matches!(event, TxEvent::Included { .. })
        {
            included_again = true;
            break;
        }
    }
    assert!(included_again, "included again after the reorg");
    for _ in 0..3 {
        rpc(providers, "evm_mine", json!([])).await;
    }
    let done = task.await.expect("join").expect("confirmed");
    assert!(
        matches!(done, TxEvent::Confirmed { hash: h, success: true, .. } if h == hash),
        "{done:?}"
    );
}

/// An automining node and a client for it.
async fn automining() -> (slipway_devnet::rpc::ServerHandle, ChainClient) {
    let node = node_with(Mining::Auto).await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_secs(5)).expect("providers"),
    );
    (node, client)
}

/// The transfer signed by dev account 0, not sent (as a journal holds it
/// when the process dies before sending).
async fn signed_transfer(life: &Lifecycle, client: &ChainClient) -> slipway_chain::SignedTx {
    life.sign(
        client,
        &NonceTracker::new(),
        &dev_signer(),
        &transfer(),
        &mut |_| {},
    )
    .await
    .expect("signed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journaled_transaction_never_sent_is_sent_on_resume() {
    let (_node, client) = automining().await;
    let providers = client.providers().expect("remote");
    let signer = dev_signer();
    let life = lifecycle(1);
    // Signed (and journaled) but the process died before sending it.
    let tx = signed_transfer(&life, &client).await;
    let nothing: Value = rpc(providers, "eth_getTransactionByHash", json!([tx.hash()])).await;
    assert_eq!(nothing, Value::Null, "not sent by signing");
    let done = life
        .resume(&client, &signer, &transfer(), tx.clone(), &mut |_| {})
        .await
        .expect("resumed");
    assert!(
        matches!(done, TxEvent::Confirmed { hash, success: true, .. } if hash == tx.hash()),
        "{done:?}"
    );
    // Resuming again finds it on chain and sends nothing new.
    let again = life
        .resume(&client, &signer, &transfer(), tx.clone(), &mut |_| {})
        .await
        .expect("found");
    assert_eq!(again, done);
    let count = rpc(
        providers,
        "eth_getTransactionCount",
        json!([signer.address(), "latest"]),
    )
    .await;
    assert_eq!(count, json!("0x1"), "one transaction, not two");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journaled_transaction_whose_nonce_went_elsewhere_is_reported() {
    let (_node, client) = automining().await;
    let signer = dev_signer();
    let life = lifecycle(1);
    let lost = signed_transfer(&life, &client).await;
    // Another transaction takes nonce 0 before the journaled one is sent.
    let mut other = transfer();
    other.value = U256::from(7);
    life.send(&client, &NonceTracker::new(), &signer, &other, &mut |_| {})
        .await
        .expect("other sent");
    let error = life
        .resume(&client, &signer, &transfer(), lost, &mut |_| {})
        .await
        .expect_err("nonce used");
    assert!(
        matches!(error, slipway_chain::TxError::NonceUsed { nonce: 0 }),
        "{error}"
    );
}
