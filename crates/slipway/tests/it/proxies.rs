//! Proxies from deploy plans (`proxy = "uups" | "transparent" | "beacon"`)
//! on the embedded chain and on Foundry's anvil, with the fixtures of
//! `crates/upgrades/testdata/deploy/`: deployed and initialised through
//! the proxy's constructor, upgraded with and without a reinitializer
//! call, keeping their state; an upgrade OpenZeppelin's rules refuse sends
//! nothing; a run killed between the new implementation and the upgrade
//! call finishes without deploying again; a comment edit is no upgrade.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{DEV_KEY, slipway};

/// A project holding the fixtures, seeing the repository's npm packages
/// (OpenZeppelin Contracts and Contracts Upgradeable 5.0.2), with `plan`
/// as deploy/proxies.toml.
fn project(tmp: &tempfile::TempDir, plan: &str) -> PathBuf {
    let dir = tmp.path().join("p");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../upgrades/testdata/deploy/src");
    std::fs::create_dir_all(dir.join("contracts/src")).expect("mkdir");
    std::fs::create_dir_all(dir.join("deploy")).expect("mkdir");
    for entry in std::fs::read_dir(&fixtures).expect("fixtures").flatten() {
        std::fs::copy(
            entry.path(),
            dir.join("contracts/src").join(entry.file_name()),
        )
        .expect("copy");
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::os::unix::fs::symlink(repo.join("node_modules"), dir.join("node_modules")).expect("link");
    std::fs::write(
        dir.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("config");
    std::fs::write(dir.join("deploy/proxies.toml"), plan).expect("plan");
    dir
}

const PLAN: &str = r#"[[step]]
id = "Box"
deploy = "BoxV1"
proxy = "uups"
initializer = "initialize"
args = ["@deployer", 42]

[[step]]
id = "Counter"
deploy = "CounterV1"
proxy = "transparent"
initializer = "initialize"
args = [7]
owner = "@deployer"

[[step]]
id = "Shared"
deploy = "CounterV1"
proxy = "beacon"
initializer = "initialize"
args = [9]
"#;

/// The plan with the implementations replaced: BoxV2 with its
/// reinitializer, CounterV2 behind the transparent proxy with its
/// reinitializer, and behind the beacon without one.
fn upgraded_plan() -> String {
    PLAN.replacen(
        "deploy = \"BoxV1\"\n",
        "deploy = \"BoxV2\"\nupgrade_call = \"initializeV2\"\nupgrade_args = [5]\n",
        1,
    )
    .replacen(
        "deploy = \"CounterV1\"\nproxy = \"transparent\"\n",
        "deploy = \"CounterV2\"\nproxy = \"transparent\"\nupgrade_call = \"initializeV2(uint256)\"\nupgrade_args = [10]\n",
        1,
    )
    .replacen(
        "deploy = \"CounterV1\"\nproxy = \"beacon\"\n",
        "deploy = \"CounterV2\"\nproxy = \"beacon\"\n",
        1,
    )
}

/// Where the commands go: the embedded chain, or an RPC node.
#[derive(Clone)]
enum Chain {
    Embedded,
    Node(String),
}

fn command(dir: &Path, chain: &Chain, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = slipway(dir);
    cmd.args(args).env("SLIPWAY_OFFLINE", "1");
    match chain {
        Chain::Embedded => {
            cmd.args(["--env", "development"]);
        }
        Chain::Node(url) => {
            cmd.args(["--env", "local"])
                .env("LOCAL_URL", url)
                .env("LOCAL_KEY", DEV_KEY);
        }
    }
    cmd
}

fn env_name(chain: &Chain) -> &'static str {
    match chain {
        Chain::Embedded => "development",
        Chain::Node(_) => "local",
    }
}

fn deploy(dir: &Path, chain: &Chain) -> std::process::Output {
    command(dir, chain, &["deploy", "--json"])
        .env_remove(slipway_deploy::FAILPOINT_VAR)
        .output()
        .expect("deploy runs")
}

fn deployed(dir: &Path, chain: &Chain) -> Value {
    let out = deploy(dir, chain);
    assert!(
        out.status.success(),
        "deploy failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// `slipway call NAME FUNCTION` as text.
fn call(dir: &Path, chain: &Chain, name: &str, function: &str) -> String {
    let out = command(dir, chain, &["call", name, function])
        .output()
        .expect("call runs");
    assert!(
        out.status.success(),
        "call {name}.{function}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn send(dir: &Path, chain: &Chain, name: &str, function: &str, args: &[&str]) {
    let out = command(dir, chain, &["send", name, function])
        .args(args)
        .arg("--yes")
        .output()
        .expect("send runs");
    assert!(
        out.status.success(),
        "send {name}.{function}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn record(dir: &Path, chain: &Chain, name: &str) -> Value {
    let path = dir.join(format!("deployments/{}/{name}.json", env_name(chain)));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("record")).expect("json")
}

/// Each step's status in a `deploy --json` document.
fn statuses(effect: &Value) -> Vec<(String, String)> {
    effect["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().expect("id").to_owned(),
                s["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect()
}

fn sent(effect: &Value) -> Vec<String> {
    statuses(effect)
        .into_iter()
        .filter(|(_, s)| s != "done")
        .map(|(id, _)| id)
        .collect()
}

/// Deploys, changes state through each proxy, upgrades, and checks that
/// the state stayed and the new code answers.
fn deploy_and_upgrade(dir: &Path, chain: &Chain) {
    let first = deployed(dir, chain);
    assert_eq!(
        sent(&first),
        [
            "Box.impl",
            "Box",
            "Counter.impl",
            "Counter",
            "Shared.impl",
            "Shared.beacon",
            "Shared"
        ],
        "a new proxy needs no upgrade call: {first}"
    );
    // Initialised through the proxies' constructors.
    assert_eq!(call(dir, chain, "Box", "value"), "42");
    assert_eq!(call(dir, chain, "Box", "version"), "\"v1\"");
    assert_eq!(call(dir, chain, "Counter", "count"), "7");
    assert_eq!(call(dir, chain, "Shared", "count"), "9");
    send(dir, chain, "Box", "set(uint256)", &["77"]);
    send(dir, chain, "Counter", "increment()", &[]);
    send(dir, chain, "Shared", "increment()", &[]);
    let box_v1 = record(dir, chain, "Box")["proxy"]["implementation"].clone();

    std::fs::write(dir.join("deploy/proxies.toml"), upgraded_plan()).expect("plan");
    if let Chain::Node(url) = chain {
        rehearse_the_upgrade(dir, chain, url);
    }
    let second = deployed(dir, chain);
    assert_eq!(
        sent(&second),
        [
            "Box.impl",
            "Box.upgrade",
            "Counter.impl",
            "Counter.upgrade",
            "Shared.impl",
            "Shared.upgrade"
        ],
        "new implementations and their upgrades, no new proxy: {second}"
    );
    let checks = second["upgrades"].as_array().expect("the upgrades checked");
    assert_eq!(checks.len(), 3, "{second}");
    assert!(
        checks.iter().all(|c| !c["from"].is_null()),
        "each checked against what its proxy pointed at: {second}"
    );
    // The state stayed; the new code answers; the reinitializers ran.
    assert_eq!(call(dir, chain, "Box", "value"), "77");
    assert_eq!(call(dir, chain, "Box", "version"), "\"v2\"");
    assert_eq!(call(dir, chain, "Box", "extra"), "5");
    assert_eq!(call(dir, chain, "Counter", "count"), "8");
    assert_eq!(call(dir, chain, "Counter", "step"), "10");
    assert_eq!(call(dir, chain, "Shared", "count"), "10");
    assert_eq!(call(dir, chain, "Shared", "step"), "0", "no reinitializer");
    assert_eq!(call(dir, chain, "Shared", "version"), "\"v2\"");

    let proxy = &record(dir, chain, "Box")["proxy"];
    let history = proxy["history"].as_array().expect("history");
    assert_eq!(history.len(), 2, "{proxy}");
    assert_eq!(history[0]["address"], box_v1);
    assert_eq!(history[1]["contract"], "contracts/src/Box.sol:BoxV2");
    assert!(history[1]["upgradedIn"].is_string(), "{proxy}");
    let admin = record(dir, chain, "Counter")["proxy"]["admin"].clone();
    assert!(admin.is_string(), "the ProxyAdmin its constructor created");
    let admin_record = record(dir, chain, "Counter.admin");
    assert_eq!(admin_record["address"], admin);
    assert_eq!(
        admin_record["args"][0].as_str().map(str::to_lowercase),
        Some(crate::common::DEV_ADDRESS.to_lowercase()),
        "owned by `owner`: the deployer"
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!(
            "deployments/{}/openzeppelin/manifest.json",
            env_name(chain)
        )))
        .expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["manifestVersion"], "3.2");
    assert_eq!(manifest["proxies"].as_array().map(Vec::len), Some(3));
    let layouts: Vec<&Value> = manifest["impls"]
        .as_object()
        .expect("impls")
        .values()
        .map(|i| &i["layout"])
        .collect();
    // BoxV1, BoxV2, CounterV1 (twice deployed, one version), CounterV2.
    assert_eq!(layouts.len(), 4, "{manifest}");
    assert!(layouts.iter().any(|l| {
        l["storage"]
            .as_array()
            .is_some_and(|s| s.iter().any(|f| f["label"] == "extra"))
    }));

    // Nothing changed: nothing to send; a comment edit is no upgrade.
    let again = deployed(dir, chain);
    assert!(sent(&again).is_empty(), "{again}");
    let source = dir.join("contracts/src/Box.sol");
    let text = std::fs::read_to_string(&source).expect("source");
    std::fs::write(
        &source,
        text.replace(
            "/// BoxV1 with one variable",
            "/// BoxV1, with one variable",
        ),
    )
    .expect("edit");
    let edited = deployed(dir, chain);
    assert!(sent(&edited).is_empty(), "a comment edit: {edited}");
}

/// On a node: the upgrade rehearsed on a fork at the newest finalized
/// block, refused while the proxies are newer than it, then run there
/// once they are final; nothing reaches the node.
fn rehearse_the_upgrade(dir: &Path, chain: &Chain, url: &str) {
    let rehearse = || {
        command(dir, chain, &["deploy", "--rehearse-only"])
            .output()
            .expect("rehearsal runs")
    };
    let early = rehearse();
    assert_eq!(early.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("not final yet"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    // anvil calls a block final 64 blocks on.
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(crate::common::rpc(
            url,
            "anvil_mine",
            serde_json::json!(["0x50"]),
        ));
    let rehearsed = rehearse();
    assert!(
        rehearsed.status.success(),
        "{}",
        String::from_utf8_lossy(&rehearsed.stderr)
    );
    let text = String::from_utf8_lossy(&rehearsed.stderr);
    assert!(text.contains("Upgraded(implementation:"), "{text}");
    assert_eq!(
        call(dir, chain, "Box", "version"),
        "\"v1\"",
        "rehearsed only"
    );
}

#[test]
fn uups_transparent_and_beacon_proxies_deploy_and_upgrade_on_the_embedded_chain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, PLAN);
    deploy_and_upgrade(&dir, &Chain::Embedded);
}

#[test]
fn uups_transparent_and_beacon_proxies_deploy_and_upgrade_on_anvil() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, PLAN);
    std::fs::write(
        dir.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n\n[environments.local]\nchain_id = 31337\nrpc = [\"${LOCAL_URL}\"]\nconfirmations = 1\nsigner = { kind = \"env\", var = \"LOCAL_KEY\" }\n",
    )
    .expect("config");
    let anvil = slipway_testkit::Anvil::start(31337, &[]);
    deploy_and_upgrade(&dir, &Chain::Node(anvil.url()));
}

#[test]
fn an_upgrade_openzeppelin_refuses_sends_nothing_and_names_the_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, PLAN);
    let chain = Chain::Embedded;
    deployed(&dir, &chain);
    let journal = dir.join("deployments/development/proxies.journal.jsonl");
    let before = std::fs::read(&journal).expect("journal");
    for (contract, kinds) in [
        ("BoxBroken", &["insert", "layoutchange"][..]),
        ("BoxNotUups", &["missing-public-upgradeto"][..]),
    ] {
        std::fs::write(
            dir.join("deploy/proxies.toml"),
            PLAN.replacen("deploy = \"BoxV1\"", &format!("deploy = \"{contract}\""), 1),
        )
        .expect("plan");
        let out = deploy(&dir, &chain);
        assert_eq!(out.status.code(), Some(1), "a failed check: {out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let effect: Value = serde_json::from_str(&stdout).expect("one document");
        let check = &effect["upgrades"][0];
        assert_eq!(check["proxy"], "Box");
        let found: Vec<&str> = check["report"]["validation"]
            .as_array()
            .into_iter()
            .chain(check["report"]["layout"].as_array())
            .flatten()
            .filter_map(|e| e["kind"].as_str())
            .collect();
        for kind in kinds {
            assert!(found.contains(kind), "{contract}: {kind} in {found:?}");
        }
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("nothing was sent"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&journal).expect("journal"),
            before,
            "{contract}: nothing journaled, so nothing sent"
        );
        assert_eq!(call(&dir, &chain, "Box", "version"), "\"v1\"");
    }
}

#[test]
fn a_run_killed_between_the_new_implementation_and_the_upgrade_finishes_it_without_deploying_again()
{
    let tmp = tempfile::tempdir().expect("tmp");
    let uups_only = PLAN
        .split("\n[[step]]")
        .next()
        .expect("the Box step")
        .to_owned();
    let dir = project(&tmp, &uups_only);
    let chain = Chain::Embedded;
    deployed(&dir, &chain);
    send(&dir, &chain, "Box", "set(uint256)", &["3"]);
    std::fs::write(
        dir.join("deploy/proxies.toml"),
        uups_only.replacen("deploy = \"BoxV1\"", "deploy = \"BoxV2\"", 1),
    )
    .expect("plan");
    let journal = dir.join("deployments/development/proxies.journal.jsonl");
    let lines = |path: &Path| -> Vec<Value> {
        std::fs::read_to_string(path)
            .expect("journal")
            .lines()
            .map(|l| {
                // Each line is `checksum length chain {record}`.
                let json = &l[l.find('{').expect("a JSON record")..];
                serde_json::from_str(json).expect("a record")
            })
            .collect()
    };
    let before = lines(&journal).len();
    // The new implementation's records are its first; the process dies
    // right after the one that confirms it.
    let mut crash_after = 0;
    for n in 1..=6 {
        let crashed = command(&dir, &chain, &["deploy"])
            .env(slipway_deploy::FAILPOINT_VAR, n.to_string())
            .output()
            .expect("deploy runs");
        let records = lines(&journal);
        let last = records.last().expect("a record");
        if !crashed.status.success() && last["record"] == "confirmed" && last["step"] == "Box.impl"
        {
            crash_after = n;
            break;
        }
        assert!(
            records.iter().skip(before).all(|r| r["step"] == "Box.impl"),
            "only the implementation so far: {records:?}"
        );
    }
    assert!(crash_after > 0, "no run stopped after the implementation");
    let implementation = record(&dir, &chain, "Box")["proxy"]["implementation"].clone();
    assert_eq!(
        call(&dir, &chain, "Box", "version"),
        "\"v1\"",
        "not upgraded yet"
    );

    let resumed = deployed(&dir, &chain);
    assert_eq!(sent(&resumed), ["Box.upgrade"], "{resumed}");
    assert_eq!(call(&dir, &chain, "Box", "version"), "\"v2\"");
    assert_eq!(call(&dir, &chain, "Box", "value"), "3");
    let impl_sends = lines(&journal)
        .iter()
        .filter(|r| r["record"] == "sent" && r["step"] == "Box.impl")
        .count();
    assert_eq!(impl_sends, 2, "V1 and V2, each once");
    assert_ne!(
        record(&dir, &chain, "Box")["proxy"]["implementation"],
        implementation
    );
}

/// `deploy --dry-run`'s stderr, once it stopped with an error (exit 2).
fn stopped(dir: &Path) -> String {
    let out = command(dir, &Chain::Embedded, &["deploy", "--dry-run"])
        .output()
        .expect("deploy runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn proxy_steps_are_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(
        &tmp,
        "[[step]]\nid = \"Box\"\ndeploy = \"BoxV1\"\nproxy = \"diamond\"\n\n[[step]]\nid = \"C\"\ndeploy = \"CounterV1\"\nproxy = \"uups\"\nowner = \"@deployer\"\n\n[[step]]\nid = \"D\"\ndeploy = \"CounterV1\"\ninitializer = \"initialize\"\n",
    );
    let stderr = stopped(&dir);
    for expected in [
        "`proxy = \"diamond\"` is unknown",
        "pass the owner among the initializer's `args`",
        "`initializer` belongs to proxy steps",
    ] {
        assert!(stderr.contains(expected), "{expected} in {stderr}");
    }
    // Checked against the implementation's ABI: a misspelt initializer.
    std::fs::write(
        dir.join("deploy/proxies.toml"),
        "[[step]]\nid = \"E\"\ndeploy = \"CounterV1\"\nproxy = \"beacon\"\ninitializer = \"initialise\"\nargs = [1]\n",
    )
    .expect("plan");
    let stderr = stopped(&dir);
    assert!(stderr.contains("no function `initialise`"), "{stderr}");
    assert!(!dir.join("deployments").exists(), "nothing sent or written");

    // A project without OpenZeppelin Contracts is told how to add it.
    let bare = tempfile::tempdir().expect("tmp");
    let dir = bare.path().join("p");
    std::fs::create_dir_all(dir.join("contracts/src")).expect("mkdir");
    std::fs::create_dir_all(dir.join("deploy")).expect("mkdir");
    std::fs::write(
        dir.join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("config");
    std::fs::write(
        dir.join("contracts/src/Plain.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract Plain { uint256 public x; }\n",
    )
    .expect("source");
    std::fs::write(
        dir.join("deploy/p.toml"),
        "[[step]]\nid = \"P\"\ndeploy = \"Plain\"\nproxy = \"transparent\"\n",
    )
    .expect("plan");
    let stderr = stopped(&dir);
    assert!(
        stderr.contains("npm install --save-dev @openzeppelin/contracts@5"),
        "{stderr}"
    );
}

#[test]
fn slipway_upgrade_moves_one_proxy_with_its_own_call_and_waives_only_what_it_is_told() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp, PLAN);
    let chain = Chain::Embedded;
    deployed(&dir, &chain);
    // The plan moves every proxy to V2; `slipway upgrade Box` moves Box.
    std::fs::write(dir.join("deploy/proxies.toml"), upgraded_plan()).expect("plan");
    let upgrade = |args: &[&str]| {
        command(&dir, &chain, &["upgrade"])
            .args(args)
            .arg("--json")
            .output()
            .expect("upgrade runs")
    };
    let out = upgrade(&["Box", "--call", "initializeV2(uint256)", "9"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let effect: Value = serde_json::from_slice(&out.stdout).expect("one document");
    assert_eq!(sent(&effect), ["Box.impl", "Box.upgrade"], "{effect}");
    assert_eq!(
        call(&dir, &chain, "Box", "extra"),
        "9",
        "--call, not the plan's 5"
    );
    assert_eq!(
        call(&dir, &chain, "Counter", "version"),
        "\"v1\"",
        "untouched"
    );
    let again = upgrade(&["Box"]);
    assert!(again.status.success());
    let effect: Value = serde_json::from_slice(&again.stdout).expect("one document");
    assert!(sent(&effect).is_empty(), "nothing due: {effect}");

    // A validation error is refused, and waived only when named.
    std::fs::write(
        dir.join("deploy/proxies.toml"),
        upgraded_plan().replacen(
            "deploy = \"BoxV2\"\nupgrade_call = \"initializeV2\"\nupgrade_args = [5]\n",
            "deploy = \"BoxV2Unsafe\"\n",
            1,
        ),
    )
    .expect("plan");
    let journal = dir.join("deployments/development/proxies.journal.jsonl");
    let before = std::fs::read(&journal).expect("journal");
    let refused = upgrade(&["Box"]);
    assert_eq!(refused.status.code(), Some(1));
    let effect: Value = serde_json::from_slice(&refused.stdout).expect("one document");
    assert_eq!(
        effect["upgrades"][0]["report"]["validation"][0]["kind"], "delegatecall",
        "{effect}"
    );
    assert_eq!(
        std::fs::read(&journal).expect("journal"),
        before,
        "nothing sent"
    );
    let misspelt = upgrade(&["Box", "--unsafe-allow", "delegatecal"]);
    assert_eq!(misspelt.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&misspelt.stderr)
            .contains("not one of OpenZeppelin's validation kinds"),
        "{}",
        String::from_utf8_lossy(&misspelt.stderr)
    );
    let waived = upgrade(&["Box", "--unsafe-allow", "delegatecall"]);
    assert!(
        waived.status.success(),
        "{}",
        String::from_utf8_lossy(&waived.stderr)
    );
    let effect: Value = serde_json::from_slice(&waived.stdout).expect("one document");
    assert_eq!(
        effect["upgrades"][0]["allowed"],
        serde_json::json!(["delegatecall"])
    );
    assert_eq!(call(&dir, &chain, "Box", "version"), "\"v2-unsafe\"");
    let text = std::fs::read_to_string(&journal).expect("journal");
    let sent_with_waiver = text
        .lines()
        .rfind(|l| l.contains("\"record\":\"sent\"") && l.contains("\"step\":\"Box.impl\""))
        .expect("the implementation's record");
    assert!(
        sent_with_waiver.contains("\"unsafe_allow\":[\"delegatecall\"]"),
        "journaled: {sent_with_waiver}"
    );
}

/// A project holding the fixtures and the Hardhat project file, with a
/// `local` environment on `url` (the dev chain `slipway node` serves).
fn hardhat_project(tmp: &tempfile::TempDir, plan: &str, url: &str) -> PathBuf {
    let dir = project(tmp, plan);
    let hardhat = Path::new(env!("CARGO_MANIFEST_DIR")).join("../upgrades/testdata/deploy/hardhat");
    std::fs::create_dir_all(dir.join("scripts")).expect("mkdir");
    std::fs::copy(
        hardhat.join("hardhat.config.js"),
        dir.join("hardhat.config.js"),
    )
    .expect("copy");
    std::fs::copy(hardhat.join("deploy.js"), dir.join("scripts/deploy.js")).expect("copy");
    crate::common::append_config(
        &dir,
        &format!(
            "\n[environments.local]\nchain_id = 1337\nrpc = [\"{url}\"]\nconfirmations = 1\nsigner = {{ kind = \"env\", var = \"LOCAL_KEY\" }}\n"
        ),
    );
    dir
}

#[test]
fn a_proxy_hardhat_upgrades_deployed_is_imported_and_its_next_upgrade_checked_against_the_plugins_layout()
 {
    let tmp = tempfile::tempdir().expect("tmp");
    let node_root = tmp.path().join("node");
    std::fs::create_dir_all(&node_root).expect("mkdir");
    std::fs::write(node_root.join("slipway.toml"), "").expect("config");
    let (_node, url) = crate::common::slipway_node(&node_root, &[]);
    let plan = PLAN.split("\n[[step]]").next().expect("the Box step");
    let dir = hardhat_project(&tmp, plan, &url);
    let chain = Chain::Node(url.clone());

    // hardhat-upgrades deploys BoxV1 behind a UUPS proxy; on a dev chain
    // it keeps its manifest under $TMPDIR/openzeppelin-upgrades/.
    let built = slipway(&dir)
        .args(["build", "--json"])
        .env("SLIPWAY_OFFLINE", "1")
        .output()
        .expect("build");
    let built: Value = serde_json::from_slice(&built.stdout).expect("build JSON");
    let solc = PathBuf::from(built["compiler"]["path"].as_str().expect("compiler path"));
    let soljson = solc
        .parent()
        .expect("the solcjs folder")
        .join("node_modules/solc/soljson.js");
    let plugin_tmp = tmp.path().join("plugin-tmp");
    std::fs::create_dir_all(&plugin_tmp).expect("mkdir");
    let hardhat = std::process::Command::new(dir.join("node_modules/.bin/hardhat"))
        .args(["run", "scripts/deploy.js", "--network", "local"])
        .current_dir(&dir)
        .env("LOCAL_URL", &url)
        .env("SOLJSON", &soljson)
        .env("TMPDIR", &plugin_tmp)
        .env("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true")
        .output()
        .expect("hardhat runs");
    assert!(
        hardhat.status.success(),
        "hardhat: {}{}",
        String::from_utf8_lossy(&hardhat.stdout),
        String::from_utf8_lossy(&hardhat.stderr)
    );
    let proxy = String::from_utf8_lossy(&hardhat.stdout)
        .lines()
        .rev()
        .find(|l| l.starts_with("0x"))
        .expect("the proxy's address")
        .trim()
        .to_owned();
    let manifest = std::fs::read_dir(plugin_tmp.join("openzeppelin-upgrades"))
        .expect("the plugin's manifest folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("the plugin's manifest");

    // Without a layout, nothing is imported; a wrong kind is refused.
    let import = |args: &[&str]| {
        command(&dir, &chain, &["upgrade", "import"])
            .args(args)
            .output()
            .expect("import runs")
    };
    let binding = format!("Box={proxy}");
    let without = import(&["--proxy", &binding]);
    assert_eq!(without.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&without.stderr).contains("import its manifest"),
        "{}",
        String::from_utf8_lossy(&without.stderr)
    );
    let manifest_arg = manifest.to_string_lossy().into_owned();
    let imported = import(&[&manifest_arg, "--proxy", &binding, "--json"]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let imported: Value = serde_json::from_slice(&imported.stdout).expect("JSON");
    assert_eq!(imported["proxies"][0]["kind"], "uups");
    assert_eq!(imported["proxies"][0]["layout_from"], "manifest");
    // Known at once: its record holds the implementation's ABI.
    assert_eq!(
        call(&dir, &chain, "Box", "value"),
        "42",
        "hardhat's initialize"
    );
    assert_eq!(
        record(&dir, &chain, "Box")["proxy"]["imported"],
        serde_json::json!(true)
    );
    let again = import(&[&manifest_arg, "--proxy", &binding]);
    assert_eq!(again.status.code(), Some(2), "imported once only");

    // The next upgrade is checked against the layout the plugin recorded.
    std::fs::write(
        dir.join("deploy/proxies.toml"),
        plan.replacen("deploy = \"BoxV1\"", "deploy = \"BoxBroken\"", 1),
    )
    .expect("plan");
    let refused = deploy(&dir, &chain);
    assert_eq!(refused.status.code(), Some(1));
    let effect: Value = serde_json::from_slice(&refused.stdout).expect("one document");
    let layout: Vec<&str> = effect["upgrades"][0]["report"]["layout"]
        .as_array()
        .expect("layout errors")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(layout.contains(&"insert"), "{effect}");
    std::fs::write(
        dir.join("deploy/proxies.toml"),
        plan.replacen("deploy = \"BoxV1\"", "deploy = \"BoxV2\"", 1),
    )
    .expect("plan");
    let upgraded = deployed(&dir, &chain);
    assert_eq!(sent(&upgraded), ["Box.impl", "Box.upgrade"], "{upgraded}");
    assert_eq!(call(&dir, &chain, "Box", "version"), "\"v2\"");
    assert_eq!(
        call(&dir, &chain, "Box", "value"),
        "42",
        "hardhat's initialize"
    );
    let history = record(&dir, &chain, "Box")["proxy"]["history"].clone();
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
    assert!(
        history[0]["contract"].is_null(),
        "deployed outside the plan"
    );
}

#[test]
fn a_proxy_no_manifest_knows_is_imported_with_the_layout_of_a_reference_contract() {
    let tmp = tempfile::tempdir().expect("tmp");
    let box_step = PLAN.split("\n[[step]]").next().expect("the Box step");
    let dir = project(&tmp, box_step);
    let chain = Chain::Embedded;
    deployed(&dir, &chain);
    let proxy = record(&dir, &chain, "Box")["address"]
        .as_str()
        .expect("address")
        .to_owned();
    // Another plan takes the same proxy over, with no manifest to read.
    std::fs::remove_file(dir.join("deployments/development/openzeppelin/manifest.json"))
        .expect("forget the layouts");
    let other = box_step
        .replacen("id = \"Box\"", "id = \"Taken\"", 1)
        .replacen("deploy = \"BoxV1\"", "deploy = \"BoxV2\"", 1);
    std::fs::write(dir.join("deploy/other.toml"), other).expect("plan");
    // BoxV1 is no longer in the sources: its layout is in an old build.
    let old_build = tmp.path().join("old-build");
    std::fs::create_dir_all(&old_build).expect("mkdir");
    for entry in std::fs::read_dir(dir.join("out/build-info"))
        .expect("build-info")
        .flatten()
    {
        std::fs::copy(entry.path(), old_build.join(entry.file_name())).expect("copy");
    }
    let source = dir.join("contracts/src/Box.sol");
    let text = std::fs::read_to_string(&source).expect("source");
    std::fs::write(&source, text.replace("contract BoxV1 ", "contract BoxOne ")).expect("edit");
    let binding = format!("Taken={proxy}");
    let import = |extra: &[&str]| {
        command(
            &dir,
            &chain,
            &["upgrade", "import", "--plan", "deploy/other.toml"],
        )
        .args(["--proxy", &binding, "--reference", "BoxV1", "--json"])
        .args(extra)
        .output()
        .expect("import runs")
    };
    let not_here = import(&[]);
    assert_eq!(not_here.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&not_here.stderr).contains("BoxV1"),
        "{}",
        String::from_utf8_lossy(&not_here.stderr)
    );
    let old = old_build.to_string_lossy().into_owned();
    let imported = import(&["--reference-build", &old]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let imported: Value = serde_json::from_slice(&imported.stdout).expect("JSON");
    assert_eq!(imported["proxies"][0]["layout_from"], "--reference BoxV1");
    let out = command(
        &dir,
        &chain,
        &["deploy", "--plan", "deploy/other.toml", "--json"],
    )
    .output()
    .expect("deploy runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let effect: Value = serde_json::from_slice(&out.stdout).expect("one document");
    assert_eq!(sent(&effect), ["Taken.impl", "Taken.upgrade"], "{effect}");
    assert_eq!(call(&dir, &chain, "Taken", "version"), "\"v2\"");
}

#[test]
fn verify_checks_proxies_and_names_one_upgraded_outside_slipway() {
    let tmp = tempfile::tempdir().expect("tmp");
    let box_step = PLAN.split("\n[[step]]").next().expect("the Box step");
    let two = format!(
        "{box_step}\n{}",
        box_step.replacen("id = \"Box\"", "id = \"Other\"", 1)
    );
    let dir = project(&tmp, &two);
    let chain = Chain::Embedded;
    deployed(&dir, &chain);
    let verify = || {
        command(&dir, &chain, &["verify", "--json"])
            .output()
            .expect("verify runs")
    };
    let out = verify();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let verdicts: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let of = |verdicts: &Value, name: &str| {
        verdicts
            .as_array()
            .expect("verdicts")
            .iter()
            .find(|v| v["name"] == name)
            .cloned()
            .expect("a verdict")
    };
    assert_eq!(
        of(&verdicts, "Box")["bytecode"]["result"],
        "match",
        "{verdicts}"
    );
    assert_eq!(
        of(&verdicts, "Box")["proxy"]["implementation"]["result"],
        "match",
        "{verdicts}"
    );

    // Box pointed at Other's implementation behind slipway's back.
    let other = record(&dir, &chain, "Other.impl")["address"]
        .as_str()
        .expect("address")
        .to_owned();
    send(
        &dir,
        &chain,
        "Box",
        "upgradeToAndCall(address,bytes)",
        &[&other, "0x"],
    );
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    let verdicts: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let reason = of(&verdicts, "Box")["proxy"]["implementation"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(reason.contains("upgraded outside slipway"), "{verdicts}");
}

#[test]
fn through_a_safe_a_proxy_and_its_upgrade_are_proposals_executed_after_signing() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Box (UUPS, owned by the Safe through its initializer) and Counter
    // (transparent: its ProxyAdmin is the Safe's), with salts: CREATE2.
    let plan = PLAN
        .split("\n[[step]]\nid = \"Shared\"")
        .next()
        .expect("Box and Counter")
        .replacen(
            "proxy = \"uups\"\n",
            "proxy = \"uups\"\nsalt = \"box\"\n",
            1,
        )
        .replacen(
            "owner = \"@deployer\"\n",
            "owner = \"@deployer\"\nsalt = \"counter\"\n",
            1,
        );
    let dir = project(&tmp, &plan);
    let safe = crate::safe_deploy::through_a_safe(&dir);
    let chain = Chain::Embedded;
    // Proposes, is signed by two owners and executed, and is recorded by
    // the next run; returns the proposal's number of calls.
    let through_the_safe = |args: &[&str]| -> usize {
        let proposed = command(&dir, &chain, args).output().expect("runs");
        assert!(
            proposed.status.success(),
            "{}",
            String::from_utf8_lossy(&proposed.stderr)
        );
        let proposal = String::from_utf8_lossy(&proposed.stdout)
            .lines()
            .last()
            .expect("the proposal file")
            .trim()
            .to_owned();
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(&proposal).expect("proposal"))
                .expect("json");
        let pending = command(&dir, &chain, args).output().expect("runs");
        assert_eq!(
            pending.status.code(),
            Some(1),
            "waits for the owners: {}",
            String::from_utf8_lossy(&pending.stderr)
        );
        for owner in ["a", "c"] {
            let signed = command(
                &dir,
                &chain,
                &["safe", "sign", &proposal, "--signer", owner],
            )
            .output()
            .expect("sign");
            assert!(
                signed.status.success(),
                "{}",
                String::from_utf8_lossy(&signed.stderr)
            );
        }
        let executed = command(&dir, &chain, &["safe", "execute", &proposal])
            .output()
            .expect("execute");
        assert!(
            executed.status.success(),
            "{}",
            String::from_utf8_lossy(&executed.stderr)
        );
        let recorded = command(&dir, &chain, args).output().expect("runs");
        assert!(
            recorded.status.success(),
            "{}",
            String::from_utf8_lossy(&recorded.stderr)
        );
        file["calls"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(
        through_the_safe(&["deploy"]),
        4,
        "the implementations and the proxies"
    );
    assert_eq!(call(&dir, &chain, "Box", "value"), "42");
    assert_eq!(
        call(&dir, &chain, "Box", "owner").to_lowercase(),
        safe.to_lowercase(),
        "`@deployer` is the Safe"
    );

    std::fs::write(
        dir.join("deploy/proxies.toml"),
        plan.replacen("deploy = \"BoxV1\"", "deploy = \"BoxV2\"", 1)
            .replacen("deploy = \"CounterV1\"", "deploy = \"CounterV2\"", 1),
    )
    .expect("plan");
    assert_eq!(
        through_the_safe(&["upgrade", "Box"]),
        2,
        "the new implementation and the upgrade, signed once"
    );
    assert_eq!(call(&dir, &chain, "Box", "version"), "\"v2\"");
    assert_eq!(call(&dir, &chain, "Box", "value"), "42", "the state stayed");
    let history = record(&dir, &chain, "Box")["proxy"]["history"].clone();
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
    assert_eq!(
        call(&dir, &chain, "Counter", "version"),
        "\"v1\"",
        "not yet"
    );
    assert_eq!(
        through_the_safe(&["upgrade", "Counter"]),
        2,
        "through the ProxyAdmin the Safe owns"
    );
    assert_eq!(call(&dir, &chain, "Counter", "version"), "\"v2\"");
    assert_eq!(call(&dir, &chain, "Counter", "count"), "7");
}

#[test]
fn an_openzeppelin_4_transparent_proxy_is_imported_and_upgraded_through_its_admins_upgrade() {
    let anvil = slipway_testkit::Anvil::start(31337, &[]);
    let chain = Chain::Node(anvil.url());
    let config = "[compiler]\nversion = \"0.8.20\"\n\n[environments.local]\nchain_id = 31337\nrpc = [\"${LOCAL_URL}\"]\nconfirmations = 1\nsigner = { kind = \"env\", var = \"LOCAL_KEY\" }\n";
    // Another project deployed a 4.x proxy and ProxyAdmin, as
    // hardhat-upgrades 2.x did, initialised with `initialize(7)`.
    let legacy_tmp = tempfile::tempdir().expect("tmp");
    let init = format!(
        "0x{}{}",
        alloy_primitives::hex::encode(&alloy_primitives::keccak256("initialize(uint256)")[..4]),
        alloy_primitives::hex::encode(alloy_primitives::B256::with_last_byte(7))
    );
    let legacy = project(
        &legacy_tmp,
        &format!(
            "[[step]]\nid = \"Admin\"\ndeploy = \"ProxyAdmin\"\n\n[[step]]\nid = \"Logic\"\ndeploy = \"CounterV1\"\n\n[[step]]\nid = \"Proxy\"\ndeploy = \"TransparentUpgradeableProxy\"\nargs = [\"@Logic\", \"@Admin\", \"{init}\"]\n"
        ),
    );
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../upgrades/testdata/deploy/legacy/Legacy.sol"),
        legacy.join("contracts/src/Legacy.sol"),
    )
    .expect("copy");
    std::fs::write(legacy.join("slipway.toml"), config).expect("config");
    deployed(&legacy, &chain);
    let proxy = record(&legacy, &chain, "Proxy")["address"]
        .as_str()
        .expect("address")
        .to_owned();

    // This project's plan takes it over and moves it to CounterV2.
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(
        &tmp,
        "[[step]]\nid = \"Counter\"\ndeploy = \"CounterV2\"\nproxy = \"transparent\"\n",
    );
    std::fs::write(dir.join("slipway.toml"), config).expect("config");
    let binding = format!("Counter={proxy}");
    let imported = command(&dir, &chain, &["upgrade", "import"])
        .args(["--proxy", &binding, "--reference", "CounterV1"])
        .output()
        .expect("import runs");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let upgraded = deployed(&dir, &chain);
    assert_eq!(
        sent(&upgraded),
        ["Counter.impl", "Counter.upgrade"],
        "{upgraded}"
    );
    assert_eq!(call(&dir, &chain, "Counter", "version"), "\"v2\"");
    assert_eq!(
        call(&dir, &chain, "Counter", "count"),
        "7",
        "the state stayed"
    );
    let journal = std::fs::read_to_string(dir.join("deployments/local/proxies.journal.jsonl"))
        .expect("journal");
    assert!(
        journal.contains("\"what\":\"upgrade(address,address)\""),
        "4.x's upgrade, not upgradeAndCall with no call: {journal}"
    );
}
