//! `slipway upgrade --env X NAME [--call F ARGS…]`: one proxy of a plan
//! brought to the plan's implementation — the part of the plan that is
//! that proxy's (its implementation, beacon and upgrade), run like any
//! plan: checked as OpenZeppelin checks an upgrade, confirmed where the
//! environment is protected, journaled, recorded. `--call` names the
//! reinitializer sent with the upgrade, in place of the plan's.

use std::path::{Path, PathBuf};

use slipway_config::{Config, Environment, Multisig};

use crate::{
    Action, Calldata, DeployError, DeployHooks, DeployReport, DeployRequest, Expr, Journal, Plan,
    StepRole, authorise::check_direct_signing, find_plan,
};

/// What to upgrade.
pub struct UpgradeRequest<'a> {
    /// The environment, plan, signer, options and approval, as for deploy
    /// (`plan`: the plan holding the proxy; found in `deploy/` when none).
    pub deploy: &'a DeployRequest<'a>,
    /// The proxy's step id.
    pub proxy: &'a str,
    /// A reinitializer sent with the upgrade: its name or signature, and
    /// its arguments as Solidity writes them.
    pub call: Option<(String, Vec<String>)>,
}

/// The plans of `deploy/` (or the one given), each read for `env`.
fn plans(
    config: &Config,
    env: &Environment,
    given: Option<&Path>,
) -> Result<Vec<(PathBuf, Plan)>, DeployError> {
    let files: Vec<PathBuf> = match given {
        Some(given) => vec![find_plan(&config.root, Some(given))?],
        None => {
            let dir = config.root.join("deploy");
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|_| crate::FindPlanError::NoDirectory(dir.clone()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            files
        }
    };
    let mut read = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&config.root)
            .unwrap_or(&file)
            .to_path_buf();
        // A plan that does not read for this environment holds no proxy
        // of it; one that holds the proxy is read again below, errors and all.
        if let Ok(plan) = Plan::load(&config.root, &relative, env, config.vars()) {
            read.push((relative, plan));
        }
    }
    Ok(read)
}

fn is_proxy(step: &crate::Step, name: &str) -> bool {
    step.id == name && matches!(step.role, StepRole::Proxy { .. })
}

/// The plan (`given`, or the one in deploy/) that has proxy step `name`,
/// read for `env`.
pub(crate) fn plan_with_proxy(
    config: &Config,
    env: &Environment,
    given: Option<&Path>,
    name: &str,
) -> Result<(PathBuf, Plan), DeployError> {
    let found = plans(config, env, given)?;
    if let Some(hit) = found
        .iter()
        .find(|(_, p)| p.steps.iter().any(|s| is_proxy(s, name)))
    {
        return Ok(hit.clone());
    }
    let proxies: Vec<String> = found
        .iter()
        .flat_map(|(_, p)| p.steps.iter())
        .filter(|s| matches!(s.role, StepRole::Proxy { .. }))
        .map(|s| s.id.clone())
        .collect();
    Err(DeployError::NoSuchProxy {
        name: name.to_owned(),
        proxies,
    })
}

/// Upgrades proxy `request.proxy` to its plan's implementation.
pub async fn upgrade(
    request: &UpgradeRequest<'_>,
    hooks: &DeployHooks<'_>,
) -> Result<DeployReport, DeployError> {
    let deploy = request.deploy;
    let (config, env) = (deploy.config, deploy.env);
    let safe = match env.multisig {
        Multisig::Safe { address, .. } => Some(address),
        _ => {
            check_direct_signing(env, "`slipway upgrade`")?;
            None
        }
    };
    let (file, mut plan) = plan_with_proxy(config, env, deploy.plan, request.proxy)?;
    if let Some((function, args)) = &request.call {
        call_with_upgrade(&mut plan, request.proxy, function, args)?;
    }
    let (_, checked) = crate::apply::check_plan(config, deploy.artifacts, &file, plan)?;
    let state = Journal::read(&journal_of(&config.root, &env.name, &checked.plan.name))?;
    if !state.steps.get(request.proxy).is_some_and(|s| s.done()) {
        return Err(DeployError::NotDeployed {
            proxy: request.proxy.to_owned(),
            env: env.name.clone(),
            plan: file.clone(),
        });
    }
    let part = checked.only(|s| match &s.role {
        StepRole::Implementation { proxy, .. }
        | StepRole::Beacon { proxy, .. }
        | StepRole::Upgrade { proxy, .. } => proxy == request.proxy,
        StepRole::Proxy { .. } => s.id == request.proxy,
        StepRole::Plain => false,
    });
    match safe {
        Some(safe) => crate::apply::safe_run(deploy, hooks, safe, file, &part).await,
        None => {
            let doing = format!("upgrading {} with", request.proxy);
            crate::apply::run_checked(deploy, hooks, file, &part, &doing).await
        }
    }
}

/// Puts `function(args)` in place of the reinitializer that the upgrade
/// of `proxy` sends.
fn call_with_upgrade(
    plan: &mut Plan,
    proxy: &str,
    function: &str,
    args: &[String],
) -> Result<(), DeployError> {
    let artifact = plan
        .steps
        .iter()
        .find(|s| matches!(&s.role, StepRole::Implementation { proxy: p, .. } if p == proxy))
        .and_then(|s| match &s.action {
            Action::Deploy { artifact, .. } => Some(artifact.clone()),
            Action::Call { .. } => None,
        })
        .ok_or_else(|| DeployError::NoAddress(proxy.to_owned()))?;
    let Some(upgrade) = plan
        .steps
        .iter_mut()
        .find(|s| matches!(&s.role, StepRole::Upgrade { proxy: p, .. } if p == proxy))
    else {
        return Err(DeployError::NoAddress(proxy.to_owned()));
    };
    if matches!(
        upgrade.role,
        StepRole::Upgrade {
            kind: crate::ProxyKind::Beacon,
            ..
        }
    ) {
        return Err(DeployError::BeaconCall(proxy.to_owned()));
    }
    let call = Expr::Calldata(Box::new(Calldata {
        function: function.to_owned(),
        artifact,
        args: args
            .iter()
            .map(|a| Expr::Literal(toml::Value::String(a.clone())))
            .collect(),
        resolved: None,
    }));
    if let Some(last) = upgrade.args.last_mut() {
        *last = call;
    }
    Ok(())
}

/// The journal of plan `name` in `env` (for tests and callers that show it).
pub fn journal_of(root: &Path, env: &str, name: &str) -> PathBuf {
    slipway_contracts::records_dir(root, env).join(format!("{name}.journal.jsonl"))
}
