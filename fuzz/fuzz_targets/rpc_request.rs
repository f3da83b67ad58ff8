//! libFuzzer's bytes as a JSON-RPC request body through
//! [`slipway_fuzz::rpc_request`]: the dev chain must answer, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = slipway_fuzz::rpc_request(data);
});
