//! Where operational state lives, per environment (README, "Where state
//! lives"): one definition that the crates keeping it and `slipway backup`
//! share.

use std::path::{Path, PathBuf};

/// `deployments/<env>`: records, journals, Safe proposals, run records.
pub fn records_dir(root: &Path, env: &str) -> PathBuf {
    root.join("deployments").join(env)
}

/// `incidents/<env>`: incident logs.
pub fn incidents_dir(root: &Path, env: &str) -> PathBuf {
    root.join("incidents").join(env)
}

/// `.slipway/env/<env>/monitor`: the monitor's cursor and outbox.
pub fn monitor_dir(root: &Path, env: &str) -> PathBuf {
    root.join(".slipway").join("env").join(env).join("monitor")
}
