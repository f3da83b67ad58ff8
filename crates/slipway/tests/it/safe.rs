//! `slipway safe create` and `slipway safe info` on the embedded chain of a
//! starter project: Safe 1.5.0's contracts from npm put at their mainnet
//! addresses, a 2-of-3 Safe created and read back, the configuration line
//! it prints compared with the chain, and bad owners refused before
//! anything is sent.

use crate::common;

use common::{slipway, starter_project};
use predicates::prelude::*;
use serde_json::Value;

/// Dev accounts 3, 4 and 5.
const OWNERS: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";

#[test]
fn a_safe_is_created_on_the_development_chain_and_read_back_against_the_configuration() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    std::os::unix::fs::symlink(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules"),
        dir.join("node_modules"),
    )
    .expect("node_modules");

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
