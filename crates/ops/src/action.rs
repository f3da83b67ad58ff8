//! The emergency actions, and what each comes to on a given contract in a
//! given state: the function called with its arguments, and what will
//! change — or why there is nothing to do, or why it cannot be done yet.

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::Function;
use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_sol_types::SolCall;
use serde::{Deserialize, Serialize};

use crate::{
    OpsError,
    holders::AccessState,
    interfaces::{
        IAccessControl, IDefaultAdminRules, IEmergency, IOwnable, IOwnable2Step, IPausable,
        IPauseLevels, IRecovery,
    },
    state::{ContractState, PauseLevel, PauseState},
    surface::{Access, PauseKind, Surface},
    time::{date, duration},
};

/// How much to recover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Amount {
    /// Everything the contract holds of the token.
    All,
    /// This much, in the token's smallest unit.
    #[serde(untagged)]
    Exact(U256),
}

/// An emergency or admin action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Raise the pause level (default: everything).
    Pause {
        /// The level to raise to.
        level: Option<PauseLevel>,
    },
    /// Lower the pause level (default: open).
    Unpause {
        /// The level to lower to.
        level: Option<PauseLevel>,
    },
    /// Enter emergency mode.
    EmergencyActivate,
    /// Leave emergency mode.
    EmergencyDeactivate,
    /// Send funds to the recovery address.
    Recover {
        /// The token (zero: the chain's coin).
        token: Address,
        /// How much.
        amount: Amount,
    },
    /// Propose a new recovery address.
    ProposeRecoveryAddress {
        /// The address.
        address: Address,
    },
    /// Grant a role.
    GrantRole {
        /// The role: its name (`GUARDIAN_ROLE`) or hash.
        role: String,
        /// To whom.
        account: Address,
    },
    /// Revoke a role.
    RevokeRole {
        /// The role: its name or hash.
        role: String,
        /// From whom.
        account: Address,
    },
    /// Begin handing the admin role (or ownership) over.
    AdminTransfer {
        /// To whom.
        to: Address,
    },
    /// Accept a pending admin or ownership transfer.
    AdminAccept,
    /// Cancel a pending admin or ownership transfer.
    AdminCancel,
}

impl Action {
    /// In words.
    pub fn describe(&self) -> String {
        match self {
            Self::Pause { level } => {
                format!("pause ({})", level.unwrap_or(PauseLevel::All).describe())
            }
            Self::Unpause { level } => format!(
                "unpause (to {})",
                level.unwrap_or(PauseLevel::None).describe()
            ),
            Self::EmergencyActivate => "activate emergency mode".into(),
            Self::EmergencyDeactivate => "deactivate emergency mode".into(),
            Self::Recover { token, amount } => format!(
                "recover {} of {}",
                match amount {
                    Amount::All => "all".to_owned(),
                    Amount::Exact(n) => n.to_string(),
                },
                token_name(*token)
            ),
            Self::ProposeRecoveryAddress { address } => {
                format!("propose recovery address {address}")
            }
            Self::GrantRole { role, account } => format!("grant {role} to {account}"),
            Self::RevokeRole { role, account } => format!("revoke {role} from {account}"),
            Self::AdminTransfer { to } => format!("begin admin transfer to {to}"),
            Self::AdminAccept => "accept the pending admin transfer".into(),
            Self::AdminCancel => "cancel the pending admin transfer".into(),
        }
    }

    /// Whether the environment's guardian sends it directly, even where a
    /// Safe signs everything else: raising the pause level must not wait
    /// for signatures.
    pub fn is_guardian_action(&self) -> bool {
        matches!(self, Self::Pause { .. })
    }

    /// The token balances worth showing around it.
    pub fn tokens(&self) -> Vec<Address> {
        match self {
            Self::Recover { token, .. } => vec![*token],
            _ => Vec::new(),
        }
    }
}

fn token_name(token: Address) -> String {
    if token.is_zero() {
        "ETH".into()
    } else {
        token.to_string()
    }
}

