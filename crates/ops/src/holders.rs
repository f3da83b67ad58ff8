//! Who holds what on a live contract: role holders rebuilt from
//! `RoleGranted` / `RoleRevoked` / `RoleAdminChanged` logs since the
//! deployment block and confirmed with `hasRole`, the default admin and its
//! pending transfer, the owner and its pending transfer.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256};
use alloy_sol_types::SolEvent;
use serde::{Deserialize, Serialize};
use slipway_chain::ChainClient;

use crate::{
    OpsError,
    interfaces::{IAccessControl, IDefaultAdminRules, IOwnable, IOwnable2Step},
    read::{contract_logs, view},
    surface::{Access, Surface},
};

/// One account holding a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The account.
    pub account: Address,
    /// The block its latest grant is in (none when no log says).
    pub since: Option<u64>,
}

/// A role and its holders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolders {
    /// The role's hash.
    pub role: B256,
    /// Its name, from the contract's constant (`GUARDIAN_ROLE`).
    pub name: Option<String>,
    /// The role that administers it.
    pub admin_role: B256,
    /// Who holds it now, confirmed with `hasRole`.
    pub holders: Vec<Holder>,
}

impl RoleHolders {
    /// Its name, or its hash when the contract names it nowhere.
    pub fn shown(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.role.to_string())
    }

    /// Whether `account` holds it.
    pub fn held_by(&self, account: Address) -> bool {
        self.holders.iter().any(|h| h.account == account)
    }
}

/// A handover of admin or ownership that has begun and not completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTransfer {
    /// The account that may accept.
    pub to: Address,
    /// From when it may accept (the default admin's delay), if there is one.
    pub accept_after: Option<u64>,
}

/// Who controls a contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessState {
    /// Every role the contract names or its logs mention, with holders.
    pub roles: Vec<RoleHolders>,
    /// `defaultAdmin()`, for `AccessControlDefaultAdminRules`.
    pub default_admin: Option<Address>,
    /// `owner()`, for `Ownable`.
    pub owner: Option<Address>,
    /// The block of the `OwnershipTransferred` that made the owner, when
    /// a log says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_since: Option<u64>,
    /// A pending admin or ownership transfer.
    pub pending: Option<PendingTransfer>,
}

impl AccessState {
    /// The holders of `role`, if the contract has it.
    pub fn role(&self, role: B256) -> Option<&RoleHolders> {
        self.roles.iter().find(|r| r.role == role)
    }

    /// The role named `name` (`DEFAULT_ADMIN_ROLE`, `GUARDIAN_ROLE`).
    pub fn role_named(&self, name: &str) -> Option<&RoleHolders> {
        self.roles.iter().find(|r| r.name.as_deref() == Some(name))
    }
}

/// The role hashes the contract names by its constants, with
/// `DEFAULT_ADMIN_ROLE` (zero) always among them.
pub(crate) async fn role_names(
    client: &ChainClient,
    address: Address,
    surface: &Surface,
) -> Result<BTreeMap<B256, String>, OpsError> {
    let mut names = BTreeMap::from([(B256::ZERO, "DEFAULT_ADMIN_ROLE".to_owned())]);
    for constant in surface.role_constants() {
        let data = constant.selector().to_vec();
        let answer = crate::read::raw_view(client, address, data).await?;
        if let Some(word) = answer.get(..32) {
            names.insert(B256::from_slice(word), constant.name.clone());
        }
    }
    Ok(names)
}

/// Who controls the contract at `address` now, from its logs since block
/// `from` and its views.
pub async fn read_access(
    client: &ChainClient,
    address: Address,
    surface: &Surface,
    from: u64,
    to: u64,
) -> Result<Option<AccessState>, OpsError> {
    let access = surface.access();
    if access == Access::None {
        return Ok(None);
    }
    let mut state = AccessState::default();
    if matches!(access, Access::Roles | Access::RolesWithDefaultAdmin) {
        state.roles = role_holders(client, address, surface, from, to).await?;
    }
    match access {
        Access::RolesWithDefaultAdmin => {
            state.default_admin =
                Some(view(client, address, IDefaultAdminRules::defaultAdminCall {}).await?);
            let pending = view(
                client,
                address,
                IDefaultAdminRules::pendingDefaultAdminCall {},
            )
            .await?;
            if pending.newAdmin != Address::ZERO {
                state.pending = Some(PendingTransfer {
                    to: pending.newAdmin,
                    accept_after: Some(u64::try_from(pending.schedule).unwrap_or(u64::MAX)),
                });
            }
        }
        Access::Owner | Access::OwnerTwoStep => {
            let owner = view(client, address, IOwnable::ownerCall {}).await?;
            state.owner = Some(owner);
            let transfers = contract_logs(
                client,
                address,
                (from, to),
                vec![IOwnable::OwnershipTransferred::SIGNATURE_HASH],
            )
            .await?;
            state.owner_since = transfers
                .iter()
                .rev()
                .find(|log| {
                    IOwnable::OwnershipTransferred::decode_log_data(&log.inner.data)
                        .is_ok_and(|t| t.newOwner == owner)
                })
                .and_then(|log| log.block_number);
            if access == Access::OwnerTwoStep {
                let pending = view(client, address, IOwnable2Step::pendingOwnerCall {}).await?;
                if pending != Address::ZERO {
                    state.pending = Some(PendingTransfer {
                        to: pending,
                        accept_after: None,
                    });
                }
            }
        }
        Access::Roles | Access::None => {}
    }
    Ok(Some(state))
}

async fn role_holders(
    client: &ChainClient,
    address: Address,
    surface: &Surface,
    from: u64,
    to: u64,
) -> Result<Vec<RoleHolders>, OpsError> {
    let names = role_names(client, address, surface).await?;
    let logs = contract_logs(
        client,
        address,
        (from, to),
        vec![
            IAccessControl::RoleGranted::SIGNATURE_HASH,
            IAccessControl::RoleRevoked::SIGNATURE_HASH,
            IAccessControl::RoleAdminChanged::SIGNATURE_HASH,
        ],
    )
    .await?;
    // Replayed in chain order: the last grant or revoke of each pair wins.
    let mut seen: BTreeMap<B256, BTreeMap<Address, Option<u64>>> =
        names.keys().map(|role| (*role, BTreeMap::new())).collect();
    for log in &logs {
        let block = log.block_number;
        let data = &log.inner.data;
        if let Ok(granted) = IAccessControl::RoleGranted::decode_log_data(data) {
            seen.entry(granted.role)
                .or_default()
                .insert(granted.account, block);
        } else if let Ok(revoked) = IAccessControl::RoleRevoked::decode_log_data(data) {
            seen.entry(revoked.role)
                .or_default()
                .remove(&revoked.account);
        } else if let Ok(changed) = IAccessControl::RoleAdminChanged::decode_log_data(data) {
            seen.entry(changed.role).or_default();
        }
    }
    let mut roles = Vec::new();
    for (role, accounts) in seen {
        let admin_role = view(client, address, IAccessControl::getRoleAdminCall { role }).await?;
        let mut holders = Vec::new();
        for (account, since) in accounts {
            // The logs say who was granted; the contract says who holds it
            // (a grant through a path without the event, or a log the
            // provider dropped, would otherwise go unseen).
            if view(
                client,
                address,
                IAccessControl::hasRoleCall { role, account },
            )
            .await?
            {
                holders.push(Holder { account, since });
            }
        }
        roles.push(RoleHolders {
            role,
            name: names.get(&role).cloned(),
            admin_role,
            holders,
        });
    }
    Ok(roles)
}
