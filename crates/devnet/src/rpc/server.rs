//! The HTTP + WebSocket server: one port, the host and origin guard
//! (`exposure.rs`), CORS for listed browser origins, body-size and batch
//! limits.

use std::{net::SocketAddr, sync::Arc};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{State, WebSocketUpgrade},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::Value;

use super::{Ctx, MAX_BODY, error::RpcError};
use crate::{Mining, Node};
use slipway_net::Exposure;

/// A running server; dropping it (or [`ServerHandle::stop`]) shuts it down.
#[derive(Debug)]
pub struct ServerHandle {
    /// `http://host:port`.
    pub url: String,
    /// `ws://host:port`.
    pub ws_url: String,
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    /// Request context (holds the node).
    pub ctx: Arc<Ctx>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ServerHandle {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server ends.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves `node` on `addr` (port 0 picks a free port) to the loopback
/// names only, no browser origin (see [`Exposure`]).
pub async fn serve(node: Arc<Node>, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    serve_with(node, addr, Exposure::default().describing(NODE)).await
}

/// How refusals name the node, and why a page must not reach it.
pub const NODE: &str = "the dev node (its accounts are unlocked)";

/// Serves `node` on `addr` to the hosts and origins `exposure` allows.
pub async fn serve_with(
    node: Arc<Node>,
    addr: SocketAddr,
    exposure: Exposure,
) -> std::io::Result<ServerHandle> {
    let ctx = Ctx::new(node);
    if let Mining::Interval(every) = ctx.node.mining {
        ctx.set_interval(every.as_millis() as u64);
    }
    let app = Router::new()
        .route("/", post(http).get(websocket))
        .route("/healthz", axum::routing::get(alive))
        .route("/readyz", axum::routing::get(ready))
        .with_state(ctx.clone())
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(exposure.clone()),
            slipway_net::exposure::guard,
        ))
        .layer(exposure.cors());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    ctx.node.serving(&url).map_err(std::io::Error::other)?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = server.await {
            tracing::error!("server error: {e}");
        }
    });
    Ok(ServerHandle {
        url,
        ws_url: format!("ws://{addr}"),
        addr,
        ctx,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

/// `GET /healthz`: the process answers.
async fn alive() -> Response {
    json_response(StatusCode::OK, serde_json::json!({ "status": "alive" }))
}

/// `GET /readyz`: the chain is loaded and served — its id and head, read
/// under the chain's lock (a poisoned or wedged chain does not answer).
async fn ready(State(ctx): State<Arc<Ctx>>) -> Response {
    let (chain_id, head) = ctx.node.read(|c| (c.chain_id(), c.head().header.number));
    json_response(
        StatusCode::OK,
        serde_json::json!({ "status": "ready", "chainId": chain_id, "block": head }),
    )
}

fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn http(State(ctx): State<Arc<Ctx>>, body: Body) -> Response {
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let e = RpcError::invalid_request(format!(
                "request body exceeds {} MiB",
                MAX_BODY / (1024 * 1024)
            ));
            return json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                serde_json::json!({ "jsonrpc": "2.0", "id": null, "error": e.to_json() }),
            );
        }
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => return json_response(StatusCode::OK, super::parse_error(e)),
    };
    let answer = if super::is_quick(&value) && !ctx.node.is_forked() {
        Ok(super::handle_value(&ctx, value))
    } else {
        tokio::task::spawn_blocking(move || super::handle_value(&ctx, value)).await
    };
    match answer {
        Ok(Some(value)) => json_response(StatusCode::OK, value),
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "jsonrpc": "2.0", "id": null, "error": RpcError::internal(e.to_string()).to_json() }),
        ),
    }
}

async fn websocket(
    State(ctx): State<Arc<Ctx>>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(ws) => ws
            .max_message_size(MAX_BODY)
            .on_upgrade(move |socket| super::ws::run(ctx, socket)),
        Err(_) => (
            StatusCode::METHOD_NOT_ALLOWED,
            "slipway dev chain: send JSON-RPC with POST, or connect a WebSocket",
        )
            .into_response(),
    }
}
