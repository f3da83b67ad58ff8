//! Deployment records, `deployments/<env>/<Name>.json`: one per deployed
//! contract, stable key order and formatting so that a reviewer can diff
//! them, with the chain's id and genesis hash so that a record read on
//! another chain (a dev chain started over, a fork) is refused, not used.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, B256, Bytes};
use serde::{Deserialize, Serialize};

use crate::{ChainIdentity, RecordError, error::OtherChain};

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
    /// The chain's genesis block hash (records written before it was kept
    /// have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genesis: Option<B256>,
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
    /// Where it was not built from the project's sources: the npm package
    /// and version its code comes from (`@safe-global/safe-smart-account@1.5.0`),
    /// checked against that package's published code hash, not a build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Where the contract is a proxy: its kind, what it points at and
    /// every implementation it has had. Its `abi` is then the
    /// implementation's, the one callers use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyRecord>,
}

/// A proxy's upgrade state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyRecord {
    /// `uups`, `transparent` or `beacon`.
    pub kind: String,
    /// The implementation it points at.
    pub implementation: Address,
    /// A transparent proxy's `ProxyAdmin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<Address>,
    /// A beacon proxy's beacon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beacon: Option<Address>,
    /// Every implementation it has pointed at, oldest first.
    pub history: Vec<ImplementationRecord>,
    /// Deployed outside slipway and imported (`slipway upgrade import`):
    /// its code is not from this project's build.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub imported: bool,
}

/// One implementation a proxy pointed at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImplementationRecord {
    /// Where it is.
    pub address: Address,
    /// Its artifact, when the plan deployed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// The transaction that pointed the proxy at it (none for the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgraded_in: Option<B256>,
}

/// `deployments/<env>`.
pub fn records_dir(root: &Path, env: &str) -> PathBuf {
    slipway_config::state::records_dir(root, env)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RecordError + '_ {
    move |source| RecordError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl DeploymentRecord {
    /// Writes it to `deployments/<env>/<name>.json` (through a temporary
    /// file, so a crash never leaves half a record).
    pub fn write(&self, root: &Path, env: &str) -> Result<PathBuf, RecordError> {
        let dir = records_dir(root, env);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join(format!("{}.json", self.name));
        let mut text =
            serde_json::to_string_pretty(self).map_err(|source| RecordError::NotARecord {
                path: path.clone(),
                source,
            })?;
        text.push('\n');
        let temp = dir.join(format!(".{}.json.tmp", self.name));
        std::fs::write(&temp, text)
            .and_then(|()| std::fs::rename(&temp, &path))
            .map_err(io(&path))?;
        Ok(path)
    }

    /// Refuses the record unless it was written on `actual` (same chain id,
    /// and the same genesis when both are known). `env` names the
    /// environment, for the advice.
    pub fn check_chain(&self, env: &str, actual: ChainIdentity) -> Result<(), RecordError> {
        let recorded = ChainIdentity {
            chain_id: self.chain_id,
            genesis: self.genesis,
        };
        let same_genesis = match (recorded.genesis, actual.genesis) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if recorded.chain_id != actual.chain_id || !same_genesis {
            return Err(RecordError::OtherChain(Box::new(OtherChain {
                name: self.name.clone(),
                env: env.to_owned(),
                recorded,
                actual,
            })));
        }
        Ok(())
    }
}

/// Every record of `env`, sorted by name.
pub fn read_records(root: &Path, env: &str) -> Result<Vec<DeploymentRecord>, RecordError> {
    let dir = records_dir(root, env);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&dir)(e)),
    };
    let mut records = Vec::new();
    for entry in entries {
        let path = entry.map_err(io(&dir))?.path();
        let is_record = path.extension().is_some_and(|x| x == "json")
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !is_record {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let record: DeploymentRecord =
            serde_json::from_str(&text).map_err(|source| RecordError::NotARecord {
                path: path.clone(),
                source,
            })?;
        records.push(record);
    }
    records.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(genesis: Option<B256>) -> DeploymentRecord {
        DeploymentRecord {
            package: None,
            proxy: None,
            name: "Token".into(),
            contract: "src/Token.sol:Token".into(),
            address: Address::repeat_byte(1),
            chain_id: 1337,
            genesis,
            plan: "core".into(),
            transaction_hash: None,
            block: None,
            deployer: Address::repeat_byte(2),
            bytecode_hash: B256::ZERO,
            deployed_bytecode_hash: B256::ZERO,
            constructor_args: Bytes::new(),
            args: vec![],
            salt: None,
            libraries: BTreeMap::new(),
            abi: JsonAbi::new(),
        }
    }

    fn here(chain_id: u64, genesis: u8) -> ChainIdentity {
        ChainIdentity {
            chain_id,
            genesis: Some(B256::repeat_byte(genesis)),
        }
    }

    #[test]
    fn a_record_is_accepted_on_its_own_chain_only() {
        let r = record(Some(B256::repeat_byte(7)));
        r.check_chain("development", here(1337, 7))
            .expect("same chain");
        let other_genesis = r
            .check_chain("development", here(1337, 8))
            .expect_err("dev chain started over")
            .to_string();
        assert!(
            other_genesis.contains("`Token` was written on chain 1337 (genesis 0x0707")
                && other_genesis.contains("slipway deploy --env development"),
            "{other_genesis}"
        );
        assert!(r.check_chain("development", here(1, 7)).is_err());
    }

    #[test]
    fn a_record_without_genesis_is_checked_by_chain_id() {
        let r = record(None);
        r.check_chain("staging", here(1337, 9)).expect("old record");
        assert!(r.check_chain("staging", here(80002, 9)).is_err());
    }

    #[test]
    fn records_round_trip_and_old_records_without_genesis_still_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let written = record(Some(B256::repeat_byte(3)));
        written.write(dir.path(), "staging").expect("write");
        let mut old = serde_json::to_value(record(None)).expect("json");
        old["name"] = "Old".into();
        assert!(old.get("genesis").is_none(), "no genesis key when unknown");
        std::fs::write(
            records_dir(dir.path(), "staging").join("Old.json"),
            old.to_string(),
        )
        .expect("write old");
        let read = read_records(dir.path(), "staging").expect("read");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].name, "Old");
        assert_eq!(read[0].genesis, None);
        assert_eq!(read[1], written);
    }

    #[test]
    fn a_file_that_is_not_a_record_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let records = records_dir(dir.path(), "staging");
        std::fs::create_dir_all(&records).expect("dir");
        std::fs::write(records.join("Broken.json"), "{\"name\": 1}").expect("write");
        let error = read_records(dir.path(), "staging").expect_err("broken");
        assert!(matches!(error, RecordError::NotARecord { .. }), "{error:?}");
        assert!(error.to_string().contains("Broken.json"), "{error}");
    }
}
