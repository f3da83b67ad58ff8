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
    let (scanned, lines) = source_lines(&["chain", "devnet"]);
    assert!(
        scanned > 50,
        "only {scanned} files scanned: wrong directory?"
    );
    let offenders: Vec<String> = lines
        .iter()
        .filter(|(_, _, l)| {
            ["\"eth_", "\"debug_", "\"anvil_", "\"hardhat_"]
                .iter()
                .any(|p| l.contains(p))
        })
        .map(|(f, n, l)| format!("{}:{n}: {}", f.display(), l.trim()))
        .collect();
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
        // A command with several files is a folder: each of its files is
        // held to the same rule.
        let files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(&path)
                .expect("command folder")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        } else {
            vec![path]
        };
        for path in files {
            let text = std::fs::read_to_string(&path).expect("source");
            for name in imported_from_cmd(&text) {
                if !["GlobalOpts", "CHECK_FAILED"].contains(&name.as_str()) {
                    offenders.push(format!("{}: imports `{name}`", path.display()));
                }
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

/// Every line of every `src/` file of the crates, except those of `skip`.
fn source_lines(skip: &[&str]) -> (usize, Vec<(PathBuf, usize, String)>) {
    let crates = workspace().join("crates");
    let mut lines = Vec::new();
    let mut scanned = 0;
    for entry in std::fs::read_dir(&crates).expect("crates").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&entry.path().join("src"), &mut files);
        for file in files {
            scanned += 1;
            let text = std::fs::read_to_string(&file).expect("source");
            for (i, line) in text.lines().enumerate() {
                lines.push((file.clone(), i + 1, line.to_owned()));
            }
        }
    }
    (scanned, lines)
}

