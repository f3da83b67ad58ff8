//! Who may reach a server of slipway's (the dev node's JSON-RPC, the
//! monitor's metrics): requests whose `Host` is not one of the allowed
//! names are refused (DNS rebinding), and so are requests and WebSocket
//! upgrades from a browser origin that is not listed (a page driving the
//! dev node's unlocked accounts, or reading what a monitor sees). By
//! default only the loopback names are allowed and no origin is; the
//! server's `--allow-host` and `--cors-origin` add to them.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::State,
    http::{HeaderValue, Method, Request, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

/// The hosts and browser origins a server accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// Host names (without port) requests may name; `*` allows any.
    pub hosts: Vec<String>,
    /// Browser origins (`http://localhost:3000`); `*` allows any.
    pub origins: Vec<String>,
    /// What the server is and why a page must not reach it, for the
    /// refusal (`the dev node: its accounts are unlocked`).
    pub what: &'static str,
}

impl Default for Exposure {
    fn default() -> Self {
        Self {
            hosts: vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()],
            origins: Vec::new(),
            what: "this server",
        }
    }
}

impl Exposure {
    /// The defaults plus `hosts` (`--allow-host`) and `origins`
    /// (`--cors-origin`).
    pub fn with(hosts: &[String], origins: &[String]) -> Self {
        let mut exposure = Self::default();
        exposure
            .hosts
            .extend(hosts.iter().map(|h| h.to_ascii_lowercase()));
        exposure.origins = origins.to_vec();
        exposure
    }

    /// Whether a request naming `host` (with or without its port) is served.
    pub fn allows_host(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        self.hosts.iter().any(|h| h == "*" || *h == name)
    }

    /// Whether a request from browser origin `origin` is served.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins
            .iter()
            .any(|o| o == "*" || o.trim_end_matches('/').eq_ignore_ascii_case(origin))
    }

    /// The same rules, describing the server as `what` in refusals.
    pub fn describing(mut self, what: &'static str) -> Self {
        self.what = what;
        self
    }

    /// Why a request with these headers is refused, or `None` when it is
    /// served (`preflight`: an `OPTIONS` request, answered by CORS).
    pub fn refusal(
        &self,
        host: Option<&str>,
        origin: Option<&str>,
        preflight: bool,
    ) -> Option<String> {
        if let Some(host) = host {
            let Some(name) = host_name(host) else {
                return Some(format!(
                    "Host `{}` is not a host name with an optional port: refused",
                    host.escape_default()
                ));
            };
            if !self.allows_host(host) {
                return Some(format!(
                    "Host `{host}` is not allowed: {} answers localhost, 127.0.0.1 and [::1]; start it with --allow-host {name} to accept this name",
                    self.what
                ));
            }
        }
        if !preflight
            && let Some(origin) = origin
            && !self.allows_origin(origin)
        {
            return Some(format!(
                "requests from the web page at {origin} are refused by {}; start it with --cors-origin {origin} to allow it",
                self.what
            ));
        }
        None
    }

    /// The CORS answers for the listed origins (none: no CORS headers, so
    /// a page cannot read an answer either).
    pub fn cors(&self) -> CorsLayer {
        let base = CorsLayer::new()
            .allow_methods([Method::POST, Method::GET, Method::OPTIONS])
            .allow_headers(Any);
        if self.origins.iter().any(|o| o == "*") {
            return base.allow_origin(Any);
        }
        let listed: Vec<HeaderValue> = self
            .origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
            .collect();
        base.allow_origin(AllowOrigin::list(listed))
    }
}

/// The host of a `Host` header read as RFC 3986's authority without user
/// information: a name (letters, digits, `-`, `.`), an IPv4 address or a
/// bracketed IPv6 address, then an optional numeric port, nothing else —
/// lowercased, `[v6]` keeping its brackets as browsers send it. `None`
/// for anything else (`localhost:8545@evil.com`, `localhost:evil`,
/// `[::1].evil.com`).
fn host_name(host: &str) -> Option<String> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (format!("[{inside}]"), port)
    } else {
        let (name, port) = match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !valid {
            return None;
        }
        (name.to_owned(), port)
    };
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

fn refusal(why: String) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": -32600, "message": why },
    });
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The check before every request and WebSocket upgrade, as axum
/// middleware (`from_fn_with_state(Arc<Exposure>, guard)`); a refusal is
/// a 403 with a JSON-RPC error body.
pub async fn guard(
    State(exposure): State<Arc<Exposure>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let headers = request.headers();
    // One header of each at most, in ASCII: a second Host or a byte a
    // browser never sends leaves nothing to argue about.
    let single = |name: header::HeaderName| -> Result<Option<String>, String> {
        let mut values = headers.get_all(&name).iter();
        let first = values.next();
        if values.next().is_some() {
            return Err(format!("two {name} headers: refused"));
        }
        first
            .map(|v| {
                v.to_str()
                    .map(str::to_owned)
                    .map_err(|_| format!("a {name} header that is not ASCII: refused"))
            })
            .transpose()
    };
    let (host, origin) = match (single(header::HOST), single(header::ORIGIN)) {
        (Ok(host), Ok(origin)) => (host, origin),
        (Err(why), _) | (_, Err(why)) => return refusal(why),
    };
    // Preflights are answered by the CORS layer; a listed origin passes.
    let preflight = request.method() == Method::OPTIONS;
    match exposure.refusal(host.as_deref(), origin.as_deref(), preflight) {
        Some(why) => refusal(why),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_are_allowed_by_default_and_others_on_request() {
        let default = Exposure::default();
        for host in [
            "localhost",
            "localhost:8545",
            "127.0.0.1:8545",
            "[::1]:8545",
            "LOCALHOST",
        ] {
            assert!(default.allows_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8545",
            "192.168.1.5:8545",
            "127.0.0.1.evil.example",
            // Not an authority at all: refused, not read leniently.
            "localhost:8545@evil.com",
            "localhost:evil",
            "localhost:",
            "localhost:123456",
            "[::1].evil.com",
            "[::1]evil.com:80",
            "[evil]",
            "",
            "local host",
        ] {
            assert!(!default.allows_host(host), "{host}");
        }
        assert!(
            default
                .refusal(Some("localhost:8545@evil.com"), None, false)
                .is_some_and(|why| why.contains("not a host name")),
        );
        let more = Exposure::with(&["devbox.lan".into()], &[]);
        assert!(more.allows_host("devbox.lan:8545"));
        assert!(Exposure::with(&["*".into()], &[]).allows_host("anything:1"));
    }

    #[test]
    fn no_origin_is_allowed_unless_listed() {
        assert!(!Exposure::default().allows_origin("http://localhost:3000"));
        let listed = Exposure::with(&[], &["http://localhost:3000/".into()]);
        assert!(listed.allows_origin("http://localhost:3000"));
        assert!(!listed.allows_origin("https://evil.example"));
        assert!(Exposure::with(&[], &["*".into()]).allows_origin("https://any.example"));
    }
}
