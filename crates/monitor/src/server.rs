//! `/metrics` (Prometheus exposition), `/healthz` (the process answers)
//! and `/readyz` (a pass has completed), behind the exposure rules every
//! server of slipway applies: loopback host names unless `--allow-host`
//! adds more, and no browser origin.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use axum::{
    Router, extract::State, http::StatusCode, http::header, response::IntoResponse, routing::get,
};
use prometheus_client::registry::Registry;
use slipway_net::Exposure;

use crate::MonitorError;

#[derive(Clone)]
struct Served {
    registry: Arc<Registry>,
    ready: Arc<AtomicBool>,
}

async fn metrics(State(served): State<Served>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        crate::metrics::render(&served.registry),
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(served): State<Served>) -> (StatusCode, &'static str) {
    if served.ready.load(Ordering::Acquire) {
        (StatusCode::OK, "ready\n")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "no pass has completed yet\n",
        )
    }
}

/// A running metrics server.
#[derive(Debug)]
pub struct MetricsServer {
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl MetricsServer {
    /// Stops it.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// Serves `registry` on `addr`; `ready` turns `/readyz` to 200.
pub async fn serve(
    addr: SocketAddr,
    registry: Registry,
    ready: Arc<AtomicBool>,
    exposure: Exposure,
) -> Result<MetricsServer, MonitorError> {
    let exposure = Arc::new(exposure.describing("the monitor's metrics"));
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(Served {
            registry: Arc::new(registry),
            ready,
        })
        .layer(axum::middleware::from_fn_with_state(
            exposure,
            slipway_net::exposure::guard,
        ));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MonitorError::Listen { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| MonitorError::Listen { addr, source })?;
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("the metrics server stopped: {e}");
        }
    });
    Ok(MetricsServer { addr, task })
}
