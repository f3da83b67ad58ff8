//! Installing the native solc from the official binary list: the
//! platform's `list.json`, the build of exactly the pinned version, its
//! bytes checked against both the sha256 and the keccak256 the list gives,
//! then installed atomically into the per-user cache. `SLIPWAY_SOLC_MIRROR`
//! replaces the list's base URL. No build waits on the network: connect and
//! read timeouts of a few seconds, an unreachable list remembered for 24 h,
//! and nothing tried at all when offline; the caller then falls back to
//! solcjs. Nothing is trusted about the size of what a mirror serves: the
//! list is read up to 4 MB, the compiler up to 150 MB, streamed to disk
//! while it is hashed (never held in memory), under an overall deadline; a
//! download that breaks any of these is remembered as an unreachable list
//! is. A download that does not match its checksums is refused and nothing
//! is installed.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use alloy_primitives::hex;
use fs4::fs_std::FileExt;
use semver::Version;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use slipway_net::{HttpClient, NetSettings, Timeouts};

use crate::{Result, SolcError, resolve::probe_version};

/// The official list's base URL.
pub const DEFAULT_MIRROR: &str = "https://binaries.soliditylang.org";

/// Most bytes of `list.json` read (the official one is about 300 KB).
pub const MAX_LIST_BYTES: u64 = 4 * 1024 * 1024;

/// Most bytes of a compiler read (solc 0.8 is under 10 MB).
pub const MAX_BINARY_BYTES: u64 = 150 * 1024 * 1024;

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
    /// The whole download of the compiler itself (tens of megabytes), from
    /// connecting to its last byte: a mirror that stalls hits it.
    pub download_timeout: Duration,
    /// Most bytes read of `list.json`.
    pub max_list_bytes: u64,
    /// Most bytes read of the compiler.
    pub max_binary_bytes: u64,
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
            max_list_bytes: MAX_LIST_BYTES,
            max_binary_bytes: MAX_BINARY_BYTES,
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
    let partial = target.with_extension(format!("partial-{}", std::process::id()));
    let digests = match off_thread(|| fetch_binary(&url, options, &partial)) {
        Ok(digests) => digests,
        Err(why) => {
            let _ = fs::remove_file(&partial);
            // A mirror that stalls or serves too much is as good as
            // unreachable: not asked again for a day, solcjs meanwhile.
            remember_unreachable(cache, options.now, &why);
            return Ok(Err(Skipped::Unreachable(why)));
        }
    };
    if let Err(e) = verify(version, build, &digests) {
        let _ = fs::remove_file(&partial);
        return Err(e);
    }
    install(&partial, &target, version)?;
    let _ = fs::remove_file(marker(cache));
    progress(&format!("solc {version}: done"));
    Ok(Ok(target))
}

/// The digests of a download, computed as it streamed to disk.
struct Digests {
    sha256: String,
    keccak256: String,
}

/// Checks a download's digests against both the list gives.
fn verify(version: &Version, build: &Build, digests: &Digests) -> Result<()> {
    let (sha, keccak) = (&digests.sha256, &digests.keccak256);
    let same = |a: &str, b: &str| {
        a.trim_start_matches("0x")
            .eq_ignore_ascii_case(b.trim_start_matches("0x"))
    };
    for (name, expected, actual) in [
        ("sha256", &build.sha256, sha),
        ("keccak256", &build.keccak256, keccak),
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

/// Makes the verified download beside the target executable, checks that
/// it runs and is the right version, then renames it into place.
fn install(partial: &Path, target: &Path, version: &Version) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = fs::set_permissions(partial, fs::Permissions::from_mode(0o755)) {
            let _ = fs::remove_file(partial);
            return Err(SolcError::io("cannot write", partial)(e));
        }
    }
    let partial = partial.to_path_buf();
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

/// Streams `url` into `sink`, at most `limit` bytes (a larger declared or
/// served body is refused), all within `deadline`.
fn fetch(
    url: &str,
    settings: &NetSettings,
    timeouts: Timeouts,
    deadline: Duration,
    limit: u64,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::result::Result<u64, String> {
    let client = HttpClient::new(settings, timeouts).map_err(|e| e.to_string())?;
    let parsed: url::Url = url.parse().map_err(|e| format!("{url}: {e}"))?;
    let shown = format!(
        "{}://{}{}",
        parsed.scheme(),
        parsed.host_str().unwrap_or(""),
        parsed.port().map(|p| format!(":{p}")).unwrap_or_default()
    ) + parsed.path();
    let too_big = |size: u64| {
        format!("{shown}: {size} bytes is more than the {limit} this download may be; refused")
    };
    let download = async {
        let mut response = client
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
        if let Some(declared) = response.content_length()
            && declared > limit
        {
            return Err(too_big(declared));
        }
        let mut read = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            client
                .failure(&e.without_url(), &parsed, shown.clone())
                .to_string()
        })? {
            read += chunk.len() as u64;
            if read > limit {
                return Err(too_big(read));
            }
            sink(&chunk).map_err(|e| format!("{shown}: cannot write the download: {e}"))?;
        }
        Ok(read)
    };
    runtime()?.block_on(async {
        tokio::time::timeout(deadline, download)
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "{shown}: not finished within {} s",
                    deadline.as_secs_f64()
                ))
            })
    })
}

fn fetch_list(base: &str, options: &NativeOptions) -> std::result::Result<List, String> {
    let url = format!("{base}/list.json");
    let mut bytes = Vec::new();
    fetch(
        &url,
        &options.net,
        options.timeouts,
        options.timeouts.request,
        options.max_list_bytes,
        &mut |chunk| {
            bytes.extend_from_slice(chunk);
            Ok(())
        },
    )?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{url}: not a solc binary list ({e})"))
}

/// Streams the compiler into `partial`, hashing it on the way.
fn fetch_binary(
    url: &str,
    options: &NativeOptions,
    partial: &Path,
) -> std::result::Result<Digests, String> {
    let timeouts = Timeouts {
        connect: options.timeouts.connect,
        request: options.download_timeout,
    };
    let mut file = fs::File::create(partial)
        .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    let mut sha = Sha256::new();
    let mut keccak = alloy_primitives::utils::Keccak256::new();
    fetch(
        url,
        &options.net,
        timeouts,
        options.download_timeout,
        options.max_binary_bytes,
        &mut |chunk| {
            sha.update(chunk);
            keccak.update(chunk);
            file.write_all(chunk)
        },
    )?;
    file.sync_all()
        .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    Ok(Digests {
        sha256: format!("0x{}", hex::encode(sha.finalize())),
        keccak256: format!("0x{}", hex::encode(keccak.finalize())),
    })
}
