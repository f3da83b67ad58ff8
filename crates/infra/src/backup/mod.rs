//! `slipway backup` and `slipway restore`: the operational state of one
//! environment that git cannot give back (`collect.rs`), in one archive
//! with a manifest of every file's size and SHA-256, the chain id and
//! genesis hash, and the slipway version (`archive.rs`), kept in a folder
//! or S3-compatible storage (`store.rs`, `s3.rs`). A restore checks the
//! whole archive and the chain before it writes anything, writes only into
//! empty state, and can then check the records against the chain's code
//! through deploy's verification.

mod archive;
mod collect;
mod s3;
pub mod store;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::SystemTime,
};

use serde::{Deserialize, Serialize};
use slipway_config::{Config, Environment, Target};
use slipway_contracts::Artifacts;
use slipway_deploy::verify::{Verdict, VerifyError, VerifyRequest};

pub use store::Location;

/// The archive format this slipway writes and reads.
pub const FORMAT: u32 = 1;

/// Where `--to` defaults to, under the project.
pub const DEFAULT_DIR: &str = "backups";

/// One file of the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Its path in the project (`/`-separated).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// What an archive holds, and of what.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The archive format ([`FORMAT`]).
    pub format: u32,
    /// The slipway version that wrote it.
    pub slipway: String,
    /// When (RFC 3339, UTC).
    pub created: String,
    /// The environment.
    pub environment: String,
    /// Its chain id.
    pub chain_id: u64,
    /// Its chain's genesis block hash.
    pub genesis: String,
    /// Whether the archive holds the embedded chain itself.
    pub embedded_chain: bool,
    /// The resolved configuration kept beside the state (not restored).
    pub config: FileEntry,
    /// The state files.
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// The total size of the state files.
    pub fn size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Why a backup or restore stopped (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A state file holds one of the environment's secret values.
    #[error(
        "{} holds {what}'s value: a backup must not carry secrets; take it out of that file (nothing was written)",
        path.display()
    )]
    SecretInState {
        /// The file.
        path: PathBuf,
        /// Which secret (its variable or role, never its value).
        what: String,
    },
    /// The archive could not be made.
    #[error("cannot make the archive: {0}")]
    Archive(String),
    /// The archive is damaged, truncated or altered.
    #[error("the archive is damaged: {0}; nothing was restored")]
    Damaged(String),
    /// The archive is of a format this slipway does not read.
    #[error(
        "the archive is of format {0}; this slipway reads format {FORMAT}: restore it with a matching slipway"
    )]
    Format(u32),
    /// The archive is of another chain.
    #[error("the archive is of {archive}, but environment `{env}` is {here}: nothing was restored")]
    OtherChain {
        /// The environment.
        env: String,
        /// The archive's chain.
        archive: String,
        /// The environment's chain.
        here: String,
    },
    /// Restoring would overwrite state.
    #[error(
        "restoring would overwrite {} existing file(s): {}; restore into an empty project state (move these away first)",
        paths.len(),
        paths.iter().take(5).map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    WouldOverwrite {
        /// What exists already.
        paths: Vec<PathBuf>,
    },
    /// `--to` or the archive's location does not parse.
    #[error("not a backup location: {0}")]
    Location(String),
    /// The store refused or failed.
    #[error("{location}: {message}")]
    Store {
        /// Where.
        location: String,
        /// What it said.
        message: String,
    },
    /// The configuration could not be resolved.
    #[error(transparent)]
    Config(#[from] slipway_config::ConfigError),
    /// The chain could not be reached.
    #[error(transparent)]
    Connect(#[from] slipway_chain::ConnectError),
    /// The chain did not answer.
    #[error(transparent)]
    Provider(#[from] slipway_chain::ProviderError),
}

/// A backup made.
#[derive(Debug)]
pub struct BackupOutcome {
    /// Where it went.
    pub location: Location,
    /// What it holds.
    pub manifest: Manifest,
    /// The archive's size.
    pub archive_size: u64,
}

fn resolved_config(config: &Config, env: &Environment) -> Result<Vec<u8>, BackupError> {
    let environments = BTreeMap::from([(env.name.clone(), env.clone())]);
    toml::to_string_pretty(&config.resolved(environments))
        .map(String::into_bytes)
        .map_err(|e| BackupError::Archive(format!("the configuration does not serialise: {e}")))
}

fn seconds(now: SystemTime) -> u64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Backs up `env`'s state to the folder or prefix `to`, at time `now`.
pub async fn backup(
    config: &Config,
    env: &Environment,
    to: &Location,
    now: SystemTime,
) -> Result<BackupOutcome, BackupError> {
    let genesis = {
        let client = slipway_chain::connect(config, env, "slipway backup").await?;
        client.genesis_hash().await?
    };
    let files = collect::collect(config, env)?;
    let config_bytes = resolved_config(config, env)?;
    let created = humantime::format_rfc3339_seconds(now).to_string();
    let manifest = Manifest {
        format: FORMAT,
        slipway: env!("CARGO_PKG_VERSION").to_owned(),
        created: created.clone(),
        environment: env.name.clone(),
        chain_id: env.chain.id,
        genesis: genesis.to_string(),
        embedded_chain: matches!(env.target, Target::Embedded(_)),
        config: archive::entry(Path::new(archive::CONFIG), &config_bytes),
        files: files
            .iter()
            .map(|(path, bytes)| archive::entry(path, bytes))
            .collect(),
    };
    let bytes = archive::write(&manifest, &config_bytes, &files, seconds(now))?;
    let stamp: String = created
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let name = format!("slipway-{}-{}-{stamp}.tar.gz", env.name, env.chain.id);
    let archive_size = bytes.len() as u64;
    let location = store::put(to, &name, bytes).await?;
    Ok(BackupOutcome {
        location,
        manifest,
        archive_size,
    })
}

/// A restore done.
#[derive(Debug)]
pub struct RestoreOutcome {
    /// What the archive held.
    pub manifest: Manifest,
    /// The files written, by project path.
    pub written: Vec<PathBuf>,
    /// Where the configuration the archive kept was written, when today's
    /// resolved configuration differs from it (the Safe, the providers or
    /// a gate changed since).
    pub config_differs: Option<PathBuf>,
}

/// Reads the archive at `from`, checks it (every file against the
/// manifest; the chain id, and for a remote chain its genesis, against
/// the environment's; no existing file in the way), then writes its files
/// into the project. Nothing is written unless every check passes.
pub async fn restore(config: &Config, from: &Location) -> Result<RestoreOutcome, BackupError> {
    let bytes = store::get(from).await?;
    let checked = archive::read(&bytes)?;
    let manifest = checked.manifest;
    let env = config.environment(&manifest.environment)?;
    let other = |here: String| BackupError::OtherChain {
        env: env.name.clone(),
        archive: format!("chain {} (genesis {})", manifest.chain_id, manifest.genesis),
        here,
    };
    if env.chain.id != manifest.chain_id {
        return Err(other(format!("chain {}", env.chain.id)));
    }
    match (&env.target, manifest.embedded_chain) {
        (Target::Rpc(_), false) => {
            let client = slipway_chain::connect(config, &env, "slipway restore").await?;
            let genesis = client.genesis_hash().await?.to_string();
            if genesis != manifest.genesis {
                return Err(other(format!("chain {} (genesis {genesis})", env.chain.id)));
            }
        }
        (Target::Embedded(_), true) => {}
        (Target::Rpc(_), true) => {
            return Err(other(
                "a remote chain (the archive holds an embedded development chain)".to_owned(),
            ));
        }
        (Target::Embedded(_), false) => {
            return Err(other(
                "the embedded development chain (the archive is of a remote chain)".to_owned(),
            ));
        }
    }
    let root = &config.root;
    let in_the_way: Vec<PathBuf> = checked
        .files
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| root.join(path).exists())
        .collect();
    if !in_the_way.is_empty() {
        return Err(BackupError::WouldOverwrite { paths: in_the_way });
    }
    // Everything into a staging folder first, then each file renamed into
    // place: a failure while writing leaves the project as it was.
    let staging = root
        .join(".slipway")
        .join(format!("restore-{}", std::process::id()));
    let write = |path: &Path, source| BackupError::Write {
        path: path.to_path_buf(),
        source,
    };
    for (path, bytes) in &checked.files {
        let staged = staging.join(path);
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write(parent, e))?;
        }
        std::fs::write(&staged, bytes).map_err(|e| write(&staged, e))?;
    }
    let mut written = Vec::new();
    for (path, _) in &checked.files {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write(parent, e))?;
        }
        std::fs::rename(staging.join(path), &target).map_err(|e| write(&target, e))?;
        written.push(path.clone());
    }
    let _ = std::fs::remove_dir_all(&staging);
    let today = resolved_config(config, &env)?;
    let config_differs = if archive::sha256(&today) == manifest.config.sha256 {
        None
    } else {
        let kept = root
            .join(".slipway")
            .join("restored")
            .join(&env.name)
            .join(archive::CONFIG);
        if let Some(parent) = kept.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write(parent, e))?;
        }
        std::fs::write(&kept, &checked.config).map_err(|e| write(&kept, e))?;
        Some(kept)
    };
    Ok(RestoreOutcome {
        config_differs,
        manifest,
        written,
    })
}

/// Compares the restored records of `env` with the code on its chain,
/// through deploy's verification (bytecode and constructor arguments; no
/// explorer).
pub async fn verify_restored(
    config: &Config,
    env: &Environment,
    artifacts: &Artifacts,
) -> Result<Vec<Verdict>, VerifyError> {
    let request = VerifyRequest {
        names: Vec::new(),
        etherscan: false,
        sourcify: false,
    };
    slipway_deploy::verify::verify(config, env, artifacts, &request, "slipway restore --verify")
        .await
}
