//! Compiler errors and warnings as values, located by file, line and column.

use std::path::Path;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticSeverity {
    /// Compilation failed.
    Error,
    /// Worth a look.
    Warning,
    /// Informational.
    Info,
}

/// One compiler message.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    /// Severity.
    pub severity: DiagnosticSeverity,
    /// solc's error code, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u64>,
    /// solc's error type (`ParserError`, `TypeError`, `Warning`, …).
    pub kind: String,
    /// The message alone.
    pub message: String,
    /// File, relative to the project root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The compiler's own rendering: location, source line and marker.
    pub rendered: String,
    /// What to do about it, where slipway knows more than the compiler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub(crate) fn from_solc(e: &foundry_compilers::artifacts::Error, root: &Path) -> Self {
        let severity = if e.severity.is_error() {
            DiagnosticSeverity::Error
        } else if e.severity.is_warning() {
            DiagnosticSeverity::Warning
        } else {
            DiagnosticSeverity::Info
        };
        let (file, line, column) = match &e.source_location {
            Some(loc) => {
                let (line, column) = std::fs::read_to_string(root.join(&loc.file))
                    .ok()
                    .map(|text| line_column(&text, loc.start.max(0) as usize))
                    .unzip();
                (Some(loc.file.clone()), line, column)
            }
            None => (None, None, None),
        };
        let rendered = e
            .formatted_message
            .clone()
            .unwrap_or_else(|| format!("{}: {}", e.r#type, e.message))
            .trim_end()
            .to_owned();
        Self {
            severity,
            code: e.error_code,
            kind: e.r#type.clone(),
            message: e.message.clone(),
            file,
            line,
            column,
            rendered,
            help: missing_source_help(&e.message, root),
        }
    }
}

/// A hint for solc's `Source "PATH" not found`: the library slipway-std
/// stands in for forge-std and lacks the file, or the import names a
/// package nothing provides.
fn missing_source_help(message: &str, root: &Path) -> Option<String> {
    let path = message
        .strip_prefix("Source \"")?
        .split_once("\" not found")?
        .0;
    let std_dir = format!("{}/std/{}/", crate::STATE_DIR, crate::std_lib::NAME);
    if let Some(file) = path.split_once(&std_dir).map(|(_, file)| file) {
        return Some(format!(
            "`forge-std/` resolves to slipway-std (no forge-std is installed), and slipway-std has no {file}; \
             install forge-std (`git submodule add https://github.com/foundry-rs/forge-std lib/forge-std`) \
             or remap `forge-std/` in slipway.toml's [project] remappings"
        ));
    }
    let package = path
        .split('/')
        .next()
        .filter(|p| !p.starts_with('.') && !root.join(p).is_dir())?;
    Some(format!(
        "no file at {path}: a package `{package}/` is found under contracts/lib/{package}/, \
         node_modules/{package}/ (npm install) or lib/{package}/, or through a remapping in \
         slipway.toml's [project] remappings"
    ))
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text
        .as_bytes()
        .get(..offset.min(text.len()))
        .unwrap_or_default();
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "pragma solidity 0.8.20;\ncontract A {\n  uint x\n}\n";
        let offset = text.find("uint").expect("present");
        assert_eq!(super::line_column(text, offset), (3, 3));
        assert_eq!(super::line_column(text, 0), (1, 1));
    }
}
