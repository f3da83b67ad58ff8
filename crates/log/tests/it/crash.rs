//! A crash while a torn last line is being cut loses nothing: the cut is a
//! truncation in place, so the file holds either the torn line or not.
//! The crash is real: a child process (this test binary, re-run on one
//! ignored test) aborts at the failpoint.

use slipway_log::{FAILPOINT_CUT_VAR, Log};

use crate::file::{Entry, FORMAT, entries, write};

const CHILD_PATH_VAR: &str = "SLIPWAY_LOG_TEST_CHILD_PATH";

/// The child: opens the log named by the parent (and dies at the
/// failpoint). Run only by `crash_during_the_cut_loses_nothing`.
#[test]
#[ignore = "run as a child process by crash_during_the_cut_loses_nothing"]
fn child_opens_the_log() {
    let path = std::env::var(CHILD_PATH_VAR).expect("run by the parent test");
    let opened = Log::<Entry>::open(std::path::Path::new(&path), &FORMAT);
    panic!("the failpoint should have aborted the process: {opened:?}");
}

#[test]
fn crash_during_the_cut_loses_nothing() {
    for at in ["before", "after"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.log");
        write(&path, &entries(4));
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.extend_from_slice(b"0badc0de {\"n\":4");
        std::fs::write(&path, &bytes).expect("write");
        let status = std::process::Command::new(std::env::current_exe().expect("exe"))
            .args([
                "--exact",
                "crash::child_opens_the_log",
                "--include-ignored",
                "--nocapture",
            ])
            .env(CHILD_PATH_VAR, &path)
            .env(FAILPOINT_CUT_VAR, at)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run child");
        assert!(
            !status.success(),
            "the child must die at the failpoint ({at})"
        );
        let opened = Log::<Entry>::open(&path, &FORMAT).expect("open after the crash");
        assert_eq!(opened.records, entries(4), "crash {at} the cut");
    }
}
