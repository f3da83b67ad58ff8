//! The bundled plan on a node no one here wrote, reached as users reach
//! real networks: Foundry's anvil with Polygon Amoy's chain id behind
//! stunnel, over HTTPS with a certificate from a CA the test makes and
//! names in `SSL_CERT_FILE`. Deploy, a rerun that sends nothing, a crash
//! and resume without duplicates, `verify`, `call` and `send` with their
//! errors in words; an untrusted certificate, the wrong chain and a
//! refusing proxy stop the command before anything is sent.

use crate::common;

use std::{
    path::{Path, PathBuf},
    process::Output,
};

use alloy_primitives::{Address, U256};
use common::{DEV_ADDRESS, DEV_KEY, accounts, nonce, repository_copy, rpc, slipway};
use serde_json::{Value, json};
use slipway_testkit::{Anvil, TestCa, TlsFront};

const AMOY: u64 = 80002;
/// Dev account 1: the bridge's guardian (`BRIDGE_GUARDIAN`).
const GUARDIAN: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/// Dev account 7: no role on the bridge.
const OUTSIDER_KEY: &str = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";

/// anvil behind stunnel, and the CA that signed the front's certificate.
struct Amoy {
    ca: TestCa,
    anvil: Anvil,
    front: TlsFront,
}

impl Amoy {
    fn start(chain_id: u64) -> Self {
        let ca = TestCa::new();
        let anvil = Anvil::start(chain_id, &[]);
        let front = TlsFront::start(anvil.addr(), &ca.server(&["127.0.0.1"]));
        Self { ca, anvil, front }
    }
}

/// The repository's project with staging pointed at `AMOY_URL`.
fn project(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = repository_copy(tmp);
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    std::fs::write(
        dir.join("slipway.toml"),
        config + "\n[environments.staging]\nrpc = [\"${AMOY_URL}\"]\nconfirmations = 1\n",
    )
    .expect("config");
    dir
}

/// `slipway ARGS --env staging` against `amoy`, trusting its CA.
fn staging(dir: &Path, amoy: &Amoy, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = slipway(dir);
    cmd.args(args)
        .args(["--env", "staging"])
        .env("AMOY_URL", amoy.front.https("/"))
        .env("SSL_CERT_FILE", amoy.ca.root())
        .env("STAGING_PRIVATE_KEY", DEV_KEY)
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ETHERSCAN_API_KEY");
    accounts(&mut cmd);
    cmd
}

