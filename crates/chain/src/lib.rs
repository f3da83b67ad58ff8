//! slipway's access to chains, shared by every command that touches one
//! (deploy, verify, monitor, emergency operations): every outside
//! connection over TLS with proxies and failures by cause (slipway-net),
//! providers over HTTP(S) or WebSocket with failover
//! and the chain-id check (`provider.rs`), fees under the policy's cap
//! (`fees.rs`), nonces reconciled with the chain (`nonce.rs`), the
//! transaction lifecycle (`lifecycle.rs`), the JSON-RPC side of
//! external signers (`remote_signer.rs`; the signers themselves are
//! slipway-keys'), what speaks to a Safe multisig (`safe`), and fork mode's remote side:
//! a live chain read lazily at a pinned block, batched and cached on disk
//! (`fork`). Keys never appear in `Debug`, errors or logs.

mod client;
mod connect;
mod dev;
mod fees;
mod fork;
mod lifecycle;
mod logs;
mod nonce;
mod provider;
mod rehearsal;
mod remote_signer;
pub mod safe;
mod transport;

pub use client::{CallRequest, ChainClient};
pub use connect::{ConnectError, connect};
pub use fees::{FeeError, FeeQuote, bump, estimate, quote_1559};
pub use fork::{FORK_CACHE_DIR, Fork, ForkAt, ForkError, Forks};
pub use lifecycle::{Lifecycle, Shortfall, SignedTx, TxError, TxEvent, TxRequest};
pub use logs::{LogQuery, MAX_LOG_SPLITS};
pub use nonce::{NonceCheck, NonceTracker};
pub use provider::{Health, ProviderError, ProviderProbe, Providers};
pub use rehearsal::{Rehearsal, rehearsal};
pub use remote_signer::{resolve_signer, signer_transport};
pub use slipway_evm::ForkBlock;
