//! The upgradeable steps of a plan: every implementation a run would put
//! behind a proxy is checked before anything is sent, as OpenZeppelin's
//! tooling checks it (a new proxy's implementation is validated; an
//! upgrade's is also compared with the storage layout recorded for the
//! implementation the proxy points at now), and the environment's
//! upgrade manifest (OpenZeppelin's format) is kept from the journal.

use std::path::{Path, PathBuf};

use alloy_primitives::Address;
use serde::Serialize;
use slipway_config::Config;
use slipway_upgrades::{BuildInfo, ContractReport, Manifest, version_hash};

use crate::{CheckedPlan, DeployError, Effect, JournalState, ProxyKind, StepRole, StepStatus};

/// `deployments/<env>/openzeppelin/manifest.json`: the environment's
/// proxies and implementations with their storage layouts.
pub fn manifest_path(root: &Path, env: &str) -> PathBuf {
    slipway_contracts::records_dir(root, env)
        .join("openzeppelin")
        .join("manifest.json")
}

/// One implementation checked before a run puts it behind a proxy.
#[derive(Clone, Debug, Serialize)]
pub struct UpgradeCheck {
    /// The proxy's step.
    pub proxy: String,
    /// Its kind.
    pub kind: ProxyKind,
    /// The implementation it points at now (none: a new proxy).
    pub from: Option<Address>,
    /// The verdict, in OpenZeppelin's words (without what was waived).
    pub report: ContractReport,
    /// The validation kinds waived that the implementation has
    /// (`unsafe_allow`, `--unsafe-allow`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
}

impl UpgradeCheck {
    /// Whether the implementation may go behind the proxy.
    pub fn ok(&self) -> bool {
        self.report.ok()
    }
}

/// The build's build-info, read once and only when a check needs it.
struct Infos<'a> {
    config: &'a Config,
    read: Option<Vec<BuildInfo>>,
}

impl Infos<'_> {
    /// The build-info folder, and where checks' answers are kept.
    fn places(&self) -> (PathBuf, PathBuf) {
        (
            self.config
                .path(&self.config.project.out)
                .join("build-info"),
            self.config
                .root
                .join(slipway_solc::STATE_DIR)
                .join("cache")
                .join("upgrades"),
        )
    }

    fn get(&mut self) -> Result<&[BuildInfo], DeployError> {
        if self.read.is_none() {
            self.read = Some(slipway_upgrades::load_dir(&self.places().0)?);
        }
        Ok(self.read.as_deref().unwrap_or_default())
    }
}

/// `plan` with OpenZeppelin's validation `kinds` (`--unsafe-allow`) waived
/// for its implementations.
pub(crate) fn waiving(plan: &CheckedPlan, kinds: &[String]) -> Result<CheckedPlan, DeployError> {
    let mut plan = plan.clone();
    plan.allow_unsafe(kinds).map_err(DeployError::UnsafeAllow)?;
    Ok(plan)
}

/// Before a run of a plan with proxies: the manifest caught up with the
/// journal (a run may have stopped after its last step and before its
/// manifest was written), then the implementations `effect` would put
/// behind proxies checked into `effect.upgrades`.
pub(crate) fn check_before_run(
    config: &Config,
    env: &str,
    plan: &CheckedPlan,
    effect: &mut Effect,
) -> Result<(), DeployError> {
    if plan.plan.has_proxies() {
        record(config, env, plan, &effect.state)?;
        effect.upgrades = assess(config, env, plan, effect)?;
    }
    Ok(())
}

/// Refuses `effect` when an implementation it would put behind a proxy is
/// not upgrade-safe.
pub(crate) fn refuse_unsafe(effect: &Effect) -> Result<(), DeployError> {
    if effect.upgrades.iter().any(|c| !c.ok()) {
        return Err(DeployError::UnsafeUpgrade(effect.upgrades.clone()));
    }
    Ok(())
}

/// After a run of a plan with proxies: what its journal holds now
/// recorded in the manifest.
pub(crate) fn record_after_run(
    config: &Config,
    env: &str,
    plan: &CheckedPlan,
    journal: &Path,
) -> Result<(), DeployError> {
    if plan.plan.has_proxies() {
        record(config, env, plan, &crate::Journal::read(journal)?)?;
    }
    Ok(())
}

