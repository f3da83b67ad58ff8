//! slipway's signers, and nothing else: Web3 Secret Storage keystores
//! (scrypt and PBKDF2, with bounds on hostile parameters), keys from
//! environment variables and `.env`, dev accounts derived from a mnemonic
//! as Hardhat and anvil derive them, and external JSON-RPC signers whose
//! every answer is checked. An environment's named signers (`deployer`,
//! `guardian`, …) resolve here under its rules, decided by its flags
//! (`protected`, `multisig`), never by its name.
//!
//! This crate reads keystores (no other does) but speaks no JSON-RPC: an
//! external signer is reached through [`SignerTransport`], which the chain
//! layer implements. Keys, passwords and signer URLs with credentials never
//! appear in `Debug`, errors or logs.

mod external;
mod kdf_bounds;
mod keystore;
mod mnemonic;
mod scrypt;
mod signer;

pub use external::{ExternalError, ExternalSigner, RemoteFailure, SignerTransport};
pub use keystore::{KeystoreError, Keystores, Listed, Password};
pub use mnemonic::{DevAccount, MnemonicError, derive_account, derive_accounts};
pub use signer::{
    ChainSigner, LocalKey, OpenTransport, SignerContext, SignerError, address_of, impersonated_by,
    impersonation_signature, resolve,
};
