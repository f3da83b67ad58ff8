//! One monitor replica: [`Monitor::pass`] runs the health checks, reads
//! the blocks since the cursor (bounded, in chunks; a reorg found by the
//! hash of the last block read rolls the cursor back and retracts the
//! alerts of the dropped blocks), matches the rules, trips the breaker,
//! puts alerts in the outbox, saves the cursor, then delivers the outbox.
//! The binary calls it every interval; tests call it directly — no timer
//! inside, and the clock is injected.

use std::{collections::VecDeque, sync::Arc, time::Duration};

use alloy_eips::BlockId;
use alloy_primitives::B256;
use slipway_chain::{ChainClient, LogQuery};
use slipway_config::{Config, Environment, LintSeverity};
use slipway_contracts::DeploymentRecord;
use slipway_ops::{Surface, time::Clock};

use crate::{
    Alert, MonitorError,
    breaker::{Breaker, Tripped},
    health::{self, HealthState},
    metrics::{AlertLabels, ContractLabel, Metrics, RuleLabel},
    rules::{CompiledRule, Match, compile},
    sinks::Sinks,
    store::{Cursor, Store},
};

/// Blocks asked for in one log query.
const CHUNK: u64 = 1_000;

/// A health problem that persists is alerted again after this long.
const HEALTH_COOLDOWN: Duration = Duration::from_secs(3600);

/// Test hook: `after-send` aborts right after the sinks took an alert and
/// before it leaves the outbox, as a crash there would.
pub const FAILPOINT_VAR: &str = "SLIPWAY_FAILPOINT_MONITOR";

/// What a pass needs to see the chain and the project.
pub(crate) struct Context {
    /// The project.
    pub config: Config,
    /// The environment.
    pub env: Environment,
    /// Its chain.
    pub client: ChainClient,
    /// Its recorded contracts.
    pub records: Vec<DeploymentRecord>,
    /// What each offers, in the records' order.
    pub surfaces: Vec<Surface>,
    /// The series served on `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The explorers verification is checked on (none where they cannot
    /// be reached).
    pub explorers: Option<slipway_deploy::verify::Explorers>,
}

/// What one pass did.
#[derive(Clone, Debug, Default)]
pub struct PassReport {
    /// Alerts raised in this pass (retractions included).
    pub alerts: Vec<Alert>,
    /// Every problem found in this pass, cooling down or not: what a
    /// `--once` pass is judged by.
    pub found: Vec<Alert>,
    /// The blocks read, first and last.
    pub blocks: Option<(u64, u64)>,
    /// Blocks still to read after this pass (catch-up is bounded).
    pub behind: u64,
    /// Reorgs met.
    pub reorgs: u64,
    /// What the breaker did.
    pub tripped: Vec<Tripped>,
    /// Alerts the sinks took.
    pub delivered: usize,
    /// Alerts left in the outbox, and why.
    pub undelivered: Vec<(String, String)>,
    /// The pass's figures (CloudWatch EMF lines are made from them).
    pub figures: crate::emf::Figures,
}

impl PassReport {
    /// The worst severity found.
    pub fn worst(&self) -> Option<LintSeverity> {
        self.found
            .iter()
            .filter(|a| !a.retracted)
            .map(|a| a.severity)
            .max()
    }
}

/// How a monitor is started.
pub struct MonitorOptions {
    /// Run the health checks only, with no cursor (scheduled jobs).
    pub health_only: bool,
    /// Where the cursor and outbox are kept (none with `health_only`).
    pub state_dir: Option<std::path::PathBuf>,
    /// The clock alerts and cooldowns use.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// The guardian that signs the breaker's pauses.
    pub guardian: Option<slipway_keys::ChainSigner>,
}

/// One monitor replica.
pub struct Monitor {
    ctx: Context,
    rules: Vec<CompiledRule>,
    store: Option<Store>,
    cursor: Cursor,
    health: HealthState,
    sinks: Sinks,
    breaker: Breaker,
    clock: Arc<dyn Clock + Send + Sync>,
}

