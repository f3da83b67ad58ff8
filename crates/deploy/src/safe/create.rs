//! `safe create`: a Safe made through Safe's proxy factory, with Safe's
//! own contracts (npm) put at their canonical addresses first on a chain
//! where nothing is protected.

use alloy_primitives::{Address, U256};
use slipway_chain::{
    ChainClient, Lifecycle, NonceTracker, TxEvent, resolve_signer,
    safe::{
        FactoryDeployment, SafeError, SafeRelease, SafeSetup, SafeState, create_safe,
        deploy_release, install_singleton_factory, predict_safe, read_state,
    },
};
use slipway_config::{Config, Environment};
use slipway_keys::{Password, SignerError};

use super::SafeUseError;
use crate::{Approval, Authorised, Confirm, authorise};

/// What `slipway safe create` asks for.
#[derive(Clone, Debug)]
pub struct SafeCreateRequest<'a> {
    /// The project (its `node_modules` holds Safe's contracts).
    pub config: &'a Config,
    /// The environment.
    pub env: &'a Environment,
    /// The owners.
    pub owners: Vec<Address>,
    /// Signatures a transaction will need.
    pub threshold: u64,
    /// The proxy factory's salt nonce (another nonce, another address).
    pub salt_nonce: U256,
    /// The Safe version (`1.5.0`, or `1.4.1`).
    pub version: &'a str,
    /// The named signer that pays for the creation.
    pub signer: &'a str,
    /// `--yes` / `--reason`.
    pub approval: Approval,
}

/// How `create` reaches a person and reports.
pub struct SafeCreateHooks<'a> {
    /// Asks a person to confirm a protected environment.
    pub confirm: &'a dyn Confirm,
    /// Asks for a keystore's password.
    pub password: &'a dyn Fn(&str) -> Result<Password, SignerError>,
    /// Each step as it goes.
    pub progress: &'a (dyn Fn(SafeProgress<'_>) + Sync),
    /// The lifecycle's events.
    pub events: &'a (dyn Fn(TxEvent) + Sync),
}

/// A step of `create`.
#[derive(Clone, Debug)]
pub enum SafeProgress<'a> {
    /// The singleton factory was put on the chain (its presigned
    /// deployment).
    FactoryInstalled,
    /// One of Safe's contracts: deployed now (`true`) or found in place.
    Contract {
        /// Its name.
        name: &'a str,
        /// Its canonical address.
        address: Address,
        /// Whether it was deployed now.
        deployed: bool,
    },
    /// Where the Safe will be, before anything creates it.
    Predicted(Address),
}

/// What `create` made.
#[derive(Clone, Debug)]
pub struct SafeCreated {
    /// The Safe, read back from the chain.
    pub state: SafeState,
    /// The npm package its code came from.
    pub package: String,
    /// The confirmation rule's answer.
    pub authorised: Authorised,
    /// The records written (the Safe's, and the release's contracts where
    /// slipway deployed them).
    pub records: Vec<std::path::PathBuf>,
}

impl SafeCreated {
    /// The line to put under `[environments.X]` in slipway.toml.
    pub fn multisig_line(&self) -> String {
        let owners: Vec<String> = self
            .state
            .owners
            .iter()
            .map(|o| format!("\"{o}\""))
            .collect();
        format!(
            "multisig = {{ safe = \"{}\", threshold = {}, owners = [{}] }}",
            self.state.address,
            self.state.threshold,
            owners.join(", ")
        )
    }
}

fn check_setup(owners: &[Address], threshold: u64) -> Result<(), SafeUseError> {
    if owners.is_empty() {
        return Err(SafeUseError::BadSetup(
            "a Safe needs at least one owner (--owners A,B,C)".into(),
        ));
    }
    let mut unique = owners.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() != owners.len() {
        return Err(SafeUseError::BadSetup(
            "an owner is listed twice: each owner counts once".into(),
        ));
    }
    if let Some(zero) = owners
        .iter()
        .find(|o| o.is_zero() || **o == Address::with_last_byte(1))
    {
        return Err(SafeUseError::BadSetup(format!(
            "{zero} cannot own a Safe (the Safe reserves it)"
        )));
    }
    if threshold == 0 || threshold > owners.len() as u64 {
        return Err(SafeUseError::BadSetup(format!(
            "a threshold of {threshold} with {} owners cannot be met: it must be between 1 and {}",
            owners.len(),
            owners.len()
        )));
    }
    Ok(())
}

/// Creates a Safe: checks the owners and threshold, loads the release
/// from the project's npm packages, makes sure its contracts are on the
/// chain (deploying them, and the singleton factory, only where nothing is
/// protected), predicts the address, asks the confirmation rule, and
/// creates it.
pub async fn safe_create(
    request: &SafeCreateRequest<'_>,
    client: &ChainClient,
    hooks: &SafeCreateHooks<'_>,
) -> Result<SafeCreated, SafeUseError> {
    let env = request.env;
    check_setup(&request.owners, request.threshold)?;
    let node_modules = request.config.root.join("node_modules");
    let release = SafeRelease::load(&node_modules, request.version)?;
    let signer = resolve_signer(env, request.signer, request.config.vars(), hooks.password)?;
    let lifecycle = Lifecycle::for_env(env);
    let nonces = NonceTracker::new();
    let mut events = |event: TxEvent| (hooks.events)(event);
    if env.protected {
        for contract in &release.contracts {
            if client
                .code(contract.address)
                .await
                .map_err(SafeError::from)?
                .is_empty()
            {
                return Err(SafeUseError::NotDeployed {
                    contract: contract.name.to_owned(),
                    version: release.version.clone(),
                    address: contract.address,
                    env: env.name.clone(),
                    chain: env.chain.id,
                });
            }
        }
    } else {
        // A chain without the singleton factory gets its presigned
        // deployment, when the package has one for this chain.
        if let Ok(factory) = FactoryDeployment::load(&node_modules, env.chain.id)
            && install_singleton_factory(
                client,
                &lifecycle,
                &nonces,
                &signer,
                &factory,
                &mut events,
            )
            .await?
        {
            (hooks.progress)(SafeProgress::FactoryInstalled);
        }
    }
    // Checks every contract's code hash; sends only what is missing (none
    // on a protected chain, checked above).
    for (name, address, deployed) in
        deploy_release(client, &lifecycle, &nonces, &signer, &release, &mut events).await?
    {
        (hooks.progress)(SafeProgress::Contract {
            name,
            address,
            deployed,
        });
    }
    let setup = SafeSetup {
        owners: request.owners.clone(),
        threshold: request.threshold,
        salt_nonce: request.salt_nonce,
    };
    let predicted = predict_safe(client, &release, &setup).await?;
    (hooks.progress)(SafeProgress::Predicted(predicted));
    let authorised = authorise(
        env,
        &format!(
            "creating a {}-of-{} Safe at {predicted}",
            request.threshold,
            request.owners.len()
        ),
        &request.approval,
        hooks.confirm,
    )?;
    let address = create_safe(
        client,
        &lifecycle,
        &nonces,
        &signer,
        &release,
        &setup,
        &mut events,
    )
    .await?;
    let state = read_state(client, address).await?;
    let records = super::records::write_safe_records(
        request.config,
        env,
        client,
        &release,
        &state,
        signer.address(),
    )
    .await?;
    Ok(SafeCreated {
        state,
        package: release.package,
        authorised,
        records,
    })
}
