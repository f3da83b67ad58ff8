//! The initializer checks, as OpenZeppelin's validator makes them, for a
//! non-abstract contract whose parents need initializing:
//! `missing-initializer` (no initializer of its own),
//! `missing-initializer-call` (an initializer that does not call a
//! parent's), `duplicate-initializer-call` (a parent initialized twice)
//! and `incorrect-initializer-order` (parents not initialized in
//! linearization order: a warning). An initializer is a function named
//! `initialize` or `initializer`, or with the `initializer` or
//! `onlyInitializing` modifier, or annotated
//! `@custom:oz-upgrades-validate-as-initializer`; a parent's counts only
//! if it is internal or public and has statements.

use serde_json::Value;

use crate::{
    ast::{allowed, has_annotation, id, linearization, node_type, src, text},
    build_info::BuildInfo,
    validate::ValidationError,
};

fn statements(function: &Value) -> Vec<&Value> {
    function
        .pointer("/body/statements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect()
}

/// The function an expression statement calls directly, if it is a call
/// of a named function (`f(…)`, `X.f(…)`).
fn called(statement: &Value) -> Option<u64> {
    if node_type(statement) != "ExpressionStatement" {
        return None;
    }
    let call = statement.get("expression")?;
    if node_type(call) != "FunctionCall" {
        return None;
    }
    let callee = call.get("expression")?;
    if !matches!(node_type(callee), "Identifier" | "MemberAccess") {
        return None;
    }
    let reference = callee.get("referencedDeclaration")?.as_i64()?;
    u64::try_from(reference).ok().filter(|r| *r > 0)
}

fn modifiers(function: &Value) -> Vec<&str> {
    function
        .get("modifiers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.pointer("/modifierName/name").and_then(Value::as_str))
        .collect()
}

/// The functions of `contract` that may be initializers.
fn initializers(contract: &Value, parent: bool) -> Vec<&Value> {
    contract
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|f| node_type(f) == "FunctionDefinition")
        .filter(|f| {
            let named = has_annotation(f, "oz-upgrades-validate-as-initializer")
                || modifiers(f)
                    .iter()
                    .any(|m| matches!(*m, "initializer" | "onlyInitializing"))
                || matches!(text(f, "name"), "initialize" | "initializer");
            let abstract_virtual = f.get("virtual").and_then(Value::as_bool) == Some(true)
                && f.get("body").is_none_or(Value::is_null);
            let visibility = text(f, "visibility");
            named
                && !abstract_virtual
                && visibility != "private"
                && (!parent
                    || (!statements(f).is_empty() && matches!(visibility, "internal" | "public")))
        })
        .collect()
}

/// The ids of the functions `function` calls in its expression
/// statements, recursively, then its own.
fn reached(info: &BuildInfo, function: &Value, visited: &mut Vec<u64>) -> Vec<u64> {
    let mut out = Vec::new();
    if id(function).is_some_and(|i| visited.contains(&i)) {
        return out;
    }
    visited.extend(id(function));
    for statement in statements(function) {
        if let Some((callee, _)) = called(statement).and_then(|r| info.node(r))
            && node_type(callee) == "FunctionDefinition"
        {
            out.extend(reached(info, callee, visited));
        }
    }
    out.extend(id(function));
    out
}

/// The initializer errors and warnings of `contract` (none for an
/// abstract one): (errors, warnings).
pub(crate) fn check(
    info: &BuildInfo,
    contract: &Value,
) -> (Vec<ValidationError>, Vec<ValidationError>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if contract.get("abstract").and_then(Value::as_bool) == Some(true) {
        return (errors, warnings);
    }
    // Parents, most derived first.
    let mut parents = linearization(info, contract);
    parents.reverse();
    parents.pop();
    let with_initializers: Vec<(String, Vec<&Value>)> = parents
        .iter()
        .map(|p| (text(p, "name").to_owned(), initializers(p, true)))
        .filter(|(_, i)| !i.is_empty())
        .collect();
    let inits_of = |parent: &str| {
        with_initializers
            .iter()
            .find(|(n, _)| n == parent)
            .map(|(_, i)| i.clone())
            .unwrap_or_default()
    };
    // Parents not initialized by another parent's initializer.
    let mut remaining: Vec<String> = with_initializers.iter().map(|(n, _)| n.clone()).collect();
    for (parent, inits) in &with_initializers {
        for init in inits {
            for statement in statements(init) {
                let Some(reference) = called(statement) else {
                    continue;
                };
                let Some(at) = remaining.iter().position(|p| p == parent) else {
                    continue;
                };
                let earlier = remaining[..at]
                    .iter()
                    .find(|base| inits_of(base).iter().any(|i| id(i) == Some(reference)))
                    .cloned();
                if let Some(earlier) = earlier {
                    remaining.retain(|p| *p != earlier);
                }
            }
        }
    }
    if remaining.is_empty() {
        return (errors, warnings);
    }
    let own = initializers(contract, false);
    let needs = remaining.len() > 1
        || inits_of(&remaining[0])
            .iter()
            .all(|i| text(i, "visibility") == "internal");
    if needs && own.is_empty() && !allowed(contract, "missing-initializer") {
        errors.push(ValidationError {
            kind: "missing-initializer",
            name: Some(text(contract, "name").to_owned()),
            src: src(info, contract),
        });
    }
    let expected_linearized: Vec<String> =
        with_initializers.iter().map(|(n, _)| n.clone()).collect();
    for initializer in own {
        let mut found: Vec<String> = Vec::new();
        let mut linearized = expected_linearized.clone();
        let mut direct = remaining.clone();
        let mut called_ids: Vec<u64> = Vec::new();
        for statement in statements(initializer) {
            let Some((callee, _)) = called(statement).and_then(|r| info.node(r)) else {
                continue;
            };
            if node_type(callee) != "FunctionDefinition" {
                continue;
            }
            let call_src = statement
                .get("expression")
                .map(|c| src(info, c))
                .unwrap_or_default();
            for reached_id in reached(info, callee, &mut Vec::new()) {
                for (parent, inits) in &with_initializers {
                    let Some(parent_init) = inits.iter().find(|i| id(i) == Some(reached_id)) else {
                        continue;
                    };
                    let duplicate = called_ids.contains(&reached_id);
                    if duplicate
                        && !allowed(contract, "duplicate-initializer-call")
                        && !allowed(initializer, "duplicate-initializer-call")
                        && !allowed(statement, "duplicate-initializer-call")
                    {
                        errors.push(ValidationError {
                            kind: "duplicate-initializer-call",
                            name: Some(format!("{parent}.{}", text(parent_init, "name"))),
                            src: call_src.clone(),
                        });
                    }
                    called_ids.push(reached_id);
                    if !found.contains(parent) {
                        found.push(parent.clone());
                        let position = linearized.iter().position(|p| p == parent);
                        if !duplicate
                            && position != Some(0)
                            && !allowed(contract, "incorrect-initializer-order")
                            && !allowed(initializer, "incorrect-initializer-order")
                        {
                            warnings.push(ValidationError {
                                kind: "incorrect-initializer-order",
                                name: Some(parent.clone()),
                                src: call_src.clone(),
                            });
                        }
                        if let Some(position) = position {
                            linearized.remove(position);
                        }
                        direct.retain(|p| p != parent);
                    }
                }
            }
        }
        if !text(initializer, "name").ends_with("_unchained")
            && !direct.is_empty()
            && !allowed(contract, "missing-initializer-call")
            && !allowed(initializer, "missing-initializer-call")
        {
            errors.push(ValidationError {
                kind: "missing-initializer-call",
                name: Some(direct.join(", ")),
                src: src(info, initializer),
            });
        }
    }
    (errors, warnings)
}
