//! Installing the npm `solc` package at an exact version into the per-user
//! cache, with the shim that gives it solc's command line.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use fs4::fs_std::FileExt;
use semver::Version;

use crate::{Result, SolcError};

/// The shim's source, written beside each installed solcjs.
const SHIM: &str = include_str!("shim.js");

/// The shim's file name inside an installation.
const SHIM_NAME: &str = "solc";

/// Returns the shim of an installed solcjs `version`, installing it first if
/// needed. Concurrent callers (parallel tests, two terminals) are serialised by
/// a lock file; an installation appears under its final name only when whole.
pub(crate) fn ensure_installed(
    version: &Version,
    npm: &Path,
    cache: &Path,
    progress: &dyn Fn(&str),
) -> Result<PathBuf> {
    let base = cache.join("solcjs");
    let dir = base.join(version.to_string());
    let shim = dir.join(SHIM_NAME);
    if is_installed(&dir, version) {
        refresh_shim(&shim)?;
        return Ok(shim);
    }

    fs::create_dir_all(&base).map_err(SolcError::io("cannot create", &base))?;
    let lock_path = base.join(format!("{version}.lock"));
    let lock = fs::File::create(&lock_path).map_err(SolcError::io("cannot create", &lock_path))?;
    lock.lock_exclusive()
        .map_err(SolcError::io("cannot lock", &lock_path))?;

    // Another process may have finished the install while we waited.
    if !is_installed(&dir, version) {
        progress(&format!(
            "solc {version} (npm package `solc`) into {}",
            dir.display()
        ));
        let staging = base.join(format!("{version}.partial-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging).map_err(SolcError::io("cannot create", &staging))?;
        let output = Command::new(npm)
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--no-package-lock",
            ])
            .arg("--prefix")
            .arg(&staging)
            .arg(format!("solc@{version}"))
            .output()
            .map_err(SolcError::io("cannot run", npm))?;
        if !output.status.success() {
            let _ = fs::remove_dir_all(&staging);
            return Err(SolcError::NpmInstall {
                version: version.clone(),
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        write_shim(&staging.join(SHIM_NAME))?;
        let _ = fs::remove_dir_all(&dir);
        fs::rename(&staging, &dir).map_err(SolcError::io("cannot move into place", &dir))?;
        progress(&format!("solc {version}: done"));
    }
    drop(lock);
    refresh_shim(&shim)?;
    Ok(shim)
}

fn is_installed(dir: &Path, version: &Version) -> bool {
    let manifest = dir.join("node_modules/solc/package.json");
    let Ok(text) = fs::read_to_string(manifest) else {
        return false;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    json.get("version").and_then(|v| v.as_str()) == Some(version.to_string().as_str())
}

/// Rewrites the shim if this slipway's copy differs (an upgrade changed it).
fn refresh_shim(path: &Path) -> Result<()> {
    match fs::read_to_string(path) {
        Ok(current) if current == SHIM => Ok(()),
        _ => write_shim(path),
    }
}

fn write_shim(path: &Path) -> Result<()> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, SHIM).map_err(SolcError::io("cannot write", &tmp))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))
            .map_err(SolcError::io("cannot make executable", &tmp))?;
    }
    fs::rename(&tmp, path).map_err(SolcError::io("cannot write", path))
}
