//! The durable log: restarts lose nothing, bad or busy state is refused.

use crate::common;

use alloy_primitives::{Address, U256, address};
use serde_json::json;
use slipway_devnet::{Mining, Node};

const ALICE: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const BOB: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

use common::rpc;

async fn transfer(url: &str, wei: u64) -> String {
    let hash = rpc(
        url,
        "eth_sendTransaction",
        json!([{ "from": ALICE, "to": BOB, "value": format!("{wei:#x}") }]),
    )
    .await;
    hash.as_str().expect("hash").to_owned()
}

#[tokio::test]
async fn a_restarted_node_serves_every_block_receipt_and_balance() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("devnet");
    let (node, server) = common::spawn(Some(state.clone()), Mining::Auto).await;
    let url = server.url.clone();
    let mut hashes = Vec::new();
    for i in 1..=5 {
        hashes.push(transfer(&url, i).await);
    }
    let _ = rpc(
        &url,
        "hardhat_setBalance",
        json!([address!("00000000000000000000000000000000000000cc"), "0x2a"]),
    )
    .await;
    let before_blocks: Vec<_> = {
        let mut v = Vec::new();
        for n in 0..=5u64 {
            v.push(
                rpc(
                    &url,
                    "eth_getBlockByNumber",
                    json!([format!("{n:#x}"), true]),
                )
                .await,
            );
        }
        v
    };
    let bob = rpc(&url, "eth_getBalance", json!([BOB, "latest"])).await;
    let receipts: Vec<_> = {
        let mut v = Vec::new();
        for h in &hashes {
            v.push(rpc(&url, "eth_getTransactionReceipt", json!([h])).await);
        }
        v
    };
    server.stop().await;
    drop(node);

    let (_node, server) = common::spawn(Some(state), Mining::Auto).await;
    let url = server.url.clone();
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, "0x5");
    for (n, block) in before_blocks.iter().enumerate() {
        assert_eq!(
            &rpc(
                &url,
                "eth_getBlockByNumber",
                json!([format!("{n:#x}"), true])
            )
            .await,
            block
        );
    }
    for (h, receipt) in hashes.iter().zip(&receipts) {
        assert_eq!(
            &rpc(&url, "eth_getTransactionReceipt", json!([h])).await,
            receipt
        );
    }
    assert_eq!(
        rpc(&url, "eth_getBalance", json!([BOB, "latest"])).await,
        bob
    );
    assert_eq!(
        rpc(
            &url,
            "eth_getBalance",
            json!(["0x00000000000000000000000000000000000000cc", "latest"])
        )
        .await,
        "0x2a"
    );
    // Historic state is served too.
    let at_two = rpc(&url, "eth_getBalance", json!([BOB, "0x2"])).await;
    let at_two: U256 = serde_json::from_value(at_two).expect("quantity");
    let now: U256 = serde_json::from_value(bob).expect("quantity");
    assert_eq!(now - at_two, U256::from(3 + 4 + 5));
    // And it goes on from where it was.
    transfer(&url, 6).await;
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, "0x6");
}

#[tokio::test]
async fn reverts_and_rollbacks_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("devnet");
    let (node, server) = common::spawn(Some(state.clone()), Mining::Auto).await;
    let url = server.url.clone();
    transfer(&url, 1).await;
    let snap = rpc(&url, "evm_snapshot", json!([])).await;
    let gone = transfer(&url, 2).await;
    assert_eq!(rpc(&url, "evm_revert", json!([snap])).await, true);
    let kept = transfer(&url, 3).await;
    let rolled = transfer(&url, 4).await;
    let _ = rpc(&url, "anvil_rollback", json!([1])).await;
    let head = rpc(&url, "eth_blockNumber", json!([])).await;
    server.stop().await;
    drop(node);

    let (_node, server) = common::spawn(Some(state), Mining::Auto).await;
    let url = server.url.clone();
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, head);
    assert_eq!(head, "0x2");
    assert!(
        rpc(&url, "eth_getTransactionReceipt", json!([gone]))
            .await
            .is_null()
    );
    assert!(
        rpc(&url, "eth_getTransactionReceipt", json!([rolled]))
            .await
            .is_null()
    );
    assert!(
        !rpc(&url, "eth_getTransactionReceipt", json!([kept]))
            .await
            .is_null()
    );
}

/// The hash of block `n` on the node at `url`.
async fn block_hash(url: &str, n: u64) -> serde_json::Value {
    rpc(
        url,
        "eth_getBlockByNumber",
        json!([format!("{n:#x}"), false]),
    )
    .await["hash"]
        .clone()
}

