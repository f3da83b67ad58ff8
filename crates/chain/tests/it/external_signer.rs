//! External signers against anvil 1.7.1, whose unlocked dev accounts answer
//! `eth_signTransaction`, `eth_signTypedData_v4` and `personal_sign` as
//! Web3Signer and Frame do; and against a lying signer (a stand-in in front
//! of the same anvil that alters requests before anvil signs them), which
//! every check must refuse.

use std::{net::SocketAddr, path::Path, time::Duration};

use alloy_consensus::{TxEip1559, TypedTransaction, transaction::SignerRecoverable};
use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address, TxKind, U256, address};
use axum::{Json, Router, extract::State, routing::post};
use serde_json::{Value, json};
use slipway_chain::{ChainClient, Lifecycle, NonceTracker, Providers, TxEvent, resolve_signer};
use slipway_config::{Config, Vars};
use slipway_keys::{ChainSigner, ExternalError, SignerError};
use slipway_testkit::Anvil;

use crate::common::{transfer, url};

const MAINNET: u64 = 1;
const DEV0: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const DEV2: Address = address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

/// An environment named `mainnet` on chain 1 (so protected) whose deployer
/// is the external signer at `signer_url` for `address`.
fn external_signer(
    rpc: &str,
    signer_url: &str,
    address: Address,
) -> Result<ChainSigner, SignerError> {
    let text = format!(
        "[environments.mainnet]\nchain = \"mainnet\"\nrpc = [\"{rpc}\"]\nmultisig = false\n\
         [environments.mainnet.signers]\n\
         deployer = {{ kind = \"external\", url = \"{signer_url}\", address = \"{address}\" }}\n"
    );
    let config = Config::parse(
        Path::new("/p"),
        "/p/slipway.toml".into(),
        text,
        Vars::default(),
    )
    .expect("config");
    let env = config.environment("mainnet").expect("mainnet");
    assert!(env.protected, "chain 1 is protected whatever its name");
    resolve_signer(&env, "deployer", config.vars(), &|_| {
        Err(SignerError::Password("none".into()))
    })
}

fn eip1559(nonce: u64) -> TypedTransaction {
    TxEip1559 {
        chain_id: MAINNET,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 20_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(address!("00000000000000000000000000000000000b0b00")),
        value: U256::from(1_000),
        input: Default::default(),
        access_list: Default::default(),
    }
    .into()
}

fn mail() -> TypedData {
    serde_json::from_value(json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "chainId", "type": "uint256"}
            ],
            "Mail": [
                {"name": "to", "type": "address"},
                {"name": "contents", "type": "string"}
            ]
        },
        "primaryType": "Mail",
        "domain": {"name": "slipway", "chainId": 1},
        "message": {"to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "contents": "pause at once"}
    }))
    .expect("typed data")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anvil_signs_transactions_typed_data_and_messages_as_an_external_signer() {
    let anvil = Anvil::start(MAINNET, &[]);
    let signer = external_signer(&anvil.url(), &anvil.url(), DEV0).expect("external signer");
    assert!(matches!(signer, ChainSigner::External(_)));
    assert_eq!(signer.address(), DEV0);

    let asked = eip1559(0);
    let envelope = signer
        .sign_transaction(asked.clone())
        .await
        .expect("signed by anvil");
    assert_eq!(envelope.recover_signer().expect("recover"), DEV0);
    assert_eq!(*envelope.tx_hash(), {
        let signature = *envelope.as_eip1559().expect("1559").signature();
        *asked.into_envelope(signature).tx_hash()
    });

    let typed = mail();
    let signature = signer.sign_typed_data(&typed).await.expect("typed data");
    let digest = typed.eip712_signing_hash().expect("digest");
    assert_eq!(
        signature
            .recover_address_from_prehash(&digest)
            .expect("recover"),
        DEV0
    );
    let signature = signer.sign_message(b"slipway").await.expect("message");
    assert_eq!(
        signature
            .recover_address_from_msg(b"slipway")
            .expect("recover"),
        DEV0
    );

    // The lifecycle sends through it: a protected chain with no key here.
    let client = ChainClient::remote(
        Providers::new(vec![url(&anvil.url())], Duration::from_secs(10)).expect("providers"),
    );
    let lifecycle = Lifecycle {
        chain_id: MAINNET,
        fees: slipway_config::FeePolicy {
            eip1559: true,
            priority_fee: slipway_config::PriorityFee::Fixed(1_000_000_000),
            max_fee_cap: None,
            bump_after: Duration::from_secs(30),
            bump_percent: 12,
            bump_limit: 3,
        },
        confirmations: 1,
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
    };
    let done = lifecycle
        .send(
            &client,
            &NonceTracker::new(),
            &signer,
            &transfer(),
            &mut |_| {},
        )
        .await
        .expect("confirmed");
    assert!(
        matches!(done, TxEvent::Confirmed { success: true, .. }),
        "{done:?}"
    );
}

