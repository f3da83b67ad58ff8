//! JSON-RPC over an environment's providers: a request goes to the
//! healthiest provider first and fails over on a connection error, a
//! timeout, HTTP 429/5xx or a rate-limit error; each provider's errors and
//! latency are kept. An answer that is a real JSON-RPC error (a revert, bad
//! parameters) is returned as it is, without failover. `http(s)://` URLs
//! are posted to; `ws(s)://` URLs keep one WebSocket each (`ws.rs`). Every
//! connection is made by slipway-net: TLS, proxies, failures by cause.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use alloy_primitives::Bytes;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use slipway_config::RpcUrl;

use slipway_net::{HttpClient, NetError, NetSettings, Timeouts, WsConnection};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Every provider failed; the last reason of each.
    #[error("no provider answered {method}: {}", .reasons.join("; "))]
    AllFailed {
        /// The method.
        method: String,
        /// `url: reason`, URLs redacted.
        reasons: Vec<String>,
    },
    /// The node answered with a JSON-RPC error.
    #[error("{method} failed: {message} (code {code})")]
    Rpc {
        /// The method.
        method: String,
        /// JSON-RPC error code.
        code: i64,
        /// Its message.
        message: String,
        /// The revert data, when the error is a revert (wherever the node
        /// put it: `data` as hex, or `data.data` as some nodes nest it).
        revert: Option<Bytes>,
    },
    /// The answer did not have the expected shape.
    #[error("{method}: unexpected answer from {url}: {reason}")]
    BadAnswer {
        /// The method.
        method: String,
        /// The provider, redacted.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// The providers are on another chain than the environment names.
    #[error(
        "the environment expects chain {expected}, but {url} is on chain {actual}: check its RPC URLs before anything is signed"
    )]
    WrongChain {
        /// The configured chain id.
        expected: u64,
        /// What the provider answered.
        actual: u64,
        /// The provider, redacted.
        url: String,
    },
}

/// A provider's record.
#[derive(Clone, Debug, Default)]
pub struct Health {
    /// Requests answered.
    pub successes: u64,
    /// Requests failed over.
    pub errors: u64,
    /// Failures since its last success.
    pub consecutive_errors: u32,
    /// Latency of its last answer.
    pub last_latency: Option<Duration>,
    /// Requests failed over, by JSON-RPC method.
    pub errors_by_method: std::collections::BTreeMap<String, u64>,
}

/// One provider asked on its own (no failover): the health check of node
/// synchronisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderProbe {
    /// The provider, redacted.
    pub url: String,
    /// How long its answers took, all three together.
    pub latency: Option<Duration>,
    /// Its chain id.
    pub chain_id: Option<u64>,
    /// Its head.
    pub head: Option<u64>,
    /// Whether it says it is syncing (`eth_syncing` other than `false`).
    pub syncing: Option<bool>,
    /// Why it did not answer, when it did not.
    pub error: Option<String>,
}

struct Endpoint {
    url: RpcUrl,
    health: Mutex<Health>,
    /// The open WebSocket of a `ws(s)://` provider.
    ws: tokio::sync::Mutex<Option<WsConnection>>,
}

impl Endpoint {
    fn is_websocket(&self) -> bool {
        matches!(self.url.expose().scheme(), "ws" | "wss")
    }
}

/// Failures that move a request to the next provider.
enum Attempt {
    Answer(Value),
    RpcError(i64, String, Option<Value>),
    Failover(String),
}

/// An environment's providers.
pub struct Providers {
    endpoints: Vec<Endpoint>,
    client: HttpClient,
    next_id: AtomicU64,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.endpoints.iter().map(|e| e.url.redacted()))
            .finish()
    }
}

/// The revert data of a node's JSON-RPC error `data`, wherever the node
/// put it: `data` as hex (geth, anvil, slipway), or `data.data` (some
/// providers nest it).
pub(crate) fn revert_bytes(data: &Value) -> Option<Bytes> {
    let text = data
        .as_str()
        .or_else(|| data.get("data").and_then(Value::as_str))?;
    alloy_primitives::hex::decode(text).ok().map(Bytes::from)
}

/// JSON-RPC errors that mean "try elsewhere": rate limits and overload.
fn is_rate_limit(code: i64, message: &str) -> bool {
    // A log query too large is an answer, not a reason to fail over: the
    // caller splits the range (`ChainClient::logs`).
    if crate::logs::is_range_refusal(message) {
        return false;
    }
    let message = message.to_ascii_lowercase();
    code == -32005
        || code == 429
        || message.contains("rate limit")
        || message.contains("too many requests")
        || message.contains("exceeded")
}

