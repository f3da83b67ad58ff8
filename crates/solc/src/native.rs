//! Installing the native solc from the official binary list: the
//! platform's `list.json`, the build of exactly the pinned version, its
//! bytes checked against both the sha256 and the keccak256 the list gives,
//! then installed atomically into the per-user cache. `SLIPWAY_SOLC_MIRROR`
//! replaces the list's base URL. No build waits on the network: connect and
//! read timeouts of a few seconds, an unreachable list remembered for 24 h,
//! and nothing tried at all when offline; the caller then falls back to
//! solcjs. A download that does not match its checksums is refused and
//! nothing is installed.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use alloy_primitives::{hex, keccak256};
use fs4::fs_std::FileExt;
use semver::Version;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use slipway_net::{HttpClient, NetSettings, Timeouts};

use crate::{Result, SolcError, resolve::probe_version};

/// The official list's base URL.
pub const DEFAULT_MIRROR: &str = "https://binaries.soliditylang.org";

/// How long an unreachable list is not asked again.
pub const UNREACHABLE_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// What the installer may use.
#[derive(Clone, Debug)]
pub struct NativeOptions {
    /// Never touch the network (`SLIPWAY_OFFLINE=1`, `--offline`).
    pub offline: bool,
    /// The list's base URL (`SLIPWAY_SOLC_MIRROR`, else [`DEFAULT_MIRROR`]).
    pub mirror: String,
    /// How connections are made (trust, proxies).
    pub net: NetSettings,
    /// To connect, and to read the list.
    pub timeouts: Timeouts,
    /// To read the compiler itself (tens of megabytes).
    pub download_timeout: Duration,
    /// The present time (tests move it).
    pub now: SystemTime,
    /// The platform directory of the list (`linux-amd64`, …); `None` where
    /// the project publishes no native build.
    pub platform: Option<&'static str>,
    /// Where native compilers go, if not the per-user cache (tests).
    pub cache_dir: Option<PathBuf>,
}

impl NativeOptions {
    /// From the process environment.
    pub fn from_env(offline_flag: bool) -> Self {
        let offline = offline_flag
            || std::env::var("SLIPWAY_OFFLINE")
                .is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
        Self {
            offline,
            mirror: std::env::var("SLIPWAY_SOLC_MIRROR")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| DEFAULT_MIRROR.to_owned()),
            net: NetSettings::from_env(),
            timeouts: Timeouts {
                connect: Duration::from_secs(3),
                request: Duration::from_secs(10),
            },
            download_timeout: Duration::from_secs(120),
            now: SystemTime::now(),
            platform: platform(),
            cache_dir: None,
        }
    }
}

/// The list's name for this machine.
pub fn platform() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("linux-amd64"),
        ("macos", "x86_64" | "aarch64") => Some("macosx-amd64"),
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
struct List {
    builds: Vec<Build>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Build {
    path: String,
    version: String,
    #[serde(default)]
    prerelease: Option<String>,
    sha256: String,
    keccak256: String,
}

/// Why no native compiler was installed, when that is not an error: the
/// caller falls back to solcjs and says this in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Offline.
    Offline,
    /// No native builds for this platform.
    Platform,
    /// The list was unreachable (now, or within the last 24 h).
    Unreachable(String),
    /// The list has no build of the version.
    NotListed,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skipped::Offline => f.write_str("offline (SLIPWAY_OFFLINE or --offline)"),
            Skipped::Platform => f.write_str("no native solc is published for this platform"),
            Skipped::Unreachable(why) => write!(f, "the solc binary list is unreachable ({why})"),
            Skipped::NotListed => f.write_str("the solc binary list has no build of it"),
        }
    }
}

/// Where an installed native `version` lives in `cache`.
pub fn installed_path(cache: &Path, version: &Version) -> PathBuf {
    cache
        .join("solc")
        .join(version.to_string())
        .join(format!("solc-{version}"))
}

fn marker(cache: &Path) -> PathBuf {
    cache.join("solc").join("list-unreachable")
}

/// The installed native `version`, installing it if needed: `Ok(Err(why))`
/// when none can be had (offline, unreachable, not listed).
pub fn ensure(
    version: &Version,
    cache: &Path,
    options: &NativeOptions,
    progress: &dyn Fn(&str),
) -> Result<std::result::Result<PathBuf, Skipped>> {
    let target = installed_path(cache, version);
    if target.is_file() {
        return Ok(Ok(target));
    }
    if options.offline {
        return Ok(Err(Skipped::Offline));
    }
    let Some(platform) = options.platform else {
        return Ok(Err(Skipped::Platform));
    };
    if let Some(why) = recently_unreachable(cache, options.now) {
        return Ok(Err(Skipped::Unreachable(why)));
    }
    let dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cache.to_path_buf());
    fs::create_dir_all(&dir).map_err(SolcError::io("cannot create", &dir))?;
    let lock_path = dir.join("install.lock");
    let lock = fs::File::create(&lock_path).map_err(SolcError::io("cannot create", &lock_path))?;
    lock.lock_exclusive()
        .map_err(SolcError::io("cannot lock", &lock_path))?;
    // Another process may have installed it while we waited.
    if target.is_file() {
        return Ok(Ok(target));
    }
    let base = format!("{}/{platform}", options.mirror.trim_end_matches('/'));
    let list = match off_thread(|| fetch_list(&base, options)) {
        Ok(list) => list,
        Err(why) => {
            remember_unreachable(cache, options.now, &why);
            return Ok(Err(Skipped::Unreachable(why)));
        }
    };
    let wanted = version.to_string();
    let Some(build) = list
        .builds
        .iter()
        .find(|b| b.version == wanted && b.prerelease.as_deref().is_none_or(str::is_empty))
    else {
        return Ok(Err(Skipped::NotListed));
    };
    progress(&format!(
        "solc {version} (native, {platform}) into {}",
        dir.display()
    ));
    let url = format!("{base}/{}", build.path);
    let bytes =
        off_thread(|| fetch_binary(&url, options)).map_err(|reason| SolcError::Download {
            version: version.clone(),
            reason,
        })?;
    verify(version, build, &bytes)?;
    install(&target, &bytes, version)?;
    let _ = fs::remove_file(marker(cache));
    progress(&format!("solc {version}: done"));
    Ok(Ok(target))
}

