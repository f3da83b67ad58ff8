//! What a detector reports, as every output shows it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use slipway_config::LintSeverity as Severity;

/// How sure a detector is that a finding is real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often a false alarm: read it as a question.
    Low,
    /// Usually right.
    Medium,
    /// Nearly always right.
    High,
}

/// Why a finding does not count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The comment form that suppressed it (`slipway-disable-next-line`,
    /// `slither-disable-next-line`, `forge-lint: disable-next-line`…).
    pub kind: String,
    /// The reason written after `--`, if any.
    pub reason: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The detector's id (`reentrancy-eth`).
    pub id: String,
    /// Its severity (after `[analyze] severity` overrides).
    pub severity: Severity,
    /// Its confidence.
    pub confidence: Confidence,
    /// What is wrong here.
    pub message: String,
    /// The file, as the compiler names it (relative to the project root).
    pub path: PathBuf,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (characters) of the span's start.
    pub column: usize,
    /// 1-based line of the span's end.
    pub end_line: usize,
    /// 1-based column just past the span's end.
    pub end_column: usize,
    /// Byte offset of the span in the file.
    pub start: usize,
    /// Byte length of the span.
    pub length: usize,
    /// The contract it is in.
    pub contract: Option<String>,
    /// The function or modifier it is in.
    pub function: Option<String>,
    /// A hash of what was found that survives edits elsewhere in the file
    /// (not the line number): the baseline and SARIF match on it.
    pub fingerprint: String,
    /// Set when an inline comment suppresses it.
    pub suppressed: Option<Suppression>,
    /// Set when the baseline holds it.
    #[serde(default)]
    pub baselined: bool,
    /// A mechanical fix (`slipway lint --fix`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// A mechanical fix: replace `length` bytes at `start` of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Byte offset in the file.
    pub start: usize,
    /// Bytes replaced (0: an insertion).
    pub length: usize,
    /// What goes there.
    pub replacement: String,
}

impl Finding {
    /// A finding of a rule set outside the detectors (infrastructure,
    /// audit, upgrade safety): rule `id` with `severity` in `path` at
    /// `line`:`column` (1-based), with high confidence, keyed by `key` —
    /// what it is about rather than where, so that SARIF and baselines
    /// follow it across edits elsewhere in the file.
    pub fn at(
        id: &str,
        severity: Severity,
        path: &std::path::Path,
        (line, column): (usize, usize),
        message: String,
        key: &str,
    ) -> Self {
        use sha2::{Digest, Sha256};
        let fingerprint = Sha256::digest(format!("{id}|{}|{key}", path.display()).as_bytes());
        Self {
            id: id.to_owned(),
            severity,
            confidence: Confidence::High,
            message,
            path: path.to_path_buf(),
            line,
            column,
            end_line: line,
            end_column: column,
            start: 0,
            length: 0,
            contract: None,
            function: None,
            fingerprint: fingerprint
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect(),
            suppressed: None,
            baselined: false,
            fix: None,
        }
    }

    /// Whether it counts toward the exit code.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none() && !self.baselined
    }
}
