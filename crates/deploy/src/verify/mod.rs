//! `slipway verify` (`session.rs`: the use case): the bytecode on chain against the build
//! ([`compare_runtime`], [`compare_arguments`]) and source verification on
//! Etherscan-v2-compatible ([`Etherscan`]) and Sourcify-compatible
//! ([`Sourcify`]) explorers.

pub(crate) mod bytecode;
mod etherscan;
mod explorer;
mod input;
mod session;
mod sourcify;

pub use bytecode::{CodeCheck, compare_arguments, compare_runtime};
pub use etherscan::Etherscan;
pub use explorer::{ExplorerCheck, ExplorerError, Pacing};
pub use input::{Submission, SubmissionError, submission};
pub use session::{
    ExplorerStatus, Explorers, ProxyVerdict, Verdict, VerifyError, VerifyRequest, select_records,
    verify, verify_records,
};
pub use sourcify::Sourcify;
