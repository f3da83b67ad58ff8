//! Safe's released contracts, read from the npm packages a project
//! installs (`@safe-global/safe-smart-account` for 1.5.0,
//! `@safe-global/safe-contracts` for 1.4.1, `@gnosis.pm/safe-contracts`
//! for 1.3.0) with the canonical addresses
//! and code hashes `@safe-global/safe-deployments` publishes. Nothing is
//! fetched: a missing package is an error that says what to install.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256, Bytes, keccak256};
use serde::Deserialize;

/// The Safe singleton factory: a CREATE2 deployer at the same address on
/// every chain (a predeploy of the embedded chain), through which Safe's
/// contracts land at their canonical addresses (salt zero).
pub const SAFE_SINGLETON_FACTORY: Address = slipway_devnet::SAFE_SINGLETON_FACTORY;

/// A contract of a release: (name, safe-deployments file, artifact path
/// under `build/artifacts/contracts`).
type Entry = (&'static str, &'static str, &'static str);

/// Safe, SafeL2 and SafeProxyFactory as 1.4.1 and 1.5.0 name them.
const CORE: [Entry; 3] = [
    ("Safe", "safe", "Safe.sol/Safe.json"),
    ("SafeL2", "safe_l2", "SafeL2.sol/SafeL2.json"),
    (
        "SafeProxyFactory",
        "safe_proxy_factory",
        "proxies/SafeProxyFactory.sol/SafeProxyFactory.json",
    ),
];

/// The same three under the names 1.3.0 gave them (GnosisSafe…), known
/// here by the later names.
const CORE_1_3_0: [Entry; 3] = [
    ("Safe", "gnosis_safe", "GnosisSafe.sol/GnosisSafe.json"),
    (
        "SafeL2",
        "gnosis_safe_l2",
        "GnosisSafeL2.sol/GnosisSafeL2.json",
    ),
    (
        "SafeProxyFactory",
        "proxy_factory",
        "proxies/GnosisSafeProxyFactory.sol/GnosisSafeProxyFactory.json",
    ),
];

/// The libraries and handler, named alike in every release; deployed
/// after the core, in this order.
const LIBRARIES: [Entry; 4] = [
    (
        "MultiSend",
        "multi_send",
        "libraries/MultiSend.sol/MultiSend.json",
    ),
    (
        "MultiSendCallOnly",
        "multi_send_call_only",
        "libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json",
    ),
    (
        "CreateCall",
        "create_call",
        "libraries/CreateCall.sol/CreateCall.json",
    ),
    (
        "CompatibilityFallbackHandler",
        "compatibility_fallback_handler",
        "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    ),
];

/// Where a version's files are: its npm package, the CREATE2 deployer its
/// canonical addresses come from (1.3.0 went through the deterministic
/// deployment proxy, later releases through the Safe singleton factory),
/// its core contracts' names and its proxy's artifact.
struct Layout {
    package: &'static str,
    deployer: Address,
    core: [Entry; 3],
    proxy: &'static str,
}

fn layout(version: &str) -> Option<Layout> {
    match version {
        "1.5.0" => Some(Layout {
            package: "@safe-global/safe-smart-account",
            deployer: SAFE_SINGLETON_FACTORY,
            core: CORE,
            proxy: "proxies/SafeProxy.sol/SafeProxy.json",
        }),
        "1.4.1" => Some(Layout {
            package: "@safe-global/safe-contracts",
            deployer: SAFE_SINGLETON_FACTORY,
            core: CORE,
            proxy: "proxies/SafeProxy.sol/SafeProxy.json",
        }),
        "1.3.0" => Some(Layout {
            package: "@gnosis.pm/safe-contracts",
            deployer: slipway_devnet::CREATE2_DEPLOYER,
            core: CORE_1_3_0,
            proxy: "proxies/GnosisSafeProxy.sol/GnosisSafeProxy.json",
        }),
        _ => None,
    }
}

/// One of a release's contracts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeContract {
    /// Its name (`SafeProxyFactory`).
    pub name: &'static str,
    /// Its creation code, from the npm artifact.
    pub creation: Bytes,
    /// Its canonical address (safe-deployments).
    pub address: Address,
    /// Its deployed code's published hash (safe-deployments).
    pub code_hash: B256,
}

/// A Safe release's contracts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeRelease {
    /// The version (`1.5.0`).
    pub version: String,
    /// The npm package and version the code came from
    /// (`@safe-global/safe-smart-account@1.5.0`).
    pub package: String,
    /// Its contracts, in deployment order.
    pub contracts: Vec<SafeContract>,
    /// The CREATE2 deployer its canonical addresses come from (salt zero).
    pub deployer: Address,
    /// The runtime code of a Safe (the proxy SafeProxyFactory creates):
    /// what a Safe of this release holds.
    pub proxy_code: Bytes,
}

