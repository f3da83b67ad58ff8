//! ECS task definitions — in a CloudFormation template, or as the JSON
//! `aws ecs register-task-definition` takes — against the rules, knowing
//! the launch type: Fargate allows neither `Privileged` nor
//! `DockerSecurityOptions`, so no-new-privileges is not asked of it. Also:
//! internet-facing load balancers, public IPs on tasks, and scaling on CPU
//! (slipway's services are stateful).

use std::path::Path;

use slipway_analyze::Finding;

use super::{
    rules::{self, finding, is_root, literal, secret_name},
    yaml::{Node, at, entries, get, get_any, is_tagged, items, text, truthy},
};

/// A property in CloudFormation's spelling or the ECS JSON's.
fn prop<'n, 'a>(node: &'n Node<'a>, name: &str) -> Option<&'n Node<'a>> {
    let mut camel = name.to_owned();
    if let Some(first) = camel.get(..1) {
        let lower = first.to_ascii_lowercase();
        camel.replace_range(..1, &lower);
    }
    get_any(node, &[name, &camel])
}

/// The findings of a CloudFormation template (`root` has `Resources`).
pub(crate) fn check_template(path: &Path, root: &Node<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    let Some(resources) = get(root, "Resources") else {
        return found;
    };
    for (name, resource) in entries(resources) {
        let kind = get(resource, "Type").and_then(text).unwrap_or_default();
        let properties = get(resource, "Properties");
        match (kind.as_str(), properties) {
            ("AWS::ECS::TaskDefinition", Some(properties)) => {
                found.extend(check_task(path, &name, properties));
            }
            ("AWS::ElasticLoadBalancingV2::LoadBalancer", Some(properties)) => {
                if let Some(scheme) = get(properties, "Scheme")
                    .filter(|s| text(s).as_deref() == Some("internet-facing"))
                {
                    found.push(finding(
                        rules::PUBLIC_PORT,
                        path,
                        at(scheme),
                        format!("load balancer `{name}` faces the internet: make it `internal`"),
                        &format!("{name}|scheme"),
                    ));
                }
            }
            ("AWS::ECS::Service", Some(properties)) => {
                let public = get(properties, "NetworkConfiguration")
                    .and_then(|n| get(n, "AwsvpcConfiguration"))
                    .and_then(|a| get(a, "AssignPublicIp"))
                    .filter(|p| text(p).as_deref() == Some("ENABLED"));
                if let Some(public) = public {
                    found.push(finding(
                        rules::PUBLIC_PORT,
                        path,
                        at(public),
                        format!("service `{name}` gives its tasks public IPs"),
                        &format!("{name}|public-ip"),
                    ));
                }
            }
            ("AWS::ApplicationAutoScaling::ScalingPolicy", Some(properties)) => {
                let metric = get(properties, "TargetTrackingScalingPolicyConfiguration")
                    .and_then(|c| get(c, "PredefinedMetricSpecification"))
                    .and_then(|m| get(m, "PredefinedMetricType"))
                    .filter(|m| text(m).as_deref() == Some("ECSServiceAverageCPUUtilization"));
                if let Some(metric) = metric {
                    found.push(finding(
                        rules::STATEFUL_SCALING,
                        path,
                        at(metric),
                        format!("scaling policy `{name}` scales a service on CPU: a stateful slipway service would gain chains or duplicate cursors"),
                        &format!("{name}|cpu"),
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

/// The findings of one task definition (its `Properties`, or an ECS JSON
/// file's root), called `name`.
pub(crate) fn check_task(path: &Path, name: &str, task: &Node<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    let fargate = prop(task, "RequiresCompatibilities")
        .map(|c| items(c).iter().filter_map(text).any(|t| t == "FARGATE"))
        .unwrap_or(false);
    let task_limits = prop(task, "Cpu").is_some() && prop(task, "Memory").is_some();
    let Some(containers) = prop(task, "ContainerDefinitions") else {
        return found;
    };
    for container in items(containers) {
        let cname = prop(container, "Name")
            .and_then(text)
            .unwrap_or_else(|| "?".into());
        let here = at(container);
        let mut add = |id: &str, at: (usize, usize), message: String, key: &str| {
            found.push(finding(
                id,
                path,
                at,
                message,
                &format!("{name}|{cname}|{key}"),
            ));
        };
        if let Some(p) = prop(container, "Privileged").filter(|p| truthy(Some(p))) {
            add(
                rules::PRIVILEGED,
                at(p),
                format!("container `{cname}` runs privileged"),
                "privileged",
            );
        }
        let container_limits =
            prop(container, "Cpu").is_some() && prop(container, "Memory").is_some();
        if !task_limits && !container_limits {
            add(
                rules::NO_LIMITS,
                here,
                format!("container `{cname}` has no CPU and memory set (task or container)"),
                "limits",
            );
        }
        if !truthy(prop(container, "ReadonlyRootFilesystem")) {
            add(
                rules::WRITABLE_ROOT,
                prop(container, "ReadonlyRootFilesystem").map_or(here, at),
                format!(
                    "container `{cname}` has a writable root filesystem (`ReadonlyRootFilesystem: true` is not set)"
                ),
                "readonly",
            );
        }
        let drops_all = prop(container, "LinuxParameters")
            .and_then(|l| prop(l, "Capabilities"))
            .and_then(|c| prop(c, "Drop"))
            .map(|d| items(d).iter().filter_map(text).any(|c| c == "ALL"))
            .unwrap_or(false);
        if !drops_all {
            add(
                rules::CAPABILITIES,
                here,
                format!(
                    "container `{cname}` does not drop all capabilities (LinuxParameters.Capabilities.Drop: [ALL])"
                ),
                "capabilities",
            );
        }
        // Fargate offers no DockerSecurityOptions: nothing to ask of it.
        let no_new = prop(container, "DockerSecurityOptions")
            .map(|o| {
                items(o)
                    .iter()
                    .filter_map(text)
                    .any(|t| t.starts_with("no-new-privileges"))
            })
            .unwrap_or(false);
        if !fargate && !no_new {
            add(
                rules::NEW_PRIVILEGES,
                here,
                format!(
                    "container `{cname}` does not set DockerSecurityOptions: [no-new-privileges]"
                ),
                "no-new-privileges",
            );
        }
        match prop(container, "User") {
            Some(user) if text(user).is_some_and(|u| is_root(&u)) => add(
                rules::ROOT_USER,
                at(user),
                format!("container `{cname}` runs as root"),
                "user",
            ),
            Some(_) => {}
            None => add(
                rules::ROOT_USER,
                here,
                format!(
                    "container `{cname}` names no User: it runs as root unless its image says otherwise"
                ),
                "user",
            ),
        }
        if prop(container, "HealthCheck").is_none() {
            add(
                rules::NO_HEALTHCHECK,
                here,
                format!("container `{cname}` has no HealthCheck"),
                "healthcheck",
            );
        }
        if let Some(environment) = prop(container, "Environment") {
            for variable in items(environment) {
                let key = prop(variable, "Name").and_then(text).unwrap_or_default();
                let value = prop(variable, "Value");
                let plain = value
                    .filter(|v| !is_tagged(v))
                    .and_then(text)
                    .is_some_and(|v| literal(&v));
                if secret_name(&key) && plain {
                    add(
                        rules::PLAIN_SECRET,
                        at(variable),
                        format!(
                            "container `{cname}` sets {key} in plain text: take it from Secrets Manager or SSM (`Secrets`)"
                        ),
                        &format!("env {key}"),
                    );
                }
            }
        }
    }
    found
}
