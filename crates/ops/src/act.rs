//! The `slipway ops` use case, in two calls: [`prepare`] reads the
//! contract's state and works out the call, what it changes and who signs
//! (nothing is sent; `--dry-run` stops there), then [`act`] confirms,
//! reads the state again under the incident lock (what was shown may be
//! stale after a prompt), writes the incident entry before anything
//! leaves, sends or proposes, and records the outcome and the state after.

use alloy_primitives::{Address, U256};
use slipway_chain::{ChainClient, TxEvent, safe::AllowedRisks};
use slipway_config::{Config, DEPLOYER, Environment, Multisig, Vars};
use slipway_contracts::{ChainIdentity, DeploymentRecord, Invocation, read_records};
use slipway_deploy::{
    Approval, Authorised, Confirm, RevertAbis, SendEvent, SendOutcome, authorise,
    safe::propose_invocation, send_authorised,
};
use slipway_keys::ChainSigner;

use crate::{
    Action, ContractState, OpsError,
    action::{Planned, plan},
    incident::{Author, Entry, Incidents, OpenIncident, Outcome, Route, Severity},
    state::read_state,
    surface::Surface,
};

/// What to do, as asked.
#[derive(Clone, Debug)]
pub struct OpsRequest {
    /// The contract's record name in the environment.
    pub contract: String,
    /// The action.
    pub action: Action,
    /// `--signer`: who signs a direct action instead of the default
    /// (`guardian` for a pause, `deployer` otherwise).
    pub signer: Option<String>,
}

/// An action worked out and not yet carried out.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The contract's record.
    pub record: DeploymentRecord,
    /// What the contract offers.
    pub surface: Surface,
    /// The action.
    pub action: Action,
    /// The state now.
    pub before: ContractState,
    /// What the action comes to.
    pub planned: Planned,
    /// Who signs.
    pub route: Route,
    /// The call, when there is one.
    pub invocation: Option<Invocation>,
}

impl Prepared {
    /// The contract's state on `client` now, read as `prepare` read it.
    pub async fn state_on(&self, client: &ChainClient) -> Result<ContractState, OpsError> {
        read_state(
            client,
            self.record.address,
            &self.surface,
            self.record.block.unwrap_or(0),
            &self.action.tokens(),
        )
        .await
    }

