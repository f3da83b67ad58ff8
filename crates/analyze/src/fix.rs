//! `slipway lint --fix`: the mechanical fixes of counted findings applied
//! to the bytes they were computed on. The compiler saw each file with
//! `\r\n` turned into `\n`, so every fix's offsets are into that text; they
//! are mapped back onto the file's own bytes, so line endings, a byte-order
//! mark and everything the fixes do not touch stay as they were. The fixed
//! project is compiled in memory with the pinned compiler before anything
//! is written: a result that does not compile is refused, naming the rules,
//! and no file changes. Files are replaced by rename, keeping their mode.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use slipway_config::Config;
use slipway_solc::{Compiler, SolcError};

use crate::{Finding, Fix};

/// One file's fixes.
#[derive(Clone, Debug)]
pub struct FileFix {
    /// The file, relative to the project root.
    pub path: PathBuf,
    /// A unified diff of the change (`a/PATH`, `b/PATH`).
    pub diff: String,
    /// Fixes applied.
    pub applied: usize,
    /// The rules whose fixes were applied.
    pub rules: BTreeSet<String>,
}

/// What `--fix` did.
#[derive(Clone, Debug, Default)]
pub struct FixOutcome {
    /// Each changed file.
    pub files: Vec<FileFix>,
    /// Whether the files were written (false for a dry run).
    pub written: bool,
}

impl FixOutcome {
    /// Fixes applied in all.
    pub fn applied(&self) -> usize {
        self.files.iter().map(|f| f.applied).sum()
    }
}

/// Why fixes were not written.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// Read or write.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The fixed project does not compile: nothing was written.
    #[error(
        "the fixes of {} would leave the project not compiling ({first}); nothing was written: fix by hand, or exclude the rule with --exclude",
        rules.iter().cloned().collect::<Vec<_>>().join(", ")
    )]
    DoesNotCompile {
        /// The rules whose fixes were applied.
        rules: BTreeSet<String>,
        /// The compiler's first error.
        first: String,
    },
    /// The compiler could not run.
    #[error(transparent)]
    Build(#[from] SolcError),
}

/// The text the compiler saw of `raw`: `\r\n` as `\n` (as foundry-compilers
/// reads sources).
fn as_compiled(raw: &str) -> String {
    raw.replace("\r\n", "\n")
}

/// The offset in `raw` of `offset` in [`as_compiled`]`(raw)`: every `\r`
/// of a `\r\n` before it was removed. An offset at a line break maps to
/// before its `\r`, so an edit there never splits `\r\n`.
fn raw_offset(raw: &str, offset: usize) -> usize {
    let bytes = raw.as_bytes();
    let mut compiled = 0;
    let mut at = 0;
    while at < bytes.len() && compiled < offset {
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at += 1;
            continue;
        }
        at += 1;
        compiled += 1;
    }
    at
}

/// `fixes` (offsets into the compiled text) applied to `raw`, the last
/// first; a fix overlapping one already applied waits for the next run.
fn apply(raw: &str, mut fixes: Vec<(&Fix, &str)>) -> (String, usize, BTreeSet<String>) {
    fixes.sort_by_key(|(f, _)| std::cmp::Reverse(f.start));
    let mut new = raw.to_owned();
    let mut floor = usize::MAX;
    let mut applied = 0;
    let mut rules = BTreeSet::new();
    for (fix, rule) in fixes {
        let end = fix.start + fix.length;
        if end > floor {
            continue;
        }
        let (start_raw, end_raw) = (raw_offset(raw, fix.start), raw_offset(raw, end));
        if end_raw > new.len() || !new.is_char_boundary(start_raw) || !new.is_char_boundary(end_raw)
        {
            continue;
        }
        new.replace_range(start_raw..end_raw, &fix.replacement);
        floor = fix.start;
        applied += 1;
        rules.insert(rule.to_owned());
    }
    (new, applied, rules)
}