/// What an action comes to on a contract now.
#[derive(Clone, Debug, PartialEq)]
pub enum Planned {
    /// Call `function` with `args`; `change` says what will change.
    Call {
        /// The function.
        function: Function,
        /// Its arguments.
        args: Vec<DynSolValue>,
        /// What changes, in words.
        change: Vec<String>,
    },
    /// The state already is what the action would make it.
    Nothing(String),
}

impl Planned {
    /// The calldata, for a call.
    pub fn calldata(&self) -> Option<Vec<u8>> {
        match self {
            Self::Call { function, args, .. } => function.abi_encode_input(args).ok(),
            Self::Nothing(_) => None,
        }
    }
}

/// The function `C` as an ABI entry.
fn known<C: SolCall>() -> Function {
    // The signatures come from this crate's own `sol!` interfaces.
    Function::parse(&format!("function {}", C::SIGNATURE)).unwrap_or_else(|_| Function {
        name: C::SIGNATURE.to_owned(),
        inputs: Vec::new(),
        outputs: Vec::new(),
        state_mutability: alloy_json_abi::StateMutability::NonPayable,
    })
}

fn call(function: Function, args: Vec<DynSolValue>, change: Vec<String>) -> Planned {
    Planned::Call {
        function,
        args,
        change,
    }
}

fn unsupported(surface: &Surface, action: &str, key: &str) -> OpsError {
    OpsError::Unsupported {
        contract: surface.contract().to_owned(),
        action: action.to_owned(),
        key: key.to_owned(),
    }
}

/// The role `text` names on a contract: a hash, a constant the contract
/// declares, or `keccak256(text)` as OpenZeppelin hashes role names.
pub fn role_hash(text: &str, access: Option<&AccessState>) -> B256 {
    if let Ok(hash) = text.parse::<B256>() {
        return hash;
    }
    if let Some(named) = access.and_then(|a| a.role_named(text)) {
        return named.role;
    }
    if text == "DEFAULT_ADMIN_ROLE" {
        return B256::ZERO;
    }
    keccak256(text)
}

/// What `action` comes to on the contract `surface` describes, in `state`.
pub fn plan(
    action: &Action,
    surface: &Surface,
    state: &ContractState,
) -> Result<Planned, OpsError> {
    match action {
        Action::Pause { level } => plan_pause(*level, surface, state, true),
        Action::Unpause { level } => plan_pause(*level, surface, state, false),
        Action::EmergencyActivate | Action::EmergencyDeactivate => {
            let on = matches!(action, Action::EmergencyActivate);
            let key = if on {
                "emergency_activate"
            } else {
                "emergency_deactivate"
            };
            let function = match surface.mapped(key, &[&[]])? {
                Some(f) => f,
                None if on && surface.has::<IEmergency::activateEmergencyCall>() => {
                    known::<IEmergency::activateEmergencyCall>()
                }
                None if !on && surface.has::<IEmergency::deactivateEmergencyCall>() => {
                    known::<IEmergency::deactivateEmergencyCall>()
                }
                None => return Err(unsupported(surface, &action.describe(), key)),
            };
            if let Some(emergency) = state.emergency
                && emergency.active == on
            {
                return Ok(Planned::Nothing(format!(
                    "emergency mode is already {}",
                    if on { "active" } else { "off" }
                )));
            }
            let change = if on {
                vec!["emergency mode: off → active (everything pauses; recovery opens after the contract's timelock)".into()]
            } else {
                vec![
                    "emergency mode: active → off (the pause level stays until it is lowered)"
                        .into(),
                ]
            };
            Ok(call(function, Vec::new(), change))
        }
        Action::Recover { token, amount } => plan_recover(*token, *amount, surface, state),
        Action::ProposeRecoveryAddress { address } => {
            let function = match surface.mapped("propose_recovery_address", &[&["address"]])? {
                Some(f) => f,
                None if surface.has::<IRecovery::proposeRecoveryAddressCall>() => {
                    known::<IRecovery::proposeRecoveryAddressCall>()
                }
                None => {
                    return Err(unsupported(
                        surface,
                        &action.describe(),
                        "propose_recovery_address",
                    ));
                }
            };
            if address.is_zero() {
                return Err(OpsError::Refused(
                    "the recovery address cannot be the zero address".into(),
                ));
            }
            if let Some(recovery) = state.recovery
                && recovery.address == *address
                && recovery.pending.is_none()
            {
                return Ok(Planned::Nothing(format!(
                    "the recovery address already is {address}"
                )));
            }
            let mut change = vec![format!(
                "recovery address: {} → {address} once the contract's timelock runs out (24 h on the bundled bridge)",
                state
                    .recovery
                    .map_or_else(|| "?".to_owned(), |r| r.address.to_string())
            )];
            if let Some((pending, at)) = state.recovery.and_then(|r| r.pending) {
                change.push(format!(
                    "replaces the pending change to {pending} (due {})",
                    date(at)
                ));
            }
            Ok(call(function, vec![DynSolValue::Address(*address)], change))
        }
        Action::GrantRole { role, account } | Action::RevokeRole { role, account } => {
            plan_role(action, role, *account, surface, state)
        }
        Action::AdminTransfer { .. } | Action::AdminAccept | Action::AdminCancel => {
            plan_admin(action, surface, state)
        }
    }
}

