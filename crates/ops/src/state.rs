//! A contract's operational state, read before and after every action:
//! the pause level, emergency mode and since when, the recovery address
//! and a pending change, balances, and who controls it.

use alloy_eips::BlockId;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use serde::{Deserialize, Serialize};
use slipway_chain::ChainClient;

use crate::{
    OpsError,
    holders::{AccessState, read_access},
    interfaces::{IERC20Balance, IEmergency, IPausable, IPauseLevels, IRecovery},
    read::{contract_logs, raw_view, view},
    surface::{PauseKind, Surface},
};

/// The bundled bridge's pause levels, from open to closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PauseLevel {
    /// Nothing paused.
    None = 0,
    /// Deposits paused.
    Deposits = 1,
    /// Releases (and deposits) paused.
    Releases = 2,
    /// Everything paused.
    All = 3,
}

impl PauseLevel {
    /// The level a contract answers.
    pub fn from_u8(level: u8) -> Option<Self> {
        Some(match level {
            0 => Self::None,
            1 => Self::Deposits,
            2 => Self::Releases,
            3 => Self::All,
            _ => return None,
        })
    }

    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::None => "open (nothing paused)",
            Self::Deposits => "deposits paused",
            Self::Releases => "releases and deposits paused",
            Self::All => "everything paused",
        }
    }
}

/// How paused a contract is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseState {
    /// A graded level (a level a contract answers beyond those ops knows is
    /// kept as its number).
    Level(u8),
    /// On or off.
    Paused(bool),
}

impl PauseState {
    /// In words.
    pub fn describe(self) -> String {
        match self {
            Self::Level(level) => match PauseLevel::from_u8(level) {
                Some(known) => format!("level {level}: {}", known.describe()),
                None => format!("level {level}"),
            },
            Self::Paused(true) => "paused".into(),
            Self::Paused(false) => "not paused".into(),
        }
    }
}

/// Emergency mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyState {
    /// Whether it is on.
    pub active: bool,
    /// Since when (a block timestamp).
    pub since: Option<u64>,
    /// From when funds may be recovered.
    pub recoverable_at: Option<u64>,
}

/// Where recovered funds go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryState {
    /// The address recovery sends to now.
    pub address: Address,
    /// A proposed address not yet in effect, and when it takes effect.
    pub pending: Option<(Address, u64)>,
}

/// A balance the contract holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// The token (zero: the chain's coin).
    pub token: Address,
    /// Its symbol, when it answers one.
    pub symbol: String,
    /// How much, in its smallest unit.
    pub amount: U256,
}

/// What an operator sees of a contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractState {
    /// The block it was read at.
    pub block: u64,
    /// That block's timestamp.
    pub timestamp: u64,
    /// How paused it is, if it can pause.
    pub pause: Option<PauseState>,
    /// Emergency mode, if it has one.
    pub emergency: Option<EmergencyState>,
    /// The recovery address, if it has one.
    pub recovery: Option<RecoveryState>,
    /// Its balances: the chain's coin, then the tokens asked about.
    pub balances: Vec<Balance>,
    /// Who controls it, if ops knows how it is guarded.
    pub access: Option<AccessState>,
}

/// Reads the state of the contract at `address`, whose logs start at block
/// `from`; `tokens` are the token balances to show beside the coin.
pub async fn read_state(
    client: &ChainClient,
    address: Address,
    surface: &Surface,
    from: u64,
    tokens: &[Address],
) -> Result<ContractState, OpsError> {
    let head = client
        .block_header(BlockId::latest())
        .await?
        .ok_or(OpsError::NoHead)?;
    let (block, timestamp) = (head.number, head.timestamp);
    let (pause, emergency) = read_status(client, address, surface).await?;
    let recovery = if surface.has::<IRecovery::recoveryAddressCall>() {
        let address_now = view(client, address, IRecovery::recoveryAddressCall {}).await?;
        Some(RecoveryState {
            address: address_now,
            pending: pending_recovery(client, address, from, block, timestamp).await?,
        })
    } else {
        None
    };
    let mut balances = vec![Balance {
        token: Address::ZERO,
        symbol: "ETH".into(),
        amount: client.balance(address).await?,
    }];
    for token in tokens.iter().filter(|t| !t.is_zero()) {
        let amount = view(
            client,
            *token,
            IERC20Balance::balanceOfCall { account: address },
        )
        .await?;
        let symbol = view(client, *token, IERC20Balance::symbolCall {})
            .await
            .unwrap_or_else(|_| token.to_string());
        balances.push(Balance {
            token: *token,
            symbol,
            amount,
        });
    }
    let access = read_access(client, address, surface, from, block).await?;
    Ok(ContractState {
        block,
        timestamp,
        pause,
        emergency,
        recovery,
        balances,
        access,
    })
}