/// Applies the fixes of the counted findings: every file's change shown as
/// a diff; written (unless `dry_run`) only when the fixed project compiles
/// with `compiler`.
pub fn apply_fixes(
    config: &Config,
    compiler: &Compiler,
    findings: &[Finding],
    dry_run: bool,
) -> Result<FixOutcome, FixError> {
    let root = &config.root;
    let mut by_file: BTreeMap<PathBuf, Vec<(&Fix, &str)>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.counts()) {
        if let Some(fix) = &f.fix {
            by_file
                .entry(f.path.clone())
                .or_default()
                .push((fix, f.id.as_str()));
        }
    }
    let mut outcome = FixOutcome::default();
    let mut changed = Vec::new();
    for (path, fixes) in by_file {
        let file = root.join(&path);
        let raw = std::fs::read_to_string(&file).map_err(|source| FixError::Io {
            action: "read",
            path: file.clone(),
            source,
        })?;
        let (new, applied, rules) = apply(&raw, fixes);
        if new == raw {
            continue;
        }
        let name = path.display().to_string();
        let diff = similar::TextDiff::from_lines(&raw, &new)
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_string();
        outcome.files.push(FileFix {
            path: path.clone(),
            diff,
            applied,
            rules,
        });
        changed.push((path, raw, new));
    }
    if dry_run || changed.is_empty() {
        return Ok(outcome);
    }
    let candidate: Vec<(PathBuf, String)> = changed
        .iter()
        .map(|(path, _, new)| (path.clone(), as_compiled(new)))
        .collect();
    let errors = slipway_solc::compile_errors_with(config, compiler, &candidate)?;
    if let Some(first) = errors.first() {
        return Err(FixError::DoesNotCompile {
            rules: outcome.files.iter().flat_map(|f| f.rules.clone()).collect(),
            first: first.message.clone(),
        });
    }
    for (path, _, new) in &changed {
        replace(&root.join(path), new)?;
    }
    outcome.written = true;
    Ok(outcome)
}

/// Writes `text` beside `file`, gives it `file`'s permissions, and renames
/// it over `file`.
fn replace(file: &Path, text: &str) -> Result<(), FixError> {
    let io = |action, source| FixError::Io {
        action,
        path: file.to_path_buf(),
        source,
    };
    let permissions = std::fs::metadata(file)
        .map_err(|e| io("read", e))?
        .permissions();
    let tmp = file.with_extension("sol.slipway-fix");
    std::fs::write(&tmp, text).map_err(|e| io("write", e))?;
    std::fs::set_permissions(&tmp, permissions).map_err(|e| io("write", e))?;
    std::fs::rename(&tmp, file).map_err(|e| io("write", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(start: usize, length: usize, replacement: &str) -> Fix {
        Fix {
            start,
            length,
            replacement: replacement.to_owned(),
        }
    }

    /// Offsets computed on the compiled text land on the same characters of
    /// the file, whatever its line endings, BOM or non-ASCII text.
    #[test]
    fn fixes_land_on_the_bytes_they_were_computed_on() {
        for raw in [
            "uint a;\nuint b;\nuint c;\n",
            "uint a;\r\nuint b;\r\nuint c;\r\n",
            "uint a;\ruint b;\ruint c;\r",
            "\u{feff}uint a;\r\nuint b;\nuint c;\r\n",
            "// héllo ✓\r\nuint a;\r\n/* ünïcode */ uint b;\r\nuint c;\r\n",
        ] {
            let compiled = as_compiled(raw);
            // Every `uint` the compiler sees, made `uint256`.
            let fixes: Vec<Fix> = compiled
                .match_indices("uint ")
                .map(|(at, _)| fix(at, 4, "uint256"))
                .collect();
            let (new, applied, rules) =
                apply(raw, fixes.iter().map(|f| (f, "explicit-types")).collect());
            assert_eq!(applied, 3, "{raw:?}");
            assert_eq!(rules.into_iter().collect::<Vec<_>>(), ["explicit-types"]);
            assert_eq!(new, raw.replace("uint ", "uint256 "), "{raw:?}");
        }
    }

    #[test]
    fn an_edit_at_a_line_break_never_splits_crlf() {
        let raw = "a\r\nb";
        // Insert before the compiled `\n` (offset 1).
        let (new, _, _) = apply(raw, vec![(&fix(1, 0, ";"), "r")]);
        assert_eq!(new, "a;\r\nb");
        assert_eq!(raw_offset(raw, 2), 3, "after the line break");
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_run() {
        let raw = "uint x;";
        let (new, applied, _) = apply(
            raw,
            vec![(&fix(0, 4, "uint256"), "a"), (&fix(2, 3, "zz"), "b")],
        );
        assert_eq!(applied, 1);
        assert_eq!(new, "uizzx;");
    }
}