fn plan_pause(
    level: Option<PauseLevel>,
    surface: &Surface,
    state: &ContractState,
    raise: bool,
) -> Result<Planned, OpsError> {
    let key = if raise { "pause" } else { "unpause" };
    let target = level.unwrap_or(if raise {
        PauseLevel::All
    } else {
        PauseLevel::None
    });
    if let Some(mapped) = surface.mapped(key, &[&[], &["uint8"]])? {
        let args = if mapped.inputs.is_empty() {
            Vec::new()
        } else {
            vec![DynSolValue::Uint(U256::from(target as u8), 8)]
        };
        let change = match state.pause {
            Some(PauseState::Paused(now)) if now == raise => {
                return Ok(Planned::Nothing(format!(
                    "it already is {}",
                    if raise { "paused" } else { "not paused" }
                )));
            }
            Some(PauseState::Paused(_)) if raise => "not paused → paused".to_owned(),
            Some(PauseState::Paused(_)) => "paused → not paused".to_owned(),
            Some(PauseState::Level(now)) => format!(
                "pause level {now} → {} ({})",
                target as u8,
                target.describe()
            ),
            None => format!(
                "calls {} as [ops.{}] maps `{key}` (it maps no `paused` view to read the state from)",
                mapped.signature(),
                surface.contract()
            ),
        };
        return Ok(call(mapped, args, vec![change]));
    }
    match surface.pause_kind() {
        PauseKind::Levels => {
            let current = match state.pause {
                Some(PauseState::Level(level)) => level,
                _ => 0,
            };
            let wanted = target as u8;
            if (raise && wanted <= current) || (!raise && wanted >= current) {
                return Ok(Planned::Nothing(format!(
                    "the pause level already is {} ({}), not {} than {}",
                    current,
                    PauseState::Level(current).describe(),
                    if raise { "lower" } else { "higher" },
                    wanted
                )));
            }
            let function = if raise {
                known::<IPauseLevels::raisePauseLevelCall>()
            } else {
                known::<IPauseLevels::lowerPauseLevelCall>()
            };
            Ok(call(
                function,
                vec![DynSolValue::Uint(U256::from(wanted), 8)],
                vec![format!(
                    "pause level: {} → {}",
                    PauseState::Level(current).describe(),
                    PauseState::Level(wanted).describe()
                )],
            ))
        }
        PauseKind::Switch => {
            let wanted_all = if raise {
                target == PauseLevel::All
            } else {
                target == PauseLevel::None
            };
            if !wanted_all {
                return Err(OpsError::Refused(format!(
                    "{} pauses all or nothing (pause()/unpause()): --level does not apply to it",
                    surface.contract()
                )));
            }
            if state.pause == Some(PauseState::Paused(raise)) {
                return Ok(Planned::Nothing(format!(
                    "it already is {}",
                    if raise { "paused" } else { "not paused" }
                )));
            }
            let (function, change) = if raise {
                (known::<IPausable::pauseCall>(), "not paused → paused")
            } else {
                (known::<IPausable::unpauseCall>(), "paused → not paused")
            };
            Ok(call(function, Vec::new(), vec![change.into()]))
        }
        PauseKind::None => Err(unsupported(
            surface,
            if raise { "pause" } else { "unpause" },
            key,
        )),
    }
}

