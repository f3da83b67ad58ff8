//! A deployment rehearsed on a fork of its environment's chain, before it
//! is sent for real: the plan runs exactly as it would — the same journal,
//! records and Safe proposals (copied, so the real ones are untouched), the
//! same nonces and addresses — on a chain forked at the newest finalized
//! block, with the deployer impersonated; where the environment deploys
//! through its Safe, the plan's proposal is executed there by the Safe
//! itself, with the owners' real signatures so far and the missing owners
//! impersonated to approve it. What it reports is what the real run would
//! do: the addresses, the gas and what it costs at the fork's fees, every
//! event, and the role and ownership changes among them.

use std::path::Path;

use alloy_primitives::{Address, B256, U256};
use slipway_chain::{Lifecycle, Rehearsal, safe::AllowedRisks};
use slipway_config::{Config, Environment, Multisig};
use slipway_contracts::Decoder;
use slipway_keys::{ChainSigner, address_of};

use crate::{
    DeployError, DeployOptions, DeployRequest, Deployed, Deployment, Effect, load_plan,
    proposal::Proposal,
    role_hash,
    safe::{deploy_through_open_safe, open_safe, proposals_dir, rehearse_safe_tx},
};

/// Where rehearsals keep their records and journals, by environment
/// (started over by each rehearsal).
pub const REHEARSAL_DIR: &str = ".slipway/rehearsal";

/// What a rehearsal did.
#[derive(Debug)]
pub struct Rehearsed {
    /// The block the fork stands on.
    pub block: slipway_chain::ForkBlock,
    /// The plan's effect on the fork (what the real run will show).
    pub effect: Effect,
    /// What the run did there (a direct deployment).
    pub deployed: Option<Deployed>,
    /// How the Safe executed the plan's proposal there (a deployment
    /// through the Safe).
    pub safe: Option<crate::safe::SafeRehearsal>,
    /// Each contract the plan deployed, by step.
    pub addresses: Vec<(String, Address)>,
    /// Each transaction, in order.
    pub transactions: Vec<RehearsedTx>,
    /// Every event the run emitted, in words.
    pub events: Vec<RehearsedEvent>,
    /// Gas used in all.
    pub gas_used: u64,
    /// What it cost at the fork's fees, in wei.
    pub cost: U256,
}

/// One transaction of a rehearsal.
#[derive(Clone, Debug)]
pub struct RehearsedTx {
    /// Its hash on the fork.
    pub hash: B256,
    /// The contract it created, if any.
    pub created: Option<Address>,
    /// Gas used.
    pub gas_used: u64,
    /// Whether it succeeded.
    pub success: bool,
}

/// One event of a rehearsal.
#[derive(Clone, Debug)]
pub struct RehearsedEvent {
    /// The contract that emitted it.
    pub address: Address,
    /// The event with its arguments, decoded where the project knows it.
    pub text: String,
    /// A role or ownership change it records, in words.
    pub change: Option<String>,
}

/// Names of roles the project's ABIs declare (`X_ROLE()` getters, and
/// `DEFAULT_ADMIN_ROLE`), by hash.
fn role_names<'a>(abis: impl Iterator<Item = &'a alloy_json_abi::JsonAbi>) -> Vec<(B256, String)> {
    let mut names = vec![(B256::ZERO, "DEFAULT_ADMIN_ROLE".to_owned())];
    for abi in abis {
        for function in abi.functions() {
            if function.inputs.is_empty()
                && function.name.ends_with("_ROLE")
                && !names.iter().any(|(_, n)| *n == function.name)
            {
                names.push((role_hash(&function.name), function.name.clone()));
            }
        }
    }
    names
}

