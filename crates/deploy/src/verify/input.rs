//! What explorers compile: solc's standard JSON input rebuilt from the
//! artifact's metadata (its sources, read from the project and checked
//! against the hashes the metadata holds, and its settings), as
//! hardhat-verify and forge do.

use std::{collections::BTreeMap, path::Path};

use alloy_primitives::{Address, B256, keccak256};
use serde_json::{Value, json};

use slipway_contracts::Artifact;

/// A contract as an explorer is asked to verify it.
#[derive(Clone, Debug)]
pub struct Submission {
    /// `path/File.sol:Name`.
    pub contract: String,
    /// The compiler's full version, `0.8.20+commit.a1b79de6`.
    pub compiler: String,
    /// Standard JSON input.
    pub input: Value,
}

/// The submission for `artifact` deployed with `libraries`.
pub fn submission(
    root: &Path,
    artifact: &Artifact,
    libraries: &BTreeMap<String, Address>,
) -> Result<Submission, String> {
    let raw = artifact
        .raw_metadata
        .as_deref()
        .ok_or_else(|| format!("{} has no metadata in its artifact: rebuild", artifact.id))?;
    let metadata: Value = serde_json::from_str(raw)
        .map_err(|e| format!("{}: metadata does not parse: {e}", artifact.id))?;
    let compiler = metadata["compiler"]["version"]
        .as_str()
        .ok_or("the metadata names no compiler version")?
        .to_owned();
    let mut sources = serde_json::Map::new();
    for (path, source) in metadata["sources"]
        .as_object()
        .ok_or("the metadata lists no sources")?
    {
        let content = std::fs::read_to_string(root.join(path))
            .map_err(|e| format!("{path}: cannot read it ({e}); it was part of the build"))?;
        let expected: Option<B256> = source["keccak256"].as_str().and_then(|h| h.parse().ok());
        if expected.is_some_and(|h| h != keccak256(content.as_bytes())) {
            return Err(format!(
                "{path} changed since it was built: run `slipway build` and deploy what it builds"
            ));
        }
        sources.insert(path.clone(), json!({ "content": content }));
    }
    let settings = &metadata["settings"];
    let mut linked: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (file, libs) in &artifact.links {
        for lib in libs.keys() {
            let address = libraries
                .get(&format!("{file}:{lib}"))
                .or_else(|| libraries.get(lib))
                .ok_or_else(|| format!("library {file}:{lib} has no address in the record"))?;
            linked
                .entry(file.clone())
                .or_default()
                .insert(lib.clone(), address.to_checksum(None));
        }
    }
    let mut out = json!({
        "language": metadata["language"].as_str().unwrap_or("Solidity"),
        "sources": sources,
        "settings": {
            "optimizer": settings["optimizer"],
            "remappings": settings["remappings"],
            "metadata": settings["metadata"],
            "libraries": linked,
            "outputSelection": { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "metadata"] } },
        },
    });
    for key in ["evmVersion", "viaIR"] {
        if !settings[key].is_null() {
            out["settings"][key] = settings[key].clone();
        }
    }
    Ok(Submission {
        contract: artifact.id.clone(),
        compiler,
        input: out,
    })
}
