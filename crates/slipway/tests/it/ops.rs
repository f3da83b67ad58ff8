//! `slipway ops` and `slipway incident` as an operator uses them: on the
//! bundled bridge (pause levels, emergency mode, timelocked recovery and
//! recovery address, roles, the two-step admin handover) with the chain's
//! time moved by `slipway node`'s own controls; on plain OpenZeppelin
//! Pausable + AccessControl and Ownable2Step contracts and on one whose
//! functions only a mapping names; in a protected environment; and the
//! incident record, written through a crash. Every effect is checked on
//! the chain with a JSON-RPC call of its own, not with slipway's report.

use crate::common;

use std::{
    path::{Path, PathBuf},
    process::Output,
};

use alloy_primitives::{U256, hex, keccak256};
use common::{repository_copy, rpc, slipway, slipway_node};
use serde_json::{Value, json};

const DEPLOYER: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const GUARDIAN: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const RECOVERY: &str = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
/// Dev account 7: the `newadmin` signer of the ops test project.
const NEW_ADMIN: &str = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
/// Dev account 8: holds nothing.
const OUTSIDER: &str = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn run(dir: &Path, args: &[&str]) -> Output {
    slipway(dir)
        .args(args)
        .env("SLIPWAY_OFFLINE", "1")
        .env("USER", "ops-test")
        .output()
        .expect("slipway runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = run(dir, args);
    assert!(output.status.success(), "{args:?}: {}", text(&output));
    text(&output)
}

fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let output = run(dir, args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {}",
        text(&output)
    );
    text(&output)
}

fn address_of(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(dir.join(format!("deployments/development/{name}.json")))
        .expect("record");
    let record: Value = serde_json::from_str(&text).expect("json");
    record["address"].as_str().expect("address").to_owned()
}

fn word(address: &str) -> String {
    format!(
        "{:0>64}",
        address.trim_start_matches("0x").to_ascii_lowercase()
    )
}

/// `eth_call` of `signature` with `args` (ABI words, hex) at `to`: the
/// answer as a number.
async fn view(url: &str, to: &str, signature: &str, args: &[String]) -> U256 {
    let data = format!(
        "0x{}{}",
        hex::encode(&keccak256(signature)[..4]),
        args.concat()
    );
    let answer = rpc(
        url,
        "eth_call",
        json!([{ "to": to, "data": data }, "latest"]),
    )
    .await;
    let answer = answer.as_str().expect("an answer");
    U256::from_str_radix(answer.trim_start_matches("0x"), 16).expect("a number")
}

async fn balance(url: &str, account: &str) -> U256 {
    let answer = rpc(url, "eth_getBalance", json!([account, "latest"])).await;
    U256::from_str_radix(answer.as_str().expect("hex").trim_start_matches("0x"), 16)
        .expect("balance")
}

async fn head(url: &str) -> u64 {
    let answer = rpc(url, "eth_blockNumber", json!([])).await;
    u64::from_str_radix(answer.as_str().expect("hex").trim_start_matches("0x"), 16).expect("number")
}

async fn sender_of(url: &str, tx: &str) -> String {
    rpc(url, "eth_getTransactionByHash", json!([tx])).await["from"]
        .as_str()
        .expect("from")
        .to_ascii_lowercase()
}

/// Moves the chain's clock `seconds` ahead and mines a block there.
async fn travel(url: &str, seconds: u64) {
    rpc(url, "evm_increaseTime", json!([seconds])).await;
    rpc(url, "evm_mine", json!([])).await;
}

fn incident(dir: &Path, id: u32) -> Value {
    let shown = ok(dir, &["incident", "show", &id.to_string(), "--json"]);
    let json = shown.find('{').map(|start| &shown[start..]).expect("json");
    serde_json::Deserializer::from_str(json)
        .into_iter::<Value>()
        .next()
        .expect("a value")
        .expect("json")
}

fn entries<'a>(incident: &'a Value, kind: &str) -> Vec<&'a Value> {
    incident["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["entry"] == kind)
        .collect()
}

