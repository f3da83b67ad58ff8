//! Rules of the workspace's layout that a reviewer would otherwise have to
//! remember: only the chain layer speaks JSON-RPC.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// JSON-RPC method names are written by the chain layer (and the dev
/// chain that answers them) only: everything above asks the typed client.
#[test]
fn only_chain_and_devnet_write_json_rpc_method_names() {
    let crates = workspace().join("crates");
    let mut offenders = Vec::new();
    let mut scanned = 0;
    for entry in std::fs::read_dir(&crates).expect("crates").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "chain" || name == "devnet" {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&entry.path().join("src"), &mut files);
        for file in files {
            scanned += 1;
            let text = std::fs::read_to_string(&file).expect("source");
            for (i, line) in text.lines().enumerate() {
                if ["\"eth_", "\"debug_", "\"anvil_", "\"hardhat_"]
                    .iter()
                    .any(|p| line.contains(p))
                {
                    offenders.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        scanned > 50,
        "only {scanned} files scanned: wrong directory?"
    );
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

/// The names a `super::…` path in `text` brings in (`super::a`,
/// `super::{a, b}`), and those of `crate::cmd::…` paths.
fn imported_from_cmd(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for prefix in ["super::", "crate::cmd::"] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let group = match rest.strip_prefix('{') {
                Some(inner) => inner.split('}').next().unwrap_or(""),
                None => rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or(""),
            };
            names.extend(
                group
                    .split(',')
                    .map(|n| n.split("::").next().unwrap_or("").trim().to_owned())
                    .filter(|n| !n.is_empty()),
            );
        }
    }
    names
}

/// A command file parses its arguments, calls library use cases and
/// renders: it takes from the command module only the global options and
/// the exit-code convention, never another command.
#[test]
fn no_command_file_imports_another() {
    let dir = workspace().join("crates/slipway/src/cmd");
    let mut offenders = Vec::new();
    let mut commands = 0;
    for entry in std::fs::read_dir(&dir).expect("cmd").flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        commands += 1;
        let text = std::fs::read_to_string(&path).expect("source");
        for name in imported_from_cmd(&text) {
            if !["GlobalOpts", "CHECK_FAILED"].contains(&name.as_str()) {
                offenders.push(format!("{}: imports `{name}`", path.display()));
            }
        }
    }
    assert!(
        commands >= 10,
        "only {commands} command files: wrong directory?"
    );
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_import_scan_sees_both_forms() {
    let text = "use super::{GlobalOpts, build::compile};\nlet x = super::verify::verify();\nuse crate::cmd::test::Selection;";
    assert_eq!(
        imported_from_cmd(text),
        ["GlobalOpts", "build", "verify", "test"]
    );
}
