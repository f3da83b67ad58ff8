//! What an incident record holds: one entry per line of its log, in the
//! order things happened. Nothing is ever rewritten; a later entry adds to
//! an earlier one (an action's transaction, then its outcome).

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use crate::{Action, ContractState};

/// How bad an incident is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No user impact.
    Low,
    /// Degraded.
    Medium,
    /// Funds or users at risk.
    High,
    /// Funds being lost.
    Critical,
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "critical" => Self::Critical,
            other => {
                return Err(format!(
                    "`{other}` is not a severity: low, medium, high or critical"
                ));
            }
        })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        })
    }
}

/// How an action was carried out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Route {
    /// Sent by a signer directly.
    Direct {
        /// The signer's name in the environment (`guardian`).
        signer: String,
        /// Its address.
        address: Address,
    },
    /// Proposed to the environment's Safe.
    Safe {
        /// The Safe.
        safe: Address,
    },
}

/// What something linked to an incident is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Linked {
    /// A transaction.
    Transaction(B256),
    /// A Safe proposal, by its safeTxHash.
    Proposal(B256),
    /// Anything else: a URL, a ticket.
    Reference(String),
}

/// How an action ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Included and final.
    Confirmed {
        /// The transaction.
        tx: B256,
        /// Its block.
        block: u64,
        /// Whether it succeeded.
        success: bool,
    },
    /// The gas estimate reverted: nothing was sent.
    Reverted {
        /// Why, in words.
        reason: String,
    },
    /// Proposed to the Safe: executes once its owners sign.
    Proposed {
        /// The Safe.
        safe: Address,
        /// The proposal's safeTxHash.
        safe_tx_hash: B256,
        /// The proposal file, relative to the project.
        file: String,
    },
    /// It failed before completing (the error, in words).
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// One line of an incident's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// The incident was opened.
    Opened {
        /// When (seconds since 1970).
        at: u64,
        /// How bad.
        severity: Severity,
        /// What it is about.
        title: String,
        /// Who opened it.
        by: String,
    },
    /// A note.
    Note {
        /// When.
        at: u64,
        /// Who wrote it.
        by: String,
        /// The text.
        text: String,
    },
    /// A transaction, proposal or reference linked to it.
    Link {
        /// When.
        at: u64,
        /// Who linked it.
        by: String,
        /// What.
        linked: Linked,
        /// Why, if said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// An action is about to be carried out (written before anything is
    /// sent or proposed).
    Action {
        /// When.
        at: u64,
        /// Its number within the incident (its outcome refers to it).
        step: u32,
        /// The environment.
        env: String,
        /// The chain.
        chain_id: u64,
        /// The contract's record name.
        contract: String,
        /// Its address.
        address: Address,
        /// What.
        action: Action,
        /// The call, as `name(args)`.
        call: String,
        /// Who signs, and how.
        route: Route,
        /// Why (`--reason`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// What changes, in words.
        change: Vec<String>,
        /// The state before.
        before: ContractState,
    },
    /// An action's transaction left (before its outcome is known).
    Sent {
        /// When.
        at: u64,
        /// The action's step.
        step: u32,
        /// The transaction.
        tx: B256,
    },
    /// How an action ended, and the state after it.
    Done {
        /// When.
        at: u64,
        /// The action's step.
        step: u32,
        /// How it ended.
        outcome: Outcome,
        /// The state after (none when it could not be read).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<ContractState>,
    },
    /// The incident was closed.
    Closed {
        /// When.
        at: u64,
        /// Who closed it.
        by: String,
        /// What happened and what was done.
        summary: String,
    },
}

impl Entry {
    /// When it was written.
    pub fn at(&self) -> u64 {
        match self {
            Self::Opened { at, .. }
            | Self::Note { at, .. }
            | Self::Link { at, .. }
            | Self::Action { at, .. }
            | Self::Sent { at, .. }
            | Self::Done { at, .. }
            | Self::Closed { at, .. } => *at,
        }
    }
}

/// An incident as its log tells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// Its number in the environment.
    pub id: u32,
    /// The environment.
    pub env: String,
    /// Its entries, in order.
    pub entries: Vec<Entry>,
}

impl Incident {
    /// Its title.
    pub fn title(&self) -> &str {
        self.entries
            .iter()
            .find_map(|e| match e {
                Entry::Opened { title, .. } => Some(title.as_str()),
                _ => None,
            })
            .unwrap_or("(untitled)")
    }

    /// Its severity.
    pub fn severity(&self) -> Option<Severity> {
        self.entries.iter().find_map(|e| match e {
            Entry::Opened { severity, .. } => Some(*severity),
            _ => None,
        })
    }

    /// When it was opened.
    pub fn opened_at(&self) -> Option<u64> {
        self.entries.first().map(Entry::at)
    }

    /// When it was closed, if it was.
    pub fn closed_at(&self) -> Option<u64> {
        self.entries.iter().find_map(|e| match e {
            Entry::Closed { at, .. } => Some(*at),
            _ => None,
        })
    }

    /// How many actions it holds.
    pub fn actions(&self) -> u32 {
        let count = self
            .entries
            .iter()
            .filter(|e| matches!(e, Entry::Action { .. }))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The Safe proposals its actions made (safeTxHash, and the step).
    pub fn proposals(&self) -> Vec<(u32, B256)> {
        self.entries
            .iter()
            .filter_map(|e| match e {
                Entry::Done {
                    step,
                    outcome: Outcome::Proposed { safe_tx_hash, .. },
                    ..
                } => Some((*step, *safe_tx_hash)),
                Entry::Link {
                    linked: Linked::Proposal(hash),
                    ..
                } => Some((0, *hash)),
                _ => None,
            })
            .collect()
    }
}
