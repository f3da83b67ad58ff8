//! The npm packages a project's Solidity reaches: the import graph walked
//! from its own sources through `node_modules`. Only these become
//! remappings. A remapping is part of every contract's metadata, and so of
//! its bytecode: remapping every installed package would let an unrelated
//! `npm install` (a JavaScript SDK, say) change the project's bytecode,
//! its CREATE2 addresses and its fuzz runs.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

/// The import paths of a Solidity source: the quoted path of each `import`
/// statement (`import "p";`, `import "p" as x;`, `import {A} from "p";`,
/// across lines).
pub(crate) fn import_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("import") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "import".len()..];
        // A word that merely ends in `import` is no statement.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let statement = rest.split(';').next().unwrap_or_default();
        let quoted: Vec<&str> = statement.split(['"', '\'']).skip(1).step_by(2).collect();
        if let Some(path) = quoted.last() {
            paths.push((*path).to_owned());
        }
    }
    paths
}

/// The package an import path names: `solmate` for `solmate/src/…`,
/// `@scope` for `@scope/pkg/…` (remapped as a whole scope). None for a
/// relative path.
fn package_of(path: &str) -> Option<&str> {
    if path.starts_with('.') || path.starts_with('/') {
        return None;
    }
    path.split('/').next().filter(|p| !p.is_empty())
}

/// The `.sol` files under `dirs`, at any depth.
pub(crate) fn sol_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "sol") {
                files.push(path);
            }
        }
    }
    files
}

/// The npm packages (names or `@scope`s) under `node_modules` that the
/// Solidity files under `dirs` reach, directly or through the package
/// files they import.
pub(crate) fn reached_packages(dirs: &[PathBuf], node_modules: &Path) -> BTreeSet<String> {
    let mut packages = BTreeSet::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut files = sol_files(dirs);
    while let Some(file) = files.pop() {
        if !seen.insert(file.clone()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let in_node_modules = file.starts_with(node_modules);
        for import in import_paths(&text) {
            match package_of(&import) {
                None if in_node_modules => {
                    if let Some(dir) = file.parent() {
                        files.push(dir.join(&import));
                    }
                }
                None => {}
                Some(package) => {
                    let target = node_modules.join(&import);
                    if target.is_file() {
                        packages.insert(package.to_owned());
                        files.push(target);
                    }
                }
            }
        }
    }
    packages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_import_is_read_and_words_ending_in_import_are_not() {
        let text = "import \"a/A.sol\";\nimport 'b/B.sol' as B;\nimport {X,\n  Y} from \"@s/p/C.sol\";\nimport * as Z from './D.sol';\n// reimport \"e/E.sol\";\n";
        assert_eq!(
            import_paths(text),
            ["a/A.sol", "b/B.sol", "@s/p/C.sol", "./D.sol"]
        );
        assert_eq!(package_of("@s/p/C.sol"), Some("@s"));
        assert_eq!(package_of("./D.sol"), None);
    }

    #[test]
    fn packages_are_reached_through_the_files_of_other_packages() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(path, text).expect("write");
        };
        write("src/A.sol", "import {B} from \"first/B.sol\";\n");
        write("node_modules/first/B.sol", "import \"./inner/C.sol\";\n");
        write(
            "node_modules/first/inner/C.sol",
            "import \"@second/x/D.sol\";\n",
        );
        write("node_modules/@second/x/D.sol", "contract D {}\n");
        write("node_modules/unused/E.sol", "contract E {}\n");
        write("node_modules/js-only/index.js", "module.exports = 1;\n");
        let reached = reached_packages(&[root.join("src")], &root.join("node_modules"));
        assert_eq!(
            reached.into_iter().collect::<Vec<_>>(),
            ["@second", "first"]
        );
    }
}
