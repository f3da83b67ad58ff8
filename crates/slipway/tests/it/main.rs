//! The integration tests of the slipway binary, as one test binary (one link of
//! revm, alloy and the rest instead of one per file).

mod account;
mod analyze;
mod anvil;
mod audit;
mod backup;
mod call;
mod cli;
mod common;
mod deploy;
mod deploy_bridge;
mod fork;
mod foundry_projects;
mod foundry_suite;
mod human_output;
mod infra;
mod layout;
mod library_flow;
mod lint;
mod monitor;
mod node;
mod ops;
mod protection;
mod proxies;
mod safe;
mod safe_deploy;
mod test_cli;
mod upgrades;
mod verify;
mod warm_builds;
