//! The environment's Safe, opened for proposing, signing or executing: read
//! from the chain, checked against `multisig = {…}` (threshold, listed
//! owners, and modules or a guard nobody listed), with the batching
//! contracts of its own version on its chain; and the proposals folder with
//! its lock.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, U256};
use slipway_chain::{
    ChainClient,
    safe::{AllowedRisks, Batching, SafeState, ServiceClient, ServiceTx, read_state},
};
use slipway_config::{Config, Environment, Multisig};
use slipway_contracts::records_dir;
use slipway_log::{Owner, OwnerLock};
use slipway_net::{HttpClient, NetSettings, Timeouts};

use super::SafeUseError;
use crate::proposal::Proposal;

/// How long the Transaction Service may take.
const SERVICE_TIMEOUTS: Timeouts = Timeouts {
    connect: std::time::Duration::from_secs(10),
    request: std::time::Duration::from_secs(30),
};

/// The environment's Safe as the chain holds it.
#[derive(Clone, Debug)]
pub struct OpenSafe {
    /// Its state.
    pub state: SafeState,
    /// Its version's MultiSend, MultiSendCallOnly and CreateCall here.
    pub batching: Batching,
    /// The chain.
    pub chain_id: u64,
    /// `deployments/<env>/proposals`.
    pub dir: PathBuf,
    /// The Safe Transaction Service proposals and signatures also go to.
    pub service: Option<std::sync::Arc<ServiceClient>>,
}

/// `deployments/<env>/proposals`.
pub fn proposals_dir(root: &Path, env: &str) -> PathBuf {
    records_dir(root, env).join("proposals")
}

/// Opens `env`'s Safe: refused where none is configured, where the chain's
/// Safe differs from the configuration, and where it has modules or a
/// guard unless `allowed.modules`.
pub async fn open_safe(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    allowed: AllowedRisks,
) -> Result<OpenSafe, SafeUseError> {
    let Multisig::Safe {
        address,
        threshold,
        owners,
        service,
    } = &env.multisig
    else {
        return Err(SafeUseError::NoSafe(env.name.clone()));
    };
    let state = read_state(client, *address).await?;
    let mut differences = Vec::new();
    if u64::from(*threshold) != state.threshold {
        differences.push(format!(
            "its threshold is {}, the configuration says {threshold}",
            state.threshold
        ));
    }
    if !owners.is_empty() {
        let mut listed = owners.clone();
        let mut held = state.owners.clone();
        listed.sort();
        held.sort();
        if listed != held {
            differences.push(format!(
                "its owners are {}, the configuration lists {}",
                join(&state.owners),
                join(owners)
            ));
        }
    }
    if !allowed.modules {
        if !state.modules.is_empty() {
            differences.push(format!(
                "modules {} are enabled and can act without the owners (--allow-modules accepts the risk)",
                join(&state.modules)
            ));
        }
        if let Some(guard) = state.guard {
            differences.push(format!(
                "guard {guard} is set (--allow-modules accepts the risk)"
            ));
        }
    }
    if !differences.is_empty() {
        return Err(SafeUseError::NotAsConfigured {
            safe: *address,
            env: env.name.clone(),
            differences,
        });
    }
    let batching = Batching::find(
        client,
        &config.root.join("node_modules"),
        &state.version,
        env.chain.id,
    )
    .await?;
    let service = match service {
        Some(service) => {
            let http = HttpClient::new(&NetSettings::from_env(), SERVICE_TIMEOUTS)
                .map_err(|e| SafeUseError::BadSetup(format!("cannot make an HTTP client: {e}")))?;
            Some(std::sync::Arc::new(ServiceClient::new(http, service)))
        }
        None => None,
    };
    Ok(OpenSafe {
        state,
        batching,
        chain_id: env.chain.id,
        dir: proposals_dir(&config.root, &env.name),
        service,
    })
}

