//! The TLS client configuration every outside connection uses: rustls with
//! graviola's pure-Rust cryptography (no OpenSSL, no C compiler), trusting
//! the system's root certificates plus those named by `SSL_CERT_FILE` and
//! `SSL_CERT_DIR` (a company CA, a test CA).

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use rustls::{ClientConfig, RootCertStore};

use super::NetError;

/// Which certificates are trusted.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    /// The system's store (`/etc/ssl/certs` and the like); off only in tests
    /// that must not trust anything they did not name.
    pub system: bool,
    /// PEM files whose certificates are trusted too (`SSL_CERT_FILE`).
    pub files: Vec<PathBuf>,
    /// Directories of PEM files trusted too (`SSL_CERT_DIR`, `:`-separated).
    pub dirs: Vec<PathBuf>,
}

impl Trust {
    /// The system's roots plus `SSL_CERT_FILE` / `SSL_CERT_DIR`, as
    /// OpenSSL-based tools read them.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var_os(name))
    }

    /// [`Trust::from_env`] over any source of variables.
    pub fn from_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Self {
        Self {
            system: true,
            files: var("SSL_CERT_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .into_iter()
                .collect(),
            dirs: var("SSL_CERT_DIR")
                .map(|v| std::env::split_paths(&v).collect())
                .unwrap_or_default(),
        }
    }

    /// Only the certificates in `file` (tests).
    pub fn only(file: impl Into<PathBuf>) -> Self {
        Self {
            system: false,
            files: vec![file.into()],
            dirs: Vec::new(),
        }
    }

    fn roots(&self) -> Result<RootCertStore, NetError> {
        let mut roots = RootCertStore::empty();
        let system: Vec<&Path> = if self.system {
            openssl_probe::candidate_cert_dirs().collect()
        } else {
            Vec::new()
        };
        // The store OpenSSL would use with neither variable set; the
        // variables add to it instead of replacing it.
        for dir in &system {
            let found = rustls_native_certs::load_certs_from_paths(None, Some(dir));
            roots.add_parsable_certificates(found.certs);
        }
        // Files and directories the system store already holds (many
        // machines point SSL_CERT_FILE/SSL_CERT_DIR at it) are not read twice.
        let in_system = |path: &Path| system.iter().any(|dir| path.starts_with(dir));
        for file in self.files.iter().filter(|f| !in_system(f)) {
            add_named(&mut roots, Some(file), None, "SSL_CERT_FILE")?;
        }
        for dir in self.dirs.iter().filter(|d| !in_system(d)) {
            add_named(&mut roots, None, Some(dir), "SSL_CERT_DIR")?;
        }
        Ok(roots)
    }
}

/// Adds the certificates of a file or directory the user named; one that
/// cannot be read, or holds none, is an error (a CA the user meant to add
/// must not be silently missing).
fn add_named(
    roots: &mut RootCertStore,
    file: Option<&Path>,
    dir: Option<&Path>,
    variable: &'static str,
) -> Result<(), NetError> {
    let path = file.or(dir).map(Path::to_path_buf).unwrap_or_default();
    let found = rustls_native_certs::load_certs_from_paths(file, dir);
    if let Some(error) = found.errors.into_iter().next() {
        return Err(NetError::Trust {
            variable,
            path,
            reason: error.to_string(),
        });
    }
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 && file.is_some() {
        return Err(NetError::Trust {
            variable,
            path,
            reason: "no PEM certificate in it".into(),
        });
    }
    Ok(())
}

/// The rustls configuration for `trust`.
pub fn client_config(trust: &Trust) -> Result<Arc<ClientConfig>, NetError> {
    let provider = Arc::new(rustls_graviola::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| NetError::TlsSetup(e.to_string()))?
        .with_root_certificates(trust.roots()?)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
