//! Incident records: `slipway incident open|note|link|close|list|show`,
//! and the record every ops action writes. An incident is a log of
//! entries that only grows; its Markdown twin is rendered from it.

mod entry;
pub mod markdown;
mod store;

pub use entry::{Entry, Incident, Linked, Outcome, Route, Severity};
pub use store::{
    FAILPOINT_VAR, IncidentError, Incidents, IncidentsLock, LOCK_FILE, OpenIncident, incidents_dir,
};

use crate::time::Clock;

/// Who is writing, and when.
pub struct Author<'a> {
    /// The person (`$USER`, or `--by`).
    pub by: String,
    /// The clock.
    pub clock: &'a dyn Clock,
}

/// Opens a new incident; its number.
pub fn open_incident(
    incidents: &Incidents,
    command: &str,
    author: &Author<'_>,
    severity: Severity,
    title: &str,
) -> Result<u32, IncidentError> {
    let lock = incidents.lock(command)?;
    let incident = incidents.create(
        &lock,
        Entry::Opened {
            at: author.clock.now(),
            severity,
            title: title.trim().to_owned(),
            by: author.by.clone(),
        },
    )?;
    Ok(incident.id())
}

/// Adds `entry` (a note or a link) to incident `id`, which must be open.
pub fn add_entry(
    incidents: &Incidents,
    command: &str,
    id: u32,
    entry: Entry,
) -> Result<(), IncidentError> {
    let lock = incidents.lock(command)?;
    incidents.resume(&lock, id)?.append(entry)
}

/// Closes incident `id` with `summary`.
pub fn close_incident(
    incidents: &Incidents,
    command: &str,
    author: &Author<'_>,
    id: u32,
    summary: &str,
) -> Result<(), IncidentError> {
    add_entry(
        incidents,
        command,
        id,
        Entry::Closed {
            at: author.clock.now(),
            by: author.by.clone(),
            summary: summary.trim().to_owned(),
        },
    )
}

/// Where a Safe proposal an incident made stands now.
#[derive(Clone, Debug)]
pub struct ProposalState {
    /// The action's step (0: linked by hand).
    pub step: u32,
    /// The proposal's safeTxHash.
    pub safe_tx_hash: alloy_primitives::B256,
    /// Its status, read from its file and the chain (none: no proposal
    /// file of the environment has this hash).
    pub status: Option<slipway_deploy::safe::ProposalStatus>,
    /// The owners who approved it.
    pub approvals: Vec<alloy_primitives::Address>,
}

/// The Safe proposals `incident` made, as they stand: proposed, signed by
/// whom, executed in which transaction. `safe execute` knows nothing of
/// incidents, so this reads the proposal files and the chain.
pub async fn proposal_states(
    config: &slipway_config::Config,
    env: &slipway_config::Environment,
    client: &slipway_chain::ChainClient,
    incident: &Incident,
) -> Result<Vec<ProposalState>, crate::OpsError> {
    let made = incident.proposals();
    if made.is_empty() {
        return Ok(Vec::new());
    }
    let (_, views) = slipway_deploy::safe::safe_status(config, env, client).await?;
    Ok(made
        .into_iter()
        .map(|(step, hash)| {
            let view = views
                .iter()
                .find(|v| v.proposal.as_ref().is_some_and(|p| p.safe_tx_hash == hash));
            ProposalState {
                step,
                safe_tx_hash: hash,
                status: view.map(|v| v.status.clone()),
                approvals: view.map(|v| v.approvals.clone()).unwrap_or_default(),
            }
        })
        .collect())
}