    /// Whether the action still comes to the same call in `state`; if not,
    /// what it comes to now.
    pub fn comes_to_same(&self, state: &ContractState) -> Result<(), String> {
        match plan(&self.action, &self.surface, state) {
            Ok(p) if p.calldata() == self.planned.calldata() => Ok(()),
            Ok(Planned::Nothing(why)) => Err(why),
            Ok(Planned::Call { change, .. }) => Err(change.join("; ")),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The call as `name(args)`.
    pub fn call_shown(&self) -> String {
        match &self.planned {
            Planned::Call { function, args, .. } => format!(
                "{}({})",
                function.name,
                args.iter()
                    .map(|a| slipway_contracts::display_value(a, true))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Planned::Nothing(_) => String::new(),
        }
    }
}

/// What a recorded contract offers: its ABI with its `[ops.<Contract>]`
/// mapping, found by the record's name or its contract's. Every command
/// that reads or acts on a contract (ops, roles, the monitor) sees it so.
pub fn surface_of(config: &Config, record: &DeploymentRecord) -> Surface {
    let contract = record
        .contract
        .rsplit(':')
        .next()
        .unwrap_or(&record.contract);
    let mapping = config
        .ops
        .get(&record.name)
        .or_else(|| config.ops.get(contract));
    Surface::new(&record.name, &record.abi, mapping)
}

/// The state of every recorded contract of `env` (or only `name`), with
/// its record: `slipway ops status`.
pub async fn status(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    name: Option<&str>,
) -> Result<Vec<(DeploymentRecord, ContractState)>, OpsError> {
    let records = match name {
        Some(name) => vec![find_record(config, env, client, name).await?],
        None => recorded(config, env, client).await?,
    };
    let mut states = Vec::new();
    for record in records {
        let surface = surface_of(config, &record);
        let state = read_state(
            client,
            record.address,
            &surface,
            record.block.unwrap_or(0),
            &[],
        )
        .await?;
        states.push((record, state));
    }
    Ok(states)
}

/// Every record of `env`, each checked against the chain it is read on (a
/// record of another chain, or of a dev chain started over, is refused).
pub async fn recorded(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
) -> Result<Vec<DeploymentRecord>, OpsError> {
    let records = read_records(&config.root, &env.name)?;
    let here = ChainIdentity {
        chain_id: env.chain.id,
        genesis: Some(client.genesis_hash().await?),
    };
    for record in &records {
        record.check_chain(&env.name, here)?;
    }
    Ok(records)
}

/// The record `name` of `env`, checked against the chain it is read on.
pub async fn find_record(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    name: &str,
) -> Result<DeploymentRecord, OpsError> {
    let records = read_records(&config.root, &env.name)?;
    let record = records
        .iter()
        .find(|r| r.name == name)
        .cloned()
        .ok_or_else(|| OpsError::UnknownContract {
            name: name.to_owned(),
            env: env.name.clone(),
            known: match records
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
            {
                names if names.is_empty() => "none".to_owned(),
                names => names,
            },
        })?;
    record.check_chain(
        &env.name,
        ChainIdentity {
            chain_id: env.chain.id,
            genesis: Some(client.genesis_hash().await?),
        },
    )?;
    Ok(record)
}

/// The record `request` names, or, when it names none, the one record of
/// the environment whose contract has a function for the action.
pub fn pick_contract(
    config: &Config,
    env: &Environment,
    named: Option<&str>,
    action: &Action,
) -> Result<String, OpsError> {
    if let Some(name) = named {
        return Ok(name.to_owned());
    }
    let records = read_records(&config.root, &env.name)?;
    let fitting: Vec<&DeploymentRecord> = records
        .iter()
        .filter(|r| crate::action::supports(action, &surface_of(config, r)))
        .collect();
    match fitting.as_slice() {
        [one] => Ok(one.name.clone()),
        [] => Err(OpsError::Refused(format!(
            "no contract recorded in deployments/{}/ can {}: deploy one, or map its function in [ops.<Contract>]",
            env.name,
            action.describe()
        ))),
        many => Err(OpsError::Refused(format!(
            "several contracts of `{}` can {}: name one with --contract ({})",
            env.name,
            action.describe(),
            many.iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Who signs `action` in `env`: the guardian sends a pause directly even
/// where a Safe signs everything else; every other action goes through the
/// Safe where one is required.
pub fn route(
    env: &Environment,
    action: &Action,
    signer: Option<&str>,
    vars: &Vars,
) -> Result<Route, OpsError> {
    let direct = |name: &str| -> Result<Route, OpsError> {
        Ok(Route::Direct {
            signer: name.to_owned(),
            address: slipway_keys::address_of(env, name, vars)?,
        })
    };
    if action.is_guardian_action() {
        return direct(signer.unwrap_or("guardian"));
    }
    match &env.multisig {
        Multisig::Off => direct(signer.unwrap_or(DEPLOYER)),
        Multisig::Safe { address, .. } => match signer {
            Some(name) => Err(OpsError::Refused(format!(
                "--signer {name} does not apply: in `{}` everything but a pause is proposed to its Safe {address}",
                env.name
            ))),
            None => Ok(Route::Safe { safe: *address }),
        },
        Multisig::Required => Err(OpsError::NoSafe {
            env: env.name.clone(),
        }),
    }
}

/// Reads the contract's state and works out `request`: nothing is sent.
pub async fn prepare(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    request: &OpsRequest,
) -> Result<Prepared, OpsError> {
    let record = find_record(config, env, client, &request.contract).await?;
    let surface = surface_of(config, &record);
    let before = read_state(
        client,
        record.address,
        &surface,
        record.block.unwrap_or(0),
        &request.action.tokens(),
    )
    .await?;
    let planned = plan(&request.action, &surface, &before)?;
    let route = route(
        env,
        &request.action,
        request.signer.as_deref(),
        config.vars(),
    )?;
    let invocation = match &planned {
        Planned::Call { function, .. } => Some(Invocation {
            to: record.address,
            record: Some(record.clone()),
            function: function.clone(),
            calldata: planned.calldata().unwrap_or_default().into(),
        }),
        Planned::Nothing(_) => None,
    };
    Ok(Prepared {
        record,
        surface,
        action: request.action.clone(),
        before,
        planned,
        route,
        invocation,
    })
}

/// What `act` needs besides the prepared action.
pub struct ActContext<'a> {
    /// The project.
    pub config: &'a Config,
    /// The environment.
    pub env: &'a Environment,
    /// Its chain.
    pub client: &'a ChainClient,
    /// `--yes` and `--reason` (a reason is required in a protected
    /// environment).
    pub approval: &'a Approval,
    /// Asks a person in a protected environment.
    pub confirm: &'a (dyn Confirm + Sync),
    /// Words a revert.
    pub abis: &'a dyn RevertAbis,
    /// Who acts, and the clock.
    pub author: &'a Author<'a>,
    /// The command line, for the incident lock.
    pub command: &'a str,
    /// `--incident N`: the open incident to record it in.
    pub incident: Option<u32>,
    /// The severity of an incident this action opens.
    pub severity: Severity,
}

/// Something `act` reports as it goes.
#[derive(Clone, Debug)]
pub enum ActEvent {
    /// The confirmation rule let it go ahead.
    Authorised(Authorised),
    /// The incident it is recorded in (`opened`: this action opened it).
    Incident {
        /// Its number.
        id: u32,
        /// Whether this action opened it.
        opened: bool,
    },
    /// A step of the transaction's lifecycle.
    Tx(TxEvent),
}

/// What an action came to.
#[derive(Clone, Debug)]
pub struct Acted {
    /// The incident it is recorded in.
    pub incident: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// The state after (none when it could not be read).
    pub after: Option<ContractState>,
}

/// Carries `prepared` out: confirms, re-reads the state under the incident
/// lock, records, sends (with `signer`, for a direct action) or proposes,
/// and records how it ended.
pub async fn act(
    prepared: &Prepared,
    ctx: &ActContext<'_>,
    signer: Option<&ChainSigner>,
    events: &mut (dyn FnMut(ActEvent) + Send),
) -> Result<Acted, OpsError> {
    let Some(invocation) = &prepared.invocation else {
        return Err(OpsError::Refused(
            "there is nothing to do: the state already is what the action would make it".into(),
        ));
    };
    if let (Route::Direct { address, .. }, Some(signer)) = (&prepared.route, signer)
        && signer.address() != *address
    {
        return Err(OpsError::Refused(format!(
            "the signer unlocked is {}, not {address} as shown: nothing was sent",
            signer.address()
        )));
    }
    let what = format!(
        "{} on {} ({})",
        prepared.action.describe(),
        prepared.record.name,
        prepared.call_shown()
    );
    let authorised = authorise(ctx.env, &what, ctx.approval, ctx.confirm)?;
    let reason = authorised.reason.clone();
    events(ActEvent::Authorised(authorised));

    let incidents = Incidents::new(&ctx.config.root, &ctx.env.name);
    let lock = incidents.lock(ctx.command)?;
    // What was shown was read before the prompt: read it again, under the
    // lock, and go on only if the action still comes to the same call.
    let before = prepared.state_on(ctx.client).await?;
    prepared
        .comes_to_same(&before)
        .map_err(|now| OpsError::StateChanged { now })?;
    let (mut incident, opened) = match incidents.current(ctx.incident)? {
        Some(id) => (incidents.resume(&lock, id)?, false),
        None => (
            incidents.create(
                &lock,
                Entry::Opened {
                    at: ctx.author.clock.now(),
                    severity: ctx.severity,
                    title: format!("{} on {}", prepared.action.describe(), prepared.record.name),
                    by: ctx.author.by.clone(),
                },
            )?,
            true,
        ),
    };
    events(ActEvent::Incident {
        id: incident.id(),
        opened,
    });
    let step = incident.next_step();
    let change = match &prepared.planned {
        Planned::Call { change, .. } => change.clone(),
        Planned::Nothing(_) => Vec::new(),
    };
    incident.append(Entry::Action {
        at: ctx.author.clock.now(),
        step,
        env: ctx.env.name.clone(),
        chain_id: ctx.env.chain.id,
        contract: prepared.record.name.clone(),
        address: prepared.record.address,
        action: prepared.action.clone(),
        call: prepared.call_shown(),
        route: prepared.route.clone(),
        reason,
        change,
        before,
    })?;
    let outcome = match carry_out(
        prepared,
        ctx,
        invocation,
        signer,
        &mut incident,
        step,
        events,
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(error) => {
            incident.append(Entry::Done {
                at: ctx.author.clock.now(),
                step,
                outcome: Outcome::Failed {
                    error: error.to_string(),
                },
                after: None,
            })?;
            return Err(error);
        }
    };
    let after = prepared
        .state_on(ctx.client)
        .await
        .inspect_err(|e| tracing::warn!("cannot read the state after the action: {e}"))
        .ok();
    incident.append(Entry::Done {
        at: ctx.author.clock.now(),
        step,
        outcome: outcome.clone(),
        after: after.clone(),
    })?;
    Ok(Acted {
        incident: incident.id(),
        outcome,
        after,
    })
}

async fn carry_out(
    prepared: &Prepared,
    ctx: &ActContext<'_>,
    invocation: &Invocation,
    signer: Option<&ChainSigner>,
    incident: &mut OpenIncident,
    step: u32,
    events: &mut (dyn FnMut(ActEvent) + Send),
) -> Result<Outcome, OpsError> {
    match &prepared.route {
        Route::Safe { safe } => {
            let (proposal, path) = propose_invocation(
                ctx.config,
                ctx.env,
                ctx.client,
                invocation,
                U256::ZERO,
                AllowedRisks::default(),
            )
            .await?;
            Ok(Outcome::Proposed {
                safe: *safe,
                safe_tx_hash: proposal.safe_tx_hash,
                file: path
                    .strip_prefix(&ctx.config.root)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
            })
        }
        Route::Direct { signer: name, .. } => {
            let signer = signer.ok_or_else(|| {
                OpsError::Refused(format!("no `{name}` signer was unlocked: nothing was sent"))
            })?;
            let clock = ctx.author.clock;
            let mut recorded = Ok(());
            let sent = send_authorised(
                ctx.env,
                ctx.client,
                signer,
                ctx.abis,
                invocation,
                U256::ZERO,
                &mut |event| {
                    if let SendEvent::Tx(tx) = event {
                        if let TxEvent::Sent { hash, .. } = &tx
                            && recorded.is_ok()
                        {
                            recorded = incident.append(Entry::Sent {
                                at: clock.now(),
                                step,
                                tx: *hash,
                            });
                        }
                        events(ActEvent::Tx(tx));
                    }
                },
            )
            .await?;
            recorded?;
            Ok(match sent {
                SendOutcome::Confirmed {
                    hash,
                    block,
                    success,
                    ..
                } => Outcome::Confirmed {
                    tx: hash,
                    block,
                    success,
                },
                SendOutcome::Reverted(reason) => Outcome::Reverted {
                    reason: crate::action::explain_revert(&reason, prepared.before.timestamp),
                },
            })
        }
    }
}

/// The address a direct action is signed by, if it is one.
pub fn direct_signer(route: &Route) -> Option<(&str, Address)> {
    match route {
        Route::Direct { signer, address } => Some((signer, *address)),
        Route::Safe { .. } => None,
    }
}
