//! `slipway deploy` end to end on a small project (a linked library,
//! constructor arguments, CREATE2, calls between contracts): deployed and
//! run again with nothing sent; a crash after every journal record resumed
//! with nothing lost and nothing sent twice; a changed contract shown and
//! redeployed only when asked; a journal from another chain refused until
//! `--reset`; plan errors located by file, line and step.

use crate::common;

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256, Bytes, hex, keccak256};
use common::{node, node_with, rpc, slipway};
use serde_json::{Value, json};

/// Dev account 0 of the public test mnemonic.
const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The fixture project, copied to `tmp/p` and built.
pub(crate) fn project(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = tmp.path().join("p");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deploy"),
        &dir,
    );
    slipway(&dir).arg("build").assert().success();
    dir
}

fn record(dir: &Path, env: &str, name: &str) -> Value {
    let path = dir.join(format!("deployments/{env}/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("record")).expect("json")
}

fn address_of(record: &Value) -> Address {
    record["address"]
        .as_str()
        .expect("address")
        .parse()
        .expect("an address")
}

fn journal_lines(dir: &Path, env: &str) -> usize {
    std::fs::read_to_string(dir.join(format!("deployments/{env}/app.journal.jsonl")))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// `slipway deploy --env staging` against `url`.
fn staging(dir: &Path, url: &str) -> assert_cmd::Command {
    let mut cmd = slipway(dir);
    cmd.args(["deploy", "--env", "staging"])
        .env("NODE_URL", url)
        .env("DEPLOYER_KEY", DEV_KEY)
        .env_remove(slipway_deploy::FAILPOINT_VAR);
    cmd
}

/// `slipway call ARGS…` on the development chain; its output.
fn call(dir: &Path, args: &[&str]) -> String {
    let out = slipway(dir).arg("call").args(args).output().expect("call");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The address the Registry holds under keccak256("VAULT").
fn registered_vault(dir: &Path) -> Address {
    let key = B256::from(keccak256("VAULT")).to_string();
    call(dir, &["Registry", "entries", &key])
        .parse()
        .expect("an address")
}

/// Replaces `from` (which must be there) by `to` in a file.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replace(from, to)).expect("write");
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_links_uses_create2_and_a_second_run_sends_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    slipway(&dir).arg("deploy").assert().success();

    let fees = record(&dir, "development", "Fees");
    let vault = record(&dir, "development", "Vault");
    let registry = record(&dir, "development", "Registry");
    // Linked: the record names the library, and the library's code runs.
    assert_eq!(vault["libraries"]["Fees"], fees["address"]);
    assert_eq!(call(&dir, &["Vault", "net", "10000"]), "9975");
    // Constructor arguments as given, ABI-encoded in the record.
    assert_eq!(vault["args"], json!([DEV_ADDRESS, "25"]));
    let encoded: Bytes = vault["constructorArgs"]
        .as_str()
        .expect("hex")
        .parse()
        .expect("bytes");
    assert_eq!(encoded.len(), 64);
    assert_eq!(encoded[63], 25);

    // CREATE2: the address computed independently from the artifact.
    let artifact: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("out/Registry.sol/Registry.json")).expect("artifact"),
    )
    .expect("json");
    let init: Bytes = artifact["bytecode"]["object"]
        .as_str()
        .expect("bytecode")
        .parse()
        .expect("hex");
    let salt = keccak256("registry-v1");
    let proxy: Address = "0x4e59b44847b379578588920ca78fbf26c0b4956c"
        .parse()
        .expect("proxy");
    assert_eq!(address_of(&registry), proxy.create2_from_code(salt, &init));

    // The calls after the deploys: the registry holds the vault.
    assert_eq!(registered_vault(&dir), address_of(&vault));

    // Again: nothing to send, the journal does not grow.
    let lines = journal_lines(&dir, "development");
    let again = slipway(&dir).arg("deploy").output().expect("deploy");
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("nothing to send"),
        "{}",
        stderr(&again)
    );
    assert_eq!(journal_lines(&dir, "development"), lines);
    let listed = slipway(&dir)
        .args(["deployments", "--json"])
        .output()
        .expect("list");
    let listed: Value = serde_json::from_slice(&listed.stdout).expect("json");
    let names: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["Fees", "Registry", "Vault"]);
}

