//! The integration tests of slipway-config, as one test binary (one link of
//! revm, alloy and the rest instead of one per file).

mod config;
