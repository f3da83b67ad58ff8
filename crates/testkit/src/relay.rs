//! A JSON-RPC relay that counts: every POST is forwarded to a node as it
//! is, and the relay remembers each HTTP request and the methods in it, so
//! a test can tell how often and what a client asked a remote.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{Router, body::Bytes, extract::State, routing::post};
use serde_json::Value;

#[derive(Debug)]
struct Shared {
    target: String,
    client: reqwest::Client,
    /// Each HTTP request's methods, in order.
    requests: Mutex<Vec<Vec<String>>>,
}

/// A running relay.
#[derive(Debug)]
pub struct CountingRelay {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

fn methods(body: &[u8]) -> Vec<String> {
    let method = |call: &Value| {
        call.get("method")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(calls)) => calls.iter().map(method).collect(),
        Ok(call) => vec![method(&call)],
        Err(_) => vec!["(not JSON)".into()],
    }
}

async fn forward(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> (axum::http::StatusCode, Bytes) {
    if let Ok(mut requests) = shared.requests.lock() {
        requests.push(methods(&body));
    }
    let answer = shared
        .client
        .post(&shared.target)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    match answer {
        Ok(response) => {
            let status = axum::http::StatusCode::from_u16(response.status().as_u16())
                .unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
            (status, response.bytes().await.unwrap_or_default())
        }
        Err(_) => (axum::http::StatusCode::BAD_GATEWAY, Bytes::new()),
    }
}

impl CountingRelay {
    /// Starts one in front of `target` (call inside a tokio runtime).
    pub async fn start(target: &str) -> Self {
        let shared = Arc::new(Shared {
            target: target.to_owned(),
            client: crate::http(),
            requests: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/", post(forward))
            .with_state(Arc::clone(&shared));
        let (addr, task) = crate::http::serve(app).await;
        Self { addr, shared, task }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Each HTTP request so far, as the methods it carried.
    pub fn requests(&self) -> Vec<Vec<String>> {
        self.shared
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// Forgets what was counted.
    pub fn reset(&self) {
        if let Ok(mut requests) = self.shared.requests.lock() {
            requests.clear();
        }
    }
}

impl Drop for CountingRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}
