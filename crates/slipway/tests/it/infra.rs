//! Infrastructure: `slipway probe` as a container's health check runs it,
//! against a running `slipway node`.

use crate::common::{self, slipway_node};

fn probe(url: &str) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("slipway")
        .expect("binary")
        .args(["probe", url, "--timeout", "2"])
        .output()
        .expect("probe");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn probe_passes_on_2xx_and_fails_otherwise() {
    let tmp = tempfile::tempdir().expect("tmp");
    let project = common::starter_project(&tmp);
    let (_node, url) = slipway_node(&project, &["--automine"]);
    let (code, said) = probe(&format!("{url}/healthz"));
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("healthy: HTTP 200"), "{said}");
    let (code, said) = probe(&format!("{url}/no-such-page"));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("unhealthy: HTTP 404"), "{said}");
    let port = slipway_testkit::free_port();
    let (code, said) = probe(&format!("http://127.0.0.1:{port}/healthz"));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("connection refused"), "{said}");
}
