//! Rendering shared by several commands: build progress and diagnostics,
//! test results, verification verdicts. Commands never import each other;
//! what two of them show alike lives here.

pub(crate) mod analyze;
pub(crate) mod build;
pub(crate) mod safe;
pub(crate) mod tests;
pub(crate) mod verify;

/// What the confirmation rule let through, on stderr.
pub(crate) fn authorised(
    ui: crate::output::Ui,
    env: &slipway_config::Environment,
    authorised: &slipway_deploy::Authorised,
) {
    if authorised.typed_back {
        crate::output::status(ui, "Confirmed", &format!("`{}` typed back", env.name));
    }
    if let Some(reason) = &authorised.reason {
        crate::output::status(ui, "Reason", reason);
    }
}
