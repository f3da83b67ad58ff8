//! Every outside connection slipway makes — RPC providers, explorers, the
//! compiler's binary list, and later the Safe service and webhooks — goes
//! through this crate: HTTPS and WSS with rustls and graviola's pure-Rust
//! cryptography (`tls.rs`: no OpenSSL, no C compiler), proxies from the
//! environment (`proxy.rs`), connect and request timeouts, and failures
//! that name their real cause and what to do (`error.rs`). It knows nothing
//! of chains or JSON-RPC methods: `ws.rs` only carries JSON messages. The
//! other direction too: who may reach slipway's own servers (`exposure.rs`:
//! Host allowlist, browser origins and CORS). `probe.rs` is `slipway probe`,
//! a container's exec-form health check.

mod error;
pub mod exposure;
mod probe;
mod proxy;
mod resolve;
mod tls;
mod ws;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use hyper_util::client::proxy::matcher::Matcher;
use url::Url;

pub use error::{Cause, DnsFailure, Failure, NetError, classify};
pub use exposure::Exposure;
pub use probe::{Probe, probe};
pub use proxy::ProxySettings;
pub use tls::{Trust, client_config};
pub use ws::WsConnection;

/// The addresses of `host` as slipway's clients resolve it (port 0).
pub async fn resolve(settings: &NetSettings, host: &str) -> Result<Vec<SocketAddr>, DnsFailure> {
    resolve::Resolver::new(settings).lookup(host).await
}

/// How outside connections are made.
#[derive(Clone, Debug)]
pub struct NetSettings {
    /// Which certificates are trusted.
    pub trust: Trust,
    /// Which proxies are used.
    pub proxy: ProxySettings,
    /// Names answered without asking the system's resolver (tests pin
    /// names to loopback with it).
    pub hosts: Vec<(String, SocketAddr)>,
    /// Whether other names are asked of the system's resolver; without it
    /// they fail as unresolvable.
    pub system_dns: bool,
}

impl NetSettings {
    /// What a user's process gets: system roots plus `SSL_CERT_FILE` /
    /// `SSL_CERT_DIR`, `HTTPS_PROXY` / `NO_PROXY`, the system's resolver.
    pub fn from_env() -> Self {
        Self {
            trust: Trust::from_env(),
            proxy: ProxySettings::from_env(),
            hosts: Vec::new(),
            system_dns: true,
        }
    }
}

/// Connect and whole-request limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// To open the connection (TCP, proxy tunnel and TLS handshake).
    pub connect: Duration,
    /// For a whole request, answer included.
    pub request: Duration,
}

impl Timeouts {
    /// The same limit for both.
    pub fn uniform(limit: Duration) -> Self {
        Self {
            connect: limit,
            request: limit,
        }
    }
}

/// An HTTP(S) client with slipway's trust, proxies and timeouts, which
/// explains its failures.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    tls: Arc<rustls::ClientConfig>,
    proxies: Arc<Matcher>,
    settings: NetSettings,
    timeouts: Timeouts,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("proxy", &self.settings.proxy)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client for `settings` with `timeouts`.
    pub fn new(settings: &NetSettings, timeouts: Timeouts) -> Result<Self, NetError> {
        let tls = client_config(&settings.trust)?;
        let builder = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .dns_resolver(resolve::Resolver::new(settings));
        let client = settings
            .proxy
            .apply(builder)?
            .build()
            .map_err(NetError::Client)?;
        Ok(Self {
            client,
            tls,
            proxies: Arc::new(settings.proxy.matcher()),
            settings: settings.clone(),
            timeouts,
        })
    }

    /// The reqwest client, for building requests.
    pub fn inner(&self) -> &reqwest::Client {
        &self.client
    }

    /// The TLS configuration (for WebSocket connections).
    pub fn tls(&self) -> Arc<rustls::ClientConfig> {
        self.tls.clone()
    }

    /// The settings the client was made with.
    pub fn settings(&self) -> &NetSettings {
        &self.settings
    }

    /// The limits in force.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The proxy (redacted) a request to `url` goes through, if any.
    pub fn proxy_for(&self, url: &Url) -> Option<String> {
        proxy::proxy_for(&self.proxies, url)
    }

    /// `error`, met on a request to `url`, as a failure with its cause.
    /// `shown` is how the URL may be printed (redacted).
    pub fn failure(
        &self,
        error: &(dyn std::error::Error + 'static),
        url: &Url,
        shown: String,
    ) -> Failure {
        let proxy = self.proxy_for(url);
        let cause = classify(error, proxy.is_some());
        Failure {
            timeout: matches!(cause, Cause::Timeout).then_some(self.timeouts.request),
            cause,
            url: shown,
            proxy,
        }
    }
}