/// Keystores are read (decrypted, their KDF parameters parsed) by
/// slipway-keys alone; everyone else asks it for a signer.
#[test]
fn nothing_outside_keys_reads_a_keystore() {
    let (scanned, lines) = source_lines(&["keys"]);
    assert!(
        scanned > 50,
        "only {scanned} files scanned: wrong directory?"
    );
    let offenders: Vec<String> = lines
        .iter()
        .filter(|(_, _, l)| {
            [
                "Keystores::unlock",
                "unlock_text",
                "SecretStorage",
                "kdfparams",
                "\"crypto\"",
            ]
            .iter()
            .any(|p| l.contains(p))
        })
        .map(|(f, n, l)| format!("{}:{n}: {}", f.display(), l.trim()))
        .collect();
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

/// Protection is decided by an environment's flags (`protected`,
/// `multisig`), never by its name: no code compares a name, and only the
/// configuration's presets spell `production`.
#[test]
fn nothing_compares_an_environments_name_to_decide_a_protection() {
    let (scanned, lines) = source_lines(&[]);
    assert!(
        scanned > 50,
        "only {scanned} files scanned: wrong directory?"
    );
    let offenders: Vec<String> = lines
        .iter()
        .filter(|(file, _, l)| {
            let compares = [
                "env.name ==",
                "env.name !=",
                "environment.name ==",
                "environment.name !=",
            ]
            .iter()
            .any(|p| l.contains(p));
            let spells =
                l.contains("\"production\"") && !file.ends_with("config/src/environment.rs");
            compares || spells
        })
        .map(|(f, n, l)| format!("{}:{n}: {}", f.display(), l.trim()))
        .collect();
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

/// The module of `file` under `src`: `detectors::reentrancy` for
/// `src/detectors/reentrancy.rs`, `detectors` for `src/detectors/mod.rs`,
/// `` (the root) for `lib.rs`/`main.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts.join("::")
}

/// The paths of every `use` tree in `text`, flattened (`a::{b, c::d}` →
/// `a::b`, `a::c::d`), plus the paths written inline (`crate::x::f()`).
fn paths_in(text: &str) -> Vec<String> {
    fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let tree = tree.trim();
        match tree.find('{') {
            None => {
                let item = tree.split(" as ").next().unwrap_or("").trim();
                if !item.is_empty() {
                    out.push(format!("{prefix}{item}"));
                }
            }
            Some(open) => {
                let head = &tree[..open];
                let Some(close) = tree.rfind('}').filter(|c| *c > open) else {
                    return;
                };
                let inner = &tree[open + 1..close];
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            expand(&format!("{prefix}{head}"), &inner[start..i], out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                expand(&format!("{prefix}{head}"), &inner[start..], out);
            }
        }
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest.find(';').unwrap_or(rest.len());
        expand("", &rest[..end], &mut out);
        rest = &rest[end..];
    }
    for prefix in ["crate::", "super::"] {
        for (at, _) in text.match_indices(prefix) {
            let tail: String = text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(tail);
        }
    }
    out
}

/// Modules of one crate that import each other in a circle (through any
/// number of others). A module's own children are reached by relative
/// paths (`child::item`) too.
fn module_cycles(src: &Path) -> Vec<Vec<String>> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            (
                module_of(src, f),
                std::fs::read_to_string(f).expect("source"),
            )
        })
        .collect();
    let resolve = |from: &str, path: &str| -> Option<String> {
        let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<&str> = if from.is_empty() {
            Vec::new()
        } else {
            from.split("::").collect()
        };
        match segments.first() {
            Some(&"crate") => {
                base.clear();
                segments.remove(0);
            }
            Some(&"super") => {
                while segments.first() == Some(&"super") {
                    segments.remove(0);
                    base.pop();
                }
            }
            Some(first) => {
                // A child module named relatively.
                let child = [base.clone(), vec![*first]].concat().join("::");
                if !modules.contains_key(&child) {
                    return None;
                }
            }
            None => return None,
        }
        // The longest prefix that is a module.
        let mut best = None;
        for n in 0..=segments.len() {
            let candidate = [base.clone(), segments[..n].to_vec()].concat().join("::");
            if modules.contains_key(&candidate) {
                best = Some(candidate);
            }
        }
        best
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &modules {
        // The crate root only declares and re-exports: it is a facade.
        if module.is_empty() {
            continue;
        }
        let code: String = text
            .lines()
            .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        // Children named inline (`child::item`), not only in `use`.
        let prefix = if module.is_empty() {
            String::new()
        } else {
            format!("{module}::")
        };
        let children = modules.keys().filter_map(|m| {
            m.strip_prefix(&prefix)
                .filter(|rest| !rest.is_empty() && !rest.contains("::"))
        });
        let mut paths = paths_in(&code);
        for child in children {
            let written = code.match_indices(&format!("{child}::")).any(|(at, _)| {
                !code[..at]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if written {
                paths.push(format!("{child}::"));
            }
        }
        for path in paths {
            if let Some(target) = resolve(module, &path)
                && !target.is_empty()
                && &target != module
            {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    // Each module's cycle through itself, if any (depth-first search).
    let mut cycles: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    // Reported once, from its smallest module.
                    let smallest = cycle.iter().min().cloned().unwrap_or_default();
                    let pos = cycle.iter().position(|m| *m == smallest).unwrap_or(0);
                    cycle.rotate_left(pos);
                    cycles.insert(cycle);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    cycles.into_iter().collect()
}

/// No module imports another that imports it back (directly or through
/// others), in slipway-analyze and in the binary: each layer can be read
/// without the ones above it.
#[test]
fn no_module_imports_one_that_imports_it_back() {
    for krate in ["analyze", "slipway"] {
        let src = workspace().join("crates").join(krate).join("src");
        let cycles = module_cycles(&src);
        assert!(
            cycles.is_empty(),
            "{krate}: {}",
            cycles
                .iter()
                .map(|c| c.join(" -> "))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn the_cycle_finder_sees_parents_children_and_siblings() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path();
    std::fs::create_dir_all(src.join("a")).expect("dir");
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\npub use a::X;\n").expect("lib");
    std::fs::write(
        src.join("a/mod.rs"),
        "mod c;\npub struct X;\nfn f() { c::g(); }\n",
    )
    .expect("a");
    std::fs::write(src.join("a/c.rs"), "use super::X;\npub fn g() {}\n").expect("c");
    std::fs::write(src.join("b.rs"), "use crate::{a::X, c};\n").expect("b");
    assert_eq!(
        module_cycles(src),
        vec![vec!["a".to_owned(), "a::c".to_owned()]]
    );
    std::fs::write(src.join("a/c.rs"), "pub fn g() {}\n").expect("c");
    assert!(module_cycles(src).is_empty());
    assert_eq!(
        paths_in("use crate::{a::{b, c as d}, e};"),
        // The use tree flattened, then the inline scan, which stops at `{`.
        ["crate::a::b", "crate::a::c", "crate::e", "crate::"]
    );
}

/// The public items of `text` (`pub fn` signatures, `pub struct`, `pub
/// enum` and `pub type` declarations with their bodies), each with its
/// line.
fn public_items(text: &str) -> Vec<(usize, String)> {
    let mut items = Vec::new();
    for start in [
        "pub fn ",
        "pub async fn ",
        "pub struct ",
        "pub enum ",
        "pub type ",
    ] {
        for (at, _) in text.match_indices(start) {
            let line = text[..at].lines().count();
            let rest = &text[at..];
            // A signature ends at its body or `;`; a type at its closing brace.
            let is_fn = start.contains("fn ");
            let mut depth = 0i32;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '{' if is_fn && depth == 0 => {
                        end = i;
                        break;
                    }
                    '{' | '(' | '<' | '[' => depth += 1,
                    '}' | ')' | ']' => {
                        depth -= 1;
                        if !is_fn && depth == 0 && c == '}' {
                            end = i + 1;
                            break;
                        }
                    }
                    '>' if !rest[..i].ends_with('-') => depth -= 1,
                    ';' if depth == 0 => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            items.push((line, rest[..end].to_owned()));
        }
    }
    items
}

/// Whether `item` names serde_json's `Value` (not `DynSolValue` and kin).
fn names_json_value(item: &str) -> bool {
    item.contains("serde_json::Value")
        || item.match_indices("Value").any(|(at, _)| {
            let before = item[..at].chars().last();
            let after = item[at + 5..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
}

/// Nothing above the chain layer sees wire JSON: no public item of
/// slipway-chain or slipway-contracts takes, returns or holds a
/// `serde_json::Value`.
#[test]
fn no_json_value_in_the_public_api_of_chain_or_contracts() {
    let mut offenders = Vec::new();
    let mut items = 0;
    for krate in ["chain", "contracts"] {
        let mut files = Vec::new();
        rust_files(
            &workspace().join("crates").join(krate).join("src"),
            &mut files,
        );
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            // Unit tests are not API.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (line, item) in public_items(code) {
                items += 1;
                if names_json_value(&item) {
                    offenders.push(format!(
                        "{}:{line}: {}",
                        file.display(),
                        item.lines().next().unwrap_or("")
                    ));
                }
            }
        }
    }
    assert!(
        items > 40,
        "only {items} public items found: wrong directory?"
    );
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_public_item_scan_sees_signatures_and_bodies() {
    let text = "pub fn a(x: Value) -> u8 { 1 }\npub enum E {\n    V { data: Option<Value> },\n}\npub fn b(v: &DynSolValue) -> String { x }\npub(crate) fn c(v: Value) {}\n";
    let items = public_items(text);
    assert_eq!(items.len(), 3, "{items:?}");
    let flagged: Vec<bool> = items.iter().map(|(_, i)| names_json_value(i)).collect();
    assert_eq!(flagged, [true, false, true]);
}
