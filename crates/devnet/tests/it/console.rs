//! `console.log` from contracts is collected with the transaction it came from.

use crate::common;

use alloy_consensus::{TxEip1559, TxEnvelope};
use alloy_primitives::{TxKind, U256};
use alloy_sol_types::{SolCall, sol};
use slipway_devnet::{Chain, GenesisSpec, PoolTx};
use slipway_keys::derive_accounts;

sol! { function say(string text) external; }

fn send(chain: &mut Chain, to: TxKind, input: Vec<u8>) -> alloy_primitives::B256 {
    let account = chain.accounts()[0].clone();
    let tx = TxEip1559 {
        chain_id: chain.chain_id(),
        nonce: chain.pending_nonce(account.address),
        gas_limit: 3_000_000,
        max_fee_per_gas: 10_000_000_000,
        max_priority_fee_per_gas: 1,
        to,
        value: U256::ZERO,
        access_list: Default::default(),
        input: input.into(),
    };
    let envelope: TxEnvelope = account.sign(tx).expect("sign");
    let hash = *envelope.tx_hash();
    chain
        .submit(PoolTx {
            envelope,
            sender: account.address,
            hash,
        })
        .expect("accepted")
}

#[test]
fn console_lines_come_with_their_transaction() {
    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 1).expect("accounts");
    let addresses: Vec<_> = accounts.iter().map(|a| a.address).collect();
    let genesis = GenesisSpec::new(
        &Default::default(),
        Default::default(),
        &addresses,
        1_700_000_000,
    );
    let mut chain = Chain::new(genesis, accounts);
    let deploy = send(
        &mut chain,
        TxKind::Create,
        common::fixture_bytecode().to_vec(),
    );
    let fixture = chain
        .mined_tx(&deploy)
        .and_then(|(_, _, t)| t.contract_address)
        .expect("deployed");
    assert!(chain.take_console().is_empty());

    let hash = send(
        &mut chain,
        TxKind::Call(fixture),
        sayCall {
            text: "hello from solidity".into(),
        }
        .abi_encode(),
    );
    let console = chain.take_console();
    assert_eq!(
        console,
        vec![(hash, vec!["hello from solidity".to_owned()])]
    );
    assert!(chain.mined_tx(&hash).expect("mined").2.success);
}