impl Monitor {
    /// Starts a replica of `env`'s monitor: reads the records, compiles the
    /// rules, checks the breakers, and opens (or starts) the cursor.
    pub async fn open(
        config: Config,
        env: Environment,
        client: ChainClient,
        sinks: Sinks,
        options: MonitorOptions,
    ) -> Result<Self, MonitorError> {
        let records = slipway_ops::recorded(&config, &env, &client).await?;
        let genesis = client.genesis_hash().await?;
        let surfaces = records
            .iter()
            .map(|r| slipway_ops::surface_of(&config, r))
            .collect();
        let rules = compile(&config.monitor.rule, &records)?;
        let watched: Vec<(slipway_config::Rule, Vec<String>)> = rules
            .iter()
            .map(|r| {
                (
                    r.rule.clone(),
                    r.targets.iter().map(|t| t.contract.clone()).collect(),
                )
            })
            .collect();
        let breaker = Breaker::new(&config, &env, &client, &watched, options.guardian).await?;
        let head = client.agreed_block_number().await?;
        let store = match (&options.state_dir, options.health_only) {
            (Some(dir), false) => Some(Store::open(dir)?),
            _ => None,
        };
        let cursor = match &store {
            Some(store) => match store.cursor()? {
                Some(cursor) if cursor.chain_id == env.chain.id && cursor.genesis == genesis => {
                    cursor
                }
                Some(other) => {
                    let aside = store.set_aside(&other)?;
                    tracing::warn!(
                        "the monitor's cursor was for another chain; moved to {}",
                        aside.display()
                    );
                    fresh_cursor(&env, genesis, &records, head)
                }
                None => fresh_cursor(&env, genesis, &records, head),
            },
            None => fresh_cursor(&env, genesis, &records, head),
        };
        let explorers = slipway_deploy::verify::Explorers::for_env(&config, &env, true, true)
            .inspect_err(|e| tracing::warn!("explorer verification is not checked: {e}"))
            .ok();
        Ok(Self {
            ctx: Context {
                config,
                env,
                client,
                records,
                surfaces,
                metrics: Arc::new(Metrics::default()),
                explorers,
            },
            rules,
            store,
            cursor,
            health: HealthState::default(),
            sinks,
            breaker,
            clock: options.clock,
        })
    }

