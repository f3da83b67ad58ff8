//! A contract's storage layout as OpenZeppelin's upgrade tooling keeps it
//! (the `layout` of an implementation in `.openzeppelin/<network>.json`:
//! storage items with their declaring contract, `src`, slot and offset;
//! types with their size and members), made from solc's `storageLayout`
//! and the AST: enum members, and the `@custom:oz-renamed-from` /
//! `@custom:oz-retyped-from` annotations of each variable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{UpgradesError, ast::annotation, build_info::BuildInfo};

/// A state variable, or a struct member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageField {
    /// The declaring contract (a struct's members: empty).
    #[serde(default)]
    pub contract: String,
    /// Its name.
    pub label: String,
    /// solc's type identifier.
    #[serde(rename = "type")]
    pub type_id: String,
    /// `file:line` of its declaration.
    #[serde(default)]
    pub src: String,
    /// Its slot (decimal), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    /// Its byte offset in the slot, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// `@custom:oz-renamed-from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `@custom:oz-retyped-from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retyped_from: Option<String>,
}

/// A struct's members or an enum's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Members {
    /// An enum's member names.
    Enum(Vec<String>),
    /// A struct's members.
    Struct(Vec<StorageField>),
}

/// What a type identifier names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeItem {
    /// As Solidity writes it (`uint256`, `struct Bridge.Route`).
    pub label: String,
    /// Its members, for structs and enums.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Members>,
    /// Its size in storage, in bytes (decimal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_bytes: Option<String>,
    /// A user-defined value type's underlying type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying: Option<String>,
}

/// A contract's storage layout.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageLayout {
    /// The state variables, inherited ones first, in slot order.
    pub storage: Vec<StorageField>,
    /// The types they use, by identifier.
    pub types: BTreeMap<String, TypeItem>,
    /// ERC-7201 namespaces: their layouts by storage location id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub namespaces: BTreeMap<String, Vec<StorageField>>,
    /// The compiler that built it (OpenZeppelin's manifests keep it).
    #[serde(
        default,
        rename = "solcVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub solc_version: Option<String>,
}

