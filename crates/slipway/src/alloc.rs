//! The allocator: mimalloc. glibc's allocator handed freed pages back to
//! the kernel between the dev node's requests — page faults and TLB
//! shootdowns were a tenth of its CPU per `eth_call` (perf) — where
//! mimalloc reuses them. `slipway node`, which runs for days, has it purge
//! what stays free at once rather than a second later: with the delay,
//! memory freed by a burst (100,000 blocks mined, 500 WebSockets closed)
//! stayed resident (bench/devnet-growth.sh: +17 MB and 76 MB after closing,
//! against +6 MB and 20 MB purging at once), at no cost in CPU per request
//! that the benchmarks can see. Short commands keep the delay: purging at
//! once put TLB shootdowns at a tenth of `slipway test`'s time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the bundled mimalloc 3's `mimalloc.h` (the
/// Rust bindings name only mimalloc 2's options; the test below checks the
/// number still means it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes freed memory go back to the system at once, for a long-running
/// process.
pub(crate) fn purge_at_once() {
    // SAFETY: `mi_option_set` stores one integer option; it takes no
    // pointer and may be called at any time.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_15_is_the_purge_delay() {
        // Its default in the bundled mimalloc 3 is 1000 (ms, options.c);
        // the option that held this number in mimalloc 2
        // (eager_commit_delay) defaults to 1. Tests never call
        // `configure`, so the default is what is read.
        // SAFETY: reads one integer option.
        #[allow(unsafe_code)]
        let value = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(value, 1000);
    }
}
