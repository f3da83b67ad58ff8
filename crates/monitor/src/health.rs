//! The health checks of every interval: each provider on its own
//! (reachable, latency, chain id, syncing, lag behind the best head: node
//! synchronisation), the head advancing, every recorded contract's code
//! equal to its record, pause levels and emergency mode, role drift from
//! the `[roles]` policy, and balances under their floors. Each problem is
//! an alert whose key names the check and its subject, so every replica
//! raises the same one.

use std::collections::BTreeMap;

use alloy_primitives::{Address, keccak256};
use slipway_config::LintSeverity;
use slipway_ops::{PauseState, read_status};

use crate::{
    Alert, MonitorError,
    emf::Figures,
    engine::Context,
    metrics::{ContractLabel, MethodLabels, ProviderLabel, RoleLabels},
};

/// A provider whose head is this many blocks behind the best is lagging.
pub(crate) const LAG_BLOCKS: u64 = 5;

/// What the checks remember between intervals.
#[derive(Debug, Default)]
pub(crate) struct HealthState {
    last_head: Option<u64>,
    unchanged: u32,
    /// Provider and method → errors already counted.
    errors_seen: BTreeMap<(String, String), u64>,
    /// When explorer verification was last checked.
    last_verify: Option<u64>,
}

fn health_alert(
    ctx: &Context,
    name: &str,
    subject: &str,
    severity: LintSeverity,
    summary: String,
    at: u64,
) -> Alert {
    Alert {
        key: format!("health:{name}:{}:{subject}", ctx.env.name),
        name: name.to_owned(),
        severity,
        summary,
        env: ctx.env.name.clone(),
        contract: None,
        block: None,
        block_hash: None,
        tx: None,
        at,
        retracted: false,
    }
}

/// Runs every check; the alerts they raise.
pub(crate) async fn check(
    ctx: &Context,
    state: &mut HealthState,
    at: u64,
    figures: &mut Figures,
) -> Result<Vec<Alert>, MonitorError> {
    let mut alerts = Vec::new();
    providers(ctx, state, at, &mut alerts, figures).await;
    contracts(ctx, at, &mut alerts, figures).await?;
    roles(ctx, at, &mut alerts).await?;
    floors(ctx, at, &mut alerts).await?;
    let every = ctx.config.monitor.verify_interval.as_secs();
    if state
        .last_verify
        .is_none_or(|last| at.saturating_sub(last) >= every)
    {
        state.last_verify = Some(at);
        verification(ctx, at, &mut alerts).await;
    }
    Ok(alerts)
}