/// Reads a layout written in OpenZeppelin's format: the `layout` of an
/// implementation in `.openzeppelin/<network>.json`, or that object alone.
pub fn read_recorded(path: &std::path::Path) -> Result<StorageLayout, UpgradesError> {
    let bad = |message: String| UpgradesError::Layout {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| UpgradesError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let layout = value.get("layout").cloned().unwrap_or(value);
    if layout.get("storage").is_none() {
        return Err(bad("it has no `storage`".into()));
    }
    serde_json::from_value(layout).map_err(|e| bad(e.to_string()))
}

/// The AST id a type identifier ends with (`t_enum(Color)123` → 123).
fn trailing_id(type_id: &str) -> Option<u64> {
    let close = type_id.find(')')?;
    let digits: String = type_id[close + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn field(value: &Value, contract: String, info: &BuildInfo) -> Option<StorageField> {
    let ast = value
        .get("astId")
        .and_then(Value::as_u64)
        .and_then(|id| info.node(id));
    let contract = ast.and_then(|(_, c)| c).map_or(contract, str::to_owned);
    let src = ast
        .and_then(|(n, _)| n.get("src").and_then(Value::as_str))
        .map(|s| info.src(s))
        .unwrap_or_default();
    Some(StorageField {
        contract,
        label: value.get("label")?.as_str()?.to_owned(),
        type_id: value.get("type")?.as_str()?.to_owned(),
        src,
        slot: value.get("slot").and_then(Value::as_str).map(str::to_owned),
        offset: value.get("offset").and_then(Value::as_u64),
        renamed_from: ast.and_then(|(n, _)| annotation(n, "oz-renamed-from")),
        retyped_from: ast.and_then(|(n, _)| annotation(n, "oz-retyped-from")),
    })
}

/// The layout of contract `name` in `file` of `info`.
pub fn extract(info: &BuildInfo, file: &str, name: &str) -> Result<StorageLayout, UpgradesError> {
    let missing = || UpgradesError::NoLayout {
        contract: format!("{file}:{name}"),
    };
    let contract = info.contract(file, name).ok_or_else(missing)?;
    let mut layout = StorageLayout::default();
    // Build-info writers leave out an empty layout (a contract without
    // state variables).
    let empty = Value::Null;
    let solc = contract.get("storageLayout").unwrap_or(&empty);
    for item in solc
        .get("storage")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        layout.storage.extend(field(item, name.to_owned(), info));
    }
    for (id, item) in solc
        .get("types")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let members = if id.starts_with("t_enum") {
            // solc gives no enum members: the AST's EnumDefinition does.
            trailing_id(id)
                .and_then(|ast| info.node(ast))
                .and_then(|(node, _)| node.get("members")?.as_array().cloned())
                .map(|members| {
                    Members::Enum(
                        members
                            .iter()
                            .filter_map(|m| m.get("name")?.as_str().map(str::to_owned))
                            .collect(),
                    )
                })
        } else {
            item.get("members")
                .and_then(Value::as_array)
                .map(|members| {
                    Members::Struct(
                        members
                            .iter()
                            .filter_map(|m| field(m, String::new(), info))
                            .collect(),
                    )
                })
        };
        layout.types.insert(
            id.clone(),
            TypeItem {
                label: item
                    .get("label")
                    .and_then(Value::as_str)
                    .unwrap_or(id)
                    .to_owned(),
                members,
                number_of_bytes: item
                    .get("numberOfBytes")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                underlying: None,
            },
        );
    }
    if let Some(definition) = info.contract_definition(file, name) {
        load_namespaces(info, definition, &mut layout);
    }
    Ok(layout)
}

const TYPE_NAMES: &[&str] = &[
    "ArrayTypeName",
    "ElementaryTypeName",
    "FunctionTypeName",
    "Mapping",
    "UserDefinedTypeName",
];

fn type_names<'a>(node: &'a Value, out: &mut Vec<&'a Value>) {
    match node {
        Value::Object(map) => {
            if map
                .get("nodeType")
                .and_then(Value::as_str)
                .is_some_and(|k| TYPE_NAMES.contains(&k))
            {
                out.push(node);
            }
            for value in map.values() {
                if value.is_object() || value.is_array() {
                    type_names(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| type_names(i, out)),
        _ => {}
    }
}

/// Adds the types a declaration's type name uses, from the AST (no sizes
/// or slots: solc's layout has none for them), as OpenZeppelin does for
/// namespaced structs.
fn load_types(info: &BuildInfo, type_name: &Value, layout: &mut StorageLayout) {
    let mut queue = Vec::new();
    type_names(type_name, &mut queue);
    let mut seen = std::collections::HashSet::new();
    while let Some(node) = queue.pop() {
        let Some(ast_id) = node
            .pointer("/typeDescriptions/typeIdentifier")
            .and_then(Value::as_str)
        else {
            continue;
        };
        if !seen.insert(ast_id.to_owned()) {
            continue;
        }
        let id = crate::type_id::normalize(ast_id);
        let label = node
            .pointer("/typeDescriptions/typeString")
            .and_then(Value::as_str)
            .unwrap_or(&id)
            .to_owned();
        layout.types.entry(id.clone()).or_insert(TypeItem {
            label,
            members: None,
            number_of_bytes: None,
            underlying: None,
        });
        let Some(reference) = node.get("referencedDeclaration").and_then(Value::as_u64) else {
            continue;
        };
        if id.starts_with("t_contract") {
            continue;
        }
        let Some((definition, _)) = info.node(reference) else {
            continue;
        };
        let kind = definition.get("nodeType").and_then(Value::as_str);
        if let Some(item) = layout.types.get_mut(&id) {
            match kind {
                Some("UserDefinedValueTypeDefinition") => {
                    item.underlying = definition
                        .pointer("/underlyingType/typeDescriptions/typeIdentifier")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
                Some("StructDefinition") if item.members.is_none() => {
                    item.members = Some(Members::Struct(struct_members(info, definition, "")));
                }
                Some("EnumDefinition") if item.members.is_none() => {
                    item.members = Some(Members::Enum(
                        definition
                            .get("members")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(|m| m.get("name")?.as_str().map(str::to_owned))
                            .collect(),
                    ));
                }
                _ => {}
            }
        }
        type_names(definition, &mut queue);
    }
}

/// A struct's members from the AST, as `contract`'s fields.
fn struct_members(info: &BuildInfo, definition: &Value, contract: &str) -> Vec<StorageField> {
    definition
        .get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some(StorageField {
                contract: contract.to_owned(),
                label: m.get("name")?.as_str()?.to_owned(),
                type_id: crate::type_id::normalize(
                    m.pointer("/typeDescriptions/typeIdentifier")?.as_str()?,
                ),
                src: if contract.is_empty() {
                    String::new()
                } else {
                    m.get("src")
                        .and_then(Value::as_str)
                        .map(|s| info.src(s))
                        .unwrap_or_default()
                },
                slot: None,
                offset: None,
                renamed_from: None,
                retyped_from: None,
            })
        })
        .collect()
}

/// The ERC-7201 namespaces of a contract and its bases: each struct
/// annotated `@custom:storage-location <id>`, its members as the
/// namespace's fields (from the AST: solc's layout does not cover them).
fn load_namespaces(info: &BuildInfo, definition: &Value, layout: &mut StorageLayout) {
    let bases: Vec<u64> = definition
        .get("linearizedBaseContracts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect();
    for base in bases {
        let Some((contract, _)) = info.node(base) else {
            continue;
        };
        let name = contract
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for node in contract
            .get("nodes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|n| n.get("nodeType").and_then(Value::as_str) == Some("StructDefinition"))
        {
            let Some(location) = annotation(node, "storage-location") else {
                continue;
            };
            if layout.namespaces.contains_key(&location) {
                continue;
            }
            layout
                .namespaces
                .insert(location, struct_members(info, node, name));
            for member in node
                .get("members")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(type_name) = member.get("typeName") {
                    load_types(info, type_name, layout);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ids_end_with_their_definition_s_ast_id() {
        assert_eq!(trailing_id("t_enum(Color)123"), Some(123));
        assert_eq!(trailing_id("t_uint256"), None);
    }
}
