//! Safe's contracts put on a chain at their canonical addresses, and Safes
//! created through its proxy factory. Every address is predicted before
//! anything is sent, and every contract's code is checked against the
//! published hash (EXTCODEHASH, not the artifact: MultiSend has an
//! immutable) before it is used.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::SolCall;
use slipway_keys::ChainSigner;

use super::{
    SafeError,
    abi::{ISafe, ISafeProxyFactory},
    release::{
        FactoryDeployment, SAFE_SINGLETON_FACTORY, SafeContract, SafeRelease, create2_address,
    },
    state::call,
};
use crate::{ChainClient, Lifecycle, NonceTracker, TxEvent, TxRequest};

/// Who owns a new Safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeSetup {
    /// Its owners.
    pub owners: Vec<Address>,
    /// Signatures a transaction needs.
    pub threshold: u64,
    /// The proxy factory's salt nonce: another nonce, another address.
    pub salt_nonce: U256,
}

/// The signing side of sending: who signs, and how the lifecycle runs.
type Events<'e> = &'e mut (dyn FnMut(TxEvent) + Send);

async fn send(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    nonces: &NonceTracker,
    signer: &ChainSigner,
    request: TxRequest,
    what: String,
    events: Events<'_>,
) -> Result<(), SafeError> {
    match lifecycle
        .send(client, nonces, signer, &request, events)
        .await?
    {
        TxEvent::Confirmed {
            success: false,
            hash,
            ..
        } => Err(SafeError::Reverted { what, hash }),
        _ => Ok(()),
    }
}

/// Checks that `contract`'s code is at its canonical address.
async fn check_code(client: &ChainClient, contract: &SafeContract) -> Result<bool, SafeError> {
    let code = client.code(contract.address).await?;
    if code.is_empty() {
        return Ok(false);
    }
    let actual = keccak256(&code);
    if actual != contract.code_hash {
        return Err(SafeError::WrongCode {
            contract: contract.name.to_owned(),
            address: contract.address,
            expected: contract.code_hash,
            actual,
        });
    }
    Ok(true)
}

/// Puts `release`'s contracts on the chain through the Safe singleton
/// factory, each at its canonical address; contracts already there are
/// checked, not sent again. Returns each contract with whether it was sent
/// now.
pub async fn deploy_release(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    nonces: &NonceTracker,
    signer: &ChainSigner,
    release: &SafeRelease,
    events: Events<'_>,
) -> Result<Vec<(&'static str, Address, bool)>, SafeError> {
    let mut done = Vec::new();
    for contract in &release.contracts {
        let predicted = create2_address(release.deployer, B256::ZERO, &contract.creation);
        if predicted != contract.address {
            return Err(SafeError::Misplaced {
                what: format!("{} {}", contract.name, release.package),
                expected: contract.address,
                found: format!(
                    "its code from {} would land at {predicted} through {}",
                    release.package, release.deployer
                ),
            });
        }
        if check_code(client, contract).await? {
            done.push((contract.name, contract.address, false));
            continue;
        }
        if client.code(release.deployer).await?.is_empty() {
            return Err(SafeError::Misplaced {
                what: if release.deployer == SAFE_SINGLETON_FACTORY {
                    "the Safe singleton factory".into()
                } else {
                    "the deterministic deployment proxy".into()
                },
                expected: release.deployer,
                found: "this chain has no code there (on anvil, broadcast the presigned deployment from @safe-global/safe-singleton-factory first)".into(),
            });
        }
        let mut data = Vec::with_capacity(32 + contract.creation.len());
        data.extend_from_slice(B256::ZERO.as_slice());
        data.extend_from_slice(&contract.creation);
        let request = TxRequest {
            to: Some(release.deployer),
            value: U256::ZERO,
            data: data.into(),
            gas_limit: None,
        };
        send(
            client,
            lifecycle,
            nonces,
            signer,
            request,
            format!("deploying {}", contract.name),
            events,
        )
        .await?;
        if !check_code(client, contract).await? {
            return Err(SafeError::Misplaced {
                what: contract.name.to_owned(),
                expected: contract.address,
                found: "no code is there after the deployment".into(),
            });
        }
        done.push((contract.name, contract.address, true));
    }
    Ok(done)
}

