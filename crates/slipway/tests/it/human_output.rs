//! Snapshots of the human output of the commands people read most: what
//! `test`, `build --sizes`, `coverage`, `deploy --dry-run`, `deployments`
//! and `verify` print on stdout, for the starter project and the deploy
//! fixture. A change of wording or layout shows up here as a diff to
//! review (`cargo insta review`); temporary paths and timings are masked.

use std::path::Path;

use crate::common::{slipway, starter_project};

/// stdout of `slipway ARGS` in `dir`, which must exit with `code`.
fn stdout(dir: &Path, args: &[&str], code: i32) -> String {
    let out = slipway(dir).args(args).output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Masks what differs between runs: temporary directories and durations.
fn masked(f: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    settings.add_filter(r"\b\d+(\.\d+)?(ns|µs|ms|s)\b", "[TIME]");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(f);
}

#[test]
fn starter_project_test_sizes_and_coverage() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = starter_project(&tmp);
    masked(|| {
        insta::assert_snapshot!(
            "starter_test",
            stdout(&dir, &["test", "--fuzz-seed", "1"], 0)
        );
        insta::assert_snapshot!(
            "starter_build_sizes",
            stdout(&dir, &["build", "--sizes"], 0)
        );
        insta::assert_snapshot!(
            "starter_coverage",
            stdout(
                &dir,
                &["coverage", "--report", "summary", "--fuzz-seed", "1"],
                0
            )
        );
    });
}

#[test]
fn deploy_fixture_dry_run_deployments_and_verify() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = crate::deploy::project(&tmp);
    masked(|| {
        insta::assert_snapshot!("deploy_dry_run", stdout(&dir, &["deploy", "--dry-run"], 0));
        stdout(&dir, &["deploy"], 0);
        insta::assert_snapshot!("deployments", stdout(&dir, &["deployments"], 0));
        insta::assert_snapshot!("verify", stdout(&dir, &["verify"], 0));
    });
}
