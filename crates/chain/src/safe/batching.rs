//! The contracts a Safe delegatecalls to batch and create — MultiSend,
//! MultiSendCallOnly and CreateCall — for the Safe's own version on its
//! chain, as npm `@safe-global/safe-deployments` lists them (1.3.0, 1.4.1
//! and 1.5.0). Only these may be delegatecalled without a flag.

use std::{collections::BTreeMap, path::Path};

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::SolCall;
use serde::Deserialize;

use super::{BatchCall, Operation, ReleaseError, SafeError, SafeRelease};
use crate::ChainClient;

/// A version's batching contracts on one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batching {
    /// The Safe version they belong to.
    pub version: String,
    /// MultiSend (calls and delegatecalls).
    pub multi_send: Address,
    /// MultiSendCallOnly (calls only).
    pub multi_send_call_only: Address,
    /// CreateCall (CREATE and CREATE2 as the Safe).
    pub create_call: Address,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listing {
    deployments: BTreeMap<String, Listed>,
    #[serde(default)]
    network_addresses: BTreeMap<String, OneOrMany>,
}

#[derive(Deserialize)]
struct Listed {
    address: Address,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

alloy_sol_types::sol! {
    function performCreate2(uint256 value, bytes deploymentData, bytes32 salt)
        external returns (address newContract);
}

impl Batching {
    /// The batch call that creates `init_code` with CREATE2 and `salt` as
    /// the Safe itself (a delegatecall to CreateCall): the constructor's
    /// `msg.sender` is the Safe, and the address derives from the Safe.
    pub fn create2_call(&self, value: U256, init_code: Bytes, salt: B256) -> BatchCall {
        BatchCall {
            operation: Operation::DelegateCall,
            to: self.create_call,
            value: U256::ZERO,
            data: performCreate2Call {
                value,
                deploymentData: init_code,
                salt,
            }
            .abi_encode()
            .into(),
        }
    }

    /// Whether `to` is one of them.
    pub fn contains(&self, to: Address) -> bool {
        [self.multi_send, self.multi_send_call_only, self.create_call].contains(&to)
    }

    /// Version `version`'s batching contracts as safe-deployments lists
    /// them, one set per kind of deployment (canonical, eip155, …): the
    /// kinds it lists for chain `chain_id` first, then the canonical one
    /// (development chains, where slipway deploys it), then the rest.
    pub fn listed(
        node_modules: &Path,
        version: &str,
        chain_id: u64,
    ) -> Result<Vec<Self>, ReleaseError> {
        let assets = node_modules
            .join("@safe-global/safe-deployments/dist/assets")
            .join(format!("v{version}"));
        if !assets.is_dir() {
            return Err(
                if node_modules.join("@safe-global/safe-deployments").is_dir() {
                    ReleaseError::Unsupported(version.to_owned())
                } else {
                    ReleaseError::Missing {
                        package: "@safe-global/safe-deployments".into(),
                        version: "(any)".into(),
                        node_modules: node_modules.to_path_buf(),
                    }
                },
            );
        }
        let read = |file: &str| -> Result<Listing, ReleaseError> {
            super::release::read(&assets.join(file))
        };
        let [multi_send, multi_send_call_only, create_call] = [
            read("multi_send.json")?,
            read("multi_send_call_only.json")?,
            read("create_call.json")?,
        ];
        let mut kinds: Vec<String> = match multi_send_call_only
            .network_addresses
            .get(&chain_id.to_string())
        {
            Some(OneOrMany::One(kind)) => vec![kind.clone()],
            Some(OneOrMany::Many(kinds)) => kinds.clone(),
            None => Vec::new(),
        };
        kinds.push("canonical".into());
        kinds.extend(multi_send_call_only.deployments.keys().cloned());
        let mut sets: Vec<Self> = Vec::new();
        for kind in kinds {
            let (Some(a), Some(b), Some(c)) = (
                multi_send.deployments.get(&kind),
                multi_send_call_only.deployments.get(&kind),
                create_call.deployments.get(&kind),
            ) else {
                continue;
            };
            let set = Self {
                version: version.to_owned(),
                multi_send: a.address,
                multi_send_call_only: b.address,
                create_call: c.address,
            };
            if !sets.contains(&set) {
                sets.push(set);
            }
        }
        if sets.is_empty() {
            return Err(ReleaseError::Unreadable {
                path: assets,
                reason: "no deployment lists MultiSend, MultiSendCallOnly and CreateCall together"
                    .into(),
            });
        }
        Ok(sets)
    }

    /// The set of [`Batching::listed`] that is on `client`'s chain: the
    /// first whose three contracts have code there.
    pub async fn find(
        client: &ChainClient,
        node_modules: &Path,
        version: &str,
        chain_id: u64,
    ) -> Result<Self, SafeError> {
        let listed = Self::listed(node_modules, version, chain_id)?;
        for set in &listed {
            let mut present = true;
            for address in [set.multi_send, set.multi_send_call_only, set.create_call] {
                if client.code(address).await?.is_empty() {
                    present = false;
                    break;
                }
            }
            if present {
                return Ok(set.clone());
            }
        }
        Err(SafeError::Misplaced {
            what: format!("Safe {version}'s MultiSend, MultiSendCallOnly and CreateCall"),
            expected: listed[0].multi_send_call_only,
            found: format!(
                "none of the {} deployments safe-deployments lists has code on chain {chain_id}",
                listed.len()
            ),
        })
    }
}

impl SafeRelease {
    /// This release's batching contracts at their canonical addresses.
    pub fn batching(&self) -> Batching {
        let at = |name: &str| {
            self.contract(name)
                .map(|c| c.address)
                .expect("a release lists MultiSend, MultiSendCallOnly and CreateCall")
        };
        Batching {
            version: self.version.clone(),
            multi_send: at("MultiSend"),
            multi_send_call_only: at("MultiSendCallOnly"),
            create_call: at("CreateCall"),
        }
    }
}
