//! Finding the pinned compiler: an explicit path, a native solc of exactly
//! that version on PATH, in the svm cache or in slipway's cache (installed
//! from the official binary list, `native.rs`), or solcjs from npm.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use semver::Version;

use crate::{
    Result, SolcError,
    native::{self, NativeOptions},
    solcjs,
};

/// Where the compiler came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompilerKind {
    /// Set by `[compiler] path` or `SLIPWAY_SOLC`.
    Explicit,
    /// A native `solc` on PATH.
    Path,
    /// A native solc in the svm cache.
    Svm,
    /// A native solc slipway installed from the official binary list.
    Native,
    /// The npm `solc` package run by node through slipway's shim.
    SolcJs,
}

/// A compiler executable of a known version.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Compiler {
    /// Executable speaking solc's command line.
    pub path: PathBuf,
    /// Its version.
    pub version: Version,
    /// How it was found.
    pub kind: CompilerKind,
    /// Why the native compiler was not used, when solcjs stands in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Inputs to resolution that come from outside the project file.
#[derive(Clone, Debug, Default)]
pub struct ResolveOptions {
    /// `[compiler] path` or `SLIPWAY_SOLC`, with where it came from.
    pub explicit: Option<(PathBuf, &'static str)>,
    /// Directories searched for `solc` (PATH when `None`).
    pub search_path: Option<std::ffi::OsString>,
    /// Per-user cache directory (`SLIPWAY_HOME`, else the platform cache dir).
    pub cache_dir: Option<PathBuf>,
    /// Whether and how to install the native compiler from the binary list
    /// (`None`: never try).
    pub native: Option<NativeOptions>,
}

impl ResolveOptions {
    /// Options from the process environment and the configured path;
    /// `offline` (`--offline`) adds to `SLIPWAY_OFFLINE`.
    pub fn from_env(configured: Option<&Path>, offline: bool) -> Self {
        let explicit = std::env::var_os("SLIPWAY_SOLC")
            .filter(|v| !v.is_empty())
            .map(|v| (PathBuf::from(v), "SLIPWAY_SOLC"))
            .or_else(|| configured.map(|p| (p.to_path_buf(), "[compiler] path")));
        Self {
            explicit,
            search_path: None,
            cache_dir: None,
            native: Some(NativeOptions::from_env(offline)),
        }
    }
}

/// slipway's per-user cache directory.
pub fn cache_dir(options: &ResolveOptions) -> PathBuf {
    options
        .cache_dir
        .clone()
        .or_else(|| std::env::var_os("SLIPWAY_HOME").map(|h| PathBuf::from(h).join("cache")))
        .or_else(|| dirs::cache_dir().map(|d| d.join("slipway")))
        .unwrap_or_else(|| PathBuf::from(".slipway/user-cache"))
}

/// Finds (or installs) solc `version`. `progress` receives a line whenever
/// something slow happens (an npm install).
pub fn resolve(
    version: &Version,
    options: &ResolveOptions,
    progress: &dyn Fn(&str),
) -> Result<Compiler> {
    if let Some((path, origin)) = &options.explicit {
        let found = probe_version(path)?;
        if !same_release(&found, version) {
            return Err(SolcError::WrongVersion {
                path: path.clone(),
                found,
                wanted: version.clone(),
                origin,
            });
        }
        return Ok(Compiler {
            path: path.clone(),
            version: found,
            kind: CompilerKind::Explicit,
            note: None,
        });
    }

    let search = options
        .search_path
        .clone()
        .or_else(|| std::env::var_os("PATH"));
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Ok(candidates) = which::which_in_all("solc", search.clone(), &cwd) {
        for path in candidates {
            match probe_version(&path) {
                Ok(found) if same_release(&found, version) => {
                    return Ok(Compiler {
                        path,
                        version: found,
                        kind: CompilerKind::Path,
                        note: None,
                    });
                }
                Ok(found) => {
                    tracing::debug!(path = %path.display(), %found, "skipping solc of another version");
                }
                Err(e) => tracing::debug!(path = %path.display(), error = %e, "skipping solc"),
            }
        }
    }

    for svm in svm_homes() {
        let path = svm
            .join(version.to_string())
            .join(format!("solc-{version}"));
        if path.is_file()
            && let Ok(found) = probe_version(&path)
            && same_release(&found, version)
        {
            return Ok(Compiler {
                path,
                version: found,
                kind: CompilerKind::Svm,
                note: None,
            });
        }
    }

    let cache = cache_dir(options);
    let note = match &options.native {
        // A native cache of its own (tests) keeps its install and its
        // "list unreachable" marker out of the per-user cache.
        Some(native_options) => match native::ensure(
            version,
            native_options.cache_dir.as_deref().unwrap_or(&cache),
            native_options,
            progress,
        )? {
            Ok(path) => {
                return Ok(Compiler {
                    version: probe_version(&path)?,
                    path,
                    kind: CompilerKind::Native,
                    note: None,
                });
            }
            Err(skipped) => Some(format!(
                "solc {version} from npm (solcjs), not native: {skipped}"
            )),
        },
        None => None,
    };

    let node = which::which_in("node", search.clone(), &cwd).ok();
    let npm = which::which_in("npm", search, &cwd).ok();
    match (node, npm) {
        (Some(_), Some(npm)) => {
            let path = solcjs::ensure_installed(version, &npm, &cache, progress)?;
            Ok(Compiler {
                path,
                version: version.clone(),
                kind: CompilerKind::SolcJs,
                note,
            })
        }
        _ => Err(SolcError::NoCompiler {
            version: version.clone(),
        }),
    }
}

/// Same major.minor.patch (build metadata such as `+commit…` differs between
/// native and js builds of one release).
fn same_release(a: &Version, b: &Version) -> bool {
    (a.major, a.minor, a.patch) == (b.major, b.minor, b.patch) && a.pre == b.pre
}

pub(crate) fn svm_homes() -> Vec<PathBuf> {
    let mut homes = Vec::new();
    if let Some(home) = dirs::home_dir() {
        homes.push(home.join(".svm"));
    }
    if let Some(data) = dirs::data_dir() {
        homes.push(data.join("svm"));
    }
    homes
}

/// Runs `solc --version` and parses its last line.
pub fn probe_version(path: &Path) -> Result<Version> {
    let failed = |message: String| SolcError::Probe {
        path: path.to_path_buf(),
        message,
    };
    let output = Command::new(path)
        .arg("--version")
        .output()
        .map_err(|e| failed(format!("cannot run it: {e}")))?;
    if !output.status.success() {
        return Err(failed(format!("`--version` exited with {}", output.status)));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    // Native builds print e.g. `Version: 0.8.20+commit.a1b79de6.Linux.g++`.
    let text = line
        .trim()
        .trim_start_matches("Version:")
        .trim()
        .replace(".g++", ".gcc");
    Version::parse(&text).map_err(|e| {
        failed(format!(
            "`--version` printed `{line}`, which is not a version: {e}"
        ))
    })
}
