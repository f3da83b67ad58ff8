//! A plan's effect on a chain, before anything is sent: per step what is
//! already done (from the journal, checked against the chain), what is in
//! flight, what will be sent, what changed since it was done, and the gas
//! it is estimated to take.

use std::path::PathBuf;

use alloy_primitives::{Address, B256};
use serde::Serialize;

use crate::JournalState;

/// Where a step stands and what the run will do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepStatus {
    /// Done on this chain: nothing is sent.
    Done,
    /// Sent before (the journal holds it) but not final: followed, and
    /// sent again only if it never reached the chain.
    InFlight {
        /// Its latest hash.
        hash: B256,
    },
    /// Not done: will be sent.
    Send,
    /// It reverted last time: will be sent again.
    Retry {
        /// The reverted transaction.
        hash: B256,
    },
    /// Proposed to the environment's Safe: waiting for its owners to sign
    /// and execute.
    Proposed {
        /// The proposal's safeTxHash.
        safe_tx_hash: B256,
    },
    /// A proxy points at another implementation than the plan's: it is
    /// upgraded.
    Upgrade {
        /// The implementation it points at now.
        from: Address,
    },
    /// Done, but the plan now says otherwise.
    Changed {
        /// What changed.
        diff: Vec<String>,
        /// Whether this run sends it again (`--redeploy`, or a dependency
        /// is sent again).
        accepted: bool,
    },
}

impl StepStatus {
    /// Whether the run sends a new transaction for it.
    pub fn sends(&self) -> bool {
        matches!(
            self,
            StepStatus::Send
                | StepStatus::Retry { .. }
                | StepStatus::Upgrade { .. }
                | StepStatus::Changed { accepted: true, .. }
        )
    }
}

/// One step's effect.
#[derive(Clone, Debug, Serialize)]
pub struct StepEffect {
    /// The step.
    pub id: String,
    /// Its level: steps of one level are sent together.
    pub level: usize,
    /// What it does, in words.
    pub action: String,
    /// Its arguments as they will be sent (when their addresses are known).
    pub args: Vec<String>,
    /// What happens to it.
    #[serde(flatten)]
    pub status: StepStatus,
    /// The contract's address, when known.
    pub address: Option<Address>,
    /// Estimated gas (when what it needs exists on chain already).
    pub gas: Option<u64>,
    /// Whether it deploys.
    pub deploys: bool,
    /// Its part in a proxy step (`implementation of Box`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// It deploys an implementation behind a proxy: a change of it is an
    /// upgrade.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implementation: bool,
}

/// The plan's effect.
#[derive(Clone, Debug, Serialize)]
pub struct Effect {
    /// The plan's name.
    pub plan: String,
    /// The environment.
    pub environment: String,
    /// The chain.
    pub chain_id: u64,
    /// Who sends.
    pub deployer: Address,
    /// The journal.
    pub journal: PathBuf,
    /// Steps in written order.
    pub steps: Vec<StepEffect>,
    /// The max fee per gas a transaction would pay now.
    pub fee_per_gas: u128,
    /// Levels of the plan (its dependency depth).
    pub depth: usize,
    /// The implementations the run puts behind proxies, checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub upgrades: Vec<crate::UpgradeCheck>,
    #[serde(skip)]
    pub(crate) state: JournalState,
}

impl Effect {
    /// Transactions the run will send (besides those in flight).
    pub fn sends(&self) -> usize {
        self.steps.iter().filter(|s| s.status.sends()).count()
    }

    /// Gas of the steps that send and could be estimated, and how many
    /// could not be (they need contracts this run deploys first).
    pub fn gas(&self) -> (u64, usize) {
        let sending = self.steps.iter().filter(|s| s.status.sends());
        let (known, unknown): (Vec<_>, Vec<_>) = sending.partition(|s| s.gas.is_some());
        (known.iter().filter_map(|s| s.gas).sum(), unknown.len())
    }

    /// The most the estimated gas costs at today's max fee, in wei.
    pub fn cost_wei(&self) -> u128 {
        u128::from(self.gas().0).saturating_mul(self.fee_per_gas)
    }

    /// The steps done before that the plan changed, unless `--redeploy`
    /// accepts them: a refusal naming each with its changes, or none.
    pub fn refusal(&self) -> Option<ChangedSteps> {
        let steps: Vec<ChangedStep> = self
            .steps
            .iter()
            .filter_map(|s| match &s.status {
                StepStatus::Changed {
                    diff,
                    accepted: false,
                } => Some(ChangedStep {
                    id: s.id.clone(),
                    address: s.address,
                    changes: diff.clone(),
                }),
                _ => None,
            })
            .collect();
        (!steps.is_empty()).then_some(ChangedSteps(steps))
    }
}

/// A step done before that the plan changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedStep {
    /// The step.
    pub id: String,
    /// Where its contract is.
    pub address: Option<alloy_primitives::Address>,
    /// What changed, in words.
    pub changes: Vec<String>,
}

/// Done steps the plan changed, none accepted with `--redeploy`: nothing is
/// sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ChangedSteps(pub Vec<ChangedStep>);

impl std::fmt::Display for ChangedSteps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for step in &self.0 {
            writeln!(
                f,
                "step `{}` is done{} but the plan changed it:",
                step.id,
                step.address
                    .map(|a| format!(" (at {a})"))
                    .unwrap_or_default()
            )?;
            for change in &step.changes {
                writeln!(f, "    {change}")?;
            }
        }
        let them = if self.0.len() == 1 { "it" } else { "them" };
        write!(
            f,
            "nothing was sent. To send {them} again (and the steps that depend on {them}), run with {}",
            self.0
                .iter()
                .map(|s| format!("--redeploy {}", s.id))
                .collect::<Vec<_>>()
                .join(" ")
        )
    }
}
