//! Why an outside connection failed, by its real cause, with what to do.
//! The cause is read from the error's source chain: rustls' certificate
//! errors, I/O error kinds, the resolver's own error type and the proxy
//! tunnel's; nothing here depends on the machine's resolver or network.

use std::{error::Error as StdError, io, path::PathBuf, time::Duration};

use rustls::CertificateError;

/// A client could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A certificate file or directory the user named is unusable.
    #[error("{variable}={}: {reason}; point it at a readable PEM file of CA certificates", .path.display())]
    Trust {
        /// `SSL_CERT_FILE` or `SSL_CERT_DIR`.
        variable: &'static str,
        /// The path it named.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// A proxy variable does not hold a usable URL.
    #[error("{variable}={value}: {reason}; set it to a URL such as http://proxy.example:3128")]
    Proxy {
        /// The variable.
        variable: &'static str,
        /// Its value, without credentials.
        value: String,
        /// What was wrong.
        reason: String,
    },
    /// rustls refused the configuration.
    #[error("TLS set-up failed: {0}")]
    TlsSetup(String),
    /// reqwest refused the configuration.
    #[error("HTTP client set-up failed: {0}")]
    Client(#[source] reqwest::Error),
}

/// The resolver's failure: a host name that has no address.
#[derive(Debug, thiserror::Error)]
#[error("{host}: {reason}")]
pub struct DnsFailure {
    /// The host name.
    pub host: String,
    /// The resolver's words.
    pub reason: String,
}

/// The real cause of a failed connection or request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The certificate chain ends at a CA that is not trusted.
    UnknownCa,
    /// The certificate is for other names.
    NameMismatch,
    /// The certificate has expired.
    Expired,
    /// The certificate is not valid yet.
    NotYetValid,
    /// The server presents a CA certificate as its own.
    CaAsServer,
    /// Any other certificate problem, in rustls' words.
    Certificate(String),
    /// The TLS handshake failed for another reason (protocol, alert).
    Tls(String),
    /// Nothing listens at the address.
    Refused,
    /// No answer in time.
    Timeout,
    /// The host name does not resolve.
    Dns(String),
    /// The proxy could not be reached.
    ProxyUnreachable,
    /// The proxy refused to open a tunnel or wants credentials.
    ProxyRefused(String),
    /// The connection was closed or reset.
    Reset,
    /// Something else, in the underlying error's words (URL-free).
    Other(String),
}

/// A failed request to `url`: its cause and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {}", self.explain())]
pub struct Failure {
    /// The cause.
    pub cause: Cause,
    /// The URL, redacted.
    pub url: String,
    /// The proxy it went through, redacted, if any.
    pub proxy: Option<String>,
    /// The timeout in force, for the wording of [`Cause::Timeout`].
    pub timeout: Option<Duration>,
}

impl Failure {
    /// What happened and what to do, in one sentence.
    pub fn explain(&self) -> String {
        let proxy = self.proxy.as_deref().unwrap_or("the proxy");
        match &self.cause {
            Cause::UnknownCa => "certificate not trusted: it is not signed by a known certificate authority; if it is your company's or a test CA, add it with SSL_CERT_FILE=/path/to/ca.pem (or SSL_CERT_DIR)".into(),
            Cause::NameMismatch => "certificate is not valid for this host name: check the host in the URL (the server presents a certificate for other names)".into(),
            Cause::Expired => "certificate expired: the provider must renew it; check too that this machine's clock is right".into(),
            Cause::NotYetValid => "certificate not valid yet: check that this machine's clock is right".into(),
            Cause::CaAsServer => "the server's certificate is itself a CA certificate; serve a leaf certificate signed by it, and trust the CA with SSL_CERT_FILE".into(),
            Cause::Certificate(why) => format!("certificate refused ({why})"),
            Cause::Tls(why) => format!("TLS handshake failed ({why}); check that the URL is an https endpoint"),
            Cause::Refused => "connection refused: nothing listens there; check the URL's host and port and that the node is running".into(),
            Cause::Timeout => match self.timeout {
                Some(t) => format!("no answer within {}: the provider is down or overloaded; add a fallback URL or try again", humanize(t)),
                None => "timed out: the provider is down or overloaded; add a fallback URL or try again".into(),
            },
            Cause::Dns(why) => format!("host name not found ({why}): check the URL's spelling and this machine's DNS"),
            Cause::ProxyUnreachable => format!("the proxy {proxy} could not be reached (connection refused or no answer): check HTTPS_PROXY / HTTP_PROXY, or list the host in NO_PROXY"),
            Cause::ProxyRefused(why) => format!("the proxy {proxy} refused the request ({why}): check its rules and credentials, or list the host in NO_PROXY"),
            Cause::Reset => "the connection was closed before an answer came: the server or something between dropped it; try again".into(),
            Cause::Other(why) => format!("request failed: {why}"),
        }
    }
}

