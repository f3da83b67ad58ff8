//! `slipway deploy`: declarative plans (`deploy/<name>.toml`) checked in
//! full before anything is sent, executed level by level through the chain
//! layer with a write-ahead journal (`deployments/<env>/<plan>.journal.jsonl`)
//! that lets a run interrupted anywhere finish without deploying anything
//! twice, CREATE2 through the deterministic deployment proxy, library
//! linking, and one diff-friendly record per deployed contract
//! (`deployments/<env>/<Name>.json`).
//!
//! The crate prints nothing: [`Deployment`] reports progress through a
//! callback and returns values the CLI renders.

mod apply;
pub mod authorise;
mod classify;
mod create2;
mod effect;
mod encode;
mod error;
mod import;
mod inputs;
mod invoke;
mod journal;
mod need;
mod plan;
pub mod proposal;
pub mod proxies;
mod rehearse;
mod run;
pub mod safe;
mod upgrade_proxy;
mod upgrades;
pub mod verify;

pub use apply::{DeployHooks, DeployReport, DeployRequest, PlanShown, deploy, load_plan};
pub use authorise::{Approval, Authorised, Confirm, ConfirmError, Unattended, authorise};
pub use create2::{CREATE2_PROXY, create2_address};
pub use effect::{ChangedStep, ChangedSteps, Effect, StepEffect, StepStatus};
pub use error::{DeployError, JournalProblem, PlanError, PlanErrors};
pub use import::{ImportRequest, Imported, ImportedProxy, import};
pub use invoke::{
    CallOutcome, InvokeRunError, RevertAbis, SendEvent, SendOutcome, Sender, call, check_record,
    check_send, send, send_authorised,
};
pub use journal::{FAILPOINT_VAR, Journal, JournalRecord, JournalState, LOCK_FILE, StepInput};
pub use need::{deploy_need, verify_need};
pub use plan::{
    Action, BEACON_PROXY, Calldata, CheckedPlan, CheckedStep, ERC1967_PROXY, Expr, FindPlanError,
    PROXY_ADMIN, Plan, ProxyKind, Step, StepRole, TRANSPARENT_PROXY, UPGRADEABLE_BEACON, Via,
    admin_name, beacon_name, find_plan, implementation_name, role_hash, upgrade_name,
};
pub use rehearse::{REHEARSAL_DIR, Rehearsed, RehearsedEvent, RehearsedTx, rehearse};
pub use run::{DeployOptions, Deployed, Deployment, Progress};
pub use upgrade_proxy::{UpgradeRequest, journal_of, upgrade};
pub use upgrades::{UpgradeCheck, manifest_path};
