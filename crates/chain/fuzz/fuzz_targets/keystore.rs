//! Any bytes as a keystore file: unlocking must answer (an error, or a key
//! for a genuine file) and never panic, allocate without bound or hang.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use slipway_chain::{Keystores, Password};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Keystores::unlock_text(text, Path::new("fuzz.json"), &Password::new("fuzz"));
    }
});
