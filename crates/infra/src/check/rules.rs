//! The rules `infra check` enforces (SOP §2.2), and how a finding of one
//! is made.

use std::path::Path;

use slipway_analyze::{Confidence, Finding, RuleSet, SarifRule, Severity};

/// One rule: id, severity, title, what it finds, what to do.
pub(crate) struct Rule {
    pub(crate) id: &'static str,
    pub(crate) severity: Severity,
    pub(crate) title: &'static str,
    pub(crate) what: &'static str,
    pub(crate) help: &'static str,
}

pub(crate) const PRIVILEGED: &str = "infra-privileged";
pub(crate) const NO_LIMITS: &str = "infra-no-limits";
pub(crate) const WRITABLE_ROOT: &str = "infra-writable-root";
pub(crate) const CAPABILITIES: &str = "infra-capabilities";
pub(crate) const NEW_PRIVILEGES: &str = "infra-new-privileges";
pub(crate) const NO_INTERNAL_NETWORK: &str = "infra-no-internal-network";
pub(crate) const PUBLIC_PORT: &str = "infra-public-port";
pub(crate) const NO_HEALTHCHECK: &str = "infra-no-healthcheck";
pub(crate) const PLAIN_SECRET: &str = "infra-plain-secret";
pub(crate) const ROOT_USER: &str = "infra-root-user";
pub(crate) const STATEFUL_SCALING: &str = "infra-stateful-scaling";

pub(crate) const RULES: &[Rule] = &[
    Rule {
        id: PRIVILEGED,
        severity: Severity::High,
        title: "A privileged container",
        what: "The container runs privileged: every device and capability of the host is its own.",
        help: "Remove `privileged` (compose) or `Privileged` (ECS); grant the one capability needed with cap_add instead.",
    },
    Rule {
        id: NO_LIMITS,
        severity: Severity::Medium,
        title: "No CPU or memory limit",
        what: "The container has no CPU or no memory limit (SOP §2.2, §6: 2 GB for development): one runaway process starves the host.",
        help: "Set `cpus` and `mem_limit` (compose 2.x) or `deploy.resources.limits` (3.x), or the task's `Cpu` and `Memory` (ECS).",
    },
    Rule {
        id: WRITABLE_ROOT,
        severity: Severity::Medium,
        title: "A writable root filesystem",
        what: "The container's root filesystem is writable: whoever runs code in it can change its binaries.",
        help: "Set `read_only: true` (compose) or `ReadonlyRootFilesystem: true` (ECS); keep what must last on a volume and the rest on tmpfs.",
    },
    Rule {
        id: CAPABILITIES,
        severity: Severity::Medium,
        title: "Capabilities not dropped",
        what: "The container keeps Docker's default Linux capabilities.",
        help: "Drop them all (`cap_drop: [ALL]`, or `LinuxParameters.Capabilities.Drop: [ALL]` on ECS) and add back only what is needed.",
    },
    Rule {
        id: NEW_PRIVILEGES,
        severity: Severity::Medium,
        title: "New privileges allowed",
        what: "A process in the container may gain privileges (setuid binaries, file capabilities).",
        help: "Add `security_opt: [\"no-new-privileges:true\"]` (compose) or `DockerSecurityOptions: [no-new-privileges]` (ECS on EC2; Fargate offers no such option).",
    },
    Rule {
        id: NO_INTERNAL_NETWORK,
        severity: Severity::Medium,
        title: "No internal network",
        what: "The services share no internal network: every one of them can reach the outside, and is reached through a network that can.",
        help: "Join the services on a network with `internal: true`; put only the published ports and the needed egress on a second one.",
    },
    Rule {
        id: PUBLIC_PORT,
        severity: Severity::High,
        title: "A port open beyond this machine",
        what: "A port is published on every interface (0.0.0.0), or a load balancer or task faces the internet.",
        help: "Bind published ports to 127.0.0.1 (`127.0.0.1:8545:8545`), make load balancers `internal`, and assign no public IP to tasks.",
    },
    Rule {
        id: NO_HEALTHCHECK,
        severity: Severity::Low,
        title: "No health check",
        what: "Nothing checks that the container is healthy (SOP §2.2: health monitoring, every 30 s).",
        help: "Add a health check in exec form: `slipway probe http://127.0.0.1:PORT/healthz` needs no shell.",
    },
    Rule {
        id: PLAIN_SECRET,
        severity: Severity::High,
        title: "A secret in a plain environment value",
        what: "A variable named like a secret (key, password, token, mnemonic) is given its value in the file itself.",
        help: "Reference it (`${VAR}` in compose), read it from a file (`…_FILE`), or take it from Secrets Manager or SSM (`Secrets` on ECS).",
    },
    Rule {
        id: ROOT_USER,
        severity: Severity::High,
        title: "Runs as root",
        what: "The container runs as root, or names no user (and so runs as root unless the image says otherwise).",
        help: "Set a non-root user: `USER 65532:65532` in the Dockerfile, `user:` in compose, `User` on ECS.",
    },
    Rule {
        id: STATEFUL_SCALING,
        severity: Severity::Low,
        title: "A stateful service scaled on CPU",
        what: "A service scales out on CPU: slipway's services are stateful (a chain, a monitor's cursor), and more tasks would start more chains or duplicate cursors.",
        help: "Hold the pair at min = max = 2 and let unhealthy tasks be replaced; scale out with one service per environment or chain.",
    },
];