/// A JSON-RPC answer as an attempt's outcome.
fn interpret(answer: Value) -> Attempt {
    if let Some(error) = answer.get("error") {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if is_rate_limit(code, &message) {
            return Attempt::Failover(format!("rate limited ({message})"));
        }
        return Attempt::RpcError(code, message, error.get("data").cloned());
    }
    match answer.get("result") {
        Some(result) => Attempt::Answer(result.clone()),
        None => Attempt::Failover("answer without result".into()),
    }
}

impl Providers {
    /// The providers at `urls`, each request timing out after `timeout`,
    /// connecting as the process environment says (trust, proxies).
    pub fn new(urls: Vec<RpcUrl>, timeout: Duration) -> Result<Self, NetError> {
        let client = HttpClient::new(&NetSettings::from_env(), Timeouts::uniform(timeout))?;
        Ok(Self::with_client(urls, client))
    }

    /// The providers at `urls`, reached through `client`.
    pub fn with_client(urls: Vec<RpcUrl>, client: HttpClient) -> Self {
        Self {
            endpoints: urls
                .into_iter()
                .map(|url| Endpoint {
                    url,
                    health: Mutex::new(Health::default()),
                    ws: tokio::sync::Mutex::new(None),
                })
                .collect(),
            client,
            next_id: AtomicU64::new(1),
        }
    }

    /// Each provider (redacted) with its record.
    pub fn health(&self) -> Vec<(String, Health)> {
        self.endpoints
            .iter()
            .map(|e| {
                (
                    e.url.redacted(),
                    e.health.lock().map(|h| h.clone()).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Provider indices, healthiest first: fewest failures since their last
    /// success, then the configured order (the first URL is the primary;
    /// latencies are kept for reporting, not ranking, so the order is
    /// predictable).
    fn ranked(&self) -> Vec<usize> {
        let mut order: Vec<(u32, usize)> = self
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    e.health
                        .lock()
                        .map(|h| h.consecutive_errors)
                        .unwrap_or(u32::MAX),
                    i,
                )
            })
            .collect();
        order.sort();
        order.into_iter().map(|(_, i)| i).collect()
    }

    async fn attempt(&self, endpoint: &Endpoint, body: &Value) -> Attempt {
        let answer = if endpoint.is_websocket() {
            match self.ws_answer(endpoint, body).await {
                Ok(answer) => answer,
                Err(failover) => return failover,
            }
        } else {
            match self.http_answer(endpoint, body).await {
                Ok(answer) => answer,
                Err(failover) => return failover,
            }
        };
        interpret(answer)
    }

    /// Why a request to `endpoint` failed, by cause, without its URL (the
    /// caller prefixes the redacted one).
    fn failover(&self, endpoint: &Endpoint, error: &(dyn std::error::Error + 'static)) -> Attempt {
        let failure = self
            .client
            .failure(error, endpoint.url.expose(), endpoint.url.redacted());
        Attempt::Failover(failure.explain())
    }

    async fn http_answer(&self, endpoint: &Endpoint, body: &Value) -> Result<Value, Attempt> {
        let response = self
            .client
            .inner()
            .post(endpoint.url.expose().clone())
            .json(body)
            .send()
            .await
            .map_err(|e| self.failover(endpoint, &e))?;
        let status = response.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(Attempt::Failover(format!("HTTP {}", status.as_u16())));
        }
        response.json().await.map_err(|e| {
            if e.is_timeout() {
                self.failover(endpoint, &e)
            } else {
                Attempt::Failover(format!("HTTP {}: not JSON-RPC", status.as_u16()))
            }
        })
    }

    async fn ws_answer(&self, endpoint: &Endpoint, body: &Value) -> Result<Value, Attempt> {
        let mut body = body.clone();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        body["id"] = json!(id);
        let mut open = endpoint.ws.lock().await;
        if open.is_none() {
            let connection = WsConnection::open(&self.client, endpoint.url.expose())
                .await
                .map_err(|e| self.failover(endpoint, &*e))?;
            *open = Some(connection);
        }
        let Some(connection) = open.as_mut() else {
            return Err(Attempt::Failover("WebSocket not open".into()));
        };
        match connection
            .request(&body, id, self.client.timeouts().request)
            .await
        {
            Ok(answer) => Ok(answer),
            Err(e) => {
                // A broken socket is opened again on the next request.
                *open = None;
                Err(self.failover(endpoint, &*e))
            }
        }
    }

    /// Sends `method` with `params`, failing over as needed.
    pub async fn request<T: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<T, ProviderError> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let mut reasons = Vec::new();
        for index in self.ranked() {
            let endpoint = &self.endpoints[index];
            let started = Instant::now();
            let attempt = self.attempt(endpoint, &body).await;
            let mut health = endpoint
                .health
                .lock()
                .map_err(|_| ProviderError::AllFailed {
                    method: method.to_owned(),
                    reasons: vec!["provider state poisoned".into()],
                })?;
            match attempt {
                Attempt::Failover(reason) => {
                    health.errors += 1;
                    health.consecutive_errors += 1;
                    *health
                        .errors_by_method
                        .entry(method.to_owned())
                        .or_default() += 1;
                    reasons.push(format!("{}: {reason}", endpoint.url.redacted()));
                }
                answered => {
                    health.successes += 1;
                    health.consecutive_errors = 0;
                    health.last_latency = Some(started.elapsed());
                    drop(health);
                    return match answered {
                        Attempt::Answer(value) => {
                            serde_json::from_value(value).map_err(|e| ProviderError::BadAnswer {
                                method: method.to_owned(),
                                url: endpoint.url.redacted(),
                                reason: e.to_string(),
                            })
                        }
                        Attempt::RpcError(code, message, data) => Err(ProviderError::Rpc {
                            method: method.to_owned(),
                            code,
                            message,
                            revert: data.as_ref().and_then(revert_bytes),
                        }),
                        Attempt::Failover(_) => unreachable!("handled above"),
                    };
                }
            }
        }
        Err(ProviderError::AllFailed {
            method: method.to_owned(),
            reasons,
        })
    }