fn humanize(t: Duration) -> String {
    if t.as_millis().is_multiple_of(1000) {
        format!("{} s", t.as_secs())
    } else {
        format!("{} ms", t.as_millis())
    }
}

/// The cause of `error`, read from its whole source chain. `via_proxy`
/// says whether the request was routed through a proxy, so that a refused
/// connection is blamed on the right party.
pub fn classify(error: &(dyn StdError + 'static), via_proxy: bool) -> Cause {
    let mut current = Some(error);
    while let Some(e) = current {
        // hyper-util's tunnel error type is private; its words are not.
        if let Some(why) = e.to_string().strip_prefix("tunnel error: ")
            && (why == "unsuccessful" || why.contains("authorization required"))
        {
            return Cause::ProxyRefused(why.to_owned());
        }
        if let Some(cause) = own_cause(e) {
            return match cause {
                // Through a proxy, the only connection this process opens is
                // the one to the proxy: the server's failures come back as
                // tunnel refusals.
                Cause::Refused | Cause::Dns(_) if via_proxy => Cause::ProxyUnreachable,
                cause => cause,
            };
        }
        current = e.source();
    }
    Cause::Other(chain_text(error))
}

/// The cause a single error in the chain stands for, if it is one we know.
fn own_cause(e: &(dyn StdError + 'static)) -> Option<Cause> {
    if let Some(r) = e.downcast_ref::<reqwest::Error>()
        && r.is_timeout()
    {
        return Some(Cause::Timeout);
    }
    if let Some(dns) = e.downcast_ref::<DnsFailure>() {
        return Some(Cause::Dns(dns.reason.clone()));
    }
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls_cause(tls));
    }
    if let Some(io) = e.downcast_ref::<io::Error>() {
        // rustls errors travel inside io::Error (tokio-rustls), sometimes
        // inside a second one (reqwest), and io::Error's `source` skips its
        // own payload: look inside first.
        if let Some(inner) = io.get_ref() {
            let inner: &(dyn StdError + 'static) = inner;
            if let Some(cause) = own_cause(inner) {
                return Some(cause);
            }
        }
        return match io.kind() {
            io::ErrorKind::ConnectionRefused => Some(Cause::Refused),
            io::ErrorKind::TimedOut => Some(Cause::Timeout),
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::BrokenPipe => Some(Cause::Reset),
            _ => None,
        };
    }
    if let Some(ws) = e.downcast_ref::<tokio_tungstenite::tungstenite::Error>() {
        use tokio_tungstenite::tungstenite::Error as Ws;
        return match ws {
            Ws::Io(io) => own_cause(io),
            Ws::Tls(tokio_tungstenite::tungstenite::error::TlsError::Rustls(tls)) => {
                Some(tls_cause(tls))
            }
            _ => None,
        };
    }
    None
}

fn tls_cause(e: &rustls::Error) -> Cause {
    match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => Cause::UnknownCa,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Cause::NameMismatch
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Cause::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Cause::NotYetValid
            }
            // webpki's verdict travels inside rustls' `Other`.
            CertificateError::Other(other)
                if matches!(
                    other.0.downcast_ref::<webpki::Error>(),
                    Some(webpki::Error::CaUsedAsEndEntity)
                ) =>
            {
                Cause::CaAsServer
            }
            other => Cause::Certificate(format!("{other:?}")),
        },
        other => Cause::Tls(other.to_string()),
    }
}

