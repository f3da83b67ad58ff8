//! A deployment plan through the environment's Safe: `@deployer` is the
//! Safe, and every step whose address is known before execution — CREATE2
//! deploys through the deterministic deployment proxy, and calls to known
//! addresses — goes into one proposal (a MultiSendCallOnly batch), so the
//! owners sign once. The journal records each step as proposed; a rerun
//! after the owners executed it finds the contracts and writes their
//! records, and a rerun before says what is still missing.

use std::path::PathBuf;

use alloy_primitives::{Address, B256};
use slipway_chain::safe::{AllowedRisks, approved_owners};

use super::{OpenSafe, SafeUseError, execute::landed_before, open_safe, propose::propose_calls};
use crate::{
    CREATE2_PROXY, DeployError, DeployOptions, Deployment, Effect, Journal, JournalRecord,
    inputs::prepare,
    proposal::{Executed, Proposal, ProposedCall},
};

/// A proposal of this plan that the owners have not executed yet.
#[derive(Clone, Debug)]
pub struct Waiting {
    /// Its file.
    pub path: PathBuf,
    /// Its safeTxHash.
    pub safe_tx_hash: B256,
    /// Approvals still needed (0: it only needs executing).
    pub missing: usize,
    /// Owners who have not approved.
    pub waiting: Vec<Address>,
    /// The steps it holds.
    pub steps: Vec<String>,
}

/// What a deployment through the Safe did this run.
#[derive(Clone, Debug, Default)]
pub struct SafeDeploy {
    /// The Safe.
    pub safe: Address,
    /// A proposal executed since the last run, and the steps it held.
    pub executed: Vec<(Executed, Vec<String>)>,
    /// Records written for what the Safe deployed.
    pub records: Vec<PathBuf>,
    /// The proposal still waiting for owners (nothing new is proposed
    /// meanwhile).
    pub waiting: Option<Waiting>,
    /// The proposal written this run, and the steps it holds.
    pub proposed: Option<(PathBuf, Proposal, Vec<String>)>,
    /// Steps found on chain already (CREATE2 addresses with code).
    pub found: Vec<String>,
    /// Steps left for a later proposal, and why.
    pub later: Vec<(String, String)>,
}

fn safe_error(error: SafeUseError) -> DeployError {
    DeployError::Safe(Box::new(error))
}

/// Runs `effect` through the environment's Safe: takes in what the owners
/// executed since the last run, or reports the proposal still waiting, or
/// proposes the steps left.
pub async fn deploy_through_safe(
    deployment: &Deployment<'_>,
    effect: Effect,
    options: &DeployOptions,
    config: &slipway_config::Config,
    allowed: AllowedRisks,
    command: &str,
) -> Result<SafeDeploy, DeployError> {
    if let Some(refusal) = effect.refusal() {
        return Err(DeployError::Changed(refusal));
    }
    let mut safe = open_safe(config, deployment.env, deployment.client, allowed)
        .await
        .map_err(safe_error)?;
    // The proposals sit with the deployment's records.
    safe.dir = super::proposals_dir(deployment.root, &deployment.env.name);
    deploy_through_open_safe(deployment, effect, options, &safe, allowed, command).await
}

