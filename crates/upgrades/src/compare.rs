//! Whether a new implementation's storage layout can replace the old one,
//! as OpenZeppelin's upgrade tooling decides it, in its words: each
//! variable of the old layout is matched to the new one by the cheapest
//! edit script; appended variables are safe, as are gaps (`__gap`) that
//! shrink or are consumed up to the slot where they ended; every other
//! step (`insert`, `delete`, `replace`, `rename`, `typechange`,
//! `layoutchange`, `shrinkgap`, `finishgap`, `delete-namespace`) is an
//! error. Types are compared structurally: structs member by member,
//! enums by their members and size, mappings by key and value (a value
//! may grow), arrays by length and element.

use std::collections::{BTreeMap, HashMap, HashSet};

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

use crate::{
    layout::{Members, StorageField, StorageLayout, TypeItem},
    levenshtein::{Step, levenshtein},
    type_id::{TypeId, parse},
};

/// How a type changed, in OpenZeppelin's words (`kind`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TypeChange {
    /// `obvious mismatch`, `unknown`, `array grow`, `visibility change`,
    /// `array shrink`, `array dynamic`, `type resize`, `missing members`,
    /// `mapping key`, `mapping value`, `array value`, `enum members`,
    /// `struct members`.
    pub kind: &'static str,
    /// The old type, as Solidity writes it.
    pub original: String,
    /// The new one.
    pub updated: String,
    /// For `mapping key`, `mapping value`, `array value`: what changed inside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<Box<TypeChange>>,
    /// For `struct members`: the members' steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<LayoutOp>,
    /// For `enum members`: (old, new) of each replaced member; `None` for
    /// one inserted or deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_members: Vec<(Option<String>, Option<String>)>,
}

/// Where a field moved (`layoutchange`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayoutChange {
    /// The slot, (from, to), if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<(String, String)>,
    /// The offset, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<(u64, u64)>,
    /// The size in bytes, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<(String, String)>,
    /// Positions are unknown on one side.
    pub uncertain: bool,
    /// … and the types are known to be compatible (`uint8` and `bool`).
    pub known_compatible: bool,
}

/// One step that makes an upgrade unsafe, with OpenZeppelin's kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayoutOp {
    /// `insert`, `delete`, `replace`, `rename`, `typechange`,
    /// `layoutchange`, `shrinkgap`, `finishgap`, `delete-namespace`
    /// (`append` is never reported).
    pub kind: &'static str,
    /// The old field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<StorageField>,
    /// The new field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<StorageField>,
    /// For `typechange` and `shrinkgap`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<TypeChange>,
    /// For `layoutchange`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutChange>,
    /// For `delete-namespace`: the storage location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl LayoutOp {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            original: None,
            updated: None,
            change: None,
            layout: None,
            namespace: None,
        }
    }
}

/// What a step costs where it is not the default 3.
const LAYOUTCHANGE_COST: u64 = 1;
const FINISHGAP_COST: u64 = 1;
const SHRINKGAP_COST: u64 = 0;
const TYPECHANGE_COST: u64 = 1;

fn is_gap(field: &StorageField) -> bool {
    field.type_id.starts_with("t_array(")
        && (field.label == "__gap" || field.label.starts_with("__gap_"))
}

/// The two layouts' types, for looking up what an identifier names.
struct Types<'a> {
    original: &'a BTreeMap<String, TypeItem>,
    updated: &'a BTreeMap<String, TypeItem>,
}

/// Compares storage layouts; remembers type comparisons.
struct Comparator<'a> {
    types: Types<'a>,
    cache: HashMap<(String, String, bool), Option<TypeChange>>,
    stack: HashSet<(String, String, bool)>,
}

fn strip_kind_words(label: &str) -> String {
    ["contract ", "struct ", "enum "]
        .iter()
        .fold(label.to_owned(), |l, w| l.replace(w, ""))
}

fn normalize_memory(head: &str) -> String {
    head.replace("_memory_ptr", "_memory")
}

fn enum_size(members: usize) -> u32 {
    let bits = (members.max(2) as f64).log2();
    (bits / 8.0).ceil() as u32
}

