//! What can go wrong: a plan that does not check (with file, line and step)
//! and a deployment that cannot go on.

use std::path::PathBuf;

/// One problem in a plan, located.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {}{message}", file.display(), step.as_deref().map(|s| format!("step `{s}`: ")).unwrap_or_default())]
pub struct PlanError {
    /// The plan file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// The step, when the problem is in one.
    pub step: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// Every problem found in a plan (it is checked in full, not up to the
/// first problem).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct PlanErrors(pub Vec<PlanError>);

/// Why a deployment stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The plan does not check.
    #[error("{}", plan_problems(.0))]
    Plan(PlanErrors),
    /// Steps were to be sent directly where the Safe is the deployer.
    #[error(
        "environment `{0}` deploys through its Safe: steps are proposed to it, never sent by a signer"
    )]
    ThroughSafe(String),
    /// A plain CREATE through a Safe: its address is not known before the
    /// owners sign.
    #[error(
        "step `{step}` deploys without a salt, and `{env}` deploys through its Safe: give the step a salt (CREATE2 through the deterministic deployment proxy), so that its address is known before the owners sign"
    )]
    NeedsCreate2 {
        /// The step.
        step: String,
        /// The environment.
        env: String,
    },
    /// Proposing to the Safe, or reading it, failed.
    #[error(transparent)]
    Safe(Box<crate::safe::SafeUseError>),
    /// The chain layer failed.
    #[error(transparent)]
    Provider(#[from] slipway_chain::ProviderError),
    /// A transaction failed to reach finality.
    #[error(
        "step `{step}`: {error}; the steps done so far stay done: fix the cause and run the same command again"
    )]
    Tx {
        /// The step.
        step: String,
        /// Why.
        error: slipway_chain::TxError,
    },
    /// A transaction was included but reverted.
    #[error(
        "step `{step}` reverted on chain (transaction {hash}); fix the plan and run again: the steps before it stay done"
    )]
    Reverted {
        /// The step.
        step: String,
        /// Its transaction.
        hash: alloy_primitives::B256,
    },
    /// The journal changed between the effect shown and the lock taken.
    #[error(
        "{journal} changed after this plan's effect was shown (another deploy ran meanwhile): nothing was sent; run the command again to see what is left to do"
    )]
    StaleEffect {
        /// The journal file.
        journal: PathBuf,
    },
    /// The journal points at a chain that is not this one.
    #[error(
        "{journal}: {reason}; the chain it was written on no longer exists here. Nothing was sent. Run with --reset to start the plan over on this chain (the old journal is kept beside it)"
    )]
    ChainGone {
        /// The journal file.
        journal: PathBuf,
        /// What differs.
        reason: String,
    },
    /// Steps already deployed changed in the plan (the refusal lists them
    /// with what to do).
    #[error(transparent)]
    Changed(#[from] crate::ChangedSteps),
    /// The journal cannot be read, written or trusted.
    #[error("{path}: {problem}")]
    Journal {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: JournalProblem,
    },
    /// Another `deploy` is running on the same environment.
    #[error(
        "another deployment to {} is running: {} holds its lock. Wait for it to finish (or stop it), then run again; nothing was sent",
        dir.display(),
        holder.as_ref().map_or_else(|| "another process".to_owned(), ToString::to_string)
    )]
    InUse {
        /// The environment's deployments directory.
        dir: PathBuf,
        /// Who holds it.
        holder: Option<slipway_log::Owner>,
    },
    /// Deployment records cannot be read or written.
    #[error(transparent)]
    Records(#[from] slipway_contracts::RecordError),
    /// The journal's file cannot be used.
    #[error(transparent)]
    Log(slipway_log::LogError),
    /// Records hold steps the journal does not: it was emptied or replaced.
    #[error(
        "{}: the records in {} hold {} from plan `{plan}`, but the journal has no record of {}: it was emptied or replaced. Nothing was sent. Restore the journal (from a backup or version control), or run with --reset to start the plan over (the old journal is kept beside it)",
        journal.display(),
        records.display(),
        missing.join(", "),
        if missing.len() == 1 { "it" } else { "them" }
    )]
    JournalEmptied {
        /// The journal.
        journal: PathBuf,
        /// The records directory.
        records: PathBuf,
        /// The steps recorded but not journaled.
        missing: Vec<String>,
        /// The plan.
        plan: String,
    },
    /// The plan was started by another signer.
    #[error(
        "{}: the plan was started by {started_by}; this signer is {signer}. Finish it with the same signer, or start over with --reset",
        journal.display()
    )]
    OtherSigner {
        /// The journal.
        journal: PathBuf,
        /// Who started it.
        started_by: alloy_primitives::Address,
        /// Who signs now.
        signer: alloy_primitives::Address,
    },
    /// `--redeploy` names no step of the plan.
    #[error("--redeploy {step}: the plan has no such step (steps: {})", .steps.join(", "))]
    UnknownStep {
        /// The step named.
        step: String,
        /// The plan's steps.
        steps: Vec<String>,
    },
    /// `--redeploy` names a step that is done and unchanged.
    #[error(
        "--redeploy {0}: the step is done and unchanged, so there is nothing to redeploy (--reset starts the whole plan over)"
    )]
    NothingToRedeploy(String),
    /// A step's inputs cannot be prepared (encoding, linking).
    #[error("step `{step}`: {reason}")]
    Prepare {
        /// The step.
        step: String,
        /// Why.
        reason: String,
    },
    /// CREATE2 without the deterministic deployment proxy on chain.
    #[error(
        "step `{step}` deploys with CREATE2, but chain {chain_id} has no deterministic deployment proxy at {}: deploy it first (its presigned transaction is published with it) or drop the salt",
        crate::CREATE2_PROXY
    )]
    NoCreate2Proxy {
        /// The step.
        step: String,
        /// The chain.
        chain_id: u64,
    },
    /// OpenZeppelin's proxies could not be had from the project.
    #[error(transparent)]
    Proxies(#[from] slipway_solc::SolcError),
    /// `slipway upgrade NAME`: no plan has a proxy step `NAME`.
    #[error("no plan in deploy/ has a proxy step `{name}`{}", if proxies.is_empty() { " (none has any: add `proxy = \"uups\"` to a deploy step)".to_owned() } else { format!(" (proxies: {})", proxies.join(", ")) })]
    NoSuchProxy {
        /// The name asked for.
        name: String,
        /// The proxies the plans have.
        proxies: Vec<String>,
    },
    /// `slipway upgrade NAME` before the proxy exists.
    #[error("proxy `{proxy}` is not deployed on {env}: run `slipway deploy --env {env} --plan {}` first", plan.display())]
    NotDeployed {
        /// The proxy.
        proxy: String,
        /// The environment.
        env: String,
        /// Its plan.
        plan: std::path::PathBuf,
    },
    /// `--call` on a beacon's upgrade.
    #[error(
        "`{0}` is a beacon proxy: its beacon's upgrade calls no function (every proxy of the beacon shares it); call the function with `slipway send` afterwards"
    )]
    BeaconCall(String),
    /// `slipway upgrade import` without a proxy.
    #[error("name the proxies to import: `--proxy NAME=0xADDRESS`, NAME a proxy step of the plan")]
    NothingToImport,
    /// The address given for a proxy is not that proxy.
    #[error("`{name}` at {address} cannot be imported: {reason}")]
    NotAProxy {
        /// The plan's step.
        name: String,
        /// The address given.
        address: alloy_primitives::Address,
        /// Why not.
        reason: String,
    },
    /// The step is deployed by slipway already.
    #[error("`{step}` is already in {} as deployed: nothing to import", journal.display())]
    AlreadyJournaled {
        /// The step.
        step: String,
        /// The journal.
        journal: std::path::PathBuf,
    },
    /// `--reference` names no contract of the build.
    #[error("--reference: {0}")]
    Reference(String),
    /// `--unsafe-allow` names no validation kind.
    #[error("{0}")]
    UnsafeAllow(String),
    /// An upgrade's reference layout is not recorded.
    #[error(
        "proxy `{proxy}` points at {implementation}, whose storage layout {} does not record: the upgrade cannot be checked. If hardhat-upgrades deployed it, import its manifest (`slipway upgrade import .openzeppelin/<network>.json`)", manifest.display()
    )]
    NoRecordedLayout {
        /// The proxy's step.
        proxy: String,
        /// Where it points.
        implementation: alloy_primitives::Address,
        /// The manifest.
        manifest: std::path::PathBuf,
    },
    /// An implementation is not safe to put behind its proxy.
    #[error("{}", unsafe_upgrades(.0))]
    UnsafeUpgrade(Vec<crate::UpgradeCheck>),
    /// The upgrade checks could not be made.
    #[error(transparent)]
    Upgrades(#[from] slipway_upgrades::UpgradesError),
    /// A proxy's step has no address to read it at.
    #[error("proxy step `{0}` has no address yet: deploy the plan first")]
    NoAddress(String),
    /// A step's lifecycle ended without its confirmation.
    #[error("step `{0}`: the transaction did not complete")]
    Incomplete(String),
    /// No plan file could be chosen.
    #[error(transparent)]
    FindPlan(#[from] crate::plan::FindPlanError),
    /// The confirmation rule refused.
    #[error(transparent)]
    Refused(#[from] crate::ConfirmError),
    /// The signer cannot be used.
    #[error(transparent)]
    Signer(#[from] slipway_keys::SignerError),
    /// The chain cannot be reached.
    #[error(transparent)]
    Connect(#[from] slipway_chain::ConnectError),
    /// Verification after the deployment could not run.
    #[error(transparent)]
    Verify(#[from] crate::verify::VerifyError),
    /// A rehearsal could not be set up.
    #[error("cannot rehearse: {0}")]
    Rehearsal(String),
}

/// What is wrong with a journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalProblem {
    /// A record that cannot be, or cannot be where it is.
    #[error(
        "line {line}: {reason}; the journal was edited or damaged: restore it, or start over with --reset"
    )]
    Damaged {
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Whole records are missing from its end: its head marker names more
    /// as written than it holds (emptied, cut, or an older copy put back).
    #[error(
        "it holds {found} records, but {committed} were written (its head marker {} says so): records were lost from its end, and the steps they recorded would be sent again. Restore it, or start over with --reset",
        head.display()
    )]
    Lost {
        /// Records the marker names as written.
        committed: u64,
        /// Records the file holds.
        found: u64,
        /// The marker.
        head: std::path::PathBuf,
    },
    /// Its head marker is damaged.
    #[error(
        "its head marker {} is damaged: restore it, or delete it to accept the journal as it is",
        .0.display()
    )]
    BadHead(std::path::PathBuf),
    /// The file system refused.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A task writing the journal failed while holding it.
    #[error(
        "a task writing the journal failed; nothing more is written: run the same command again"
    )]
    Poisoned,
    /// A journaled transaction's bytes do not decode.
    #[error("step `{0}`: the journaled transaction does not decode")]
    Undecodable(String),
}