/// Records without what differs between two runs on two chains by design
/// (transaction hashes and blocks).
/// The records, less what differs between two chains made alike (each
/// run below starts a new chain): hashes, blocks and the genesis.
fn comparable(dir: &Path, env: &str) -> Vec<Value> {
    ["Fees", "Registry", "Vault"]
        .iter()
        .map(|name| {
            let mut r = record(dir, env, name);
            let fields = r.as_object_mut().expect("object");
            for varying in ["transactionHash", "block", "genesis"] {
                fields.remove(varying);
            }
            r
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_any_journal_record_is_finished_by_the_next_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let state = tmp.path().join("chain");

    // The uninterrupted run everything is compared with.
    let reference_node = node(&state, 1337).await;
    staging(&dir, &reference_node.url).assert().success();
    let reference = comparable(&dir, "staging");
    let total = journal_lines(&dir, "staging");
    let sent = rpc(
        &reference_node.url,
        "eth_getTransactionCount",
        json!([DEV_ADDRESS, "latest"]),
    )
    .await;
    reference_node.stop().await;
    assert_eq!(sent, json!("0x5"), "five transactions in the plan");
    assert!(
        total > 10,
        "begin + sent/included/confirmed per step: {total}"
    );

    for crash_after in 1..=total {
        std::fs::remove_dir_all(dir.join("deployments")).expect("clean");
        let chain = node(&state, 1337).await;
        let crashed = staging(&dir, &chain.url)
            .env(slipway_deploy::FAILPOINT_VAR, crash_after.to_string())
            .output()
            .expect("run");
        assert!(
            !crashed.status.success(),
            "the fail-point stops it at record {crash_after}"
        );
        assert_eq!(journal_lines(&dir, "staging"), crash_after);

        let resumed = staging(&dir, &chain.url).output().expect("resume");
        assert!(
            resumed.status.success(),
            "resume after record {crash_after}: {}",
            stderr(&resumed)
        );
        let count = rpc(
            &chain.url,
            "eth_getTransactionCount",
            json!([DEV_ADDRESS, "latest"]),
        )
        .await;
        assert_eq!(
            count, sent,
            "no duplicate after a crash at record {crash_after}"
        );
        assert_eq!(
            comparable(&dir, "staging"),
            reference,
            "records after a crash at record {crash_after}"
        );
        // Nothing skipped: the last call's effect is there.
        let vault = address_of(&record(&dir, "staging", "Vault"));
        let registry = rpc(
            &chain.url,
            "eth_call",
            json!([{ "to": vault, "data": "0x7b103999" }, "latest"]),
        )
        .await;
        assert_eq!(
            registry.as_str().map(|r| r[26..].to_owned()),
            Some(hex::encode(address_of(&record(
                &dir, "staging", "Registry"
            )))),
            "vault.registry() after a crash at record {crash_after}"
        );
        chain.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_contract_is_shown_and_redeployed_only_when_asked() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    slipway(&dir).arg("deploy").assert().success();
    let first = address_of(&record(&dir, "development", "Vault"));

    edit(
        &dir.join("contracts/src/Vault.sol"),
        "    address public registry;",
        "    address public registry;\n    uint256 public constant VERSION = 2;",
    );
    let lines = journal_lines(&dir, "development");
    let refused = slipway(&dir).arg("deploy").output().expect("deploy");
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(message.contains("step `Vault` is done"), "{message}");
    assert!(message.contains("bytecode: 0x"), "{message}");
    assert!(message.contains("--redeploy Vault"), "{message}");
    assert_eq!(journal_lines(&dir, "development"), lines, "nothing sent");

    let redeployed = slipway(&dir)
        .args(["deploy", "--redeploy", "Vault"])
        .output()
        .expect("deploy");
    assert!(redeployed.status.success(), "{}", stderr(&redeployed));
    let second = address_of(&record(&dir, "development", "Vault"));
    assert_ne!(first, second, "a new Vault");
    // Its dependents ran again: the registry points at the new one.
    assert_eq!(registered_vault(&dir), second);
    assert_eq!(call(&dir, &["Vault", "VERSION"]), "2");

    // Unchanged steps are not redeployed on request.
    let unchanged = slipway(&dir)
        .args(["deploy", "--redeploy", "Fees"])
        .output()
        .expect("deploy");
    assert!(!unchanged.status.success());
    assert!(
        stderr(&unchanged).contains("unchanged"),
        "{}",
        stderr(&unchanged)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_from_another_chain_is_refused_until_reset() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let first = node(&tmp.path().join("a"), 1337).await;
    staging(&dir, &first.url).assert().success();
    first.stop().await;

    // A new chain behind the same URL variable: the journal's chain is gone.
    let second = node(&tmp.path().join("b"), 1337).await;
    let refused = staging(&dir, &second.url).output().expect("deploy");
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(message.contains("no longer exists"), "{message}");
    assert!(message.contains("--reset"), "{message}");
    let count = rpc(
        &second.url,
        "eth_getTransactionCount",
        json!([DEV_ADDRESS, "latest"]),
    )
    .await;
    assert_eq!(count, json!("0x0"), "nothing sent to the new chain");

    // The records of the first chain are refused by every reader, not only
    // by the journal.
    for args in [
        vec!["call", "Vault", "net(uint256)(uint256)", "1000"],
        vec!["verify", "--no-etherscan", "--no-sourcify"],
    ] {
        let out = slipway(&dir)
            .args(&args)
            .args(["--env", "staging"])
            .env("NODE_URL", &second.url)
            .output()
            .expect("run");
        let message = stderr(&out);
        assert!(!out.status.success(), "{args:?}: {message}");
        assert!(
            message.contains("was written on chain 1337 (genesis")
                && message.contains("no longer exists here"),
            "{args:?}: {message}"
        );
    }

    staging(&dir, &second.url).arg("--reset").assert().success();
    let kept: Vec<String> = std::fs::read_dir(dir.join("deployments/staging"))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".old"))
        .collect();
    assert_eq!(kept.len(), 1, "the old journal is kept aside: {kept:?}");
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_that_sent_nothing_pins_the_journal_to_no_signer() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let chain = node(&tmp.path().join("chain"), 1337).await;
    // A key with no money: refused before anything is sent.
    let poor = "0x00000000000000000000000000000000000000000000000000000000000000aa";
    let refused = staging(&dir, &chain.url)
        .env("DEPLOYER_KEY", poor)
        .output()
        .expect("deploy");
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(
        message.to_lowercase().contains("insufficient") || message.contains("cannot pay"),
        "{message}"
    );
    // The rerun with the funded key needs no --reset.
    staging(&dir, &chain.url).assert().success();
    assert!(journal_lines(&dir, "staging") > 0);
    chain.stop().await;
}

#[test]
fn plan_errors_name_the_file_line_and_step() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    std::fs::write(
        dir.join("deploy/broken.toml"),
        r#"[[step]]
deploy = "Valt"

[[step]]
id = "Vault"
deploy = "Vault"
args = ["@deployer"]

[[step]]
id = "typed"
deploy = "Vault"
args = ["@deployer", "a lot"]
libraries = { Fees = "@Fees" }

[[step]]
id = "ghost"
call = "set"
to = "@Nowhere"
args = ["role:X", "@deployer"]

[[step]]
id = "a"
call = "set(bytes32,address)"
to = "@deployer"
args = ["role:A", "@deployer"]
after = ["b"]

[[step]]
id = "b"
call = "set(bytes32,address)"
to = "@deployer"
args = ["role:B", "@deployer"]
after = ["a"]
"#,
    )
    .expect("plan");
    let out = slipway(&dir)
        .args(["deploy", "--dry-run", "--plan", "broken"])
        .output()
        .expect("deploy");
    assert!(!out.status.success());
    let message = stderr(&out);
    for expected in [
        "deploy/broken.toml:1: step `Valt`: no artifact `Valt` in the build (did you mean",
        "deploy/broken.toml:4: step `Vault`: contracts/src/Vault.sol:Vault needs library contracts/src/Fees.sol:Fees",
        "deploy/broken.toml:4: step `Vault`: takes 2 arguments (address owner_, uint16 feeBps_), 1 given",
        "deploy/broken.toml:9: step `typed`: `@Fees` is not defined",
        "deploy/broken.toml:15: step `ghost`: `@Nowhere` is not defined",
        "deploy/broken.toml:21: step `a`: the steps form a cycle: a → b → a",
    ] {
        assert!(
            message.contains(expected),
            "missing `{expected}` in:\n{message}"
        );
    }
    assert_eq!(
        message.matches("@Nowhere").count(),
        1,
        "reported once:\n{message}"
    );
    // A type error is reported where the references are all defined.
    std::fs::write(
        dir.join("deploy/typed.toml"),
        "[[step]]\ndeploy = \"Fees\"\n\n[[step]]\ndeploy = \"Vault\"\nargs = [\"@deployer\", \"a lot\"]\nlibraries = { Fees = \"@Fees\" }\n",
    )
    .expect("plan");
    let typed = slipway(&dir)
        .args(["deploy", "--dry-run", "--plan", "typed"])
        .output()
        .expect("deploy");
    assert!(!typed.status.success());
    assert!(
        stderr(&typed).contains(
            "deploy/typed.toml:4: step `Vault`: argument 2 (feeBps_): `a lot` is not a uint16"
        ),
        "{}",
        stderr(&typed)
    );
    assert!(
        !dir.join("deployments").exists(),
        "nothing written for a plan that does not check"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_bump_is_journaled_and_the_record_names_the_replacement() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    edit(
        &dir.join("slipway.toml"),
        "confirmations = 1\n",
        "confirmations = 1\nfees = { bump_after = \"300ms\", bump_limit = 20 }\n",
    );
    std::fs::write(
        dir.join("deploy/one.toml"),
        "[[step]]\ndeploy = \"Registry\"\n",
    )
    .expect("plan");
    // Blocks only when the test mines one: the deploy must re-price.
    let chain = node_with(
        &tmp.path().join("chain"),
        1337,
        slipway_devnet::Mining::Manual,
    )
    .await;
    let mut deploy = std::process::Command::new(assert_cmd::cargo::cargo_bin("slipway"))
        .args(["--root"])
        .arg(&dir)
        .args([
            "--color", "never", "deploy", "--env", "staging", "--plan", "one",
        ])
        .env("NODE_URL", &chain.url)
        .env("DEPLOYER_KEY", DEV_KEY)
        .env_remove(slipway_deploy::FAILPOINT_VAR)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let journal = dir.join("deployments/staging/one.journal.jsonl");
    let mut bumped = false;
    for _ in 0..400 {
        if std::fs::read_to_string(&journal).is_ok_and(|t| t.contains("\"record\":\"bumped\"")) {
            bumped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(bumped, "no bump journaled within 20 s");
    let mut status = None;
    for _ in 0..400 {
        rpc(&chain.url, "evm_mine", json!([])).await;
        if let Some(done) = deploy.try_wait().expect("wait") {
            status = Some(done);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let status = status.expect("the deploy finished once blocks came");
    assert!(status.success());
    let records: Vec<Value> = std::fs::read_to_string(&journal)
        .expect("journal")
        .lines()
        // `CRC SEQ PREV JSON`
        .map(|l| serde_json::from_str(l.splitn(4, ' ').nth(3).expect("a record")).expect("record"))
        .collect();
    let kinds: Vec<&str> = records
        .iter()
        .filter_map(|r| r["record"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"begin"));
    assert_eq!(kinds[1], "sent");
    assert!(
        kinds.contains(&"bumped") && kinds.ends_with(&["included", "confirmed"]),
        "{kinds:?}"
    );
    let included = records
        .iter()
        .find(|r| r["record"] == "included")
        .expect("included");
    let recorded = record(&dir, "staging", "Registry");
    assert_eq!(recorded["transactionHash"], included["hash"]);
    // What landed is one of the versions the journal announced before it left.
    let announced: Vec<&Value> = records
        .iter()
        .filter(|r| r["record"] == "bumped")
        .map(|r| &r["hash"])
        .chain(records.iter().filter_map(|r| r["tx"]["hashes"].get(0)))
        .collect();
    assert!(announced.contains(&&included["hash"]), "{announced:?}");
    let count = rpc(
        &chain.url,
        "eth_getTransactionCount",
        json!([DEV_ADDRESS, "latest"]),
    )
    .await;
    assert_eq!(
        count,
        json!("0x1"),
        "one transaction, however many versions"
    );
    chain.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journaled_transaction_whose_nonce_went_elsewhere_is_signed_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let chain = node(&tmp.path().join("chain"), 1337).await;
    // Killed right after journaling the first step's transaction, unsent.
    let crashed = staging(&dir, &chain.url)
        .env(slipway_deploy::FAILPOINT_VAR, "2")
        .output()
        .expect("run");
    assert!(!crashed.status.success());
    // Meanwhile the deployer's key sends something else with that nonce.
    slipway(&dir)
        .args(["send", "--env", "staging", "--value", "1"])
        .arg("0x00000000000000000000000000000000000b0b00")
        .arg("ping()")
        .env("NODE_URL", &chain.url)
        .env("DEPLOYER_KEY", DEV_KEY)
        .assert()
        .success();
    let resumed = staging(&dir, &chain.url).output().expect("resume");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    // The step was signed again at the next nonce: Fees is CREATE's address
    // for nonce 1, and the plan's five transactions follow the outside one.
    let deployer: Address = DEV_ADDRESS.parse().expect("address");
    assert_eq!(
        address_of(&record(&dir, "staging", "Fees")),
        deployer.create(1)
    );
    let count = rpc(
        &chain.url,
        "eth_getTransactionCount",
        json!([DEV_ADDRESS, "latest"]),
    )
    .await;
    assert_eq!(count, json!("0x6"));
    let net = staging_call(&dir, &chain.url, &["call", "Vault", "net", "10000"]);
    assert_eq!(net, "9975");
    chain.stop().await;
}

/// `slipway call --env staging …` against `url`; its output.
fn staging_call(dir: &Path, url: &str, args: &[&str]) -> String {
    let out = slipway(dir)
        .args(args)
        .args(["--env", "staging"])
        .env("NODE_URL", url)
        .output()
        .expect("call");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A journal emptied to 0 bytes, or to its `begin` record alone, is
/// refused: its head marker says more was written (and without the marker,
/// the records say the plan ran, and the missing steps are named) —
/// without the check every call step was sent again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emptied_journal_is_refused_while_records_hold_its_steps() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let chain = node(&tmp.path().join("chain"), 1337).await;
    staging(&dir, &chain.url).assert().success();
    let sent = common::nonce(&chain.url, DEV_ADDRESS).await;
    let path = dir.join("deployments/staging/app.journal.jsonl");
    let full = std::fs::read_to_string(&path).expect("journal");
    let begin = full.lines().next().expect("a begin record").to_owned() + "\n";
    let head = dir.join("deployments/staging/app.journal.jsonl.head");
    let marker = std::fs::read(&head).expect("the journal's head marker");
    for emptied in [String::new(), begin] {
        std::fs::write(&path, &emptied).expect("empty the journal");
        std::fs::write(&head, &marker).expect("the marker as it was");
        let refused = staging(&dir, &chain.url).output().expect("deploy");
        assert!(!refused.status.success());
        let message = stderr(&refused);
        assert!(
            message.contains("records were lost from its end") && message.contains("--reset"),
            "{message}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("journal"),
            emptied,
            "left as it was"
        );
        // Without its marker too: the records show the steps it lost.
        std::fs::remove_file(&head).expect("remove the marker");
        let refused = staging(&dir, &chain.url).output().expect("deploy");
        assert!(!refused.status.success());
        let message = stderr(&refused);
        assert!(
            message.contains("the journal has no record of them")
                && message.contains("Registry")
                && message.contains("--reset"),
            "{message}"
        );
        assert_eq!(
            common::nonce(&chain.url, DEV_ADDRESS).await,
            sent,
            "nothing sent"
        );
    }
    // Its records in reversed order: refused, naming the first bad line
    // (each record carries its number; the order of records written in
    // the wrong order is checked too, by the journal's own tests).
    let reversed: Vec<&str> = full.lines().rev().collect();
    std::fs::write(&path, reversed.join("\n") + "\n").expect("reverse");
    let refused = staging(&dir, &chain.url).output().expect("deploy");
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("line 1: record number")
            && stderr(&refused).contains("out of order"),
        "{}",
        stderr(&refused)
    );
    // A step's confirmation before its sending, further down.
    let mut lines: Vec<&str> = full.lines().collect();
    let sent_line = lines
        .iter()
        .position(|l| l.contains("\"sent\""))
        .expect("a sent record");
    let confirmed_line = lines
        .iter()
        .position(|l| l.contains("\"confirmed\""))
        .expect("a confirmed record");
    lines.swap(sent_line, confirmed_line);
    std::fs::write(&path, lines.join("\n") + "\n").expect("swap");
    let refused = staging(&dir, &chain.url).output().expect("deploy");
    assert!(
        stderr(&refused).contains("out of order"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        common::nonce(&chain.url, DEV_ADDRESS).await,
        sent,
        "nothing sent"
    );
    chain.stop().await;
}

/// A person at a terminal, scripted: says when asked, then waits for the
/// test's word before typing the environment's name.
struct Gate {
    asked: std::sync::mpsc::Sender<()>,
    go: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl slipway_deploy::Confirm for Gate {
    fn can_ask(&self) -> bool {
        true
    }
    fn ask(&self, _prompt: &str) -> Result<String, slipway_deploy::ConfirmError> {
        let _ = self.asked.send(());
        let go = self.go.lock().expect("gate");
        go.recv().expect("the test's word");
        Ok("guarded".into())
    }
}

/// Two deploys of a protected environment both wait at the prompt; the
/// first is confirmed and finishes, then the second: it must find its
/// effect stale under the deploy lock and send nothing (it used to send
/// every call step again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deploys_waiting_at_the_prompt_never_both_send() {
    use slipway_deploy::{
        Approval, DeployError, DeployHooks, DeployOptions, DeployRequest, deploy,
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let chain = node(&tmp.path().join("chain"), 1337).await;
    let key: B256 = DEV_KEY.parse().expect("key");
    slipway_keys::Keystores::at(dir.join("keys"))
        .import("deployer", key, &slipway_keys::Password::new("pw"))
        .expect("keystore");
    let text = std::fs::read_to_string(dir.join("slipway.toml")).expect("config")
        + "\n[environments.guarded]\nchain_id = 1337\nrpc = [\"${NODE_URL}\"]\nprotected = true\nconfirmations = 1\nsigner = { kind = \"keystore\", path = \"keys/deployer.json\" }\n";
    let vars = slipway_config::Vars::from_map([("NODE_URL".to_owned(), chain.url.clone())]);
    let config =
        slipway_config::Config::parse(&dir, dir.join("slipway.toml"), text, vars).expect("config");
    let build = slipway_solc::compile(&config, slipway_solc::Profile::Default, true, &|_| {})
        .expect("build");
    let artifacts = slipway_contracts::Artifacts::from_build(&build.artifacts);

    let run = |name: &'static str| {
        let (asked_tx, asked) = std::sync::mpsc::channel();
        let (go, go_rx) = std::sync::mpsc::channel();
        let config = config.clone();
        let artifacts = artifacts.clone();
        let handle = std::thread::spawn(move || {
            let env = config.environment("guarded").expect("guarded");
            assert!(env.protected);
            let gate = Gate {
                asked: asked_tx,
                go: std::sync::Mutex::new(go_rx),
            };
            let request = DeployRequest {
                config: &config,
                env: &env,
                artifacts: &artifacts,
                plan: None,
                signer: "deployer",
                options: DeployOptions::default(),
                dry_run: false,
                approval: Approval::default(),
                verify: false,
                explorers: false,
                command: name,
            };
            let hooks = DeployHooks {
                confirm: &gate,
                password: &|_| Ok(slipway_keys::Password::new("pw")),
                effect: &|shown| assert_eq!(shown.effect.sends(), 5, "{name}: a fresh chain"),
                progress: &|_| {},
            };
            tokio::runtime::Runtime::new()
                .expect("runtime")
                .block_on(deploy(&request, &hooks))
                .map_err(Box::new)
        });
        (handle, asked, go)
    };
    let (first, first_asked, first_go) = run("first terminal");
    first_asked.recv().expect("the first is asked");
    let (second, second_asked, second_go) = run("second terminal");
    second_asked
        .recv()
        .expect("the second is asked, the first still waiting");

    first_go.send(()).expect("confirm the first");
    let done = first.join().expect("first").expect("the first deploys");
    let sent = done.deployed.as_ref().expect("ran").sent;
    assert_eq!(sent, 5);
    let after_first = common::nonce(&chain.url, DEV_ADDRESS).await;

    second_go.send(()).expect("confirm the second");
    let refused = second.join().expect("second").expect_err("stale");
    assert!(
        matches!(*refused, DeployError::StaleEffect { .. }),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("nothing was sent"),
        "{refused}"
    );
    assert_eq!(
        common::nonce(&chain.url, DEV_ADDRESS).await,
        after_first,
        "the second sent nothing"
    );
    chain.stop().await;
}
