//! The integration tests of slipway-test-runner, as one test binary (one link of
//! revm, alloy and the rest instead of one per file).

mod cheatcodes;
mod common;
mod coverage;
mod fuzz;
mod gas_hardhat;
mod host;
mod invariant;
mod ported;
mod runner;
