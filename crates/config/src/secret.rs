//! Values that must never be printed: keys, passwords, API keys and RPC URLs
//! that carry credentials. Their `Debug` and `Display` are redacted; the value
//! itself is only reachable through an explicit `expose()` call.

use std::fmt;

use serde::{Serialize, Serializer};
use url::Url;

/// What is shown in place of a secret.
pub const REDACTED: &str = "***";

/// A secret string; printing it in any way shows `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that has to use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

/// An RPC endpoint. Hosted providers put API keys in the path, the query or
/// the user-info of the URL, so only the scheme, host and port are ever shown.
#[derive(Clone, PartialEq, Eq)]
pub struct RpcUrl {
    url: Url,
    /// Whether any part of the URL came from an environment variable.
    from_env: bool,
}

impl RpcUrl {
    /// Wraps a parsed URL.
    pub fn new(url: Url, from_env: bool) -> Self {
        Self { url, from_env }
    }

    /// The full URL, credentials included, for the HTTP client only.
    pub fn expose(&self) -> &Url {
        &self.url
    }

    /// Whether the URL (or part of it) was read from an environment variable.
    pub fn from_env(&self) -> bool {
        self.from_env
    }

    /// Whether the URL has anything besides scheme, host and port that could
    /// be a credential.
    pub fn carries_credentials(&self) -> bool {
        let path = self.url.path();
        !self.url.username().is_empty()
            || self.url.password().is_some()
            || self.url.query().is_some()
            || self.url.fragment().is_some()
            || !(path.is_empty() || path == "/")
    }

    /// The URL as it may be shown: `https://host[:port]` followed by `/***`
    /// when anything else was present.
    pub fn redacted(&self) -> String {
        let mut shown = format!(
            "{}://{}",
            self.url.scheme(),
            self.url.host_str().unwrap_or("")
        );
        if let Some(port) = self.url.port() {
            shown.push_str(&format!(":{port}"));
        }
        if self.carries_credentials() {
            shown.push('/');
            shown.push_str(REDACTED);
        }
        shown
    }
}

impl fmt::Debug for RpcUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RpcUrl({})", self.redacted())
    }
}

impl fmt::Display for RpcUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for RpcUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

/// The parts of a URL that may be a credential: the whole URL, its user
/// and password, its query, and long path segments (hosted providers put
/// API keys there).
fn url_secrets(what: &str, url: &RpcUrl, out: &mut Vec<(String, String)>) {
    if !url.carries_credentials() {
        return;
    }
    let full = url.expose();
    out.push((what.to_owned(), full.to_string()));
    out.push((what.to_owned(), full.username().to_owned()));
    out.extend(full.password().map(|p| (what.to_owned(), p.to_owned())));
    out.extend(full.query().map(|q| (what.to_owned(), q.to_owned())));
    for segment in full.path_segments().into_iter().flatten() {
        out.push((what.to_owned(), segment.to_owned()));
    }
}

/// Values shorter than this are not searched for (a port, `v2`): they
/// would be found everywhere.
const SHORTEST_SECRET: usize = 12;

impl crate::Environment {
    /// The secret values this environment uses, each with where it comes
    /// from (`SIGNER_KEY`, `the RPC URL`): private keys and keystore
    /// passwords from the variables its signers name, credentials in its
    /// RPC and signer URLs, a dev chain's own mnemonic, its Safe service
    /// key, and `ETHERSCAN_API_KEY`.
    /// For searching what is about to be written (backups) for them; they
    /// are never to be shown.
    pub fn secret_values(&self, vars: &crate::Vars) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match &self.target {
            crate::Target::Rpc(urls) => {
                for url in urls {
                    url_secrets("the RPC URL", url, &mut out);
                }
            }
            crate::Target::Embedded(devnet) if devnet.mnemonic != crate::DEV_MNEMONIC => {
                out.push((
                    "the dev chain's mnemonic".to_owned(),
                    devnet.mnemonic.clone(),
                ));
            }
            crate::Target::Embedded(_) => {}
        }
        for (name, signer) in &self.signers {
            match signer {
                crate::Signer::Env { var } => {
                    if let Some(key) = vars.get(var) {
                        out.push((var.clone(), key.to_owned()));
                        if let Some(bare) = key.strip_prefix("0x") {
                            out.push((var.clone(), bare.to_owned()));
                        }
                    }
                }
                crate::Signer::Keystore {
                    password_env: Some(var),
                    ..
                } => out.extend(vars.get(var).map(|p| (var.clone(), p.to_owned()))),
                crate::Signer::External { url, .. } => {
                    url_secrets(&format!("signer `{name}`'s URL"), url, &mut out);
                }
                _ => {}
            }
        }
        if let crate::Multisig::Safe {
            service: Some(service),
            ..
        } = &self.multisig
            && let Some(key) = &service.api_key
        {
            out.push(("the Safe service key".to_owned(), key.expose().to_owned()));
        }
        if let Some(key) = vars.get("ETHERSCAN_API_KEY") {
            out.push(("ETHERSCAN_API_KEY".to_owned(), key.to_owned()));
        }
        out.retain(|(_, value)| value.len() >= SHORTEST_SECRET);
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpc(s: &str) -> RpcUrl {
        RpcUrl::new(Url::parse(s).expect("test url"), false)
    }

    #[test]
    fn credentials_in_path_query_and_userinfo_are_hidden() {
        let key = "d41d8cd98f00b204e9800998ecf8427e";
        for url in [
            format!("https://mainnet.infura.io/v3/{key}"),
            format!("https://rpc.example.org/?apikey={key}"),
            format!("https://user:{key}@rpc.example.org"),
        ] {
            let shown = rpc(&url).redacted();
            assert!(!shown.contains(key), "{shown} leaks the key");
            assert!(!format!("{:?}", rpc(&url)).contains(key));
            assert!(shown.ends_with("/***"), "{shown}");
        }
    }

    #[test]
    fn a_plain_local_url_is_shown_whole() {
        assert_eq!(
            rpc("http://127.0.0.1:8545").redacted(),
            "http://127.0.0.1:8545"
        );
        assert!(!rpc("http://127.0.0.1:8545/").carries_credentials());
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert_eq!(serde_json::to_string(&s).expect("serialize"), "\"***\"");
        assert_eq!(s.expose(), "hunter2");
    }
}
