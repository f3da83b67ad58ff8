//! A webhook receiver as a team would run one: it takes every POST,
//! remembers each body, and shows each alert once by its dedup key (the
//! `Idempotency-Key` header, or the body's `key`).

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{Json, Router, extract::State, http::HeaderMap, routing::post};
use serde_json::Value;

#[derive(Debug, Default)]
struct Seen {
    requests: Vec<(Option<String>, Value)>,
}

/// A running receiver.
#[derive(Debug)]
pub struct WebhookReceiver {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

async fn take(
    State(seen): State<Arc<Mutex<Seen>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> &'static str {
    let key = headers
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Ok(mut seen) = seen.lock() {
        seen.requests.push((key, body));
    }
    "ok"
}

impl WebhookReceiver {
    /// Starts one on 127.0.0.1 (call inside a tokio runtime).
    pub async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let app = Router::new()
            .route("/hook", post(take))
            .with_state(Arc::clone(&seen));
        let (addr, task) = crate::http::serve(app).await;
        Self { addr, seen, task }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Every request's key and body, in arrival order.
    pub fn requests(&self) -> Vec<(Option<String>, Value)> {
        self.seen
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }

    /// What it shows: one body per dedup key, in first-arrival order.
    pub fn shown(&self) -> Vec<Value> {
        let mut keys = Vec::new();
        let mut shown = Vec::new();
        for (header, body) in self.requests() {
            let key = header.or_else(|| body["key"].as_str().map(str::to_owned));
            if key.as_ref().is_none_or(|k| !keys.contains(k)) {
                keys.extend(key);
                shown.push(body);
            }
        }
        shown
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}
