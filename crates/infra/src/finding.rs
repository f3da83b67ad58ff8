//! How infra's checks make a finding: the analyzer's type, with a
//! fingerprint of what it is about rather than where, so that SARIF and
//! baselines follow it across edits elsewhere in the file.

use std::path::Path;

use sha2::{Digest, Sha256};
use slipway_analyze::{Confidence, Finding, Severity};

/// A finding of rule `id` with `severity` in `path` at `line`:`column`
/// (1-based), keyed by `key`.
pub(crate) fn finding(
    id: &str,
    severity: Severity,
    path: &Path,
    (line, column): (usize, usize),
    message: String,
    key: &str,
) -> Finding {
    let fingerprint = Sha256::digest(format!("{id}|{}|{key}", path.display()).as_bytes());
    Finding {
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