async fn providers(
    ctx: &Context,
    state: &mut HealthState,
    at: u64,
    alerts: &mut Vec<Alert>,
    figures: &mut Figures,
) {
    let probes = ctx.client.probe_providers().await;
    let best = probes.iter().filter_map(|p| p.head).max();
    for probe in &probes {
        let label = ProviderLabel {
            provider: probe.url.clone(),
        };
        let up = probe.error.is_none() && probe.chain_id == Some(ctx.env.chain.id);
        ctx.metrics
            .provider_up
            .get_or_create(&label)
            .set(i64::from(up));
        if let Some(latency) = probe.latency {
            ctx.metrics
                .provider_latency
                .get_or_create(&label)
                .set(latency.as_secs_f64());
        }
        if let Some(head) = probe.head {
            ctx.metrics
                .provider_head
                .get_or_create(&label)
                .set(i64::try_from(head).unwrap_or(i64::MAX));
        }
        let lag = best.zip(probe.head).map(|(b, h)| b.saturating_sub(h));
        figures.providers.push((
            probe.url.clone(),
            up,
            probe.latency.map(|l| l.as_secs_f64() * 1000.0),
            lag,
        ));
        if let Some(lag) = lag {
            ctx.metrics
                .provider_lag
                .get_or_create(&label)
                .set(i64::try_from(lag).unwrap_or(i64::MAX));
        }
        if let Some(error) = &probe.error {
            alerts.push(health_alert(
                ctx,
                "provider-down",
                &probe.url,
                LintSeverity::High,
                format!("provider {} does not answer: {error}", probe.url),
                at,
            ));
        } else if probe.chain_id != Some(ctx.env.chain.id) {
            alerts.push(health_alert(
                ctx,
                "provider-wrong-chain",
                &probe.url,
                LintSeverity::High,
                format!(
                    "provider {} is on chain {}, not {}",
                    probe.url,
                    probe
                        .chain_id
                        .map_or_else(|| "?".to_owned(), |c| c.to_string()),
                    ctx.env.chain.id
                ),
                at,
            ));
        } else if probe.syncing == Some(true) {
            alerts.push(health_alert(
                ctx,
                "provider-syncing",
                &probe.url,
                LintSeverity::Medium,
                format!("provider {} is still syncing", probe.url),
                at,
            ));
        } else if let Some(lag) = lag.filter(|l| *l > LAG_BLOCKS) {
            alerts.push(health_alert(
                ctx,
                "provider-lag",
                &probe.url,
                LintSeverity::Medium,
                format!(
                    "provider {} is {lag} blocks behind the best head",
                    probe.url
                ),
                at,
            ));
        }
    }
    for (provider, health) in ctx.client.health() {
        for (method, count) in &health.errors_by_method {
            let seen = state
                .errors_seen
                .entry((provider.clone(), method.clone()))
                .or_default();
            if *count > *seen {
                ctx.metrics
                    .rpc_errors
                    .get_or_create(&MethodLabels {
                        provider: provider.clone(),
                        method: method.clone(),
                    })
                    .inc_by(*count - *seen);
                *seen = *count;
            }
        }
    }
    match (best, state.last_head) {
        (Some(head), Some(last)) if head <= last => {
            state.unchanged += 1;
            if state.unchanged >= ctx.config.monitor.stall_intervals {
                alerts.push(health_alert(
                    ctx,
                    "head-stalled",
                    &head.to_string(),
                    LintSeverity::High,
                    format!(
                        "the head has stayed at block {head} for {} intervals",
                        state.unchanged
                    ),
                    at,
                ));
            }
        }
        (Some(head), _) => {
            state.unchanged = 0;
            state.last_head = Some(head);
        }
        (None, _) => {}
    }
}

async fn contracts(
    ctx: &Context,
    at: u64,
    alerts: &mut Vec<Alert>,
    figures: &mut Figures,
) -> Result<(), MonitorError> {
    for (record, surface) in ctx.records.iter().zip(&ctx.surfaces) {
        let label = ContractLabel {
            contract: record.name.clone(),
        };
        let code = ctx.client.code(record.address).await?;
        let hash = keccak256(&code);
        if hash != record.deployed_bytecode_hash {
            let mut alert = health_alert(
                ctx,
                "code-changed",
                &format!("{}:{hash}", record.name),
                LintSeverity::High,
                if code.is_empty() {
                    format!("{} at {} has no code any more", record.name, record.address)
                } else {
                    format!(
                        "{} at {}: the code on chain ({hash}) is not the recorded {}",
                        record.name, record.address, record.deployed_bytecode_hash
                    )
                },
                at,
            );
            alert.contract = Some(record.name.clone());
            alerts.push(alert);
        }
        let (pause, emergency) = read_status(&ctx.client, record.address, surface).await?;
        figures.contracts.push((
            record.name.clone(),
            pause.map(|p| match p {
                PauseState::Level(level) => i64::from(level),
                PauseState::Paused(paused) => i64::from(paused),
            }),
            emergency.map(|e| e.active),
        ));
        if let Some(pause) = pause {
            let level = match pause {
                PauseState::Level(level) => i64::from(level),
                PauseState::Paused(paused) => i64::from(paused),
            };
            ctx.metrics.pause_level.get_or_create(&label).set(level);
            if level > 0 {
                let mut alert = health_alert(
                    ctx,
                    "paused",
                    &format!("{}:{level}", record.name),
                    LintSeverity::Medium,
                    format!("{} is paused ({})", record.name, pause.describe()),
                    at,
                );
                alert.contract = Some(record.name.clone());
                alerts.push(alert);
            }
        }
        if let Some(emergency) = emergency {
            ctx.metrics
                .emergency
                .get_or_create(&label)
                .set(i64::from(emergency.active));
            if emergency.active {
                let mut alert = health_alert(
                    ctx,
                    "emergency",
                    &format!("{}:{}", record.name, emergency.since.unwrap_or_default()),
                    LintSeverity::High,
                    format!("{} is in emergency mode", record.name),
                    at,
                );
                alert.contract = Some(record.name.clone());
                alerts.push(alert);
            }
        }
    }
    Ok(())
}

