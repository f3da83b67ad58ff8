//! Running a checked plan on a chain: its effect first ([`Effect`]), then
//! level by level — every step of a level signed, journaled and sent
//! without waiting for the others' receipts, then all followed to finality
//! — with the journal making any interruption resumable.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use alloy_primitives::{Address, B256, Bytes};
use slipway_chain::{
    ChainClient, FeeQuote, Lifecycle, NonceTracker, SignedTx, TxError, TxEvent, TxRequest, estimate,
};
use slipway_config::Environment;
use slipway_keys::ChainSigner;

use crate::{
    CheckedPlan, DeployError, Effect, Journal, JournalRecord, JournalState, ProxyKind, StepEffect,
    StepInput, StepRole, StepStatus,
    classify::{Asked, Classified, classify},
    encode::Names,
    error::JournalProblem,
    inputs::{prepare, request_of},
    journal::StepState,
    plan::Action,
};

/// A journaled step whose transaction is out or whose proposal waits.
fn pending(state: &StepState) -> bool {
    !state.done() && (state.awaiting_safe().is_some() || state.confirmed.is_none())
}

/// Choices of one run.
#[derive(Clone, Debug, Default)]
pub struct DeployOptions {
    /// Steps done before that changed and are to be sent again.
    pub redeploy: Vec<String>,
    /// Start the plan over: the journal is set aside.
    pub reset: bool,
    /// OpenZeppelin's validation kinds waived for every implementation
    /// (`--unsafe-allow`), besides those the plan waives.
    pub unsafe_allow: Vec<String>,
}

/// What a run reports as it goes.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A lifecycle step of a step's transaction.
    Tx {
        /// The step.
        step: &'a str,
        /// What happened.
        event: &'a TxEvent,
    },
    /// A transaction from before a crash is followed.
    Resumed {
        /// The step.
        step: &'a str,
        /// Its hash.
        hash: B256,
    },
    /// A CREATE2 contract was already at its address: nothing sent.
    Found {
        /// The step.
        step: &'a str,
        /// Where.
        address: Address,
    },
    /// A step is final.
    Done {
        /// The step.
        step: &'a str,
        /// The deployed contract.
        address: Option<Address>,
        /// Its block.
        block: u64,
        /// Gas used.
        gas_used: u64,
    },
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct Deployed {
    /// Transactions sent (replacements not counted).
    pub sent: usize,
    /// Distinct blocks that included this run's transactions.
    pub blocks: BTreeSet<u64>,
    /// Records written.
    pub records: Vec<PathBuf>,
}

/// A plan on an environment's chain.
pub struct Deployment<'a> {
    /// The project root.
    pub root: &'a Path,
    /// The environment.
    pub env: &'a Environment,
    /// The plan.
    pub plan: &'a CheckedPlan,
    /// The chain.
    pub client: &'a ChainClient,
    /// Who signs and sends; none where the environment's Safe is the
    /// deployer and the steps are proposed to it.
    pub signer: Option<&'a ChainSigner>,
    /// Who `@deployer` is and who began the journal: the signer's
    /// account, or the Safe.
    pub deployer: Address,
    /// How transactions are followed.
    pub lifecycle: Lifecycle,
}

async fn code(client: &ChainClient, address: Address) -> Result<Bytes, DeployError> {
    Ok(client.code(address).await?)
}

fn tx_error(step: &str, error: TxError) -> DeployError {
    DeployError::Tx {
        step: step.to_owned(),
        error,
    }
}

