//! `slipway safe create` and `slipway safe info` on the embedded chain of a
//! starter project: Safe 1.5.0's contracts from npm put at their mainnet
//! addresses, a 2-of-3 Safe created and read back, the configuration line
//! it prints compared with the chain, and bad owners refused before
//! anything is sent.

use crate::common;

use common::{slipway, starter_project_with_npm};
use predicates::prelude::*;
use serde_json::Value;

/// Dev accounts 3, 4 and 5.
const OWNERS: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";

#[test]
fn a_safe_is_created_on_the_development_chain_and_read_back_against_the_configuration() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project_with_npm(&tmp);

    // Bad owners: refused before anything is sent (exit 2).
    slipway(&dir)
        .args(["safe", "create", "--owners", OWNERS, "--threshold", "4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a threshold of 4 with 3 owners cannot be met",
        ));
    let twice = format!("{OWNERS},0x90F79bf6EB2c4f870365E785982E1f101E93b906");
    slipway(&dir)
        .args(["safe", "create", "--owners", &twice, "--threshold", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("an owner is listed twice"));
    slipway(&dir)
        .args(["safe", "info"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("names no Safe: pass --safe"));

    let created = slipway(&dir)
        .args([
            "safe",
            "create",
            "--owners",
            OWNERS,
            "--threshold",
            "2",
            "--salt",
            "5",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Deployed Safe at 0xFf51A5898e281Db6DfC7855790607438dF2ca44b",
        ));
    let output = created.get_output();
    let safe = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("multisig = {"))
        .expect("the configuration line")
        .trim()
        .to_owned();
    assert!(line.contains(&safe), "{line}");

    // Records: the Safe and, on this development chain, Safe's contracts,
    // checked by `slipway verify` against the package's published code
    // hashes; a record pointing at other code is a mismatch (exit 1).
    let records = dir.join("deployments/development");
    let safe_record = records.join(format!("safe-{safe}.json"));
    assert!(safe_record.is_file(), "{}", safe_record.display());
    assert!(records.join("safe-1.5.0-MultiSendCallOnly.json").is_file());
    slipway(&dir)
        .args(["verify", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Safe's own code from @safe-global/safe-smart-account@1.5.0",
        ));
    let multi_send = records.join("safe-1.5.0-MultiSend.json");
    let text = std::fs::read_to_string(&multi_send).expect("record");
    let call_only: Value = serde_json::from_str(
        &std::fs::read_to_string(records.join("safe-1.5.0-MultiSendCallOnly.json"))
            .expect("record"),
    )
    .expect("json");
    let mut moved: Value = serde_json::from_str(&text).expect("json");
    moved["address"] = call_only["address"].clone();
    std::fs::write(&multi_send, moved.to_string()).expect("write");
    slipway(&dir)
        .args(["verify", "safe-1.5.0-MultiSend"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("published"));
    std::fs::write(&multi_send, text).expect("restore");

    let info = slipway(&dir)
        .args(["safe", "info", "--safe", &safe, "--json"])
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&info.get_output().stdout).expect("json");
    assert_eq!(json["safe"]["version"], "1.5.0");
    assert_eq!(json["safe"]["threshold"], 2);
    assert_eq!(json["safe"]["owners"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["differences"], serde_json::json!([]));

    // The printed line, as a user adds it: the chain agrees (exit 0); a
    // configuration that says otherwise is reported (exit 1).
    let toml = dir.join("slipway.toml");
    let original = std::fs::read_to_string(&toml).expect("slipway.toml");
    std::fs::write(
        &toml,
        format!("{original}\n[environments.development]\n{line}\n"),
    )
    .expect("write");
    slipway(&dir)
        .args(["safe", "info"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Threshold  2 of 3"));
    std::fs::write(
        &toml,
        format!(
            "{original}\n[environments.development]\n{}\n",
            line.replace("threshold = 2", "threshold = 3")
        ),
    )
    .expect("write");
    slipway(&dir)
        .args(["safe", "info"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the Safe's threshold is 2, the configuration says 3",
        ));
}

/// Dev accounts 3, 4 and 5 as the development environment's signers a, b
/// and c, and account 7 (no owner) as x.
const SIGNERS: &str = "[environments.development.signers]\n\
    a = { kind = \"dev\", index = 3 }\n\
    b = { kind = \"dev\", index = 4 }\n\
    c = { kind = \"dev\", index = 5 }\n\
    x = { kind = \"dev\", index = 7 }\n";
const C: &str = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const NEWCOMER: &str = "0x00000000000000000000000000000000000a11cE";

fn stdout_line(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout)
        .trim()
        .to_owned()
}

fn status(dir: &std::path::Path) -> Value {
    let out = slipway(dir)
        .args(["safe", "status", "--json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).expect("status json")
}

fn status_of(status: &Value, file: &str) -> String {
    status["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|p| p["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .and_then(|p| p["status"].as_str())
        .unwrap_or("absent")
        .to_owned()
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn owners_propose_sign_approve_and_execute_through_the_safe_and_bad_input_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project_with_npm(&tmp);
    let created = slipway(&dir)
        .args(["safe", "create", "--owners", OWNERS, "--threshold", "2"])
        .assert()
        .success();
    let safe = stdout_line(&created);
    let toml = dir.join("slipway.toml");
    let original = std::fs::read_to_string(&toml).expect("slipway.toml");
    let configure = |threshold: u32, owners: &str| {
        let listed: Vec<String> = owners.split(',').map(|o| format!("\"{o}\"")).collect();
        std::fs::write(
            &toml,
            format!(
                "{original}\n[environments.development]\nmultisig = {{ safe = \"{safe}\", threshold = {threshold}, owners = [{}] }}\n{SIGNERS}",
                listed.join(", ")
            ),
        )
        .expect("write slipway.toml");
    };
    configure(2, OWNERS);

    // Two proposals: an owner swap (nonce 0) and, through `slipway send`
    // in an environment that signs through its Safe, a threshold change
    // (nonce 1). Nothing is sent.
    let swap = stdout_line(
        &slipway(&dir)
            .args(["safe", "owners", "swap", C, NEWCOMER])
            .assert()
            .success(),
    );
    assert!(file_name(&swap).starts_with("0-0x"), "{swap}");
    let lower = stdout_line(
        &slipway(&dir)
            .args(["send", &safe, "changeThreshold(uint256)", "1"])
            .assert()
            .success()
            .stderr(predicate::str::contains("nothing was sent")),
    );
    assert!(file_name(&lower).starts_with("1-0x"), "{lower}");
    let queue = status(&dir);
    assert_eq!(queue["nonce"], "0x0");
    assert_eq!(status_of(&queue, &file_name(&swap)), "waiting for 2");
    assert_eq!(status_of(&queue, &file_name(&lower)), "waiting for 2");
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(&lower).expect("proposal")).expect("json");
    assert_eq!(
        summary["summary"][0]
            .as_str()
            .map(|s| s.starts_with("call changeThreshold(1) on ")),
        Some(true),
        "the call decoded with its ABI: {summary}"
    );
    let info = slipway(&dir)
        .args(["safe", "info", "--json"])
        .assert()
        .success();
    let info: Value = serde_json::from_slice(&info.get_output().stdout).expect("json");
    assert_eq!(info["pending"].as_array().map(Vec::len), Some(2), "{info}");

    // Below the threshold: a's own approval by executing is one of two
    // (exit 1, naming who has not approved).
    slipway(&dir)
        .args(["safe", "execute", &swap, "--signer", "a"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has 1 of the 2 approvals"));
    // A stranger cannot sign; an edited file is refused.
    slipway(&dir)
        .args(["safe", "sign", &swap, "--signer", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an owner of the Safe"));
    let tampered = tmp.path().join("tampered.json");
    let text = std::fs::read_to_string(&swap).expect("proposal");
    let edited = text.replace(
        &NEWCOMER[2..].to_lowercase(),
        "00000000000000000000000000000000000bad00",
    );
    assert_ne!(edited, text, "the newcomer is in the file");
    std::fs::write(&tampered, edited).expect("write");
    slipway(&dir)
        .args([
            "safe",
            "sign",
            tampered.to_str().expect("utf-8"),
            "--signer",
            "b",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("changed after it was proposed"));

    // b signs (the hashes a hardware wallet shows come first); c approves
    // on chain; the deployer, no owner, executes with both.
    slipway(&dir)
        .args(["safe", "sign", &swap, "--signer", "b"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("Domain hash")
                .and(predicate::str::contains("1 more approval needed")),
        );
    slipway(&dir)
        .args(["safe", "approve", &swap, "--signer", "c"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Enough owners approved"));
    slipway(&dir)
        .args(["safe", "execute", &swap])
        .assert()
        .success()
        .stderr(predicate::str::contains("Executed Safe transaction"));
    slipway(&dir)
        .args(["safe", "execute", &swap])
        .assert()
        .success()
        .stderr(predicate::str::contains("Found the executed"));

    // The chain now differs from the configuration (c was replaced): every
    // proposal command refuses until slipway.toml says what is true.
    slipway(&dir)
        .args(["safe", "sign", &lower, "--signer", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("differs from multisig"));
    let rotated = OWNERS.replace(C, NEWCOMER);
    configure(2, &rotated);

    // The threshold change is rejected by an empty proposal at its nonce,
    // then executed anyway: a signs with eth_sign, b executes and counts
    // by sending. The rejection can then never execute.
    let reject = stdout_line(
        &slipway(&dir)
            .args(["safe", "reject", &lower])
            .assert()
            .success(),
    );
    assert!(file_name(&reject).starts_with("1-0x"), "{reject}");
    slipway(&dir)
        .args(["safe", "sign", &lower, "--signer", "a", "--eth-sign"])
        .assert()
        .success();
    slipway(&dir)
        .args(["safe", "execute", &lower, "--signer", "b"])
        .assert()
        .success();
    configure(1, &rotated);
    let queue = status(&dir);
    assert_eq!(queue["threshold"], 1);
    assert_eq!(queue["nonce"], "0x2");
    assert!(status_of(&queue, &file_name(&swap)).starts_with("executed"));
    assert!(status_of(&queue, &file_name(&lower)).starts_with("executed"));
    assert_eq!(
        status_of(&queue, &file_name(&reject)),
        "superseded: its nonce was used"
    );
    slipway(&dir)
        .args(["safe", "sign", &reject, "--signer", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("past this proposal's 1"));

    // Safe{Wallet}'s Transaction Builder file: the call, on this chain.
    let exported = slipway(&dir)
        .args(["safe", "export", &lower])
        .assert()
        .success();
    let batch: Value = serde_json::from_slice(&exported.get_output().stdout).expect("json");
    assert_eq!(batch["version"], "1.0");
    assert_eq!(batch["chainId"], "1337");
    assert_eq!(
        batch["transactions"][0]["to"]
            .as_str()
            .map(str::to_lowercase),
        Some(safe.to_lowercase())
    );
    assert!(
        batch["transactions"][0]["data"]
            .as_str()
            .is_some_and(|d| d.starts_with("0x694e80c3")),
        "changeThreshold(uint256)'s selector: {batch}"
    );

    // A crash between sending execTransaction and recording it: the file
    // holds the sent hash; the rerun finds it landed and sends nothing.
    let add = stdout_line(
        &slipway(&dir)
            .args([
                "safe",
                "owners",
                "add",
                "0x00000000000000000000000000000000000b0b00",
            ])
            .assert()
            .success(),
    );
    let crashed = slipway(&dir)
        .args(["safe", "execute", &add, "--signer", "a"])
        .env(slipway_deploy::safe::FAILPOINT_EXECUTE_VAR, "1")
        .assert()
        .failure();
    assert_eq!(
        crashed.get_output().status.code(),
        None,
        "killed by a signal"
    );
    assert!(
        std::fs::read_to_string(&add)
            .expect("proposal")
            .contains("\"sent\""),
        "the sent transaction is in the file"
    );
    slipway(&dir)
        .args(["safe", "execute", &add, "--signer", "a"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Found the executed"));
    configure(
        1,
        &format!("0x00000000000000000000000000000000000b0b00,{rotated}"),
    );
    let queue = status(&dir);
    assert_eq!(queue["nonce"], "0x3", "sent once");
    assert!(status_of(&queue, &file_name(&add)).starts_with("executed"));
}

#[test]
fn in_a_protected_environment_owners_sign_with_keystores_never_an_env_key_and_execution_is_confirmed()
 {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project_with_npm(&tmp);
    let created = slipway(&dir)
        .args(["safe", "create", "--owners", OWNERS, "--threshold", "2"])
        .assert()
        .success();
    let safe = stdout_line(&created);
    // Owners a and b keep their keys in keystores (dev accounts 3 and 4).
    for (name, key) in [
        (
            "a",
            "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        ),
        (
            "b",
            "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        ),
    ] {
        slipway(&dir)
            .args(["account", "import", name, "--dir"])
            .arg(dir.join("keys"))
            .args([
                "--private-key-env",
                "OWNER_KEY",
                "--password-env",
                "OWNER_PASSWORD",
            ])
            .env("OWNER_KEY", key)
            .env("OWNER_PASSWORD", "correct horse")
            .assert()
            .success();
    }
    let toml = dir.join("slipway.toml");
    let original = std::fs::read_to_string(&toml).expect("slipway.toml");
    let listed: Vec<String> = OWNERS.split(',').map(|o| format!("\"{o}\"")).collect();
    std::fs::write(
        &toml,
        format!(
            "{original}\n[environments.development]\nprotected = true\n\
             multisig = {{ safe = \"{safe}\", threshold = 2, owners = [{}] }}\n\
             [environments.development.signers]\n\
             a = {{ kind = \"keystore\", path = \"keys/a.json\", password_env = \"OWNER_PASSWORD\" }}\n\
             b = {{ kind = \"keystore\", path = \"keys/b.json\", password_env = \"OWNER_PASSWORD\" }}\n\
             e = {{ kind = \"env\", var = \"OWNER_KEY\" }}\n",
            listed.join(", ")
        ),
    )
    .expect("write slipway.toml");
    let signed = |args: &[&str]| {
        let mut cmd = slipway(&dir);
        cmd.args(args).env("OWNER_PASSWORD", "correct horse").env(
            "OWNER_KEY",
            "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        );
        cmd
    };

    // Proposing sends nothing: no confirmation. An owner change is asked
    // for, and without a terminal it needs --yes.
    let lower = stdout_line(
        &slipway(&dir)
            .args(["send", &safe, "changeThreshold(uint256)", "1"])
            .assert()
            .success(),
    );
    slipway(&dir)
        .args(["safe", "threshold", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    // The env-variable key is refused even though it is an owner's (c).
    signed(&["safe", "sign", &lower, "--signer", "e"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("8b3a350c").not())
        .stderr(predicate::str::contains("is protected"));
    for owner in ["a", "b"] {
        signed(&["safe", "sign", &lower, "--signer", owner])
            .assert()
            .success();
    }
    signed(&["safe", "execute", &lower, "--signer", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    signed(&["safe", "execute", &lower, "--signer", "a", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Executed Safe transaction"));
    slipway(&dir)
        .args(["safe", "info", "--json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the Safe's threshold is 1, the configuration says 2",
        ));
}

#[test]
fn with_a_transaction_service_signatures_are_posted_and_those_made_in_safe_wallet_count() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project_with_npm(&tmp);
    let created = slipway(&dir)
        .args(["safe", "create", "--owners", OWNERS, "--threshold", "2"])
        .assert()
        .success();
    let safe = stdout_line(&created);
    let service = slipway_testkit::SafeServiceStandIn::start();
    let toml = dir.join("slipway.toml");
    let original = std::fs::read_to_string(&toml).expect("slipway.toml");
    let configure = |url: &str| {
        std::fs::write(
            &toml,
            format!(
                "{original}\n[environments.development]\n\
                 multisig = {{ safe = \"{safe}\", threshold = 2, service = \"{url}\" }}\n{SIGNERS}"
            ),
        )
        .expect("write slipway.toml");
    };
    // Nothing listens: the signature stays in the file, and the error says
    // why the service did not take it.
    configure(&format!(
        "http://127.0.0.1:{}",
        slipway_testkit::free_port()
    ));
    let lower = stdout_line(
        &slipway(&dir)
            .args(["send", &safe, "changeThreshold(uint256)", "1"])
            .assert()
            .success(),
    );
    slipway(&dir)
        .args(["safe", "sign", &lower, "--signer", "a"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("the signature is saved in")
                .and(predicate::str::contains("connection refused")),
        );
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(&lower).expect("proposal")).expect("json");
    assert_eq!(file["signatures"].as_array().map(Vec::len), Some(1));
    let hash = file["safeTxHash"].as_str().expect("hash").to_owned();

    // Reachable: signing again posts the proposal with a's signature.
    configure(&service.url());
    slipway(&dir)
        .args(["safe", "sign", &lower, "--signer", "a"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "posted to the Safe Transaction Service",
        ));
    let posted = service.transaction(&hash).expect("the service holds it");
    assert_eq!(posted["confirmations"].as_array().map(Vec::len), Some(1));

    // Owner b confirms in Safe{Wallet} (its signature reaches the service
    // only); status and execute count it.
    let b = slipway_keys::derive_account(slipway_config::DEV_MNEMONIC, 4).expect("b");
    let digest: alloy_primitives::B256 = hash.parse().expect("hash");
    let signature = alloy_signer::SignerSync::sign_hash_sync(&b.signer, &digest).expect("sign");
    let mut bytes = signature.as_bytes().to_vec();
    bytes[64] = 27 + u8::from(signature.v());
    assert!(service.add_confirmation(
        &hash,
        &b.address.to_checksum(None),
        &alloy_primitives::hex::encode_prefixed(&bytes),
    ));
    let queue = status(&dir);
    assert_eq!(status_of(&queue, &file_name(&lower)), "ready to execute");
    slipway(&dir)
        .args(["safe", "execute", &lower])
        .assert()
        .success();
    slipway(&dir)
        .args(["safe", "info", "--json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"threshold\": 1"));
}
