//! Gas figures against an independent EVM: Hardhat's node (npm `hardhat`
//! 2.x, installed by `npm ci`). The calls `GasTest.test_GasSequence` makes
//! are sent to Hardhat as transactions of their own; the receipts' gasUsed
//! must equal what slipway-evm charges for the same transactions, and the gas
//! report's figures must equal them minus the intrinsic cost (deployments:
//! the whole transaction).

use crate::common;

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy_primitives::{Address, Bytes, U256, address, hex};
use alloy_sol_types::{SolCall, SolValue, sol};
use serde_json::{Value, json};
use slipway_evm::{BlockContext, ChainEnv, State, TxInput};
use slipway_test_runner::{GasRecord, TestFilter, TestStatus};

sol! {
    function transfer(address to, uint256 amount) external;
    function setNote(bytes text) external;
    function clearNote() external;
    function burnAll() external;
}

/// The transactions of the sequence: deployment (constructor argument
/// appended by the caller) then the calls, as the test makes them.
fn calls() -> Vec<(&'static str, Bytes)> {
    let long = hex!(
        "0102030405060708091011121314151617181920212223242526272829303132333435363738394041424344454647484950515253545556575859606162636465666768697071727374757677787980"
    );
    let alice = address!("00000000000000000000000000000000000A11CE");
    vec![
        (
            "transfer(address,uint256)",
            transferCall {
                to: alice,
                amount: U256::from(100),
            }
            .abi_encode()
            .into(),
        ),
        (
            "transfer(address,uint256)",
            transferCall {
                to: alice,
                amount: U256::from(50),
            }
            .abi_encode()
            .into(),
        ),
        (
            "setNote(bytes)",
            setNoteCall {
                text: hex!("00000000ffffffff0000").to_vec().into(),
            }
            .abi_encode()
            .into(),
        ),
        (
            "setNote(bytes)",
            setNoteCall {
                text: long.to_vec().into(),
            }
            .abi_encode()
            .into(),
        ),
        ("clearNote()", clearNoteCall {}.abi_encode().into()),
        ("burnAll()", burnAllCall {}.abi_encode().into()),
    ]
}

fn intrinsic(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
}

