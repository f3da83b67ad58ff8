//! Web3 Secret Storage (v3) keystores: the files geth, ethers, Foundry and
//! MetaMask exchange. Created with scrypt; read with scrypt or PBKDF2.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256};
use alloy_signer_local::PrivateKeySigner;

use crate::{
    LocalKey,
    scrypt::{Decrypted, SecretStorage},
};

/// A keystore password. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Why a keystore could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// The name is not usable as a file name.
    #[error("`{0}` is not a keystore name: use letters, digits, `-` and `_`")]
    BadName(String),
    /// A keystore of that name exists.
    #[error("a keystore named `{name}` exists already ({path}); choose another name")]
    Exists {
        /// The name.
        name: String,
        /// Its file.
        path: PathBuf,
    },
    /// No such keystore.
    #[error("no keystore at {0}; `slipway account list` shows the keystores")]
    Missing(PathBuf),
    /// Wrong password, or a damaged file (the MAC does not match).
    #[error("cannot decrypt {0}: wrong password, or the file is damaged")]
    Decrypt(PathBuf),
    /// Not a keystore this reader understands.
    #[error("{path} is not a readable keystore: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The key is not a valid secp256k1 private key.
    #[error("the private key is not valid (32 bytes of hex, not zero, below the curve order)")]
    BadKey,
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The keystore directory: `$SLIPWAY_HOME/keystores`, else
/// `~/.slipway/keystores` (one file per account, named after it).
#[derive(Clone, Debug)]
pub struct Keystores {
    dir: PathBuf,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Keystores {
    /// The keystores in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The per-user directory (`SLIPWAY_HOME` or the home directory).
    pub fn default_dir() -> Option<PathBuf> {
        std::env::var_os("SLIPWAY_HOME")
            .map(|home| PathBuf::from(home).join("keystores"))
            .or_else(|| dirs::home_dir().map(|home| home.join(".slipway/keystores")))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of keystore `name`.
    pub fn path(&self, name: &str) -> Result<PathBuf, KeystoreError> {
        if !valid_name(name) {
            return Err(KeystoreError::BadName(name.to_owned()));
        }
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Creates keystore `name` holding a new random key; its address.
    pub fn create(&self, name: &str, password: &Password) -> Result<Address, KeystoreError> {
        let key = PrivateKeySigner::random();
        self.write(name, key.to_bytes(), password)
    }

    /// Creates keystore `name` holding `key`; its address.
    pub fn import(
        &self,
        name: &str,
        key: B256,
        password: &Password,
    ) -> Result<Address, KeystoreError> {
        PrivateKeySigner::from_bytes(&key).map_err(|_| KeystoreError::BadKey)?;
        self.write(name, key, password)
    }

    fn write(&self, name: &str, key: B256, password: &Password) -> Result<Address, KeystoreError> {
        let path = self.path(name)?;
        if path.exists() {
            return Err(KeystoreError::Exists {
                name: name.to_owned(),
                path,
            });
        }
        let io = |source| KeystoreError::Io {
            path: self.dir.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let file_name = format!("{name}.json");
        let (signer, _) = PrivateKeySigner::encrypt_keystore(
            &self.dir,
            &mut rand08::thread_rng(),
            key,
            password.expose(),
            Some(&file_name),
        )
        .map_err(|e| KeystoreError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        restrict(&path)?;
        declare_address(&path, signer.address())?;
        Ok(signer.address())
    }

    /// Every keystore: name and the address its file declares (if any),
    /// sorted by name. No password is needed. Files that are not readable
    /// keystores are left out: [`Keystores::survey`] says which and why.
    pub fn list(&self) -> Result<Vec<(String, Option<Address>)>, KeystoreError> {
        Ok(self
            .survey()?
            .into_iter()
            .filter_map(|k| k.address.ok().map(|a| (k.name, a)))
            .collect())
    }

    /// Every `*.json` file of the directory, sorted by name: the address
    /// it declares (if any), or why it is not a readable keystore.
    pub fn survey(&self) -> Result<Vec<Listed>, KeystoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(KeystoreError::Io {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut found: Vec<Listed> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let path = entry.path();
                let name = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(".json")?
                    .to_owned();
                let address = inspect(&path);
                Some(Listed {
                    name,
                    path,
                    address,
                })
            })
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(found)
    }

    /// The address the keystore file at `path` declares (geth and slipway
    /// write it), read without its password; `None` when it declares none.
    pub fn declared_address(path: &Path) -> Option<Address> {
        declared_address(path)
    }

    /// Whether `bytes` look like a Web3 Secret Storage keystore (JSON with a
    /// `crypto` object), for code that must never carry one elsewhere
    /// (backups).
    pub fn is_keystore(bytes: &[u8]) -> bool {
        serde_json::from_slice::<serde_json::Value>(bytes)
            .is_ok_and(|json| json.get("crypto").or_else(|| json.get("Crypto")).is_some())
    }

    /// Decrypts the keystore file at `path`.
    pub fn unlock(path: &Path, password: &Password) -> Result<LocalKey, KeystoreError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                KeystoreError::Missing(path.to_path_buf())
            } else {
                KeystoreError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::unlock_text(&text, path, password)
    }

    /// Decrypts a keystore's JSON text (`path` names it in errors). Any
    /// text is answered: hostile parameters and damaged files are errors,
    /// never a panic, a huge allocation or a hang (fuzzed:
    /// `fuzz/`, target `keystore`).
    pub fn unlock_text(
        text: &str,
        path: &Path,
        password: &Password,
    ) -> Result<LocalKey, KeystoreError> {
        let malformed = |reason: String| KeystoreError::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        let mut json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| malformed(format!("not JSON: {e}")))?;
        // The definition's examples and ethers write `Crypto`; geth `crypto`.
        if let Some(object) = json.as_object_mut()
            && !object.contains_key("crypto")
            && let Some(crypto) = object.remove("Crypto")
        {
            object.insert("crypto".to_owned(), crypto);
        }
        // Parameters first: nothing is derived from hostile ones.
        let crypto = json
            .get("crypto")
            .ok_or_else(|| malformed("no crypto object".into()))?;
        crate::kdf_bounds::check(crypto).map_err(malformed)?;
        // Decrypted in memory: neither the file nor the key is copied
        // anywhere (a copy in a temporary directory outlived killed runs).
        let keystore = SecretStorage::from_json(crypto).map_err(malformed)?;
        match keystore.decrypt(password.expose().as_bytes()) {
            Decrypted::Key(key) => PrivateKeySigner::from_bytes(&key)
                .map(LocalKey::new)
                .map_err(|_| KeystoreError::BadKey),
            Decrypted::WrongPassword => Err(KeystoreError::Decrypt(path.to_path_buf())),
            Decrypted::Unsupported(reason) => Err(malformed(reason)),
        }
    }
}

/// Adds the `address` field geth writes (lowercase hex, no `0x`), so that
/// `list` needs no password.
fn declare_address(path: &Path, address: Address) -> Result<(), KeystoreError> {
    let io = |source| KeystoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(io)?;
    let mut json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| io(std::io::Error::other(e.to_string())))?;
    if let Some(object) = json.as_object_mut() {
        object.insert(
            "address".to_owned(),
            serde_json::Value::String(alloy_primitives::hex::encode(address)),
        );
    }
    std::fs::write(path, json.to_string()).map_err(io)
}

/// A file of the keystore directory, as `slipway account list` shows it.
#[derive(Clone, Debug)]
pub struct Listed {
    /// Its name (the file name without `.json`).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The address it declares (`None`: a keystore without the field), or
    /// why it is not a readable keystore.
    pub address: Result<Option<Address>, String>,
}

/// What a keystore file declares, without its password.
fn inspect(path: &Path) -> Result<Option<Address>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("is not JSON: {e}"))?;
    if json.get("crypto").or_else(|| json.get("Crypto")).is_none() {
        return Err("is not a Web3 Secret Storage keystore: it has no `crypto` object".into());
    }
    match json.get("address").and_then(|a| a.as_str()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| format!("declares `{text}`, which is not an address")),
    }
}

/// The `address` field geth and slipway write into keystore files.
fn declared_address(path: &Path) -> Option<Address> {
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("address")?.as_str()?.parse().ok()
}

#[cfg(unix)]
fn restrict(path: &Path) -> Result<(), KeystoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
        KeystoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> Result<(), KeystoreError> {
    Ok(())
}
