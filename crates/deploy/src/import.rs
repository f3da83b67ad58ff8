//! `slipway upgrade import`: proxies deployed outside slipway (by
//! hardhat-upgrades, or by hand) taken into an environment, so that the
//! plan's proxy steps upgrade them instead of deploying new ones. The
//! implementations' layouts come from hardhat-upgrades' manifest
//! (`.openzeppelin/<network>.json`), or from a contract of the build named
//! as the reference; each proxy is read on chain first (its code, what it
//! points at, its kind), and journaled as found at its address.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, Bytes, U256};
use slipway_config::{Config, Environment};
use slipway_contracts::Artifacts;
use slipway_upgrades::Manifest;

use crate::{
    DeployError, Journal, JournalRecord, ProxyKind, StepInput, StepRole,
    plan::beacon_name,
    proxies::{ADMIN_SLOT, BEACON_SLOT, IMPLEMENTATION_SLOT, beacon_implementation, slot_address},
};

/// What to import.
pub struct ImportRequest<'a> {
    /// The project.
    pub config: &'a Config,
    /// The environment.
    pub env: &'a Environment,
    /// The build's contracts.
    pub artifacts: &'a Artifacts,
    /// The plan holding the proxy steps (default: the one in deploy/ that
    /// holds the first).
    pub plan: Option<&'a Path>,
    /// A hardhat-upgrades manifest whose implementations (and layouts)
    /// are taken in.
    pub manifest: Option<&'a Path>,
    /// Proxy steps of the plan and the addresses of the proxies they are.
    pub proxies: &'a [(String, Address)],
    /// A contract of the build whose layout is the one the proxies'
    /// current implementation has, for proxies no manifest knows.
    pub reference: Option<&'a str>,
    /// The build-info folder `reference` is found in (default: this
    /// project's build): an old implementation's build, for a proxy
    /// deployed outside slipway and hardhat-upgrades.
    pub reference_build: Option<&'a Path>,
    /// The signer who will deploy (the journal is begun for it).
    pub signer: &'a str,
    /// Who this process is, for the journal's lock.
    pub command: &'a str,
}

/// One proxy taken in.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ImportedProxy {
    /// The plan's step.
    pub name: String,
    /// Where it is.
    pub address: Address,
    /// Its kind, as the chain shows it.
    pub kind: ProxyKind,
    /// The implementation it points at.
    pub implementation: Address,
    /// Where that implementation's layout came from.
    pub layout_from: String,
}

/// What an import did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Imported {
    /// The environment's manifest, written.
    pub manifest: PathBuf,
    /// Implementations taken from the given manifest.
    pub implementations: usize,
    /// The proxies journaled.
    pub proxies: Vec<ImportedProxy>,
}

