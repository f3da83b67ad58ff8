//! Running the `slipway` binary in the CLI tests.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `slipway --root ROOT --color never`, without the caller's RUST_LOG.
pub fn slipway(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("slipway").expect("binary");
    cmd.arg("--root")
        .arg(root)
        .arg("--color")
        .arg("never")
        .env_remove("RUST_LOG");
    cmd
}

/// A starter project (`slipway init --no-install`) at `tmp/p`.
pub fn starter_project(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = tmp.path().join("p");
    Command::cargo_bin("slipway")
        .expect("binary")
        .args(["init", "--no-install"])
        .arg(&dir)
        .assert()
        .success();
    dir
}
