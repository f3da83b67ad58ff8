//! slipway's append-only log, shared by the dev chain's state
//! (`.slipway/devnet/chain.log`) and deploy's write-ahead journal
//! (`deployments/<env>/<plan>.journal.jsonl`).
//!
//! - One JSON record a line, prefixed by the CRC-32 of the rest of the
//!   line, the record's sequence number and the previous line's CRC
//!   (`0a1b2c3d 7 9f8e7d6c {…}`): a damaged line is refused, and so is a
//!   record missing, repeated or moved — never served.
//! - After each sync, a head marker beside the log (`<log>.head`) names
//!   the last durable record, so whole records lost from the end (a cut
//!   at a line boundary) are refused too.
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
mod head;
mod line;
mod lock;

pub use error::LogError;
pub use file::{FAILPOINT_CUT_VAR, Format, Log, Opened, Repair, SyncHandle};
pub use lock::{Holder, Owner, OwnerLock};
