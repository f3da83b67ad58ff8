//! `slipway roles`: the live holders of every role of every recorded
//! contract, checked against the project's `[roles]` policy. A drift is a
//! finding of the analyzer's type, so text, JSON and SARIF come for free;
//! the pipeline and the monitor run the same check.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256, keccak256};
use serde::Serialize;
use slipway_analyze::{Confidence, Finding, RuleSet, SarifRule, Severity};
use slipway_chain::ChainClient;
use slipway_config::{AdminRule, Config, Environment, Multisig, RolesPolicy};
use slipway_contracts::{DeploymentRecord, records_dir};

use crate::{
    AccessState, OpsError,
    holders::read_access,
    interfaces::ITimelock,
    read::{raw_view, view},
    surface::Surface,
};

/// What an account that holds a role is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountKind {
    /// The environment's Safe.
    Safe,
    /// A TimelockController; whether its proposers and executors are the
    /// environment's Safe and nobody else.
    Timelock {
        /// Its proposers and executors are the Safe alone.
        safe_controlled: bool,
        /// Its minimum delay, in seconds.
        delay: u64,
    },
    /// Another contract.
    Contract,
    /// An externally owned account (no code, or only an EIP-7702
    /// delegation).
    Eoa,
}

/// One recorded contract's live roles.
#[derive(Clone, Debug, Serialize)]
pub struct ContractRoles {
    /// The record's name.
    pub name: String,
    /// Its contract's name (`Bridge`).
    pub contract: String,
    /// Its address.
    pub address: Address,
    /// The block its logs are read from.
    pub from_block: u64,
    /// Who controls it.
    pub access: AccessState,
}

/// The live roles of an environment and their drift from the policy.
#[derive(Clone, Debug, Serialize)]
pub struct RolesReport {
    /// The environment.
    pub env: String,
    /// The block the holders were read at.
    pub block: u64,
    /// Each recorded contract ops knows how it is guarded.
    pub contracts: Vec<ContractRoles>,
    /// What each account holding something is.
    pub accounts: BTreeMap<Address, AccountKind>,
    /// Drifts from the policy.
    pub findings: Vec<Finding>,
}

/// The rules a drift is reported under, for SARIF.
pub fn rule_set() -> RuleSet {
    let rule = |id: &str, title: &str, description: &str, help: &str| SarifRule {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        help: help.to_owned(),
        help_markdown: help.to_owned(),
        severity: Severity::High,
        confidence: Confidence::High,
    };
    RuleSet {
        tag: "security",
        rules: vec![
            rule(
                "roles-admin-not-safe",
                "An admin is not the environment's Safe",
                "The policy ([roles] admin = \"safe\", the default in protected environments) wants every admin role held by the environment's Safe, or by a TimelockController whose proposers and executors are that Safe.",
                "Hand the admin role to the Safe: `slipway ops admin transfer SAFE`, or grant and revoke DEFAULT_ADMIN_ROLE with `slipway ops roles`.",
            ),
            rule(
                "roles-eoa-admin",
                "An externally owned account holds an admin role",
                "A single key controls an admin role: the default admin, the owner, or the admin role of another role.",
                "Move the role to a Safe or a timelock, or allow it with [roles] eoa_admins = true.",
            ),
            rule(
                "roles-too-few",
                "Too few holders of a role",
                "[roles.min] wants at least this many holders.",
                "Grant the role: `slipway ops roles grant ROLE ACCOUNT`.",
            ),
            rule(
                "roles-margin",
                "Too few holders beyond what the contract needs",
                "[roles.above] wants more holders than a view of the contract answers (the validators beyond the threshold).",
                "Grant the role to more accounts, or lower the contract's requirement.",
            ),
            rule(
                "roles-unlisted-holder",
                "An account holds a role it is not listed for",
                "[roles.only] lists who may hold the role; this account holds it anyway (granted outside the plan, or left over).",
                "Revoke it (`slipway ops roles revoke ROLE ACCOUNT`) or list it in [roles.only].",
            ),
        ],
    }
}

struct Drift<'a> {
    env: &'a str,
    record: &'a DeploymentRecord,
}

