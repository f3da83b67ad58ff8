//! What deploy and verify read of the build: the code of the contracts a
//! plan deploys and the environment's records name, nothing of the rest
//! (the artifact index answers names and ABIs). Handed to the build, so
//! that an artifact that does not read back sends it down the full path
//! before anything is sent.

use std::path::Path;

use slipway_config::{Config, Environment};
use slipway_contracts::{names_contract, read_records};
use slipway_solc::{BuiltContract, Need};

use crate::plan::{Action, Plan, find_plan};

/// The contracts `deploy` of `plan` (the default plan when `None`) to
/// `env` reads: those its steps deploy and those the environment's
/// records name (they are verified after the plan). A plan that cannot be
/// read asks for nothing: `deploy` reports it.
pub fn deploy_need(
    config: &Config,
    env: &Environment,
    plan: Option<&Path>,
) -> impl Fn(&BuiltContract) -> Need + use<> {
    let mut wanted: Vec<String> = find_plan(&config.root, plan)
        .ok()
        .and_then(|file| Plan::load(&config.root, &file, env, config.vars()).ok())
        .map(|plan| {
            plan.steps
                .into_iter()
                .filter_map(|step| match step.action {
                    Action::Deploy { artifact, .. } => Some(artifact),
                    Action::Call { .. } => None,
                })
                .collect()
        })
        .unwrap_or_default();
    wanted.extend(recorded(config, env, &[]));
    need_of(wanted)
}

/// The contracts `verify` of `names` (every record when empty) in `env`
/// reads.
pub fn verify_need(
    config: &Config,
    env: &Environment,
    names: &[String],
) -> impl Fn(&BuiltContract) -> Need + use<> {
    need_of(recorded(config, env, names))
}

/// The contracts of `env`'s records named in `names` (all when empty);
/// records that cannot be read name none (the command reports them).
fn recorded(config: &Config, env: &Environment, names: &[String]) -> Vec<String> {
    read_records(&config.root, &env.name)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| names.is_empty() || names.contains(&r.name))
        .map(|r| r.contract)
        .collect()
}

fn need_of(wanted: Vec<String>) -> impl Fn(&BuiltContract) -> Need + use<> {
    move |contract: &BuiltContract| {
        let id = contract.id();
        match wanted
            .iter()
            .any(|w| names_contract(w, &id, &contract.name))
        {
            true => Need::Code,
            false => Need::Nothing,
        }
    }
}
