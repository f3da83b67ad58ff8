//! The Transaction Service client over TLS (stunnel in front of the
//! stand-in, a test CA trusted and nothing else): a proposal with its
//! proposer's signature, a second owner's confirmation, and the queue read
//! back with both, each signature checking against the hash. The stand-in
//! itself is checked against Safe's own client, api-kit: it lists the
//! proposal slipway posted, with its confirmations. An unreachable service
//! is reported with its cause.

use std::{path::PathBuf, process::Command, time::Duration};

use alloy_primitives::{U256, address};
use slipway_chain::safe::{OwnerSignature, SafeTx, ServiceClient, ServiceError, SignatureKind};
use slipway_config::{DEV_MNEMONIC, Secret, TxService};
use slipway_keys::derive_account;
use slipway_net::{HttpClient, NetSettings, ProxySettings, Timeouts, Trust};
use slipway_testkit::{SafeServiceStandIn, TestCa, TlsFront, free_port};

fn client(trust: Trust, url: String, key: Option<&str>) -> ServiceClient {
    let settings = NetSettings {
        trust,
        proxy: ProxySettings::none(),
        hosts: Vec::new(),
        system_dns: false,
    };
    let http =
        HttpClient::new(&settings, Timeouts::uniform(Duration::from_secs(10))).expect("http");
    ServiceClient::new(
        http,
        &TxService {
            url,
            api_key: key.map(Secret::new),
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_and_confirmations_round_trip_through_the_service_over_tls_and_api_kit_reads_them()
 {
    slipway_testkit::install_crypto();
    let stand_in = SafeServiceStandIn::start();
    let ca = TestCa::new();
    let front = TlsFront::start(stand_in.addr(), &ca.server(&["127.0.0.1"]));
    let base = front.https("");
    let service = client(
        Trust::only(ca.root()),
        base.trim_end_matches('/').to_owned(),
        Some("key-9c1e"),
    );

    let safe = address!("7E324694366F885a5CE8d24Cdc488Ea14e36BEaB");
    let owners: Vec<_> = (3..6)
        .map(|i| derive_account(DEV_MNEMONIC, i).expect("dev account"))
        .collect();
    stand_in.add_safe(
        &safe.to_checksum(None),
        4,
        2,
        &owners
            .iter()
            .map(|o| o.address.to_checksum(None))
            .collect::<Vec<_>>(),
    );
    let tx = SafeTx {
        to: address!("00000000000000000000000000000000000c0ffe"),
        value: U256::from(1_000),
        nonce: U256::from(4),
        ..Default::default()
    };
    let hash = tx.hash(1337, safe);
    let typed = OwnerSignature {
        owner: owners[0].address,
        kind: SignatureKind::Typed,
        signature: Some(
            alloy_signer::SignerSync::sign_hash_sync(&owners[0].signer, &hash).expect("sign"),
        ),
    };
    let eth_sign = OwnerSignature {
        owner: owners[2].address,
        kind: SignatureKind::EthSign,
        signature: Some(
            alloy_signer::SignerSync::sign_message_sync(&owners[2].signer, hash.as_slice())
                .expect("sign"),
        ),
    };
    service
        .propose(safe, &tx, hash, &typed, "slipway")
        .await
        .expect("proposed");
    service.confirm(hash, &eth_sign).await.expect("confirmed");
    assert_eq!(
        stand_in.authorizations(),
        vec!["Bearer key-9c1e".to_owned()],
        "the API key went as a bearer token"
    );

    let queue = service.pending(safe, U256::from(4)).await.expect("pending");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].safe_tx_hash, hash);
    assert_eq!(queue[0].nonce, U256::from(4));
    assert_eq!(
        queue[0].confirmations,
        vec![typed.clone(), eth_sign.clone()]
    );
    for confirmation in &queue[0].confirmations {
        confirmation
            .verify(hash)
            .expect("each is its owner's, over this hash");
    }
    assert!(
        service
            .pending(safe, U256::from(5))
            .await
            .expect("later")
            .is_empty()
    );
    let known = service.safe(safe).await.expect("the Safe");
    assert_eq!((known.nonce, known.threshold), (U256::from(4), 2));

    // Safe's own client reads the same queue from the stand-in.
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/safe/api-kit-pending.cjs");
    let input =
        serde_json::json!({"url": stand_in.url(), "chainId": 1337, "safe": safe.to_checksum(None)});
    let out = tokio::task::block_in_place(|| {
        Command::new("node")
            .arg(script)
            .arg(input.to_string())
            .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
            .output()
            .expect("node runs (npm ci installs api-kit)")
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["nonce"], "4");
    assert_eq!(listed["results"][0]["safeTxHash"], hash.to_string());
    assert_eq!(
        listed["results"][0]["confirmations"],
        serde_json::json!([
            owners[0].address.to_checksum(None),
            owners[2].address.to_checksum(None)
        ])
    );

    // Refusals: a confirmation of a hash the service does not hold; a
    // signature by someone else than the sender.
    let unknown = service
        .confirm(alloy_primitives::B256::repeat_byte(7), &eth_sign)
        .await
        .expect_err("unknown hash");
    assert!(
        matches!(unknown, ServiceError::Refused { status: 404, .. }),
        "{unknown}"
    );
    let forged = OwnerSignature {
        owner: owners[1].address,
        ..typed.clone()
    };
    let refused = service
        .propose(safe, &tx, hash, &forged, "slipway")
        .await
        .expect_err("forged");
    assert!(
        matches!(refused, ServiceError::Refused { status: 422, .. }),
        "{refused}"
    );

    // Nothing listens: the cause, not a bare error.
    let nowhere = client(
        Trust::only(ca.root()),
        format!("https://127.0.0.1:{}", free_port()),
        None,
    );
    let down = nowhere.pending(safe, U256::ZERO).await.expect_err("down");
    assert!(down.to_string().contains("connection refused"), "{down}");
}
