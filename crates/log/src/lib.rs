//! slipway's append-only log, shared by the dev chain's state
//! (`.slipway/devnet/chain.log`) and deploy's write-ahead journal
//! (`deployments/<env>/<plan>.journal.jsonl`).
//!
//! - One JSON record a line, prefixed by the CRC-32 of the JSON
//!   (`0a1b2c3d {…}`), so a damaged line is refused, never served.
//! - Appends are written at once and made durable by `fsync`; several
//!   appends can share one (group commit, [`SyncHandle`]).
//! - A last line cut short by a crash (never acknowledged) is cut off in
//!   place, by truncating and syncing the file — never by rewriting it, so
//!   a second crash during the cut loses nothing either. A last record that
//!   lost only its newline but whose checksum holds is kept, and reported.
//! - Whoever writes holds an [`OwnerLock`]: a file lock plus a typed
//!   [`Owner`] record, so a second writer is refused and told who holds it.

mod error;
mod file;
mod lock;

pub use error::LogError;
pub use file::{FAILPOINT_CUT_VAR, Format, Log, Opened, Repair, SyncHandle};
pub use lock::{Holder, Owner, OwnerLock};
