//! `slipway deploy` where the environment signs through a Safe: the bundled
//! plan becomes one proposal (its CREATE2 deploy and every call batched),
//! owners sign and execute it, and the rerun records what the Safe
//! deployed. The Safe holds the admin role and, through a second proposal,
//! grants a role. A plan without salts is refused before anything is
//! proposed.

use crate::common;

use common::{repository_copy, slipway, starter_project_with_npm};
use predicates::prelude::*;
use serde_json::Value;

/// Dev accounts 3, 4 and 5.
const OWNERS: [&str; 3] = [
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
];

/// Creates a 2-of-3 Safe on the project's development chain and makes it
/// the environment's multisig, with owners a, b and c as named signers.
pub(crate) fn through_a_safe(dir: &std::path::Path) -> String {
    let created = slipway(dir)
        .args([
            "safe",
            "create",
            "--owners",
            &OWNERS.join(","),
            "--threshold",
            "2",
        ])
        .assert()
        .success();
    let safe = String::from_utf8_lossy(&created.get_output().stdout)
        .trim()
        .to_owned();
    let toml = dir.join("slipway.toml");
    let original = std::fs::read_to_string(&toml).expect("slipway.toml");
    let owners: Vec<String> = OWNERS.iter().map(|o| format!("\"{o}\"")).collect();
    std::fs::write(
        &toml,
        format!(
            "{original}\n[environments.development]\n\
             multisig = {{ safe = \"{safe}\", threshold = 2, owners = [{}] }}\n\
             [environments.development.signers]\n\
             deployer = {{ kind = \"dev\", index = 0 }}\n\
             guardian = {{ kind = \"dev\", index = 1 }}\n\
             a = {{ kind = \"dev\", index = 3 }}\n\
             b = {{ kind = \"dev\", index = 4 }}\n\
             c = {{ kind = \"dev\", index = 5 }}\n",
            owners.join(", ")
        ),
    )
    .expect("write slipway.toml");
    safe
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout)
        .trim()
        .to_owned()
}