async fn roles(ctx: &Context, at: u64, alerts: &mut Vec<Alert>) -> Result<(), MonitorError> {
    if ctx.records.is_empty() {
        return Ok(());
    }
    let report = slipway_ops::roles::live_roles(&ctx.config, &ctx.env, &ctx.client).await?;
    for contract in &report.contracts {
        for role in &contract.access.roles {
            ctx.metrics
                .role_holders
                .get_or_create(&RoleLabels {
                    contract: contract.name.clone(),
                    role: role.shown(),
                })
                .set(i64::try_from(role.holders.len()).unwrap_or(i64::MAX));
        }
    }
    for finding in &report.findings {
        let mut alert = health_alert(
            ctx,
            "role-drift",
            &finding.fingerprint,
            finding.severity,
            format!("{} ({})", finding.message, finding.id),
            at,
        );
        alert.contract = finding.contract.clone();
        alerts.push(alert);
    }
    Ok(())
}

async fn floors(ctx: &Context, at: u64, alerts: &mut Vec<Alert>) -> Result<(), MonitorError> {
    for (who, floor) in &ctx.config.monitor.floors {
        let address = floor_address(ctx, who)?;
        let balance = ctx.client.balance(address).await?;
        if balance < *floor {
            alerts.push(health_alert(
                ctx,
                "balance-low",
                who,
                LintSeverity::Medium,
                format!(
                    "{who} ({address}) holds {} wei, under its floor of {floor} wei",
                    balance
                ),
                at,
            ));
        }
    }
    Ok(())
}

/// The account a floor names: a signer of the environment, a record, or an
/// address.
fn floor_address(ctx: &Context, who: &str) -> Result<Address, MonitorError> {
    if let Ok(address) = who.parse::<Address>() {
        return Ok(address);
    }
    if let Some(record) = ctx.records.iter().find(|r| r.name == who) {
        return Ok(record.address);
    }
    Ok(slipway_keys::address_of(&ctx.env, who, ctx.config.vars())?)
}

/// Every recorded contract verified on at least one explorer that answers;
/// one verified nowhere is a warning (explorers that cannot be asked are
/// logged, not alerted).
async fn verification(ctx: &Context, at: u64, alerts: &mut Vec<Alert>) {
    let Some(explorers) = &ctx.explorers else {
        return;
    };
    for record in &ctx.records {
        let statuses = explorers.status(ctx.env.chain.id, record.address).await;
        for status in &statuses {
            if let Err(why) = &status.verified {
                tracing::warn!(
                    "{} cannot say whether {} is verified: {why}",
                    status.explorer,
                    record.name
                );
            }
        }
        let answered: Vec<&str> = statuses
            .iter()
            .filter(|s| s.verified == Ok(false))
            .map(|s| s.explorer)
            .collect();
        let verified = statuses.iter().any(|s| s.verified == Ok(true));
        if !verified && !answered.is_empty() {
            let mut alert = health_alert(
                ctx,
                "unverified",
                &record.name,
                LintSeverity::Low,
                format!(
                    "{} at {} is not verified on {} (`slipway verify --env {}`)",
                    record.name,
                    record.address,
                    answered.join(" or "),
                    ctx.env.name
                ),
                at,
            );
            alert.contract = Some(record.name.clone());
            alerts.push(alert);
        }
    }
}