/// Takes the proxies of `request` into its environment.
pub async fn import(request: &ImportRequest<'_>) -> Result<Imported, DeployError> {
    let ImportRequest { config, env, .. } = *request;
    let manifest_path = crate::manifest_path(&config.root, &env.name);
    // What the checks below read; written under the lock, merged into
    // the manifest as it is then.
    let mut manifest = Manifest::read(&manifest_path)?;
    let implementations = match request.manifest {
        Some(path) => manifest.merge(&Manifest::read(path)?),
        None => 0,
    };
    let first = request
        .proxies
        .first()
        .map(|(name, _)| name.as_str())
        .ok_or(DeployError::NothingToImport)?;
    let (file, plan) = crate::upgrade_proxy::plan_with_proxy(config, env, request.plan, first)?;
    let (_, checked) = crate::apply::check_plan(config, request.artifacts, &file, plan)?;
    let client = slipway_chain::connect(config, env, request.command).await?;
    // Who the journal is begun for: the Safe where it deploys.
    let deployer = match env.multisig {
        slipway_config::Multisig::Safe { address, .. } => address,
        _ => slipway_keys::address_of(env, request.signer, config.vars())?,
    };

    let mut found = Vec::new();
    let mut records = Vec::new();
    for (name, address) in request.proxies {
        let step = checked
            .steps
            .iter()
            .find(|s| &s.step.id == name && matches!(s.step.role, StepRole::Proxy { .. }))
            .ok_or_else(|| DeployError::NoSuchProxy {
                name: name.clone(),
                proxies: checked
                    .steps
                    .iter()
                    .filter(|s| matches!(s.step.role, StepRole::Proxy { .. }))
                    .map(|s| s.step.id.clone())
                    .collect(),
            })?;
        let StepRole::Proxy { kind, .. } = step.step.role else {
            continue;
        };
        if client.code(*address).await?.is_empty() {
            return Err(DeployError::NotAProxy {
                name: name.clone(),
                address: *address,
                reason: "there is no code there".into(),
            });
        }
        let (seen, implementation, beacon) = read_proxy(&client, *address).await?;
        if seen != kind {
            return Err(DeployError::NotAProxy {
                name: name.clone(),
                address: *address,
                reason: format!(
                    "the plan says {}, the chain shows a {} proxy",
                    kind.as_str(),
                    seen.as_str()
                ),
            });
        }
        if let Some(listed) = manifest.proxy_at(*address)
            && listed.kind != kind.as_str()
        {
            return Err(DeployError::NotAProxy {
                name: name.clone(),
                address: *address,
                reason: format!("the manifest lists it as {}", listed.kind),
            });
        }
        let layout_from = if manifest.implementation_at(implementation).is_some() {
            "manifest".to_owned()
        } else if let Some(reference) = request.reference {
            let layout = crate::upgrades::layout_of(
                config,
                request.artifacts,
                reference,
                request.reference_build,
            )?;
            manifest.add_implementation(
                format!("reference:{reference}:{implementation}"),
                implementation,
                None,
                layout,
            );
            format!("--reference {reference}")
        } else {
            return Err(DeployError::NoRecordedLayout {
                proxy: name.clone(),
                implementation,
                manifest: manifest_path.clone(),
            });
        };
        manifest.add_proxy(*address, None, kind.as_str());
        let what = step
            .artifact
            .as_ref()
            .map(|a| a.id.clone())
            .unwrap_or_default();
        records.push((name.clone(), found_input(what, *address)));
        if let Some(beacon) = beacon {
            let what = checked
                .step(&beacon_name(name))
                .and_then(|s| s.artifact.as_ref())
                .map(|a| a.id.clone())
                .unwrap_or_default();
            records.push((beacon_name(name), found_input(what, beacon)));
        }
        found.push(ImportedProxy {
            name: name.clone(),
            address: *address,
            kind,
            implementation,
            layout_from,
        });
    }

    let path = crate::journal_of(&config.root, &env.name, &checked.plan.name);
    let mut journal = Journal::open(&path, request.command, false)?;
    let state = Journal::read(&path)?;
    for (name, _) in &records {
        if state.steps.get(name).is_some_and(|s| s.done()) {
            return Err(DeployError::AlreadyJournaled {
                step: name.clone(),
                journal: path.clone(),
            });
        }
    }
    match state.begin {
        Some((chain_id, _, started_by)) if chain_id != env.chain.id || started_by != deployer => {
            return Err(DeployError::OtherSigner {
                journal: path,
                started_by,
                signer: deployer,
            });
        }
        Some(_) => {}
        None => journal.append(&JournalRecord::Begin {
            plan: checked.plan.name.clone(),
            chain_id: env.chain.id,
            genesis: client.genesis_hash().await?,
            deployer,
        })?,
    }
    let steps: Vec<usize> = records
        .iter()
        .filter_map(|(step, _)| {
            checked
                .steps
                .iter()
                .position(|s| &s.step.id == step && matches!(s.step.role, StepRole::Proxy { .. }))
        })
        .collect();
    for (step, input) in records {
        journal.append(&JournalRecord::Found { step, input })?;
    }
    let mut now = Manifest::read(&manifest_path)?;
    now.merge(&manifest);
    now.write(&manifest_path)?;
    // The proxies' records now, so that `call`, `deployments` and
    // `verify` know them before the next deploy.
    let deployment = crate::Deployment {
        root: &config.root,
        env,
        plan: &checked,
        client: &client,
        signer: None,
        deployer,
        lifecycle: slipway_chain::Lifecycle::for_env(env),
    };
    deployment
        .write_records(&Journal::read(&path)?, &steps)
        .await?;
    // Held until the records are written, as a deploy holds it.
    drop(journal);
    Ok(Imported {
        manifest: manifest_path,
        implementations,
        proxies: found,
    })
}

/// A proxy's kind, the implementation it points at, and its beacon, as
/// the chain shows them (ERC-1967's slots).
async fn read_proxy(
    client: &slipway_chain::ChainClient,
    address: Address,
) -> Result<(ProxyKind, Address, Option<Address>), DeployError> {
    let beacon = slot_address(client, address, BEACON_SLOT).await?;
    if beacon != Address::ZERO {
        let implementation = beacon_implementation(client, beacon).await?;
        return Ok((ProxyKind::Beacon, implementation, Some(beacon)));
    }
    let implementation = slot_address(client, address, IMPLEMENTATION_SLOT).await?;
    let admin = slot_address(client, address, ADMIN_SLOT).await?;
    let kind = if admin == Address::ZERO {
        ProxyKind::Uups
    } else {
        ProxyKind::Transparent
    };
    Ok((kind, implementation, None))
}

/// A journal input for a contract found at `address`.
fn found_input(what: String, address: Address) -> StepInput {
    StepInput {
        kind: "deploy".into(),
        what,
        bytecode_hash: None,
        to: None,
        args: Vec::new(),
        encoded_args: Bytes::new(),
        value: U256::ZERO,
        salt: None,
        libraries: Default::default(),
        address: Some(address),
        code_hash: None,
        unsafe_allow: Vec::new(),
    }
}