#[test]
fn the_bundled_plan_deploys_through_a_two_of_three_safe_which_then_holds_the_admin_role() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    let safe = through_a_safe(&dir);

    // One proposal: nothing is sent, and the rerun says what is missing.
    let proposed = slipway(&dir)
        .args(["deploy"])
        .assert()
        .success()
        .stderr(predicate::str::contains("6 steps in one Safe transaction"))
        .stdout(predicate::str::contains(format!(
            "6 steps to propose to the Safe {safe} in one transaction"
        )));
    let proposal = stdout(&proposed)
        .lines()
        .last()
        .expect("the proposal file")
        .to_owned();
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(&proposal).expect("proposal")).expect("json");
    assert_eq!(file["calls"].as_array().map(Vec::len), Some(6));
    assert_eq!(file["tx"]["operation"], 1, "a MultiSendCallOnly batch");
    slipway(&dir)
        .args(["deploy"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2 more approvals needed"));
    slipway(&dir)
        .args(["deployments", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Bridge").not());

    // Two owners sign; a third account executes; the rerun records.
    for owner in ["a", "c"] {
        slipway(&dir)
            .args(["safe", "sign", &proposal, "--signer", owner])
            .assert()
            .success();
    }
    slipway(&dir)
        .args(["safe", "execute", &proposal])
        .assert()
        .success();
    slipway(&dir).args(["deploy"]).assert().success().stderr(
        predicate::str::contains("the Safe executed").and(predicate::str::contains(
            "1 record in deployments/development/",
        )),
    );
    let records = slipway(&dir)
        .args(["deployments", "--json"])
        .assert()
        .success();
    let records: Value = serde_json::from_slice(&records.get_output().stdout).expect("records");
    let bridge = records
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "Bridge"))
        .expect("the Bridge's record");
    assert_eq!(
        bridge["deployer"].as_str().map(str::to_lowercase),
        Some(safe.to_lowercase())
    );
    slipway(&dir)
        .args(["deploy"])
        .assert()
        .success()
        .stderr(predicate::str::contains("the plan is done on development"));

    // The Safe holds DEFAULT_ADMIN_ROLE (0x00…) and OPERATOR_ROLE.
    let has_role = |role: &str, account: &str| {
        stdout(
            &slipway(&dir)
                .args([
                    "call",
                    "Bridge",
                    "hasRole(bytes32,address)(bool)",
                    role,
                    account,
                ])
                .assert()
                .success(),
        )
    };
    let admin = format!("0x{}", "00".repeat(32));
    assert_eq!(has_role(&admin, &safe), "true");
    assert_eq!(
        has_role(&admin, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        "false",
        "the deployer key holds nothing"
    );

    // A role grant through the Safe afterwards: `send` proposes it.
    let validator_role = "0x21702c8af46127c7fa207f89d0b0a8441bb32959a0ac7df790e9ab1a25c98926";
    let grant = stdout(
        &slipway(&dir)
            .args([
                "send",
                "Bridge",
                "grantRole(bytes32,address)",
                validator_role,
                "0x00000000000000000000000000000000000a11cE",
            ])
            .assert()
            .success(),
    );
    for owner in ["b", "c"] {
        slipway(&dir)
            .args(["safe", "sign", &grant, "--signer", owner])
            .assert()
            .success();
    }
    slipway(&dir)
        .args(["safe", "execute", &grant, "--signer", "a"])
        .assert()
        .success();
    assert_eq!(
        has_role(validator_role, "0x00000000000000000000000000000000000a11cE"),
        "true"
    );
}

#[test]
fn a_plan_without_salts_is_refused_in_an_environment_that_deploys_through_a_safe() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project_with_npm(&tmp);
    through_a_safe(&dir);
    slipway(&dir)
        .args(["deploy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "step `Counter` deploys without a salt",
        ));
    assert!(
        !dir.join("deployments/development/proposals")
            .read_dir()
            .is_ok_and(|mut d| d
                .any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json")))),
        "nothing was proposed"
    );
}

/// An OpenZeppelin Ownable contract: its constructor makes `msg.sender`
/// the owner.
const OWNED: &str = "// SPDX-License-Identifier: MIT\n\
pragma solidity ^0.8.20;\n\
import {Ownable} from \"@openzeppelin/contracts/access/Ownable.sol\";\n\
contract Owned is Ownable {\n\
    constructor() Ownable(msg.sender) {}\n\
}\n";

const OWNED_PLAN: &str = "[[step]]\n\
id = \"Owned\"\n\
deploy = \"Owned\"\n\
salt = \"owned-v1\"\n\
via = \"create-call\"\n";

#[test]
fn a_contract_whose_constructor_takes_msg_sender_as_owner_is_owned_by_the_safe_through_create_call()
{
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project_with_npm(&tmp);
    std::fs::write(dir.join("contracts/src/Owned.sol"), OWNED).expect("contract");
    std::fs::write(dir.join("deploy/owned.toml"), OWNED_PLAN).expect("plan");
    let owner = |dir: &std::path::Path| {
        stdout(
            &slipway(dir)
                .args(["call", "Owned", "owner()(address)"])
                .assert()
                .success(),
        )
        .to_lowercase()
    };
    // Where a signer deploys directly, CreateCall means a plain CREATE:
    // the deployer owns it.
    slipway(&dir)
        .args(["deploy", "--plan", "owned"])
        .assert()
        .success();
    assert_eq!(owner(&dir), common::DEV_ADDRESS.to_lowercase());

    let safe = through_a_safe(&dir);
    let proposed = slipway(&dir)
        .args(["deploy", "--plan", "owned", "--reset"])
        .assert()
        .success();
    let proposal = stdout(&proposed)
        .lines()
        .last()
        .expect("the proposal file")
        .to_owned();
    slipway(&dir)
        .args(["safe", "export", &proposal])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Transaction Builder makes calls only",
        ));
    for owner in ["b", "c"] {
        slipway(&dir)
            .args(["safe", "sign", &proposal, "--signer", owner])
            .assert()
            .success();
    }
    slipway(&dir)
        .args(["safe", "execute", &proposal])
        .assert()
        .success();
    slipway(&dir)
        .args(["deploy", "--plan", "owned"])
        .assert()
        .success()
        .stderr(predicate::str::contains("the Safe executed Owned"));
    assert_eq!(owner(&dir), safe.to_lowercase());
}
