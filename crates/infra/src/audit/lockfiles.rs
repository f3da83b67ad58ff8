//! The packages npm, pnpm and yarn lockfiles pin, each with the line that
//! pins it: `package-lock.json` (lockfile versions 1 to 3),
//! `pnpm-lock.yaml` (5 to 9) and `yarn.lock` (classic and berry). slipway
//! reads them itself: `npm audit` asks a network service.

use std::path::Path;

use super::{AuditError, Dependency, Pinned};

/// The lockfiles read, in this order.
pub const LOCKFILES: &[&str] = &["package-lock.json", "pnpm-lock.yaml", "yarn.lock"];

/// The 1-based line of the first line that holds
/// `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .map_or(1, |i| i + 1)
}

fn dependency(name: &str, version: &str, file: &Path, line: usize) -> Dependency {
    Dependency {
        name: name.to_owned(),
        version: Some(version.to_owned()),
        commit: None,
        pinned: Pinned::Lockfile,
        path: file.to_path_buf(),
        line,
    }
}

/// `package-lock.json`: `packages` (v2, v3: keys `node_modules/…/name`)
/// or `dependencies` (v1, nested).
pub fn npm(text: &str, file: &Path) -> Result<Vec<Dependency>, AuditError> {
    let lock: serde_json::Value = serde_json::from_str(text).map_err(|e| AuditError::Lockfile {
        path: file.to_path_buf(),
        line: e.line(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    if let Some(packages) = lock.get("packages").and_then(|p| p.as_object()) {
        for (key, entry) in packages {
            let Some((_, folder)) = key.rsplit_once("node_modules/") else {
                continue; // the root package ("")
            };
            // An npm alias (`"x-v4": "npm:x@4"`) keeps the package's own
            // name beside the folder's: advisories name the package.
            let name = entry.get("name").and_then(|n| n.as_str()).unwrap_or(folder);
            if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
                let line = line_of(text, &format!("\"{key}\""));
                out.push(dependency(name, version, file, line));
            }
        }
    } else if let Some(deps) = lock.get("dependencies").and_then(|d| d.as_object()) {
        fn nested(
            deps: &serde_json::Map<String, serde_json::Value>,
            text: &str,
            file: &Path,
            out: &mut Vec<Dependency>,
        ) {
            for (name, entry) in deps {
                if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
                    let line = line_of(text, &format!("\"{name}\": {{"));
                    out.push(dependency(name, version, file, line));
                }
                if let Some(inner) = entry.get("dependencies").and_then(|d| d.as_object()) {
                    nested(inner, text, file, out);
                }
            }
        }
        nested(deps, text, file, &mut out);
    }
    Ok(out)
}

/// A `name@version` (or v5's `/name/version`) key of pnpm's `packages`.
fn pnpm_key(key: &str) -> Option<(String, String)> {
    let key = key.trim().trim_end_matches(':').trim_matches(['\'', '"']);
    let key = key.strip_prefix('/').unwrap_or(key);
    // v5 keys are paths, `/name/version` or `/@scope/name/version`, with
    // peer dependencies after `_`.
    let segments: Vec<&str> = key.split('/').collect();
    if let Some(at) = segments
        .iter()
        .position(|s| s.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|&i| i > 0)
    {
        let version = segments[at].split('_').next().unwrap_or_default();
        return Some((segments[..at].join("/"), version.to_owned()));
    }
    // v6 and later: `name@version`, peers in `(…)`.
    let key = key.split('(').next().unwrap_or(key);
    let at = key.rfind('@').filter(|&i| i > 0)?;
    Some((key[..at].to_owned(), key[at + 1..].to_owned()))
}

/// `pnpm-lock.yaml`: the keys of its top-level `packages:` map.
pub fn pnpm(text: &str, file: &Path) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut in_packages = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if !line.starts_with(' ') && !line.is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        let indented = line.len() - line.trim_start().len();
        if in_packages
            && indented == 2
            && line.trim_end().ends_with(':')
            && let Some((name, version)) = pnpm_key(line)
        {
            out.push(dependency(&name, &version, file, i + 1));
        }
    }
    out
}

/// The package a yarn spec names (`@scope/name@^1.0.0`, `name@npm:1.0.0`).
fn yarn_name(spec: &str) -> Option<&str> {
    let spec = spec.trim().trim_matches('"');
    let at = spec[1.min(spec.len())..].find('@')? + 1;
    Some(&spec[..at])
}

/// `yarn.lock`: each entry's header (its specs) and its `version` line.
pub fn yarn(text: &str, file: &Path) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            current = line
                .trim_end()
                .strip_suffix(':')
                .and_then(|header| header.split(", ").next())
                .and_then(yarn_name)
                .filter(|name| !name.starts_with("__"))
                .map(|name| (name.to_owned(), i + 1));
            continue;
        }
        let field = line.trim();
        let version = field
            .strip_prefix("version:")
            .or_else(|| field.strip_prefix("version "))
            .map(|v| v.trim().trim_matches('"'));
        if let (Some(version), Some((name, at))) = (version, current.take()) {
            out.push(dependency(&name, version, file, at));
        }
    }
    out
}