    /// Several calls in one JSON-RPC batch (one HTTP request), failing
    /// over as a whole: each call's own answer or JSON-RPC error, in order.
    /// WebSocket providers are asked one call at a time.
    pub(crate) async fn batch(
        &self,
        calls: &[(&str, Value)],
    ) -> Result<Vec<Result<Value, ProviderError>>, ProviderError> {
        let method = calls.first().map_or("batch", |(m, _)| *m).to_owned();
        let body = Value::Array(
            calls
                .iter()
                .enumerate()
                .map(|(id, (method, params))| {
                    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
                })
                .collect(),
        );
        let mut reasons = Vec::new();
        for index in self.ranked() {
            let endpoint = &self.endpoints[index];
            if endpoint.is_websocket() {
                let mut answers = Vec::with_capacity(calls.len());
                for (method, params) in calls {
                    answers.push(self.request::<Value>(method, params).await);
                }
                return Ok(answers);
            }
            let started = Instant::now();
            let outcome = match self.http_answer(endpoint, &body).await {
                Ok(Value::Array(answers)) => Ok(answers),
                Ok(answer) => Err(match interpret(answer) {
                    Attempt::RpcError(code, message, _) => {
                        format!("batch refused: {message} (code {code})")
                    }
                    Attempt::Failover(reason) => reason,
                    Attempt::Answer(_) => "a batch answered with one result".into(),
                }),
                Err(Attempt::Failover(reason)) => Err(reason),
                Err(_) => Err("no answer".into()),
            };
            let Ok(mut health) = endpoint.health.lock() else {
                continue;
            };
            match outcome {
                Err(reason) => {
                    health.errors += 1;
                    health.consecutive_errors += 1;
                    *health.errors_by_method.entry(method.clone()).or_default() += 1;
                    reasons.push(format!("{}: {reason}", endpoint.url.redacted()));
                }
                Ok(answers) => {
                    health.successes += 1;
                    health.consecutive_errors = 0;
                    health.last_latency = Some(started.elapsed());
                    drop(health);
                    return Ok(self.match_batch(endpoint, calls, answers));
                }
            }
        }
        Err(ProviderError::AllFailed { method, reasons })
    }

    /// A batch's answers, put back in the calls' order by id.
    fn match_batch(
        &self,
        endpoint: &Endpoint,
        calls: &[(&str, Value)],
        answers: Vec<Value>,
    ) -> Vec<Result<Value, ProviderError>> {
        let mut by_id: Vec<Option<Value>> = vec![None; calls.len()];
        for answer in answers {
            let id = answer
                .get("id")
                .and_then(Value::as_u64)
                .and_then(|id| usize::try_from(id).ok());
            if let Some(slot) = id.and_then(|id| by_id.get_mut(id)) {
                *slot = Some(answer);
            }
        }
        calls
            .iter()
            .zip(by_id)
            .map(|((method, _), answer)| {
                let method = (*method).to_owned();
                match answer.map(interpret) {
                    Some(Attempt::Answer(value)) => Ok(value),
                    Some(Attempt::RpcError(code, message, data)) => Err(ProviderError::Rpc {
                        method,
                        code,
                        message,
                        revert: data.as_ref().and_then(revert_bytes),
                    }),
                    Some(Attempt::Failover(reason)) => Err(ProviderError::AllFailed {
                        method,
                        reasons: vec![format!("{}: {reason}", endpoint.url.redacted())],
                    }),
                    None => Err(ProviderError::BadAnswer {
                        method,
                        url: endpoint.url.redacted(),
                        reason: "the batch's answer left this call out".into(),
                    }),
                }
            })
            .collect()
    }

