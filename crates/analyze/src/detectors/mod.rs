//! The security detectors, by family: each has a stable id (Slither's
//! wherever Slither has the class), a severity, a confidence, a title, the
//! page `slipway explain` prints, and a function that reports what it finds
//! in the contracts of the files being analysed (`crate::detector`).

mod access;
mod block_values;
mod calls;
mod contracts;
mod expressions;
mod loops;
mod reentrancy;
mod signatures;
mod state;
mod storage_pointers;
mod text;
mod transfers;

use crate::detector::Detector;

/// Every detector, in the order `slipway explain --list` shows them.
pub fn all() -> Vec<&'static Detector> {
    let mut all: Vec<&'static Detector> = Vec::new();
    for family in [
        reentrancy::DETECTORS,
        access::DETECTORS,
        transfers::DETECTORS,
        calls::DETECTORS,
        state::DETECTORS,
        storage_pointers::DETECTORS,
        expressions::DETECTORS,
        block_values::DETECTORS,
        loops::DETECTORS,
        text::DETECTORS,
        contracts::DETECTORS,
        signatures::DETECTORS,
    ] {
        all.extend(family.iter());
    }
    all
}