/// Every lockfile at `root`, read.
pub fn read_all(root: &Path) -> Result<Vec<Dependency>, AuditError> {
    let mut out = Vec::new();
    for name in LOCKFILES {
        let path = root.join(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(AuditError::Read { path, source }),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let shown = Path::new(name);
        out.extend(match *name {
            "package-lock.json" => npm(text, shown)?,
            "pnpm-lock.yaml" => pnpm(text, shown),
            _ => yarn(text, shown),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins(deps: &[Dependency]) -> Vec<(String, String, usize)> {
        deps.iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.version.clone().unwrap_or_default(),
                    d.line,
                )
            })
            .collect()
    }

    #[test]
    fn npm_v3_and_v1_lockfiles() {
        let v3 = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"x\"},\n    \"node_modules/@openzeppelin/contracts\": {\n      \"version\": \"4.9.2\"\n    },\n    \"node_modules/a/node_modules/solmate\": {\"version\": \"6.2.0\"}\n  }\n}\n";
        let found = pins(&npm(v3, Path::new("package-lock.json")).expect("reads"));
        assert!(found.contains(&("@openzeppelin/contracts".into(), "4.9.2".into(), 5)));
        assert!(found.contains(&("solmate".into(), "6.2.0".into(), 8)));
        // An alias installs the package under another folder's name.
        let aliased = "{\n  \"packages\": {\n    \"node_modules/@openzeppelin/contracts-v4\": {\n      \"name\": \"@openzeppelin/contracts\",\n      \"version\": \"4.7.0\"\n    }\n  }\n}\n";
        let found = pins(&npm(aliased, Path::new("package-lock.json")).expect("reads"));
        assert_eq!(
            found,
            vec![("@openzeppelin/contracts".into(), "4.7.0".into(), 3)]
        );
        let v1 = "{\n  \"lockfileVersion\": 1,\n  \"dependencies\": {\n    \"@openzeppelin/contracts\": {\n      \"version\": \"4.4.0\"\n    }\n  }\n}\n";
        let found = pins(&npm(v1, Path::new("package-lock.json")).expect("reads"));
        assert_eq!(
            found,
            vec![("@openzeppelin/contracts".into(), "4.4.0".into(), 4)]
        );
        let err = npm("{\n  \"packages\": [\n", Path::new("package-lock.json"))
            .expect_err("broken")
            .to_string();
        assert!(err.contains("package-lock.json:"), "{err}");
    }

    #[test]
    fn pnpm_keys_of_every_lockfile_version() {
        let text = "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      solmate:\n        specifier: 6.2.0\n\npackages:\n\n  '@openzeppelin/contracts@4.9.2':\n    resolution: {integrity: sha512-x}\n\n  /solmate/6.2.0_peer@1.0.0:\n    resolution: {}\n\n  /solady@0.0.180(typescript@5.0.0):\n    dev: false\n\nsnapshots:\n\n  '@openzeppelin/contracts@4.9.2': {}\n";
        let found = pins(&pnpm(text, Path::new("pnpm-lock.yaml")));
        assert_eq!(
            found,
            vec![
                ("@openzeppelin/contracts".into(), "4.9.2".into(), 11),
                ("solmate".into(), "6.2.0".into(), 14),
                ("solady".into(), "0.0.180".into(), 17),
            ]
        );
    }

    #[test]
    fn yarn_classic_and_berry_with_crlf() {
        let classic = "# yarn lockfile v1\r\n\r\n\"@openzeppelin/contracts@^4.9.0\", \"@openzeppelin/contracts@4.9.2\":\r\n  version \"4.9.2\"\r\n  resolved \"https://r\"\r\n\r\nsolmate@^6:\r\n  version \"6.2.0\"\r\n";
        let found = pins(&yarn(classic, Path::new("yarn.lock")));
        assert_eq!(
            found,
            vec![
                ("@openzeppelin/contracts".into(), "4.9.2".into(), 3),
                ("solmate".into(), "6.2.0".into(), 7),
            ]
        );
        let berry = "__metadata:\n  version: 8\n\n\"@openzeppelin/contracts-upgradeable@npm:5.0.1\":\n  version: 5.0.1\n  resolution: \"x\"\n";
        let found = pins(&yarn(berry, Path::new("yarn.lock")));
        assert_eq!(
            found,
            vec![(
                "@openzeppelin/contracts-upgradeable".into(),
                "5.0.1".into(),
                4
            )]
        );
    }
}
