//! What a backup of one environment holds: its records, journals, Safe
//! proposals and run records (`deployments/<env>/`), its incident logs
//! (`incidents/<env>/`), the monitor's cursor and outbox
//! (`.slipway/env/<env>/monitor/`), and, for the embedded chain, the chain
//! itself (its state directory). Locks and temporary files are left out;
//! so are `.env` files and keystores wherever they were put; and a file
//! holding one of the environment's secret values stops the backup.

use std::path::{Path, PathBuf};

use slipway_config::{Config, Environment, Target, state};

use super::BackupError;

/// Whether a file is never archived: owner locks, temporary files, `.env`
/// files, keystores.
fn left_out(name: &str, bytes: &[u8]) -> bool {
    name.ends_with(".lock")
        || name.ends_with(".tmp")
        || name.starts_with(".env")
        || name.ends_with(".env")
        || slipway_keys::Keystores::is_keystore(bytes)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<(), BackupError> {
    let read = |path: &Path, source| BackupError::Read {
        path: path.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(read(dir, e)),
    };
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .map_err(|e| read(dir, e))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| read(&path, e))?;
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else if kind.is_file() {
            let bytes = std::fs::read(&path).map_err(|e| read(&path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !left_out(&name, &bytes) {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                out.push((relative, bytes));
            }
        }
    }
    Ok(())
}

/// The folders a backup of `env` reads.
pub(crate) fn folders(config: &Config, env: &Environment) -> Vec<PathBuf> {
    let root = &config.root;
    let mut dirs = vec![
        state::records_dir(root, &env.name),
        state::incidents_dir(root, &env.name),
        state::monitor_dir(root, &env.name),
    ];
    if let Target::Embedded(devnet) = &env.target {
        dirs.push(config.path(&devnet.state_dir));
    }
    dirs
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The files of `env`'s state, by project path, checked to hold none of
/// its secret values.
pub(crate) fn collect(
    config: &Config,
    env: &Environment,
) -> Result<Vec<(PathBuf, Vec<u8>)>, BackupError> {
    let mut files = Vec::new();
    for dir in folders(config, env) {
        walk(&config.root, &dir, &mut files)?;
    }
    let secrets = env.secret_values(config.vars());
    for (path, bytes) in &files {
        if let Some((what, _)) = secrets
            .iter()
            .find(|(_, value)| contains(bytes, value.as_bytes()))
        {
            return Err(BackupError::SecretInState {
                path: path.clone(),
                what: what.clone(),
            });
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_env_files_and_keystores_are_left_out() {
        assert!(left_out("owner.lock", b""));
        assert!(left_out(".deploy.lock", b""));
        assert!(left_out(".env", b"KEY=1"));
        assert!(left_out(".env.production", b"KEY=1"));
        assert!(!left_out("Token.json", br#"{"address": "0x00"}"#));
        assert!(!left_out("chain.log", b"slipway-devnet-log 1\n"));
    }
}
