//! Where archives go and come from: a folder (written to a temporary name,
//! synced, then renamed, so a half-written archive never has the final
//! name) or S3-compatible storage (`s3://bucket/prefix`; one PUT, which
//! S3 makes visible whole or not at all).

use std::path::{Path, PathBuf};

use object_store::{ObjectStoreExt, PutPayload, path::Path as Key};

use super::{BackupError, s3};

/// Where an archive is, or goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A local folder (for `--to`) or file (for `restore`).
    Local(PathBuf),
    /// A bucket and a key prefix (for `--to`) or key (for `restore`).
    S3 {
        /// The bucket.
        bucket: String,
        /// The key, or the prefix of keys, without leading or trailing `/`.
        key: String,
    },
}

impl Location {
    /// `s3://bucket/key…` or a path (relative paths under `root`).
    pub fn parse(text: &str, root: &Path) -> Result<Self, BackupError> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(BackupError::Location(format!(
                    "{text}: no bucket (s3://BUCKET/PREFIX)"
                )));
            }
            return Ok(Self::S3 {
                bucket: bucket.to_owned(),
                key: key.trim_matches('/').to_owned(),
            });
        }
        if text.contains("://") {
            return Err(BackupError::Location(format!(
                "{text}: only folders and s3:// locations are supported"
            )));
        }
        Ok(Self::Local(root.join(text)))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local(path) => write!(f, "{}", path.display()),
            Self::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

fn store_error(location: &Location, error: object_store::Error) -> BackupError {
    BackupError::Store {
        location: location.to_string(),
        message: error.to_string(),
    }
}

/// Writes `bytes` as `name` in the folder or under the prefix `to`; where
/// it went.
pub(crate) async fn put(
    to: &Location,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Location, BackupError> {
    match to {
        Location::Local(dir) => {
            let path = dir.join(name);
            let tmp = dir.join(format!(".{name}.tmp"));
            let io = |source| BackupError::Write {
                path: path.clone(),
                source,
            };
            std::fs::create_dir_all(dir).map_err(io)?;
            {
                use std::io::Write;
                let mut file = std::fs::File::create(&tmp).map_err(io)?;
                file.write_all(&bytes).map_err(io)?;
                file.sync_all().map_err(io)?;
            }
            std::fs::rename(&tmp, &path).map_err(io)?;
            Ok(Location::Local(path))
        }
        Location::S3 { bucket, key } => {
            let full = if key.is_empty() {
                name.to_owned()
            } else {
                format!("{key}/{name}")
            };
            let target = Location::S3 {
                bucket: bucket.clone(),
                key: full.clone(),
            };
            let store = s3::store(bucket).map_err(|e| store_error(&target, e))?;
            store
                .put(&Key::from(full), PutPayload::from(bytes))
                .await
                .map_err(|e| store_error(&target, e))?;
            Ok(target)
        }
    }
}

/// Reads the archive at `from`.
pub(crate) async fn get(from: &Location) -> Result<Vec<u8>, BackupError> {
    match from {
        Location::Local(path) => std::fs::read(path).map_err(|source| BackupError::Read {
            path: path.clone(),
            source,
        }),
        Location::S3 { bucket, key } => {
            let store = s3::store(bucket).map_err(|e| store_error(from, e))?;
            let got = store
                .get(&Key::from(key.as_str()))
                .await
                .map_err(|e| store_error(from, e))?;
            let bytes = got.bytes().await.map_err(|e| store_error(from, e))?;
            Ok(bytes.to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_as_folders_or_buckets() {
        let root = Path::new("/p");
        assert_eq!(
            Location::parse("s3://backups/slipway/prod/", root).expect("s3"),
            Location::S3 {
                bucket: "backups".into(),
                key: "slipway/prod".into()
            }
        );
        assert_eq!(
            Location::parse("backups", root).expect("dir"),
            Location::Local(PathBuf::from("/p/backups"))
        );
        assert!(Location::parse("s3:///x", root).is_err());
        assert!(Location::parse("gs://bucket/x", root).is_err());
    }
}