/// How the stand-in lies.
#[derive(Clone, Copy)]
enum Lie {
    /// Signs as another of anvil's accounts.
    OtherAccount,
    /// Signs the transaction with its value raised.
    MoreValue,
}

async fn lying(
    State((anvil, lie)): State<(String, Lie)>,
    Json(mut body): Json<Value>,
) -> Json<Value> {
    let method = body["method"].as_str().unwrap_or_default().to_owned();
    match (lie, method.as_str()) {
        (Lie::OtherAccount, "eth_signTransaction") => body["params"][0]["from"] = json!(DEV2),
        (Lie::OtherAccount, "eth_signTypedData_v4") => body["params"][0] = json!(DEV2),
        (Lie::OtherAccount, "personal_sign") => body["params"][1] = json!(DEV2),
        (Lie::MoreValue, "eth_signTransaction") => {
            body["params"][0]["value"] = json!("0xde0b6b3a7640000")
        }
        _ => {}
    }
    let answer: Value = slipway_testkit::http()
        .post(&anvil)
        .json(&body)
        .send()
        .await
        .expect("anvil")
        .json()
        .await
        .expect("json");
    Json(answer)
}

async fn stand_in(anvil: &Anvil, lie: Lie) -> SocketAddr {
    let app = Router::new()
        .route("/", post(lying))
        .with_state((anvil.url(), lie));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_signer_is_refused() {
    let anvil = Anvil::start(MAINNET, &[]);

    let impostor = stand_in(&anvil, Lie::OtherAccount).await;
    let signer =
        external_signer(&anvil.url(), &format!("http://{impostor}"), DEV0).expect("resolves");
    let err = signer
        .sign_transaction(eip1559(0))
        .await
        .expect_err("signed as another account");
    assert!(
        matches!(
            err,
            SignerError::External(ExternalError::WrongSigner { signed, expected, .. })
                if signed == DEV2 && expected == DEV0
        ),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    let err = signer
        .sign_typed_data(&mail())
        .await
        .expect_err("typed data by another account");
    assert!(
        matches!(
            err,
            SignerError::External(ExternalError::WrongSigner { .. })
        ),
        "{err}"
    );
    let err = signer
        .sign_message(b"slipway")
        .await
        .expect_err("message by another account");
    assert!(
        matches!(
            err,
            SignerError::External(ExternalError::WrongSigner { .. })
        ),
        "{err}"
    );

    let greedy = stand_in(&anvil, Lie::MoreValue).await;
    let signer =
        external_signer(&anvil.url(), &format!("http://{greedy}"), DEV0).expect("resolves");
    let err = signer
        .sign_transaction(eip1559(0))
        .await
        .expect_err("another transaction");
    let text = err.to_string();
    assert!(
        matches!(err, SignerError::External(ExternalError::Altered { .. })),
        "{text}"
    );
    assert!(text.contains("value: 1000 → 1000000000000000000"), "{text}");
    // Nothing reached the chain.
    let client = ChainClient::remote(
        Providers::new(vec![url(&anvil.url())], Duration::from_secs(10)).expect("providers"),
    );
    assert_eq!(client.pending_nonce(DEV0).await.expect("nonce"), 0);
}
