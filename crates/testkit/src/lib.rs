//! Test support for slipway's crates: the outside programs its clients are
//! tested against, as users meet them. A certificate authority made for the
//! test with the `openssl` command ([`TestCa`]); a TLS front that is not
//! written here, Debian's stunnel ([`TlsFront`]); an HTTP proxy, Debian's
//! tinyproxy ([`Proxy`]); and a node no one here wrote, Foundry's anvil from
//! npm ([`Anvil`]); and a stand-in for the Safe Transaction Service, which
//! cannot run here ([`SafeServiceStandIn`], checked against Safe's own
//! client); Debian's Prometheus and Alertmanager ([`Prometheus`],
//! [`Alertmanager`]) and a webhook receiver that shows each alert once by
//! its dedup key ([`WebhookReceiver`]); a JSON-RPC relay that counts what a
//! client asks a node ([`CountingRelay`]); a local S3, PyPI moto with
//! boto3 to look into it ([`MotoS3`]). Each listens on 127.0.0.1 on a free port and is stopped
//! by its PID when dropped. Only tests and benchmarks use this crate.

mod anvil;
mod ca;
mod http;
mod process;
mod prometheus;
mod proxy;
mod receiver;
mod relay;
mod s3;
mod safe_service;
mod tls_front;

pub use anvil::Anvil;
pub use ca::{Cert, TestCa};
pub use http::{http, install_crypto};
pub use process::{Running, free_port, workspace_root};
pub use prometheus::{Alertmanager, Prometheus};
pub use proxy::Proxy;
pub use receiver::WebhookReceiver;
pub use relay::CountingRelay;
pub use s3::MotoS3;
pub use safe_service::SafeServiceStandIn;
pub use tls_front::TlsFront;
