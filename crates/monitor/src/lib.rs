//! `slipway monitor`: one replica of an environment's monitor. Every
//! interval it checks health (providers and node synchronisation, the head,
//! code hashes, pause levels and emergency mode, role drift, balances),
//! reads the blocks since its cursor with reorgs handled, matches the
//! transaction and event rules, trips the circuit breaker through ops, and
//! delivers alerts from an on-disk outbox at least once, each under a dedup
//! key every replica and sink agrees on. Metrics are served for Prometheus.
//!
//! The crate prints nothing: the binary shows what it returns, and alerts
//! meant for the terminal reach it through a callback.

mod alert;
mod breaker;
pub mod emf;
mod engine;
mod error;
mod health;
mod metrics;
mod rules;
mod server;
mod sinks;
mod store;

pub use alert::Alert;
pub use breaker::Tripped;
pub use engine::{FAILPOINT_VAR, Monitor, MonitorOptions, PassReport};
pub use error::MonitorError;
pub use metrics::{Metrics, render as render_metrics};
pub use rules::{CompiledRule, Match};
pub use server::{MetricsServer, serve};
pub use sinks::Sinks;
pub use store::{Cursor, REORG_WINDOW, Store, state_dir};