/// Puts the Safe singleton factory on a chain that lacks it (anvil, a
/// private network) by broadcasting its presigned deployment, after
/// funding the one-use sender from `funder`. A chain that has it is left
/// alone. Returns whether it was deployed now.
pub async fn install_singleton_factory(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    nonces: &NonceTracker,
    funder: &ChainSigner,
    deployment: &FactoryDeployment,
    events: Events<'_>,
) -> Result<bool, SafeError> {
    if deployment.address != SAFE_SINGLETON_FACTORY {
        return Err(SafeError::Misplaced {
            what: "the Safe singleton factory".into(),
            expected: SAFE_SINGLETON_FACTORY,
            found: format!(
                "the presigned deployment creates it at {}",
                deployment.address
            ),
        });
    }
    if !client.code(SAFE_SINGLETON_FACTORY).await?.is_empty() {
        return Ok(false);
    }
    let cost = U256::from(deployment.gas_price) * U256::from(deployment.gas_limit);
    let held = client.balance(deployment.signer_address).await?;
    if held < cost {
        let request = TxRequest {
            to: Some(deployment.signer_address),
            value: cost - held,
            data: Bytes::new(),
            gas_limit: Some(21_000),
        };
        send(
            client,
            lifecycle,
            nonces,
            funder,
            request,
            "funding the singleton factory's deployer".into(),
            events,
        )
        .await?;
    }
    client.send_raw(&deployment.transaction).await?;
    let hash = keccak256(&deployment.transaction);
    let started = std::time::Instant::now();
    loop {
        if let Some(receipt) = client.receipt(hash).await? {
            if !receipt.status() {
                return Err(SafeError::Reverted {
                    what: "the singleton factory's presigned deployment".into(),
                    hash,
                });
            }
            break;
        }
        if started.elapsed() > lifecycle.timeout {
            return Err(crate::TxError::Timeout(lifecycle.timeout, hash).into());
        }
        tokio::time::sleep(lifecycle.poll).await;
    }
    if client.code(SAFE_SINGLETON_FACTORY).await?.is_empty() {
        return Err(SafeError::Misplaced {
            what: "the Safe singleton factory".into(),
            expected: SAFE_SINGLETON_FACTORY,
            found: "no code is there after its deployment".into(),
        });
    }
    Ok(true)
}

fn contract<'r>(release: &'r SafeRelease, name: &str) -> &'r SafeContract {
    release
        .contract(name)
        .expect("a release lists every contract slipway uses")
}

/// `setup(…)` for a new Safe: its owners and threshold, the release's
/// fallback handler, no module set-up, no payment.
fn setup_calldata(release: &SafeRelease, setup: &SafeSetup) -> Bytes {
    ISafe::setupCall {
        _owners: setup.owners.clone(),
        _threshold: U256::from(setup.threshold),
        to: Address::ZERO,
        data: Bytes::new(),
        fallbackHandler: contract(release, "CompatibilityFallbackHandler").address,
        paymentToken: Address::ZERO,
        payment: U256::ZERO,
        paymentReceiver: Address::ZERO,
    }
    .abi_encode()
    .into()
}

/// Where the proxy factory will create the Safe `setup` describes (the
/// release's `SafeL2` singleton, which emits events indexers read).
pub async fn predict_safe(
    client: &ChainClient,
    release: &SafeRelease,
    setup: &SafeSetup,
) -> Result<Address, SafeError> {
    let factory = contract(release, "SafeProxyFactory").address;
    let singleton = contract(release, "SafeL2").address;
    let creation = call(client, factory, ISafeProxyFactory::proxyCreationCodeCall {}).await?;
    let mut init = creation.to_vec();
    init.extend_from_slice(&U256::from_be_bytes(singleton.into_word().0).to_be_bytes::<32>());
    let mut salt = keccak256(setup_calldata(release, setup)).to_vec();
    salt.extend_from_slice(&setup.salt_nonce.to_be_bytes::<32>());
    Ok(create2_address(factory, keccak256(salt), &init))
}

/// Creates the Safe `setup` describes through the release's proxy factory,
/// at the address [`predict_safe`] gives (checked before and after).
pub async fn create_safe(
    client: &ChainClient,
    lifecycle: &Lifecycle,
    nonces: &NonceTracker,
    signer: &ChainSigner,
    release: &SafeRelease,
    setup: &SafeSetup,
    events: Events<'_>,
) -> Result<Address, SafeError> {
    for name in ["SafeL2", "SafeProxyFactory", "CompatibilityFallbackHandler"] {
        let needed = contract(release, name);
        if !check_code(client, needed).await? {
            return Err(SafeError::Misplaced {
                what: format!("{name} {}", release.package),
                expected: needed.address,
                found: "this chain has no code there: deploy the release first".into(),
            });
        }
    }
    let predicted = predict_safe(client, release, setup).await?;
    if !client.code(predicted).await?.is_empty() {
        return Err(SafeError::Misplaced {
            what: "a new Safe".into(),
            expected: predicted,
            found: "a contract is already there (choose another salt nonce)".into(),
        });
    }
    let request = TxRequest {
        to: Some(contract(release, "SafeProxyFactory").address),
        value: U256::ZERO,
        data: ISafeProxyFactory::createProxyWithNonceCall {
            _singleton: contract(release, "SafeL2").address,
            initializer: setup_calldata(release, setup),
            saltNonce: setup.salt_nonce,
        }
        .abi_encode()
        .into(),
        gas_limit: None,
    };
    send(
        client,
        lifecycle,
        nonces,
        signer,
        request,
        "creating the Safe".into(),
        events,
    )
    .await?;
    if client.code(predicted).await?.is_empty() {
        return Err(SafeError::Misplaced {
            what: "the new Safe".into(),
            expected: predicted,
            found: "no code is there after its creation".into(),
        });
    }
    Ok(predicted)
}