fn run(mut cmd: assert_cmd::Command) -> Output {
    cmd.output().expect("slipway runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn succeeded(output: Output) -> Output {
    assert!(output.status.success(), "{}", text(&output));
    output
}

fn record(dir: &Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(format!("deployments/staging/{name}.json")))
        .expect("record");
    serde_json::from_str(&text).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_plan_deploys_verifies_and_is_operated_on_anvil_over_tls() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let amoy = Amoy::start(AMOY);

    succeeded(run(staging(&dir, &amoy, &["deploy"])));
    let bridge = record(&dir, "Bridge");
    assert_eq!(bridge["chainId"], json!(AMOY));
    let sent = nonce(&amoy.anvil.url(), DEV_ADDRESS).await;
    assert!(sent > 1, "the plan sent its transactions: {sent}");
    let again = succeeded(run(staging(&dir, &amoy, &["deploy"])));
    assert!(text(&again).contains("nothing to send"), "{}", text(&again));
    assert_eq!(
        nonce(&amoy.anvil.url(), DEV_ADDRESS).await,
        sent,
        "a rerun sends nothing"
    );

    // Every record's code is the build's.
    let verified = succeeded(run(staging(
        &dir,
        &amoy,
        &["verify", "--no-sourcify", "--json"],
    )));
    let verdicts: Vec<Value> = serde_json::from_slice(&verified.stdout).expect("json");
    assert!(!verdicts.is_empty());
    for verdict in &verdicts {
        assert_eq!(verdict["bytecode"]["result"], "match", "{verdict}");
    }

    // call and send by record name; their reverts in words.
    let threshold = succeeded(run(staging(&dir, &amoy, &["call", "Bridge", "threshold"])));
    assert_eq!(String::from_utf8_lossy(&threshold.stdout).trim(), "2");
    succeeded(run(staging(
        &dir,
        &amoy,
        &["send", "Bridge", "setThreshold", "3"],
    )));
    let raw = rpc(
        &amoy.anvil.url(),
        "eth_call",
        json!([{ "to": bridge["address"], "data": "0x42cde4e8" }, "latest"]),
    )
    .await;
    assert_eq!(
        U256::from_str_radix(raw.as_str().expect("hex").trim_start_matches("0x"), 16)
            .expect("number"),
        U256::from(3),
        "anvil holds the new threshold"
    );
    let too_high = run(staging(
        &dir,
        &amoy,
        &["send", "Bridge", "setThreshold", "9"],
    ));
    assert_eq!(too_high.status.code(), Some(1), "{}", text(&too_high));
    assert!(
        text(&too_high).contains("InvalidThreshold(9, 3)"),
        "a custom error from eth_estimateGas: {}",
        text(&too_high)
    );
    let mut outsider = staging(&dir, &amoy, &["send", "Bridge", "setThreshold", "2"]);
    outsider.env("STAGING_PRIVATE_KEY", OUTSIDER_KEY);
    let refused = run(outsider);
    assert!(
        text(&refused).contains("AccessControlUnauthorizedAccount(0x"),
        "{}",
        text(&refused)
    );
    let call_revert = run(staging(
        &dir,
        &amoy,
        &["call", "Bridge", "setThreshold", "9"],
    ));
    assert_eq!(call_revert.status.code(), Some(1));
    assert!(
        text(&call_revert).contains(&format!(
            "reverted: AccessControlUnauthorizedAccount({}, 0x{})",
            Address::ZERO,
            "0".repeat(64)
        )),
        "eth_call has no sender, so the admin check refuses address 0: {}",
        text(&call_revert)
    );
    let nobody = Address::repeat_byte(0x42).to_checksum(None);
    let no_code = run(staging(
        &dir,
        &amoy,
        &["call", &nobody, "threshold()(uint16)"],
    ));
    assert!(!no_code.status.success());
    assert!(
        text(&no_code).contains(&format!("no contract at {nobody} on staging")),
        "{}",
        text(&no_code)
    );

    // A sender that cannot pay: worded as geth words it, with the amounts.
    rpc(
        &amoy.anvil.url(),
        "anvil_setBalance",
        json!([DEV_ADDRESS, "0x3e8"]),
    )
    .await;
    let before = nonce(&amoy.anvil.url(), DEV_ADDRESS).await;
    let poor = run(staging(
        &dir,
        &amoy,
        &["send", "Bridge", "setThreshold", "2"],
    ));
    assert!(!poor.status.success());
    let message = text(&poor);
    assert!(
        message.contains("insufficient funds for gas * price + value"),
        "{message}"
    );
    assert!(message.contains("has 1000 wei"), "{message}");
    assert_eq!(
        nonce(&amoy.anvil.url(), DEV_ADDRESS).await,
        before,
        "nothing sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_plan_on_anvil_is_finished_without_duplicates() {
    let tmp = tempfile::tempdir().expect("tmp");
    let clean_dir = project(&tmp);
    let clean = Amoy::start(AMOY);
    succeeded(run(staging(&clean_dir, &clean, &["deploy"])));
    let expected = nonce(&clean.anvil.url(), DEV_ADDRESS).await;

    let other = tempfile::tempdir().expect("tmp");
    let dir = project(&other);
    let amoy = Amoy::start(AMOY);
    let records =
        std::fs::read_to_string(clean_dir.join("deployments/staging/bridge.journal.jsonl"))
            .expect("journal")
            .lines()
            .count();
    let crash_after = records / 2;
    let mut crashing = staging(&dir, &amoy, &["deploy"]);
    crashing.env(slipway_deploy::FAILPOINT_VAR, crash_after.to_string());
    let crashed = run(crashing);
    assert!(!crashed.status.success(), "the fail-point stops it");
    succeeded(run(staging(&dir, &amoy, &["deploy"])));
    assert_eq!(
        nonce(&amoy.anvil.url(), DEV_ADDRESS).await,
        expected,
        "the resumed run sent exactly what an uninterrupted one sends"
    );
    assert_eq!(
        record(&dir, "Bridge")["address"],
        record(&clean_dir, "Bridge")["address"],
        "CREATE2: the same address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_networks_stop_the_command_before_anything_is_sent() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let amoy = Amoy::start(AMOY);

    let mut untrusted = staging(&dir, &amoy, &["deploy"]);
    untrusted.env_remove("SSL_CERT_FILE");
    let refused = run(untrusted);
    // 2: an error stopped the command (1 would be a failed check).
    assert_eq!(refused.status.code(), Some(2));
    let message = text(&refused);
    assert!(message.contains("certificate not trusted"), "{message}");
    assert!(message.contains("SSL_CERT_FILE"), "{message}");
    assert!(!message.contains("connection failed"), "{message}");

    let dead_proxy = format!("http://127.0.0.1:{}", slipway_testkit::free_port());
    let mut proxied = staging(&dir, &amoy, &["deploy"]);
    proxied.env("HTTPS_PROXY", &dead_proxy);
    let message = text(&run(proxied));
    assert!(
        message.contains(&format!("the proxy {dead_proxy} could not be reached")),
        "{message}"
    );

    let mainnet = Amoy::start(1);
    let wrong = run(staging(&dir, &mainnet, &["deploy"]));
    let message = text(&wrong);
    assert!(
        message.contains("expects chain 80002, but") && message.contains("is on chain 1"),
        "{message}"
    );

    assert_eq!(
        nonce(&amoy.anvil.url(), DEV_ADDRESS).await,
        0,
        "nothing sent"
    );
    assert_eq!(
        nonce(&mainnet.anvil.url(), DEV_ADDRESS).await,
        0,
        "nothing sent"
    );
    assert!(
        !dir.join("deployments/staging").join("Bridge.json").exists(),
        "no record written"
    );
}

/// The bundled plan through a 2-of-3 Safe on anvil (Amoy's chain id, over
/// TLS): Safe's contracts put there from npm (the singleton factory's
/// presigned deployment first), the Safe created with the environment's
/// key, then the plan proposed; owner a signs with a keystore and b with
/// an external signer, a executes, and the rerun records the bridge,
/// whose admin is the Safe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_plan_deploys_through_a_safe_on_anvil() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = project(&tmp);
    let amoy = Amoy::start(AMOY);
    let owners = [
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    ];
    let created = succeeded(run(staging(
        &dir,
        &amoy,
        &[
            "safe",
            "create",
            "--owners",
            &owners.join(","),
            "--threshold",
            "2",
        ],
    )));
    assert!(
        text(&created).contains("Deployed the Safe singleton factory"),
        "{}",
        text(&created)
    );
    let safe = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    // a keeps its key in a keystore; b's is held by an external signer
    // (anvil, which signs typed data for its unlocked accounts).
    let mut import = slipway(&dir);
    import
        .args(["account", "import", "a", "--dir"])
        .arg(dir.join("keys"))
        .args([
            "--private-key-env",
            "OWNER_KEY",
            "--password-env",
            "OWNER_PASSWORD",
        ])
        .env(
            "OWNER_KEY",
            "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        )
        .env("OWNER_PASSWORD", "correct horse");
    succeeded(run(import));
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    let listed: Vec<String> = owners.iter().map(|o| format!("\"{o}\"")).collect();
    std::fs::write(
        dir.join("slipway.toml"),
        format!(
            "{config}multisig = {{ safe = \"{safe}\", threshold = 2, owners = [{}] }}\n\
             [environments.staging.signers]\n\
             a = {{ kind = \"keystore\", path = \"keys/a.json\", password_env = \"OWNER_PASSWORD\" }}\n\
             b = {{ kind = \"external\", url = \"{}\", address = \"{}\" }}\n\
             guardian = {{ kind = \"external\", url = \"{}\", address = \"{GUARDIAN}\" }}\n",
            listed.join(", "),
            amoy.anvil.url(),
            owners[1],
            amoy.anvil.url(),
        ),
    )
    .expect("config");
    let owner = |args: &[&str]| {
        let mut cmd = staging(&dir, &amoy, args);
        cmd.env("OWNER_PASSWORD", "correct horse");
        cmd
    };

    let proposed = succeeded(run(staging(&dir, &amoy, &["deploy"])));
    assert!(
        text(&proposed).contains("6 steps in one Safe transaction"),
        "{}",
        text(&proposed)
    );
    let proposal = String::from_utf8_lossy(&proposed.stdout)
        .lines()
        .last()
        .expect("the proposal file")
        .to_owned();
    // Rehearsed with a's real signature: on a fork of anvil at its
    // finalized block (64 behind its head), the one owner missing approves
    // the hash and the Safe executes the plan there; nothing reaches anvil.
    let finalize = || async { rpc(&amoy.anvil.url(), "anvil_mine", json!(["0x41"])).await };
    succeeded(run(owner(&["safe", "sign", &proposal, "--signer", "a"])));
    finalize().await;
    let rehearsed = succeeded(run(staging(
        &dir,
        &amoy,
        &["deploy", "--rehearse-only", "--json"],
    )));
    let rehearsal: Value = serde_json::from_slice(&rehearsed.stdout).expect("json");
    let rehearsal = &rehearsal["rehearsal"];
    assert_eq!(
        rehearsal["safe"]["signed"],
        json!([owners[0].to_lowercase()]),
        "{rehearsal}"
    );
    assert_eq!(
        rehearsal["safe"]["impersonated"].as_array().map(Vec::len),
        Some(1),
        "{rehearsal}"
    );
    let predicted = rehearsal["addresses"]
        .as_array()
        .expect("addresses")
        .iter()
        .find(|a| a["step"] == "Bridge")
        .and_then(|a| a["address"].as_str())
        .expect("the bridge's address")
        .to_lowercase();
    assert!(
        !dir.join("deployments/staging/Bridge.json").exists(),
        "the rehearsal recorded nothing of the project's"
    );
    succeeded(run(owner(&["safe", "sign", &proposal, "--signer", "b"])));
    succeeded(run(owner(&["safe", "execute", &proposal, "--signer", "a"])));
    let recorded = succeeded(run(staging(&dir, &amoy, &["deploy"])));
    assert!(
        text(&recorded).contains("the Safe executed"),
        "{}",
        text(&recorded)
    );
    let bridge = record(&dir, "Bridge");
    assert_eq!(
        bridge["deployer"].as_str().map(str::to_lowercase),
        Some(safe.to_lowercase())
    );
    assert_eq!(
        bridge["address"].as_str().map(str::to_lowercase),
        Some(predicted),
        "the rehearsal predicted the bridge's address"
    );
    let admin = format!("0x{}", "00".repeat(32));
    let has_role = succeeded(run(staging(
        &dir,
        &amoy,
        &[
            "call",
            "Bridge",
            "hasRole(bytes32,address)(bool)",
            &admin,
            &safe,
        ],
    )));
    assert_eq!(String::from_utf8_lossy(&has_role.stdout).trim(), "true");

    // Operated: the guardian pauses directly although a Safe signs
    // everything else here; lowering the level is the admin's, so it
    // becomes a proposal, which the incident follows to its execution.
    let pause_level = |dir: &Path| {
        let level = succeeded(run(staging(dir, &amoy, &["call", "Bridge", "pauseLevel"])));
        String::from_utf8_lossy(&level.stdout).trim().to_owned()
    };
    // Rehearsed first, on a fork of anvil at its finalized block (anvil
    // finalizes 64 blocks behind its head): the guardian impersonated,
    // nothing sent to anvil.
    finalize().await;
    let rehearsed = text(&succeeded(run(staging(
        &dir,
        &amoy,
        &["ops", "pause", "--rehearse-only", "--reason", "drill"],
    ))));
    assert!(
        rehearsed.contains("Rehearsal on a fork of staging")
            && rehearsed.contains(&format!("sent by {GUARDIAN} (impersonated)"))
            && rehearsed.contains("succeeded")
            && rehearsed.contains("After (on the fork)"),
        "{rehearsed}"
    );
    assert_eq!(pause_level(&dir), "0", "the rehearsal sent nothing");
    succeeded(run(staging(
        &dir,
        &amoy,
        &["ops", "pause", "--reason", "drill"],
    )));
    assert_eq!(pause_level(&dir), "3");
    let proposed = succeeded(run(staging(&dir, &amoy, &["ops", "unpause"])));
    assert!(
        text(&proposed).contains("proposed to the Safe"),
        "{}",
        text(&proposed)
    );
    assert_eq!(pause_level(&dir), "3", "nothing executed yet");
    let shown = |dir: &Path| {
        text(&succeeded(run(staging(
            dir,
            &amoy,
            &["incident", "show", "1"],
        ))))
    };
    let waiting = shown(&dir);
    assert!(
        waiting.contains("proposed, waiting for 2 more"),
        "{waiting}"
    );
    assert!(waiting.contains("signed by guardian"), "{waiting}");
    let record = succeeded(run(staging(
        &dir,
        &amoy,
        &["incident", "show", "1", "--json"],
    )));
    let record: Value = serde_json::from_slice(&record.stdout).expect("json");
    let file = record["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find_map(|e| e["outcome"]["file"].as_str())
        .expect("the proposal file");
    let file = dir.join(file).display().to_string();
    // With a's real signature, rehearsed on a fork where the one owner
    // still missing approves the hash, and the Safe executes it there.
    succeeded(run(owner(&["safe", "sign", &file, "--signer", "a"])));
    finalize().await;
    let rehearsed = text(&succeeded(run(staging(
        &dir,
        &amoy,
        &["ops", "unpause", "--rehearse-only"],
    ))));
    assert!(
        rehearsed.contains("executed by the Safe")
            && rehearsed.contains(&format!("real signatures: {}", owners[0])),
        "{rehearsed}"
    );
    let impersonated = rehearsed
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("approved on the fork by impersonated owners: ")
        })
        .expect("the impersonated owners");
    assert!(
        owners[1..].contains(&impersonated),
        "one missing owner, not a: {rehearsed}"
    );
    assert_eq!(pause_level(&dir), "3", "the rehearsal executed nothing");
    succeeded(run(owner(&["safe", "sign", &file, "--signer", "b"])));
    succeeded(run(owner(&["safe", "execute", &file, "--signer", "a"])));
    assert_eq!(pause_level(&dir), "0");
    let executed = shown(&dir);
    assert!(executed.contains("executed in transaction"), "{executed}");
}
