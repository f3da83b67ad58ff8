//! The verify use case: an environment's deployment records (all, or the
//! named ones) checked against the build on the chain — runtime code and
//! constructor arguments — and submitted to the explorers that apply.
//! `deploy` runs it after a plan; `verify` on its own.

use alloy_primitives::Address;
use serde::Serialize;
use slipway_chain::{ChainClient, ProviderError};
use slipway_config::{Config, Environment, Secret, Target};
use slipway_contracts::{Artifacts, ChainIdentity, DeploymentRecord, RecordError, read_records};
use slipway_net::{HttpClient, NetError, NetSettings, Timeouts};

use super::{
    CodeCheck, Etherscan, ExplorerCheck, Pacing, Sourcify, compare_arguments, compare_runtime,
    submission,
};

/// Default endpoints; `SLIPWAY_ETHERSCAN_URL` / `SLIPWAY_SOURCIFY_URL`
/// point elsewhere (a Blockscout's Etherscan-compatible API, a self-hosted
/// Sourcify).
const ETHERSCAN_URL: &str = "https://api.etherscan.io/v2/api";
const SOURCIFY_URL: &str = "https://sourcify.dev/server";
/// Explorers answer a submission of the whole standard JSON input slowly.
const EXPLORER_TIMEOUTS: Timeouts = Timeouts {
    connect: std::time::Duration::from_secs(10),
    request: std::time::Duration::from_secs(60),
};

