//! EIP-7702 end to end: a type 4 transaction whose authorization makes an
//! account's code a delegation to a contract, then calls through it.

use alloy_consensus::TxEip7702;
use alloy_eips::{eip2718::Encodable2718, eip7702::Authorization};
use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, Bytes, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;
use alloy_sol_types::{SolCall, sol};
use slipway_devnet::Mining;
use slipway_keys::derive_accounts;

use crate::common;

sol! {
    function count() external view returns (uint256);
    function bump(string note) external returns (uint256);
}

async fn count_of(provider: &impl Provider, at: Address) -> U256 {
    let out = provider
        .call(
            TransactionRequest::default()
                .to(at)
                .with_input(countCall {}.abi_encode()),
        )
        .await
        .expect("call");
    countCall::abi_decode_returns(&out).expect("decode")
}

#[tokio::test]
async fn a_delegation_runs_the_contracts_code_on_the_accounts_storage() {
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    slipway_testkit::install_crypto();
    let provider = ProviderBuilder::new().connect_http(server.url.parse().expect("url"));
    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 2).expect("accounts");
    let (sender, authority) = (&accounts[0], &accounts[1]);

    let deploy = TransactionRequest::default()
        .from(sender.address)
        .with_deploy_code(common::fixture_bytecode());
    let fixture = provider
        .send_transaction(deploy)
        .await
        .expect("deploy")
        .get_receipt()
        .await
        .expect("receipt")
        .contract_address
        .expect("created");

    let authorization = Authorization {
        chain_id: U256::from(1337),
        address: fixture,
        nonce: provider
            .get_transaction_count(authority.address)
            .await
            .expect("nonce"),
    };
    let signature = authority
        .signer
        .sign_hash_sync(&authorization.signature_hash())
        .expect("sign the authorization");
    let signed = authorization.into_signed(signature);
    let tx = |authorization_list| TxEip7702 {
        chain_id: 1337,
        nonce: 1,
        gas_limit: 200_000,
        max_fee_per_gas: 10_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: authority.address,
        value: U256::ZERO,
        access_list: Default::default(),
        authorization_list,
        input: bumpCall {
            note: "through the delegation".into(),
        }
        .abi_encode()
        .into(),
    };

    // Without an authorization, refused before it is acknowledged.
    let empty = sender.sign(tx(Vec::new())).expect("sign");
    let err = provider
        .send_raw_transaction(&empty.encoded_2718())
        .await
        .expect_err("empty list")
        .to_string();
    assert!(err.contains("empty auth list"), "{err}");

    // An estimate that carries the authorization counts it.
    let mut request = TransactionRequest::default()
        .from(sender.address)
        .to(authority.address)
        .with_input(
            bumpCall {
                note: "through the delegation".into(),
            }
            .abi_encode(),
        );
    request.authorization_list = Some(vec![signed.clone()]);
    let estimate = provider.estimate_gas(request).await.expect("estimate");

    let envelope = sender.sign(tx(vec![signed])).expect("sign");
    let receipt = provider
        .send_raw_transaction(&envelope.encoded_2718())
        .await
        .expect("accepted")
        .get_receipt()
        .await
        .expect("mined");
    assert!(receipt.status(), "{receipt:?}");
    assert!(
        estimate >= receipt.gas_used,
        "estimate {estimate} < used {}",
        receipt.gas_used
    );
    assert!(
        receipt.gas_used > 25_000 + 21_000,
        "the authorization is paid for"
    );

    let mined = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!(
        alloy_consensus::Transaction::authorization_list(&mined).map(<[_]>::len),
        Some(1),
        "served with its authorization list"
    );

    // The account's code is the delegation designator; its storage, not
    // the contract's, holds the count.
    let code = provider.get_code_at(authority.address).await.expect("code");
    let mut designator = vec![0xef, 0x01, 0x00];
    designator.extend_from_slice(fixture.as_slice());
    assert_eq!(code, Bytes::from(designator));
    assert_eq!(count_of(&provider, authority.address).await, U256::from(1));
    assert_eq!(count_of(&provider, fixture).await, U256::ZERO);
    assert_eq!(
        provider
            .get_transaction_count(authority.address)
            .await
            .expect("nonce"),
        1,
        "the authorization used the authority's nonce"
    );
}
