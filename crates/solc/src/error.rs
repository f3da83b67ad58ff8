//! Errors of compiler resolution and builds.

use std::path::PathBuf;

use semver::Version;

/// Result type of this crate.
pub type Result<T, E = SolcError> = std::result::Result<T, E>;

/// What can go wrong finding a compiler or building with it.
#[derive(Debug, thiserror::Error)]
pub enum SolcError {
    /// `[compiler] evm_version` names a version the compiler driver does
    /// not know.
    #[error(
        "[compiler] evm_version = \"{0}\" is not an EVM version this build of slipway can pass to solc; choose an earlier one"
    )]
    UnknownEvmVersion(String),
    /// No way to get the pinned compiler.
    #[error(
        "no Solidity compiler {version} available: install Node.js 18+ (node and npm on PATH) so \
         slipway can install solc {version} from npm, or put a native solc {version} on PATH, \
         or set SLIPWAY_SOLC to a compiler executable"
    )]
    NoCompiler {
        /// The pinned version.
        version: Version,
    },
    /// An explicitly configured compiler is of another version.
    #[error("{} is solc {found}, but the project pins {wanted} ({origin}); point it at solc {wanted} or change [compiler] version", path.display())]
    WrongVersion {
        /// The executable.
        path: PathBuf,
        /// Its version.
        found: Version,
        /// The pinned version.
        wanted: Version,
        /// Where the path came from.
        origin: &'static str,
    },
    /// A compiler could not be asked for its version.
    #[error("{}: not a usable solc: {message}", path.display())]
    Probe {
        /// The executable.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// `npm install solc@X` failed.
    #[error("`npm install solc@{version}` failed (exit {status}): {stderr}")]
    NpmInstall {
        /// The version.
        version: Version,
        /// Exit status.
        status: String,
        /// What npm said.
        stderr: String,
    },
    /// An artifact cannot be read, or no longer holds what the build wrote.
    #[error(
        "cannot use the build artifact {}: {reason}; run `slipway build` and try again",
        path.display()
    )]
    ArtifactUnreadable {
        /// The artifact file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file-system operation failed.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Imports point into `node_modules`, which is missing.
    #[error(
        "{} does not exist, but the sources import npm packages ({packages}); run `npm install` (or `npm ci`) in {}",
        node_modules.display(), root.display()
    )]
    MissingNodeModules {
        /// The expected directory.
        node_modules: PathBuf,
        /// The project root.
        root: PathBuf,
        /// Packages imported.
        packages: String,
    },
    /// The native compiler could not be downloaded or did not run.
    #[error("solc {version} (native): {reason}; set SLIPWAY_OFFLINE=1 to use solcjs instead")]
    Download {
        /// The version.
        version: Version,
        /// What went wrong.
        reason: String,
    },
    /// A downloaded compiler does not match the list's checksum.
    #[error(
        "the download of solc {version} does not match the {digest} the binary list gives (expected {expected}, got {actual}): refused, nothing installed; check SLIPWAY_SOLC_MIRROR or any proxy in between"
    )]
    Checksum {
        /// The version.
        version: Version,
        /// `sha256` or `keccak256`.
        digest: &'static str,
        /// What the list says.
        expected: String,
        /// What the bytes hash to.
        actual: String,
    },
    /// The sources' pragmas admit no single solc release (a Foundry project
    /// that pins no `solc`).
    #[error(
        "no solc release satisfies every pragma: {pragmas}; pin one with `solc = \"0.8.x\"` in foundry.toml (or [compiler] version in slipway.toml), or align the pragmas"
    )]
    NoCommonVersion {
        /// The files whose pragmas conflict.
        pragmas: String,
    },
    /// No project file where a build was asked for.
    #[error(
        "no slipway.toml or foundry.toml in {} or any directory above it; run `slipway init`, or pass --root DIR", dir.display()
    )]
    NoProject {
        /// Where the search started.
        dir: std::path::PathBuf,
    },
    /// The configured source directory does not exist.
    #[error(
        "the source directory {} does not exist ({key} = \"{configured}\"{origin}); create it or point {key} at your contracts", path.display()
    )]
    NoSources {
        /// The absolute directory.
        path: std::path::PathBuf,
        /// As configured.
        configured: String,
        /// Which key names it.
        key: &'static str,
        /// ", from …" when it came from foundry.toml or a default.
        origin: String,
    },
    /// `bytecode_hash` names no hash solc knows.
    #[error("bytecode_hash = \"{0}\" is not one of ipfs, bzzr1, none")]
    BytecodeHash(String),
    /// A remapping could not be parsed.
    #[error("bad remapping `{0}`: expected prefix=target")]
    Remapping(String),
    /// A plan asks for proxies, and the project has no OpenZeppelin
    /// Contracts to take them from.
    #[error(
        "a proxy step needs OpenZeppelin Contracts 5.x, and the project has none (looked in {searched}); add it with `npm install --save-dev @openzeppelin/contracts@5` or `forge install OpenZeppelin/openzeppelin-contracts`"
    )]
    NoOpenZeppelin {
        /// The places looked in.
        searched: String,
    },
    /// The project's OpenZeppelin Contracts are older than 5.0.
    #[error(
        "{} is OpenZeppelin Contracts {version}; slipway's proxy steps deploy the 5.x proxies (whose transparent proxy creates its own ProxyAdmin): upgrade it to 5.x", dir.display()
    )]
    OpenZeppelinVersion {
        /// The package's folder.
        dir: PathBuf,
        /// Its version.
        version: String,
    },
    /// The proxy contracts did not compile.
    #[error("OpenZeppelin's proxy contracts from {} did not compile: {messages}", dir.display())]
    ProxiesFailed {
        /// The package's folder.
        dir: PathBuf,
        /// The compiler's errors.
        messages: String,
    },
    /// The build driver failed (before or outside the compiler's diagnostics).
    #[error("build failed")]
    Build(#[source] Box<foundry_compilers::error::SolcError>),
}

impl SolcError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}
