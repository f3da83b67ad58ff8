//! JSON-RPC over one WebSocket per `ws(s)://` provider: opened through
//! slipway's resolver and TLS configuration, requests matched to answers by
//! id (subscription notifications in between are skipped), closed and
//! reopened by the caller when anything goes wrong.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    Connector, MaybeTlsStream, WebSocketStream, client_async_tls_with_config,
    tungstenite::{Message, client::IntoClientRequest},
};
use url::Url;

use crate::HttpClient;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a WebSocket provider could not be used, in words; the underlying
/// error is its source so that [`crate::classify`] finds the cause.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub(crate) struct WsError {
    what: &'static str,
    #[source]
    source: Option<BoxError>,
}

fn ws_error(what: &'static str, source: impl Into<BoxError>) -> BoxError {
    Box::new(WsError {
        what,
        source: Some(source.into()),
    })
}

/// An open WebSocket to a provider.
pub struct WsConnection {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl WsConnection {
    /// Connects to `url` within the client's connect timeout.
    pub async fn open(client: &HttpClient, url: &Url) -> Result<Self, BoxError> {
        if client.proxy_for(url).is_some() {
            return Err(Box::new(WsError {
                what: "WebSocket providers are not reached through HTTPS_PROXY yet: list the host in NO_PROXY, or use the provider's https:// URL",
                source: None,
            }));
        }
        let limit = client.timeouts().connect;
        tokio::time::timeout(limit, Self::connect(client, url))
            .await
            .map_err(|_| {
                ws_error(
                    "connecting",
                    std::io::Error::from(std::io::ErrorKind::TimedOut),
                )
            })?
    }

    async fn connect(client: &HttpClient, url: &Url) -> Result<Self, BoxError> {
        let host = url
            .host_str()
            .ok_or_else(|| ws_error("connecting", "the URL has no host"))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| ws_error("connecting", "the URL has no port"))?;
        let addrs: Vec<std::net::SocketAddr> = match host.trim_matches(['[', ']']).parse() {
            Ok(ip) => vec![std::net::SocketAddr::new(ip, port)],
            Err(_) => crate::resolve(client.settings(), host)
                .await?
                .into_iter()
                .map(|mut a| {
                    a.set_port(port);
                    a
                })
                .collect(),
        };
        let tcp = TcpStream::connect(addrs.as_slice())
            .await
            .map_err(|e| ws_error("connecting", e))?;
        let request = url
            .as_str()
            .into_client_request()
            .map_err(|e| ws_error("the WebSocket request", e))?;
        let (stream, _) =
            client_async_tls_with_config(request, tcp, None, Some(Connector::Rustls(client.tls())))
                .await
                .map_err(|e| ws_error("the WebSocket handshake", e))?;
        Ok(Self { stream })
    }

    /// Sends `body` (whose id is `id`) and waits, up to `limit`, for the
    /// answer with that id.
    pub async fn request(
        &mut self,
        body: &Value,
        id: u64,
        limit: Duration,
    ) -> Result<Value, BoxError> {
        tokio::time::timeout(limit, self.exchange(body, id))
            .await
            .map_err(|_| {
                ws_error(
                    "waiting for the answer",
                    std::io::Error::from(std::io::ErrorKind::TimedOut),
                )
            })?
    }

    async fn exchange(&mut self, body: &Value, id: u64) -> Result<Value, BoxError> {
        self.stream
            .send(Message::text(body.to_string()))
            .await
            .map_err(|e| ws_error("sending", e))?;
        loop {
            let message = match self.stream.next().await {
                Some(message) => message.map_err(|e| ws_error("receiving", e))?,
                None => {
                    return Err(ws_error(
                        "receiving",
                        std::io::Error::from(std::io::ErrorKind::UnexpectedEof),
                    ));
                }
            };
            let text = match &message {
                Message::Text(text) => text.as_str(),
                Message::Binary(bytes) => std::str::from_utf8(bytes)
                    .map_err(|e| ws_error("an answer that is not UTF-8", e))?,
                Message::Close(_) => {
                    return Err(ws_error(
                        "the provider closed the WebSocket",
                        std::io::Error::from(std::io::ErrorKind::ConnectionReset),
                    ));
                }
                _ => continue,
            };
            let answer: Value = serde_json::from_str(text)
                .map_err(|e| ws_error("an answer that is not JSON", e))?;
            if answer.get("id").and_then(Value::as_u64) == Some(id) {
                return Ok(answer);
            }
        }
    }
}
