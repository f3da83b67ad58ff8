//! What several lint rules share: a span's text, reporting a finding at a
//! place in a file, and the naming conventions' tests.

use foundry_compilers::artifacts::ast::SourceLocation;

use crate::{
    detector::{Raw, Sink},
    program::Unit,
};

/// The text of a span of `unit`.
pub(crate) fn slice(unit: &Unit, at: SourceLocation) -> &str {
    let start = at.start.unwrap_or(0).min(unit.text.len());
    let end = (start + at.length.unwrap_or(0)).min(unit.text.len());
    unit.text.get(start..end).unwrap_or("")
}

/// Reports something that belongs to the file rather than a contract.
pub(crate) fn report_in_file(
    sink: &mut Sink,
    unit: &Unit,
    at: SourceLocation,
    message: String,
    fix: Option<crate::Fix>,
) {
    sink.found.push(Raw {
        at: SourceLocation {
            index: unit.ast.src.index,
            ..at
        },
        message,
        contract: None,
        function: None,
        also: Vec::new(),
        fix,
    });
}

/// `mixedCase` (leading and trailing underscores allowed).
pub(crate) fn is_mixed_case(name: &str) -> bool {
    let core = name.trim_matches('_');
    core.is_empty()
        || (core.starts_with(|c: char| c.is_ascii_lowercase())
            && !core.contains('_')
            && core.chars().all(|c| c.is_ascii_alphanumeric() || c == '$'))
}

/// `CapWords`.
pub(crate) fn is_cap_words(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.contains('_')
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `UPPER_CASE`.
pub(crate) fn is_screaming_snake(name: &str) -> bool {
    let core = name.trim_matches('_');
    !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}