/// `error` and its sources joined, as a last resort.
fn chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a source, as hyper and reqwest wrap them.
    #[derive(Debug)]
    struct Wrapped(&'static str, Box<dyn StdError + Send + Sync>);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Wrapped {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&*self.1)
        }
    }

    fn wrapped(inner: impl StdError + Send + Sync + 'static) -> Wrapped {
        Wrapped(
            "client error (Connect)",
            Box::new(Wrapped("connect", Box::new(inner))),
        )
    }

    /// As reqwest hands it over: an io::Error around tokio-rustls' one.
    fn tls_io(e: rustls::Error) -> io::Error {
        io::Error::other(io::Error::new(io::ErrorKind::InvalidData, e))
    }

    #[test]
    fn certificate_errors_map_to_their_causes() {
        let cases = [
            (CertificateError::UnknownIssuer, Cause::UnknownCa),
            (CertificateError::NotValidForName, Cause::NameMismatch),
            (CertificateError::Expired, Cause::Expired),
            (CertificateError::NotValidYet, Cause::NotYetValid),
        ];
        for (cert, cause) in cases {
            let e = wrapped(tls_io(rustls::Error::InvalidCertificate(cert)));
            assert_eq!(classify(&e, false), cause);
        }
        let revoked = wrapped(tls_io(rustls::Error::InvalidCertificate(
            CertificateError::Revoked,
        )));
        assert!(matches!(classify(&revoked, false), Cause::Certificate(_)));
    }

    #[test]
    fn io_kinds_map_to_refused_timeout_and_reset() {
        let kind = |k| wrapped(io::Error::from(k));
        assert_eq!(
            classify(&kind(io::ErrorKind::ConnectionRefused), false),
            Cause::Refused
        );
        assert_eq!(
            classify(&kind(io::ErrorKind::TimedOut), false),
            Cause::Timeout
        );
        assert_eq!(
            classify(&kind(io::ErrorKind::ConnectionReset), false),
            Cause::Reset
        );
    }

    #[test]
    fn resolver_failures_are_dns_errors() {
        let e = wrapped(DnsFailure {
            host: "rpc.invalid".into(),
            reason: "no such host".into(),
        });
        assert_eq!(classify(&e, false), Cause::Dns("no such host".into()));
        let inside_io = wrapped(io::Error::other(DnsFailure {
            host: "x".into(),
            reason: "nope".into(),
        }));
        assert_eq!(classify(&inside_io, false), Cause::Dns("nope".into()));
    }

    #[test]
    fn through_a_proxy_a_refusal_is_the_proxys() {
        let refused = wrapped(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(classify(&refused, true), Cause::ProxyUnreachable);
        let tunnel = Wrapped(
            "client error (Connect)",
            Box::new(Wrapped(
                "tunnel error: unsuccessful",
                Box::new(io::Error::other("x")),
            )),
        );
        assert_eq!(
            classify(&tunnel, true),
            Cause::ProxyRefused("unsuccessful".into())
        );
    }

    #[test]
    fn unknown_errors_keep_their_words() {
        let e = wrapped(io::Error::other("something odd"));
        match classify(&e, false) {
            Cause::Other(text) => assert!(text.contains("something odd"), "{text}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_explanation_names_the_url_and_a_remedy() {
        let causes = [
            Cause::UnknownCa,
            Cause::NameMismatch,
            Cause::Expired,
            Cause::NotYetValid,
            Cause::Refused,
            Cause::Timeout,
            Cause::Dns("no such host".into()),
            Cause::ProxyUnreachable,
            Cause::ProxyRefused("unsuccessful".into()),
        ];
        for cause in causes {
            let failure = Failure {
                cause: cause.clone(),
                url: "https://rpc.test/***".into(),
                proxy: Some("http://proxy.test:3128".into()),
                timeout: Some(Duration::from_secs(10)),
            };
            let text = failure.to_string();
            assert!(text.starts_with("https://rpc.test/***: "), "{text}");
            assert!(!text.contains("connection failed"), "{text}");
            assert!(
                [
                    "check",
                    "add",
                    "renew",
                    "try again",
                    "SSL_CERT_FILE",
                    "NO_PROXY"
                ]
                .iter()
                .any(|w| text.contains(w)),
                "{cause:?} says nothing to do: {text}"
            );
        }
    }
}