/// Why a release could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// slipway deploys no such release.
    #[error("Safe {0} cannot be deployed by slipway: 1.5.0, 1.4.1 and 1.3.0 can")]
    Unsupported(String),
    /// A package is missing or has another version.
    #[error(
        "{package} {version} is not installed under {}: add it to the project's package.json (npm install --save-dev {package}@{version})",
        .node_modules.display()
    )]
    Missing {
        /// The npm package.
        package: String,
        /// Its version.
        version: String,
        /// Where it was looked for.
        node_modules: PathBuf,
    },
    /// A file of the package does not read as expected.
    #[error("{}: {reason}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
}

/// The address CREATE2 gives `init_code` deployed by `deployer` with
/// `salt`.
pub fn create2_address(deployer: Address, salt: B256, init_code: &[u8]) -> Address {
    deployer.create2(salt, keccak256(init_code))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    bytecode: Bytes,
    #[serde(default)]
    deployed_bytecode: Bytes,
}

#[derive(Deserialize)]
struct Deployment {
    deployments: std::collections::BTreeMap<String, Canonical>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Canonical {
    address: Address,
    code_hash: B256,
}

#[derive(Deserialize)]
struct PackageJson {
    version: String,
}

pub(super) fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReleaseError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReleaseError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| ReleaseError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

fn package_dir(node_modules: &Path, package: &str, version: &str) -> Result<PathBuf, ReleaseError> {
    let dir = node_modules.join(package);
    let missing = || ReleaseError::Missing {
        package: package.to_owned(),
        version: version.to_owned(),
        node_modules: node_modules.to_path_buf(),
    };
    let manifest = dir.join("package.json");
    if !manifest.is_file() {
        return Err(missing());
    }
    let found: PackageJson = read(&manifest)?;
    if found.version != version {
        return Err(missing());
    }
    Ok(dir)
}

impl SafeRelease {
    /// Safe `version` from the packages under `node_modules`.
    pub fn load(node_modules: &Path, version: &str) -> Result<Self, ReleaseError> {
        let Some(layout) = layout(version) else {
            return Err(ReleaseError::Unsupported(version.to_owned()));
        };
        let package = layout.package;
        let code = package_dir(node_modules, package, version)?;
        let deployments = node_modules.join("@safe-global/safe-deployments");
        if !deployments.join("package.json").is_file() {
            return Err(ReleaseError::Missing {
                package: "@safe-global/safe-deployments".into(),
                version: "(any)".into(),
                node_modules: node_modules.to_path_buf(),
            });
        }
        let mut contracts = Vec::new();
        for (name, listed, artifact) in layout.core.into_iter().chain(LIBRARIES) {
            let artifact_path = code.join("build/artifacts/contracts").join(artifact);
            let artifact: Artifact = read(&artifact_path)?;
            let listed_path = deployments
                .join("dist/assets")
                .join(format!("v{version}"))
                .join(format!("{listed}.json"));
            let deployment: Deployment = read(&listed_path)?;
            let canonical = deployment.deployments.get("canonical").ok_or_else(|| {
                ReleaseError::Unreadable {
                    path: listed_path.clone(),
                    reason: "no canonical deployment is listed".into(),
                }
            })?;
            contracts.push(SafeContract {
                name,
                creation: artifact.bytecode,
                address: canonical.address,
                code_hash: canonical.code_hash,
            });
        }
        let proxy: Artifact = read(&code.join("build/artifacts/contracts").join(layout.proxy))?;
        Ok(Self {
            version: version.to_owned(),
            package: format!("{package}@{version}"),
            contracts,
            deployer: layout.deployer,
            proxy_code: proxy.deployed_bytecode,
        })
    }

    /// The contract named `name`.
    pub fn contract(&self, name: &str) -> Option<&SafeContract> {
        self.contracts.iter().find(|c| c.name == name)
    }
}

/// The Safe singleton factory's presigned deployment for one chain
/// (`@safe-global/safe-singleton-factory`'s `artifacts/<chain id>`): a
/// legacy transaction from a one-use key, which lands the factory at the
/// same address everywhere.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FactoryDeployment {
    /// The signed transaction.
    pub transaction: Bytes,
    /// Its sender, which must hold `gas_price * gas_limit` wei.
    pub signer_address: Address,
    /// Its gas price.
    pub gas_price: u128,
    /// Its gas limit.
    pub gas_limit: u64,
    /// Where it creates the factory.
    pub address: Address,
}

impl FactoryDeployment {
    /// The presigned deployment for `chain_id` from the package under
    /// `node_modules`.
    pub fn load(node_modules: &Path, chain_id: u64) -> Result<Self, ReleaseError> {
        let package = node_modules.join("@safe-global/safe-singleton-factory");
        if !package.join("package.json").is_file() {
            return Err(ReleaseError::Missing {
                package: "@safe-global/safe-singleton-factory".into(),
                version: "(any)".into(),
                node_modules: node_modules.to_path_buf(),
            });
        }
        let path = package
            .join("artifacts")
            .join(chain_id.to_string())
            .join("deployment.json");
        if !path.is_file() {
            return Err(ReleaseError::Unreadable {
                path,
                reason: format!("the package has no presigned deployment for chain {chain_id}"),
            });
        }
        read(&path)
    }
}
