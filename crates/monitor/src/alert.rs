//! An alert: what fired, how bad, and the dedup key every sink and every
//! replica agree on — made from the chain's data (block hash, transaction,
//! log index, the check and its subject), never from a replica's id or
//! the time it ran.

use alloy_primitives::{B256, keccak256};
use serde::{Deserialize, Serialize};
use slipway_config::LintSeverity;

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The dedup key.
    pub key: String,
    /// The rule's id or the health check's name (Alertmanager's
    /// `alertname`).
    pub name: String,
    /// How bad.
    pub severity: LintSeverity,
    /// What happened, in words.
    pub summary: String,
    /// The environment.
    pub env: String,
    /// The contract's record, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// The block, when it comes from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u64>,
    /// That block's hash (a reorg that drops it retracts the alert).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_hash: Option<B256>,
    /// The transaction, when it comes from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<B256>,
    /// When it was raised (seconds since 1970, the monitor's clock).
    pub at: u64,
    /// A reorg dropped the block it came from.
    #[serde(default)]
    pub retracted: bool,
}

impl Alert {
    /// The file name the outbox keeps it under.
    pub fn file_stem(&self) -> String {
        let hash = keccak256(self.key.as_bytes());
        alloy_primitives::hex::encode(&hash[..12])
    }

    /// Its severity as Alertmanager and webhooks label it.
    pub fn severity_label(&self) -> &'static str {
        match self.severity {
            LintSeverity::Info => "info",
            LintSeverity::Low => "low",
            LintSeverity::Medium => "medium",
            LintSeverity::High => "high",
        }
    }

    /// The alert, retracted: the same key, so receivers replace it.
    pub fn retract(&self, at: u64) -> Self {
        Self {
            retracted: true,
            at,
            summary: format!(
                "retracted (its block was reorganised away): {}",
                self.summary
            ),
            ..self.clone()
        }
    }
}
