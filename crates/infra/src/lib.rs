//! slipway's infrastructure (issue 37):
//! - `check` is `slipway infra check`: SOP §2.2's hardening rules enforced
//!   on Dockerfiles, compose files, ECS task definitions and
//!   CloudFormation templates — the shipped `infra/` and a team's own;
//! - `audit` is `slipway audit`: Solidity dependencies (lockfiles, `lib/`
//!   checkouts) against GitHub's advisories, and the pinned compiler
//!   against its known bugs;
//! - `backup` is `slipway backup` and `slipway restore`: one environment's
//!   operational state in a checked archive, in a folder or S3.
//!
//! Findings come in the analyzer's type, with file and line, so they
//! render as text, JSON and SARIF like every other rule set.

pub mod audit;
pub mod backup;
pub mod check;

pub use audit::{AuditError, AuditReport, audit};
pub use check::{InfraError, InfraReport, check, rule_set};
