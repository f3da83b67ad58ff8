//! The integration tests of slipway-chain, as one test binary (one link of
//! revm, alloy and the rest instead of one per file).

mod common;
mod connect;
mod external_signer;
mod fees;
mod fork;
mod lifecycle;
mod logs;
mod nonces;
mod providers;
mod safe;
mod tls;
