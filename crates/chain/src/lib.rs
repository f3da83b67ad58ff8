//! slipway's access to chains, shared by every command that touches one
//! (deploy, verify, monitor, emergency operations): every outside
//! connection over TLS with proxies and failures by cause (slipway-net),
//! providers over HTTP(S) or WebSocket with failover
//! and the chain-id check (`provider.rs`), fees under the policy's cap
//! (`fees.rs`), nonces reconciled with the chain (`nonce.rs`), the
//! transaction lifecycle (`lifecycle.rs`), and who signs: dev accounts, a key from the environment, Web3 Secret Storage
//! keystores, and the seam for external signers (HSM, cloud KMS, hardware
//! wallets: anything implementing `alloy_signer::Signer`). Keys never appear
//! in `Debug`, errors or logs.

mod client;
mod connect;
mod fees;
mod kdf_bounds;
mod keystore;
mod lifecycle;
mod nonce;
mod provider;
mod scrypt;
mod signer;
mod transport;

/// Outside connections (TLS, proxies, failures by cause), re-exported.
pub use slipway_net as net;

pub use client::{CallRequest, ChainClient};
pub use connect::{ConnectError, connect};
pub use fees::{FeeError, FeeQuote, bump, estimate, quote_1559};
pub use keystore::{KeystoreError, Keystores, Password};
pub use lifecycle::{Lifecycle, Shortfall, SignedTx, TxError, TxEvent, TxRequest};
pub use nonce::{NonceCheck, NonceTracker};
pub use provider::{Health, ProviderError, Providers};
pub use signer::{ChainSigner, LocalKey, SignerError, resolve_signer};
/// Dev accounts of a mnemonic (the one derivation, shared with the dev chain).
pub use slipway_devnet::{DevAccount, derive_account as dev_account};
