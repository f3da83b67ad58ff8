//! Choosing solc from the sources' pragmas, as forge's `auto_detect_solc`
//! does for a Foundry project that pins no version: the newest release
//! installed here that every file the build reaches accepts, else the
//! newest published release that does.

use std::path::PathBuf;

use foundry_compilers::{
    ProjectPathsConfig,
    resolver::{Graph, parse::SolParser},
    solc::SolcLanguage,
};
use semver::{Version, VersionReq};

use crate::{ResolveOptions, Result, SolcError};

/// Published solc releases, newest last (the npm `solc` package's list;
/// 0.4.12 was never published there).
fn releases() -> impl Iterator<Item = Version> {
    let series: [(u64, u64, u64); 5] = [(4, 11, 26), (5, 0, 17), (6, 0, 12), (7, 0, 6), (8, 0, 37)];
    series
        .into_iter()
        .flat_map(|(minor, first, last)| {
            (first..=last).map(move |patch| Version::new(0, minor, patch))
        })
        .filter(|v| *v != Version::new(0, 4, 12))
}

/// Versions installed in slipway's cache or svm's.
fn installed(options: &ResolveOptions) -> Vec<Version> {
    let cache = crate::cache_dir(options);
    let mut dirs: Vec<PathBuf> = vec![cache.join("solcjs"), cache.join("solc")];
    dirs.extend(crate::resolve::svm_homes());
    let mut found: Vec<Version> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().and_then(|n| Version::parse(n).ok()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The version requirements of every file the project's build reaches.
pub(crate) fn requirements(
    paths: &ProjectPathsConfig<SolcLanguage>,
) -> Result<Vec<(PathBuf, VersionReq)>> {
    let graph = Graph::<SolParser>::resolve(paths).map_err(|e| SolcError::Build(Box::new(e)))?;
    let mut reqs: Vec<(PathBuf, VersionReq)> = graph
        .nodes
        .iter()
        .filter_map(|node| {
            node.data
                .version_req
                .clone()
                .map(|req| (node.path().to_path_buf(), req))
        })
        .collect();
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(reqs)
}

/// The version to build with: the newest installed one that satisfies every
/// requirement, else the newest release that does.
pub(crate) fn choose(reqs: &[(PathBuf, VersionReq)], options: &ResolveOptions) -> Result<Version> {
    let fits = |v: &Version| reqs.iter().all(|(_, req)| req.matches(v));
    if let Some(v) = installed(options).into_iter().rev().find(|v| fits(v)) {
        return Ok(v);
    }
    if let Some(v) = releases()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|v| fits(v))
    {
        return Ok(v);
    }
    Err(SolcError::NoCommonVersion {
        pragmas: conflicting(reqs),
    })
}

/// A short account of the pragmas that rule each other out: the first file
/// and a file that no version of the first's allows beside it.
fn conflicting(reqs: &[(PathBuf, VersionReq)]) -> String {
    let all: Vec<Version> = releases().collect();
    for (i, (a, ra)) in reqs.iter().enumerate() {
        for (b, rb) in &reqs[i + 1..] {
            if !all.iter().any(|v| ra.matches(v) && rb.matches(v)) {
                return format!("{} ({ra}) and {} ({rb})", a.display(), b.display());
            }
        }
    }
    reqs.iter()
        .map(|(p, r)| format!("{} ({r})", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(path: &str, text: &str) -> (PathBuf, VersionReq) {
        (PathBuf::from(path), VersionReq::parse(text).expect("req"))
    }

    #[test]
    fn the_newest_fitting_release_is_chosen_when_none_is_installed() {
        let empty = tempfile::tempdir().expect("tempdir");
        let options = ResolveOptions {
            cache_dir: Some(empty.path().to_path_buf()),
            ..ResolveOptions::default()
        };
        let v = choose(
            &[req("a.sol", ">=0.8.0, <0.8.16"), req("b.sol", "^0.8.10")],
            &options,
        )
        .expect("a common version");
        assert_eq!(v, Version::new(0, 8, 15));
        let v = choose(&[req("a.sol", "=0.7.6")], &options).expect("exact");
        assert_eq!(v, Version::new(0, 7, 6));
        std::fs::create_dir_all(empty.path().join("solcjs/0.8.12")).expect("mkdir");
        let v = choose(&[req("a.sol", "^0.8.10")], &options).expect("installed first");
        assert_eq!(v, Version::new(0, 8, 12));
        let err = choose(&[req("a.sol", "=0.8.10"), req("b.sol", "^0.7.0")], &options)
            .expect_err("no common version");
        let text = err.to_string();
        assert!(text.contains("a.sol") && text.contains("b.sol"), "{text}");
    }
}
