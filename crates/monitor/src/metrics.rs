//! The monitor's metrics, in Prometheus's conventions: the `slipway_`
//! prefix, base units (seconds, bytes), `_total` on counters (the
//! exposition adds it); the contract-level series (pause level, emergency
//! mode, role holders, rule matches), the cursor (last block, lag),
//! providers (up, latency, head, lag, errors by method), reverted
//! transactions, the monitor's own failures; and the process's own figures
//! under the standard `process_*` names.

use std::sync::atomic::AtomicU64;

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric},
    metrics::{
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::{ConstGauge, Gauge},
    },
    registry::Registry,
};

/// `contract`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ContractLabel {
    /// The record's name.
    pub contract: String,
}

/// `contract`, `role`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RoleLabels {
    /// The record's name.
    pub contract: String,
    /// The role.
    pub role: String,
}

/// `rule`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RuleLabel {
    /// The rule's id.
    pub rule: String,
}

/// `name`, `severity`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AlertLabels {
    /// The rule or check.
    pub name: String,
    /// Its severity.
    pub severity: String,
}

/// `provider`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProviderLabel {
    /// The provider, redacted.
    pub provider: String,
}

/// `provider`, `method`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    /// The provider, redacted.
    pub provider: String,
    /// The JSON-RPC method.
    pub method: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Every series the monitor serves.
#[derive(Debug, Default)]
pub struct Metrics {
    /// The last block read.
    pub last_block: Gauge,
    /// Blocks between the head and the last block read.
    pub lag_blocks: Gauge,
    /// Blocks read.
    pub blocks: Counter,
    /// Reorgs met.
    pub reorgs: Counter,
    /// Rule matches.
    pub matches: Family<RuleLabel, Counter>,
    /// Alerts raised.
    pub alerts: Family<AlertLabels, Counter>,
    /// Pause level (0 open; a Pausable's paused is 1).
    pub pause_level: Family<ContractLabel, Gauge>,
    /// Emergency mode (1 on).
    pub emergency: Family<ContractLabel, Gauge>,
    /// Holders of each role.
    pub role_holders: Family<RoleLabels, Gauge>,
    /// Reverted transactions to a watched contract.
    pub reverted: Family<ContractLabel, Counter>,
    /// Provider answered its health check (1) or not (0).
    pub provider_up: Family<ProviderLabel, Gauge>,
    /// Its health check's latency.
    pub provider_latency: Family<ProviderLabel, FloatGauge>,
    /// Its head.
    pub provider_head: Family<ProviderLabel, Gauge>,
    /// Its lag behind the best head among the providers.
    pub provider_lag: Family<ProviderLabel, Gauge>,
    /// Requests failed over, by provider and method.
    pub rpc_errors: Family<MethodLabels, Counter>,
    /// The monitor's own failures (a pass that stopped on an error).
    pub failures: Counter,
}

impl Metrics {
    /// The registry serving them, with the process's own figures.
    pub fn registry(self: &std::sync::Arc<Self>) -> Registry {
        let mut registry = Registry::default();
        let m = self;
        registry.register(
            "slipway_monitor_last_block",
            "The last block the monitor read",
            m.last_block.clone(),
        );
        registry.register(
            "slipway_monitor_lag_blocks",
            "Blocks between the chain's head and the last block read",
            m.lag_blocks.clone(),
        );
        registry.register("slipway_monitor_blocks", "Blocks read", m.blocks.clone());
        registry.register(
            "slipway_monitor_reorgs",
            "Reorganisations met",
            m.reorgs.clone(),
        );
        registry.register(
            "slipway_monitor_rule_matches",
            "Matches of each rule",
            m.matches.clone(),
        );
        registry.register(
            "slipway_monitor_alerts",
            "Alerts raised, by rule or check and severity",
            m.alerts.clone(),
        );
        registry.register(
            "slipway_contract_pause_level",
            "Pause level of each contract (0: open)",
            m.pause_level.clone(),
        );
        registry.register(
            "slipway_contract_emergency",
            "Emergency mode of each contract (1: active)",
            m.emergency.clone(),
        );
        registry.register(
            "slipway_contract_role_holders",
            "Holders of each role",
            m.role_holders.clone(),
        );
        registry.register(
            "slipway_contract_reverted_transactions",
            "Failed transactions to each watched contract",
            m.reverted.clone(),
        );
        registry.register(
            "slipway_provider_up",
            "Whether the provider answered its health check",
            m.provider_up.clone(),
        );
        registry.register(
            "slipway_provider_latency_seconds",
            "The provider's health check latency",
            m.provider_latency.clone(),
        );
        registry.register(
            "slipway_provider_head_block",
            "The provider's head",
            m.provider_head.clone(),
        );
        registry.register(
            "slipway_provider_lag_blocks",
            "The provider's lag behind the best head",
            m.provider_lag.clone(),
        );
        registry.register(
            "slipway_rpc_errors",
            "Requests failed over, by provider and method",
            m.rpc_errors.clone(),
        );
        registry.register(
            "slipway_monitor_failures",
            "Monitor passes that stopped on an error",
            m.failures.clone(),
        );
        registry.register_collector(Box::new(ProcessCollector::new()));
        registry
    }
}

