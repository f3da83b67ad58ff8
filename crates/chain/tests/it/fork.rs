//! Fork mode's remote side against a real node (`slipway node` in this
//! process) behind a relay that counts every request: forked reads equal
//! the remote's, local writes never reach it, an account is one batched
//! request, a second run reads the disk cache and asks nothing, and an
//! unreachable remote is reported with its cause.

use std::sync::Arc;

use alloy_primitives::{Address, U256, hex};
use serde_json::{Value, json};
use slipway_chain::{Fork, ForkAt, ForkError, Providers};
use slipway_evm::{RemoteState, State};
use slipway_testkit::CountingRelay;

use crate::common::{node, url};

const CONTRACT: Address = Address::repeat_byte(0xcc);
const HOLDER: Address = Address::repeat_byte(0x0d);

/// Sets up the remote: a contract with code and two slots, a funded
/// account, then a few more blocks.
async fn remote_with_state(providers: &Providers) -> u64 {
    let calls: [(&str, Value); 5] = [
        (
            "anvil_setCode",
            json!([CONTRACT, "0x60005460005260206000f3"]),
        ),
        (
            "anvil_setStorageAt",
            json!([CONTRACT, "0x0", format!("{:#066x}", 42)]),
        ),
        (
            "anvil_setStorageAt",
            json!([CONTRACT, "0x1", format!("{:#066x}", 7)]),
        ),
        ("anvil_setBalance", json!([HOLDER, "0xde0b6b3a7640000"])),
        ("anvil_mine", json!(["0x3"])),
    ];
    for (method, params) in calls {
        providers
            .request::<Value>(method, params)
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
    }
    let head: alloy_primitives::U64 = providers
        .request("eth_blockNumber", json!([]))
        .await
        .expect("head");
    head.to::<u64>()
}

async fn open(
    relay: &CountingRelay,
    at: ForkAt,
    cache: Option<std::path::PathBuf>,
) -> Result<Arc<Fork>, ForkError> {
    let urls = vec![url(&relay.url())];
    tokio::task::spawn_blocking(move || Fork::open(urls, at, cache.as_deref()))
        .await
        .expect("joins")
}

fn state_reads(relay: &CountingRelay) -> Vec<Vec<String>> {
    relay
        .requests()
        .into_iter()
        .filter(|methods| {
            methods.iter().any(|m| {
                matches!(
                    m.as_str(),
                    "eth_getBalance"
                        | "eth_getTransactionCount"
                        | "eth_getCode"
                        | "eth_getStorageAt"
                )
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn forked_reads_equal_the_remote_and_a_second_run_asks_nothing() {
    let server = node().await;
    let providers = Providers::new(vec![url(&server.url)], std::time::Duration::from_secs(5))
        .expect("providers");
    let head = remote_with_state(&providers).await;
    let relay = CountingRelay::start(&server.url).await;
    let cache = tempfile::tempdir().expect("cache dir");

    let fork = open(&relay, ForkAt::Latest, Some(cache.path().to_path_buf()))
        .await
        .expect("forks");
    assert_eq!(fork.point().number, head);
    assert_eq!(
        fork.point().chain_id,
        slipway_config::DevnetSettings::default().chain_id
    );
    let reads = Arc::clone(&fork);
    let (slot0, slot1, holder, code) = tokio::task::spawn_blocking(move || {
        (
            reads.storage(CONTRACT, U256::ZERO).expect("slot 0"),
            reads.storage(CONTRACT, U256::from(1)).expect("slot 1"),
            reads.account(HOLDER).expect("holder"),
            reads.account(CONTRACT).expect("contract"),
        )
    })
    .await
    .expect("joins");
    // What the remote itself answers.
    let remote_slot: U256 = providers
        .request("eth_getStorageAt", json!([CONTRACT, "0x0", "latest"]))
        .await
        .expect("remote slot");
    assert_eq!(slot0, remote_slot);
    assert_eq!(slot0, U256::from(42));
    assert_eq!(slot1, U256::from(7));
    assert_eq!(holder.expect("exists").balance, U256::from(10u128.pow(18)));
    assert_eq!(
        code.expect("exists").code.as_ref(),
        hex!("60005460005260206000f3")
    );
    // An account is one request carrying its three calls.
    let asked = state_reads(&relay);
    assert_eq!(asked.len(), 4, "{asked:?}");
    assert!(
        asked.contains(&vec![
            "eth_getBalance".to_owned(),
            "eth_getTransactionCount".to_owned(),
            "eth_getCode".to_owned()
        ]),
        "{asked:?}"
    );

    // Local writes sit on top and never reach the remote.
    let mut state = State::forked(fork.clone() as Arc<dyn RemoteState>);
    state.apply(&state.storage_diff(CONTRACT, U256::ZERO, U256::from(9)));
    assert_eq!(state.storage(CONTRACT, U256::ZERO), U256::from(9));
    let after: U256 = providers
        .request("eth_getStorageAt", json!([CONTRACT, "0x0", "latest"]))
        .await
        .expect("remote slot");
    assert_eq!(after, U256::from(42));
    assert!(
        relay
            .requests()
            .iter()
            .flatten()
            .all(|m| m.starts_with("eth_get") || m == "eth_chainId" || m == "eth_blockNumber"),
        "only reads reach the remote: {:?}",
        relay.requests()
    );
    drop(state);
    drop(fork);

    // A second run at the same block reads the cache: no state request.
    relay.reset();
    let again = open(
        &relay,
        ForkAt::Number(head),
        Some(cache.path().to_path_buf()),
    )
    .await
    .expect("forks again");
    let reads = Arc::clone(&again);
    let (slot0, holder) = tokio::task::spawn_blocking(move || {
        (
            reads.storage(CONTRACT, U256::ZERO).expect("slot 0"),
            reads.account(HOLDER).expect("holder"),
        )
    })
    .await
    .expect("joins");
    assert_eq!(slot0, U256::from(42));
    assert!(holder.is_some());
    assert!(state_reads(&relay).is_empty(), "{:?}", relay.requests());
    assert!(
        again
            .cache_file()
            .is_some_and(|f| f.starts_with(cache.path()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forking_a_block_the_remote_does_not_have_or_an_unreachable_remote_says_why() {
    let server = node().await;
    let relay = CountingRelay::start(&server.url).await;
    let error = open(&relay, ForkAt::Number(1_000_000), None)
        .await
        .expect_err("no such block")
        .to_string();
    assert!(
        error.contains("block 1000000") && error.contains("head is 0"),
        "{error}"
    );

    let port = slipway_testkit::free_port();
    let urls = vec![url(&format!("http://127.0.0.1:{port}/"))];
    let error = tokio::task::spawn_blocking(move || Fork::open(urls, ForkAt::Latest, None))
        .await
        .expect("joins")
        .expect_err("nothing listens")
        .to_string();
    assert!(
        error.contains("eth_chainId") && error.contains("connection refused"),
        "{error}"
    );
}
