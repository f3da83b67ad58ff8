//! CloudWatch Embedded Metric Format: each pass's figures as JSON lines
//! that CloudWatch Logs turns into metrics, no AWS SDK needed. One line
//! for the environment, one per contract and one per provider, each with
//! its `_aws` directive (namespace `slipway`, its dimension set, its
//! metrics with units) and the dimension and metric values as members.

use serde_json::{Map, Value, json};

/// The figures of one pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// The last block read.
    pub last_block: Option<u64>,
    /// Blocks still to read.
    pub lag_blocks: u64,
    /// Blocks read in the pass.
    pub blocks_read: u64,
    /// Problems found.
    pub problems: u64,
    /// Per contract: pause level and emergency mode.
    pub contracts: Vec<(String, Option<i64>, Option<bool>)>,
    /// Per provider: up, latency in milliseconds, lag in blocks.
    pub providers: Vec<(String, bool, Option<f64>, Option<u64>)>,
}

fn line(timestamp_ms: u64, dimensions: &[(&str, &str)], metrics: &[(&str, &str, Value)]) -> String {
    let mut body = Map::new();
    body.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": "slipway",
                "Dimensions": [dimensions.iter().map(|(name, _)| *name).collect::<Vec<_>>()],
                "Metrics": metrics
                    .iter()
                    .map(|(name, unit, _)| json!({ "Name": name, "Unit": unit }))
                    .collect::<Vec<_>>(),
            }],
        }),
    );
    for (name, value) in dimensions {
        body.insert((*name).into(), json!(value));
    }
    for (name, _, value) in metrics {
        body.insert((*name).into(), value.clone());
    }
    Value::Object(body).to_string()
}

/// The figures of `env` at `timestamp_ms` as EMF lines.
pub fn lines(figures: &Figures, env: &str, timestamp_ms: u64) -> Vec<String> {
    let mut out = Vec::new();
    let mut metrics = vec![
        ("LagBlocks", "Count", json!(figures.lag_blocks)),
        ("BlocksRead", "Count", json!(figures.blocks_read)),
        ("Problems", "Count", json!(figures.problems)),
    ];
    if let Some(last) = figures.last_block {
        metrics.push(("LastBlock", "None", json!(last)));
    }
    out.push(line(timestamp_ms, &[("Environment", env)], &metrics));
    for (contract, pause, emergency) in &figures.contracts {
        let mut metrics = Vec::new();
        if let Some(level) = pause {
            metrics.push(("PauseLevel", "None", json!(level)));
        }
        if let Some(on) = emergency {
            metrics.push(("Emergency", "None", json!(u8::from(*on))));
        }
        if !metrics.is_empty() {
            out.push(line(
                timestamp_ms,
                &[("Environment", env), ("Contract", contract)],
                &metrics,
            ));
        }
    }
    for (provider, up, latency, lag) in &figures.providers {
        let mut metrics = vec![("ProviderUp", "None", json!(u8::from(*up)))];
        if let Some(ms) = latency {
            metrics.push(("ProviderLatency", "Milliseconds", json!(ms)));
        }
        if let Some(lag) = lag {
            metrics.push(("ProviderLagBlocks", "Count", json!(lag)));
        }
        out.push(line(
            timestamp_ms,
            &[("Environment", env), ("Provider", provider)],
            &metrics,
        ));
    }
    out
}
