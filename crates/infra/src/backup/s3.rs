//! S3-compatible storage for backups through `object_store`, with
//! slipway's own parts plugged in: every request goes through slipway-net's
//! HTTP client (the system's roots plus `SSL_CERT_FILE` / `SSL_CERT_DIR`,
//! the proxy variables, timeouts), as every other connection slipway makes;
//! SigV4's SHA-256 and HMAC come from sha2 and hmac. Credentials, region
//! and endpoint are read from the `AWS_*` variables, as the AWS tools read
//! them.

use std::sync::Arc;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use object_store::client::{
    ClientConfigKey, ClientOptions, CryptoProvider, DigestAlgorithm, DigestContext, HmacContext,
    HttpClient as StoreClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
    HttpResponseBody, HttpService, Signer, SigningAlgorithm,
};
use sha2::{Digest, Sha256};
use slipway_net::{HttpClient, NetSettings, Timeouts};

/// How long one request to the store may take.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// SHA-256 and HMAC-SHA-256, all SigV4 needs.
#[derive(Debug)]
pub(crate) struct RustCrypto;

struct Sha256Digest {
    hasher: Sha256,
    out: Vec<u8>,
}

impl DigestContext for Sha256Digest {
    fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        self.out = std::mem::take(&mut self.hasher).finalize().to_vec();
        Ok(&self.out)
    }
}

struct Sha256Hmac {
    mac: Option<Hmac<Sha256>>,
    out: Vec<u8>,
}

impl HmacContext for Sha256Hmac {
    fn update(&mut self, data: &[u8]) {
        if let Some(mac) = &mut self.mac {
            mac.update(data);
        }
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        if let Some(mac) = self.mac.take() {
            self.out = mac.finalize().into_bytes().to_vec();
        }
        Ok(&self.out)
    }
}

fn unsupported(what: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("{what} is not supported by slipway's S3 client").into(),
    }
}

impl CryptoProvider for RustCrypto {
    fn digest(&self, algorithm: DigestAlgorithm) -> object_store::Result<Box<dyn DigestContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Sha256Digest {
                hasher: Sha256::new(),
                out: Vec::new(),
            })),
            _ => Err(unsupported("this digest")),
        }
    }

    fn hmac(
        &self,
        algorithm: DigestAlgorithm,
        secret: &[u8],
    ) -> object_store::Result<Box<dyn HmacContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Sha256Hmac {
                mac: Hmac::<Sha256>::new_from_slice(secret).ok(),
                out: Vec::new(),
            })),
            _ => Err(unsupported("this HMAC")),
        }
    }

    fn sign(
        &self,
        _algorithm: SigningAlgorithm,
        _pem: &[u8],
    ) -> object_store::Result<Box<dyn Signer>> {
        Err(unsupported("RSA signing (service-account keys)"))
    }
}

/// Hands object_store slipway-net's client.
#[derive(Debug)]
pub(crate) struct NetConnector;

#[derive(Debug)]
struct NetService {
    client: HttpClient,
    allow_http: bool,
}

fn http_error(error: reqwest::Error) -> HttpError {
    let kind = if error.is_timeout() {
        HttpErrorKind::Timeout
    } else if error.is_connect() {
        HttpErrorKind::Connect
    } else if error.is_body() || error.is_decode() {
        HttpErrorKind::Decode
    } else {
        HttpErrorKind::Request
    };
    HttpError::new(kind, error)
}

#[async_trait::async_trait]
impl HttpService for NetService {
    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let url: url::Url = parts
            .uri
            .to_string()
            .parse()
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?;
        let loopback = url
            .host()
            .is_some_and(|h| matches!(h, url::Host::Domain("localhost")) || is_loopback_ip(&h));
        if url.scheme() == "http" && !loopback && !self.allow_http {
            return Err(HttpError::new(
                HttpErrorKind::Request,
                std::io::Error::other(format!(
                    "{} is plain HTTP: use HTTPS, or set AWS_ALLOW_HTTP=true for a store on a trusted network",
                    url.host_str().unwrap_or_default()
                )),
            ));
        }
        let bytes: Bytes = body
            .collect()
            .await
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?
            .to_bytes();
        let mut outgoing = reqwest::Request::new(parts.method, url);
        *outgoing.headers_mut() = parts.headers;
        *outgoing.body_mut() = Some(reqwest::Body::from(bytes));
        let response = self
            .client
            .inner()
            .execute(outgoing)
            .await
            .map_err(http_error)?;
        let response: http::Response<reqwest::Body> = response.into();
        let (parts, body) = response.into_parts();
        let body = HttpResponseBody::new(body.map_err(http_error));
        Ok(HttpResponse::from_parts(parts, body))
    }
}

fn is_loopback_ip(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
        url::Host::Domain(_) => false,
    }
}

impl HttpConnector for NetConnector {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<StoreClient> {
        let client = HttpClient::new(&NetSettings::from_env(), Timeouts::uniform(REQUEST_TIMEOUT))
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?;
        let allow_http = options
            .get_config_value(&ClientConfigKey::AllowHttp)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(StoreClient::new(NetService { client, allow_http }))
    }
}

/// The S3 store for `bucket`, configured from the `AWS_*` variables.
pub(crate) fn store(bucket: &str) -> object_store::Result<Arc<dyn object_store::ObjectStore>> {
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_http_connector(NetConnector)
        .with_crypto_provider(Arc::new(RustCrypto))
        .build()?;
    Ok(Arc::new(store))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn digest_and_hmac_match_published_vectors() {
        let mut digest = RustCrypto.digest(DigestAlgorithm::Sha256).expect("digest");
        digest.update(b"abc");
        assert_eq!(
            hex(digest.finish().expect("finish")),
            // FIPS 180-2, appendix B.1.
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 4231, test case 2.
        let mut mac = RustCrypto
            .hmac(DigestAlgorithm::Sha256, b"Jefe")
            .expect("hmac");
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(mac.finish().expect("finish")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
