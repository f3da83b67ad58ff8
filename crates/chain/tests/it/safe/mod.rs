//! Safe 1.5.0's, 1.4.1's and 1.3.0's own contracts (npm
//! `@safe-global/safe-smart-account`, `@safe-global/safe-contracts`,
//! `@gnosis.pm/safe-contracts`) on
//! the embedded chain and on anvil: deployed through the singleton factory
//! (a predeploy of the embedded chain; on anvil, its presigned deployment
//! broadcast) at their canonical addresses with their published code
//! hashes, a 2-of-3 Safe created at its predicted address, and a SafeTx
//! hashed here, by the Safe itself (`getTransactionHash`) and by Safe's SDK
//! (protocol-kit, off chain), then executed with two owners' EIP-712
//! signatures.

mod service;
use std::{path::PathBuf, process::Command, time::Duration};

use alloy_primitives::{Address, U256, address};
use slipway_chain::{
    CallRequest, ChainClient, Lifecycle, NonceTracker, Providers, TxEvent, TxRequest,
    resolve_signer,
    safe::{
        AllowedRisks, BatchCall, Batching, FactoryDeployment, Operation, OwnerChange,
        OwnerSignature, SafeError, SafeRelease, SafeSetup, SafeTx, SignatureKind, UnsafeTx,
        approve_hash, approved_owners, check_transaction, create_safe, deploy_release,
        encode_signatures, exec_transaction, executor_approval, install_singleton_factory,
        predict_safe, read_state,
    },
};
use slipway_config::{Config, FeePolicy, PriorityFee, Vars};
use slipway_keys::{ChainSigner, SignerError};
use slipway_testkit::Anvil;

use crate::common::{dev_signer, node, url};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Dev accounts 3, 4 and 5 as named signers of the development environment.
fn owners() -> Vec<ChainSigner> {
    let text = "[environments.development.signers]\n\
        a = { kind = \"dev\", index = 3 }\n\
        b = { kind = \"dev\", index = 4 }\n\
        c = { kind = \"dev\", index = 5 }\n";
    let config = Config::parse(
        std::path::Path::new("/p"),
        "/p/slipway.toml".into(),
        text.into(),
        Vars::default(),
    )
    .expect("config");
    let environment = config.environment("development").expect("development");
    ["a", "b", "c"]
        .iter()
        .map(|name| {
            resolve_signer(&environment, name, config.vars(), &|_| {
                Err(SignerError::Password("none".into()))
            })
            .expect("a dev owner")
        })
        .collect()
}

fn lifecycle(chain_id: u64) -> Lifecycle {
    Lifecycle {
        chain_id,
        fees: FeePolicy {
            eip1559: true,
            priority_fee: PriorityFee::Fixed(1_000_000_000),
            max_fee_cap: None,
            bump_after: Duration::from_secs(10),
            bump_percent: 12,
            bump_limit: 3,
        },
        confirmations: 1,
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(30),
    }
}

async fn sign(owner: &ChainSigner, tx: &SafeTx, chain_id: u64, safe: Address) -> OwnerSignature {
    OwnerSignature {
        owner: owner.address(),
        kind: SignatureKind::Typed,
        signature: Some(
            owner
                .sign_typed_data(&tx.typed_data(chain_id, safe))
                .await
                .expect("sign"),
        ),
    }
}

