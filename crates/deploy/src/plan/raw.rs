//! The plan file as written (TOML), with the positions of its values.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// `deploy/<name>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    /// What the plan is for.
    #[allow(dead_code)]
    pub(crate) description: Option<String>,
    /// Named accounts: an address, `${VAR}`, or `dev:N` (embedded chains).
    #[serde(default)]
    pub(crate) accounts: BTreeMap<String, Spanned<String>>,
    /// Values steps refer to as `param:NAME`.
    #[serde(default)]
    pub(crate) params: BTreeMap<String, Spanned<toml::Value>>,
    /// Per-environment replacements of accounts and params.
    #[serde(default)]
    pub(crate) environments: BTreeMap<String, RawOverride>,
    /// The steps, in the order written.
    #[serde(default)]
    pub(crate) step: Vec<Spanned<RawStep>>,
}

/// `[environments.NAME]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverride {
    #[serde(default)]
    pub(crate) accounts: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub(crate) params: BTreeMap<String, Spanned<toml::Value>>,
}

/// `[[step]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) deploy: Option<Spanned<String>>,
    pub(crate) call: Option<Spanned<String>>,
    pub(crate) to: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub(crate) args: Vec<Spanned<toml::Value>>,
    pub(crate) value: Option<Spanned<toml::Value>>,
    pub(crate) salt: Option<Spanned<String>>,
    pub(crate) via: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) libraries: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    pub(crate) after: Vec<Spanned<String>>,
    /// `uups`, `transparent` or `beacon`: the contract is an
    /// implementation behind a proxy of that kind, and `args` are its
    /// initializer's.
    pub(crate) proxy: Option<Spanned<String>>,
    /// The function the proxy's constructor calls (`initialize`).
    pub(crate) initializer: Option<Spanned<String>>,
    /// Who may upgrade a transparent proxy or a beacon.
    pub(crate) owner: Option<Spanned<toml::Value>>,
    /// The reinitializer called with an upgrade (`initializeV2`).
    pub(crate) upgrade_call: Option<Spanned<String>>,
    /// Its arguments.
    #[serde(default)]
    pub(crate) upgrade_args: Vec<Spanned<toml::Value>>,
    /// OpenZeppelin's validation kinds waived for the implementation.
    #[serde(default)]
    pub(crate) unsafe_allow: Vec<Spanned<String>>,
}
