//! YAML (and JSON, which is YAML) read with positions, as the checks need
//! them: a key's value (through compose's `<<` merges), scalars as text,
//! and the line and column of any node.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A parsed node.
pub(crate) type Node<'a> = MarkedYaml<'a>;

/// The first document of `text`, or why it does not read (its 1-based
/// line and the parser's words).
pub(crate) fn load(text: &str) -> Result<Option<Node<'_>>, (usize, String)> {
    let mut documents =
        MarkedYaml::load_from_str(text).map_err(|e| (e.marker().line(), e.info().to_owned()))?;
    Ok((!documents.is_empty()).then(|| documents.swap_remove(0)))
}

/// Where `node` starts: 1-based line and column.
pub(crate) fn at(node: &Node<'_>) -> (usize, usize) {
    (node.span.start.line(), node.span.start.col() + 1)
}

/// The node under a tag (CloudFormation's `!Ref`, `!Sub`…) as it is.
fn untagged<'n, 'a>(node: &'n Node<'a>) -> &'n Node<'a> {
    match &node.data {
        YamlData::Tagged(_, inner) => inner,
        _ => node,
    }
}

/// Whether `node` is a tagged value (an intrinsic function: a reference,
/// never a literal).
pub(crate) fn is_tagged(node: &Node<'_>) -> bool {
    matches!(node.data, YamlData::Tagged(..))
}

/// The mapping's entries with string keys.
pub(crate) fn entries<'n, 'a>(node: &'n Node<'a>) -> Vec<(String, &'n Node<'a>)> {
    match &untagged(node).data {
        YamlData::Mapping(mapping) => mapping
            .iter()
            .filter_map(|(key, value)| text(key).map(|k| (k, value)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The value of `key`, also where a `<<` merge brings it.
pub(crate) fn get<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    let all = entries(node);
    if let Some((_, value)) = all.iter().find(|(k, _)| k == key) {
        return Some(value);
    }
    let merged = all.iter().find(|(k, _)| k == "<<").map(|(_, v)| *v)?;
    match &merged.data {
        YamlData::Sequence(items) => items.iter().find_map(|item| get(item, key)),
        _ => get(merged, key),
    }
}

/// The value of the first of `keys` present (CloudFormation's
/// `ReadonlyRootFilesystem`, an ECS JSON file's `readonlyRootFilesystem`).
pub(crate) fn get_any<'n, 'a>(node: &'n Node<'a>, keys: &[&str]) -> Option<&'n Node<'a>> {
    keys.iter().find_map(|key| get(node, key))
}

/// The items of a sequence (none for anything else).
pub(crate) fn items<'n, 'a>(node: &'n Node<'a>) -> &'n [Node<'a>] {
    match &untagged(node).data {
        YamlData::Sequence(items) => items,
        _ => &[],
    }
}

/// A scalar as text (`true`, `2`, `0.5`, a string); none for the rest.
pub(crate) fn text(node: &Node<'_>) -> Option<String> {
    match &untagged(node).data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
        YamlData::Representation(s, ..) => Some(s.to_string()),
        _ => None,
    }
}

/// Whether `node` is true (`true`, or the strings compose accepts).
pub(crate) fn truthy(node: Option<&Node<'_>>) -> bool {
    node.and_then(text)
        .is_some_and(|t| matches!(t.to_ascii_lowercase().as_str(), "true" | "yes" | "on"))
}
