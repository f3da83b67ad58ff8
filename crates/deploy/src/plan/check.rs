//! A plan checked against the build before anything is sent: artifacts and
//! functions exist, libraries are all linked, arguments have the right
//! count and types, references are defined, and the steps form no cycle;
//! then ordered into levels of steps that do not depend on each other.

use std::collections::{BTreeMap, BTreeSet};

use alloy_json_abi::{Function, Param};
use alloy_primitives::Address;

use super::{Action, Expr, Plan, Step, StepRole};
use slipway_contracts::{Artifact, Artifacts};

use crate::{PlanError, PlanErrors, encode};

/// A step with what it deploys or calls.
#[derive(Clone, Debug)]
pub struct CheckedStep {
    /// The step as written.
    pub step: Step,
    /// The artifact a deploy step deploys.
    pub artifact: Option<Artifact>,
    /// The function a call step calls.
    pub function: Option<Function>,
}

impl CheckedStep {
    /// The parameters its arguments fill.
    pub(crate) fn params(&self) -> &[Param] {
        match (&self.artifact, &self.function) {
            (Some(a), _) => a.abi.constructor.as_ref().map_or(&[], |c| &c.inputs),
            (None, Some(f)) => &f.inputs,
            (None, None) => &[],
        }
    }
}

/// A plan that checks, in levels: every step of a level depends only on
/// steps of earlier levels.
#[derive(Clone, Debug)]
pub struct CheckedPlan {
    /// The plan.
    pub plan: Plan,
    /// Its steps, in the order written.
    pub steps: Vec<CheckedStep>,
    /// Indexes into `steps`, level by level, each level in written order.
    pub levels: Vec<Vec<usize>>,
    /// OpenZeppelin's `ProxyAdmin`, which each transparent proxy creates:
    /// its record is written with the proxy's, so that the `[roles]`
    /// policy and `verify` see who may upgrade.
    pub proxy_admin: Option<Artifact>,
}

impl CheckedPlan {
    /// The step `id`.
    pub fn step(&self, id: &str) -> Option<&CheckedStep> {
        self.steps.iter().find(|s| s.step.id == id)
    }

    /// Adds `kinds` (OpenZeppelin's validation kinds) to what every
    /// implementation behind a proxy waives; refuses a kind that is none.
    pub fn allow_unsafe(&mut self, kinds: &[String]) -> Result<(), String> {
        if let Some(unknown) = kinds
            .iter()
            .find(|k| !slipway_upgrades::VALIDATION_KINDS.contains(&k.as_str()))
        {
            return Err(format!(
                "--unsafe-allow {unknown}: not one of OpenZeppelin's validation kinds ({})",
                slipway_upgrades::VALIDATION_KINDS.join(", ")
            ));
        }
        for step in &mut self.steps {
            if let StepRole::Implementation { unsafe_allow, .. } = &mut step.step.role {
                for kind in kinds {
                    if !unsafe_allow.contains(kind) {
                        unsafe_allow.push(kind.clone());
                    }
                }
            }
        }
        Ok(())
    }

    /// The part of the plan made of the steps `keep` keeps, in levels of
    /// their own (a step's dependencies outside it are taken as done).
    pub fn only(&self, keep: impl Fn(&Step) -> bool) -> CheckedPlan {
        let steps: Vec<CheckedStep> = self
            .steps
            .iter()
            .filter(|s| keep(&s.step))
            .cloned()
            .collect();
        let plain: Vec<Step> = steps.iter().map(|s| s.step.clone()).collect();
        let ids: BTreeSet<&str> = plain.iter().map(|s| s.id.as_str()).collect();
        // The whole plan has no cycle, so no part of it has one.
        let levels = levels(&plain, &ids).unwrap_or_default();
        let mut plan = self.plan.clone();
        plan.steps = plain.clone();
        CheckedPlan {
            plan,
            steps,
            levels,
            proxy_admin: self.proxy_admin.clone(),
        }
    }

