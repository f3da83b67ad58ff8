//! What an operator can do with a contract, found from the functions its
//! ABI declares (by selector) and from its `[ops.<Contract>]` mapping —
//! never from its name or its contract's name.

use std::collections::HashSet;

use alloy_json_abi::{Function, JsonAbi};
use alloy_sol_types::SolCall;
use slipway_config::OpsMapping;

use crate::{
    OpsError,
    interfaces::{IAccessControl, IDefaultAdminRules, IOwnable, IOwnable2Step},
};

/// How a contract pauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PauseKind {
    /// Graded levels raised and lowered (`raisePauseLevel(uint8)`).
    Levels,
    /// On or off (`pause()`, `unpause()`).
    Switch,
    /// It cannot pause.
    None,
}

/// How a contract guards its functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Roles, with no single admin.
    Roles,
    /// Roles with one default admin handed over in two steps
    /// (`AccessControlDefaultAdminRules`).
    RolesWithDefaultAdmin,
    /// One owner (`Ownable`).
    Owner,
    /// One owner handed over in two steps (`Ownable2Step`).
    OwnerTwoStep,
    /// None ops knows.
    None,
}

/// A contract's functions as ops sees them.
#[derive(Clone, Debug)]
pub struct Surface {
    contract: String,
    selectors: HashSet<[u8; 4]>,
    functions: Vec<Function>,
    mapping: OpsMapping,
}

impl Surface {
    /// The surface of `abi`, with `mapping` for functions ops cannot guess.
    /// `contract` names it in errors.
    pub fn new(contract: &str, abi: &JsonAbi, mapping: Option<&OpsMapping>) -> Self {
        Self {
            contract: contract.to_owned(),
            selectors: abi.functions().map(|f| f.selector().0).collect(),
            functions: abi.functions().cloned().collect(),
            mapping: mapping.cloned().unwrap_or_default(),
        }
    }

    /// Whether the ABI declares `C`.
    pub fn has<C: SolCall>(&self) -> bool {
        self.selectors.contains(&C::SELECTOR)
    }

    /// Whether the ABI declares the function `signature` (`name(types)`).
    pub fn declares(&self, signature: &str) -> bool {
        self.functions.iter().any(|f| f.signature() == signature)
    }

    /// The function `[ops.<Contract>] <key>` maps the action to, checked
    /// against the ABI and against the arguments the action passes
    /// (`inputs`, as Solidity types).
    pub fn mapped(&self, key: &str, inputs: &[&[&str]]) -> Result<Option<Function>, OpsError> {
        let Some(signature) = self.mapping.get(key) else {
            return Ok(None);
        };
        let function = self
            .functions
            .iter()
            .find(|f| f.signature() == signature)
            .cloned()
            .ok_or_else(|| OpsError::Mapping {
                contract: self.contract.clone(),
                key: key.to_owned(),
                reason: format!(
                    "`{signature}` is not a function of {}'s ABI{}",
                    self.contract,
                    suggestion(&self.functions, signature)
                ),
            })?;
        let types: Vec<&str> = function.inputs.iter().map(|p| p.ty.as_str()).collect();
        if !inputs.contains(&types.as_slice()) {
            let shapes: Vec<String> = inputs
                .iter()
                .map(|i| format!("({})", i.join(",")))
                .collect();
            return Err(OpsError::Mapping {
                contract: self.contract.clone(),
                key: key.to_owned(),
                reason: format!(
                    "`{signature}` takes ({}); this action passes {}",
                    types.join(","),
                    shapes.join(" or ")
                ),
            });
        }
        Ok(Some(function))
    }

    /// How it pauses.
    pub fn pause_kind(&self) -> PauseKind {
        use crate::interfaces::{IPausable, IPauseLevels};
        if self.has::<IPauseLevels::raisePauseLevelCall>() {
            PauseKind::Levels
        } else if self.has::<IPausable::pauseCall>() && self.has::<IPausable::unpauseCall>() {
            PauseKind::Switch
        } else {
            PauseKind::None
        }
    }

