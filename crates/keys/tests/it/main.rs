//! The integration tests of slipway-keys, as one test binary.

mod keystore;
mod signer;
