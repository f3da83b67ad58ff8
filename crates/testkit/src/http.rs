//! A plain reqwest client for tests that drive servers directly. slipway's
//! reqwest is built without a default TLS provider (its clients bring
//! their own, see slipway-chain's `net`), so graviola is installed as the
//! process default first.

/// Installs graviola as rustls' process-wide provider (once).
pub fn install_crypto() {
    // Already installed (by this or another test) is fine.
    let _ = rustls::crypto::CryptoProvider::install_default(rustls_graviola::default_provider());
}

/// A reqwest client with default settings.
pub fn http() -> reqwest::Client {
    install_crypto();
    reqwest::Client::new()
}

/// Serves `app` on 127.0.0.1 on a free port until the task is aborted
/// (call inside a tokio runtime).
pub(crate) async fn serve(
    app: axum::Router,
) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}