/// Why verification could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A record named on the command line does not exist.
    #[error("no record `{name}` in deployments/{env}/ (see `slipway deployments --env {env}`)")]
    NoSuchRecord {
        /// The name.
        name: String,
        /// The environment.
        env: String,
    },
    /// The environment has no records.
    #[error("nothing deployed to {env} yet: deployments/{env}/ has no records")]
    NothingDeployed {
        /// The environment.
        env: String,
    },
    /// The records cannot be read, or belong to another chain.
    #[error(transparent)]
    Records(#[from] RecordError),
    /// The chain could not be asked.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The explorers' HTTP client could not be built.
    #[error(transparent)]
    Net(#[from] NetError),
    /// The chain could not be reached.
    #[error(transparent)]
    Connect(#[from] slipway_chain::ConnectError),
    /// OpenZeppelin's proxies (for proxy records) could not be built.
    #[error(transparent)]
    Proxies(#[from] slipway_solc::SolcError),
}

/// What to verify and where to submit.
#[derive(Clone, Debug, Default)]
pub struct VerifyRequest {
    /// Records to check (all when empty).
    pub names: Vec<String>,
    /// Submit to Etherscan (when the environment has a key).
    pub etherscan: bool,
    /// Submit to Sourcify.
    pub sourcify: bool,
}

/// The whole use case: the records `request` names, checked on `env`'s
/// chain (reached for `command`) against `artifacts` and submitted.
pub async fn verify(
    config: &Config,
    env: &Environment,
    artifacts: &Artifacts,
    request: &VerifyRequest,
    command: &str,
) -> Result<Vec<Verdict>, VerifyError> {
    let records = select_records(config, env, &request.names)?;
    let explorers = Explorers::for_env(config, env, request.etherscan, request.sourcify)?;
    let client = slipway_chain::connect(config, env, command).await?;
    verify_records(config, env, &client, artifacts, &explorers, &records).await
}

/// One contract's checks.
#[derive(Debug, Serialize)]
pub struct Verdict {
    /// The record's name.
    pub name: String,
    /// Its address, checksummed.
    pub address: String,
    /// The runtime code against the build.
    pub bytecode: CodeCheck,
    /// The constructor arguments against the creation transaction.
    pub arguments: CodeCheck,
    /// Etherscan's answer.
    pub etherscan: ExplorerCheck,
    /// Sourcify's answer.
    pub sourcify: ExplorerCheck,
    /// For a proxy: whether it points at the implementation its record
    /// names, and Etherscan's link of the two (`verifyproxycontract`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyVerdict>,
}

/// A proxy's own checks.
#[derive(Debug, Serialize)]
pub struct ProxyVerdict {
    /// The chain's implementation against the record's.
    pub implementation: CodeCheck,
    /// Etherscan's link of the proxy to its implementation.
    pub etherscan_link: ExplorerCheck,
}

impl Verdict {
    /// Whether a check failed (a mismatch, a rejection or a failure).
    pub fn failed(&self) -> bool {
        matches!(self.bytecode, CodeCheck::Mismatch { .. })
            || matches!(self.arguments, CodeCheck::Mismatch { .. })
            || self.etherscan.failed()
            || self.sourcify.failed()
            || self.proxy.as_ref().is_some_and(|p| {
                matches!(p.implementation, CodeCheck::Mismatch { .. }) || p.etherscan_link.failed()
            })
    }
}

fn skipped(reason: &str) -> ExplorerCheck {
    ExplorerCheck::Skipped {
        reason: reason.into(),
    }
}

/// The explorers of an environment, or why each is skipped.
#[derive(Debug)]
pub struct Explorers {
    etherscan: Result<Etherscan, String>,
    sourcify: Result<Sourcify, String>,
}

impl Explorers {
    /// The explorers `env` submits to: none for a local chain, Etherscan
    /// with `ETHERSCAN_API_KEY`, Sourcify always; `etherscan` / `sourcify`
    /// false leave one out (`--no-etherscan`, `--no-sourcify`).
    pub fn for_env(
        config: &Config,
        env: &Environment,
        etherscan: bool,
        sourcify: bool,
    ) -> Result<Self, NetError> {
        let vars = config.vars();
        let http = HttpClient::new(&NetSettings::from_env(), EXPLORER_TIMEOUTS)?;
        let local = matches!(env.target, Target::Embedded(_));
        let etherscan = if !etherscan {
            Err("--no-etherscan".to_owned())
        } else if local {
            Err("a local chain".to_owned())
        } else {
            match vars.get("ETHERSCAN_API_KEY") {
                None => Err("set ETHERSCAN_API_KEY".to_owned()),
                Some(key) => Ok(Etherscan::new(
                    http.clone(),
                    vars.get("SLIPWAY_ETHERSCAN_URL").unwrap_or(ETHERSCAN_URL),
                    Secret::new(key),
                    env.chain.id,
                    Pacing::default(),
                )),
            }
        };
        let sourcify = if !sourcify {
            Err("--no-sourcify".to_owned())
        } else if local {
            Err("a local chain".to_owned())
        } else {
            Ok(Sourcify::new(
                http,
                vars.get("SLIPWAY_SOURCIFY_URL").unwrap_or(SOURCIFY_URL),
                Pacing::default(),
            ))
        };
        Ok(Self {
            etherscan,
            sourcify,
        })
    }
}

/// Whether an explorer has a contract's source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplorerStatus {
    /// The explorer (`etherscan`, `sourcify`).
    pub explorer: &'static str,
    /// Verified there; or why it could not be asked.
    pub verified: Result<bool, String>,
}

impl Explorers {
    /// Whether each explorer that applies has the source of `address` on
    /// `chain_id` (none for a local chain).
    pub async fn status(&self, chain_id: u64, address: Address) -> Vec<ExplorerStatus> {
        let mut found = Vec::new();
        if let Ok(etherscan) = &self.etherscan {
            found.push(ExplorerStatus {
                explorer: "etherscan",
                verified: etherscan
                    .is_verified(address)
                    .await
                    .map_err(|e| e.to_string()),
            });
        }
        if let Ok(sourcify) = &self.sourcify {
            found.push(ExplorerStatus {
                explorer: "sourcify",
                verified: sourcify
                    .is_verified(chain_id, address)
                    .await
                    .map_err(|e| e.to_string()),
            });
        }
        found
    }
}

/// The records of `env` named by `names` (all when empty).
pub fn select_records(
    config: &Config,
    env: &Environment,
    names: &[String],
) -> Result<Vec<DeploymentRecord>, VerifyError> {
    let mut records = read_records(&config.root, &env.name)?;
    if let Some(name) = names
        .iter()
        .find(|name| !records.iter().any(|r| &r.name == *name))
    {
        return Err(VerifyError::NoSuchRecord {
            name: name.clone(),
            env: env.name.clone(),
        });
    }
    if !names.is_empty() {
        records.retain(|r| names.contains(&r.name));
    }
    if records.is_empty() {
        return Err(VerifyError::NothingDeployed {
            env: env.name.clone(),
        });
    }
    Ok(records)
}

/// Checks `records` of `env` on the chain `client` reaches, against
/// `artifacts` (the build), and submits them to `explorers`. A record
/// written on another chain stops it before anything is checked.
pub async fn verify_records(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    artifacts: &Artifacts,
    explorers: &Explorers,
    records: &[DeploymentRecord],
) -> Result<Vec<Verdict>, VerifyError> {
    let here = ChainIdentity {
        chain_id: env.chain.id,
        genesis: Some(client.genesis_hash().await?),
    };
    for record in records {
        record.check_chain(&env.name, here)?;
    }
    // Proxies, beacons and their kin are built from the project's
    // OpenZeppelin Contracts apart from the project: taken in when a
    // record names one the build lacks.
    let proxied = records.iter().any(|r| {
        r.package.is_none()
            && artifacts.find(&r.contract).is_err()
            && [
                crate::ERC1967_PROXY,
                crate::TRANSPARENT_PROXY,
                crate::PROXY_ADMIN,
                crate::UPGRADEABLE_BEACON,
                crate::BEACON_PROXY,
            ]
            .iter()
            .any(|p| r.contract.ends_with(p))
    });
    let merged;
    let artifacts = if proxied {
        merged = artifacts.merged(&crate::apply::proxy_artifacts(config)?);
        &merged
    } else {
        artifacts
    };
    // Etherscan links a proxy only to a verified implementation: proxies
    // go last.
    let mut ordered: Vec<&DeploymentRecord> = records.iter().collect();
    ordered.sort_by_key(|r| r.proxy.is_some());
    let mut verdicts = Vec::with_capacity(records.len());
    for record in ordered {
        verdicts.push(check(config, env, client, artifacts, explorers, record).await?);
    }
    Ok(verdicts)
}

async fn check(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    artifacts: &Artifacts,
    explorers: &Explorers,
    record: &DeploymentRecord,
) -> Result<Verdict, VerifyError> {
    let mut verdict = Verdict {
        name: record.name.clone(),
        address: record.address.to_checksum(None),
        bytecode: CodeCheck::Match { set_aside: vec![] },
        arguments: CodeCheck::Match { set_aside: vec![] },
        etherscan: skipped("the bytecode does not match the build"),
        sourcify: skipped("the bytecode does not match the build"),
        proxy: None,
    };
    if let Some(proxy) = &record.proxy {
        verdict.proxy = Some(ProxyVerdict {
            implementation: implementation_check(client, record, proxy).await?,
            etherscan_link: skipped("the proxy's bytecode does not match the build"),
        });
    }
    if let Some(package) = &record.package {
        verdict.bytecode = crate::safe::check_package_record(config, client, record, package)
            .await
            .unwrap_or_else(|e| CodeCheck::Mismatch {
                reason: e.to_string(),
            });
        verdict.arguments = CodeCheck::Match {
            set_aside: vec!["not built from the project's sources".into()],
        };
        let why = format!("{package} is Safe's: its sources are verified by Safe");
        verdict.etherscan = skipped(&why);
        verdict.sourcify = skipped(&why);
        return Ok(verdict);
    }
    if record.proxy.as_ref().is_some_and(|p| p.imported) {
        // Its code came from another tool's build: only what it points at
        // can be checked.
        let why = "imported: deployed outside slipway, not from this build";
        verdict.bytecode = CodeCheck::Match {
            set_aside: vec![why.into()],
        };
        verdict.arguments = CodeCheck::Match {
            set_aside: vec![why.into()],
        };
        verdict.etherscan = skipped(why);
        verdict.sourcify = skipped(why);
        if let Some(checks) = verdict.proxy.as_mut() {
            checks.etherscan_link = skipped(why);
        }
        return Ok(verdict);
    }
    let artifact = match artifacts.find(&record.contract) {
        Ok(a) => a,
        Err(reason) => {
            verdict.bytecode = CodeCheck::Mismatch {
                reason: reason.to_string(),
            };
            return Ok(verdict);
        }
    };
    let code = client.code(record.address).await?;
    verdict.bytecode = compare_runtime(artifact, &record.libraries, record.address, &code);
    verdict.arguments = match record.transaction_hash {
        None => CodeCheck::Match {
            set_aside: vec![
                "no creation transaction recorded (found at its CREATE2 address, or created by another contract)".into(),
            ],
        },
        Some(hash) => match client.transaction_input(hash).await? {
            Some(input) => compare_arguments(artifact, record, &input),
            None => CodeCheck::Mismatch {
                reason: format!("the creation transaction {hash} is not on this chain"),
            },
        },
    };
    if matches!(verdict.bytecode, CodeCheck::Mismatch { .. }) {
        return Ok(verdict);
    }
    let submitted = match submission(&config.root, artifact, &record.libraries) {
        Ok(s) => s,
        Err(error) => {
            let reason = error.to_string();
            verdict.etherscan = ExplorerCheck::Failed {
                reason: reason.clone(),
            };
            verdict.sourcify = ExplorerCheck::Failed { reason };
            return Ok(verdict);
        }
    };
    verdict.etherscan = match &explorers.etherscan {
        Ok(explorer) => {
            explorer
                .verify(record.address, &submitted, &record.constructor_args)
                .await
        }
        Err(why) => skipped(why),
    };
    if let (Some(proxy), Some(checks)) = (&record.proxy, verdict.proxy.as_mut()) {
        checks.etherscan_link = match &explorers.etherscan {
            Ok(explorer) => {
                explorer
                    .link_proxy(record.address, proxy.implementation)
                    .await
            }
            Err(why) => skipped(why),
        };
    }
    verdict.sourcify = match &explorers.sourcify {
        Ok(explorer) => {
            explorer
                .verify(
                    env.chain.id,
                    record.address,
                    &submitted,
                    record.transaction_hash,
                )
                .await
        }
        Err(why) => skipped(why),
    };
    Ok(verdict)
}

/// Whether the proxy of `record` points where its record says.
async fn implementation_check(
    client: &ChainClient,
    record: &DeploymentRecord,
    proxy: &slipway_contracts::ProxyRecord,
) -> Result<CodeCheck, VerifyError> {
    let kind = match proxy.kind.as_str() {
        "beacon" => crate::ProxyKind::Beacon,
        "transparent" => crate::ProxyKind::Transparent,
        _ => crate::ProxyKind::Uups,
    };
    let target = proxy.beacon.unwrap_or(record.address);
    let now = match crate::proxies::current_implementation(client, kind, target).await {
        Ok(now) => now,
        Err(crate::DeployError::Provider(e)) => return Err(e.into()),
        Err(other) => {
            return Ok(CodeCheck::Mismatch {
                reason: other.to_string(),
            });
        }
    };
    Ok(if now == proxy.implementation {
        CodeCheck::Match { set_aside: vec![] }
    } else {
        CodeCheck::Mismatch {
            reason: format!(
                "it points at {}, its record at {}: upgraded outside slipway? (`slipway deploy` records what the plan does)",
                now.to_checksum(None),
                proxy.implementation.to_checksum(None)
            ),
        }
    })
}
