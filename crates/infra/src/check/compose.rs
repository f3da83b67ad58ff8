//! A compose file's services against the rules: privileged mode, limits
//! (2.x keys or `deploy.resources.limits`), a read-only root, dropped
//! capabilities, no-new-privileges, a user, ports bound to 127.0.0.1, a
//! health check, secrets in plain values; and an internal network in the
//! file.

use std::path::Path;

use slipway_analyze::Finding;

use super::{
    rules::{self, finding, is_root, literal, secret_name},
    yaml::{Node, at, entries, get, items, text, truthy},
};

/// Whether a published port reaches beyond this machine: no host address,
/// or 0.0.0.0 / `::`.
fn public_port(spec: &str) -> bool {
    let spec = spec.split('/').next().unwrap_or_default();
    // `[::1]:8545:8545`, `127.0.0.1:8545:8545`, `8545:8545`, `8545`.
    let host = if let Some(rest) = spec.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default().to_owned()
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() >= 3 {
            parts[0].to_owned()
        } else {
            String::new()
        }
    };
    host.is_empty() || host == "0.0.0.0" || host == "::"
}

/// The findings of the compose file `path`, whose root is `root`.
pub(crate) fn check(path: &Path, root: &Node<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    let Some(services) = get(root, "services") else {
        return found;
    };
    let internal = get(root, "networks")
        .map(|n| {
            entries(n)
                .iter()
                .any(|(_, net)| truthy(get(net, "internal")))
        })
        .unwrap_or(false);
    if !internal {
        found.push(finding(
            rules::NO_INTERNAL_NETWORK,
            path,
            at(services),
            "no network of this file is `internal: true`: every service can reach, and be reached from, outside".into(),
            "networks",
        ));
    }
    for (name, service) in entries(services) {
        found.extend(service_findings(path, &name, service));
    }
    found
}

fn service_findings(path: &Path, name: &str, service: &Node<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    let here = at(service);
    let mut add = |id: &str, at: (usize, usize), message: String, key: &str| {
        found.push(finding(id, path, at, message, &format!("{name}|{key}")));
    };
    if let Some(privileged) = get(service, "privileged").filter(|p| truthy(Some(p))) {
        add(
            rules::PRIVILEGED,
            at(privileged),
            format!("service `{name}` runs privileged"),
            "privileged",
        );
    }
    let limits = get(service, "deploy")
        .and_then(|d| get(d, "resources"))
        .and_then(|r| get(r, "limits"));
    let memory = get(service, "mem_limit").or_else(|| limits.and_then(|l| get(l, "memory")));
    let cpus = get(service, "cpus").or_else(|| limits.and_then(|l| get(l, "cpus")));
    if memory.is_none() || cpus.is_none() {
        let missing = match (memory.is_none(), cpus.is_none()) {
            (true, true) => "a CPU or a memory limit",
            (true, false) => "a memory limit",
            _ => "a CPU limit",
        };
        add(
            rules::NO_LIMITS,
            here,
            format!("service `{name}` has no {missing}"),
            "limits",
        );
    }
    if !truthy(get(service, "read_only")) {
        add(
            rules::WRITABLE_ROOT,
            get(service, "read_only").map_or(here, at),
            format!(
                "service `{name}` has a writable root filesystem (`read_only: true` is not set)"
            ),
            "read_only",
        );
    }
    let drops_all = get(service, "cap_drop")
        .map(|d| {
            items(d)
                .iter()
                .filter_map(text)
                .any(|c| c.eq_ignore_ascii_case("ALL"))
        })
        .unwrap_or(false);
    if !drops_all {
        add(
            rules::CAPABILITIES,
            get(service, "cap_drop").map_or(here, at),
            format!("service `{name}` does not drop all capabilities (`cap_drop: [ALL]`)"),
            "cap_drop",
        );
    }
    let no_new = get(service, "security_opt")
        .map(|o| {
            items(o).iter().filter_map(text).any(|opt| {
                let opt = opt.replace('=', ":");
                opt == "no-new-privileges" || opt == "no-new-privileges:true"
            })
        })
        .unwrap_or(false);
    if !no_new {
        add(
            rules::NEW_PRIVILEGES,
            get(service, "security_opt").map_or(here, at),
            format!("service `{name}` does not set `no-new-privileges:true`"),
            "security_opt",
        );
    }
    match get(service, "user").and_then(|u| text(u).map(|t| (u, t))) {
        Some((node, user)) if is_root(&user) => add(
            rules::ROOT_USER,
            at(node),
            format!("service `{name}` runs as `{user}`"),
            "user",
        ),
        Some(_) => {}
        None => add(
            rules::ROOT_USER,
            here,
            format!(
                "service `{name}` names no user: it runs as root unless its image says otherwise; set `user:`"
            ),
            "user",
        ),
    }
    if let Some(ports) = get(service, "ports") {
        for port in items(ports) {
            let (public, shown) = match text(port) {
                Some(spec) => (public_port(&spec), spec),
                None => {
                    let host = get(port, "host_ip").and_then(text).unwrap_or_default();
                    let published = get(port, "published").and_then(text).unwrap_or_default();
                    (
                        host.is_empty() || host == "0.0.0.0" || host == "::",
                        format!("{published} (host_ip {host:?})"),
                    )
                }
            };
            if public {
                add(
                    rules::PUBLIC_PORT,
                    at(port),
                    format!(
                        "service `{name}` publishes {shown} on every interface: bind it to 127.0.0.1"
                    ),
                    &format!("port {shown}"),
                );
            }
        }
    }
    let health = get(service, "healthcheck");
    if health.is_none() || truthy(health.and_then(|h| get(h, "disable"))) {
        add(
            rules::NO_HEALTHCHECK,
            health.map_or(here, at),
            format!("service `{name}` has no health check"),
            "healthcheck",
        );
    }
    if let Some(environment) = get(service, "environment") {
        let mut variables: Vec<(String, Option<String>, (usize, usize))> = entries(environment)
            .into_iter()
            .map(|(k, v)| (k, text(v), at(v)))
            .collect();
        variables.extend(items(environment).iter().filter_map(|item| {
            let line = text(item)?;
            let (key, value) = line.split_once('=')?;
            Some((key.to_owned(), Some(value.to_owned()), at(item)))
        }));
        for (key, value, position) in variables {
            if secret_name(&key) && value.as_deref().is_some_and(literal) {
                add(
                    rules::PLAIN_SECRET,
                    position,
                    format!(
                        "service `{name}` sets {key} in the file: reference it (`${{{key}}}`) or read it from a file"
                    ),
                    &format!("env {key}"),
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_ports_are_public_unless_bound_to_loopback() {
        assert!(public_port("8545"));
        assert!(public_port("8545:8545"));
        assert!(public_port("0.0.0.0:8545:8545"));
        assert!(!public_port("127.0.0.1:8545:8545"));
        assert!(!public_port("[::1]:8545:8545/tcp"));
    }
}