/// How paused the contract at `address` is and its emergency mode: the
/// two figures the monitor reads every interval (no logs, a few views).
pub async fn read_status(
    client: &ChainClient,
    address: Address,
    surface: &Surface,
) -> Result<(Option<PauseState>, Option<EmergencyState>), OpsError> {
    let pause = read_pause(client, address, surface).await?;
    let emergency = if surface.has::<IEmergency::emergencyCall>() {
        let active = view(client, address, IEmergency::emergencyCall {}).await?;
        let since = if surface.has::<IEmergency::emergencyActivatedAtCall>() {
            Some(view(client, address, IEmergency::emergencyActivatedAtCall {}).await?)
                .filter(|at| *at != 0)
        } else {
            None
        };
        let timelock = if surface.has::<IEmergency::TIMELOCKCall>() {
            u64::try_from(view(client, address, IEmergency::TIMELOCKCall {}).await?).ok()
        } else {
            None
        };
        Some(EmergencyState {
            active,
            since,
            recoverable_at: since
                .zip(timelock)
                .filter(|_| active)
                .map(|(since, lock)| since.saturating_add(lock)),
        })
    } else {
        None
    };
    Ok((pause, emergency))
}

async fn read_pause(
    client: &ChainClient,
    address: Address,
    surface: &Surface,
) -> Result<Option<PauseState>, OpsError> {
    if let Some(function) = surface.mapped("paused", &[&[]])? {
        let answer = raw_view(client, address, function.selector().to_vec()).await?;
        let word = U256::from_be_slice(answer.get(..32).unwrap_or_default());
        return Ok(Some(
            match function.outputs.first().map(|o| o.ty.as_str()) {
                Some("bool") => PauseState::Paused(!word.is_zero()),
                _ => PauseState::Level(u8::try_from(word).unwrap_or(u8::MAX)),
            },
        ));
    }
    Ok(match surface.pause_kind() {
        PauseKind::Levels if surface.has::<IPauseLevels::pauseLevelCall>() => Some(
            PauseState::Level(view(client, address, IPauseLevels::pauseLevelCall {}).await?),
        ),
        PauseKind::Switch | PauseKind::None if surface.has::<IPausable::pausedCall>() => Some(
            PauseState::Paused(view(client, address, IPausable::pausedCall {}).await?),
        ),
        _ => None,
    })
}

/// The last proposed recovery address not yet in effect at `now`, unless
/// a cancellation followed it.
async fn pending_recovery(
    client: &ChainClient,
    address: Address,
    from: u64,
    to: u64,
    now: u64,
) -> Result<Option<(Address, u64)>, OpsError> {
    let logs = contract_logs(
        client,
        address,
        (from, to),
        vec![
            IRecovery::RecoveryAddressProposed::SIGNATURE_HASH,
            IRecovery::RecoveryAddressChangeCancelled::SIGNATURE_HASH,
        ],
    )
    .await?;
    let mut pending = None;
    for log in &logs {
        let data = &log.inner.data;
        if let Ok(proposed) = IRecovery::RecoveryAddressProposed::decode_log_data(data) {
            pending = Some((
                proposed.recovery,
                u64::try_from(proposed.effectiveAt).unwrap_or(u64::MAX),
            ));
        } else if IRecovery::RecoveryAddressChangeCancelled::decode_log_data(data).is_ok() {
            pending = None;
        }
    }
    Ok(pending.filter(|(_, at)| *at > now))
}

impl ContractState {
    /// The state in words, a line per fact, for terminals and records.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "block {} ({})",
            self.block,
            crate::time::date(self.timestamp)
        )];
        if let Some(pause) = self.pause {
            lines.push(format!("pause: {}", pause.describe()));
        }
        if let Some(emergency) = self.emergency {
            lines.push(match (emergency.active, emergency.since) {
                (false, _) => "emergency mode: off".to_owned(),
                (true, None) => "emergency mode: ACTIVE".to_owned(),
                (true, Some(since)) => {
                    let mut line =
                        format!("emergency mode: ACTIVE since {}", crate::time::date(since));
                    if let Some(at) = emergency.recoverable_at {
                        if at > self.timestamp {
                            line.push_str(&format!(
                                "; recovery possible from {} (in {})",
                                crate::time::date(at),
                                crate::time::duration(at - self.timestamp)
                            ));
                        } else {
                            line.push_str("; recovery possible now");
                        }
                    }
                    line
                }
            });
        }
        if let Some(recovery) = self.recovery {
            let mut line = format!("recovery address: {}", recovery.address);
            if let Some((pending, at)) = recovery.pending {
                line.push_str(&format!(
                    "; {pending} takes effect {} (in {})",
                    crate::time::date(at),
                    crate::time::duration(at.saturating_sub(self.timestamp))
                ));
            }
            lines.push(line);
        }
        for balance in &self.balances {
            lines.push(format!("balance: {} {}", balance.amount, balance.symbol));
        }
        if let Some(access) = &self.access {
            if let Some(admin) = access.default_admin {
                lines.push(format!("default admin: {admin}"));
            }
            if let Some(owner) = access.owner {
                lines.push(format!("owner: {owner}"));
            }
            if let Some(pending) = &access.pending {
                let mut line = format!("pending admin transfer to {}", pending.to);
                if let Some(after) = pending.accept_after {
                    line.push_str(&format!(", acceptable from {}", crate::time::date(after)));
                }
                lines.push(line);
            }
            for role in &access.roles {
                let holders: Vec<String> =
                    role.holders.iter().map(|h| h.account.to_string()).collect();
                lines.push(format!(
                    "{}: {}",
                    role.shown(),
                    if holders.is_empty() {
                        "nobody".to_owned()
                    } else {
                        holders.join(", ")
                    }
                ));
            }
        }
        lines
    }
}