impl Drift<'_> {
    fn finding(&self, id: &str, message: String, key: &[&str]) -> Finding {
        let path = records_dir(std::path::Path::new(""), self.env)
            .join(format!("{}.json", self.record.name));
        let fingerprint = keccak256(format!("{id}|{}|{}", self.record.name, key.join("|")));
        Finding {
            id: id.to_owned(),
            severity: Severity::High,
            confidence: Confidence::High,
            message,
            path,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            start: 0,
            length: 0,
            contract: Some(self.record.name.clone()),
            function: None,
            fingerprint: format!("{fingerprint:x}"),
            suppressed: None,
            baselined: false,
            fix: None,
        }
    }
}

/// An account as `[roles.only] <role>` names it: an address, `${VAR}`, or
/// `safe` (none where the environment has no Safe). An entry that names
/// no account is an error: a silently dropped entry would turn every
/// holder it meant into a drift.
fn listed(
    role: &str,
    entry: &str,
    env: &Environment,
    config: &Config,
) -> Result<Option<Address>, OpsError> {
    if entry.eq_ignore_ascii_case("safe") {
        return Ok(match &env.multisig {
            Multisig::Safe { address, .. } => Some(*address),
            _ => None,
        });
    }
    let refuse = |why: String| {
        OpsError::Refused(format!(
            "slipway.toml [roles.only] {role}: `{entry}` {why}; write an address, `${{VAR}}` or \"safe\""
        ))
    };
    let expanded = config
        .vars()
        .expand(entry)
        .map_err(|e| refuse(format!("cannot be read ({e})")))?;
    expanded
        .trim()
        .parse()
        .map(Some)
        .map_err(|_| refuse("is not an address".to_owned()))
}

async fn kind_of(
    client: &ChainClient,
    account: Address,
    safe: Option<Address>,
    head: u64,
) -> Result<AccountKind, OpsError> {
    if Some(account) == safe {
        return Ok(AccountKind::Safe);
    }
    let code = client.code(account).await?;
    // An EIP-7702 delegation (0xef0100 ‖ address) is still one key.
    if code.is_empty() || (code.len() == 23 && code.starts_with(&[0xef, 0x01, 0x00])) {
        return Ok(AccountKind::Eoa);
    }
    // A TimelockController answers these; anything else is a contract.
    let (Ok(proposer), Ok(executor), Ok(delay)) = (
        view(client, account, ITimelock::PROPOSER_ROLECall {}).await,
        view(client, account, ITimelock::EXECUTOR_ROLECall {}).await,
        view(client, account, ITimelock::getMinDelayCall {}).await,
    ) else {
        return Ok(AccountKind::Contract);
    };
    let timelock = timelock_surface();
    let roles = read_access(client, account, &timelock, 0, head)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let only_safe = |role: B256| {
        roles.role(role).is_some_and(|r| {
            !r.holders.is_empty() && r.holders.iter().all(|h| Some(h.account) == safe)
        })
    };
    Ok(AccountKind::Timelock {
        safe_controlled: safe.is_some() && only_safe(proposer) && only_safe(executor),
        delay: u64::try_from(delay).unwrap_or(u64::MAX),
    })
}

fn timelock_surface() -> Surface {
    let abi = alloy_json_abi::JsonAbi::parse([
        "function hasRole(bytes32,address) view returns (bool)",
        "function PROPOSER_ROLE() view returns (bytes32)",
        "function EXECUTOR_ROLE() view returns (bytes32)",
        "function CANCELLER_ROLE() view returns (bytes32)",
    ])
    .unwrap_or_default();
    Surface::new("TimelockController", &abi, None)
}