/// Takes the lock of the proposals folder `dir`: one command at a time
/// reads, changes and writes a proposal file, or picks a nonce.
pub fn lock_proposals(dir: &Path, command: &str) -> Result<OwnerLock, SafeUseError> {
    std::fs::create_dir_all(dir).map_err(|source| crate::proposal::ProposalError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(OwnerLock::acquire(
        &dir.join(".lock"),
        dir,
        &Owner::this_process(command),
    )?)
}

fn join(addresses: &[Address]) -> String {
    addresses
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl OpenSafe {
    /// Takes the proposals folder's lock ([`lock_proposals`]).
    pub fn lock(&self, command: &str) -> Result<OwnerLock, SafeUseError> {
        lock_proposals(&self.dir, command)
    }

    /// The proposals in the folder for this Safe, by nonce (files that do
    /// not read are skipped; `status` reports them).
    pub fn proposals(&self) -> Vec<(PathBuf, Result<Proposal, crate::proposal::ProposalError>)> {
        let mut found: Vec<(PathBuf, Result<Proposal, _>)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension().is_some_and(|e| e == "json")
                    && !path
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .map(|path| {
                let loaded = Proposal::load(&path);
                (path, loaded)
            })
            .filter(|(_, loaded)| {
                loaded
                    .as_ref()
                    .map_or(true, |p| p.safe == self.state.address)
            })
            .collect();
        found.sort_by_key(|(path, loaded)| {
            (
                loaded.as_ref().map_or(U256::MAX, |p| p.tx.nonce),
                path.clone(),
            )
        });
        found
    }

    /// The Transaction Service's queue for this Safe from `nonce` on; none
    /// where no service is configured.
    pub async fn service_queue(&self, nonce: U256) -> Result<Vec<ServiceTx>, SafeUseError> {
        match &self.service {
            Some(service) => Ok(service.pending(self.state.address, nonce).await?),
            None => Ok(Vec::new()),
        }
    }

    /// Adds to `proposal` the confirmations `queue` holds for it (owners
    /// who signed in Safe{Wallet}): each checked against the hash and the
    /// owners, as any signature is. Returns how many were new.
    pub fn take_confirmations(&self, proposal: &mut Proposal, queue: &[ServiceTx]) -> usize {
        let mut added = 0;
        for tx in queue
            .iter()
            .filter(|t| t.safe_tx_hash == proposal.safe_tx_hash)
        {
            for confirmation in &tx.confirmations {
                if proposal
                    .signatures
                    .iter()
                    .any(|s| s.owner == confirmation.owner)
                    || !self.state.is_owner(confirmation.owner)
                    || confirmation.verify(proposal.safe_tx_hash).is_err()
                {
                    continue;
                }
                proposal.signatures.push(confirmation.clone());
                added += 1;
            }
        }
        added
    }

    /// [`OpenSafe::take_confirmations`] of the service's queue, asked for
    /// this one proposal. Nothing is asked where no service is configured.
    pub async fn pick_up(&self, proposal: &mut Proposal) -> Result<usize, SafeUseError> {
        let queue = self.service_queue(proposal.tx.nonce).await?;
        Ok(self.take_confirmations(proposal, &queue))
    }

    /// Posts an owner's signature to the Transaction Service: as the
    /// proposal itself when the service does not hold it yet, else as a
    /// confirmation.
    pub async fn post(
        &self,
        proposal: &Proposal,
        signature: &slipway_chain::safe::OwnerSignature,
    ) -> Result<bool, SafeUseError> {
        let Some(service) = &self.service else {
            return Ok(false);
        };
        let queue = service
            .pending(self.state.address, proposal.tx.nonce)
            .await?;
        if queue
            .iter()
            .any(|t| t.safe_tx_hash == proposal.safe_tx_hash)
        {
            service.confirm(proposal.safe_tx_hash, signature).await?;
        } else {
            service
                .propose(
                    self.state.address,
                    &proposal.tx,
                    proposal.safe_tx_hash,
                    signature,
                    "slipway",
                )
                .await?;
        }
        Ok(true)
    }

    /// The nonce a new proposal takes: the Safe's, or past every pending
    /// proposal's (as Safe{Wallet} queues them). Call under the lock.
    pub fn next_nonce(&self) -> U256 {
        self.proposals()
            .iter()
            .filter_map(|(_, loaded)| loaded.as_ref().ok())
            .filter(|p| p.executed.is_none() && p.tx.nonce >= self.state.nonce)
            .map(|p| p.tx.nonce + U256::from(1))
            .max()
            .unwrap_or(self.state.nonce)
            .max(self.state.nonce)
    }
}