fn role(name: &str) -> String {
    hex::encode(keccak256(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridges_emergency_procedures_on_the_development_chain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    common::append_config(
        &dir,
        "\n[environments.development.signers]\nnewadmin = { kind = \"dev\", index = 7 }\n",
    );
    let (mut node, url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"]);
    let bridge = address_of(&dir, "Bridge");
    // 1 ETH locked by a deposit, for the recovery to send.
    ok(
        &dir,
        &[
            "send",
            "Bridge",
            "depositETH(uint256,address)",
            "138",
            OUTSIDER,
            "--value",
            "1000000000000000000",
        ],
    );
    let locked = balance(&url, &bridge).await;
    assert_eq!(locked, U256::from(10u128.pow(18)));

    // A dry run shows the state, the call and the guardian; sends nothing.
    let before = head(&url).await;
    let dry = ok(&dir, &["ops", "pause", "--level", "deposits", "--dry-run"]);
    assert!(dry.contains("pause: level 0: open"), "{dry}");
    assert!(dry.contains("Call: raisePauseLevel(1)"), "{dry}");
    assert!(
        dry.contains(&format!("Signs: guardian ({GUARDIAN})")),
        "{dry}"
    );
    assert!(dry.contains("nothing was sent"), "{dry}");
    assert_eq!(head(&url).await, before);

    // The guardian pauses deposits, directly.
    let paused = ok(
        &dir,
        &[
            "ops",
            "pause",
            "--level",
            "deposits",
            "--reason",
            "replayed message reported",
        ],
    );
    assert_eq!(
        view(&url, &bridge, "pauseLevel()", &[]).await,
        U256::from(1)
    );
    assert!(paused.contains("After:\n    block"), "{paused}");
    assert!(
        paused.contains("pause: level 1: deposits paused"),
        "{paused}"
    );
    let record = incident(&dir, 1);
    let sent = entries(&record, "sent");
    let pause_tx = sent[0]["tx"].as_str().expect("tx");
    assert_eq!(
        sender_of(&url, pause_tx).await,
        GUARDIAN.to_ascii_lowercase()
    );

    // Pausing to the same level again has nothing to do and sends nothing.
    let before = head(&url).await;
    let again = ok(&dir, &["ops", "pause", "--level", "deposits"]);
    assert!(again.contains("Nothing to do"), "{again}");
    assert_eq!(head(&url).await, before);

    // The admin lowers it again.
    ok(&dir, &["ops", "unpause"]);
    assert_eq!(view(&url, &bridge, "pauseLevel()", &[]).await, U256::ZERO);

    // Emergency mode: everything pauses; recovery waits for the timelock.
    ok(&dir, &["ops", "emergency", "activate", "--reason", "drill"]);
    assert_eq!(view(&url, &bridge, "emergency()", &[]).await, U256::from(1));
    assert_eq!(
        view(&url, &bridge, "pauseLevel()", &[]).await,
        U256::from(3)
    );
    let before = head(&url).await;
    let early = fails(&dir, &["ops", "recover", "--amount", "all"], 2);
    assert!(early.contains("recovery becomes possible at"), "{early}");
    assert!(
        early.contains("in 23 h 59 min") || early.contains("in 24 h 0 min"),
        "{early}"
    );
    assert_eq!(head(&url).await, before);
    assert_eq!(balance(&url, &bridge).await, locked);

    // A recovery-address change is refused by the bridge in emergency
    // mode: the revert is worded, nothing is mined.
    let refused = fails(&dir, &["ops", "recovery-address", "propose", OUTSIDER], 1);
    assert!(refused.contains("EmergencyActive"), "{refused}");

    // A day later the funds go to the recovery address.
    travel(&url, 86_400).await;
    let recovery_before = balance(&url, RECOVERY).await;
    ok(&dir, &["ops", "recover", "--amount", "all"]);
    assert_eq!(balance(&url, &bridge).await, U256::ZERO);
    assert_eq!(balance(&url, RECOVERY).await, recovery_before + locked);

    ok(&dir, &["ops", "emergency", "deactivate"]);
    assert_eq!(view(&url, &bridge, "emergency()", &[]).await, U256::ZERO);

    // A new recovery address, pending for 24 h.
    ok(&dir, &["ops", "recovery-address", "propose", OUTSIDER]);
    let status = ok(&dir, &["ops", "status"]);
    assert!(
        status.contains(&format!(
            "recovery address: {RECOVERY}; {OUTSIDER} takes effect"
        )),
        "{status}"
    );

    // Roles: granted, and DEFAULT_ADMIN_ROLE routed to the admin handover.
    ok(&dir, &["ops", "roles", "grant", "GUARDIAN_ROLE", OUTSIDER]);
    assert_eq!(
        view(
            &url,
            &bridge,
            "hasRole(bytes32,address)",
            &[role("GUARDIAN_ROLE"), word(OUTSIDER)]
        )
        .await,
        U256::from(1)
    );
    let admin_grant = fails(
        &dir,
        &["ops", "roles", "grant", "DEFAULT_ADMIN_ROLE", OUTSIDER],
        2,
    );
    assert!(admin_grant.contains("ops admin transfer"), "{admin_grant}");
    ok(&dir, &["ops", "roles", "revoke", "GUARDIAN_ROLE", OUTSIDER]);
    assert_eq!(
        view(
            &url,
            &bridge,
            "hasRole(bytes32,address)",
            &[role("GUARDIAN_ROLE"), word(OUTSIDER)]
        )
        .await,
        U256::ZERO
    );

    // The admin handover: begun, too early to accept, accepted a day later.
    ok(&dir, &["ops", "admin", "transfer", NEW_ADMIN]);
    let early = fails(&dir, &["ops", "admin", "accept", "--signer", "newadmin"], 2);
    assert!(early.contains("becomes possible at"), "{early}");
    travel(&url, 86_401).await;
    ok(&dir, &["ops", "admin", "accept", "--signer", "newadmin"]);
    assert_eq!(
        view(&url, &bridge, "defaultAdmin()", &[]).await,
        U256::from_str_radix(NEW_ADMIN.trim_start_matches("0x"), 16).expect("address")
    );

    // One incident holds it all, in order, each action with its state
    // before and after, its signer and its reason.
    let record = incident(&dir, 1);
    let actions = entries(&record, "action");
    let done = entries(&record, "done");
    assert_eq!(actions.len(), 11, "{record:#}");
    assert_eq!(actions[0]["reason"], "replayed message reported");
    assert_eq!(actions[0]["route"]["signer"], "guardian");
    assert_eq!(actions[0]["before"]["pause"]["level"], 0);
    assert_eq!(done[0]["after"]["pause"]["level"], 1);
    assert_eq!(done[0]["outcome"]["tx"], pause_tx);
    assert_eq!(actions[1]["route"]["signer"], "deployer");
    assert_eq!(
        actions[1]["route"]["address"]
            .as_str()
            .map(str::to_lowercase),
        Some(DEPLOYER.to_lowercase())
    );
    assert_eq!(done[3]["outcome"]["kind"], "reverted");
    let opened = entries(&record, "opened");
    assert_eq!(opened[0]["by"], "ops-test");
    let twin = std::fs::read_to_string(dir.join("incidents/development/incident-0001.md"))
        .expect("markdown twin");
    assert!(twin.contains("### 1. pause (deposits paused)"), "{twin}");
    assert!(twin.contains("- Why: replayed message reported"), "{twin}");
    node.kill().expect("kill node");
    node.wait().expect("node exits");
}

/// The ops test project (`tests/data/ops`) deployed on its development
/// chain.
fn ops_project(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = tmp.path().join("p");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ops");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(&data)
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(status.success());
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules"),
        dir.join("node_modules"),
    )
    .expect("node_modules");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openzeppelin_contracts_and_a_mapped_one_are_operated_out_of_the_box() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = ops_project(&tmp);
    let (mut node, url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"]);
    let vault = address_of(&dir, "Vault");
    let owned = address_of(&dir, "Owned");
    let halting = address_of(&dir, "Halting");

    // Two contracts can pause: the command says which, and asks.
    let which = fails(&dir, &["ops", "pause"], 2);
    assert!(
        which.contains("name one with --contract (Halting, Vault)"),
        "{which}"
    );
    let level = fails(
        &dir,
        &["ops", "pause", "--contract", "Vault", "--level", "deposits"],
        2,
    );
    assert!(level.contains("all or nothing"), "{level}");
    let none = fails(&dir, &["ops", "emergency", "activate"], 2);
    assert!(none.contains("no contract recorded"), "{none}");

    // Pausable + AccessControl: the guardian (PAUSER_ROLE) pauses, the
    // admin resumes.
    ok(&dir, &["ops", "pause", "--contract", "Vault"]);
    assert_eq!(view(&url, &vault, "paused()", &[]).await, U256::from(1));
    ok(&dir, &["ops", "unpause", "--contract", "Vault"]);
    assert_eq!(view(&url, &vault, "paused()", &[]).await, U256::ZERO);
    ok(
        &dir,
        &[
            "ops",
            "roles",
            "grant",
            "KEEPER_ROLE",
            OUTSIDER,
            "--contract",
            "Vault",
        ],
    );
    assert_eq!(
        view(
            &url,
            &vault,
            "hasRole(bytes32,address)",
            &[role("KEEPER_ROLE"), word(OUTSIDER)]
        )
        .await,
        U256::from(1)
    );
    let status = ok(&dir, &["ops", "status", "--contract", "Vault"]);
    assert!(
        status.contains(&format!("KEEPER_ROLE: {OUTSIDER}")),
        "{status}"
    );
    // Plain AccessControl has no single admin to hand over.
    let handover = fails(
        &dir,
        &["ops", "admin", "transfer", OUTSIDER, "--contract", "Vault"],
        2,
    );
    assert!(handover.contains("no single admin"), "{handover}");

    // The mapped contract pauses through its own function; a second pause
    // has nothing to do.
    ok(&dir, &["ops", "pause", "--contract", "Halting"]);
    assert_eq!(view(&url, &halting, "halted()", &[]).await, U256::from(1));
    let again = ok(&dir, &["ops", "pause", "--contract", "Halting"]);
    assert!(
        again.contains("Nothing to do: it already is paused"),
        "{again}"
    );

    // Ownable2Step: begun, cancelled, begun again, accepted by the new owner.
    ok(&dir, &["ops", "admin", "transfer", NEW_ADMIN]);
    assert_eq!(
        view(&url, &owned, "pendingOwner()", &[]).await,
        U256::from_str_radix(NEW_ADMIN.trim_start_matches("0x"), 16).expect("address")
    );
    ok(&dir, &["ops", "admin", "cancel"]);
    assert_eq!(view(&url, &owned, "pendingOwner()", &[]).await, U256::ZERO);
    ok(&dir, &["ops", "admin", "transfer", NEW_ADMIN]);
    let wrong = fails(&dir, &["ops", "admin", "accept"], 1);
    assert!(wrong.contains("OwnableUnauthorizedAccount"), "{wrong}");
    ok(&dir, &["ops", "admin", "accept", "--signer", "newadmin"]);
    assert_eq!(
        view(&url, &owned, "owner()", &[]).await,
        U256::from_str_radix(NEW_ADMIN.trim_start_matches("0x"), 16).expect("address")
    );
    node.kill().expect("kill node");
    node.wait().expect("node exits");
}

#[test]
fn incidents_are_opened_noted_linked_and_closed_and_survive_a_crash_mid_write() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = ops_project(&tmp);
    let opened = ok(
        &dir,
        &[
            "incident",
            "open",
            "--severity",
            "critical",
            "bridge",
            "drained?",
        ],
    );
    assert!(opened.starts_with("1\n"), "{opened}");
    ok(
        &dir,
        &["incident", "note", "validators", "report", "a", "replay"],
    );
    ok(
        &dir,
        &[
            "incident",
            "link",
            "--reference",
            "https://example.org/ticket/7",
            "--note",
            "the ticket",
        ],
    );
    // Killed halfway through writing a note: the earlier entries stay, the
    // log reads, and the next note is written after them.
    let killed = slipway(&dir)
        .args(["incident", "note", "half", "written"])
        .env("SLIPWAY_FAILPOINT_INCIDENT", "torn:1")
        .output()
        .expect("runs");
    assert!(!killed.status.success());
    let raw = std::fs::read_to_string(dir.join("incidents/development/incident-0001.jsonl"))
        .expect("log");
    assert!(!raw.ends_with('\n'), "the torn line is there: {raw}");
    let record = incident(&dir, 1);
    assert_eq!(record["entries"].as_array().expect("entries").len(), 3);
    ok(&dir, &["incident", "note", "written", "whole"]);
    let record = incident(&dir, 1);
    let notes = entries(&record, "note");
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[1]["text"], "written whole");
    // Closed: no more notes; the list says so.
    ok(&dir, &["incident", "close", "--summary", "a false alarm"]);
    let closed = fails(&dir, &["incident", "note", "--incident", "1", "late"], 2);
    assert!(closed.contains("is closed"), "{closed}");
    let none_open = fails(&dir, &["incident", "note", "late"], 2);
    assert!(
        none_open.contains("no incident of `development` is open"),
        "{none_open}"
    );
    let list = ok(&dir, &["incident", "list"]);
    assert!(
        list.contains("critical") && list.contains("closed"),
        "{list}"
    );
    let twin =
        std::fs::read_to_string(dir.join("incidents/development/incident-0001.md")).expect("twin");
    assert!(twin.contains("## Summary\n\na false alarm"), "{twin}");
    assert!(twin.contains("note by ops-test: written whole"), "{twin}");
    assert!(!twin.contains("half written"), "{twin}");
}

/// Sends `signature(args)` to `to` from `from` straight through the node's
/// JSON-RPC (eth_sendTransaction): a change made outside slipway.
async fn outside_send(url: &str, from: &str, to: &str, signature: &str, args: &[String]) {
    let data = format!(
        "0x{}{}",
        hex::encode(&keccak256(signature)[..4]),
        args.concat()
    );
    let hash = rpc(
        url,
        "eth_sendTransaction",
        json!([{
            "from": from,
            "to": to,
            "data": data,
            "gas": "0x100000",
            "maxFeePerGas": "0x2540be400",
            "maxPriorityFeePerGas": "0x3b9aca00",
        }]),
    )
    .await;
    let receipt = rpc(url, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["status"], "0x1", "{signature}: {receipt}");
}

/// Dev account 9: stands for the environment's Safe in the roles policy.
const SAFE: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_roles_drift_from_the_policy_is_found_with_grants_made_outside_slipway() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = ops_project(&tmp);
    let (mut node, url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"]);
    let vault = address_of(&dir, "Vault");
    let safe_timelock = address_of(&dir, "SafeTimelock");
    let loose_timelock = address_of(&dir, "LooseTimelock");
    // Without a policy, development allows what it finds.
    let listed = ok(&dir, &["roles"]);
    assert!(listed.contains(&format!("PAUSER_ROLE (administered by DEFAULT_ADMIN_ROLE):\n        {GUARDIAN} (EOA), since block 1")), "{listed}");
    assert!(listed.contains("No drift"), "{listed}");
    assert!(
        listed.contains(&format!("owner: {DEPLOYER} (EOA), since block 2")),
        "{listed}"
    );
    // The static review beside them: what each role may call, who holds it.
    let reviewed = run(&dir, &["roles", "--with-review", "--json"]);
    assert!(reviewed.status.success(), "{}", text(&reviewed));
    let reviewed: Value = serde_json::from_slice(&reviewed.stdout).expect("json");
    let row = |contract: &str, who: &str| {
        reviewed["review"]
            .as_array()
            .expect("review")
            .iter()
            .find(|r| r["contract"] == contract && r["who"] == who)
            .cloned()
            .unwrap_or_else(|| panic!("no row for {contract} {who}: {reviewed:#}"))
    };
    let pauser = row("Vault", "PAUSER_ROLE");
    assert_eq!(pauser["functions"], json!(["pause()"]));
    assert_eq!(
        pauser["holders"][0]["account"]
            .as_str()
            .map(str::to_lowercase),
        Some(GUARDIAN.to_lowercase())
    );
    let admin = row("Vault", "DEFAULT_ADMIN_ROLE");
    assert!(
        admin["functions"]
            .as_array()
            .expect("functions")
            .contains(&json!("unpause()")),
        "{admin}"
    );
    assert_eq!(row("Vault", "KEEPER_ROLE")["holders"], json!([]));
    let owner = row("Owned", "owner()");
    assert!(
        owner["functions"]
            .as_array()
            .expect("functions")
            .contains(&json!("transferOwnership(address)")),
        "{owner}"
    );

    // Changes made outside slipway: a keeper nobody listed, the only pauser
    // gone, the admin role handed to both timelocks.
    let default_admin = "00".repeat(32);
    for (signature, args) in [
        (
            "grantRole(bytes32,address)",
            [role("KEEPER_ROLE"), word(OUTSIDER)],
        ),
        (
            "revokeRole(bytes32,address)",
            [role("PAUSER_ROLE"), word(GUARDIAN)],
        ),
        (
            "grantRole(bytes32,address)",
            [default_admin.clone(), word(&safe_timelock)],
        ),
        (
            "grantRole(bytes32,address)",
            [default_admin.clone(), word(&loose_timelock)],
        ),
        (
            "revokeRole(bytes32,address)",
            [default_admin.clone(), word(DEPLOYER)],
        ),
    ] {
        outside_send(&url, DEPLOYER, &vault, signature, &args).await;
    }
    common::append_config(
        &dir,
        &format!(
            "\n[environments.development]\nmultisig = {{ safe = \"{SAFE}\", threshold = 1 }}\n\n\
                 [roles]\nadmin = \"safe\"\neoa_admins = false\n[roles.min]\nPAUSER_ROLE = 1\n\
                 [roles.only]\nKEEPER_ROLE = [\"${{KEEPER}}\", \"safe\"]\n"
        ),
    );
    let sarif = dir.join("roles.sarif");
    let drift = slipway(&dir)
        .args(["roles", "--json", "--sarif"])
        .arg(&sarif)
        .env("KEEPER", GUARDIAN)
        .output()
        .expect("runs");
    assert_eq!(drift.status.code(), Some(1), "{}", text(&drift));
    let report: Value = serde_json::from_slice(&drift.stdout).expect("json");
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().expect("id").to_owned(),
                f["contract"].as_str().expect("contract").to_owned(),
            )
        })
        .collect();
    found.sort();
    let expected: Vec<(String, String)> = [
        ("roles-admin-not-safe", "LooseTimelock"),
        ("roles-admin-not-safe", "Owned"),
        ("roles-admin-not-safe", "Vault"),
        ("roles-eoa-admin", "Owned"),
        ("roles-too-few", "Vault"),
        ("roles-unlisted-holder", "Vault"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(found, expected, "{report:#}");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with("Vault:")
            && m.to_lowercase().contains(&loose_timelock.to_lowercase())),
        "the loose timelock is named: {messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains(OUTSIDER) && m.contains("KEEPER_ROLE (granted in block")),
        "{messages:?}"
    );
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    assert!(results.iter().all(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("deployments/development/"))
    }));
    // A listed account that cannot be read is an error, not a drift.
    let unreadable = fails(&dir, &["roles"], 2);
    assert!(
        unreadable.contains("[roles.only] KEEPER_ROLE"),
        "{unreadable}"
    );
    assert!(unreadable.contains("KEEPER"), "{unreadable}");
    node.kill().expect("kill node");
    node.wait().expect("node exits");
}
