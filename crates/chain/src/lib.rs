//! slipway's access to chains, shared by every command that touches one
//! (deploy, verify, monitor, emergency operations). This first part holds
//! who signs: dev accounts, a key from the environment, Web3 Secret Storage
//! keystores, and the seam for external signers (HSM, cloud KMS, hardware
//! wallets: anything implementing `alloy_signer::Signer`). Keys never appear
//! in `Debug`, errors or logs.

mod keystore;
mod signer;

pub use keystore::{KeystoreError, Keystores, Password};
pub use signer::{ChainSigner, LocalKey, SignerError, resolve_signer};
