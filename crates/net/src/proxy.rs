//! Proxies as curl and OpenSSL-era tools read them: `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (upper or lower case). The same
//! rules route a request (through reqwest) and word its failure (through
//! hyper-util's matcher, which reqwest itself uses), so an error can say
//! that the proxy, not the server, refused.

use hyper_util::client::proxy::matcher::Matcher;
use url::Url;

use super::NetError;

/// The proxy variables, as read once when a client is built.
#[derive(Clone, Default)]
pub struct ProxySettings {
    /// For `https://` and `wss://` URLs (`HTTPS_PROXY`).
    pub https: Option<String>,
    /// For `http://` and `ws://` URLs (`HTTP_PROXY`).
    pub http: Option<String>,
    /// For both when the specific one is unset (`ALL_PROXY`).
    pub all: Option<String>,
    /// Hosts, domains and networks reached directly (`NO_PROXY`).
    pub no: Option<String>,
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.as_deref().map(redact);
        f.debug_struct("ProxySettings")
            .field("https", &show(&self.https))
            .field("http", &show(&self.http))
            .field("all", &show(&self.all))
            .field("no", &self.no)
            .finish()
    }
}

/// A proxy URL without its credentials: `scheme://host:port`.
pub(crate) fn redact(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(url) => format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "(a proxy URL that does not parse)".into(),
    }
}

impl ProxySettings {
    /// From the process environment.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// From any source of variables; the upper-case name wins, empty
    /// values count as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let read = |upper: &str| {
            var(upper)
                .or_else(|| var(&upper.to_ascii_lowercase()))
                .filter(|v| !v.trim().is_empty())
        };
        Self {
            https: read("HTTPS_PROXY"),
            http: read("HTTP_PROXY"),
            all: read("ALL_PROXY"),
            no: read("NO_PROXY"),
        }
    }

    /// No proxy at all.
    pub fn none() -> Self {
        Self::default()
    }

    fn https_proxy(&self) -> Option<&str> {
        self.https.as_deref().or(self.all.as_deref())
    }

    fn http_proxy(&self) -> Option<&str> {
        self.http.as_deref().or(self.all.as_deref())
    }

    pub(crate) fn matcher(&self) -> Matcher {
        let mut builder = Matcher::builder();
        if let Some(p) = self.https_proxy() {
            builder = builder.https(p);
        }
        if let Some(p) = self.http_proxy() {
            builder = builder.http(p);
        }
        if let Some(no) = &self.no {
            builder = builder.no(no.as_str());
        }
        builder.build()
    }

    /// Routes a reqwest client by these settings and nothing else.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, NetError> {
        builder = builder.no_proxy();
        let no = || self.no.as_deref().and_then(reqwest::NoProxy::from_string);
        let bad = |variable: &'static str, value: &str, e: reqwest::Error| NetError::Proxy {
            variable,
            value: redact(value),
            reason: e.without_url().to_string(),
        };
        if let Some(p) = self.https_proxy() {
            let proxy = reqwest::Proxy::https(p).map_err(|e| bad("HTTPS_PROXY", p, e))?;
            builder = builder.proxy(proxy.no_proxy(no()));
        }
        if let Some(p) = self.http_proxy() {
            let proxy = reqwest::Proxy::http(p).map_err(|e| bad("HTTP_PROXY", p, e))?;
            builder = builder.proxy(proxy.no_proxy(no()));
        }
        Ok(builder)
    }
}

/// The proxy (redacted) a request to `url` goes through, if any; WebSocket
/// URLs follow the rules of their HTTP counterparts.
pub(crate) fn proxy_for(matcher: &Matcher, url: &Url) -> Option<String> {
    let scheme = match url.scheme() {
        "wss" => "https",
        "ws" => "http",
        other => other,
    };
    let host = url.host_str()?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let uri: http::Uri = format!("{scheme}://{authority}/").parse().ok()?;
    matcher
        .intercept(&uri)
        .map(|intercept| redact(&intercept.uri().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> ProxySettings {
        ProxySettings::from_vars(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    fn via(s: &ProxySettings, url: &str) -> Option<String> {
        proxy_for(&s.matcher(), &Url::parse(url).expect("test URL"))
    }

    #[test]
    fn https_proxy_routes_https_and_wss_but_not_http() {
        let s = settings(&[("HTTPS_PROXY", "http://user:pw@proxy.test:3128")]);
        assert_eq!(
            via(&s, "https://rpc.test/v3/key").as_deref(),
            Some("http://proxy.test:3128")
        );
        assert_eq!(
            via(&s, "wss://rpc.test/ws").as_deref(),
            Some("http://proxy.test:3128")
        );
        assert_eq!(via(&s, "http://rpc.test/"), None);
    }

    #[test]
    fn no_proxy_exempts_hosts_and_domains() {
        let s = settings(&[
            ("https_proxy", "http://proxy.test:3128"),
            ("no_proxy", "127.0.0.1,.internal.test"),
        ]);
        assert_eq!(via(&s, "https://127.0.0.1:8545/"), None);
        assert_eq!(via(&s, "https://node.internal.test/"), None);
        assert!(via(&s, "https://rpc.test/").is_some());
    }

    #[test]
    fn upper_case_wins_and_empty_is_unset() {
        let s = settings(&[
            ("HTTPS_PROXY", "http://upper.test:1"),
            ("https_proxy", "http://lower.test:2"),
            ("NO_PROXY", ""),
        ]);
        assert_eq!(s.https.as_deref(), Some("http://upper.test:1"));
        assert_eq!(s.no, None);
    }

    #[test]
    fn all_proxy_is_the_fallback() {
        let s = settings(&[("ALL_PROXY", "http://all.test:9")]);
        assert_eq!(
            via(&s, "http://rpc.test/").as_deref(),
            Some("http://all.test:9")
        );
        assert_eq!(
            via(&s, "https://rpc.test/").as_deref(),
            Some("http://all.test:9")
        );
    }

    #[test]
    fn debug_hides_proxy_credentials() {
        let s = settings(&[("HTTPS_PROXY", "http://user:s3cret@proxy.test:3128")]);
        assert!(!format!("{s:?}").contains("s3cret"));
    }
}
