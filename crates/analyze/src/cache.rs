//! The per-file result cache (`.slipway/cache/analyze.json`): a file's
//! findings, kept under a key that hashes its text and the text of every
//! file it imports, with slipway's version and detector set. A damaged or
//! foreign cache is ignored: it only costs time.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::Finding;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Entry {
    key: String,
    findings: Vec<Finding>,
    /// The file and everything it imports (what its key hashes).
    #[serde(default)]
    closure: Vec<PathBuf>,
}

/// The cache.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Cache {
    files: BTreeMap<PathBuf, Entry>,
    /// Every source of the build the last run saw.
    #[serde(default)]
    sources: Vec<PathBuf>,
}

impl Cache {
    /// Reads `file`; empty when it is missing or unreadable.
    pub(crate) fn load(file: &Path) -> Self {
        std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// The findings kept for `path` under `key`.
    pub(crate) fn get(&self, path: &Path, key: &str) -> Option<&Vec<Finding>> {
        self.files
            .get(path)
            .filter(|e| e.key == key)
            .map(|e| &e.findings)
    }

    /// Keeps `findings` for `path` under `key`, with the files the key
    /// hashes.
    pub(crate) fn put(
        &mut self,
        path: &Path,
        key: &str,
        findings: Vec<Finding>,
        closure: Vec<PathBuf>,
    ) {
        self.files.insert(
            path.to_path_buf(),
            Entry {
                key: key.to_owned(),
                findings,
                closure,
            },
        );
    }

    /// The files `path`'s key hashes, as last recorded.
    pub(crate) fn closure(&self, path: &Path) -> Option<&[PathBuf]> {
        self.files
            .get(path)
            .map(|e| e.closure.as_slice())
            .filter(|c| !c.is_empty())
    }

    /// Records the build's sources and forgets files no longer among them.
    pub(crate) fn retain(&mut self, paths: &[&Path]) {
        self.files.retain(|p, _| paths.contains(&p.as_path()));
        self.sources = paths.iter().map(|p| p.to_path_buf()).collect();
    }

    /// The build's sources at the last run.
    pub(crate) fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// Writes the cache (to a temporary file, then renamed over it).
    pub(crate) fn save(&self, file: &Path) -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = file.with_extension("json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(tmp, file)
    }
}
