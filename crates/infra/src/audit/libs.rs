//! Solidity libraries vendored as git checkouts (`lib/` of a Foundry
//! project, the `libs` of slipway.toml): each named by the package.json it
//! carries, else by the release tag its HEAD is at, else by its commit
//! (which no advisory can be matched against, and is said so).

use std::path::{Path, PathBuf};

use super::{Dependency, Pinned, git};

/// The npm name of a library known by its folder or repository name.
fn npm_name(folder: &str) -> String {
    match folder {
        "openzeppelin-contracts" => "@openzeppelin/contracts".to_owned(),
        "openzeppelin-contracts-upgradeable" => "@openzeppelin/contracts-upgradeable".to_owned(),
        other => other.to_owned(),
    }
}

/// (name, version) from a package.json, if it has both. OpenZeppelin's
/// repository root is `openzeppelin-solidity`; its `contracts/` folder
/// carries the published name, so that is read first.
fn package_json(dir: &Path) -> Option<(String, String, PathBuf)> {
    for candidate in [dir.join("contracts/package.json"), dir.join("package.json")] {
        let Ok(text) = std::fs::read_to_string(&candidate) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let name = json.get("name").and_then(|n| n.as_str());
        let version = json.get("version").and_then(|v| v.as_str());
        if let (Some(name), Some(version)) = (name, version) {
            let name = if name == "openzeppelin-solidity" {
                "@openzeppelin/contracts"
            } else {
                name
            };
            return Some((name.to_owned(), version.to_owned(), candidate));
        }
    }
    None
}

/// The `.gitmodules` line that declares `path = <rel>`, if any.
fn gitmodules_line(root: &Path, rel: &str) -> Option<usize> {
    let text = std::fs::read_to_string(root.join(".gitmodules")).ok()?;
    text.lines()
        .position(|line| {
            line.trim()
                .strip_prefix("path")
                .map(|rest| rest.trim_start().trim_start_matches('=').trim())
                == Some(rel)
        })
        .map(|i| i + 1)
}

/// The git checkouts in the library folders `libs` (relative to `root`;
/// `node_modules` is the lockfiles' business).
pub(super) fn read_all(root: &Path, libs: &[PathBuf]) -> Vec<Dependency> {
    let mut out = Vec::new();
    for lib in libs {
        if lib.file_name().is_some_and(|n| n == "node_modules") {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(root.join(lib)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        dirs.sort();
        for dir in dirs {
            let dot_git = dir.join(".git");
            let commit = git::head(&dot_git);
            let packaged = package_json(&dir);
            if commit.is_none() && packaged.is_none() {
                continue; // not a checkout, and nothing says what it is
            }
            let folder = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
            let rel_text = rel.to_string_lossy().replace('\\', "/");
            let tag_version = commit.as_ref().and_then(|c| {
                git::tags_at(&dot_git, c)
                    .into_iter()
                    .find(|t| super::advisories::version(t).is_some())
            });
            let (name, version, path, line) = match (&packaged, gitmodules_line(root, &rel_text)) {
                (Some((name, version, _)), Some(line)) => (
                    name.clone(),
                    Some(version.clone()),
                    PathBuf::from(".gitmodules"),
                    line,
                ),
                (Some((name, version, file)), None) => {
                    let shown = file.strip_prefix(root).unwrap_or(file).to_path_buf();
                    (name.clone(), Some(version.clone()), shown, 1)
                }
                (None, line) => (
                    npm_name(&folder),
                    tag_version.map(|t| t.trim_start_matches('v').to_owned()),
                    if line.is_some() {
                        PathBuf::from(".gitmodules")
                    } else {
                        rel.clone()
                    },
                    line.unwrap_or(1),
                ),
            };
            out.push(Dependency {
                name,
                version,
                commit,
                pinned: Pinned::Git(rel),
                path,
                line,
            });
        }
    }
    out
}