fn array_length(tail: Option<&str>) -> Option<String> {
    let tail = tail?;
    if tail.starts_with("dyn") {
        return Some("dyn".to_owned());
    }
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

impl<'a> Comparator<'a> {
    fn item(&self, original_side: bool, id: &str) -> Option<&'a TypeItem> {
        if original_side {
            self.types.original.get(id)
        } else {
            self.types.updated.get(id)
        }
    }

    fn size(&self, original_side: bool, field: &StorageField) -> Option<U256> {
        self.item(original_side, &field.type_id)?
            .number_of_bytes
            .as_deref()?
            .parse()
            .ok()
    }

    fn begin(field: &StorageField) -> Option<U256> {
        let slot: U256 = field.slot.as_deref()?.parse().ok()?;
        Some(slot * U256::from(32u8) + U256::from(field.offset?))
    }

    fn end(&self, original_side: bool, field: &StorageField) -> Option<U256> {
        Some(Self::begin(field)? + self.size(original_side, field)?)
    }

    fn end_matches_gap(&self, original: &StorageField, updated: &StorageField) -> bool {
        is_gap(original)
            && match (self.end(true, original), self.end(false, updated)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
    }

    fn layout_change(
        &self,
        original: &StorageField,
        updated: &StorageField,
    ) -> Option<LayoutChange> {
        let bytes = |side, f: &StorageField| {
            self.item(side, &f.type_id)
                .and_then(|t| t.number_of_bytes.clone())
        };
        match (
            &original.slot,
            original.offset,
            bytes(true, original),
            &updated.slot,
            updated.offset,
            bytes(false, updated),
        ) {
            (Some(s1), Some(o1), Some(b1), Some(s2), Some(o2), Some(b2)) => {
                let change = LayoutChange {
                    slot: (s1 != s2).then(|| (s1.clone(), s2.clone())),
                    offset: (o1 != o2).then_some((o1, o2)),
                    bytes: (b1 != b2).then(|| (b1.clone(), b2.clone())),
                    ..LayoutChange::default()
                };
                (change.slot.is_some() || change.offset.is_some() || change.bytes.is_some())
                    .then_some(change)
            }
            _ => {
                let label = |side, f: &StorageField| {
                    self.item(side, &f.type_id)
                        .map(|t| t.label.clone())
                        .unwrap_or_default()
                };
                let pair = [label(true, original), label(false, updated)];
                let known_compatible = pair.iter().all(|l| l == "uint8" || l == "bool");
                Some(LayoutChange {
                    uncertain: true,
                    known_compatible,
                    ..LayoutChange::default()
                })
            }
        }
    }

    fn field_change(
        &mut self,
        original: &StorageField,
        updated: &StorageField,
    ) -> Option<(LayoutOp, Option<u64>)> {
        let name_change = updated.renamed_from.as_deref() != Some(original.label.as_str())
            && (updated.label != original.label
                || (updated.renamed_from.is_some()
                    && updated.renamed_from != original.renamed_from));
        let retyped_from_original = updated.retyped_from.as_deref().is_some_and(|from| {
            let label = self
                .item(true, &original.type_id)
                .map(|t| t.label.clone())
                .unwrap_or_default();
            strip_kind_words(&label) == strip_kind_words(from.trim())
        });
        let type_change = if retyped_from_original {
            None
        } else {
            self.type_change(&original.type_id, &updated.type_id, false)
        };
        let layout_change = self.layout_change(original, updated);
        let op = |kind, change: Option<TypeChange>, layout: Option<LayoutChange>| LayoutOp {
            original: Some(original.clone()),
            updated: Some(updated.clone()),
            change,
            layout,
            ..LayoutOp::new(kind)
        };
        if updated.retyped_from.is_some()
            && let Some(layout) = layout_change
                .clone()
                .filter(|l| !l.uncertain || !l.known_compatible)
        {
            return Some((
                op("layoutchange", None, Some(layout)),
                Some(LAYOUTCHANGE_COST),
            ));
        }
        if name_change && self.end_matches_gap(original, updated) {
            return Some((op("finishgap", None, None), Some(FINISHGAP_COST)));
        }
        if let Some(change) = &type_change
            && change.kind == "array shrink"
            && self.end_matches_gap(original, updated)
        {
            return Some((
                op("shrinkgap", type_change.clone(), None),
                Some(SHRINKGAP_COST),
            ));
        }
        match (type_change, name_change) {
            (Some(_), true) => Some((op("replace", None, None), None)),
            (None, true) => Some((op("rename", None, None), None)),
            (Some(change), false) => {
                Some((op("typechange", Some(change), None), Some(TYPECHANGE_COST)))
            }
            (None, false) => layout_change
                .filter(|l| !l.uncertain)
                .map(|l| (op("layoutchange", None, Some(l)), Some(LAYOUTCHANGE_COST))),
        }
    }

    /// The unsafe steps from `original` to `updated` fields.
    fn layout_ops(
        &mut self,
        original: &[StorageField],
        updated: &[StorageField],
        allow_append: bool,
    ) -> Vec<LayoutOp> {
        let steps = levenshtein(original, updated, |a, b| self.field_change(a, b));
        let mut unsafe_ops = Vec::new();
        for step in steps {
            match step {
                Step::Append(_) if allow_append => {}
                Step::Append(j) => unsafe_ops.push(LayoutOp {
                    updated: Some(updated[j].clone()),
                    ..LayoutOp::new("append")
                }),
                Step::Insert(j) => {
                    let field = &updated[j];
                    let (start, end) = (Self::begin(field), self.end(false, field));
                    let overlaps = match (start, end) {
                        (Some(start), Some(end)) => {
                            original.iter().filter(|f| !is_gap(f)).any(|f| {
                                match (Self::begin(f), self.end(true, f)) {
                                    (Some(s), Some(e)) => s < end && start < e,
                                    _ => true,
                                }
                            })
                        }
                        _ => true,
                    };
                    if overlaps {
                        unsafe_ops.push(LayoutOp {
                            updated: Some(field.clone()),
                            ..LayoutOp::new("insert")
                        });
                    }
                }
                Step::Delete(i) => unsafe_ops.push(LayoutOp {
                    original: Some(original[i].clone()),
                    ..LayoutOp::new("delete")
                }),
                Step::Change(op) => {
                    let safe_gap = matches!(op.kind, "shrinkgap" | "finishgap")
                        && match (&op.original, &op.updated) {
                            (Some(a), Some(b)) => self.end_matches_gap(a, b),
                            _ => false,
                        };
                    if !safe_gap {
                        unsafe_ops.push(op);
                    }
                }
            }
        }
        unsafe_ops
    }

    fn type_change(
        &mut self,
        original: &str,
        updated: &str,
        allow_append: bool,
    ) -> Option<TypeChange> {
        let key = (original.to_owned(), updated.to_owned(), allow_append);
        if let Some(known) = self.cache.get(&key) {
            return known.clone();
        }
        if !self.stack.insert(key.clone()) {
            // A recursive type (a struct holding a mapping to itself):
            // equal so far.
            return None;
        }
        let result = match (parse(original), parse(updated)) {
            (Some(a), Some(b)) => self.uncached_type_change(&a, &b, allow_append),
            _ => Some(self.change("unknown", original, updated)),
        };
        self.stack.remove(&key);
        self.cache.insert(key, result.clone());
        result
    }

    fn change(&self, kind: &'static str, original: &str, updated: &str) -> TypeChange {
        let label = |side, id: &str| {
            self.item(side, id)
                .map_or_else(|| id.to_owned(), |t| t.label.clone())
        };
        TypeChange {
            kind,
            original: label(true, original),
            updated: label(false, updated),
            inner: None,
            members: Vec::new(),
            enum_members: Vec::new(),
        }
    }

    fn uncached_type_change(
        &mut self,
        a: &TypeId,
        b: &TypeId,
        allow_append: bool,
    ) -> Option<TypeChange> {
        let kind_of = |kind| Some(self.change(kind, &a.id, &b.id));
        if a.head.starts_with("t_function") && b.head.starts_with("t_function") {
            let visibility = |h: &str| {
                ["t_function_internal", "t_function_external"]
                    .into_iter()
                    .find(|p| h.starts_with(p))
            };
            return (visibility(&a.head) != visibility(&b.head))
                .then(|| self.change("visibility change", &a.id, &b.id));
        }
        if matches!(
            (a.head.as_str(), b.head.as_str()),
            ("t_contract", "t_address") | ("t_address", "t_contract")
        ) {
            return None;
        }
        if normalize_memory(&a.head) != normalize_memory(&b.head) {
            return kind_of("obvious mismatch");
        }
        let (Some(a_args), Some(b_args)) = (&a.args, &b.args) else {
            return None;
        };
        match a.head.as_str() {
            "t_contract" => None,
            "t_struct" => {
                let members =
                    |side, id: &str| match self.item(side, id).and_then(|t| t.members.clone()) {
                        Some(Members::Struct(m)) => Some(m),
                        _ => None,
                    };
                let (Some(old), Some(new)) = (members(true, &a.id), members(false, &b.id)) else {
                    return kind_of("missing members");
                };
                let ops = self.layout_ops(&old, &new, allow_append);
                (!ops.is_empty()).then(|| TypeChange {
                    members: ops,
                    ..self.change("struct members", &a.id, &b.id)
                })
            }
            "t_enum" => {
                let members =
                    |side, id: &str| match self.item(side, id).and_then(|t| t.members.clone()) {
                        Some(Members::Enum(m)) => Some(m),
                        _ => None,
                    };
                let (Some(old), Some(new)) = (members(true, &a.id), members(false, &b.id)) else {
                    return kind_of("missing members");
                };
                if enum_size(old.len()) != enum_size(new.len()) {
                    return kind_of("type resize");
                }
                let steps = levenshtein(&old, &new, |x, y| {
                    (x != y).then(|| ((Some(x.clone()), Some(y.clone())), None))
                });
                let changes: Vec<(Option<String>, Option<String>)> = steps
                    .into_iter()
                    .filter_map(|s| match s {
                        Step::Append(_) => None,
                        Step::Insert(j) => Some((None, Some(new[j].clone()))),
                        Step::Delete(i) => Some((Some(old[i].clone()), None)),
                        Step::Change(c) => Some(c),
                    })
                    .collect();
                (!changes.is_empty()).then(|| TypeChange {
                    enum_members: changes,
                    ..self.change("enum members", &a.id, &b.id)
                })
            }
            "t_mapping" => {
                let (Some(a_key), Some(a_value), Some(b_key), Some(b_value)) =
                    (a_args.first(), a_args.get(1), b_args.first(), b_args.get(1))
                else {
                    return kind_of("unknown");
                };
                let key_change = if a_key.head == "unknown" {
                    None
                } else {
                    self.type_change(&a_key.id, &b_key.id, false)
                };
                if let Some(inner) = key_change {
                    return Some(TypeChange {
                        inner: Some(Box::new(inner)),
                        ..self.change("mapping key", &a.id, &b.id)
                    });
                }
                self.type_change(&a_value.id, &b_value.id, true)
                    .map(|inner| TypeChange {
                        inner: Some(Box::new(inner)),
                        ..self.change("mapping value", &a.id, &b.id)
                    })
            }
            "t_array" => {
                let (Some(old_len), Some(new_len)) = (
                    array_length(a.tail.as_deref()),
                    array_length(b.tail.as_deref()),
                ) else {
                    return kind_of("unknown");
                };
                if (old_len == "dyn" || new_len == "dyn") && old_len != new_len {
                    return kind_of("array dynamic");
                }
                let number = |l: &str| l.parse::<U256>().unwrap_or_default();
                if old_len != "dyn" {
                    if number(&new_len) < number(&old_len) {
                        return kind_of("array shrink");
                    }
                    if !allow_append && number(&new_len) > number(&old_len) {
                        return kind_of("array grow");
                    }
                }
                let (Some(a_el), Some(b_el)) = (a_args.first(), b_args.first()) else {
                    return kind_of("unknown");
                };
                self.type_change(&a_el.id, &b_el.id, false)
                    .map(|inner| TypeChange {
                        inner: Some(Box::new(inner)),
                        ..self.change("array value", &a.id, &b.id)
                    })
            }
            "t_userDefinedValueType" => {
                let size =
                    |side, id: &str| self.item(side, id).and_then(|t| t.number_of_bytes.clone());
                let underlying =
                    |side, id: &str| self.item(side, id).and_then(|t| t.underlying.clone());
                let same_underlying = matches!(
                    (underlying(true, &a.id), underlying(false, &b.id)),
                    (Some(x), Some(y)) if x == y
                );
                let (old, new) = (size(true, &a.id), size(false, &b.id));
                if (old.is_none() || new.is_none()) && !same_underlying {
                    kind_of("unknown")
                } else if old != new {
                    kind_of("type resize")
                } else {
                    None
                }
            }
            _ => kind_of("unknown"),
        }
    }
}

/// The unsafe steps of replacing `original` by `updated`: empty when the
/// upgrade is safe for storage.
pub fn compare_layouts(original: &StorageLayout, updated: &StorageLayout) -> Vec<LayoutOp> {
    let mut comparator = Comparator {
        types: Types {
            original: &original.types,
            updated: &updated.types,
        },
        cache: HashMap::new(),
        stack: HashSet::new(),
    };
    let mut ops = comparator.layout_ops(&original.storage, &updated.storage, true);
    for (location, fields) in &original.namespaces {
        match updated.namespaces.get(location) {
            Some(new) => ops.extend(comparator.layout_ops(fields, new, true)),
            None if !fields.is_empty() => ops.push(LayoutOp {
                namespace: Some(location.clone()),
                original: fields.first().cloned(),
                ..LayoutOp::new("delete-namespace")
            }),
            None => {}
        }
    }
    ops
}
