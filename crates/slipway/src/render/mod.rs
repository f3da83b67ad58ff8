//! Rendering shared by several commands: build progress and diagnostics,
//! test results, verification verdicts. Commands never import each other;
//! what two of them show alike lives here.

pub(crate) mod analyze;
pub(crate) mod build;
pub(crate) mod tests;
pub(crate) mod verify;
