//! `slipway node --fork-url`: a node on a live chain's state, with a real
//! node as the remote (`slipway node` in this process) behind a relay
//! that counts what is asked of it.

use serde_json::{Value, json};
use slipway_testkit::CountingRelay;

use crate::common::{self, DEV_ADDRESS, rpc, slipway_node};

const CONTRACT: &str = "0xcccccccccccccccccccccccccccccccccccccccc";
const HOLDER: &str = "0x0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d";
const BOB: &str = "0x000000000000000000000000000000000000b0b0";

fn quantity(value: &Value) -> u64 {
    let text = value.as_str().expect("a quantity");
    u64::from_str_radix(text.trim_start_matches("0x"), 16).expect("hex")
}

/// What reached the remote that is not a read.
fn writes(relay: &CountingRelay) -> Vec<String> {
    relay
        .requests()
        .into_iter()
        .flatten()
        .filter(|m| !(m.starts_with("eth_get") || m == "eth_chainId" || m == "eth_blockNumber"))
        .collect()
}

fn state_reads(relay: &CountingRelay) -> usize {
    relay
        .requests()
        .into_iter()
        .flatten()
        .filter(|m| {
            matches!(
                m.as_str(),
                "eth_getBalance" | "eth_getTransactionCount" | "eth_getCode" | "eth_getStorageAt"
            )
        })
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forked_node_reads_the_remote_keeps_its_writes_and_restarts_exactly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let remote = common::node(&tmp.path().join("remote"), 1).await;
    for (method, params) in [
        (
            "anvil_setCode",
            json!([CONTRACT, "0x60005460005260206000f3"]),
        ),
        (
            "anvil_setStorageAt",
            json!([CONTRACT, "0x0", format!("{:#066x}", 42)]),
        ),
        ("anvil_setBalance", json!([HOLDER, "0xde0b6b3a7640000"])),
    ] {
        rpc(&remote.url, method, params).await;
    }
    // A real transaction before the fork: its receipt stays the remote's.
    let before = rpc(
        &remote.url,
        "eth_sendTransaction",
        json!([{ "from": DEV_ADDRESS, "to": BOB, "value": "0x1" }]),
    )
    .await;
    let before = before.as_str().expect("a hash").to_owned();
    rpc(&remote.url, "anvil_mine", json!(["0x2"])).await;
    let remote_head = quantity(&rpc(&remote.url, "eth_blockNumber", json!([])).await);
    let relay = CountingRelay::start(&remote.url).await;
    let project = common::starter_project(&tmp);

    let (node, url) = slipway_node(&project, &["--fork-url", &relay.url(), "--automine"]);
    assert_eq!(quantity(&rpc(&url, "eth_chainId", json!([])).await), 1);
    assert_eq!(
        quantity(&rpc(&url, "eth_blockNumber", json!([])).await),
        remote_head
    );
    let slot = rpc(&url, "eth_getStorageAt", json!([CONTRACT, "0x0", "latest"])).await;
    assert_eq!(
        slot,
        rpc(
            &remote.url,
            "eth_getStorageAt",
            json!([CONTRACT, "0x0", "latest"])
        )
        .await
    );
    assert_eq!(quantity(&slot), 42);
    // Before the fork block: the remote's blocks and receipts.
    let receipt = rpc(&url, "eth_getTransactionReceipt", json!([before])).await;
    assert_eq!(
        receipt,
        rpc(&remote.url, "eth_getTransactionReceipt", json!([before])).await
    );
    let old = format!("{:#x}", remote_head - 1);
    assert_eq!(
        rpc(&url, "eth_getBlockByNumber", json!([old, false])).await["hash"],
        rpc(&remote.url, "eth_getBlockByNumber", json!([old, false])).await["hash"]
    );
    // The fork block itself is the remote's, header and all.
    let fork_block = format!("{remote_head:#x}");
    let ours = rpc(&url, "eth_getBlockByNumber", json!([fork_block, false])).await;
    assert_eq!(
        ours,
        rpc(
            &remote.url,
            "eth_getBlockByNumber",
            json!([fork_block, false])
        )
        .await
    );
    assert_eq!(
        rpc(&url, "eth_getBlockByHash", json!([ours["hash"], false])).await["parentHash"],
        ours["parentHash"]
    );

    // An impersonated account sends on the fork, and only there.
    rpc(&url, "anvil_impersonateAccount", json!([HOLDER])).await;
    let sent = rpc(
        &url,
        "eth_sendTransaction",
        json!([{ "from": HOLDER, "to": BOB, "value": "0x100" }]),
    )
    .await;
    assert!(sent.is_string(), "sent on the fork: {sent}");
    rpc(
        &url,
        "anvil_setStorageAt",
        json!([CONTRACT, "0x0", format!("{:#066x}", 9)]),
    )
    .await;
    let bob_here = quantity(&rpc(&url, "eth_getBalance", json!([BOB, "latest"])).await);
    assert_eq!(bob_here, 0x101);
    assert_eq!(
        quantity(&rpc(&remote.url, "eth_getBalance", json!([BOB, "latest"])).await),
        1
    );
    assert_eq!(
        quantity(
            &rpc(
                &remote.url,
                "eth_getStorageAt",
                json!([CONTRACT, "0x0", "latest"])
            )
            .await
        ),
        42
    );
    assert!(writes(&relay).is_empty(), "{:?}", writes(&relay));
    let head = quantity(&rpc(&url, "eth_blockNumber", json!([])).await);
    assert_eq!(
        head,
        remote_head + 1,
        "the impersonated send mined one block"
    );
    drop(node);

    // Without the remote, a kept fork says how to start it.
    let refused = common::slipway(&project)
        .args(["node", "--port", "0"])
        .args([
            "--state",
            &project.join(".slipway/fork-node").to_string_lossy(),
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(
        stderr.contains("--fork-url") && stderr.contains(&format!("block {remote_head}")),
        "{stderr}"
    );

    // Restarted on the same remote: the same chain, read from the cache.
    relay.reset();
    let (_node, url) = slipway_node(&project, &["--fork-url", &relay.url(), "--automine"]);
    assert_eq!(
        quantity(&rpc(&url, "eth_blockNumber", json!([])).await),
        head
    );
    assert_eq!(
        quantity(&rpc(&url, "eth_getBalance", json!([BOB, "latest"])).await),
        bob_here
    );
    assert_eq!(
        quantity(&rpc(&url, "eth_getStorageAt", json!([CONTRACT, "0x0", "latest"])).await),
        9
    );
    assert_eq!(state_reads(&relay), 0, "{:?}", relay.requests());

    // Reset onto another block of the remote, as Hardhat and anvil do.
    let reset = rpc(
        &url,
        "anvil_reset",
        json!([{ "forking": { "jsonRpcUrl": relay.url(), "blockNumber": remote_head - 1 } }]),
    )
    .await;
    assert_eq!(reset, json!(true));
    assert_eq!(
        quantity(&rpc(&url, "eth_blockNumber", json!([])).await),
        remote_head - 1
    );
    assert_eq!(
        quantity(&rpc(&url, "eth_getBalance", json!([BOB, "latest"])).await),
        1,
        "the remote's balance at that block, the fork's own send gone"
    );
    assert_eq!(
        quantity(&rpc(&url, "eth_getStorageAt", json!([CONTRACT, "0x0", "latest"])).await),
        42
    );
}

/// Addresses of the plan's contracts in a rehearsal's JSON, by step.
fn rehearsed_addresses(json: &Value) -> Vec<(String, String)> {
    json["rehearsal"]["addresses"]
        .as_array()
        .expect("addresses")
        .iter()
        .map(|a| {
            (
                a["step"].as_str().expect("step").to_owned(),
                a["address"].as_str().expect("address").to_lowercase(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rehearsal_sends_nothing_and_predicts_the_deployment_that_follows() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = crate::deploy::project(&tmp);
    let remote = common::node(&tmp.path().join("chain"), 1337).await;
    let relay = CountingRelay::start(&remote.url).await;
    let staging = |args: &[&str]| {
        let mut cmd = common::slipway(&dir);
        cmd.args(["deploy", "--env", "staging"])
            .args(args)
            .env("NODE_URL", relay.url())
            .env("DEPLOYER_KEY", common::DEV_KEY);
        cmd.output().expect("deploy")
    };

    let only = staging(&["--rehearse-only", "--json"]);
    assert!(
        only.status.success(),
        "{}",
        String::from_utf8_lossy(&only.stderr)
    );
    let rehearsal: Value = serde_json::from_slice(&only.stdout).expect("json");
    let predicted = rehearsed_addresses(&rehearsal);
    assert_eq!(
        predicted
            .iter()
            .map(|(s, _)| s.as_str())
            .collect::<Vec<_>>(),
        ["Fees", "Registry", "Vault"]
    );
    assert_eq!(
        rehearsal["rehearsal"]["transactions"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    assert!(
        rehearsal["rehearsal"]["gas_used"]
            .as_u64()
            .is_some_and(|g| g > 100_000)
    );
    // Nothing reached the real chain, and the project's records are untouched.
    assert!(writes(&relay).is_empty(), "{:?}", writes(&relay));
    assert_eq!(common::nonce(&remote.url, DEV_ADDRESS).await, 0);
    assert!(!dir.join("deployments/staging").exists());
    assert!(
        dir.join(".slipway/rehearsal/staging/deployments/staging/Vault.json")
            .exists(),
        "the rehearsal's own records are left to read"
    );

    // Rehearsed, then sent for real: the addresses are those predicted.
    // With --json, stdout is one document: the effect with the rehearsal.
    let real = staging(&["--rehearse", "--json"]);
    let stderr = String::from_utf8_lossy(&real.stderr);
    assert!(real.status.success(), "{stderr}");
    let document: Value = serde_json::from_slice(&real.stdout).expect("one JSON document");
    assert_eq!(document["environment"], "staging");
    assert_eq!(document["plan"].as_str().map(str::is_empty), Some(false));
    assert_eq!(
        document["rehearsal"]["transactions"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    for (step, address) in &predicted {
        let record: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("deployments/staging/{step}.json")))
                .expect("record"),
        )
        .expect("json");
        assert_eq!(
            record["address"].as_str().map(str::to_lowercase).as_deref(),
            Some(address.as_str()),
            "{step}"
        );
    }
    // As many transactions as the rehearsal sent (the CREATE2 one too).
    assert_eq!(common::nonce(&remote.url, DEV_ADDRESS).await, 5);
}

/// A Foundry test file that forks: `createSelectFork` through `rpcUrl`,
/// `rollFork`, `selectFork` back, local writes, persistent accounts.
const FORK_TEST: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "forge-std/Test.sol";

interface IValue {
    function value() external view returns (uint256);
}

contract ForkTest is Test {
    IValue constant FEED = IValue(0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC);
    uint256 first;
    uint256 b1;
    uint256 b2;

    function setUp() public {
        b1 = vm.envUint("FORK_B1");
        b2 = vm.envUint("FORK_B2");
        first = vm.createSelectFork(vm.rpcUrl("remote"), b1);
    }

    function test_ReadsTheRemoteAtTheForkBlock() public view {
        assertEq(FEED.value(), 1);
        assertEq(block.number, b1);
        assertEq(block.chainid, 4242);
    }

    function test_RollForkMovesToAnotherBlock() public {
        vm.rollFork(b2);
        assertEq(FEED.value(), 2);
        assertEq(block.number, b2);
    }

    function test_ForksAreSeparateAndLocalWritesStayLocal() public {
        vm.store(address(FEED), 0, bytes32(uint256(9)));
        assertEq(FEED.value(), 9);
        uint256 other = vm.createSelectFork(vm.rpcUrl("remote"), b2);
        assertEq(vm.activeFork(), other);
        assertEq(FEED.value(), 2);
        vm.selectFork(first);
        assertEq(FEED.value(), 9);
        assertEq(block.number, b1);
    }

    function test_PersistentAccountsCrossForks() public {
        address keeper = address(0xbeef);
        vm.deal(keeper, 5);
        vm.makePersistent(keeper);
        assertTrue(vm.isPersistent(keeper));
        vm.createSelectFork(vm.rpcUrl("remote"), b2);
        assertEq(keeper.balance, 5);
    }

    function test_FailsWhereTheRemoteDisagrees() public view {
        assertEq(FEED.value(), 2, "block b1 holds 1");
    }
}
"#;

/// The remote for the fork tests: anvil (npm) on chain 4242, with a feed
/// whose value is 1 at the first block returned and 2 at the second, each
/// set by a transaction (a 32-byte call stores its word; any other call
/// returns the stored one).
async fn feed_remote() -> (slipway_testkit::Anvil, u64, u64) {
    let remote = slipway_testkit::Anvil::start(4242, &[]);
    let url = remote.url();
    rpc(
        &url,
        "anvil_setCode",
        json!([
            CONTRACT,
            "0x3660201460125760005460005260206000f35b60003560005500"
        ]),
    )
    .await;
    let mut blocks = Vec::new();
    for value in [1u64, 2] {
        let sent = rpc(
            &url,
            "eth_sendTransaction",
            json!([{ "from": DEV_ADDRESS, "to": CONTRACT, "data": format!("{value:#066x}") }]),
        )
        .await;
        assert!(sent.is_string(), "{sent}");
        rpc(&url, "anvil_mine", json!(["0x3"])).await;
        blocks.push(quantity(&rpc(&url, "eth_blockNumber", json!([])).await));
    }
    (remote, blocks[0], blocks[1])
}

/// Each test's verdict by name: `true` for a pass.
fn verdicts(json: &Value, forge: bool) -> std::collections::BTreeMap<String, bool> {
    let mut verdicts = std::collections::BTreeMap::new();
    if forge {
        for suite in json.as_object().expect("suites").values() {
            for (test, result) in suite["test_results"].as_object().expect("results") {
                verdicts.insert(test.clone(), result["status"] == "Success");
            }
        }
    } else {
        for contract in json["contracts"].as_array().expect("contracts") {
            for test in contract["tests"].as_array().expect("tests") {
                verdicts.insert(
                    test["signature"].as_str().expect("signature").to_owned(),
                    test["status"] == "pass",
                );
            }
        }
    }
    verdicts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forking_foundry_test_gives_forges_results_and_a_second_run_reads_the_cache() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (remote, b1, b2) = feed_remote().await;
    let relay = CountingRelay::start(&remote.url()).await;
    let dir = common::repository_copy(&tmp);
    std::fs::write(dir.join("contracts/test/Fork.t.sol"), FORK_TEST).expect("test file");
    common::append_config(
        &dir,
        "\n[environments.remote]\nchain_id = 4242\nrpc = [\"${REMOTE_URL}\"]\n",
    );
    let build = common::slipway(&dir)
        .args(["build", "--json"])
        .output()
        .expect("build");
    let build: Value = serde_json::from_slice(&build.stdout).expect("json");
    let solc = build["compiler"]["path"].as_str().expect("compiler path");
    std::fs::write(
        dir.join("foundry.toml"),
        format!(
            "[profile.default]\nsrc = \"contracts/src\"\ntest = \"contracts/test\"\nlibs = [\"node_modules\", \"contracts/lib\"]\nsolc = \"{solc}\"\noffline = true\nno_storage_caching = true\nremappings = [\"@openzeppelin/=node_modules/@openzeppelin/\", \"slipway-std/=contracts/lib/slipway-std/\", \"forge-std/=contracts/lib/slipway-std/\"]\n\n[rpc_endpoints]\nremote = \"${{REMOTE_URL}}\"\n"
        ),
    )
    .expect("foundry.toml");
    let slipway_run = || {
        let out = common::slipway(&dir)
            .args(["test", "--json", "--match-contract", "ForkTest"])
            .env("REMOTE_URL", relay.url())
            .env("FORK_B1", b1.to_string())
            .env("FORK_B2", b2.to_string())
            .output()
            .expect("slipway test");
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
    };
    let ours = verdicts(&slipway_run(), false);
    let forge = dir.join("node_modules/.bin/forge");
    let out = std::process::Command::new(&forge)
        .args([
            "test",
            "--json",
            "--offline",
            "--match-contract",
            "ForkTest",
        ])
        .current_dir(&dir)
        .env("REMOTE_URL", remote.url())
        .env("FORK_B1", b1.to_string())
        .env("FORK_B2", b2.to_string())
        .output()
        .expect("forge test");
    let theirs = verdicts(
        &serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "forge printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        }),
        true,
    );
    assert_eq!(ours.len(), 5, "{ours:?}");
    assert_eq!(ours, theirs);
    assert_eq!(
        ours.values().filter(|pass| !**pass).count(),
        1,
        "only the test written to fail fails: {ours:?}"
    );
    assert!(writes(&relay).is_empty(), "{:?}", writes(&relay));

    // Again: every slot and account comes from the disk cache.
    relay.reset();
    assert_eq!(verdicts(&slipway_run(), false), ours);
    assert_eq!(state_reads(&relay), 0, "{:?}", relay.requests());
}