fn plan_recover(
    token: Address,
    amount: Amount,
    surface: &Surface,
    state: &ContractState,
) -> Result<Planned, OpsError> {
    let function = match surface.mapped("recover", &[&["address", "uint256"]])? {
        Some(f) => f,
        None if surface.has::<IRecovery::recoverFundsCall>() => {
            known::<IRecovery::recoverFundsCall>()
        }
        None => return Err(unsupported(surface, "recover funds", "recover")),
    };
    if let Some(emergency) = state.emergency {
        if !emergency.active && surface.has::<IRecovery::recoverFundsCall>() {
            return Err(OpsError::Refused(format!(
                "{} recovers funds only in emergency mode, after its timelock: `slipway ops emergency activate` first",
                surface.contract()
            )));
        }
        if let Some(at) = emergency.recoverable_at.filter(|at| *at > state.timestamp) {
            return Err(OpsError::TooEarly {
                what: "recovery".into(),
                at: date(at),
                at_secs: at,
                left: duration(at - state.timestamp),
            });
        }
    }
    let held = state
        .balances
        .iter()
        .find(|b| b.token == token)
        .map(|b| b.amount);
    let amount = match amount {
        Amount::Exact(n) => n,
        Amount::All => held.unwrap_or_default(),
    };
    if amount.is_zero() {
        return Ok(Planned::Nothing(format!(
            "{} holds no {}",
            surface.contract(),
            token_name(token)
        )));
    }
    if let Some(held) = held.filter(|held| *held < amount) {
        return Err(OpsError::Refused(format!(
            "{} holds {held} of {}, less than the {amount} asked for",
            surface.contract(),
            token_name(token)
        )));
    }
    let to = state.recovery.map_or_else(
        || "the recovery address".to_owned(),
        |r| r.address.to_string(),
    );
    Ok(call(
        function,
        vec![DynSolValue::Address(token), DynSolValue::Uint(amount, 256)],
        vec![format!("{amount} of {} → {to}", token_name(token))],
    ))
}

fn plan_role(
    action: &Action,
    role_text: &str,
    account: Address,
    surface: &Surface,
    state: &ContractState,
) -> Result<Planned, OpsError> {
    let grant = matches!(action, Action::GrantRole { .. });
    if !matches!(
        surface.access(),
        Access::Roles | Access::RolesWithDefaultAdmin
    ) {
        return Err(OpsError::Refused(format!(
            "{} has no roles (no AccessControl); {}",
            surface.contract(),
            if matches!(surface.access(), Access::Owner | Access::OwnerTwoStep) {
                "its owner is changed with `slipway ops admin transfer`"
            } else {
                "nothing to grant"
            }
        )));
    }
    let access = state.access.as_ref();
    let role = role_hash(role_text, access);
    if role == B256::ZERO && surface.access() == Access::RolesWithDefaultAdmin {
        return Err(OpsError::Refused(format!(
            "{} hands DEFAULT_ADMIN_ROLE over in two steps (AccessControlDefaultAdminRules), and {}Role reverts for it by design: use `slipway ops admin transfer ADDR`, then `slipway ops admin accept` as the new admin",
            surface.contract(),
            if grant { "grant" } else { "revoke" }
        )));
    }
    let holds = access
        .and_then(|a| a.role(role))
        .is_some_and(|r| r.held_by(account));
    if holds == grant {
        return Ok(Planned::Nothing(format!(
            "{account} {} {role_text}",
            if grant {
                "already holds"
            } else {
                "does not hold"
            }
        )));
    }
    let name = access
        .and_then(|a| a.role(role))
        .and_then(|r| r.name.clone())
        .unwrap_or_else(|| format!("{role_text} ({role}, a role the contract names nowhere)"));
    let (function, change) = if grant {
        (
            known::<IAccessControl::grantRoleCall>(),
            format!("{name}: + {account}"),
        )
    } else {
        (
            known::<IAccessControl::revokeRoleCall>(),
            format!("{name}: − {account}"),
        )
    };
    Ok(call(
        function,
        vec![
            DynSolValue::FixedBytes(role, 32),
            DynSolValue::Address(account),
        ],
        vec![change],
    ))
}