/// A rollback or reorg that ends inside a run of empty blocks
/// (`anvil_mine`) keeps the run's first part; the chain it leaves, and the
/// reorg's new blocks (which differ from the old), survive a restart.
#[tokio::test]
async fn a_rollback_into_a_run_of_empty_blocks_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("devnet");
    let (node, server) = common::spawn(Some(state.clone()), Mining::Auto).await;
    let url = server.url.clone();
    transfer(&url, 1).await;
    assert_eq!(rpc(&url, "anvil_mine", json!(["0x6", "0x5"])).await, true);
    let block = |n: u64| block_hash(&url, n);
    let fourth = block(4).await;
    let old_sixth = block(6).await;
    // Block 7 is the run's last: cut at 4, inside it.
    assert!(rpc(&url, "anvil_rollback", json!([3])).await.is_null());
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, "0x4");
    assert_eq!(block(4).await, fourth, "the run's first part is kept");
    // A reorg of the last two blocks mines different ones.
    assert!(rpc(&url, "anvil_reorg", json!([2, []])).await.is_null());
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, "0x4");
    let reorged = block(4).await;
    assert_ne!(reorged, fourth, "a reorg replaces the blocks");
    let third = block(3).await;
    server.stop().await;
    drop(node);

    let (_node, server) = common::spawn(Some(state), Mining::Auto).await;
    let url = server.url.clone();
    assert_eq!(rpc(&url, "eth_blockNumber", json!([])).await, "0x4");
    let again = |n: u64| block_hash(&url, n);
    assert_eq!(again(4).await, reorged);
    assert_eq!(again(3).await, third);
    assert_ne!(again(4).await, old_sixth);
}

fn open(state: &std::path::Path) -> slipway_devnet::Result<std::sync::Arc<Node>> {
    Node::open(&common::settings(Some(state.to_path_buf()), Mining::Auto))
}

#[test]
fn a_second_owner_is_refused_with_the_holder_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let _first = open(dir.path()).expect("first owner");
    let err = open(dir.path()).expect_err("second owner").to_string();
    assert!(
        err.contains("in use by process") && err.contains("a test"),
        "{err}"
    );
}

/// `--fresh` takes the lock before it discards anything: the chain of a
/// running node is never deleted under it.
#[tokio::test]
async fn fresh_is_refused_while_a_node_holds_the_chain_and_deletes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("devnet");
    let (_node, server) = common::spawn(Some(state.clone()), Mining::Auto).await;
    let hash = transfer(&server.url, 7).await;
    let log = std::fs::read(state.join("chain.log")).expect("log");

    let mut fresh = common::settings(Some(state.clone()), Mining::Auto);
    fresh.fresh = true;
    let err = Node::open(&fresh).expect_err("held").to_string();
    assert!(err.contains("in use by process"), "{err}");
    assert_eq!(std::fs::read(state.join("chain.log")).expect("log"), log);
    let receipt = rpc(&server.url, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["status"], "0x1");

    // The holder's record names the URL it serves and its chain.
    match slipway_devnet::holder(&state).expect("holder") {
        slipway_devnet::Holder::Held(Some(owner)) => {
            assert_eq!(owner.url.as_deref(), Some(server.url.as_str()));
            assert_eq!(owner.chain_id, Some(1337));
            assert_eq!(owner.pid, std::process::id());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fresh_starts_over_once_the_lock_is_taken() {
    let dir = tempfile::tempdir().expect("tmp");
    let node = open(dir.path()).expect("open");
    node.write(|chain| {
        chain.mine_block();
    })
    .expect("mine");
    assert_eq!(node.read(|c| c.head().header.number), 1);
    drop(node);
    let mut fresh = common::settings(Some(dir.path().to_path_buf()), Mining::Auto);
    fresh.fresh = true;
    let node = Node::open(&fresh).expect("fresh");
    assert_eq!(node.read(|c| c.head().header.number), 0);
}

#[test]
fn a_corrupt_or_foreign_log_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    {
        let node = open(dir.path()).expect("open");
        for _ in 0..3 {
            node.write(|c| c.mine_block().header.number).expect("mine");
        }
    }
    let log = dir.path().join("chain.log");
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 1 + 3, "magic, genesis and three blocks");

    // Flip one character in the middle of a record.
    let mut damaged = lines.clone();
    let middle = damaged[2].replacen("\"empty_blocks\"", "\"empty_blockz\"", 1);
    assert_ne!(middle, damaged[2], "an empty block record: {}", damaged[2]);
    damaged[2] = &middle;
    let damaged = damaged.join("\n") + "\n";
    std::fs::write(&log, &damaged).expect("write");
    let err = open(dir.path()).expect_err("corrupt").to_string();
    assert!(
        err.contains("line 3") && err.contains("damaged") && err.contains("--fresh"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&log).expect("log"),
        damaged,
        "left untouched"
    );

    std::fs::write(&log, "something else entirely\n").expect("write");
    let err = open(dir.path()).expect_err("foreign").to_string();
    assert!(err.contains("not a slipway dev chain log"), "{err}");
}

