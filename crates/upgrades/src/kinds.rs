//! OpenZeppelin's kinds as slipway spells them: every kind a report can
//! hold, so that a report read back (the check cache) holds the same
//! `&'static str`s as one just made. A kind not listed reads as an error,
//! and a cache holding one is never used.

use serde::{Deserialize, Deserializer, de::Error};

use crate::{LayoutChange, LayoutOp, StorageField, TypeChange, ValidationError};

/// Every kind besides the validation kinds ([`crate::VALIDATION_KINDS`]):
/// layout steps and type changes.
const OTHERS: &[&str] = &[
    // Layout steps.
    "append",
    "insert",
    "delete",
    "replace",
    "rename",
    "typechange",
    "layoutchange",
    "shrinkgap",
    "finishgap",
    "delete-namespace",
    // Type changes.
    "obvious mismatch",
    "unknown",
    "array grow",
    "array shrink",
    "array dynamic",
    "array value",
    "visibility change",
    "type resize",
    "missing members",
    "mapping key",
    "mapping value",
    "enum members",
    "struct members",
];

/// The `&'static str` slipway uses for kind `text`.
fn known(text: &str) -> Result<&'static str, String> {
    crate::VALIDATION_KINDS
        .iter()
        .chain(OTHERS)
        .find(|k| **k == text)
        .copied()
        .ok_or_else(|| format!("unknown kind `{text}`"))
}

/// A [`ValidationError`] as read, before its kind is known.
#[derive(Deserialize)]
pub(crate) struct ValidationErrorRead {
    kind: String,
    #[serde(default)]
    name: Option<String>,
    src: String,
}

impl TryFrom<ValidationErrorRead> for ValidationError {
    type Error = String;
    fn try_from(read: ValidationErrorRead) -> Result<Self, String> {
        Ok(Self {
            kind: known(&read.kind)?,
            name: read.name,
            src: read.src,
        })
    }
}

/// A [`LayoutOp`] as read.
#[derive(Deserialize)]
pub(crate) struct LayoutOpRead {
    kind: String,
    #[serde(default)]
    original: Option<StorageField>,
    #[serde(default)]
    updated: Option<StorageField>,
    #[serde(default)]
    change: Option<TypeChange>,
    #[serde(default)]
    layout: Option<LayoutChange>,
    #[serde(default)]
    namespace: Option<String>,
}

impl TryFrom<LayoutOpRead> for LayoutOp {
    type Error = String;
    fn try_from(read: LayoutOpRead) -> Result<Self, String> {
        Ok(Self {
            kind: known(&read.kind)?,
            original: read.original,
            updated: read.updated,
            change: read.change,
            layout: read.layout,
            namespace: read.namespace,
        })
    }
}

/// A [`TypeChange`] as read.
#[derive(Deserialize)]
pub(crate) struct TypeChangeRead {
    kind: String,
    original: String,
    updated: String,
    #[serde(default)]
    inner: Option<Box<TypeChange>>,
    #[serde(default)]
    members: Vec<LayoutOp>,
    #[serde(default)]
    enum_members: Vec<(Option<String>, Option<String>)>,
}

impl TryFrom<TypeChangeRead> for TypeChange {
    type Error = String;
    fn try_from(read: TypeChangeRead) -> Result<Self, String> {
        Ok(Self {
            kind: known(&read.kind)?,
            original: read.original,
            updated: read.updated,
            inner: read.inner,
            members: read.members,
            enum_members: read.enum_members,
        })
    }
}

/// Deserialize through `Read` (whose kind is text) and `TryFrom`: a
/// derive would tie the `&'static str` kind to the input's lifetime.
macro_rules! read_through {
    ($type:ty, $read:ty) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$read>::deserialize(deserializer)
                    .and_then(|read| Self::try_from(read).map_err(D::Error::custom))
            }
        }
    };
}

read_through!(ValidationError, ValidationErrorRead);
read_through!(LayoutOp, LayoutOpRead);
read_through!(TypeChange, TypeChangeRead);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_back_and_an_unknown_kind_does_not() {
        let error: ValidationError =
            serde_json::from_str(r#"{"kind":"delegatecall","src":"A.sol:3"}"#).expect("reads");
        assert_eq!(error.kind, "delegatecall");
        let op: LayoutOp = serde_json::from_str(
            r#"{"kind":"typechange","change":{"kind":"mapping value","original":"a","updated":"b","inner":{"kind":"type resize","original":"c","updated":"d"}}}"#,
        )
        .expect("reads");
        assert_eq!(
            op.change.and_then(|c| c.inner).map(|i| i.kind),
            Some("type resize")
        );
        assert!(serde_json::from_str::<ValidationError>(r#"{"kind":"made-up","src":""}"#).is_err());
    }
}