    /// The series it serves.
    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.ctx.metrics)
    }

    /// The next block it will read.
    pub fn next_block(&self) -> u64 {
        self.cursor.next
    }

    /// One pass: health, then (with a cursor) the blocks since the last,
    /// then delivery.
    pub async fn pass(&mut self) -> Result<PassReport, MonitorError> {
        let result = self.pass_inner().await;
        if result.is_err() {
            self.ctx.metrics.failures.inc();
        }
        result
    }

    async fn pass_inner(&mut self) -> Result<PassReport, MonitorError> {
        let mut report = PassReport::default();
        let now = self.clock.now();
        let health = health::check(&self.ctx, &mut self.health, now, &mut report.figures).await?;
        for alert in health {
            self.raise(alert, HEALTH_COOLDOWN, &mut report)?;
        }
        if self.store.is_some() {
            self.scan(&mut report).await?;
        }
        self.deliver(&mut report).await?;
        report.figures.problems = report.found.len() as u64;
        if let Some((from, to)) = report.blocks {
            report.figures.last_block = Some(to);
            report.figures.blocks_read = to - from + 1;
        }
        report.figures.lag_blocks = report.behind;
        Ok(report)
    }

    /// Raises `alert` unless its key cooled down less than `cooldown` ago.
    fn raise(
        &mut self,
        alert: Alert,
        cooldown: Duration,
        report: &mut PassReport,
    ) -> Result<(), MonitorError> {
        self.raise_keyed(alert.key.clone(), alert, cooldown, report)
    }

    fn raise_keyed(
        &mut self,
        cooldown_key: String,
        alert: Alert,
        cooldown: Duration,
        report: &mut PassReport,
    ) -> Result<(), MonitorError> {
        let now = self.clock.now();
        report.found.push(alert.clone());
        if self
            .cursor
            .cooldowns
            .get(&cooldown_key)
            .is_some_and(|until| *until > now)
        {
            return Ok(());
        }
        if !cooldown.is_zero() {
            self.cursor
                .cooldowns
                .insert(cooldown_key, now.saturating_add(cooldown.as_secs()));
        }
        self.cursor.cooldowns.retain(|_, until| *until > now);
        self.ctx
            .metrics
            .alerts
            .get_or_create(&AlertLabels {
                name: alert.name.clone(),
                severity: alert.severity_label().to_owned(),
            })
            .inc();
        // Without an outbox (health only), `deliver` sends what this pass
        // raised, once.
        if let Some(store) = &self.store {
            store.enqueue(&alert)?;
            self.cursor.alerted(&alert);
        }
        report.alerts.push(alert);
        Ok(())
    }

    async fn deliver(&mut self, report: &mut PassReport) -> Result<(), MonitorError> {
        let pending = match &self.store {
            Some(store) => store.pending()?,
            None => report.alerts.clone(),
        };
        for alert in pending {
            match self.sinks.deliver(&alert).await {
                Ok(()) => {
                    if std::env::var(FAILPOINT_VAR).is_ok_and(|v| v == "after-send") {
                        std::process::abort();
                    }
                    report.delivered += 1;
                    if let Some(store) = &self.store {
                        store.delivered(&alert)?;
                    }
                }
                Err(why) => report.undelivered.push((alert.key.clone(), why)),
            }
        }
        Ok(())
    }

    /// The canonical hash of block `number`.
    async fn hash_of(&self, number: u64) -> Result<Option<B256>, MonitorError> {
        Ok(self
            .ctx
            .client
            .block_header(BlockId::number(number))
            .await?
            .map(|h| h.hash))
    }

    /// Rolls back over a reorg: the last block read whose hash the chain
    /// still has, and retractions of the alerts from blocks after it.
    async fn reorg_check(&mut self, report: &mut PassReport) -> Result<(), MonitorError> {
        let Some((last, hash)) = self.cursor.recent.back().copied() else {
            return Ok(());
        };
        if self.hash_of(last).await? == Some(hash) {
            return Ok(());
        }
        let mut kept: VecDeque<(u64, B256)> = self.cursor.recent.clone();
        while let Some((number, hash)) = kept.back().copied() {
            if self.hash_of(number).await? == Some(hash) {
                break;
            }
            kept.pop_back();
        }
        let resume = kept.back().map_or_else(
            || self.cursor.recent.front().map_or(0, |(n, _)| *n),
            |(n, _)| n + 1,
        );
        self.cursor.recent = kept;
        self.cursor.next = resume;
        self.ctx.metrics.reorgs.inc();
        report.reorgs += 1;
        let now = self.clock.now();
        let dropped: Vec<Alert> = self
            .cursor
            .recent_alerts
            .iter()
            .filter(|(block, _, _)| *block >= resume)
            .map(|(_, _, alert)| alert.retract(now))
            .collect();
        self.cursor
            .recent_alerts
            .retain(|(block, _, _)| *block < resume);
        for retraction in dropped {
            if let Some(store) = &self.store {
                store.enqueue(&retraction)?;
            }
            report.alerts.push(retraction);
        }
        Ok(())
    }

    async fn scan(&mut self, report: &mut PassReport) -> Result<(), MonitorError> {
        self.reorg_check(report).await?;
        let head = self.ctx.client.agreed_block_number().await?;
        let from = self.cursor.next;
        if from > head {
            return Ok(());
        }
        let to = head.min(from.saturating_add(self.ctx.config.monitor.max_catch_up.max(1)) - 1);
        report.blocks = Some((from, to));
        report.behind = head - to;
        let mut start = from;
        while start <= to {
            let end = to.min(start + CHUNK - 1);
            self.scan_chunk(start, end, report).await?;
            start = end + 1;
        }
        self.ctx
            .metrics
            .last_block
            .set(i64::try_from(to).unwrap_or(i64::MAX));
        self.ctx
            .metrics
            .lag_blocks
            .set(i64::try_from(head - to).unwrap_or(i64::MAX));
        Ok(())
    }

    async fn scan_chunk(
        &mut self,
        from: u64,
        to: u64,
        report: &mut PassReport,
    ) -> Result<(), MonitorError> {
        let mut matches: Vec<(usize, Match)> = Vec::new();
        let addresses: Vec<_> = self
            .rules
            .iter()
            .flat_map(|r| r.event_addresses())
            .collect();
        if !addresses.is_empty() {
            let logs = self
                .ctx
                .client
                .logs(&LogQuery {
                    from,
                    to,
                    addresses,
                    events: Vec::new(),
                })
                .await?;
            for log in &logs {
                for (i, rule) in self.rules.iter().enumerate() {
                    if let Some(found) = rule.match_log(log) {
                        matches.push((i, found));
                    }
                }
            }
        }
        let watched: Vec<(String, alloy_primitives::Address)> = self
            .ctx
            .records
            .iter()
            .map(|r| (r.name.clone(), r.address))
            .collect();
        if self.rules.iter().any(CompiledRule::needs_transactions) {
            for number in from..=to {
                let transactions = self.ctx.client.block_transactions(number).await?;
                let receipts = self.ctx.client.block_receipts(number).await?;
                for (tx, receipt) in transactions.iter().zip(&receipts) {
                    let Some(to_address) = receipt.to else {
                        continue;
                    };
                    let success = receipt.status();
                    if !success
                        && let Some((name, _)) = watched.iter().find(|(_, a)| *a == to_address)
                    {
                        self.ctx
                            .metrics
                            .reverted
                            .get_or_create(&ContractLabel {
                                contract: name.clone(),
                            })
                            .inc();
                    }
                    let input = alloy_network_input(tx);
                    let place = (
                        number,
                        receipt.block_hash.unwrap_or_default(),
                        receipt.transaction_hash,
                    );
                    for (i, rule) in self.rules.iter().enumerate() {
                        if let Some(found) =
                            rule.match_transaction(to_address, &input, success, place)
                        {
                            matches.push((i, found));
                        }
                    }
                }
            }
        }
        matches.sort_by_key(|(_, m)| (m.block, m.log_index.unwrap_or(u64::MAX)));
        let mut block_times: Option<(u64, u64)> = None;
        for (i, found) in matches {
            let rule = self.rules[i].rule.clone();
            self.ctx
                .metrics
                .matches
                .get_or_create(&RuleLabel {
                    rule: rule.id.clone(),
                })
                .inc();
            // Rates count block time, so catching up judges them as live.
            let time = match block_times {
                Some((block, time)) if block == found.block => time,
                _ => {
                    let time = self
                        .ctx
                        .client
                        .block_header(BlockId::number(found.block))
                        .await?
                        .map_or(0, |h| h.timestamp);
                    block_times = Some((found.block, time));
                    time
                }
            };
            if let Some(rate) = &rule.rate {
                let window = self.cursor.rates.entry(rule.id.clone()).or_default();
                window.push_back(time);
                while window
                    .front()
                    .is_some_and(|t| *t + rate.within.as_secs() < time)
                {
                    window.pop_front();
                }
                while window.len() > rate.count as usize + 1 {
                    window.pop_front();
                }
                if window.len() <= rate.count as usize {
                    continue;
                }
            }
            if rule.pause.is_some() {
                let tripped = self
                    .breaker
                    .trip(
                        &self.ctx.config,
                        &self.ctx.env,
                        &self.ctx.client,
                        self.clock.as_ref(),
                        (&rule, &found.contract, &found.what),
                    )
                    .await?;
                report.tripped.push(tripped);
            }
            let alert = Alert {
                key: found.key(),
                name: rule.id.clone(),
                severity: rule.severity,
                summary: format!("{} on {}: {}", rule.id, found.contract, found.what),
                env: self.ctx.env.name.clone(),
                contract: Some(found.contract.clone()),
                block: Some(found.block),
                block_hash: Some(found.block_hash),
                tx: Some(found.tx),
                at: self.clock.now(),
                retracted: false,
            };
            let cooldown_key = format!("rule:{}:{}", rule.id, found.contract);
            self.raise_keyed(cooldown_key, alert, rule.cooldown, report)?;
        }
        let hash = self.hash_of(to).await?.unwrap_or_default();
        self.cursor.read_block(to, hash);
        self.ctx.metrics.blocks.inc_by(to - from + 1);
        if let Some(store) = &self.store {
            store.save_cursor(&self.cursor)?;
        }
        Ok(())
    }
}

/// A transaction's calldata.
fn alloy_network_input(tx: &alloy_rpc_types_eth::Transaction) -> Vec<u8> {
    use alloy_consensus::Transaction as _;
    tx.input().to_vec()
}

/// Where a new cursor starts: the earliest recorded deployment (its events
/// are the project's), or the head when nothing is recorded.
fn fresh_cursor(
    env: &Environment,
    genesis: B256,
    records: &[DeploymentRecord],
    head: u64,
) -> Cursor {
    Cursor {
        chain_id: env.chain.id,
        genesis,
        next: records.iter().filter_map(|r| r.block).min().unwrap_or(head),
        ..Cursor::default()
    }
}