impl Deployment<'_> {
    /// `deployments/<env>/<plan>.journal.jsonl`.
    pub fn journal_path(&self) -> PathBuf {
        slipway_contracts::records_dir(self.root, &self.env.name)
            .join(format!("{}.journal.jsonl", self.plan.plan.name))
    }

    /// The Safe that deploys, where steps are proposed to it.
    pub(crate) fn through_safe(&self) -> Option<Address> {
        self.signer.is_none().then_some(self.deployer)
    }

    /// The signer that sends; a deployment through a Safe has none.
    fn signer(&self) -> Result<&ChainSigner, DeployError> {
        self.signer
            .ok_or_else(|| DeployError::ThroughSafe(self.env.name.clone()))
    }

    pub(crate) fn names(&self) -> Names {
        let mut names = self.plan.plan.accounts.clone();
        names.insert("deployer".into(), self.deployer);
        names
    }

    fn action(&self, index: usize) -> String {
        let step = &self.plan.steps[index];
        match (&step.step.action, &step.artifact, &step.function) {
            (Action::Deploy { salt, .. }, Some(a), _) => {
                format!(
                    "deploy {}{}",
                    a.id,
                    if salt.is_some() { " (CREATE2)" } else { "" }
                )
            }
            (Action::Call { to, .. }, _, Some(f)) => {
                let target = match to {
                    crate::Expr::Ref(name) => name.clone(),
                    other => format!("{other:?}"),
                };
                format!("call {target}.{}", f.signature())
            }
            _ => String::new(),
        }
    }

    /// Where proxy step `proxy` (of `kind`) points now; for a transparent
    /// proxy, its `ProxyAdmin` is put in `names` (an upgrade is sent to it).
    async fn pointing_at(
        &self,
        kind: ProxyKind,
        proxy: &str,
        names: &mut Names,
    ) -> Result<Address, DeployError> {
        let address = |name: &str| {
            names
                .get(name)
                .copied()
                .ok_or_else(|| DeployError::NoAddress(name.to_owned()))
        };
        let target = match kind {
            ProxyKind::Beacon => address(&crate::plan::beacon_name(proxy))?,
            ProxyKind::Uups | ProxyKind::Transparent => address(proxy)?,
        };
        if kind == ProxyKind::Transparent {
            let admin =
                crate::proxies::slot_address(self.client, target, crate::proxies::ADMIN_SLOT)
                    .await?;
            names.insert(crate::admin_name(proxy), admin);
            if crate::proxies::is_v4_admin(self.client, admin).await? {
                names.insert(crate::proxies::v4_admin_mark(proxy), Address::ZERO);
            }
        }
        crate::proxies::current_implementation(self.client, kind, target).await
    }

    /// Refuses a journal that lacks steps the records of this plan on this
    /// chain hold: an emptied or replaced journal would otherwise send every
    /// call step again.
    fn check_records_against(
        &self,
        state: &JournalState,
        journal: &Path,
    ) -> Result<(), DeployError> {
        let records = slipway_contracts::read_records(self.root, &self.env.name)?;
        let mut missing: Vec<String> = records
            .into_iter()
            .filter(|r| r.plan == self.plan.plan.name && r.chain_id == self.env.chain.id)
            .filter(|r| self.plan.step(&r.name).is_some() && !state.steps.contains_key(&r.name))
            .map(|r| r.name)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        missing.sort();
        Err(DeployError::JournalEmptied {
            journal: journal.to_path_buf(),
            records: slipway_contracts::records_dir(self.root, &self.env.name),
            missing,
            plan: self.plan.plan.name.clone(),
        })
    }

    /// The plan's effect on the chain; sends nothing and writes nothing.
    pub async fn effect(&self, options: &DeployOptions) -> Result<Effect, DeployError> {
        let journal = self.journal_path();
        let state = if options.reset {
            JournalState::default()
        } else {
            Journal::read(&journal)?
        };
        let chain_id = self.env.chain.id;
        if !options.reset {
            self.check_records_against(&state, &journal)?;
        }
        if let Some((written_on, genesis, deployer)) = state.begin {
            if written_on != chain_id {
                return Err(DeployError::ChainGone {
                    journal,
                    reason: format!(
                        "it was written on chain {written_on}, this is chain {chain_id}"
                    ),
                });
            }
            let chain_genesis = self.client.genesis_hash().await?;
            if chain_genesis != genesis {
                return Err(DeployError::ChainGone {
                    journal,
                    reason: format!(
                        "it was written on the chain whose genesis block is {genesis}; this chain's is {chain_genesis}"
                    ),
                });
            }
            if deployer != self.deployer {
                return Err(DeployError::OtherSigner {
                    journal,
                    started_by: deployer,
                    signer: self.deployer,
                });
            }
        }
        let mut accepted = BTreeSet::new();
        for id in &options.redeploy {
            if self.plan.step(id).is_none() {
                return Err(DeployError::UnknownStep {
                    step: id.clone(),
                    steps: self.plan.steps.iter().map(|s| s.step.id.clone()).collect(),
                });
            }
            accepted.extend(self.plan.dependents(id));
        }
        let fees = estimate(self.client, &self.lifecycle.fees).await.ok();
        let fee_per_gas = match fees {
            Some(FeeQuote::Eip1559 { max_fee, .. }) => max_fee,
            Some(FeeQuote::Legacy { gas_price }) => gas_price,
            None => 0,
        };

        let mut names = self.names();
        let mut resend: BTreeSet<String> = BTreeSet::new();
        let mut effects: BTreeMap<usize, StepEffect> = BTreeMap::new();
        for (level, indexes) in self.plan.levels.iter().enumerate() {
            for &index in indexes {
                let checked = &self.plan.steps[index];
                let id = checked.step.id.clone();
                let deploys = checked.artifact.is_some();
                let dependencies = checked.step.resend_dependencies();
                let after_resent = dependencies.iter().any(|d| resend.contains(d));
                let prepared = prepare(checked, &names, self.through_safe());
                let mut effect = StepEffect {
                    id: id.clone(),
                    level,
                    action: self.action(index),
                    args: prepared
                        .as_ref()
                        .map(|p| p.input.args.clone())
                        .unwrap_or_default(),
                    status: StepStatus::Send,
                    address: prepared.as_ref().ok().and_then(|p| p.input.address),
                    gas: None,
                    deploys,
                    part: checked.step.role.describe(),
                    implementation: matches!(checked.step.role, StepRole::Implementation { .. }),
                };
                let journaled = state.steps.get(&id);
                // The chain's part: a contract the journal says is deployed
                // must be there.
                if let Some(done) = journaled.filter(|s| s.done())
                    && let Some(address) = done.input.address
                    && deploys
                    && code(self.client, address).await?.is_empty()
                {
                    return Err(DeployError::ChainGone {
                        journal,
                        reason: format!(
                            "step `{id}` is recorded at {address}{}, but there is no code there",
                            done.block
                                .map(|b| format!(" (block {b})"))
                                .unwrap_or_default()
                        ),
                    });
                }
                let asked = Asked {
                    now: match &prepared {
                        Ok(p) => Ok(&p.input),
                        Err(e) => Err(e.as_str()),
                    },
                    after_resent,
                    accepted: accepted.contains(&id),
                    redeploy: options.redeploy.contains(&id),
                };
                let classified = match &checked.step.role {
                    // A proxy and its beacon are created once; what follows
                    // is an upgrade, never a new proxy.
                    StepRole::Proxy { .. } | StepRole::Beacon { .. }
                        if journaled.is_some_and(StepState::done) =>
                    {
                        Classified {
                            status: StepStatus::Done,
                            address: journaled.and_then(|s| s.input.address),
                            resent: false,
                        }
                    }
                    // A changed implementation is the upgrade the plan asks
                    // for (checked for safety before anything is sent).
                    StepRole::Implementation { .. } => classify(
                        &id,
                        journaled,
                        Asked {
                            accepted: true,
                            ..asked
                        },
                    )?,
                    StepRole::Upgrade {
                        proxy,
                        kind,
                        implementation,
                    } if !journaled.is_some_and(pending) => {
                        // A proxy not created yet (to send, or proposed to
                        // the Safe) is created with the implementation.
                        let created = state.steps.get(proxy).is_some_and(StepState::done);
                        let status = if !created || resend.contains(proxy) {
                            StepStatus::Done
                        } else {
                            let from = self.pointing_at(*kind, proxy, &mut names).await?;
                            if !resend.contains(implementation)
                                && names.get(implementation) == Some(&from)
                            {
                                StepStatus::Done
                            } else {
                                StepStatus::Upgrade { from }
                            }
                        };
                        Classified {
                            resent: status.sends(),
                            status,
                            address: None,
                        }
                    }
                    _ => classify(&id, journaled, asked)?,
                };
                if let Some(address) = classified.address {
                    names.insert(id.clone(), address);
                    effect.address = Some(address);
                }
                if classified.resent {
                    resend.insert(id.clone());
                }
                effect.status = classified.status;
                if effect.status.sends()
                    && !after_resent
                    && let Ok(p) = &prepared
                {
                    effect.gas = Lifecycle::estimate_gas(self.client, self.deployer, &p.request)
                        .await
                        .ok();
                }
                effects.insert(index, effect);
            }
        }
        Ok(Effect {
            plan: self.plan.plan.name.clone(),
            environment: self.env.name.clone(),
            chain_id,
            deployer: self.deployer,
            journal,
            steps: effects.into_values().collect(),
            fee_per_gas,
            depth: self.plan.depth(),
            upgrades: Vec::new(),
            state,
        })
    }

    /// Runs the plan: what `effect` found to do, level by level.
    pub async fn execute(
        &self,
        effect: Effect,
        options: &DeployOptions,
        progress: &(dyn Fn(Progress<'_>) + Sync),
    ) -> Result<Deployed, DeployError> {
        if let Some(refusal) = effect.refusal() {
            return Err(DeployError::Changed(refusal));
        }
        let path = self.journal_path();
        let command = format!(
            "slipway deploy {} --env {}",
            self.plan.plan.name, self.env.name
        );
        let journal = Journal::open(&path, &command, options.reset)?;
        // The effect was computed before the lock, and a person may have
        // been asked since: another deploy can have run meanwhile. What is
        // sent must be what was shown, so the journal is read again under
        // the lock and any change refuses.
        if !options.reset && Journal::read(&path)? != effect.state {
            return Err(DeployError::StaleEffect { journal: path });
        }
        let journal = Arc::new(Mutex::new(journal));
        // The `begin` record is written with the first step record: a run
        // that sends nothing (too little gas money, say) pins the journal
        // to no signer.
        let mut state = effect.state.clone();
        let mut names = self.names();
        let nonces = NonceTracker::new();
        let mut outcome = Deployed::default();
        for indexes in &self.plan.levels {
            let mut to_send = Vec::new();
            for &index in indexes {
                let id = &self.plan.steps[index].step.id;
                match &effect.steps[index].status {
                    StepStatus::Done => {
                        if let Some(a) = effect.steps[index].address {
                            names.insert(id.clone(), a);
                        }
                    }
                    StepStatus::InFlight { .. } => {
                        let Some(tx) = state.steps.get(id).and_then(|s| s.tx.clone()) else {
                            continue;
                        };
                        progress(Progress::Resumed {
                            step: id,
                            hash: tx.hash(),
                        });
                        let request = request_of(&tx.raw, tx.gas_limit).ok_or_else(|| {
                            DeployError::journal(&path, JournalProblem::Undecodable(id.to_owned()))
                        })?;
                        let mut on_event = self.journaling(id, &journal, &path, progress);
                        match self
                            .lifecycle
                            .resume(self.client, self.signer()?, &request, tx, &mut on_event.0)
                            .await
                        {
                            Ok(done) => {
                                on_event
                                    .1
                                    .lock()
                                    .ok()
                                    .and_then(|mut e| e.take())
                                    .map_or(Ok(()), Err)?;
                                self.finish(
                                    id,
                                    &done,
                                    &mut state,
                                    &mut names,
                                    &mut outcome,
                                    progress,
                                )?;
                            }
                            Err(TxError::NonceUsed { .. }) => to_send.push(index),
                            Err(e) => return Err(tx_error(id, e)),
                        }
                    }
                    _ => {
                        // Read the proxy again: created this run with the
                        // implementation, or upgraded by another run since
                        // the effect was computed, it needs nothing.
                        if let StepRole::Upgrade {
                            proxy,
                            kind,
                            implementation,
                        } = &self.plan.steps[index].step.role
                        {
                            let now = self.pointing_at(*kind, proxy, &mut names).await?;
                            if names.get(implementation) == Some(&now) {
                                continue;
                            }
                        }
                        to_send.push(index)
                    }
                }
            }
            self.send_level(
                &to_send,
                &journal,
                &path,
                &mut state,
                &mut names,
                &mut outcome,
                &nonces,
                progress,
            )
            .await?;
            outcome
                .records
                .extend(self.write_records(&state, indexes).await?);
        }
        // A proxy's record is written again after its upgrade.
        outcome.records.sort();
        outcome.records.dedup();
        Ok(outcome)
    }

    /// An event handler that journals the lifecycle's steps and reports
    /// them; a journal error is kept for the caller.
    #[allow(clippy::type_complexity)]
    fn journaling<'s>(
        &'s self,
        step: &'s str,
        journal: &'s Arc<Mutex<Journal>>,
        path: &'s Path,
        progress: &'s (dyn Fn(Progress<'_>) + Sync),
    ) -> (
        impl FnMut(TxEvent) + Send + 's,
        Arc<Mutex<Option<DeployError>>>,
    ) {
        let failed = Arc::new(Mutex::new(None));
        let keep = failed.clone();
        let handler = move |event: TxEvent| {
            let record = match &event {
                TxEvent::Bumped { hash, fees, raw } => Some(JournalRecord::Bumped {
                    step: step.to_owned(),
                    hash: *hash,
                    fees: *fees,
                    raw: raw.clone(),
                }),
                TxEvent::Included { hash, block } => Some(JournalRecord::Included {
                    step: step.to_owned(),
                    hash: *hash,
                    block: *block,
                }),
                TxEvent::Confirmed {
                    hash,
                    block,
                    success,
                    gas_used,
                } => Some(JournalRecord::Confirmed {
                    step: step.to_owned(),
                    hash: *hash,
                    block: *block,
                    success: *success,
                    gas_used: *gas_used,
                }),
                _ => None,
            };
            if let Some(record) = record {
                let written = journal
                    .lock()
                    .map_err(|_| DeployError::journal(path, JournalProblem::Poisoned))
                    .and_then(|mut j| j.append(&record));
                if let Err(e) = written
                    && let Ok(mut slot) = keep.lock()
                {
                    slot.get_or_insert(e);
                }
            }
            progress(Progress::Tx {
                step,
                event: &event,
            });
        };
        (handler, failed)
    }

    /// Writes the journal's `begin` record (chain, genesis, signer) if it
    /// has none yet: just before its first step record.
    async fn begin(
        &self,
        journal: &Arc<Mutex<Journal>>,
        path: &Path,
        state: &mut JournalState,
    ) -> Result<(), DeployError> {
        if state.begin.is_some() {
            return Ok(());
        }
        let begin = JournalRecord::Begin {
            plan: self.plan.plan.name.clone(),
            chain_id: self.env.chain.id,
            genesis: self.client.genesis_hash().await?,
            deployer: self.deployer,
        };
        journal
            .lock()
            .map_err(|_| DeployError::journal(path, JournalProblem::Poisoned))?
            .append(&begin)?;
        state.apply(begin);
        Ok(())
    }

    /// Signs, journals and sends every step of a level, then follows them
    /// all at once.
    #[allow(clippy::too_many_arguments)]
    async fn send_level(
        &self,
        indexes: &[usize],
        journal: &Arc<Mutex<Journal>>,
        path: &Path,
        state: &mut JournalState,
        names: &mut Names,
        outcome: &mut Deployed,
        nonces: &NonceTracker,
        progress: &(dyn Fn(Progress<'_>) + Sync),
    ) -> Result<(), DeployError> {
        let mut waiting: Vec<(&str, TxRequest, SignedTx)> = Vec::new();
        let mut first_error = None;
        for &index in indexes {
            let checked = &self.plan.steps[index];
            let id = checked.step.id.as_str();
            let prepared = prepare(checked, names, self.through_safe()).map_err(|reason| {
                DeployError::Prepare {
                    step: id.to_owned(),
                    reason,
                }
            })?;
            let mut input: StepInput = prepared.input;
            if let (Some(address), Some(_)) = (input.address, input.salt) {
                if !code(self.client, address).await?.is_empty() {
                    let record = JournalRecord::Found {
                        step: id.to_owned(),
                        input: input.clone(),
                    };
                    self.begin(journal, path, state).await?;
                    journal
                        .lock()
                        .map_err(|_| DeployError::journal(path, JournalProblem::Poisoned))?
                        .append(&record)?;
                    state.apply(record);
                    names.insert(id.to_owned(), address);
                    progress(Progress::Found { step: id, address });
                    continue;
                }
                if code(self.client, crate::CREATE2_PROXY).await?.is_empty() {
                    return Err(DeployError::NoCreate2Proxy {
                        step: id.to_owned(),
                        chain_id: self.env.chain.id,
                    });
                }
            }
            let mut report = |event: TxEvent| {
                progress(Progress::Tx {
                    step: id,
                    event: &event,
                })
            };
            let tx = match self
                .lifecycle
                .sign(
                    self.client,
                    nonces,
                    self.signer()?,
                    &prepared.request,
                    &mut report,
                )
                .await
            {
                Ok(tx) => tx,
                Err(e) => {
                    first_error = Some(tx_error(id, e));
                    break;
                }
            };
            if checked.artifact.is_some() && input.address.is_none() {
                input.address = Some(self.deployer.create(tx.nonce));
            }
            let record = JournalRecord::Sent {
                step: id.to_owned(),
                input,
                tx: tx.clone(),
            };
            self.begin(journal, path, state).await?;
            journal
                .lock()
                .map_err(|_| DeployError::journal(path, JournalProblem::Poisoned))?
                .append(&record)?;
            state.apply(record);
            if let Err(e) = Lifecycle::broadcast(self.client, &tx).await {
                first_error = Some(tx_error(id, e));
                break;
            }
            outcome.sent += 1;
            let mut request = prepared.request;
            request.gas_limit = Some(tx.gas_limit);
            waiting.push((id, request, tx));
        }
        let signer = self.signer()?;
        let follows = waiting.into_iter().map(|(id, request, tx)| {
            let (mut handler, failed) = self.journaling(id, journal, path, progress);
            async move {
                let result = self
                    .lifecycle
                    .wait(self.client, signer, &request, tx, &mut handler)
                    .await;
                let journal_error = failed.lock().ok().and_then(|mut e| e.take());
                (id, result, journal_error)
            }
        });
        for (id, result, journal_error) in futures::future::join_all(follows).await {
            if let Some(e) = journal_error {
                first_error.get_or_insert(e);
            }
            match result {
                Ok(done) => {
                    if let Err(e) = self.finish(id, &done, state, names, outcome, progress) {
                        first_error.get_or_insert(e);
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(tx_error(id, e));
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Takes a step's final event into the state.
    fn finish(
        &self,
        id: &str,
        done: &TxEvent,
        state: &mut JournalState,
        names: &mut Names,
        outcome: &mut Deployed,
        progress: &(dyn Fn(Progress<'_>) + Sync),
    ) -> Result<(), DeployError> {
        let TxEvent::Confirmed {
            hash,
            block,
            success,
            gas_used,
        } = *done
        else {
            return Err(DeployError::Incomplete(id.to_owned()));
        };
        state.apply(JournalRecord::Confirmed {
            step: id.to_owned(),
            hash,
            block,
            success,
            gas_used,
        });
        outcome.blocks.insert(block);
        if !success {
            return Err(DeployError::Reverted {
                step: id.to_owned(),
                hash,
            });
        }
        let address = state.steps.get(id).and_then(|s| s.input.address);
        if let Some(address) = address {
            names.insert(id.to_owned(), address);
        }
        progress(Progress::Done {
            step: id,
            address,
            block,
            gas_used,
        });
        Ok(())
    }

    /// Writes the records of the deploy steps of a level that are done
    /// (once the level is through, so each record is written once a run),
    /// and again the record of each proxy an upgrade of the level moved.
    pub(crate) async fn write_records(
        &self,
        state: &JournalState,
        level: &[usize],
    ) -> Result<Vec<PathBuf>, DeployError> {
        let mut indexes: Vec<usize> = level.to_vec();
        for &i in level {
            if let StepRole::Upgrade { proxy, .. } = &self.plan.steps[i].step.role
                && let Some(at) = self.plan.steps.iter().position(|s| &s.step.id == proxy)
            {
                indexes.push(at);
            }
        }
        indexes.sort_unstable();
        indexes.dedup();
        let mut written = Vec::new();
        for checked in indexes.iter().map(|&i| &self.plan.steps[i]) {
            let (Some(artifact), Some(step)) =
                (&checked.artifact, state.steps.get(&checked.step.id))
            else {
                continue;
            };
            let Some(address) = step.input.address.filter(|_| step.done()) else {
                continue;
            };
            let deployed = code(self.client, address).await?;
            let mut abi = artifact.abi.clone();
            let mut proxy = None;
            if let StepRole::Proxy {
                kind,
                implementation,
            } = &checked.step.role
            {
                if let Some(a) = self
                    .plan
                    .step(implementation)
                    .and_then(|s| s.artifact.as_ref())
                {
                    abi = a.abi.clone();
                }
                let mut record = self
                    .proxy_record(*kind, &checked.step.id, address, implementation, state)
                    .await?;
                // Found without a salt of its own: imported, not found at
                // its CREATE2 address.
                record.imported = step.tx.is_none() && step.input.salt.is_none();
                proxy = Some(record);
            }
            let record = slipway_contracts::DeploymentRecord {
                name: checked.step.id.clone(),
                contract: step.input.what.clone(),
                address,
                chain_id: self.env.chain.id,
                genesis: state.begin.map(|(_, genesis, _)| genesis),
                plan: self.plan.plan.name.clone(),
                transaction_hash: step.included_hash,
                block: step.block,
                deployer: self.deployer,
                bytecode_hash: step.input.bytecode_hash.unwrap_or_default(),
                deployed_bytecode_hash: alloy_primitives::keccak256(&deployed),
                constructor_args: step.input.encoded_args.clone(),
                args: step.input.args.clone(),
                salt: step.input.salt,
                libraries: step.input.libraries.clone(),
                abi,
                package: None,
                proxy,
            };
            // An imported proxy's admin is not from this build either.
            let admin = record
                .proxy
                .as_ref()
                .filter(|p| !p.imported)
                .and_then(|p| p.admin)
                .zip(self.plan.proxy_admin.as_ref());
            written.push(record.write(self.root, &self.env.name)?);
            if let Some((admin, artifact)) = admin {
                written.push(self.admin_record(&record, admin, artifact).await?);
            }
        }
        Ok(written)
    }

    /// The record of the `ProxyAdmin` that transparent proxy `proxy`
    /// created in its constructor (so no transaction of its own).
    async fn admin_record(
        &self,
        proxy: &slipway_contracts::DeploymentRecord,
        admin: Address,
        artifact: &slipway_contracts::Artifact,
    ) -> Result<PathBuf, DeployError> {
        let deployed = code(self.client, admin).await?;
        let owner = crate::proxies::owner(self.client, admin).await?;
        let record = slipway_contracts::DeploymentRecord {
            name: crate::admin_name(&proxy.name),
            contract: artifact.id.clone(),
            address: admin,
            chain_id: proxy.chain_id,
            genesis: proxy.genesis,
            plan: proxy.plan.clone(),
            transaction_hash: None,
            block: proxy.block,
            deployer: proxy.address,
            bytecode_hash: artifact.bytecode_hash(),
            deployed_bytecode_hash: alloy_primitives::keccak256(&deployed),
            constructor_args: owner.into_word().0.to_vec().into(),
            args: vec![owner.to_checksum(None)],
            salt: None,
            libraries: Default::default(),
            abi: artifact.abi.clone(),
            package: None,
            proxy: None,
        };
        Ok(record.write(self.root, &self.env.name)?)
    }

    /// Proxy `id` at `address` as the chain has it now, with the history
    /// its record held and the implementation it points at added when new.
    async fn proxy_record(
        &self,
        kind: ProxyKind,
        id: &str,
        address: Address,
        implementation_step: &str,
        state: &JournalState,
    ) -> Result<slipway_contracts::ProxyRecord, DeployError> {
        let beacon = match kind {
            ProxyKind::Beacon => state
                .steps
                .get(&crate::plan::beacon_name(id))
                .and_then(|s| s.input.address),
            _ => None,
        };
        let target = beacon.unwrap_or(address);
        let implementation =
            crate::proxies::current_implementation(self.client, kind, target).await?;
        let admin = match kind {
            ProxyKind::Transparent => Some(
                crate::proxies::slot_address(self.client, address, crate::proxies::ADMIN_SLOT)
                    .await?,
            ),
            _ => None,
        };
        let mut history = slipway_contracts::read_records(self.root, &self.env.name)?
            .into_iter()
            .find(|r| r.name == id && r.address == address)
            .and_then(|r| r.proxy)
            .map(|p| p.history)
            .unwrap_or_default();
        if history.last().map(|h| h.address) != Some(implementation) {
            let deployed = state.steps.get(implementation_step);
            let contract = deployed
                .filter(|s| s.input.address == Some(implementation))
                .map(|s| s.input.what.clone());
            let upgraded_in = state
                .steps
                .get(&crate::plan::upgrade_name(id))
                .filter(|s| s.done() && !history.is_empty())
                .and_then(|s| s.included_hash);
            history.push(slipway_contracts::ImplementationRecord {
                address: implementation,
                contract,
                upgraded_in,
            });
        }
        Ok(slipway_contracts::ProxyRecord {
            kind: kind.as_str().to_owned(),
            implementation,
            admin,
            beacon,
            history,
            imported: false,
        })
    }
}