/// A role or ownership change in `event`, in words.
fn change_of(
    decoded: &slipway_contracts::DecodedEvent,
    roles: &[(B256, String)],
) -> Option<String> {
    let text = |name: &str| {
        decoded
            .arg(name)
            .map(|v| slipway_contracts::display_value(v, false))
    };
    let role = || {
        let hash = decoded.arg("role").and_then(|v| v.as_fixed_bytes())?;
        let hash = B256::from_slice(hash.0);
        Some(
            roles
                .iter()
                .find(|(h, _)| *h == hash)
                .map_or_else(|| format!("{hash}"), |(_, n)| n.clone()),
        )
    };
    match decoded.name.as_str() {
        "RoleGranted" => Some(format!("{} granted to {}", role()?, text("account")?)),
        "RoleRevoked" => Some(format!("{} revoked from {}", role()?, text("account")?)),
        "OwnershipTransferred" => Some(format!(
            "ownership {} -> {}",
            text("previousOwner")?,
            text("newOwner")?
        )),
        _ => None,
    }
}

/// Copies the environment's records, journals and proposals into `into`,
/// so that the rehearsal reads what the real run would, and writes
/// elsewhere.
fn copy_records(root: &Path, env: &str, into: &Path) -> Result<(), DeployError> {
    copy_tree(
        &slipway_contracts::records_dir(root, env),
        &slipway_contracts::records_dir(into, env),
    )
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), DeployError> {
    let failed = |path: &Path, source: std::io::Error| {
        DeployError::Rehearsal(format!("{}: {source}", path.display()))
    };
    std::fs::create_dir_all(to).map_err(|e| failed(to, e))?;
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(failed(from, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| failed(from, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| failed(&path, e))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&path, &target).map_err(|e| failed(&path, e))?;
        }
    }
    Ok(())
}

/// Who deploys: the environment's Safe, or the signer's account (read
/// without unlocking anything), which the rehearsal impersonates.
fn deployer_of(
    config: &Config,
    env: &Environment,
    signer: &str,
) -> Result<(Address, bool), DeployError> {
    match env.multisig {
        Multisig::Safe { address, .. } => Ok((address, true)),
        _ => Ok((address_of(env, signer, config.vars())?, false)),
    }
}

/// Runs the plan through the Safe on the fork: proposes (or finds the
/// proposal waiting, with its signatures), has the Safe execute it there,
/// and records what it deployed.
async fn through_safe(
    deployment: &Deployment<'_>,
    rehearsal: &Rehearsal,
    config: &Config,
    options: &DeployOptions,
    command: &str,
) -> Result<Option<crate::safe::SafeRehearsal>, DeployError> {
    let boxed = |e: crate::safe::SafeUseError| DeployError::Safe(Box::new(e));
    let open = || async {
        let mut safe = open_safe(
            config,
            deployment.env,
            deployment.client,
            AllowedRisks::default(),
        )
        .await
        .map_err(boxed)?;
        safe.dir = proposals_dir(deployment.root, &deployment.env.name);
        // Nothing of a rehearsal reaches the Transaction Service.
        safe.service = None;
        Ok::<_, DeployError>(safe)
    };
    // Proposes what is left (or finds the proposal waiting), or takes in
    // what the Safe executed.
    let run = || async {
        let safe = open().await?;
        let effect = deployment.effect(options).await?;
        let outcome = deploy_through_open_safe(
            deployment,
            effect,
            options,
            &safe,
            AllowedRisks::default(),
            command,
        )
        .await?;
        Ok::<_, DeployError>((safe, outcome))
    };
    let (safe, outcome) = run().await?;
    let proposal = match (outcome.proposed, outcome.waiting) {
        (Some((_, proposal, _)), _) => proposal,
        (None, Some(waiting)) => Proposal::load(&waiting.path).map_err(|e| boxed(e.into()))?,
        (None, None) => return Ok(None),
    };
    let executed = rehearse_safe_tx(
        rehearsal,
        &deployment.lifecycle,
        safe.state.address,
        &proposal.tx,
        &proposal.signatures,
    )
    .await
    .map_err(boxed)?;
    // Again: the journal takes in the execution, and the records are
    // written.
    run().await?;
    Ok(Some(executed))
}