/// [`deploy_through_safe`] with the Safe opened (a rehearsal opens it on
/// its fork, with no Transaction Service).
pub(crate) async fn deploy_through_open_safe(
    deployment: &Deployment<'_>,
    effect: Effect,
    options: &DeployOptions,
    safe: &OpenSafe,
    allowed: AllowedRisks,
    command: &str,
) -> Result<SafeDeploy, DeployError> {
    if let Some(refusal) = effect.refusal() {
        return Err(DeployError::Changed(refusal));
    }
    let env = deployment.env;
    let client = deployment.client;
    let path = deployment.journal_path();
    let mut journal = Journal::open(&path, command, options.reset)?;
    // The effect was computed before the lock: decide from what holds now.
    if !options.reset && Journal::read(&path)? != effect.state {
        return Err(DeployError::StaleEffect { journal: path });
    }
    let mut state = effect.state.clone();
    let mut outcome = SafeDeploy {
        safe: safe.state.address,
        ..SafeDeploy::default()
    };

    // What the owners did with this plan's proposals since the last run.
    let mut pending: Vec<B256> = state
        .steps
        .values()
        .filter_map(|s| s.awaiting_safe())
        .collect();
    pending.sort();
    pending.dedup();
    for hash in pending {
        let steps: Vec<String> = state
            .steps
            .iter()
            .filter(|(_, s)| s.awaiting_safe() == Some(hash))
            .map(|(id, _)| id.clone())
            .collect();
        let (file, proposal) = find_proposal(safe, hash)?;
        let executed = match proposal.executed {
            Some(executed) => Some(executed),
            None => landed_before(client, &proposal).await.map_err(safe_error)?,
        };
        // Executed elsewhere (by protocol-kit or Safe{Wallet}): the Safe's
        // nonce moved past it and its contracts are there.
        let executed = match executed {
            Some(executed) => Some(executed),
            None if safe.state.nonce > proposal.tx.nonce => {
                let mut present = true;
                for id in &steps {
                    if let Some(address) = state.steps.get(id).and_then(|s| s.input.address)
                        && client.code(address).await?.is_empty()
                    {
                        present = false;
                    }
                }
                if !present {
                    return Err(safe_error(SafeUseError::BadSetup(format!(
                        "proposal {hash} ({}) can no longer execute: another transaction used its nonce {}. Run `slipway deploy --env {} --reset` to propose the plan again",
                        file.display(),
                        proposal.tx.nonce,
                        env.name
                    ))));
                }
                None
            }
            None => {
                let approved =
                    approved_owners(client, safe.state.address, hash, &safe.state.owners)
                        .await
                        .map_err(|e| safe_error(e.into()))?;
                let missing = proposal.missing(&safe.state, &approved);
                let waiting = safe
                    .state
                    .owners
                    .iter()
                    .filter(|o| {
                        !approved.contains(o) && !proposal.signatures.iter().any(|s| s.owner == **o)
                    })
                    .copied()
                    .collect();
                outcome.waiting = Some(Waiting {
                    path: file,
                    safe_tx_hash: hash,
                    missing,
                    waiting,
                    steps,
                });
                return Ok(outcome);
            }
        };
        // Executed by another tool, found by its effect: no transaction
        // hash is known, and the records say so with a zero hash.
        let executed = executed.unwrap_or(Executed {
            tx_hash: B256::ZERO,
            block: 0,
        });
        for id in &steps {
            let record = JournalRecord::Executed {
                step: id.clone(),
                hash: executed.tx_hash,
                block: executed.block,
            };
            journal.append(&record)?;
            state.apply(record);
        }
        outcome.executed.push((executed, steps));
    }
    for level in &deployment.plan.levels {
        outcome
            .records
            .extend(deployment.write_records(&state, level).await?);
    }

    // The steps left: all those whose inputs are known now go into one
    // proposal.
    let mut names = deployment.names();
    for (id, step) in &state.steps {
        if let Some(address) = step.input.address.filter(|_| step.done()) {
            names.insert(id.clone(), address);
        }
    }
    let mut calls = Vec::new();
    let mut proposed = Vec::new();
    let mut blocked: Vec<String> = Vec::new();
    for indexes in &deployment.plan.levels {
        for &index in indexes {
            let checked = &deployment.plan.steps[index];
            let id = checked.step.id.clone();
            if !effect.steps[index].status.sends() {
                continue;
            }
            if let Some(after) = checked
                .step
                .dependencies()
                .iter()
                .find(|d| blocked.contains(d))
            {
                outcome.later.push((
                    id.clone(),
                    format!("it needs `{after}`, which waits for a later proposal"),
                ));
                blocked.push(id);
                continue;
            }
            if let crate::StepRole::Upgrade {
                proxy,
                kind: crate::ProxyKind::Transparent,
                ..
            } = &checked.step.role
                && let Some(&at) = names.get(proxy)
            {
                // The ProxyAdmin the proxy's constructor created.
                let admin =
                    crate::proxies::slot_address(client, at, crate::proxies::ADMIN_SLOT).await?;
                names.insert(crate::admin_name(proxy), admin);
                if crate::proxies::is_v4_admin(client, admin).await? {
                    names.insert(crate::proxies::v4_admin_mark(proxy), Address::ZERO);
                }
            }
            let prepared = match prepare(checked, &names, Some(safe.state.address)) {
                Ok(prepared) => prepared,
                Err(reason) => {
                    outcome.later.push((id.clone(), reason));
                    blocked.push(id);
                    continue;
                }
            };
            let deploys = checked.artifact.is_some();
            if deploys && prepared.input.salt.is_none() {
                return Err(DeployError::NeedsCreate2 {
                    step: id,
                    env: env.name.clone(),
                });
            }
            if let Some(address) = prepared.input.address {
                names.insert(id.clone(), address);
                if deploys && !client.code(address).await?.is_empty() {
                    begin(deployment, &mut journal, &mut state, safe.state.address).await?;
                    let record = JournalRecord::Found {
                        step: id.clone(),
                        input: prepared.input.clone(),
                    };
                    journal.append(&record)?;
                    state.apply(record);
                    outcome.found.push(id);
                    continue;
                }
                if deploys && !prepared.create_call && client.code(CREATE2_PROXY).await?.is_empty()
                {
                    return Err(DeployError::NoCreate2Proxy {
                        step: id,
                        chain_id: env.chain.id,
                    });
                }
            }
            let action = effect.steps[index].action.clone();
            let args = if prepared.input.args.is_empty() {
                String::new()
            } else {
                format!(" ({})", prepared.input.args.join(", "))
            };
            let summary = match prepared.input.address {
                Some(address) if deploys => format!("{id}: {action}{args} at {address}"),
                _ => format!("{id}: {action}{args}"),
            };
            calls.push(if prepared.create_call {
                let create = safe.batching.create2_call(
                    prepared.request.value,
                    prepared.request.data.clone(),
                    prepared.input.salt.unwrap_or_default(),
                );
                ProposedCall {
                    operation: create.operation,
                    to: create.to,
                    value: create.value,
                    data: create.data,
                    summary: format!("{summary} (through CreateCall: the Safe is msg.sender)"),
                }
            } else {
                ProposedCall::call(
                    prepared.request.to.unwrap_or(CREATE2_PROXY),
                    prepared.request.value,
                    prepared.request.data.clone(),
                    summary,
                )
            });
            proposed.push((id, prepared.input));
        }
    }
    if calls.is_empty() {
        return Ok(outcome);
    }
    let (proposal, file) = propose_calls(safe, calls, allowed).map_err(safe_error)?;
    begin(deployment, &mut journal, &mut state, safe.state.address).await?;
    for (id, input) in &proposed {
        let record = JournalRecord::Proposed {
            step: id.clone(),
            input: input.clone(),
            safe_tx_hash: proposal.safe_tx_hash,
        };
        journal.append(&record)?;
        state.apply(record);
    }
    outcome.proposed = Some((
        file,
        proposal,
        proposed.into_iter().map(|(id, _)| id).collect(),
    ));
    Ok(outcome)
}