/// `process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_open_fds`, `process_start_time_seconds`, read from `/proc` on
/// every scrape (nothing where there is no `/proc`).
#[derive(Debug)]
struct ProcessCollector {
    start_time: f64,
}

impl ProcessCollector {
    fn new() -> Self {
        Self {
            start_time: start_time().unwrap_or(0.0),
        }
    }
}

/// The clock ticks `/proc` counts times in (`USER_HZ`, fixed by the
/// kernel's ABI at 100 whatever the kernel's own tick rate).
const USER_HZ: f64 = 100.0;

/// utime + stime (fields 14, 15 of /proc/self/stat) in seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / USER_HZ)
}

/// Resident memory (`VmRSS` of /proc/self/status, in kB) in bytes.
fn resident_bytes() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kb * 1024.0)
}

fn open_fds() -> Option<f64> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count() as f64)
}

/// The process's start in seconds since 1970: boot time plus field 22 of
/// /proc/self/stat.
fn start_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let ticks: f64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let boot: f64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some(boot + ticks / USER_HZ)
}

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        if let Some(cpu) = cpu_seconds() {
            let counter = ConstCounter::new(cpu);
            let metric = encoder.encode_descriptor(
                "process_cpu_seconds",
                "Total user and system CPU time spent in seconds",
                None,
                counter.metric_type(),
            )?;
            counter.encode(metric)?;
        }
        for (name, help, value) in [
            (
                "process_resident_memory_bytes",
                "Resident memory size in bytes",
                resident_bytes(),
            ),
            (
                "process_open_fds",
                "Number of open file descriptors",
                open_fds(),
            ),
            (
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds",
                Some(self.start_time).filter(|t| *t > 0.0),
            ),
        ] {
            if let Some(value) = value {
                let gauge = ConstGauge::new(value);
                let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
                gauge.encode(metric)?;
            }
        }
        Ok(())
    }
}

/// The registry's exposition text.
pub fn render(registry: &Registry) -> String {
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, registry).is_err() {
        tracing::warn!("the metrics could not be encoded");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_uses_prometheus_names() {
        let metrics = std::sync::Arc::new(Metrics::default());
        metrics.last_block.set(42);
        metrics.blocks.inc_by(3);
        metrics
            .pause_level
            .get_or_create(&ContractLabel {
                contract: "Bridge".into(),
            })
            .set(3);
        let text = render(&metrics.registry());
        assert!(text.contains("slipway_monitor_last_block 42"), "{text}");
        assert!(text.contains("slipway_monitor_blocks_total 3"), "{text}");
        assert!(
            text.contains("slipway_contract_pause_level{contract=\"Bridge\"} 3"),
            "{text}"
        );
        assert!(text.contains("process_resident_memory_bytes "), "{text}");
        assert!(text.contains("process_cpu_seconds_total "), "{text}");
        assert!(text.contains("process_start_time_seconds "), "{text}");
    }
}
