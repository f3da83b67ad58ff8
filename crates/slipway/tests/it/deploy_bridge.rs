//! The bundled plan, `deploy/bridge.toml`, on all three environments: the
//! embedded development chain (then again with nothing sent), staging
//! against a node with Polygon Amoy's chain id, and production against a
//! node with chain id 1 — refused while a multisig is required, then sent
//! with `multisig = false` and `--yes` from an encrypted keystore.

use crate::common;

use std::path::Path;

use alloy_primitives::keccak256;
use common::{DEV_ADDRESS, DEV_KEY, accounts, node, repository_copy, rpc, slipway};
use serde_json::{Value, json};

async fn eth_call(url: &str, to: &str, data: String) -> String {
    rpc(
        url,
        "eth_call",
        json!([{ "to": to, "data": data }, "latest"]),
    )
    .await
    .as_str()
    .expect("result")
    .to_owned()
}

fn bridge(dir: &Path, env: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(format!("deployments/{env}/Bridge.json")))
        .expect("record");
    serde_json::from_str(&text).expect("json")
}

/// `hasRole(role, account)` selector 0x91d14854.
fn has_role(role: &str, account: &str) -> String {
    format!(
        "0x91d14854{}{:0>64}",
        alloy_primitives::hex::encode(keccak256(role)),
        account.trim_start_matches("0x").to_ascii_lowercase()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_plan_deploys_on_every_environment() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);

    // Development: the embedded chain, nothing to start.
    slipway(&dir).arg("deploy").assert().success();
    let dev = bridge(&dir, "development");
    let again = slipway(&dir).arg("deploy").output().expect("deploy");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to send"));
    let threshold = slipway(&dir)
        .args(["call", "Bridge", "threshold"])
        .output()
        .expect("call");
    assert_eq!(String::from_utf8_lossy(&threshold.stdout).trim(), "2");
    let remote = slipway(&dir)
        .args(["call", "Bridge", "remoteBridge", "138"])
        .output()
        .expect("call");
    assert_eq!(
        String::from_utf8_lossy(&remote.stdout)
            .trim()
            .to_ascii_lowercase(),
        dev["address"]
            .as_str()
            .expect("address")
            .to_ascii_lowercase()
    );

    // Staging: Amoy's chain id, key from the environment, accounts from it too.
    let amoy = node(&tmp.path().join("amoy"), 80002).await;
    std::fs::write(
        dir.join("slipway.toml"),
        std::fs::read_to_string(dir.join("slipway.toml")).expect("config")
            + "\n[environments.staging]\nrpc = [\"${AMOY_URL}\"]\nconfirmations = 1\n",
    )
    .expect("config");
    let mut staging = slipway(&dir);
    staging
        .args(["deploy", "--env", "staging"])
        .env("AMOY_URL", &amoy.url)
        .env("STAGING_PRIVATE_KEY", DEV_KEY);
    accounts(&mut staging);
    let out = staging.output().expect("deploy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let staged = bridge(&dir, "staging");
    assert_eq!(staged["chainId"], json!(80002));
    let guardian = eth_call(
        &amoy.url,
        staged["address"].as_str().expect("address"),
        has_role(
            "GUARDIAN_ROLE",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        ),
    )
    .await;
    assert!(guardian.ends_with('1'), "guardian role granted: {guardian}");

    // Production: chain 1 through its two provider variables.
    let mainnet = node(&tmp.path().join("mainnet"), 1).await;
    let mut import = slipway(&dir);
    import
        .args([
            "account",
            "import",
            "deployer",
            "--private-key-env",
            "KEY",
            "--password-env",
            "PASSWORD",
            "--dir",
        ])
        .arg(dir.join(".slipway/keystores"))
        .env("KEY", DEV_KEY)
        .env("PASSWORD", "correct horse");
    import.assert().success();
    let production = |extra: &[&str]| {
        let mut cmd = slipway(&dir);
        cmd.args(["deploy", "--env", "production"])
            .args(extra)
            .env("MAINNET_RPC_URL", &mainnet.url)
            .env("MAINNET_RPC_URL_FALLBACK", &mainnet.url)
            .env("SLIPWAY_KEYSTORE_PASSWORD", "correct horse")
            // The keystore is decrypted in memory: no temporary copy
            // (a temporary directory that cannot exist changes nothing).
            .env("TMPDIR", dir.join("no-such-dir"));
        accounts(&mut cmd);
        cmd.output().expect("deploy")
    };
    let refused = production(&["--yes"]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("requires a Safe multisig"), "{message}");
    assert!(message.contains("multisig = false"), "{message}");
    assert!(
        !dir.join("deployments/production").exists(),
        "nothing sent or written"
    );

    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    assert!(config.contains("[environments.production]\n"));
    std::fs::write(
        dir.join("slipway.toml"),
        config.replace(
            "[environments.production]\n",
            "[environments.production]\nmultisig = false\nconfirmations = 1\n",
        ),
    )
    .expect("config");
    let unconfirmed = production(&[]);
    assert!(!unconfirmed.status.success());
    assert!(
        String::from_utf8_lossy(&unconfirmed.stderr).contains("--yes"),
        "{}",
        String::from_utf8_lossy(&unconfirmed.stderr)
    );
    let sent = production(&["--yes"]);
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let live = bridge(&dir, "production");
    assert_eq!(live["chainId"], json!(1));
    assert_eq!(
        live["deployer"].as_str().map(str::to_ascii_lowercase),
        Some(DEV_ADDRESS.to_ascii_lowercase())
    );
    let threshold = eth_call(
        &mainnet.url,
        live["address"].as_str().expect("address"),
        "0x42cde4e8".into(),
    )
    .await;
    assert!(
        threshold.ends_with('3'),
        "production's threshold of 3: {threshold}"
    );

    // An emergency pause on production: the guardian's keystore signs, and
    // the protected environment wants a reason first.
    let mut import = slipway(&dir);
    import
        .args([
            "account",
            "import",
            "guardian",
            "--private-key-env",
            "KEY",
            "--password-env",
            "PASSWORD",
            "--dir",
        ])
        .arg(dir.join(".slipway/keystores"))
        .env(
            "KEY",
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        )
        .env("PASSWORD", "guardian's own");
    import.assert().success();
    let ops = |extra: &[&str]| {
        let mut cmd = slipway(&dir);
        cmd.args(["ops", "pause", "--env", "production"])
            .args(extra)
            .env("MAINNET_RPC_URL", &mainnet.url)
            .env("MAINNET_RPC_URL_FALLBACK", &mainnet.url)
            .env("SLIPWAY_GUARDIAN_KEYSTORE_PASSWORD", "guardian's own");
        cmd.output().expect("ops")
    };
    let pause_level = || {
        eth_call(
            &mainnet.url,
            live["address"].as_str().expect("address"),
            "0xe61399b8".into(),
        )
    };
    assert_eq!(
        &alloy_primitives::hex::encode(&keccak256("pauseLevel()")[..4]),
        "e61399b8"
    );
    let unexplained = ops(&["--yes"]);
    assert_eq!(unexplained.status.code(), Some(2));
    let message = String::from_utf8_lossy(&unexplained.stderr);
    assert!(message.contains("needs --reason"), "{message}");
    assert!(pause_level().await.ends_with("00"), "nothing was sent");
    assert!(
        !dir.join("incidents/production").exists(),
        "nothing recorded"
    );
    let paused = ops(&["--yes", "--reason", "drill: validators compromised"]);
    assert!(
        paused.status.success(),
        "{}",
        String::from_utf8_lossy(&paused.stderr)
    );
    assert!(pause_level().await.ends_with("03"), "everything paused");
    let twin = std::fs::read_to_string(dir.join("incidents/production/incident-0001.md"))
        .expect("the incident");
    assert!(
        twin.contains("- Why: drill: validators compromised"),
        "{twin}"
    );
    assert!(
        twin.contains("signed by guardian (0x70997970C51812dc3A010C7d01b50e0d17dc79C8)"),
        "{twin}"
    );
    // A guardian key in an environment variable is refused there.
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    std::fs::write(
        dir.join("slipway.toml"),
        config
            + "\n[environments.production.signers]\nguardian = { kind = \"env\", var = \"GUARDIAN_KEY\" }\n",
    )
    .expect("config");
    let plain = ops(&["--yes", "--reason", "again", "--dry-run"]);
    assert_eq!(plain.status.code(), Some(2));
    let message = String::from_utf8_lossy(&plain.stderr);
    assert!(message.contains("production"), "{message}");
    assert!(message.contains("protected"), "{message}");
    amoy.stop().await;
    mainnet.stop().await;
}
