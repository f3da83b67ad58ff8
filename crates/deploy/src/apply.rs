//! `slipway deploy` as one library call: the plan found and checked, the
//! Safe refusal, the signer resolved, the effect computed and shown, the
//! confirmation rule for protected environments, the run, and (when
//! asked) verification of what was deployed. The binary only renders the
//! hooks' reports and the result; a pipeline calls the same function.

use std::path::{Path, PathBuf};

use alloy_primitives::Address;
use slipway_chain::{Lifecycle, resolve_signer, safe::AllowedRisks};
use slipway_config::{Config, Environment, Multisig};
use slipway_contracts::Artifacts;
use slipway_keys::{Password, SignerError};

use crate::{
    Approval, Authorised, CheckedPlan, Confirm, DeployError, DeployOptions, Deployed, Deployment,
    Effect, Plan, Progress, StepStatus,
    authorise::{authorise, check_direct_signing},
    find_plan,
    verify::{Explorers, Verdict, VerifyError, select_records, verify_records},
};

/// What to deploy, and how.
pub struct DeployRequest<'a> {
    /// The project.
    pub config: &'a Config,
    /// The environment.
    pub env: &'a Environment,
    /// The build's contracts (the caller built them: the pipeline's build is
    /// not compiled again).
    pub artifacts: &'a Artifacts,
    /// The plan: a file, or a name in deploy/ (the only plan there when
    /// `None`).
    pub plan: Option<&'a Path>,
    /// The named signer that deploys (`deployer` unless told otherwise).
    pub signer: &'a str,
    /// Steps to send again, or the whole plan over.
    pub options: DeployOptions,
    /// Show the effect and stop.
    pub dry_run: bool,
    /// `--yes` / `--reason`.
    pub approval: Approval,
    /// Verify what was deployed afterwards (bytecode, and explorers when
    /// `explorers`).
    pub verify: bool,
    /// Submit to Etherscan and Sourcify when verifying.
    pub explorers: bool,
    /// Who this process is, for the locks it takes.
    pub command: &'a str,
}

/// The seams a deployment reports through and asks through.
pub struct DeployHooks<'a> {
    /// Asks a person to confirm a protected environment.
    pub confirm: &'a dyn Confirm,
    /// Asks for a keystore's password.
    pub password: &'a dyn Fn(&str) -> Result<Password, SignerError>,
    /// The plan's effect, before anything is sent or asked.
    pub effect: &'a dyn Fn(&PlanShown<'_>),
    /// Each step as it goes.
    pub progress: &'a (dyn Fn(Progress<'_>) + Sync),
}

/// The plan and its effect, as shown before anything is sent.
#[derive(Debug)]
pub struct PlanShown<'a> {
    /// The plan file, relative to the project root.
    pub file: &'a Path,
    /// What running it would do.
    pub effect: &'a Effect,
}

/// What a deployment did.
#[derive(Debug)]
pub struct DeployReport {
    /// The plan file, relative to the project root.
    pub file: PathBuf,
    /// The effect shown.
    pub effect: Effect,
    /// The plan's depth (levels of steps).
    pub depth: usize,
    /// The confirmation rule's answer, when anything was to be sent.
    pub authorised: Option<Authorised>,
    /// What the run did; `None` for a dry run.
    pub deployed: Option<Deployed>,
    /// The verification verdicts, when asked for.
    pub verdicts: Option<Vec<Verdict>>,
    /// Where the environment deploys through its Safe: what was proposed,
    /// executed or is still waiting.
    pub safe: Option<crate::safe::SafeDeploy>,
}

impl DeployReport {
    /// Shows `effect` through the hooks, and starts the report with it.
    fn shown(hooks: &DeployHooks<'_>, file: PathBuf, effect: &Effect, depth: usize) -> Self {
        (hooks.effect)(&PlanShown {
            file: &file,
            effect,
        });
        Self {
            file,
            effect: effect.clone(),
            depth,
            authorised: None,
            deployed: None,
            verdicts: None,
            safe: None,
        }
    }

