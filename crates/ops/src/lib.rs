//! slipway's operations half for deployed contracts: the SOP's emergency
//! procedures (pause, emergency mode, fund recovery, role and admin
//! changes) as `slipway ops`, each shown before and after and recorded in
//! an incident log (`incidents/<env>/`); incident response around them
//! (`slipway incident`); and the live holders of every role checked
//! against the project's `[roles]` policy (`slipway roles`).
//!
//! Contracts are judged by the functions their ABIs declare and by their
//! on-chain state, never by their names. Who signs is decided by the
//! environment's flags: the guardian pauses directly, every other admin
//! action goes through the Safe where one is required.
//!
//! The crate prints nothing: the binary renders what it returns.

mod act;
mod action;
mod error;
mod holders;
pub mod incident;
mod interfaces;
mod read;
mod rehearse;
pub mod roles;
mod state;
mod surface;
pub mod time;

pub use act::{
    ActContext, ActEvent, Acted, OpsRequest, Prepared, act, direct_signer, find_record,
    pick_contract, prepare, recorded, route, status, surface_of,
};
pub use action::{Action, Amount, Planned, plan, role_hash, supports};
pub use error::OpsError;
pub use holders::{AccessState, Holder, PendingTransfer, RoleHolders, read_access};
pub use rehearse::{OpsRehearsed, RehearsedOutcome, rehearse};
pub use state::{
    Balance, ContractState, EmergencyState, PauseLevel, PauseState, RecoveryState, read_state,
    read_status,
};
pub use surface::{Access, PauseKind, Surface};
