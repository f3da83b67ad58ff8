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

fn repository() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `program` with `args` in the repository; its exit code and output.
fn tool(program: &str, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(repository())
        .output()
        .unwrap_or_else(|e| panic!("{program} is installed by scripts/test: {e}"));
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_shipped_infrastructure_passes_hadolint_docker_compose_and_cfn_lint() {
    let (code, said) = tool("hadolint", &["infra/Dockerfile"]);
    assert_eq!(code, Some(0), "hadolint: {said}");
    let (code, said) = tool(
        "docker-compose",
        &["-f", "infra/docker-compose.yml", "config", "-q"],
    );
    assert_eq!(code, Some(0), "docker-compose: {said}");
    let (code, said) = tool("cfn-lint", &["infra/aws/slipway.yaml"]);
    assert_eq!(code, Some(0), "cfn-lint: {said}");
    // Each of them can fail: a planted mistake is reported.
    let tmp = tempfile::tempdir().expect("tmp");
    let broken = tmp.path().join("Dockerfile");
    std::fs::write(&broken, "FROM debian:latest\nRUN apt-get install curl\n").expect("write");
    let (code, _) = tool("hadolint", &[broken.to_str().expect("utf-8")]);
    assert_ne!(
        code,
        Some(0),
        "hadolint finds an unpinned image and apt-get"
    );
}