    /// Whether every check passed (verification included).
    pub fn passed(&self) -> bool {
        !self
            .verdicts
            .as_ref()
            .is_some_and(|v| v.iter().any(Verdict::failed))
    }
}

/// The plan file and the plan checked against the build, for `env`.
pub fn load_plan(
    config: &Config,
    env: &Environment,
    artifacts: &Artifacts,
    plan: Option<&Path>,
) -> Result<(PathBuf, CheckedPlan), DeployError> {
    let file = find_plan(&config.root, plan)?;
    let relative = file
        .strip_prefix(&config.root)
        .unwrap_or(&file)
        .to_path_buf();
    let plan = Plan::load(&config.root, &relative, env, config.vars())?;
    check_plan(config, artifacts, &relative, plan)
}

/// `plan` (read from `file`) checked against the build, and against
/// OpenZeppelin's proxies when it has proxy steps.
pub(crate) fn check_plan(
    config: &Config,
    artifacts: &Artifacts,
    file: &Path,
    plan: Plan,
) -> Result<(PathBuf, CheckedPlan), DeployError> {
    let checked = if plan.has_proxies() {
        let (proxies, openzeppelin) = proxies_built(config)?;
        let mut plan = plan;
        plan.use_openzeppelin_at(&openzeppelin.dir);
        plan.check(&artifacts.merged(&proxies))
    } else {
        plan.check(artifacts)
    };
    Ok((file.to_path_buf(), checked?))
}

/// OpenZeppelin's proxy contracts, built from the project's own copy with
/// its settings.
pub(crate) fn proxy_artifacts(config: &Config) -> Result<Artifacts, slipway_solc::SolcError> {
    Ok(proxies_built(config)?.0)
}

/// [`proxy_artifacts`], and where they come from.
fn proxies_built(
    config: &Config,
) -> Result<(Artifacts, slipway_solc::OpenZeppelin), slipway_solc::SolcError> {
    let compiler = slipway_solc::compiler(config, false, &|_| {})?;
    let proxies = slipway_solc::compile_proxies(config, &compiler)?;
    Ok((
        Artifacts::from_build(&proxies.contracts),
        proxies.openzeppelin,
    ))
}

/// Deploys `request.plan` to `request.env`: everything `slipway deploy`
/// does, in one call.
pub async fn deploy(
    request: &DeployRequest<'_>,
    hooks: &DeployHooks<'_>,
) -> Result<DeployReport, DeployError> {
    let DeployRequest {
        config,
        env,
        artifacts,
        ..
    } = *request;
    if let Multisig::Safe { address, .. } = env.multisig {
        return deploy_through_safe(request, hooks, address).await;
    }
    check_direct_signing(env, "`slipway deploy`")?;
    let (file, plan) = load_plan(config, env, artifacts, request.plan)?;
    run_checked(request, hooks, file, &plan, "deploying").await
}