    /// How it guards its functions.
    pub fn access(&self) -> Access {
        if self.has::<IAccessControl::hasRoleCall>() {
            if self.has::<IDefaultAdminRules::beginDefaultAdminTransferCall>() {
                Access::RolesWithDefaultAdmin
            } else {
                Access::Roles
            }
        } else if self.has::<IOwnable::ownerCall>() {
            if self.has::<IOwnable2Step::acceptOwnershipCall>() {
                Access::OwnerTwoStep
            } else {
                Access::Owner
            }
        } else {
            Access::None
        }
    }

    /// The contract's name, as ops calls it.
    pub fn contract(&self) -> &str {
        &self.contract
    }

    /// The ABI's functions taking nothing and answering one `bytes32`: the
    /// role constants (`GUARDIAN_ROLE()`).
    pub fn role_constants(&self) -> Vec<&Function> {
        self.functions
            .iter()
            .filter(|f| {
                f.inputs.is_empty()
                    && f.outputs.len() == 1
                    && f.outputs[0].ty == "bytes32"
                    && f.name.ends_with("ROLE")
            })
            .collect()
    }
}

fn suggestion(functions: &[Function], signature: &str) -> String {
    let name = signature.split('(').next().unwrap_or(signature);
    functions
        .iter()
        .find(|f| f.name == name)
        .map(|f| format!(" (it declares `{}`)", f.signature()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abi(signatures: &[&str]) -> JsonAbi {
        let lines: Vec<String> = signatures.iter().map(|s| format!("function {s}")).collect();
        JsonAbi::parse(lines.iter().map(String::as_str)).expect("abi")
    }

    #[test]
    fn pause_and_access_come_from_the_functions_declared() {
        let bridge = abi(&[
            "raisePauseLevel(uint8)",
            "lowerPauseLevel(uint8)",
            "hasRole(bytes32,address) view returns (bool)",
            "beginDefaultAdminTransfer(address)",
        ]);
        let surface = Surface::new("Bridge", &bridge, None);
        assert_eq!(surface.pause_kind(), PauseKind::Levels);
        assert_eq!(surface.access(), Access::RolesWithDefaultAdmin);

        // Named like a pausable contract, without the functions: nothing.
        let named = Surface::new("PausableVault", &abi(&["deposit()"]), None);
        assert_eq!(named.pause_kind(), PauseKind::None);
        assert_eq!(named.access(), Access::None);

        let owned = Surface::new(
            "Vault",
            &abi(&[
                "pause()",
                "unpause()",
                "owner() view returns (address)",
                "acceptOwnership()",
            ]),
            None,
        );
        assert_eq!(owned.pause_kind(), PauseKind::Switch);
        assert_eq!(owned.access(), Access::OwnerTwoStep);
    }

    #[test]
    fn a_mapping_is_checked_against_the_abi_and_the_arguments() {
        let mapping = OpsMapping {
            pause: Some("haltAll()".into()),
            recover: Some("rescue(address)".into()),
            unpause: Some("resume()".into()),
            ..OpsMapping::default()
        };
        let surface = Surface::new(
            "Vault",
            &abi(&["haltAll()", "rescue(address)", "resume(uint256)"]),
            Some(&mapping),
        );
        let pause = surface
            .mapped("pause", &[&[], &["uint8"]])
            .expect("maps")
            .expect("mapped");
        assert_eq!(pause.name, "haltAll");
        let wrong = surface
            .mapped("recover", &[&["address", "uint256"]])
            .expect_err("refused")
            .to_string();
        assert!(wrong.contains("takes (address)"), "{wrong}");
        let missing = surface
            .mapped("unpause", &[&[]])
            .expect_err("refused")
            .to_string();
        assert!(missing.contains("declares `resume(uint256)`"), "{missing}");
        assert!(
            surface
                .mapped("emergency_activate", &[&[]])
                .expect("ok")
                .is_none()
        );
    }
}
