//! The integration tests of slipway-deploy, as one test binary (one link of
//! revm, alloy and the rest instead of one per file).

mod authorise;
mod explorers;
mod journal;
mod plan;