fn protocol_kit_hash(version: &str, chain_id: u64, safe: Address, tx: &SafeTx) -> String {
    let input = serde_json::json!({
        "safe": safe.to_checksum(None),
        "chainId": chain_id,
        "version": version,
        "tx": {
            "to": tx.to.to_checksum(None),
            "value": tx.value.to_string(),
            "data": tx.data.to_string(),
            "operation": u8::from(tx.operation),
            "safeTxGas": tx.safe_tx_gas.to_string(),
            "baseGas": tx.base_gas.to_string(),
            "gasPrice": tx.gas_price.to_string(),
            "gasToken": tx.gas_token.to_checksum(None),
            "refundReceiver": tx.refund_receiver.to_checksum(None),
            "nonce": tx.nonce.to::<u64>()
        }
    });
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/safe/protocol-kit-hash.cjs");
    let out = Command::new("node")
        .arg(script)
        .arg(input.to_string())
        .current_dir(repo())
        .output()
        .expect("node runs (npm ci installs protocol-kit)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

// Two workers: the embedded node answers protocol-kit (node, another
// process) while the test waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn safe_1_5_0_lands_canonically_and_a_two_of_three_safe_executes_what_two_owners_signed() {
    let handle = node().await;
    scenario(&handle.url, 1337, false, SAFE_1_5_0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_on_anvil_after_broadcasting_the_singleton_factorys_presigned_deployment() {
    let anvil = Anvil::start(31_337, &[]);
    scenario(&anvil.url(), 31_337, true, SAFE_1_5_0).await;
}

/// Most deployed Safes are 1.3.0 or 1.4.1: the same scenario with Safe
/// 1.4.1's own bytecode (npm `@safe-global/safe-contracts` 1.4.1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_with_safe_1_4_1() {
    let handle = node().await;
    scenario(&handle.url, 1337, false, SAFE_1_4_1).await;
}

/// The oldest release still common: Safe 1.3.0's own bytecode (npm
/// `@gnosis.pm/safe-contracts` 1.3.0), whose canonical addresses come
/// from the deterministic deployment proxy rather than the singleton
/// factory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_with_safe_1_3_0() {
    let handle = node().await;
    scenario(&handle.url, 1337, false, SAFE_1_3_0).await;
}

/// A release the scenario runs on: its version and its Safe singleton's
/// mainnet address, as Safe's documentation lists it.
struct Version {
    version: &'static str,
    singleton: Address,
}

const SAFE_1_5_0: Version = Version {
    version: "1.5.0",
    singleton: address!("Ff51A5898e281Db6DfC7855790607438dF2ca44b"),
};

const SAFE_1_3_0: Version = Version {
    version: "1.3.0",
    singleton: address!("d9Db270c1B5E3Bd161E8c8503c55cEABeE709552"),
};

const SAFE_1_4_1: Version = Version {
    version: "1.4.1",
    singleton: address!("41675C099F32341bf84BFc5382aF534df5C7461a"),
};

/// The whole scenario against the node at `url`; `factory_missing`: the
/// chain lacks the singleton factory until its presigned deployment.
async fn scenario(node_url: &str, chain_id: u64, factory_missing: bool, release: Version) {
    let Version { version, singleton } = release;
    let client = ChainClient::remote(
        Providers::new(vec![url(node_url)], Duration::from_secs(5)).expect("providers"),
    );
    let lifecycle = lifecycle(chain_id);
    let nonces = NonceTracker::new();
    let deployer = dev_signer();
    let mut events = |_: TxEvent| {};
    let factory = FactoryDeployment::load(&repo().join("node_modules"), chain_id)
        .expect("npm ci installs the singleton factory's deployments");
    let installed = install_singleton_factory(
        &client,
        &lifecycle,
        &nonces,
        &deployer,
        &factory,
        &mut events,
    )
    .await
    .expect("the singleton factory");
    assert_eq!(installed, factory_missing);
    let release = SafeRelease::load(&repo().join("node_modules"), version)
        .expect("npm ci installs Safe's contracts");

    // Every contract at its canonical address, with its published code hash;
    // a second run sends nothing.
    let deployed = deploy_release(
        &client,
        &lifecycle,
        &nonces,
        &deployer,
        &release,
        &mut events,
    )
    .await
    .expect("deploy the release");
    assert_eq!(deployed.len(), 7);
    assert!(deployed.iter().all(|(_, _, sent)| *sent), "{deployed:?}");
    assert_eq!(
        deployed[0].1, singleton,
        "the Safe singleton's mainnet address"
    );
    let again = deploy_release(
        &client,
        &lifecycle,
        &nonces,
        &deployer,
        &release,
        &mut events,
    )
    .await
    .expect("checked again");
    assert!(again.iter().all(|(_, _, sent)| !*sent), "{again:?}");

    // A 2-of-3 Safe at the predicted address.
    let owners = owners();
    let setup = SafeSetup {
        owners: owners.iter().map(ChainSigner::address).collect(),
        threshold: 2,
        salt_nonce: U256::from(7),
    };
    let predicted = predict_safe(&client, &release, &setup)
        .await
        .expect("predict");
    let safe = create_safe(
        &client,
        &lifecycle,
        &nonces,
        &deployer,
        &release,
        &setup,
        &mut events,
    )
    .await
    .expect("create the Safe");
    assert_eq!(safe, predicted);
    let state = read_state(&client, safe).await.expect("read the Safe");
    assert_eq!(state.version, version);
    assert_eq!(state.threshold, 2);
    assert_eq!(state.nonce, U256::ZERO);
    let mut listed = state.owners.clone();
    listed.sort();
    let mut expected = setup.owners.clone();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(state.modules.is_empty() && state.guard.is_none());
    assert_eq!(
        state.fallback_handler,
        Some(
            release
                .contract("CompatibilityFallbackHandler")
                .expect("handler")
                .address
        )
    );
    // The same salt again would collide: refused before sending.
    let twice = create_safe(
        &client,
        &lifecycle,
        &nonces,
        &deployer,
        &release,
        &setup,
        &mut events,
    )
    .await;
    assert!(
        matches!(twice, Err(SafeError::Misplaced { .. })),
        "{twice:?}"
    );

    // Fund it, then pay 0.25 ether out of it.
    let ether = U256::from(10u64).pow(U256::from(18));
    lifecycle
        .send(
            &client,
            &nonces,
            &deployer,
            &TxRequest {
                to: Some(safe),
                value: ether,
                data: Default::default(),
                gas_limit: None,
            },
            &mut events,
        )
        .await
        .expect("fund the Safe");
    let recipient = address!("00000000000000000000000000000000000c0ffe");
    let tx = SafeTx {
        to: recipient,
        value: ether / U256::from(4),
        operation: Operation::Call,
        nonce: state.nonce,
        ..Default::default()
    };
    let hash = tx.hash(chain_id, safe);
    let on_chain = client
        .call(&CallRequest {
            to: Some(safe),
            data: tx.hash_calldata(),
            ..Default::default()
        })
        .await
        .expect("getTransactionHash");
    assert_eq!(on_chain.as_ref(), hash.as_slice(), "the Safe's own hash");
    assert_eq!(
        protocol_kit_hash(version, chain_id, safe, &tx),
        hash.to_string(),
        "protocol-kit's hash"
    );

    // Owners c and a sign; each signature is theirs, over this hash only.
    let by_c = sign(&owners[2], &tx, chain_id, safe).await;
    let by_a = sign(&owners[0], &tx, chain_id, safe).await;
    by_c.verify(hash).expect("c signed");
    let other_chain = tx.hash(chain_id + 1, safe);
    assert!(
        by_c.verify(other_chain).is_err(),
        "not valid for another chain"
    );
    let claimed_by_b = OwnerSignature {
        owner: owners[1].address(),
        ..by_c.clone()
    };
    assert!(claimed_by_b.verify(hash).is_err(), "not b's");

    let exec = |signatures: Vec<OwnerSignature>| TxRequest {
        to: Some(safe),
        value: U256::ZERO,
        data: tx.exec_calldata(&signatures),
        gas_limit: None,
    };
    // One signature is below the threshold: the Safe refuses (GS020).
    let below = lifecycle
        .send(
            &client,
            &nonces,
            &deployer,
            &exec(vec![by_a.clone()]),
            &mut events,
        )
        .await;
    assert!(below.is_err(), "{below:?}");
    // Two, given in any order: encoded sorted by owner, as the Safe needs.
    let landed = lifecycle
        .send(
            &client,
            &nonces,
            &deployer,
            &exec(vec![by_c, by_a]),
            &mut events,
        )
        .await
        .expect("execTransaction");
    assert!(
        matches!(landed, TxEvent::Confirmed { success: true, .. }),
        "{landed:?}"
    );
    assert_eq!(
        client.balance(recipient).await.expect("balance"),
        ether / U256::from(4)
    );
    assert_eq!(
        read_state(&client, safe).await.expect("state").nonce,
        U256::from(1)
    );

    // Two payments as one transaction through MultiSendCallOnly, signed by
    // b and c: the checks pass it, and both land.
    let second = address!("00000000000000000000000000000000000c0ff2");
    let calls = [recipient, second].map(|to| BatchCall {
        operation: Operation::Call,
        to,
        value: ether / U256::from(10),
        data: Default::default(),
    });
    let batch = SafeTx::batch(&release.batching(), &calls, U256::from(1));
    check_transaction(&batch, &release.batching(), AllowedRisks::default())
        .expect("a batch is safe");
    let signatures = vec![
        sign(&owners[1], &batch, chain_id, safe).await,
        sign(&owners[2], &batch, chain_id, safe).await,
    ];
    let landed = lifecycle
        .send(
            &client,
            &nonces,
            &deployer,
            &TxRequest {
                to: Some(safe),
                value: U256::ZERO,
                data: batch.exec_calldata(&signatures),
                gas_limit: None,
            },
            &mut events,
        )
        .await
        .expect("the batch");
    assert!(
        matches!(landed, TxEvent::Confirmed { success: true, .. }),
        "{landed:?}"
    );
    assert_eq!(
        client.balance(recipient).await.expect("balance"),
        ether / U256::from(4) + ether / U256::from(10)
    );
    assert_eq!(
        client.balance(second).await.expect("balance"),
        ether / U256::from(10)
    );

    // The batching contracts found on this chain are the release's.
    assert_eq!(
        Batching::find(&client, &repo().join("node_modules"), version, chain_id)
            .await
            .expect("on chain"),
        release.batching()
    );
    // Owners a and c pay for their own transactions below.
    for owner in [&owners[0], &owners[2]] {
        lifecycle
            .send(
                &client,
                &nonces,
                &deployer,
                &TxRequest {
                    to: Some(owner.address()),
                    value: ether / U256::from(100),
                    data: Default::default(),
                    gas_limit: None,
                },
                &mut events,
            )
            .await
            .expect("fund an owner");
    }

    // Owner rotation: a replaces c's key with a new one. b signs, a
    // approves the hash on chain, and c — who executes — counts by
    // sending it; the previous owner in the Safe's list is found from
    // the state.
    let state = read_state(&client, safe).await.expect("state");
    let newcomer = address!("00000000000000000000000000000000000a11ce");
    let swap = OwnerChange::Swap {
        old: owners[1].address(),
        new: newcomer,
    };
    assert!(
        OwnerChange::Swap {
            old: newcomer,
            new: newcomer
        }
        .calldata(&state)
        .is_err(),
        "a stranger cannot be swapped out"
    );
    assert!(
        OwnerChange::Threshold(4).calldata(&state).is_err(),
        "4 of 3 cannot be met"
    );
    let rotation = SafeTx {
        to: safe,
        data: swap.calldata(&state).expect("b is an owner"),
        nonce: state.nonce,
        ..Default::default()
    };
    let rotation_hash = rotation.hash(chain_id, safe);
    approve_hash(
        &client,
        &lifecycle,
        &owners[0],
        safe,
        rotation_hash,
        &mut events,
    )
    .await
    .expect("a approves on chain");
    let approved = approved_owners(&client, safe, rotation_hash, &state.owners)
        .await
        .expect("approvals");
    assert_eq!(approved, vec![owners[0].address()]);
    let by_b = sign(&owners[1], &rotation, chain_id, safe).await;
    let with_approval = vec![by_b.clone(), executor_approval(owners[0].address())];
    // The executor's own approval is implicit only for the executor.
    let not_c = exec_transaction(
        &client,
        &lifecycle,
        &deployer,
        safe,
        &rotation,
        &[by_b.clone(), executor_approval(owners[2].address())],
        &mut events,
    )
    .await;
    assert!(
        not_c.is_err(),
        "c approved nothing and did not send: {not_c:?}"
    );
    exec_transaction(
        &client,
        &lifecycle,
        &owners[2],
        safe,
        &rotation,
        &with_approval,
        &mut events,
    )
    .await
    .expect("b's signature and a's approval");
    let rotated = read_state(&client, safe).await.expect("state");
    assert!(rotated.is_owner(newcomer), "{rotated:?}");
    assert!(!rotated.is_owner(owners[1].address()), "{rotated:?}");
    assert_eq!(rotated.nonce, state.nonce + U256::from(1));

    // Safe's own SDK on the other side. protocol-kit signs as c and slipway
    // executes as a; then slipway's signatures (a typed, c eth_sign) are
    // executed by protocol-kit, sent by the deployer, who owns nothing.
    let kit = |input: serde_json::Value| -> serde_json::Value {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/safe/protocol-kit-sign-execute.cjs");
        let out = tokio::task::block_in_place(|| {
            Command::new("node")
                .arg(script)
                .arg(input.to_string())
                .current_dir(repo())
                .output()
                .expect("node runs (npm ci installs protocol-kit)")
        });
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("protocol-kit's answer")
    };
    let at = |name: &str| {
        release
            .contract(name)
            .expect("in the release")
            .address
            .to_checksum(None)
    };
    let contracts = serde_json::json!({
        "safeSingletonAddress": at("SafeL2"),
        "safeProxyFactoryAddress": at("SafeProxyFactory"),
        "multiSendAddress": at("MultiSend"),
        "multiSendCallOnlyAddress": at("MultiSendCallOnly"),
        "fallbackHandlerAddress": at("CompatibilityFallbackHandler"),
        "createCallAddress": at("CreateCall"),
        "signMessageLibAddress": at("CompatibilityFallbackHandler"),
        "simulateTxAccessorAddress": at("CompatibilityFallbackHandler"),
    });
    let key = |signer: &ChainSigner| match signer {
        ChainSigner::Local(key) => key.signer().to_bytes().to_string(),
        ChainSigner::External(_) | ChainSigner::Impersonated(_) => {
            unreachable!("dev keys are local")
        }
    };
    let third = address!("00000000000000000000000000000000000c0ff3");
    let payment = |nonce: U256| SafeTx {
        to: third,
        value: ether / U256::from(100),
        nonce,
        ..Default::default()
    };
    let input = |mode: &str, signer: &ChainSigner, tx: &SafeTx| {
        serde_json::json!({
            "mode": mode,
            "rpc": node_url,
            "chainId": chain_id,
            "safe": safe.to_checksum(None),
            "key": key(signer),
            "contracts": contracts,
            "tx": {
                "to": tx.to.to_checksum(None),
                "value": tx.value.to_string(),
                "data": tx.data.to_string(),
                "operation": u8::from(tx.operation),
            },
            "nonce": tx.nonce.to::<u64>(),
        })
    };
    let first = payment(rotated.nonce);
    let signed = kit(input("sign", &owners[2], &first));
    assert_eq!(
        signed["safeTxHash"].as_str(),
        Some(first.hash(chain_id, safe).to_string().as_str()),
        "protocol-kit signs the hash slipway computes"
    );
    let data: alloy_primitives::Bytes = signed["data"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("a signature");
    let by_kit = OwnerSignature {
        owner: owners[2].address(),
        kind: SignatureKind::Typed,
        signature: Some(alloy_primitives::Signature::try_from(data.as_ref()).expect("65 bytes")),
    };
    by_kit
        .verify(first.hash(chain_id, safe))
        .expect("protocol-kit's signature is c's over slipway's hash");
    exec_transaction(
        &client,
        &lifecycle,
        &owners[0],
        safe,
        &first,
        &[by_kit, executor_approval(owners[0].address())],
        &mut events,
    )
    .await
    .expect("slipway executes what protocol-kit signed");
    assert_eq!(
        client.balance(third).await.expect("balance"),
        ether / U256::from(100)
    );

    let second_payment = payment(rotated.nonce + U256::from(1));
    let hash = second_payment.hash(chain_id, safe);
    let typed = sign(&owners[0], &second_payment, chain_id, safe).await;
    let eth_sign = OwnerSignature {
        owner: owners[2].address(),
        kind: SignatureKind::EthSign,
        signature: Some(
            owners[2]
                .sign_message(hash.as_slice())
                .await
                .expect("eth_sign"),
        ),
    };
    eth_sign.verify(hash).expect("c's eth_sign");
    let mut request = input("execute", &deployer, &second_payment);
    request["signatures"] = serde_json::json!(
        [typed, eth_sign]
            .iter()
            .map(|s| serde_json::json!({
                "signer": s.owner.to_checksum(None),
                "data": encode_signatures(std::slice::from_ref(s)).to_string(),
            }))
            .collect::<Vec<_>>()
    );
    kit(request);
    assert_eq!(
        client.balance(third).await.expect("balance"),
        ether / U256::from(50),
        "protocol-kit executed what slipway signed"
    );
    assert_eq!(
        read_state(&client, safe).await.expect("state").nonce,
        rotated.nonce + U256::from(2)
    );
}

#[test]
fn a_delegatecall_outside_the_batching_contracts_and_a_gas_refund_are_refused_unless_allowed() {
    let release = SafeRelease::load(&repo().join("node_modules"), "1.5.0").expect("release");
    let rogue = SafeTx {
        to: address!("00000000000000000000000000000000000bad00"),
        operation: Operation::DelegateCall,
        ..Default::default()
    };
    let refused =
        check_transaction(&rogue, &release.batching(), AllowedRisks::default()).expect_err("rogue");
    assert!(
        matches!(refused, UnsafeTx::Delegatecall { .. }),
        "{refused}"
    );
    assert!(refused.to_string().contains("--allow-delegatecall"));
    check_transaction(
        &rogue,
        &release.batching(),
        AllowedRisks {
            delegatecall: true,
            ..Default::default()
        },
    )
    .expect("allowed by name");
    let create_call = SafeTx {
        to: release.contract("CreateCall").expect("CreateCall").address,
        operation: Operation::DelegateCall,
        ..Default::default()
    };
    check_transaction(&create_call, &release.batching(), AllowedRisks::default())
        .expect("CreateCall");
    let refunding = SafeTx {
        gas_price: U256::from(1),
        ..Default::default()
    };
    let refused = check_transaction(&refunding, &release.batching(), AllowedRisks::default())
        .expect_err("refund");
    assert!(matches!(refused, UnsafeTx::GasRefund { .. }), "{refused}");
    let to_receiver = SafeTx {
        refund_receiver: address!("00000000000000000000000000000000000bad01"),
        ..Default::default()
    };
    assert!(check_transaction(&to_receiver, &release.batching(), AllowedRisks::default()).is_err());
}

#[tokio::test]
async fn a_missing_package_and_an_address_that_is_no_safe_are_refused_with_what_to_do() {
    let empty = tempfile::tempdir().expect("tmp");
    let missing = SafeRelease::load(empty.path(), "1.5.0").expect_err("nothing installed");
    assert!(
        missing
            .to_string()
            .contains("npm install --save-dev @safe-global/safe-smart-account@1.5.0"),
        "{missing}"
    );
    let unsupported = SafeRelease::load(&repo().join("node_modules"), "1.2.0").expect_err("old");
    assert!(
        unsupported.to_string().contains("1.5.0, 1.4.1 and 1.3.0"),
        "{unsupported}"
    );

    // The batching contracts of the Safe's own version: 1.3.0's
    // MultiSendCallOnly is at its canonical address on mainnet and at the
    // "eip155" one on chains listed only so (Safe's docs list both);
    // an unlisted development chain gets the canonical one.
    let node_modules = repo().join("node_modules");
    let v130 = Batching::listed(&node_modules, "1.3.0", 1).expect("1.3.0 on mainnet");
    assert_eq!(
        v130[0].multi_send_call_only,
        address!("40A2aCCbd92BCA938b02010E17A5b8929b49130D")
    );
    let v130_eip155 = Batching::listed(&node_modules, "1.3.0", 19).expect("1.3.0 on Songbird");
    assert_eq!(
        v130_eip155[0].multi_send_call_only,
        address!("A1dabEF33b3B82c7814B6D82A79e50F4AC44102B")
    );
    assert_eq!(v130_eip155[1], v130[0], "canonical comes next");
    let v150 = Batching::listed(&node_modules, "1.5.0", 31337).expect("1.5.0");
    assert_eq!(
        v150[0],
        SafeRelease::load(&node_modules, "1.5.0")
            .expect("release")
            .batching()
    );
    let old = Batching::listed(&node_modules, "0.9.0", 1).expect_err("no such version");
    assert!(old.to_string().contains("0.9.0"), "{old}");

    let handle = node().await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&handle.url)], Duration::from_secs(5)).expect("providers"),
    );
    // An account without code, and a contract that is no Safe (the CREATE2
    // deployer answers every call with garbage or a revert).
    let nobody = read_state(
        &client,
        address!("00000000000000000000000000000000000b0b00"),
    )
    .await;
    assert!(
        matches!(&nobody, Err(SafeError::NotASafe { reason, .. }) if reason.contains("no code")),
        "{nobody:?}"
    );
    let deployer = read_state(
        &client,
        address!("4e59b44847b379578588920ca78fbf26c0b4956c"),
    )
    .await;
    assert!(deployer.is_err(), "{deployer:?}");
}