    /// `method` (no parameters) asked of every provider: the answers as
    /// numbers with the provider (redacted), and why the others failed.
    async fn ask_all(
        &self,
        method: &str,
    ) -> Result<(Vec<(String, u64)>, Vec<String>), ProviderError> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": [] });
        let (mut answers, mut reasons) = (Vec::new(), Vec::new());
        for endpoint in &self.endpoints {
            match self.attempt(endpoint, &body).await {
                Attempt::Answer(value) => {
                    let n = serde_json::from_value::<alloy_primitives::U64>(value.clone())
                        .map(|n| n.to::<u64>())
                        .map_err(|_| ProviderError::BadAnswer {
                            method: method.to_owned(),
                            url: endpoint.url.redacted(),
                            reason: format!("{value} is not a quantity"),
                        })?;
                    answers.push((endpoint.url.redacted(), n));
                }
                Attempt::RpcError(_, message, _) | Attempt::Failover(message) => {
                    reasons.push(format!("{}: {message}", endpoint.url.redacted()));
                }
            }
        }
        Ok((answers, reasons))
    }

    /// Each provider asked for its chain id, head and sync state on its own,
    /// with the time it took: whether it is reachable, on the right chain
    /// and keeping up.
    pub async fn probe_each(&self) -> Vec<ProviderProbe> {
        let mut probes = Vec::new();
        for endpoint in &self.endpoints {
            let started = Instant::now();
            let mut probe = ProviderProbe {
                url: endpoint.url.redacted(),
                latency: None,
                chain_id: None,
                head: None,
                syncing: None,
                error: None,
            };
            for method in ["eth_chainId", "eth_blockNumber", "eth_syncing"] {
                let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": [] });
                match self.attempt(endpoint, &body).await {
                    Attempt::Answer(value) => {
                        let number = serde_json::from_value::<alloy_primitives::U64>(value.clone())
                            .ok()
                            .map(|n| n.to::<u64>());
                        match method {
                            "eth_chainId" => probe.chain_id = number,
                            "eth_blockNumber" => probe.head = number,
                            _ => probe.syncing = Some(value != Value::Bool(false)),
                        }
                    }
                    Attempt::RpcError(_, message, _) | Attempt::Failover(message) => {
                        if let Ok(mut health) = endpoint.health.lock() {
                            health.errors += 1;
                            *health
                                .errors_by_method
                                .entry(method.to_owned())
                                .or_default() += 1;
                        }
                        probe.error = Some(format!("{method}: {message}"));
                        break;
                    }
                }
            }
            if probe.error.is_none() {
                probe.latency = Some(started.elapsed());
            }
            probes.push(probe);
        }
        probes
    }

    /// The chain head as every answering provider sees it, taking the lowest:
    /// a stale or lagging provider can delay a confirmation, never fake one.
    pub async fn agreed_block_number(&self) -> Result<u64, ProviderError> {
        let (answers, reasons) = self.ask_all("eth_blockNumber").await?;
        answers
            .into_iter()
            .map(|(_, n)| n)
            .min()
            .ok_or_else(|| ProviderError::AllFailed {
                method: "eth_blockNumber".into(),
                reasons,
            })
    }

    /// Checks that every provider that answers is on chain `expected`: a
    /// wrong chain is an error before anything is signed.
    pub async fn check_chain(&self, expected: u64) -> Result<(), ProviderError> {
        let (answers, reasons) = self.ask_all("eth_chainId").await?;
        if let Some((url, actual)) = answers.iter().find(|(_, id)| *id != expected) {
            return Err(ProviderError::WrongChain {
                expected,
                actual: *actual,
                url: url.clone(),
            });
        }
        if answers.is_empty() {
            return Err(ProviderError::AllFailed {
                method: "eth_chainId".into(),
                reasons,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod revert_tests {
    use super::*;

    #[test]
    fn revert_data_is_found_flat_or_nested() {
        let bytes = Bytes::from(vec![0x08, 0xc3, 0x79, 0xa0]);
        assert_eq!(revert_bytes(&json!("0x08c379a0")), Some(bytes.clone()));
        assert_eq!(revert_bytes(&json!({ "data": "0x08c379a0" })), Some(bytes));
        assert_eq!(revert_bytes(&json!(3)), None);
        assert_eq!(revert_bytes(&json!("not hex")), None);
    }
}
