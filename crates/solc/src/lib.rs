//! The Solidity compiler for slipway: finds or installs the pinned solc
//! (native on PATH or in the svm cache, else solcjs from npm through a small
//! shim), compiles a project through foundry-compilers with an incremental
//! content-hash cache, writes `out/<File.sol>/<Contract>.json` artifacts and
//! build-info, and turns the compiler's diagnostics into values.
//!
//! It must not print: callers render [`BuildReport`]s. It never downloads
//! anything except an explicit npm install of the pinned solcjs, on first use.

mod build;
mod diagnostics;
mod error;
mod project;
mod resolve;
mod sizes;
mod solcjs;

pub use build::{BuildReport, build};
pub use diagnostics::{Diagnostic, DiagnosticSeverity};
pub use error::{Result, SolcError};
pub use project::{CompileOutput, Profile, STATE_DIR, project};
pub use resolve::{Compiler, CompilerKind, ResolveOptions, cache_dir, probe_version, resolve};
pub use sizes::{CODE_SIZE_LIMIT, ContractSize, INITCODE_SIZE_LIMIT};
