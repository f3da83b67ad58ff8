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

/// `slipway infra check ARGS --json` at `root`: exit code and findings as
/// `(rule, file, line)`.
fn infra_check(root: &std::path::Path, args: &[&str]) -> (Option<i32>, Vec<(String, String, u64)>) {
    let out = common::slipway(root)
        .args(["infra", "check", "--json"])
        .args(args)
        .output()
        .expect("infra check");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let findings = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().expect("id").to_owned(),
                f["path"].as_str().expect("path").to_owned(),
                f["line"].as_u64().expect("line"),
            )
        })
        .collect();
    (out.status.code(), findings)
}

#[test]
fn the_shipped_infrastructure_passes_infra_check() {
    let (code, findings) = infra_check(&repository(), &[]);
    assert_eq!(code, Some(0), "{findings:?}");
    assert!(findings.is_empty());
}

const BAD_DOCKERFILE: &str = "FROM rust:1 AS build\nRUN cargo build\n\nFROM debian:12\nENV API_TOKEN=abc123 \\\n    LOG=info\nUSER root\n";

const BAD_COMPOSE: &str = r#"version: "2.4"
services:
  node:
    image: slipway:local
    privileged: true
    user: root
    ports:
      - "8545:8545"
      - "127.0.0.1:9464:9464"
    environment:
      DEPLOYER_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
      RPC_URL: http://node:8545
      ETHERSCAN_API_KEY: ${ETHERSCAN_API_KEY}
networks:
  front: {}
"#;

const BAD_TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [EC2]
      ContainerDefinitions:
        - Name: monitor
          Image: slipway:local
          Privileged: true
          Environment:
            - Name: SAFE_API_KEY
              Value: plain-text-key
            - Name: RPC_URL
              Value: !Ref RpcUrl
  Balancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
  Scaling:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 50
        PredefinedMetricSpecification:
          PredefinedMetricType: ECSServiceAverageCPUUtilization
"#;

const BAD_TASK_JSON: &str = r#"{
  "family": "monitor",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "1024",
  "memory": "2048",
  "containerDefinitions": [
    {
      "name": "monitor",
      "image": "slipway:local",
      "user": "65532:65532",
      "readonlyRootFilesystem": false
    }
  ]
}
"#;

#[test]
fn each_planted_violation_is_found_with_its_file_and_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    std::fs::create_dir_all(root.join("deploy/ecs")).expect("dirs");
    std::fs::write(root.join("Dockerfile"), BAD_DOCKERFILE).expect("write");
    std::fs::write(root.join("docker-compose.yml"), BAD_COMPOSE).expect("write");
    std::fs::write(root.join("deploy/stack.yaml"), BAD_TEMPLATE).expect("write");
    std::fs::write(root.join("deploy/ecs/task.json"), BAD_TASK_JSON).expect("write");
    // Not infrastructure: left alone.
    std::fs::write(root.join("deploy/dashboard.json"), "{\"panels\": []}").expect("write");
    let (code, found) = infra_check(root, &["Dockerfile", "docker-compose.yml", "deploy"]);
    assert_eq!(code, Some(1));
    let has = |rule: &str, file: &str, line: u64| {
        found
            .iter()
            .any(|(r, f, l)| r == rule && f == file && *l == line)
    };
    let expected: &[(&str, &str, u64)] = &[
        // The final stage: from its FROM, its USER, its ENV.
        ("infra-no-healthcheck", "Dockerfile", 4),
        ("infra-plain-secret", "Dockerfile", 5),
        ("infra-root-user", "Dockerfile", 7),
        ("infra-no-internal-network", "docker-compose.yml", 3),
        ("infra-privileged", "docker-compose.yml", 5),
        ("infra-root-user", "docker-compose.yml", 6),
        ("infra-public-port", "docker-compose.yml", 8),
        ("infra-plain-secret", "docker-compose.yml", 11),
        ("infra-no-limits", "docker-compose.yml", 4),
        ("infra-writable-root", "docker-compose.yml", 4),
        ("infra-capabilities", "docker-compose.yml", 4),
        ("infra-new-privileges", "docker-compose.yml", 4),
        ("infra-no-healthcheck", "docker-compose.yml", 4),
        ("infra-privileged", "deploy/stack.yaml", 10),
        ("infra-plain-secret", "deploy/stack.yaml", 12),
        ("infra-new-privileges", "deploy/stack.yaml", 8),
        ("infra-no-limits", "deploy/stack.yaml", 8),
        ("infra-root-user", "deploy/stack.yaml", 8),
        ("infra-public-port", "deploy/stack.yaml", 19),
        ("infra-stateful-scaling", "deploy/stack.yaml", 27),
        ("infra-writable-root", "deploy/ecs/task.json", 11),
        ("infra-capabilities", "deploy/ecs/task.json", 7),
        ("infra-no-healthcheck", "deploy/ecs/task.json", 7),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(rule, file, line)| !has(rule, file, *line))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?}\nfound {found:#?}");
    // A reference is no plain secret, and a bound port is not public;
    // Fargate is not asked for no-new-privileges it cannot set.
    assert!(
        !found
            .iter()
            .any(|(r, f, l)| r == "infra-plain-secret" && f == "docker-compose.yml" && *l == 13)
    );
    assert!(
        !found
            .iter()
            .any(|(r, f, l)| r == "infra-public-port" && f == "docker-compose.yml" && *l == 9)
    );
    assert!(
        !found
            .iter()
            .any(|(r, f, _)| r == "infra-new-privileges" && f == "deploy/ecs/task.json")
    );
    assert!(!found.iter().any(|(_, f, _)| f.contains("dashboard")));
    // Saved on Windows (a BOM, CRLF): the same findings, on the same lines.
    std::fs::write(
        root.join("windows.yml"),
        format!("\u{feff}{}", BAD_COMPOSE.replace('\n', "\r\n")),
    )
    .expect("write");
    std::fs::write(
        root.join("Windows.Dockerfile"),
        format!("\u{feff}{}", BAD_DOCKERFILE.replace('\n', "\r\n")),
    )
    .expect("write");
    let (_, windows) = infra_check(root, &["windows.yml", "Windows.Dockerfile"]);
    let lines = |file: &str, of: &[(String, String, u64)]| {
        let mut lines: Vec<(String, u64)> = of
            .iter()
            .filter(|(_, f, _)| f == file)
            .map(|(r, _, l)| (r.clone(), *l))
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(
        lines("windows.yml", &windows),
        lines("docker-compose.yml", &found)
    );
    assert_eq!(
        lines("Windows.Dockerfile", &windows),
        lines("Dockerfile", &found)
    );

    // SARIF for code scanning: every finding a result with its location.
    let sarif = root.join("infra.sarif");
    common::slipway(root)
        .args(["infra", "check", "Dockerfile", "--sarif"])
        .arg(&sarif)
        .assert()
        .code(1);
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    }));
}
