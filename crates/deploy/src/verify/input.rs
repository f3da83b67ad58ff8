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

/// Why no verification request could be made from the build.
#[derive(Debug, thiserror::Error)]
pub enum SubmissionError {
    /// The artifact has no metadata.
    #[error("{0} has no metadata in its artifact: rebuild")]
    NoMetadata(String),
    /// The metadata is not JSON.
    #[error("{artifact}: metadata does not parse: {source}")]
    BadMetadata {
        /// The artifact.
        artifact: String,
        /// Why.
        source: serde_json::Error,
    },
    /// The metadata lacks a field every solc writes.
    #[error("the metadata of {artifact} names no {field}")]
    MissingField {
        /// The artifact.
        artifact: String,
        /// The field.
        field: &'static str,
    },
    /// A source of the build cannot be read.
    #[error("{path}: cannot read it ({source}); it was part of the build")]
    Unreadable {
        /// The source.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A source changed since the build.
    #[error("{0} changed since it was built: run `slipway build` and deploy what it builds")]
    Changed(String),
    /// A linked library without an address.
    #[error("library {0} has no address in the record")]
    UnlinkedLibrary(String),
}

/// The submission for `artifact` deployed with `libraries`.
pub fn submission(
    root: &Path,
    artifact: &Artifact,
    libraries: &BTreeMap<String, Address>,
) -> Result<Submission, SubmissionError> {
    let raw = artifact
        .raw_metadata
        .as_deref()
        .ok_or_else(|| SubmissionError::NoMetadata(artifact.id.clone()))?;
    let metadata: Value =
        serde_json::from_str(raw).map_err(|source| SubmissionError::BadMetadata {
            artifact: artifact.id.clone(),
            source,
        })?;
    let missing = |field| SubmissionError::MissingField {
        artifact: artifact.id.clone(),
        field,
    };
    let compiler = metadata["compiler"]["version"]
        .as_str()
        .ok_or_else(|| missing("compiler version"))?
        .to_owned();
    let mut sources = serde_json::Map::new();
    for (path, source) in metadata["sources"]
        .as_object()
        .ok_or_else(|| missing("sources"))?
    {
        let content = std::fs::read_to_string(root.join(path)).map_err(|source| {
            SubmissionError::Unreadable {
                path: path.clone(),
                source,
            }
        })?;
        let expected: Option<B256> = source["keccak256"].as_str().and_then(|h| h.parse().ok());
        if expected.is_some_and(|h| h != keccak256(content.as_bytes())) {
            return Err(SubmissionError::Changed(path.clone()));
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
                .ok_or_else(|| SubmissionError::UnlinkedLibrary(format!("{file}:{lib}")))?;
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