/// Reads the live roles of every recorded contract of `env` and checks them
/// against the policy.
pub async fn live_roles(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
) -> Result<RolesReport, OpsError> {
    let records = crate::recorded(config, env, client).await?;
    let block = client.agreed_block_number().await?;
    let safe = match &env.multisig {
        Multisig::Safe { address, .. } => Some(*address),
        _ => None,
    };
    let mut report = RolesReport {
        env: env.name.clone(),
        block,
        contracts: Vec::new(),
        accounts: BTreeMap::new(),
        findings: Vec::new(),
    };
    for record in &records {
        let surface = crate::surface_of(config, record);
        let from = record.block.unwrap_or(0);
        let Some(access) = read_access(client, record.address, &surface, from, block).await? else {
            continue;
        };
        for account in holders_of(&access) {
            if let std::collections::btree_map::Entry::Vacant(slot) = report.accounts.entry(account)
            {
                slot.insert(kind_of(client, account, safe, block).await?);
            }
        }
        let drift = Drift {
            env: &env.name,
            record,
        };
        check(
            &drift,
            &access,
            &config.roles,
            env,
            config,
            &report.accounts,
            client,
            &surface,
            &mut report.findings,
        )
        .await?;
        report.contracts.push(ContractRoles {
            name: record.name.clone(),
            contract: record
                .contract
                .rsplit(':')
                .next()
                .unwrap_or(&record.contract)
                .to_owned(),
            address: record.address,
            from_block: from,
            access,
        });
    }
    Ok(report)
}