    /// The number of levels: the longest chain of dependent steps.
    pub fn depth(&self) -> usize {
        self.levels.len()
    }

    /// `id` and every step that depends on it, directly or not.
    pub fn dependents(&self, id: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::from([id.to_owned()]);
        loop {
            let before = found.len();
            for s in &self.steps {
                if s.step.dependencies().iter().any(|d| found.contains(d)) {
                    found.insert(s.step.id.clone());
                }
            }
            if found.len() == before {
                return found;
            }
        }
    }
}

fn error(plan: &Plan, step: &Step, message: impl Into<String>) -> PlanError {
    PlanError {
        file: plan.file.clone(),
        line: step.line,
        step: Some(step.id.clone()),
        message: message.into(),
    }
}

/// The function `name` (or signature) of `abi`, if the target has one.
fn function(name: &str, abi: Option<&alloy_json_abi::JsonAbi>) -> Result<Function, String> {
    let signature = name.contains('(');
    let parsed = if signature {
        Some(
            Function::parse(&format!(
                "function {}",
                name.trim_start_matches("function ")
            ))
            .map_err(|e| format!("`{name}` is not a function signature: {e}"))?,
        )
    } else {
        None
    };
    let Some(abi) = abi else {
        return parsed.ok_or_else(|| {
            format!("the target is not a step of this plan, so `call` needs the full signature, e.g. `{name}(address,uint256)`")
        });
    };
    match parsed {
        Some(wanted) => abi
            .functions()
            .find(|f| f.selector() == wanted.selector())
            .cloned()
            .ok_or_else(|| format!("the target's ABI has no function {}", wanted.signature())),
        None => {
            let found: Vec<&Function> = abi.functions().filter(|f| f.name == name).collect();
            match found.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(format!(
                    "the target's ABI has no function `{name}` (it has: {})",
                    abi.functions()
                        .map(|f| f.name.as_str())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                many => Err(format!(
                    "`{name}` is overloaded: write one of {}",
                    many.iter()
                        .map(|f| f.signature())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

impl Plan {
    /// Checks the plan against `artifacts` and orders it into levels.
    pub fn check(mut self, artifacts: &Artifacts) -> Result<CheckedPlan, PlanErrors> {
        let mut errors = Vec::new();
        let mut steps = std::mem::take(&mut self.steps);
        for step in &mut steps {
            let mut problems = Vec::new();
            for arg in &mut step.args {
                if let Expr::Calldata(call) = arg {
                    match artifacts
                        .find(&call.artifact)
                        .map_err(|e| e.to_string())
                        .and_then(|a| function(&call.function, Some(&a.abi)))
                    {
                        Ok(found) => call.resolved = Some(found),
                        Err(m) => problems.push(format!("`{}`: {m}", call.function)),
                    }
                }
            }
            errors.extend(problems.into_iter().map(|m| error(&self, step, m)));
        }
        self.steps = steps;
        let deploys: BTreeMap<&str, &Step> = self
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Deploy { .. }))
            .map(|s| (s.id.as_str(), s))
            .collect();
        let ids: BTreeSet<&str> = self.steps.iter().map(|s| s.id.as_str()).collect();
        // Placeholder addresses: types are checked before anything exists.
        let mut names: encode::Names = self.accounts.clone();
        names.insert("deployer".into(), Address::repeat_byte(0xde));
        for id in deploys.keys() {
            names.insert((*id).to_owned(), Address::repeat_byte(0xaa));
        }
        for step in &self.steps {
            if let StepRole::Proxy {
                kind: super::ProxyKind::Transparent,
                ..
            } = step.role
            {
                names.insert(super::admin_name(&step.id), Address::repeat_byte(0xad));
            }
        }

        let mut checked = Vec::new();
        for step in &self.steps {
            let mut refs = Vec::new();
            step.args.iter().for_each(|a| a.refs(&mut refs));
            if let Some(v) = &step.value {
                v.refs(&mut refs);
            }
            match &step.action {
                Action::Deploy { libraries, .. } => {
                    libraries.values().for_each(|l| l.refs(&mut refs))
                }
                Action::Call { to, .. } => to.refs(&mut refs),
            }
            refs.sort();
            refs.dedup();
            // Undefined names are reported once, not again by each check
            // that meets them.
            let undefined = refs.iter().any(|name| !names.contains_key(name));
            let (artifact, function) = match &step.action {
                Action::Deploy {
                    artifact,
                    libraries,
                    ..
                } => match artifacts.find(artifact) {
                    Err(m) => {
                        errors.push(error(&self, step, m.to_string()));
                        (None, None)
                    }
                    Ok(found) if found.bytecode.is_empty() => {
                        errors.push(error(
                            &self,
                            step,
                            format!(
                                "{} is abstract or an interface: it has no code to deploy",
                                found.id
                            ),
                        ));
                        (None, None)
                    }
                    Ok(found) => {
                        let needed = found.needed_libraries();
                        for lib in &needed {
                            let short = lib.rsplit(':').next().unwrap_or(lib);
                            if !libraries.contains_key(lib) && !libraries.contains_key(short) {
                                errors.push(error(&self, step, format!("{} needs library {lib}: add `libraries = {{ {short} = \"@…\" }}`", found.id)));
                            }
                        }
                        for given in libraries.keys() {
                            if !needed
                                .iter()
                                .any(|n| n == given || n.rsplit(':').next() == Some(given))
                            {
                                errors.push(error(
                                    &self,
                                    step,
                                    format!("{} does not use a library `{given}`", found.id),
                                ));
                            }
                        }
                        for (name, lib) in libraries.iter().filter(|_| !undefined) {
                            if let Err(m) =
                                encode::value(lib, &alloy_dyn_abi::DynSolType::Address, &names)
                            {
                                errors.push(error(&self, step, format!("library {name}: {m}")));
                            }
                        }
                        (Some(found.clone()), None)
                    }
                },
                Action::Call { function: name, to } => {
                    let upgrade = matches!(step.role, StepRole::Upgrade { .. });
                    let target_abi = match to {
                        _ if upgrade => None,
                        Expr::Ref(id) => deploys.get(id.as_str()).and_then(|d| match &d.action {
                            Action::Deploy { artifact, .. } => {
                                artifacts.find(artifact).ok().map(|a| &a.abi)
                            }
                            Action::Call { .. } => None,
                        }),
                        _ => None,
                    };
                    let target_known = !upgrade
                        && matches!(to, Expr::Ref(id) if deploys.contains_key(id.as_str()));
                    let to_undefined = matches!(to, Expr::Ref(id) if !names.contains_key(id));
                    if (target_known && target_abi.is_none()) || to_undefined {
                        // The target's artifact is missing: reported at its own step.
                        (None, None)
                    } else {
                        if let Err(m) =
                            encode::value(to, &alloy_dyn_abi::DynSolType::Address, &names)
                        {
                            errors.push(error(&self, step, format!("`to`: {m}")));
                        }
                        match function(name, target_abi) {
                            Ok(f) => (None, Some(f)),
                            Err(m) => {
                                errors.push(error(&self, step, m));
                                (None, None)
                            }
                        }
                    }
                }
            };
            for name in &refs {
                if !names.contains_key(name) {
                    let message = if ids.contains(name.as_str()) {
                        format!(
                            "`@{name}` is a call step: it has no address; to wait for it write `after = [\"{name}\"]`"
                        )
                    } else {
                        format!(
                            "`@{name}` is not defined: no deploy step has this id and no account this name (accounts: deployer{})",
                            self.accounts
                                .keys()
                                .map(|k| format!(", {k}"))
                                .collect::<String>()
                        )
                    };
                    errors.push(error(&self, step, message));
                }
            }
            for name in &step.after {
                if !ids.contains(name.as_str()) {
                    errors.push(error(
                        &self,
                        step,
                        format!("`after` names `{name}`, which is not a step of this plan"),
                    ));
                }
            }
            let checked_step = CheckedStep {
                step: step.clone(),
                artifact,
                function,
            };
            // An initializer not found is reported once, above.
            let unresolved = step
                .args
                .iter()
                .any(|a| matches!(a, Expr::Calldata(c) if c.resolved.is_none()));
            if !undefined
                && !unresolved
                && (checked_step.artifact.is_some() || checked_step.function.is_some())
            {
                if let Err(m) = encode::arguments(checked_step.params(), &step.args, &names) {
                    errors.push(error(&self, step, m));
                }
                if let Err(m) = encode::wei(step.value.as_ref(), &names) {
                    errors.push(error(&self, step, format!("`value`: {m}")));
                }
            }
            checked.push(checked_step);
        }
        let levels = match levels(&self.steps, &ids) {
            Ok(levels) => levels,
            Err((at, cycle)) => {
                errors.push(error(
                    &self,
                    &self.steps[at],
                    format!("the steps form a cycle: {}", cycle.join(" → ")),
                ));
                Vec::new()
            }
        };
        if errors.is_empty() {
            let transparent = self.steps.iter().any(|s| {
                matches!(
                    s.role,
                    StepRole::Proxy {
                        kind: super::ProxyKind::Transparent,
                        ..
                    }
                )
            });
            // Beside the transparent proxy the plan deploys.
            let proxy_admin = transparent
                .then(|| {
                    checked
                        .iter()
                        .find_map(|c| match (&c.step.role, &c.artifact) {
                            (
                                StepRole::Proxy {
                                    kind: super::ProxyKind::Transparent,
                                    ..
                                },
                                Some(proxy),
                            ) => {
                                let admin = proxy.id.replace(
                                    "TransparentUpgradeableProxy.sol:TransparentUpgradeableProxy",
                                    "ProxyAdmin.sol:ProxyAdmin",
                                );
                                artifacts.find(&admin).ok().cloned()
                            }
                            _ => None,
                        })
                })
                .flatten();
            Ok(CheckedPlan {
                plan: self,
                steps: checked,
                levels,
                proxy_admin,
            })
        } else {
            errors.sort_by_key(|e| e.line);
            errors.dedup();
            Err(PlanErrors(errors))
        }
    }
}

/// Steps grouped by the length of their longest dependency chain; a cycle
/// is returned as the step where it was found and its path.
fn levels(steps: &[Step], ids: &BTreeSet<&str>) -> Result<Vec<Vec<usize>>, (usize, Vec<String>)> {
    let index: BTreeMap<&str, usize> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = steps
        .iter()
        .map(|s| {
            s.dependencies()
                .iter()
                .filter(|d| ids.contains(d.as_str()))
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect()
        })
        .collect();
    let mut level: Vec<Option<usize>> = vec![None; steps.len()];
    fn visit(
        i: usize,
        deps: &[Vec<usize>],
        level: &mut [Option<usize>],
        path: &mut Vec<usize>,
    ) -> Result<usize, Vec<usize>> {
        if let Some(l) = level[i] {
            return Ok(l);
        }
        if let Some(start) = path.iter().position(|&p| p == i) {
            let mut cycle = path[start..].to_vec();
            cycle.push(i);
            return Err(cycle);
        }
        path.push(i);
        let mut l = 0;
        for &d in &deps[i] {
            l = l.max(visit(d, deps, level, path)? + 1);
        }
        path.pop();
        level[i] = Some(l);
        Ok(l)
    }
    for i in 0..steps.len() {
        visit(i, &deps, &mut level, &mut Vec::new()).map_err(|cycle| {
            (
                cycle[0],
                cycle
                    .iter()
                    .map(|&c| steps[c].id.clone())
                    .collect::<Vec<_>>(),
            )
        })?;
    }
    let depth = level.iter().flatten().max().map_or(0, |m| m + 1);
    let mut levels = vec![Vec::new(); depth];
    for (i, l) in level.iter().enumerate() {
        if let Some(l) = l {
            levels[*l].push(i);
        }
    }
    Ok(levels)
}
