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