#[test]
fn a_torn_last_record_is_cut_off() {
    let dir = tempfile::tempdir().expect("tmp");
    {
        let node = open(dir.path()).expect("open");
        node.write(|c| c.mine_block().header.number).expect("mine");
    }
    let log = dir.path().join("chain.log");
    let whole = std::fs::read(&log).expect("log");
    // A crash in the middle of appending a record (never acknowledged).
    let mut torn = whole.clone();
    torn.extend_from_slice(b"0badc0de {\"kind\":\"block\",\"hea");
    std::fs::write(&log, &torn).expect("write");
    let node = open(dir.path()).expect("recovers");
    assert_eq!(node.read(|c| c.head().header.number), 1);
    drop(node);
    assert_eq!(std::fs::read(&log).expect("log"), whole);
}

#[test]
fn a_state_made_with_other_settings_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    drop(open(dir.path()).expect("open"));
    let mut settings = common::settings(Some(dir.path().to_path_buf()), Mining::Auto);
    settings.devnet.chain_id = 31337;
    let err = Node::open(&settings).expect_err("mismatch").to_string();
    assert!(
        err.contains("chain id 1337") && err.contains("31337") && err.contains("--fresh"),
        "{err}"
    );
    settings.fresh = true;
    let node = Node::open(&settings).expect("fresh start");
    assert_eq!(node.read(|c| c.chain_id()), 31337);
}

/// A chain of `blocks` mined blocks in `dir`, and its log's lines.
fn mined(dir: &std::path::Path, blocks: u64) -> Vec<String> {
    {
        let node = open(dir).expect("open");
        for _ in 0..blocks {
            node.write(|c| c.mine_block().header.number).expect("mine");
        }
    }
    std::fs::read_to_string(dir.join("chain.log"))
        .expect("log")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(path: &std::path::Path, lines: &[String]) -> String {
    let text = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    std::fs::write(path, &text).expect("write");
    text
}

/// Blocks cut from the end at a line boundary — every remaining line
/// checks — are refused, not served as a shorter chain; `--fresh` then
/// starts over.
#[test]
fn blocks_cut_from_the_end_at_a_line_boundary_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let lines = mined(dir.path(), 4);
    let log = dir.path().join("chain.log");
    let kept = write_lines(&log, &lines[..lines.len() - 2]);
    let err = open(dir.path()).expect_err("cut").to_string();
    assert!(
        err.contains("lost from its end") && err.contains("--fresh"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&log).expect("log"), kept);

    let mut fresh = common::settings(Some(dir.path().to_path_buf()), Mining::Auto);
    fresh.fresh = true;
    let node = Node::open(&fresh).expect("fresh");
    assert_eq!(node.read(|c| c.head().header.number), 0);
}

/// A block deleted from the middle, or repeated, breaks the chain of
/// records: refused, where it happened, before anything is served.
#[test]
fn a_block_deleted_or_repeated_in_the_middle_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let lines = mined(dir.path(), 4);
    let log = dir.path().join("chain.log");
    let mut deleted = lines.clone();
    deleted.remove(3);
    let text = write_lines(&log, &deleted);
    let err = open(dir.path()).expect_err("gap").to_string();
    assert!(err.contains("line 4") && err.contains("missing"), "{err}");
    assert_eq!(std::fs::read_to_string(&log).expect("log"), text);

    let mut repeated = lines.clone();
    repeated.insert(3, lines[2].clone());
    write_lines(&log, &repeated);
    let err = open(dir.path()).expect_err("repeat").to_string();
    assert!(err.contains("line 4") && err.contains("repeated"), "{err}");
}

/// The interval miner holds empty blocks back for a batch: a crash loses
/// them (never a transaction), a node that stops logs them first.
#[test]
fn held_back_empty_blocks_are_logged_when_the_node_stops() {
    let dir = tempfile::tempdir().expect("tmp");
    let settings = common::settings(Some(dir.path().to_path_buf()), Mining::Manual);
    let mine_five = |node: &Node| {
        for _ in 0..5 {
            node.write_holding_empty(60, |c| {
                c.mine_block();
            })
            .expect("mine");
        }
    };
    {
        let node = Node::open(&settings).expect("open");
        mine_five(&node);
        assert_eq!(node.read(|c| c.head().header.number), 5);
        // Dropped without stopping: as a crash.
    }
    let node = Node::open(&settings).expect("reopen");
    assert_eq!(
        node.read(|c| c.head().header.number),
        0,
        "held back, then lost"
    );
    mine_five(&node);
    node.flush().expect("flush");
    drop(node);
    let node = Node::open(&settings).expect("reopen");
    assert_eq!(node.read(|c| c.head().header.number), 5);
}