fn holders_of(access: &AccessState) -> Vec<Address> {
    let mut all: Vec<Address> = access
        .roles
        .iter()
        .flat_map(|r| r.holders.iter().map(|h| h.account))
        .chain(access.default_admin)
        .chain(access.owner)
        .chain(access.pending.as_ref().map(|p| p.to))
        .filter(|a| !a.is_zero())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The accounts that hold an admin role: the default admin, the owner, the
/// holders of DEFAULT_ADMIN_ROLE and of every role that administers
/// another.
fn admins(access: &AccessState) -> Vec<(String, Address)> {
    let mut admin_roles: Vec<B256> = access.roles.iter().map(|r| r.admin_role).collect();
    admin_roles.push(B256::ZERO);
    admin_roles.sort();
    admin_roles.dedup();
    let mut found = Vec::new();
    if let Some(admin) = access.default_admin.filter(|a| !a.is_zero()) {
        found.push(("the default admin".to_owned(), admin));
    }
    if let Some(owner) = access.owner.filter(|a| !a.is_zero()) {
        found.push(("the owner".to_owned(), owner));
    }
    for role in access
        .roles
        .iter()
        .filter(|r| admin_roles.contains(&r.role))
    {
        for holder in &role.holders {
            if !found.iter().any(|(_, a)| *a == holder.account) {
                found.push((role.shown(), holder.account));
            }
        }
    }
    found
}

#[allow(clippy::too_many_arguments)]
async fn check(
    drift: &Drift<'_>,
    access: &AccessState,
    policy: &RolesPolicy,
    env: &Environment,
    config: &Config,
    accounts: &BTreeMap<Address, AccountKind>,
    client: &ChainClient,
    surface: &Surface,
    findings: &mut Vec<Finding>,
) -> Result<(), OpsError> {
    let name = &drift.record.name;
    let admins = admins(access);
    if policy.admin_rule(env.protected) == AdminRule::Safe {
        let safe = match &env.multisig {
            Multisig::Safe { address, .. } => Some(*address),
            _ => None,
        };
        for (what, account) in &admins {
            let fine = match accounts.get(account) {
                Some(AccountKind::Safe) => true,
                Some(AccountKind::Timelock {
                    safe_controlled, ..
                }) => *safe_controlled,
                _ => false,
            };
            if !fine {
                let wanted = match safe {
                    Some(safe) => format!("the Safe {safe} (or a timelock it alone controls)"),
                    None => format!(
                        "the environment's Safe, and `{}` names none (multisig = {{ safe = … }})",
                        env.name
                    ),
                };
                findings.push(drift.finding(
                    "roles-admin-not-safe",
                    format!("{name}: {what} is {account}, not {wanted}"),
                    &[what, &account.to_string()],
                ));
            }
        }
    }
    if !policy.eoa_admins_allowed(env.protected) {
        for (what, account) in &admins {
            if accounts.get(account) == Some(&AccountKind::Eoa) {
                findings.push(drift.finding(
                    "roles-eoa-admin",
                    format!("{name}: {what} is {account}, an externally owned account (one key)"),
                    &[what, &account.to_string()],
                ));
            }
        }
    }
    for (role_name, wanted) in &policy.min {
        let Some(role) = access.role_named(role_name) else {
            continue;
        };
        let held = role.holders.len();
        if held < *wanted as usize {
            findings.push(drift.finding(
                "roles-too-few",
                format!(
                    "{name}: {role_name} has {held} holder(s); [roles.min] wants at least {wanted}"
                ),
                &[role_name],
            ));
        }
    }
    for (role_name, rule) in &policy.above {
        let Some(role) = access.role_named(role_name) else {
            continue;
        };
        if !surface.declares(&rule.function) {
            continue;
        }
        let selector = keccak256(rule.function.as_bytes());
        let answer = raw_view(client, drift.record.address, selector[..4].to_vec()).await?;
        let needed = U256::from_be_slice(answer.get(..32).unwrap_or_default());
        let held = U256::from(role.holders.len());
        let wanted = needed + U256::from(rule.margin);
        if held < wanted {
            findings.push(drift.finding(
                "roles-margin",
                format!(
                    "{name}: {role_name} has {held} holder(s); {} answers {needed}, and [roles.above] wants {} more, so at least {wanted}",
                    rule.function, rule.margin
                ),
                &[role_name],
            ));
        }
    }
    for (role_name, allowed) in &policy.only {
        let Some(role) = access.role_named(role_name) else {
            continue;
        };
        let mut accounts = Vec::new();
        for entry in allowed {
            accounts.extend(listed(role_name, entry, env, config)?);
        }
        let allowed = accounts;
        for holder in &role.holders {
            if !allowed.contains(&holder.account) {
                findings.push(drift.finding(
                    "roles-unlisted-holder",
                    format!(
                        "{name}: {} holds {role_name}{}, and [roles.only] does not list it",
                        holder.account,
                        holder
                            .since
                            .map(|b| format!(" (granted in block {b})"))
                            .unwrap_or_default()
                    ),
                    &[role_name, &holder.account.to_string()],
                ));
            }
        }
    }
    Ok(())
}

/// One role (or account) of a contract: what it may call, by the static
/// review, and who holds it now.
#[derive(Clone, Debug, Serialize)]
pub struct RoleReview {
    /// The record's name.
    pub contract: String,
    /// The role's name, or the account expression (`owner()`).
    pub who: String,
    /// The functions it may call (the static review).
    pub functions: Vec<String>,
    /// The functions that need its holders' signatures.
    pub signs_for: Vec<String>,
    /// Who holds it now, and since which block (none when the review
    /// names it by an expression no live read answers: `getRoleAdmin(role)`).
    pub holders: Option<Vec<crate::Holder>>,
}

/// The static access review beside the live holders: for each role of
/// each recorded contract, the functions it may call and who holds it.
pub fn with_review(
    report: &RolesReport,
    access: &[slipway_analyze::ContractAccess],
) -> Vec<RoleReview> {
    let mut rows = Vec::new();
    for contract in &report.contracts {
        let Some(review) = access.iter().find(|a| a.contract == contract.contract) else {
            continue;
        };
        let live = &contract.access;
        let mut names: Vec<&String> = review.roles.keys().chain(review.signed_by.keys()).collect();
        names.extend(live.roles.iter().filter_map(|r| r.name.as_ref()));
        names.sort();
        names.dedup();
        for name in names {
            rows.push(RoleReview {
                contract: contract.name.clone(),
                who: name.clone(),
                functions: review.roles.get(name).cloned().unwrap_or_default(),
                signs_for: review.signed_by.get(name).cloned().unwrap_or_default(),
                holders: live.role_named(name).map(|r| r.holders.clone()),
            });
        }
        for (account, functions) in &review.accounts {
            let holder = match account.as_str() {
                "owner()" => Some(live.owner),
                "defaultAdmin()" => Some(live.default_admin),
                _ => None,
            };
            rows.push(RoleReview {
                contract: contract.name.clone(),
                who: account.clone(),
                functions: functions.clone(),
                signs_for: Vec::new(),
                holders: holder.map(|account| {
                    account
                        .map(|account| crate::Holder {
                            account,
                            since: (Some(account) == live.owner)
                                .then_some(live.owner_since)
                                .flatten(),
                        })
                        .into_iter()
                        .collect()
                }),
            });
        }
    }
    rows
}