struct Hardhat {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Hardhat {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo")
}

/// Starts `hardhat node` on a free port with the Prague rules.
fn start_hardhat() -> Hardhat {
    let hardhat = repository().join("node_modules/hardhat/internal/cli/bootstrap.js");
    assert!(
        hardhat.is_file(),
        "npm hardhat is missing: run `npm ci` in the repository root"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("hardhat.config.js"),
        "module.exports = { networks: { hardhat: { hardfork: \"prague\", chainId: 31337, mining: { auto: true } } } };\n",
    )
    .expect("config");
    std::os::unix::fs::symlink(
        repository().join("node_modules"),
        dir.path().join("node_modules"),
    )
    .expect("symlink node_modules");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new("node")
        .arg(&hardhat)
        .args([
            "node",
            "--hostname",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .current_dir(dir.path())
        .env("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node (Node.js) on PATH");
    Hardhat {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

async fn rpc(client: &reqwest::Client, url: &str, method: &str, params: Value) -> Value {
    let answer: Value = client
        .post(url)
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
        .json()
        .await
        .expect("JSON answer");
    assert!(answer.get("error").is_none(), "{method}: {answer}");
    answer["result"].clone()
}

/// Sends one transaction from Hardhat's first account; its gasUsed.
async fn send(
    client: &reqwest::Client,
    url: &str,
    from: &str,
    to: Option<Address>,
    data: &[u8],
) -> u64 {
    let mut tx =
        json!({ "from": from, "data": format!("0x{}", hex::encode(data)), "gas": "0x989680" });
    if let Some(to) = to {
        tx["to"] = json!(to.to_string());
    }
    let hash = rpc(client, url, "eth_sendTransaction", json!([tx])).await;
    let receipt = rpc(client, url, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    u64::from_str_radix(
        receipt["gasUsed"]
            .as_str()
            .expect("gasUsed")
            .trim_start_matches("0x"),
        16,
    )
    .expect("hex")
}

/// Gas slipway-evm charges for the same transactions, on its own.
fn slipway_evm_gas(sender: Address, init_code: &[u8]) -> Vec<u64> {
    let mut state = State::new();
    state.apply(&state.balance_diff(sender, U256::from(10).pow(U256::from(24))));
    let env = ChainEnv {
        chain_id: 31_337,
        hardfork: slipway_config::Hardfork::Prague,
        unlimited_code_size: false,
        unlimited_tx_gas: false,
        no_base_fee: false,
    };
    let block = BlockContext {
        number: 1,
        timestamp: 1_700_000_000,
        gas_limit: 30_000_000,
        ..Default::default()
    };
    let mut nonce = 0;
    let mut run = |state: &mut State, to: Option<Address>, data: Bytes| {
        let outcome = state
            .transact(
                &env,
                &block,
                &TxInput {
                    from: sender,
                    to,
                    data,
                    gas_limit: 10_000_000,
                    nonce: Some(nonce),
                    ..Default::default()
                },
                true,
            )
            .expect("valid");
        nonce += 1;
        assert!(outcome.is_success());
        (outcome.gas_used, outcome.created)
    };
    let (deploy_gas, created) = run(&mut state, None, Bytes::copy_from_slice(init_code));
    let token = created.expect("created");
    let mut gas = vec![deploy_gas];
    for (_, data) in calls() {
        gas.push(run(&mut state, Some(token), data).0);
    }
    gas
}

async fn wait_ready(client: &reqwest::Client, url: &str) {
    let started = Instant::now();
    loop {
        let ready = client
            .post(url)
            .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": [] }))
            .send()
            .await
            .is_ok();
        if ready {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "hardhat node did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gas_matches_hardhat_transaction_for_transaction() {
    let suite = common::compile("test-gas-fixture");
    let init_code = [
        gas_token_bytecode().as_ref(),
        &U256::from(1_000_000).abi_encode(),
    ]
    .concat();

    // The gas report of the test that makes these calls.
    let mut options = common::options();
    options.gas_report = true;
    let filter =
        TestFilter::new(Some("test_GasSequence"), None, None, None, None, None).expect("filter");
    let results = slipway_test_runner::run(&suite.contracts, &filter, &suite.decoder, &options);
    let test = &results[0].tests[0];
    assert_eq!(test.status, TestStatus::Pass);
    let records: &[GasRecord] = &test.gas_records;
    // The sequence, then the view call of the closing assertion.
    assert_eq!(records.len(), 2 + calls().len(), "{records:#?}");
    assert_eq!(
        records[records.len() - 1].function.as_deref(),
        Some("totalSupply()")
    );

    let hardhat = start_hardhat();
    let client = slipway_testkit::http();
    wait_ready(&client, &hardhat.url).await;
    let accounts = rpc(&client, &hardhat.url, "eth_accounts", json!([])).await;
    let from = accounts[0].as_str().expect("account").to_owned();
    let sender: Address = from.parse().expect("address");
    let deploy_gas = send(&client, &hardhat.url, &from, None, &init_code).await;
    // Hardhat's first account starts at nonce 0.
    let token = sender.create(0);
    let mut hardhat_gas = vec![deploy_gas];
    for (_, data) in calls() {
        hardhat_gas.push(send(&client, &hardhat.url, &from, Some(token), &data).await);
    }

    assert_eq!(
        slipway_evm_gas(sender, &init_code),
        hardhat_gas,
        "slipway-evm charges what Hardhat charges"
    );

    assert_eq!(records[0].function, None);
    assert_eq!(records[0].contract, "GasToken");
    assert_eq!(
        records[0].gas, hardhat_gas[0],
        "deployment: the whole transaction"
    );
    assert_eq!(records[0].size, Some(deployed_size()));
    for ((record, (signature, data)), used) in
        records[1..].iter().zip(calls()).zip(&hardhat_gas[1..])
    {
        assert_eq!(record.contract, "GasToken");
        assert_eq!(record.function.as_deref(), Some(signature));
        assert_eq!(
            record.gas,
            used - intrinsic(&data),
            "{signature}: Hardhat's gasUsed minus the intrinsic cost"
        );
    }
}

fn artifact() -> Value {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("test-gas-fixture/out/Gas.t.sol/GasToken.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("artifact")).expect("json")
}

/// `GasToken`'s creation code from the fixture build.
fn gas_token_bytecode() -> Bytes {
    let object = artifact()["bytecode"]["object"]
        .as_str()
        .expect("bytecode")
        .to_owned();
    hex::decode(object).expect("hex").into()
}

fn deployed_size() -> usize {
    let object = artifact()["deployedBytecode"]["object"]
        .as_str()
        .expect("code")
        .to_owned();
    hex::decode(object).expect("hex").len()
}