fn plan_admin(
    action: &Action,
    surface: &Surface,
    state: &ContractState,
) -> Result<Planned, OpsError> {
    let access = state.access.clone().unwrap_or_default();
    let kind = surface.access();
    let current = access.default_admin.or(access.owner);
    match (action, kind) {
        (_, Access::Roles) => Err(OpsError::Refused(format!(
            "{} has no single admin (AccessControl without default admin rules): grant and revoke DEFAULT_ADMIN_ROLE with `slipway ops roles`",
            surface.contract()
        ))),
        (_, Access::None) => Err(unsupported(surface, &action.describe(), "admin")),
        (Action::AdminTransfer { to }, _) => {
            if Some(*to) == current {
                return Ok(Planned::Nothing(format!("{to} already is the admin")));
            }
            if to.is_zero() {
                return Err(OpsError::Refused(
                    "handing the admin role to the zero address renounces it: refused".into(),
                ));
            }
            let shown = current.map_or_else(|| "?".to_owned(), |c| c.to_string());
            let (function, change) = match kind {
                Access::RolesWithDefaultAdmin => (
                    known::<IDefaultAdminRules::beginDefaultAdminTransferCall>(),
                    format!(
                        "pending admin: {to} (accepts with `slipway ops admin accept` after the contract's delay; {shown} stays admin until then)"
                    ),
                ),
                Access::OwnerTwoStep => (
                    known::<IOwnable::transferOwnershipCall>(),
                    format!(
                        "pending owner: {to} (accepts with `slipway ops admin accept`; {shown} stays owner until then)"
                    ),
                ),
                _ => (
                    known::<IOwnable::transferOwnershipCall>(),
                    format!(
                        "owner: {shown} → {to} at once (Ownable has no second step: a wrong address loses the contract)"
                    ),
                ),
            };
            Ok(call(
                function,
                vec![DynSolValue::Address(*to)],
                vec![change],
            ))
        }
        (Action::AdminAccept, Access::RolesWithDefaultAdmin | Access::OwnerTwoStep) => {
            let Some(pending) = access.pending else {
                return Ok(Planned::Nothing("no admin transfer is pending".into()));
            };
            if let Some(after) = pending.accept_after.filter(|at| *at > state.timestamp) {
                return Err(OpsError::TooEarly {
                    what: format!("accepting the admin transfer to {}", pending.to),
                    at: date(after),
                    at_secs: after,
                    left: duration(after - state.timestamp),
                });
            }
            let function = if kind == Access::RolesWithDefaultAdmin {
                known::<IDefaultAdminRules::acceptDefaultAdminTransferCall>()
            } else {
                known::<IOwnable2Step::acceptOwnershipCall>()
            };
            let shown = current.map_or_else(|| "?".to_owned(), |c| c.to_string());
            Ok(call(
                function,
                Vec::new(),
                vec![format!(
                    "admin: {shown} → {} (signed by {})",
                    pending.to, pending.to
                )],
            ))
        }
        (Action::AdminCancel, Access::RolesWithDefaultAdmin | Access::OwnerTwoStep) => {
            let Some(pending) = access.pending else {
                return Ok(Planned::Nothing("no admin transfer is pending".into()));
            };
            let change = vec![format!("pending admin {}: cancelled", pending.to)];
            Ok(if kind == Access::RolesWithDefaultAdmin {
                call(
                    known::<IDefaultAdminRules::cancelDefaultAdminTransferCall>(),
                    Vec::new(),
                    change,
                )
            } else {
                // Ownable2Step cancels by naming no one.
                call(
                    known::<IOwnable::transferOwnershipCall>(),
                    vec![DynSolValue::Address(Address::ZERO)],
                    change,
                )
            })
        }
        _ => Err(OpsError::Refused(format!(
            "{} is Ownable: ownership moves in one step, so there is nothing to accept or cancel",
            surface.contract()
        ))),
    }
}

