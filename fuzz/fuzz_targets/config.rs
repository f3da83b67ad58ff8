//! libFuzzer's bytes through [`slipway_fuzz::config`]: it must answer, never
//! panic, hang or allocate without bound.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = slipway_fuzz::config(data);
});