/// The journal's `begin` record, with the Safe as the deployer, before the
/// first step record.
async fn begin(
    deployment: &Deployment<'_>,
    journal: &mut Journal,
    state: &mut crate::JournalState,
    safe: Address,
) -> Result<(), DeployError> {
    if state.begin.is_some() {
        return Ok(());
    }
    let record = JournalRecord::Begin {
        plan: deployment.plan.plan.name.clone(),
        chain_id: deployment.env.chain.id,
        genesis: deployment.client.genesis_hash().await?,
        deployer: safe,
    };
    journal.append(&record)?;
    state.apply(record);
    Ok(())
}

/// The proposal file with `hash` among the Safe's proposals.
fn find_proposal(safe: &OpenSafe, hash: B256) -> Result<(PathBuf, Proposal), DeployError> {
    safe.proposals()
        .into_iter()
        .find_map(|(path, loaded)| {
            loaded
                .ok()
                .filter(|p| p.safe_tx_hash == hash)
                .map(|p| (path, p))
        })
        .ok_or_else(|| {
            safe_error(SafeUseError::BadSetup(format!(
                "the journal says this plan was proposed as Safe transaction {hash}, but no proposal file in {} holds it: restore it from version control, or run `slipway deploy --reset` to propose the plan again",
                safe.dir.display()
            )))
        })
}
