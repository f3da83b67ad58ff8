//! slipway's infrastructure (issue 37). `check` is `slipway infra check`:
//! SOP §2.2's hardening rules enforced on Dockerfiles, compose files, ECS
//! task definitions and CloudFormation templates — the shipped `infra/`
//! and a team's own — as findings with file and line, in the analyzer's
//! finding type, so they render as text, JSON and SARIF like every other
//! rule set.

pub mod check;

pub use check::{InfraError, InfraReport, check, rule_set};
