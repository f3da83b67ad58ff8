//! The integration tests of slipway-devnet, as one test binary (one link of
//! revm, alloy and the rest instead of one per file).

mod chain_props;
mod common;
mod compat;
mod console;
mod dev_methods;
mod durability;
mod eip7702;
mod fuzz_corpus;
mod parity;
mod rpc;
mod ws;
