//! `slipway account`: keystores created, imported, listed, and no secret in
//! any output.

use assert_cmd::Command;
use predicates::prelude::*;

const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const PASSWORD: &str = "planted-password-7731";

fn account(home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("slipway").expect("binary");
    cmd.env("SLIPWAY_HOME", home)
        .env("ACCOUNT_PASSWORD", PASSWORD)
        .env("ACCOUNT_KEY", KEY)
        .env_remove("RUST_LOG")
        .arg("account");
    cmd
}

#[test]
fn accounts_are_created_imported_and_listed_without_showing_secrets() {
    let home = tempfile::tempdir().expect("tempdir");
    let created = account(home.path())
        .args(["new", "deployer", "--password-env", "ACCOUNT_PASSWORD"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Created keystore `deployer`"))
        .get_output()
        .clone();
    let created_address = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    assert!(
        created_address.starts_with("0x") && created_address.len() == 42,
        "{created_address}"
    );

    let imported = account(home.path())
        .args([
            "import",
            "ops",
            "--private-key-env",
            "ACCOUNT_KEY",
            "--password-env",
            "ACCOUNT_PASSWORD",
        ])
        .assert()
        .success()
        .stdout("0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n")
        .get_output()
        .clone();

    let listed = account(home.path())
        .arg("list")
        .assert()
        .success()
        .get_output()
        .clone();
    let list = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(
        list,
        format!("deployer\t{created_address}\nops\t0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n")
    );
    account(home.path())
        .args(["address", "ops"])
        .assert()
        .success()
        .stdout("0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n");

    // Same name again: refused, the first file kept.
    account(home.path())
        .args(["new", "ops", "--password-env", "ACCOUNT_PASSWORD"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("exists already"));

    for output in [&created, &imported, &listed] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !all.contains(&KEY[2..]) && !all.contains(PASSWORD),
            "a secret was printed: {all}"
        );
    }
    let file = std::fs::read_to_string(home.path().join("keystores/ops.json")).expect("keystore");
    assert!(
        !file.contains(&KEY[2..]) && !file.contains(PASSWORD),
        "the file holds neither in clear"
    );
}

#[test]
fn without_a_terminal_or_variable_it_says_how_to_pass_the_password() {
    let home = tempfile::tempdir().expect("tempdir");
    account(home.path())
        .args(["new", "x"])
        .write_stdin("")
        .assert()
        .failure()
        .stderr(predicate::str::contains("--password-env"));
    account(home.path())
        .args(["new", "x", "--password-env", "UNSET_VARIABLE_1234"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("$UNSET_VARIABLE_1234 is not set"));
    account(home.path())
        .args([
            "import",
            "y",
            "--private-key-env",
            "ACCOUNT_PASSWORD",
            "--password-env",
            "ACCOUNT_PASSWORD",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a private key"))
        .stderr(predicate::str::contains(PASSWORD).not());
}

/// Files in the keystore directory that are not readable keystores are
/// named with why; when none can be read the command fails instead of
/// printing nothing and exiting 0.
#[test]
fn unreadable_keystores_are_named_and_none_readable_is_an_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("keystores");
    std::fs::create_dir_all(dir.join("folder.json")).expect("a directory");
    std::fs::write(dir.join("garbage.json"), "not json at all").expect("write");
    std::fs::write(dir.join("wallet.json"), r#"{"name":"not a keystore"}"#).expect("write");
    account(home.path())
        .arg("list")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("folder.json: it cannot be read"))
        .stderr(predicate::str::contains("garbage.json: it is not JSON"))
        .stderr(predicate::str::contains(
            "wallet.json: it is not a Web3 Secret Storage keystore",
        ))
        .stderr(predicate::str::contains("none of the 3 files in"));

    // With one good keystore beside them: listed, the others still named.
    account(home.path())
        .args(["new", "deployer", "--password-env", "ACCOUNT_PASSWORD"])
        .assert()
        .success();
    account(home.path())
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("deployer\t0x"))
        .stderr(predicate::str::contains("skipped").count(3));
}