/// The rules as a SARIF rule set (tag `security`).
pub fn rule_set() -> RuleSet {
    RuleSet {
        tag: "security",
        rules: RULES
            .iter()
            .map(|rule| SarifRule {
                id: rule.id.to_owned(),
                title: rule.title.to_owned(),
                description: rule.what.to_owned(),
                help: rule.help.to_owned(),
                help_markdown: format!("{}\n\n**What to do:** {}", rule.what, rule.help),
                severity: rule.severity,
                confidence: Confidence::High,
            })
            .collect(),
    }
}

/// A finding of rule `id` in `path` at `line`:`column` (1-based), keyed by
/// `key` (what it is about, not where: the fingerprint survives edits
/// elsewhere in the file).
pub(crate) fn finding(
    id: &str,
    path: &Path,
    at: (usize, usize),
    message: String,
    key: &str,
) -> Finding {
    let severity = RULES
        .iter()
        .find(|r| r.id == id)
        .map_or(Severity::Medium, |r| r.severity);
    Finding::at(id, severity, path, at, message, key)
}

/// Whether an environment variable's name says it holds a secret (a name
/// ending in `_FILE` holds a path to one).
pub(crate) fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("_FILE") {
        return false;
    }
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "PRIVATE_KEY",
        "API_KEY",
        "APIKEY",
        "TOKEN",
        "MNEMONIC",
        "ACCESS_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// Whether a value is given in the file itself (not a `${VAR}` / `$VAR`
/// reference, and not empty).
pub(crate) fn literal(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && !value.starts_with('$')
}

/// Whether a user is root (`root`, `0`, `0:…`, `root:…`).
pub(crate) fn is_root(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or_default();
    name == "root" || name == "0"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_references_and_root_are_told_apart() {
        assert!(secret_name("DEPLOYER_PRIVATE_KEY"));
        assert!(secret_name("etherscan_api_key"));
        assert!(!secret_name("GF_SECURITY_ADMIN_PASSWORD__FILE"));
        assert!(!secret_name("RPC_URL"));
        assert!(literal("0xac09"));
        assert!(!literal("${DEPLOYER_KEY}"));
        assert!(!literal(""));
        assert!(is_root("root") && is_root("0:0") && !is_root("65532:65532"));
        assert_eq!(rule_set().rules.len(), RULES.len());
    }
}