/// Checks each implementation `effect` would put behind a proxy: the
/// implementation steps it sends, and the upgrades it sends.
fn assess(
    config: &Config,
    env: &str,
    plan: &CheckedPlan,
    effect: &Effect,
) -> Result<Vec<UpgradeCheck>, DeployError> {
    let manifest_file = manifest_path(&config.root, env);
    let manifest = Manifest::read(&manifest_file)?;
    let mut infos = Infos { config, read: None };
    let mut checks = Vec::new();
    for (index, checked) in plan.steps.iter().enumerate() {
        let StepRole::Upgrade {
            proxy,
            kind,
            implementation,
        } = &checked.step.role
        else {
            continue;
        };
        let Some(at) = plan.steps.iter().position(|s| &s.step.id == implementation) else {
            continue;
        };
        let from = match effect.steps[index].status {
            StepStatus::Upgrade { from } => Some(from),
            _ => None,
        };
        if from.is_none() && !effect.steps[at].status.sends() {
            continue;
        }
        let Some(artifact) = &plan.steps[at].artifact else {
            continue;
        };
        let reference = match from {
            Some(from) => Some(manifest.implementation_at(from).ok_or_else(|| {
                DeployError::NoRecordedLayout {
                    proxy: proxy.clone(),
                    implementation: from,
                    manifest: manifest_file.clone(),
                }
            })?),
            None => None,
        };
        let shown = from.map(|a| a.to_checksum(None)).unwrap_or_default();
        let uups = *kind == ProxyKind::Uups;
        let question = format!(
            "implementation {} uups={uups} reference={shown} {}",
            artifact.id,
            reference
                .and_then(|r| serde_json::to_string(&r.layout).ok())
                .unwrap_or_default()
        );
        let (dir, cache) = infos.places();
        let mut report = match slipway_upgrades::kept(&dir, &cache, &question) {
            Some(report) => report,
            None => {
                let report = slipway_upgrades::check_implementation(
                    infos.get()?,
                    &artifact.id,
                    reference.map(|r| (shown.as_str(), &r.layout)),
                    uups,
                )?;
                slipway_upgrades::keep(&dir, &cache, &question, &report);
                report
            }
        };
        let waived = match &plan.steps[at].step.role {
            StepRole::Implementation { unsafe_allow, .. } => unsafe_allow.as_slice(),
            _ => &[],
        };
        let mut allowed: Vec<String> = Vec::new();
        let mut waive = |kind: &str| {
            let waived = waived.iter().any(|w| w == kind);
            if waived && !allowed.iter().any(|a| a == kind) {
                allowed.push(kind.to_owned());
            }
            !waived
        };
        report.validation.retain(|e| waive(e.kind));
        report.warnings.retain(|e| waive(e.kind));
        checks.push(UpgradeCheck {
            proxy: proxy.clone(),
            kind: *kind,
            from,
            report,
            allowed,
        });
    }
    Ok(checks)
}

/// Adds to the environment's manifest every proxy and implementation the
/// journal holds as done and the manifest lacks; an implementation's
/// layout is taken from the build, and only while the build still holds
/// the code that was deployed. The manifest is read and written under the
/// environment's deploy lock; while another run holds it, nothing is
/// written (that run, or the next of this plan, catches it up).
fn record(
    config: &Config,
    env: &str,
    plan: &CheckedPlan,
    state: &JournalState,
) -> Result<(), DeployError> {
    let Some(_lock) = environment_lock(config, env)? else {
        return Ok(());
    };
    let path = manifest_path(&config.root, env);
    let mut manifest = Manifest::read(&path)?;
    let before = manifest.clone();
    let mut infos = Infos { config, read: None };
    for checked in &plan.steps {
        let Some(done) = state.steps.get(&checked.step.id).filter(|s| s.done()) else {
            continue;
        };
        let Some(address) = done.input.address else {
            continue;
        };
        let tx = done.included_hash.map(|h| h.to_string());
        match &checked.step.role {
            StepRole::Proxy { kind, .. } => manifest.add_proxy(address, tx, kind.as_str()),
            StepRole::Implementation { .. } => {
                let Some(artifact) = &checked.artifact else {
                    continue;
                };
                let built = Some(crate::inputs::code_hash(artifact));
                if manifest.implementation_at(address).is_some() || done.input.code_hash != built {
                    continue;
                }
                let (info, file, name) = slipway_upgrades::find(infos.get()?, &artifact.id)?;
                let mut layout = slipway_upgrades::extract(info, &file, &name)?;
                layout.solc_version = Some(info.solc_version.clone()).filter(|v| !v.is_empty());
                manifest.add_implementation(version_hash(&artifact.bytecode), address, tx, layout);
            }
            _ => {}
        }
    }
    if manifest != before {
        manifest.write(&path)?;
    }
    Ok(())
}

/// The storage layout of `contract` (`Name` or `path/File.sol:Name`) in the
/// build, or in the build-info folder `build` (an older build, a build
/// made elsewhere), as OpenZeppelin's manifests keep it.
pub(crate) fn layout_of(
    config: &Config,
    artifacts: &slipway_contracts::Artifacts,
    contract: &str,
    build: Option<&Path>,
) -> Result<slipway_upgrades::StorageLayout, DeployError> {
    let elsewhere;
    let mut infos = Infos { config, read: None };
    let (infos, wanted): (&[BuildInfo], String) = match build {
        Some(dir) => {
            elsewhere = slipway_upgrades::load_dir(dir)?;
            (&elsewhere, contract.to_owned())
        }
        None => {
            let id = artifacts
                .find(contract)
                .map_err(|e| DeployError::Reference(e.to_string()))?
                .id
                .clone();
            (infos.get()?, id)
        }
    };
    let (info, file, name) = slipway_upgrades::find(infos, &wanted)?;
    let mut layout = slipway_upgrades::extract(info, &file, &name)?;
    layout.solc_version = Some(info.solc_version.clone()).filter(|v| !v.is_empty());
    Ok(layout)
}

/// The environment's deploy lock ([`crate::LOCK_FILE`]), or none while
/// another process holds it.
pub(crate) fn environment_lock(
    config: &Config,
    env: &str,
) -> Result<Option<slipway_log::OwnerLock>, DeployError> {
    let dir = slipway_contracts::records_dir(&config.root, env);
    std::fs::create_dir_all(&dir).map_err(|source| slipway_upgrades::UpgradesError::Read {
        path: dir.clone(),
        source,
    })?;
    let owner = slipway_log::Owner::this_process("slipway (the upgrade manifest)");
    match slipway_log::OwnerLock::acquire(&dir.join(crate::LOCK_FILE), &dir, &owner) {
        Ok(lock) => Ok(Some(lock)),
        Err(slipway_log::LogError::Held { .. }) => Ok(None),
        Err(e) => Err(DeployError::Log(e)),
    }
}
