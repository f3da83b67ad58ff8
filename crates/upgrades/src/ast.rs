//! Reading solc's AST as the upgrade checks need it: a node's type, its
//! fields, where it is, a contract's linearization, and NatSpec
//! annotations (`@custom:<tag> args…`), with OpenZeppelin's
//! `oz-upgrades-unsafe-allow` and `-reachable` read from them.

use serde_json::Value;

use crate::build_info::BuildInfo;

const UNSAFE_ALLOW: &str = "oz-upgrades-unsafe-allow";
const UNSAFE_ALLOW_REACHABLE: &str = "oz-upgrades-unsafe-allow-reachable";

/// The node's `nodeType`.
pub(crate) fn node_type(node: &Value) -> &str {
    text(node, "nodeType")
}

/// A string field of the node (empty when absent).
pub(crate) fn text<'a>(node: &'a Value, key: &str) -> &'a str {
    node.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The node's id.
pub(crate) fn id(node: &Value) -> Option<u64> {
    node.get("id").and_then(Value::as_u64)
}

/// Where the node is, as `file:line`.
pub(crate) fn src(info: &BuildInfo, node: &Value) -> String {
    node.get("src")
        .and_then(Value::as_str)
        .map(|s| info.src(s))
        .unwrap_or_default()
}

/// The direct children of `node` under `key` (a contract's `nodes`).
pub(crate) fn children<'a>(node: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    node.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The linearization of a contract: itself, then its bases.
pub(crate) fn linearization<'a>(info: &'a BuildInfo, contract: &'a Value) -> Vec<&'a Value> {
    children(contract, "linearizedBaseContracts")
        .filter_map(Value::as_u64)
        .filter_map(|i| info.node(i).map(|(n, _)| n))
        .collect()
}

/// The lines of a node's NatSpec, `*` margins removed.
fn doc_lines(node: &Value) -> Vec<&str> {
    let Some(doc) = node.get("documentation") else {
        return Vec::new();
    };
    doc.get("text")
        .and_then(Value::as_str)
        .or(doc.as_str())
        .map(|text| {
            text.lines()
                .map(|l| l.trim().trim_start_matches('*').trim())
                .collect()
        })
        .unwrap_or_default()
}

/// The rest of a line after `@custom:<tag>`, if the line carries that tag
/// (and not a longer one such as `<tag>-reachable`).
fn after_tag<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    let rest = line.strip_prefix("@custom:")?.strip_prefix(tag)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// Whether the node's NatSpec carries `@custom:<tag>`.
pub(crate) fn has_annotation(node: &Value, tag: &str) -> bool {
    doc_lines(node).iter().any(|l| after_tag(l, tag).is_some())
}

/// The words after `@custom:<tag>` in a node's NatSpec (several lines of
/// one tag count; a line starting with another tag ends it).
pub(crate) fn annotation_args(node: &Value, tag: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut inside = false;
    for line in doc_lines(node) {
        if let Some(rest) = after_tag(line, tag) {
            inside = true;
            args.extend(rest.split_whitespace().map(str::to_owned));
        } else if line.starts_with('@') {
            inside = false;
        } else if inside {
            args.extend(line.split_whitespace().map(str::to_owned));
        }
    }
    args
}

/// The text after `@custom:<tag>` (`oz-renamed-from total`,
/// `oz-retyped-from mapping(address => uint128)`), if any.
pub(crate) fn annotation(node: &Value, tag: &str) -> Option<String> {
    let args = annotation_args(node, tag);
    (!args.is_empty()).then(|| args.join(" "))
}

/// Whether `kind` is allowed where `node` is written
/// (`oz-upgrades-unsafe-allow`, or `-reachable`, which allows it too).
pub(crate) fn allowed(node: &Value, kind: &str) -> bool {
    annotation_args(node, UNSAFE_ALLOW)
        .iter()
        .any(|a| a == kind)
        || allowed_reachable(node, kind)
}

/// Whether `kind` is allowed in `node` and in what it calls
/// (`oz-upgrades-unsafe-allow-reachable`).
pub(crate) fn allowed_reachable(node: &Value, kind: &str) -> bool {
    annotation_args(node, UNSAFE_ALLOW_REACHABLE)
        .iter()
        .any(|a| a == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_allow_takes_several_kinds_and_stops_at_the_next_tag() {
        let node = serde_json::json!({"documentation": {"text": "@custom:oz-upgrades-unsafe-allow constructor\n state-variable-immutable\n@notice x delegatecall"}});
        assert_eq!(
            annotation_args(&node, UNSAFE_ALLOW),
            vec![
                "constructor".to_owned(),
                "state-variable-immutable".to_owned()
            ]
        );
        assert!(allowed(&node, "constructor"));
        assert!(!allowed(&node, "delegatecall"));
        let reachable = serde_json::json!({"documentation": {"text": "@custom:oz-upgrades-unsafe-allow-reachable delegatecall"}});
        assert!(
            allowed(&reachable, "delegatecall"),
            "reachable allows the code itself too"
        );
        assert!(annotation_args(&reachable, UNSAFE_ALLOW).is_empty());
    }

    #[test]
    fn annotations_are_read_by_their_exact_tag() {
        let node = serde_json::json!({"documentation": {"text": " @custom:oz-renamed-from total\n @custom:oz-retyped-from mapping(address => uint128)"}});
        assert_eq!(
            annotation(&node, "oz-renamed-from").as_deref(),
            Some("total")
        );
        assert_eq!(
            annotation(&node, "oz-retyped-from").as_deref(),
            Some("mapping(address => uint128)")
        );
        assert_eq!(annotation(&node, "oz-upgrades-from"), None);
        let other = serde_json::json!({"documentation": {"text": "@custom:oz-renamed-from-x y"}});
        assert_eq!(annotation(&other, "oz-renamed-from"), None);
        let tagged = serde_json::json!({"documentation": " * @custom:oz-upgrades\n"});
        assert!(has_annotation(&tagged, "oz-upgrades"));
        assert!(!has_annotation(&tagged, "oz-upgrades-from"));
    }
}
