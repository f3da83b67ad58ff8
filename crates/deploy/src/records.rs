//! Deployment records, `deployments/<env>/<Name>.json`: one per deployed
//! contract, stable key order and formatting so that a reviewer can diff
//! them.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, B256, Bytes};
use serde::{Deserialize, Serialize};

use crate::DeployError;

/// One deployed contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRecord {
    /// The record's name (the plan step's id).
    pub name: String,
    /// The artifact: `path/File.sol:Contract`.
    pub contract: String,
    /// Where it is.
    pub address: Address,
    /// The chain.
    pub chain_id: u64,
    /// The plan that deployed it.
    pub plan: String,
    /// The creating transaction (none when it was found already deployed
    /// at its CREATE2 address).
    pub transaction_hash: Option<B256>,
    /// The block it was deployed in.
    pub block: Option<u64>,
    /// Who sent the transaction.
    pub deployer: Address,
    /// keccak256 of the artifact's creation code as built (library slots
    /// zeroed).
    pub bytecode_hash: B256,
    /// keccak256 of the code on chain.
    pub deployed_bytecode_hash: B256,
    /// The ABI-encoded constructor arguments.
    pub constructor_args: Bytes,
    /// The constructor arguments, as shown.
    pub args: Vec<String>,
    /// CREATE2 salt, when deployed through the proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<B256>,
    /// Linked libraries: name → address.
    #[serde(default)]
    pub libraries: BTreeMap<String, Address>,
    /// The contract's ABI.
    pub abi: JsonAbi,
}

/// `deployments/<env>`.
pub(crate) fn dir(root: &Path, env: &str) -> PathBuf {
    root.join("deployments").join(env)
}

impl DeploymentRecord {
    /// Writes it to `deployments/<env>/<name>.json` (through a temporary
    /// file, so a crash never leaves half a record).
    pub(crate) fn write(&self, root: &Path, env: &str) -> Result<PathBuf, DeployError> {
        let dir = dir(root, env);
        std::fs::create_dir_all(&dir).map_err(|e| DeployError::io(&dir, e))?;
        let path = dir.join(format!("{}.json", self.name));
        let mut text = serde_json::to_string_pretty(self).map_err(|e| DeployError::io(&path, e))?;
        text.push('\n');
        let temp = dir.join(format!(".{}.json.tmp", self.name));
        std::fs::write(&temp, text)
            .and_then(|()| std::fs::rename(&temp, &path))
            .map_err(|e| DeployError::io(&path, e))?;
        Ok(path)
    }
}

/// Every record of `env`, sorted by name.
pub fn read_records(root: &Path, env: &str) -> Result<Vec<DeploymentRecord>, DeployError> {
    let dir = dir(root, env);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(DeployError::io(&dir, e)),
    };
    let mut records = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| DeployError::io(&dir, e))?.path();
        let is_record = path.extension().is_some_and(|x| x == "json")
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !is_record {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| DeployError::io(&path, e))?;
        let record: DeploymentRecord = serde_json::from_str(&text)
            .map_err(|e| DeployError::io(&path, format!("not a deployment record: {e}")))?;
        records.push(record);
    }
    records.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(records)
}