/// Rehearses `request` on a fork of its environment: sends nothing to
/// the real chain and writes nothing in the project.
pub async fn rehearse(request: &DeployRequest<'_>) -> Result<Rehearsed, DeployError> {
    let DeployRequest {
        config,
        env,
        artifacts,
        ..
    } = *request;
    let (_, plan) = load_plan(config, env, artifacts, request.plan)?;
    let (deployer, safe) = deployer_of(config, env, request.signer)?;
    let senders: &[Address] = if safe { &[] } else { &[deployer] };
    let rehearsal = slipway_chain::rehearsal(config, env, senders, request.command).await?;
    // The fork stands on the newest finalized block: steps journaled in
    // newer blocks are not on it, and the rehearsal would find them gone.
    let journal = slipway_contracts::records_dir(&config.root, &env.name)
        .join(format!("{}.journal.jsonl", plan.plan.name));
    let newest = crate::Journal::read(&journal)?
        .steps
        .values()
        .filter_map(|s| s.block)
        .max();
    if let Some(newest) = newest.filter(|&b| b > rehearsal.block.number) {
        return Err(DeployError::Rehearsal(format!(
            "the fork stands on block {}, the newest finalized one, but this plan deployed steps in block {newest}, which is not final yet: rehearse again once it is (or deploy without --rehearse)",
            rehearsal.block.number
        )));
    }
    // The rehearsal's own records and journal, left for a person to read.
    let scratch = config.path(&Path::new(REHEARSAL_DIR).join(&env.name));
    match std::fs::remove_dir_all(&scratch) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(DeployError::Rehearsal(format!(
                "{}: {e}",
                scratch.display()
            )));
        }
    }
    copy_records(&config.root, &env.name, &scratch)?;
    let signer = ChainSigner::Impersonated(deployer);
    let deployment = Deployment {
        root: &scratch,
        env,
        plan: &plan,
        client: &rehearsal.client,
        signer: (!safe).then_some(&signer),
        deployer,
        lifecycle: Lifecycle::rehearsal(env),
    };
    let options = request.options.clone();
    let effect = deployment.effect(&options).await?;
    if let Some(refusal) = effect.refusal() {
        return Err(DeployError::Changed(refusal));
    }
    let (deployed, executed) = if safe {
        let executed =
            through_safe(&deployment, &rehearsal, config, &options, request.command).await?;
        (None, executed)
    } else {
        let deployed = deployment
            .execute(effect.clone(), &options, &|_| {})
            .await?;
        (Some(deployed), None)
    };
    let journal = crate::Journal::read(&deployment.journal_path())?;
    let addresses = plan
        .steps
        .iter()
        .filter(|s| s.artifact.is_some())
        .filter_map(|s| {
            let step = journal.steps.get(&s.step.id)?;
            Some((s.step.id.clone(), step.input.address?))
        })
        .collect();
    let decoder = Decoder::new(
        plan.steps
            .iter()
            .filter_map(|s| s.artifact.as_ref().map(|a| &a.abi)),
    );
    let roles = role_names(
        plan.steps
            .iter()
            .filter_map(|s| s.artifact.as_ref().map(|a| &a.abi)),
    );
    let client = &rehearsal.client;
    let block = rehearsal.block.clone();
    let head = client.agreed_block_number().await?;
    let mut rehearsed = Rehearsed {
        block: block.clone(),
        effect,
        deployed,
        safe: executed,
        addresses,
        transactions: Vec::new(),
        events: Vec::new(),
        gas_used: 0,
        cost: U256::ZERO,
    };
    for number in block.number + 1..=head {
        for receipt in client.block_receipts(number).await? {
            rehearsed.gas_used += receipt.gas_used;
            rehearsed.cost +=
                U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
            rehearsed.transactions.push(RehearsedTx {
                hash: receipt.transaction_hash,
                created: receipt.contract_address,
                gas_used: receipt.gas_used,
                success: receipt.status(),
            });
            for log in receipt.inner.logs() {
                let change = decoder
                    .decode_event(&log.inner)
                    .and_then(|decoded| change_of(&decoded, &roles));
                rehearsed.events.push(RehearsedEvent {
                    address: log.address(),
                    text: decoder.event(&log.inner),
                    change,
                });
            }
        }
    }
    Ok(rehearsed)
}
