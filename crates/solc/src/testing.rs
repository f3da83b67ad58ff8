//! A testing aid: the staleness tests of every command that reads the
//! build through the fingerprint run each case once with the fingerprint
//! trusted blindly, to show that the case would catch a stale build. Not
//! for use outside tests.

use std::cell::Cell;

thread_local! {
    static TRUSTED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the build fingerprint trusted without any check, on this
/// thread: a build whose fingerprint exists is answered from it, however
/// stale.
pub fn trusting_the_fingerprint<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TRUSTED.with(|t| t.set(false));
        }
    }
    TRUSTED.with(|t| t.set(true));
    let _reset = Reset;
    f()
}

/// Whether this thread trusts the fingerprint blindly.
pub(crate) fn trusted() -> bool {
    TRUSTED.with(Cell::get)
}