/// A revert in words, with a timelock's time in it explained: the
/// bridge's `RecoveryTooEarly(recoverableAt)` becomes when, and how long
/// from `now` (block time).
pub(crate) fn explain_revert(reason: &str, now: u64) -> String {
    let at = reason
        .strip_prefix("RecoveryTooEarly(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|n| n.parse::<u64>().ok());
    match at {
        Some(at) if at > now => format!(
            "{reason}: recovery becomes possible at {} (block time), in {}",
            date(at),
            duration(at - now)
        ),
        _ => reason.to_owned(),
    }
}

/// Whether the contract `surface` describes has a function for `action`
/// (its state aside): how `slipway ops` finds the contract when none is
/// named.
pub fn supports(action: &Action, surface: &Surface) -> bool {
    let mapped = |key: &str| {
        surface
            .mapped(
                key,
                &[&[], &["uint8"], &["address"], &["address", "uint256"]],
            )
            .ok()
            .flatten()
            .is_some()
    };
    match action {
        Action::Pause { .. } => mapped("pause") || surface.pause_kind() != PauseKind::None,
        Action::Unpause { .. } => mapped("unpause") || surface.pause_kind() != PauseKind::None,
        Action::EmergencyActivate => {
            mapped("emergency_activate") || surface.has::<IEmergency::activateEmergencyCall>()
        }
        Action::EmergencyDeactivate => {
            mapped("emergency_deactivate") || surface.has::<IEmergency::deactivateEmergencyCall>()
        }
        Action::Recover { .. } => mapped("recover") || surface.has::<IRecovery::recoverFundsCall>(),
        Action::ProposeRecoveryAddress { .. } => {
            mapped("propose_recovery_address")
                || surface.has::<IRecovery::proposeRecoveryAddressCall>()
        }
        Action::GrantRole { .. } | Action::RevokeRole { .. } => matches!(
            surface.access(),
            Access::Roles | Access::RolesWithDefaultAdmin
        ),
        Action::AdminTransfer { .. } | Action::AdminAccept | Action::AdminCancel => matches!(
            surface.access(),
            Access::RolesWithDefaultAdmin | Access::Owner | Access::OwnerTwoStep
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        EmergencyState, Holder, RoleHolders,
        holders::PendingTransfer,
        state::{Balance, RecoveryState},
    };
    use alloy_json_abi::JsonAbi;

    fn surface(signatures: &[&str]) -> Surface {
        let lines: Vec<String> = signatures.iter().map(|s| format!("function {s}")).collect();
        let abi = JsonAbi::parse(lines.iter().map(String::as_str)).expect("abi");
        Surface::new("C", &abi, None)
    }

    fn state() -> ContractState {
        ContractState {
            block: 10,
            timestamp: 1_000_000,
            pause: None,
            emergency: None,
            recovery: None,
            balances: vec![Balance {
                token: Address::ZERO,
                symbol: "ETH".into(),
                amount: U256::from(5),
            }],
            access: None,
        }
    }

    const A: Address = Address::repeat_byte(0xaa);
    const B: Address = Address::repeat_byte(0xbb);

    fn bridge() -> Surface {
        surface(&[
            "raisePauseLevel(uint8)",
            "lowerPauseLevel(uint8)",
            "pauseLevel() view returns (uint8)",
            "recoverFunds(address,uint256)",
            "hasRole(bytes32,address) view returns (bool)",
            "beginDefaultAdminTransfer(address)",
        ])
    }

    #[test]
    fn pause_levels_only_move_the_way_asked() {
        let mut now = state();
        now.pause = Some(PauseState::Level(2));
        let lower = plan(
            &Action::Pause {
                level: Some(PauseLevel::Deposits),
            },
            &bridge(),
            &now,
        )
        .expect("plans");
        assert!(matches!(lower, Planned::Nothing(_)), "{lower:?}");
        let Planned::Call { function, args, .. } =
            plan(&Action::Pause { level: None }, &bridge(), &now).expect("plans")
        else {
            panic!("a call")
        };
        assert_eq!(function.signature(), "raisePauseLevel(uint8)");
        assert_eq!(args, vec![DynSolValue::Uint(U256::from(3), 8)]);
        let Planned::Call { function, args, .. } =
            plan(&Action::Unpause { level: None }, &bridge(), &now).expect("plans")
        else {
            panic!("a call")
        };
        assert_eq!(function.signature(), "lowerPauseLevel(uint8)");
        assert_eq!(args, vec![DynSolValue::Uint(U256::ZERO, 8)]);
    }

    #[test]
    fn recovery_waits_for_the_timelock_and_takes_no_more_than_there_is() {
        let mut now = state();
        now.emergency = Some(EmergencyState {
            active: true,
            since: Some(now.timestamp - 60),
            recoverable_at: Some(now.timestamp - 60 + 86_400),
        });
        now.recovery = Some(RecoveryState {
            address: A,
            pending: None,
        });
        let all = Action::Recover {
            token: Address::ZERO,
            amount: Amount::All,
        };
        match plan(&all, &bridge(), &now) {
            Err(OpsError::TooEarly { left, .. }) => assert_eq!(left, "23 h 59 min"),
            other => panic!("{other:?}"),
        }
        now.timestamp += 86_400;
        let Planned::Call { args, .. } = plan(&all, &bridge(), &now).expect("plans") else {
            panic!("a call")
        };
        assert_eq!(args[1], DynSolValue::Uint(U256::from(5), 256));
        let too_much = Action::Recover {
            token: Address::ZERO,
            amount: Amount::Exact(U256::from(6)),
        };
        assert!(matches!(
            plan(&too_much, &bridge(), &now),
            Err(OpsError::Refused(_))
        ));
        now.emergency = Some(EmergencyState {
            active: false,
            since: None,
            recoverable_at: None,
        });
        let refused = plan(&all, &bridge(), &now)
            .expect_err("refused")
            .to_string();
        assert!(refused.contains("ops emergency activate"), "{refused}");
    }

    #[test]
    fn the_default_admin_role_goes_through_the_handover() {
        let mut now = state();
        now.access = Some(AccessState {
            roles: vec![RoleHolders {
                role: B256::ZERO,
                name: Some("DEFAULT_ADMIN_ROLE".into()),
                admin_role: B256::ZERO,
                holders: vec![Holder {
                    account: A,
                    since: Some(1),
                }],
            }],
            default_admin: Some(A),
            owner: None,
            owner_since: None,
            pending: Some(PendingTransfer {
                to: B,
                accept_after: Some(now.timestamp + 10),
            }),
        });
        let grant = Action::GrantRole {
            role: "DEFAULT_ADMIN_ROLE".into(),
            account: B,
        };
        let refused = plan(&grant, &bridge(), &now)
            .expect_err("refused")
            .to_string();
        assert!(refused.contains("ops admin transfer"), "{refused}");
        assert!(matches!(
            plan(&Action::AdminAccept, &bridge(), &now),
            Err(OpsError::TooEarly { .. })
        ));
        let same = plan(&Action::AdminTransfer { to: A }, &bridge(), &now).expect("plans");
        assert!(matches!(same, Planned::Nothing(_)));
    }

    #[test]
    fn a_timelock_revert_says_when() {
        assert_eq!(
            explain_revert("RecoveryTooEarly(86400)", 3_600),
            "RecoveryTooEarly(86400): recovery becomes possible at 1970-01-02T00:00:00Z (block time), in 23 h 0 min"
        );
        assert_eq!(explain_revert("EmergencyActive()", 0), "EmergencyActive()");
    }

    #[test]
    fn ownable_hands_over_in_one_step_and_says_so() {
        let owned = surface(&[
            "owner() view returns (address)",
            "transferOwnership(address)",
        ]);
        let mut now = state();
        now.access = Some(AccessState {
            owner: Some(A),
            ..AccessState::default()
        });
        let Planned::Call {
            function, change, ..
        } = plan(&Action::AdminTransfer { to: B }, &owned, &now).expect("plans")
        else {
            panic!("a call")
        };
        assert_eq!(function.signature(), "transferOwnership(address)");
        assert!(change[0].contains("at once"), "{change:?}");
        assert!(matches!(
            plan(&Action::AdminAccept, &owned, &now),
            Err(OpsError::Refused(_))
        ));
    }
}