/// Runs a checked plan (or the part of one `slipway upgrade` takes) from
/// a signer's key: the effect, the upgrade checks, the confirmation rule,
/// the run, the manifest, and verification when asked. `doing` says what
/// the confirmation is for (`deploying`).
pub(crate) async fn run_checked(
    request: &DeployRequest<'_>,
    hooks: &DeployHooks<'_>,
    file: PathBuf,
    plan: &CheckedPlan,
    doing: &str,
) -> Result<DeployReport, DeployError> {
    let DeployRequest {
        config,
        env,
        artifacts,
        ..
    } = *request;
    let plan = &crate::upgrades::waiving(plan, &request.options.unsafe_allow)?;
    let signer = resolve_signer(env, request.signer, config.vars(), hooks.password)?;
    let client = slipway_chain::connect(config, env, request.command).await?;
    let deployment = Deployment {
        root: &config.root,
        env,
        plan,
        client: &client,
        signer: Some(&signer),
        deployer: signer.address(),
        lifecycle: Lifecycle::for_env(env),
    };
    let mut effect = deployment.effect(&request.options).await?;
    crate::upgrades::check_before_run(config, &env.name, plan, &mut effect)?;
    let mut report = DeployReport::shown(hooks, file, &effect, plan.depth());
    if let Some(refusal) = effect.refusal() {
        return Err(DeployError::Changed(refusal));
    }
    crate::upgrades::refuse_unsafe(&effect)?;
    if request.dry_run {
        return Ok(report);
    }
    let in_flight = effect
        .steps
        .iter()
        .any(|s| matches!(s.status, StepStatus::InFlight { .. }));
    if effect.sends() > 0 || in_flight {
        report.authorised = Some(authorise(
            env,
            &format!(
                "{doing} {} ({} to send)",
                report.file.display(),
                effect.sends()
            ),
            &request.approval,
            hooks.confirm,
        )?);
    }
    // `execute` reads the journal again under its lock: a deploy that ran
    // while this one waited at the prompt is refused, never repeated.
    let deployed = deployment
        .execute(effect, &request.options, hooks.progress)
        .await;
    // Whatever became of the run, what it finished is recorded.
    crate::upgrades::record_after_run(config, &env.name, plan, &deployment.journal_path())?;
    let deployed = deployed?;
    report.deployed = Some(deployed);
    if request.verify {
        let names: Vec<String> = plan
            .steps
            .iter()
            .filter(|s| s.artifact.is_some())
            .map(|s| s.step.id.clone())
            .collect();
        // The same connection: an in-process chain is held by this process
        // until the client goes.
        let records = select_records(config, env, &names)?;
        let explorers = Explorers::for_env(config, env, request.explorers, request.explorers)
            .map_err(VerifyError::from)?;
        report.verdicts =
            Some(verify_records(config, env, &client, artifacts, &explorers, &records).await?);
    }
    Ok(report)
}

/// [`deploy`] where the environment deploys through its Safe at `safe`:
/// nothing is signed here; the steps are proposed to the Safe (no
/// confirmation is asked: proposing sends nothing), and what the owners
/// executed since is recorded.
async fn deploy_through_safe(
    request: &DeployRequest<'_>,
    hooks: &DeployHooks<'_>,
    safe: Address,
) -> Result<DeployReport, DeployError> {
    let DeployRequest {
        config,
        env,
        artifacts,
        ..
    } = *request;
    let (file, plan) = load_plan(config, env, artifacts, request.plan)?;
    safe_run(request, hooks, safe, file, &plan).await
}

/// Runs a checked plan (or one proxy's part of it) through the
/// environment's Safe at `safe`: its effect, the upgrade checks, and the
/// proposal (or what the owners executed since).
pub(crate) async fn safe_run(
    request: &DeployRequest<'_>,
    hooks: &DeployHooks<'_>,
    safe: Address,
    file: PathBuf,
    plan: &CheckedPlan,
) -> Result<DeployReport, DeployError> {
    let DeployRequest { config, env, .. } = *request;
    let plan = &crate::upgrades::waiving(plan, &request.options.unsafe_allow)?;
    let client = slipway_chain::connect(config, env, request.command).await?;
    let deployment = Deployment {
        root: &config.root,
        env,
        plan,
        client: &client,
        signer: None,
        deployer: safe,
        lifecycle: Lifecycle::for_env(env),
    };
    let mut effect = deployment.effect(&request.options).await?;
    crate::upgrades::check_before_run(config, &env.name, plan, &mut effect)?;
    let mut report = DeployReport::shown(hooks, file, &effect, plan.depth());
    crate::upgrades::refuse_unsafe(&effect)?;
    if request.dry_run {
        return Ok(report);
    }
    report.safe = Some(
        crate::safe::deploy_through_safe(
            &deployment,
            effect,
            &request.options,
            config,
            AllowedRisks::default(),
            request.command,
        )
        .await?,
    );
    // What the owners executed is in the journal now.
    crate::upgrades::record_after_run(config, &env.name, plan, &deployment.journal_path())?;
    Ok(report)
}
