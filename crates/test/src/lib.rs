//! `slipway test`: finds the test contracts of a build (`*.t.sol` under the
//! test directory, functions named `test…`), runs `setUp()` once per contract
//! and each test from a fresh copy of the state after it, in parallel across
//! contracts, on `slipway-evm`, and reports pass / fail with gas, decoded
//! revert reasons and `console.log` output.
//!
//! Cheatcodes (calls to the forge-std `Vm` address) are answered by the
//! cheatcode inspector; one it does not know fails its test and names the
//! selector. This crate does no I/O of its own: callers compile and render.

mod cheatcodes;
mod decode;
mod discover;
mod filter;
mod runner;

pub use cheatcodes::CHEATCODE_ADDRESS;
pub use decode::RevertDecoder;
pub use discover::{TestContract, TestFunction, discover};
pub use filter::{FilterError, TestFilter};
pub use runner::{ContractOutcome, DEFAULT_SENDER, RunOptions, TestOutcome, TestStatus, run};
