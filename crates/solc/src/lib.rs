//! The Solidity compiler for slipway: finds or installs the pinned solc
//! (native on PATH or in the svm cache, else the native build from the
//! official binary list with its checksums, else — offline, or when the
//! list cannot be reached — solcjs from npm through a small shim), compiles a project through foundry-compilers with an incremental
//! content-hash cache, writes `out/<File.sol>/<Contract>.json` artifacts and
//! build-info, and turns the compiler's diagnostics into values.
//!
//! It must not print: callers render [`BuildReport`]s. It downloads only the
//! pinned compiler, on first use, and never while offline.

mod artifact;
mod build;
mod candidate;
mod detect;
mod diagnostics;
mod error;
mod fingerprint;
mod index;
mod key;
pub mod native;
mod npm_imports;
mod output;
mod project;
mod proxies;
mod resolve;
mod session;
mod sizes;
mod solcjs;
pub mod std_lib;
#[doc(hidden)]
pub mod testing;

pub use artifact::{BuiltContract, Code, CodeId, CodeObject, ContractOutput, LinkReferences, Need};
pub use build::{BuildReport, build};
pub use candidate::compile_errors_with;
pub use diagnostics::{Diagnostic, DiagnosticSeverity};
pub use error::{Result, SolcError};
pub use key::{BuildInputs, reusable};
pub(crate) use project::CompileOutput;
pub use project::{Profile, STATE_DIR, evm_version};
pub use proxies::{OpenZeppelin, PROXY_CONTRACTS, Proxies, compile_proxies, find_openzeppelin};
pub use resolve::{Compiler, CompilerKind, ResolveOptions, cache_dir, probe_version, resolve};
pub use session::{
    BuildEvent, BuildRequest, Built, compile, compile_for, compile_project, compiler,
};
pub use sizes::{CODE_SIZE_LIMIT, ContractSize, INITCODE_SIZE_LIMIT};
