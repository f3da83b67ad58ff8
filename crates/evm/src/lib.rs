//! revm glue for slipway: an in-memory state database (over nothing, or
//! over a remote chain through the [`RemoteState`] trait that fork mode
//! fills), the block and chain
//! environment for a hardfork, transaction execution with optional inspectors,
//! state diffs that can be stored and replayed, and the `console.log`
//! inspector.
//!
//! This crate and the test runner are the only ones that use revm types
//! (revm is not re-exported, and settings name hardforks, not revm spec
//! ids); the rest of the workspace goes through the types defined here. It
//! does no I/O.

mod console;
mod diff;
mod execute;
mod remote;
mod spec;
mod state;
mod trace;

/// The tracing options and results of geth's debug API.
pub use alloy_rpc_types_trace::geth as geth_trace;
pub use console::{CONSOLE_ADDRESS, ConsoleCollector, decode_console_call, decode_console_log};
pub use diff::{AccountDiff, StateDiff};
pub use execute::{BlockContext, ChainEnv, ExecError, Execution, Status, TxInput};
pub use remote::{
    Backing, ForkBlock, ForkFactory, RemoteAccount, RemoteError, RemoteState, Upstream,
};
pub use spec::spec_id;
pub use state::{Account, Db, State};
pub use trace::TraceError;