/// Checks `bytes` against both digests the list gives.
fn verify(version: &Version, build: &Build, bytes: &[u8]) -> Result<()> {
    let sha = format!("0x{}", hex::encode(Sha256::digest(bytes)));
    let keccak = format!("0x{}", hex::encode(keccak256(bytes)));
    let same = |a: &str, b: &str| {
        a.trim_start_matches("0x")
            .eq_ignore_ascii_case(b.trim_start_matches("0x"))
    };
    for (name, expected, actual) in [
        ("sha256", &build.sha256, &sha),
        ("keccak256", &build.keccak256, &keccak),
    ] {
        if !same(expected, actual) {
            return Err(SolcError::Checksum {
                version: version.clone(),
                digest: name,
                expected: expected.clone(),
                actual: actual.clone(),
            });
        }
    }
    Ok(())
}

/// Writes beside the target, makes it executable, checks that it runs and
/// is the right version, then renames it into place.
fn install(target: &Path, bytes: &[u8], version: &Version) -> Result<()> {
    let partial = target.with_extension(format!("partial-{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut file = fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&partial, fs::Permissions::from_mode(0o755))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(SolcError::io("cannot write", &partial)(e));
    }
    wait_until_executable(&partial);
    match probe_version(&partial) {
        Ok(found)
            if (found.major, found.minor, found.patch)
                == (version.major, version.minor, version.patch) => {}
        Ok(found) => {
            let _ = fs::remove_file(&partial);
            return Err(SolcError::Download {
                version: version.clone(),
                reason: format!("the downloaded compiler says it is {found}"),
            });
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    }
    fs::rename(&partial, target).map_err(SolcError::io("cannot move into place", target))
}

/// Waits, briefly, until a just-written executable can be run: another
/// thread of this process that forks between our write and our exec holds
/// the written file open until its child execs, and Linux refuses to run
/// a file open for writing (ETXTBSY; rust-lang/rust#114554).
fn wait_until_executable(path: &Path) {
    for _ in 0..100 {
        match std::process::Command::new(path)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
        {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => return,
        }
    }
}

fn recently_unreachable(cache: &Path, now: SystemTime) -> Option<String> {
    let text = fs::read_to_string(marker(cache)).ok()?;
    let (when, why) = text.split_once('\n').unwrap_or((&text, ""));
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(when.trim().parse().ok()?);
    let age = now.duration_since(when).unwrap_or_default();
    (age < UNREACHABLE_FOR).then(|| format!("{why}; not asked again for 24 h"))
}

fn remember_unreachable(cache: &Path, now: SystemTime, why: &str) {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let path = marker(cache);
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    // Best effort: without the marker the list is only asked again.
    let _ = fs::write(&path, format!("{secs}\n{why}"));
}

/// Runs network work on its own thread and runtime, so that it works from
/// any caller (inside a runtime or not).
fn off_thread<T: Send>(
    work: impl FnOnce() -> std::result::Result<T, String> + Send,
) -> std::result::Result<T, String> {
    std::thread::scope(|scope| {
        scope
            .spawn(work)
            .join()
            .unwrap_or_else(|_| Err("the download thread panicked".into()))
    })
}

fn runtime() -> std::result::Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn get(
    url: &str,
    settings: &NetSettings,
    timeouts: Timeouts,
) -> std::result::Result<Vec<u8>, String> {
    let client = HttpClient::new(settings, timeouts).map_err(|e| e.to_string())?;
    let parsed: url::Url = url.parse().map_err(|e| format!("{url}: {e}"))?;
    let shown = format!(
        "{}://{}{}",
        parsed.scheme(),
        parsed.host_str().unwrap_or(""),
        parsed.port().map(|p| format!(":{p}")).unwrap_or_default()
    ) + parsed.path();
    runtime()?.block_on(async {
        let response = client
            .inner()
            .get(parsed.clone())
            .send()
            .await
            .map_err(|e| {
                client
                    .failure(&e.without_url(), &parsed, shown.clone())
                    .to_string()
            })?;
        if !response.status().is_success() {
            return Err(format!("{shown}: HTTP {}", response.status().as_u16()));
        }
        response.bytes().await.map(|b| b.to_vec()).map_err(|e| {
            client
                .failure(&e.without_url(), &parsed, shown.clone())
                .to_string()
        })
    })
}

fn fetch_list(base: &str, options: &NativeOptions) -> std::result::Result<List, String> {
    let url = format!("{base}/list.json");
    let bytes = get(&url, &options.net, options.timeouts)?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{url}: not a solc binary list ({e})"))
}

fn fetch_binary(url: &str, options: &NativeOptions) -> std::result::Result<Vec<u8>, String> {
    let timeouts = Timeouts {
        connect: options.timeouts.connect,
        request: options.download_timeout,
    };
    get(url, &options.net, timeouts)
}