impl DeployError {
    pub(crate) fn journal(path: &std::path::Path, problem: impl Into<JournalProblem>) -> Self {
        Self::Journal {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }
}

fn plan_problems(errors: &PlanErrors) -> String {
    let n = errors.0.len();
    format!(
        "the plan has {n} problem{}:\n{errors}",
        if n == 1 { "" } else { "s" }
    )
}

impl From<PlanErrors> for DeployError {
    fn from(errors: PlanErrors) -> Self {
        Self::Plan(errors)
    }
}

fn unsafe_upgrades(checks: &[crate::UpgradeCheck]) -> String {
    let mut text = String::from("refused, nothing sent: ");
    let parts: Vec<String> = checks
        .iter()
        .filter(|c| !c.ok())
        .map(|c| {
            let mut lines = vec![match c.from {
                Some(from) => format!(
                    "{} cannot replace {from} behind proxy `{}`:",
                    c.report.contract, c.proxy
                ),
                None => format!(
                    "{} cannot go behind the {} proxy `{}`:",
                    c.report.contract,
                    c.kind.as_str(),
                    c.proxy
                ),
            }];
            lines.extend(c.report.validation.iter().map(|e| {
                format!(
                    "  {} {}at {}",
                    e.kind,
                    e.name
                        .as_deref()
                        .map(|n| format!("({n}) "))
                        .unwrap_or_default(),
                    e.src
                )
            }));
            lines.extend(c.report.layout.iter().map(|op| {
                let field = op.updated.as_ref().or(op.original.as_ref());
                format!(
                    "  {} {}{}",
                    op.kind,
                    field.map(|f| format!("`{}` ", f.label)).unwrap_or_default(),
                    field.map(|f| format!("at {}", f.src)).unwrap_or_default()
                )
            }));
            lines.join("\n")
        })
        .collect();
    text.push_str(&parts.join("\n"));
    text.push_str("\nfix the implementation, or, where it is safe, annotate it with `@custom:oz-upgrades-unsafe-allow <kind>` as OpenZeppelin's tooling reads it");
    text
}
