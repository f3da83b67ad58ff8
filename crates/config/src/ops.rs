//! `[ops.<Contract>]` (which function each emergency action calls on a
//! contract whose functions are not OpenZeppelin's or the bundled
//! bridge's) and `[roles]` (the policy live role holders are checked
//! against).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, de::Error as _};

/// `[ops.<Contract>]`: the function an action calls, as a Solidity
/// signature (`pause = "haltAll()"`). A contract is matched by its record's
/// name or its contract's name. What is not written is found from the
/// contract's ABI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpsMapping {
    /// Pauses: no arguments, or one `uint8` pause level.
    #[serde(deserialize_with = "signature_opt")]
    pub pause: Option<String>,
    /// Unpauses: no arguments, or one `uint8` pause level.
    #[serde(deserialize_with = "signature_opt")]
    pub unpause: Option<String>,
    /// A view answering whether (`bool`) or how far (`uint8`) it is paused.
    #[serde(deserialize_with = "signature_opt")]
    pub paused: Option<String>,
    /// Enters emergency mode: no arguments.
    #[serde(deserialize_with = "signature_opt")]
    pub emergency_activate: Option<String>,
    /// Leaves emergency mode: no arguments.
    #[serde(deserialize_with = "signature_opt")]
    pub emergency_deactivate: Option<String>,
    /// Recovers funds: `(address token, uint256 amount)`.
    #[serde(deserialize_with = "signature_opt")]
    pub recover: Option<String>,
    /// Proposes a recovery address: `(address)`.
    #[serde(deserialize_with = "signature_opt")]
    pub propose_recovery_address: Option<String>,
}

impl OpsMapping {
    /// The mapped signature of `action` (the key as written), if any.
    pub fn get(&self, action: &str) -> Option<&str> {
        match action {
            "pause" => self.pause.as_deref(),
            "unpause" => self.unpause.as_deref(),
            "paused" => self.paused.as_deref(),
            "emergency_activate" => self.emergency_activate.as_deref(),
            "emergency_deactivate" => self.emergency_deactivate.as_deref(),
            "recover" => self.recover.as_deref(),
            "propose_recovery_address" => self.propose_recovery_address.as_deref(),
            _ => None,
        }
    }
}

/// A function signature, `name(types)`: checked for its shape here; its
/// types are checked where it is used, against the contract's ABI.
fn signature_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    let trimmed = text.trim();
    let name_end = trimmed.find('(').unwrap_or(0);
    let name = &trimmed[..name_end];
    let well_formed = name_end > 0
        && trimmed.ends_with(')')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !well_formed {
        return Err(D::Error::custom(format!(
            "`{text}` is not a function signature: expected name(types), like \"haltAll()\" or \"pause(uint8)\""
        )));
    }
    Ok(Some(trimmed.to_owned()))
}

/// Who may hold a contract's admin role (`DEFAULT_ADMIN_ROLE`, `owner()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AdminRule {
    /// The environment's Safe, or a TimelockController whose proposers and
    /// executors are that Safe.
    Safe,
    /// Anyone (the other rules still apply).
    Any,
}

/// `[roles.above.<ROLE>]`: holders at least `margin` more than a view
/// function of the contract answers (`threshold()`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AboveRule {
    /// A view taking nothing and answering a number.
    #[serde(deserialize_with = "signature")]
    pub function: String,
    /// How many more holders than it answers.
    #[serde(default)]
    pub margin: u32,
}

fn signature<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    signature_opt(d).map(Option::unwrap_or_default)
}

/// `[roles]`: the policy `slipway roles` checks live holders against. A
/// role is named as the contract names it (`GUARDIAN_ROLE`, or
/// `DEFAULT_ADMIN_ROLE`); a rule about a role a contract does not have does
/// not apply to that contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RolesPolicy {
    /// Who may hold admin roles. Unset: the Safe in a protected
    /// environment, anyone elsewhere.
    pub admin: Option<AdminRule>,
    /// Whether an externally owned account may hold an admin role (the
    /// default admin, an owner, or the admin role of another role). Unset:
    /// not in a protected environment, allowed elsewhere.
    pub eoa_admins: Option<bool>,
    /// At least this many holders of a role (`GUARDIAN_ROLE = 1`).
    pub min: BTreeMap<String, u32>,
    /// Holders of a role beyond what a view answers
    /// (`VALIDATOR_ROLE = { function = "threshold()", margin = 1 }`).
    pub above: BTreeMap<String, AboveRule>,
    /// Only these accounts may hold a role: addresses, `${VAR}`, or `safe`
    /// (the environment's Safe).
    pub only: BTreeMap<String, Vec<String>>,
}

impl RolesPolicy {
    /// The admin rule in an environment that is (or is not) protected.
    pub fn admin_rule(&self, protected: bool) -> AdminRule {
        self.admin.unwrap_or(if protected {
            AdminRule::Safe
        } else {
            AdminRule::Any
        })
    }

    /// Whether externally owned accounts may be admins there.
    pub fn eoa_admins_allowed(&self, protected: bool) -> bool {
        self.eoa_admins.unwrap_or(!protected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        ops: BTreeMap<String, OpsMapping>,
        #[serde(default)]
        roles: RolesPolicy,
    }

    #[test]
    fn mappings_and_policy_read() {
        let file: File = toml::from_str(
            r#"
            [ops.Vault]
            pause = "haltAll()"
            recover = " rescue(address,uint256) "
            [roles]
            admin = "safe"
            [roles.min]
            GUARDIAN_ROLE = 1
            [roles.above]
            VALIDATOR_ROLE = { function = "threshold()", margin = 1 }
            [roles.only]
            OPERATOR_ROLE = ["safe", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
            "#,
        )
        .expect("parses");
        assert_eq!(file.ops["Vault"].get("pause"), Some("haltAll()"));
        assert_eq!(
            file.ops["Vault"].get("recover"),
            Some("rescue(address,uint256)")
        );
        assert_eq!(file.ops["Vault"].get("unpause"), None);
        assert_eq!(file.roles.admin_rule(false), AdminRule::Safe);
        assert_eq!(file.roles.min["GUARDIAN_ROLE"], 1);
        assert_eq!(file.roles.above["VALIDATOR_ROLE"].margin, 1);
        assert_eq!(file.roles.only["OPERATOR_ROLE"].len(), 2);
    }

    #[test]
    fn defaults_follow_protection() {
        let policy = RolesPolicy::default();
        assert_eq!(policy.admin_rule(true), AdminRule::Safe);
        assert_eq!(policy.admin_rule(false), AdminRule::Any);
        assert!(!policy.eoa_admins_allowed(true));
        assert!(policy.eoa_admins_allowed(false));
    }

    #[test]
    fn a_signature_without_parentheses_or_an_unknown_key_is_refused() {
        let bad = toml::from_str::<File>("[ops.Vault]\npause = \"haltAll\"\n")
            .err()
            .expect("refused")
            .to_string();
        assert!(bad.contains("not a function signature"), "{bad}");
        let unknown = toml::from_str::<File>("[ops.Vault]\nhalt = \"haltAll()\"\n")
            .err()
            .expect("refused")
            .to_string();
        assert!(unknown.contains("unknown field `halt`"), "{unknown}");
        let admin = toml::from_str::<File>("[roles]\nadmin = \"timelock\"\n")
            .err()
            .expect("refused")
            .to_string();
        assert!(admin.contains("unknown variant"), "{admin}");
    }
}
