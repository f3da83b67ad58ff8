//! Protection follows the chain, never the environment's name: `mainnet`
//! on chain 1 and an environment on Chain 138 refuse keys from environment
//! variables and need confirmation (`--yes` without a terminal) exactly as
//! `production` does; nothing is sent until both hold.

use crate::common;

use common::{node, nonce, slipway, starter_project};

const DEV_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const TO: &str = "0x0000000000000000000000000000000000000b0b";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environments_on_valuable_chains_are_protected_whatever_their_name() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    let keystores = dir.join(".slipway/keystores");
    slipway(&dir)
        .args([
            "account",
            "import",
            "ops",
            "--private-key-env",
            "KEY",
            "--password-env",
            "PASSWORD",
            "--dir",
        ])
        .arg(&keystores)
        .env("KEY", DEV_KEY)
        .env("PASSWORD", "correct horse")
        .assert()
        .success();
    let mainnet = node(&tmp.path().join("chain1"), 1).await;
    let chain138 = node(&tmp.path().join("chain138"), 138).await;
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    let environments = format!(
        "{config}\n\
         [environments.mainnet]\nchain = \"mainnet\"\nrpc = [\"{}\"]\nmultisig = false\nconfirmations = 1\n\
         [environments.mainnet.signers]\n\
         raw = {{ kind = \"env\", var = \"KEY\" }}\n\
         deployer = {{ kind = \"keystore\", path = \".slipway/keystores/ops.json\", password_env = \"PASSWORD\" }}\n\
         [environments.defi]\nchain = \"chain-138\"\nrpc = [\"{}\"]\nmultisig = false\nconfirmations = 1\n\
         [environments.defi.signers]\n\
         raw = {{ kind = \"env\", var = \"KEY\" }}\n\
         deployer = {{ kind = \"keystore\", path = \".slipway/keystores/ops.json\", password_env = \"PASSWORD\" }}\n",
        mainnet.url, chain138.url
    );
    std::fs::write(dir.join("slipway.toml"), environments).expect("config");

    for (env, url) in [("mainnet", &mainnet.url), ("defi", &chain138.url)] {
        let send = |extra: &[&str]| {
            let mut cmd = slipway(&dir);
            cmd.args(["send", "--env", env, TO, "ping()"])
                .args(extra)
                .env("KEY", DEV_KEY)
                .env("PASSWORD", "correct horse")
                // No terminal: nobody can type the name back.
                .write_stdin("");
            cmd.output().expect("send")
        };
        let raw = send(&["--signer", "raw", "--yes"]);
        assert_eq!(raw.status.code(), Some(2), "{env}");
        let message = String::from_utf8_lossy(&raw.stderr);
        assert!(message.contains("is protected"), "{env}: {message}");
        assert!(!message.contains(DEV_KEY), "the key never shows");

        let unconfirmed = send(&[]);
        assert_eq!(unconfirmed.status.code(), Some(2), "{env}");
        let message = String::from_utf8_lossy(&unconfirmed.stderr);
        assert!(
            message.contains("needs confirmation") && message.contains("--yes"),
            "{env}: {message}"
        );
        assert_eq!(nonce(url, DEV_ADDRESS).await, 0, "{env}: nothing sent");

        let deploy = slipway(&dir)
            .args(["deploy", "--env", env])
            .env("PASSWORD", "correct horse")
            .write_stdin("")
            .output()
            .expect("deploy");
        assert_eq!(deploy.status.code(), Some(2), "{env}");
        assert!(
            String::from_utf8_lossy(&deploy.stderr).contains("needs confirmation"),
            "{env}: {}",
            String::from_utf8_lossy(&deploy.stderr)
        );
        assert_eq!(nonce(url, DEV_ADDRESS).await, 0, "{env}: nothing deployed");

        let sent = send(&["--yes", "--reason", "smoke test"]);
        assert!(
            sent.status.success(),
            "{env}: {}",
            String::from_utf8_lossy(&sent.stderr)
        );
        assert!(String::from_utf8_lossy(&sent.stderr).contains("Reason smoke test"));
        assert_eq!(nonce(url, DEV_ADDRESS).await, 1, "{env}: sent once");
    }

    // Lifting the protection works, and is warned about on every use.
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    std::fs::write(
        dir.join("slipway.toml"),
        config.replacen(
            "[environments.mainnet]\n",
            "[environments.mainnet]\nprotected = false\n",
            1,
        ),
    )
    .expect("config");
    let lifted = slipway(&dir)
        .args(["send", "--env", "mainnet", TO, "ping()", "--signer", "raw"])
        .env("KEY", DEV_KEY)
        .write_stdin("")
        .output()
        .expect("send");
    assert!(
        lifted.status.success(),
        "{}",
        String::from_utf8_lossy(&lifted.stderr)
    );
    assert!(
        String::from_utf8_lossy(&lifted.stderr).contains("`protected = false` lifts"),
        "{}",
        String::from_utf8_lossy(&lifted.stderr)
    );
    mainnet.stop().await;
    chain138.stop().await;
}
