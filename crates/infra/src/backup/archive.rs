//! The archive: a gzipped tar holding `manifest.json`, `config.toml` (the
//! resolved configuration, secrets redacted) and the state under `files/`,
//! and the reader that checks all of it against the manifest before
//! anything is restored.

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    path::{Component, Path, PathBuf},
};

use flate2::{Compression, read::GzDecoder, write::GzEncoder};
use sha2::{Digest, Sha256};

use super::{BackupError, FileEntry, Manifest};

/// The manifest's name in the archive.
pub(crate) const MANIFEST: &str = "manifest.json";
/// The resolved configuration's.
pub(crate) const CONFIG: &str = "config.toml";
/// The folder the state files are under.
pub(crate) const FILES: &str = "files";

/// A file's SHA-256, hex.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The entry describing `bytes` at `path`.
pub(crate) fn entry(path: &Path, bytes: &[u8]) -> FileEntry {
    FileEntry {
        path: path.to_string_lossy().replace('\\', "/"),
        size: bytes.len() as u64,
        sha256: sha256(bytes),
    }
}

fn append(
    builder: &mut tar::Builder<GzEncoder<Vec<u8>>>,
    name: &str,
    bytes: &[u8],
    mtime: u64,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    builder.append_data(&mut header, name, bytes)
}

/// The archive's bytes.
pub(crate) fn write(
    manifest: &Manifest,
    config: &[u8],
    files: &[(PathBuf, Vec<u8>)],
    mtime: u64,
) -> Result<Vec<u8>, BackupError> {
    let io = |e: std::io::Error| BackupError::Archive(e.to_string());
    let manifest_json =
        serde_json::to_vec_pretty(manifest).map_err(|e| BackupError::Archive(e.to_string()))?;
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    append(&mut builder, MANIFEST, &manifest_json, mtime).map_err(io)?;
    append(&mut builder, CONFIG, config, mtime).map_err(io)?;
    for (path, bytes) in files {
        let name = format!("{FILES}/{}", path.to_string_lossy().replace('\\', "/"));
        append(&mut builder, &name, bytes, mtime).map_err(io)?;
    }
    let mut gz = builder.into_inner().map_err(io)?;
    gz.flush().map_err(io)?;
    gz.finish().map_err(io)
}

/// What an archive holds, checked: its manifest, the configuration it
/// kept, and each state file's bytes by project path.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) manifest: Manifest,
    pub(crate) config: Vec<u8>,
    pub(crate) files: Vec<(PathBuf, Vec<u8>)>,
}

/// A path inside the project: relative, with no `..`.
fn safe(path: &str) -> Option<PathBuf> {
    let path = Path::new(path);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
        .filter(|p| !p.as_os_str().is_empty())
}

/// Reads `bytes` and checks every file against the manifest: a damaged,
/// truncated or altered archive is refused whole.
pub(crate) fn read(bytes: &[u8]) -> Result<Checked, BackupError> {
    let damaged = |why: String| BackupError::Damaged(why);
    let mut archive = tar::Archive::new(GzDecoder::new(bytes));
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in archive
        .entries()
        .map_err(|e| damaged(format!("not a gzipped tar archive ({e})")))?
    {
        let mut entry = entry.map_err(|e| damaged(format!("cut short or corrupt ({e})")))?;
        match entry.header().entry_type() {
            tar::EntryType::Regular => {}
            // Folders, as tar writes them when an archive is rebuilt.
            tar::EntryType::Directory => continue,
            _ => {
                return Err(damaged(
                    "it holds links or devices, which a slipway backup never does".into(),
                ));
            }
        }
        let name = entry
            .path()
            .map_err(|e| damaged(format!("an entry's name does not read ({e})")))?
            .to_string_lossy()
            .into_owned();
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| damaged(format!("cut short or corrupt in {name} ({e})")))?;
        if entries.insert(name.clone(), data).is_some() {
            return Err(damaged(format!("{name} is in it twice")));
        }
    }
    let manifest: Manifest = entries
        .remove(MANIFEST)
        .ok_or_else(|| damaged(format!("it has no {MANIFEST}: not a slipway backup")))
        .and_then(|m| {
            serde_json::from_slice(&m)
                .map_err(|e| damaged(format!("its {MANIFEST} does not read ({e})")))
        })?;
    if manifest.format != super::FORMAT {
        return Err(BackupError::Format(manifest.format));
    }
    let config = entries
        .remove(CONFIG)
        .ok_or_else(|| damaged(format!("it has no {CONFIG}")))?;
    if sha256(&config) != manifest.config.sha256 {
        return Err(damaged(format!(
            "{CONFIG} does not match its manifest entry"
        )));
    }
    let mut files = Vec::new();
    for listed in &manifest.files {
        let name = format!("{FILES}/{}", listed.path);
        let bytes = entries
            .remove(&name)
            .ok_or_else(|| damaged(format!("{} is listed but missing", listed.path)))?;
        if bytes.len() as u64 != listed.size || sha256(&bytes) != listed.sha256 {
            return Err(damaged(format!(
                "{} does not match its manifest entry (size or SHA-256)",
                listed.path
            )));
        }
        let path = safe(&listed.path)
            .ok_or_else(|| damaged(format!("{} is not a path inside the project", listed.path)))?;
        files.push((path, bytes));
    }
    if let Some(extra) = entries.keys().next() {
        return Err(damaged(format!("{extra} is not in the manifest")));
    }
    Ok(Checked {
        manifest,
        config,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_paths_inside_the_project_are_safe() {
        assert!(safe("deployments/staging/Token.json").is_some());
        assert!(safe("../etc/passwd").is_none());
        assert!(safe("/etc/passwd").is_none());
        assert!(safe("deployments/../../x").is_none());
        assert!(safe("").is_none());
    }
}
