//! The artifact index: what a clean build records of each contract so that
//! a later command answered from the build fingerprint knows every
//! contract's name, ABI and ids without reading a single artifact, and
//! reads one only when it uses its code or AST.

use std::path::{Path, PathBuf};

use alloy_json_abi::JsonAbi;
use serde::{Deserialize, Serialize};

use crate::{
    BuiltContract,
    artifact::{ArtifactFile, CodeId},
};

/// One contract as the index records it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct IndexEntry {
    pub(crate) source: PathBuf,
    pub(crate) name: String,
    pub(crate) source_id: Option<u32>,
    pub(crate) abi: Option<JsonAbi>,
    pub(crate) build_id: String,
    pub(crate) creation: Option<CodeId>,
    pub(crate) file: ArtifactFile,
}

/// The index of a finished build: each contract with its artifact file
/// (`artifact_files` pairs `path/File.sol:Name` with it) and that file's
/// content hash now. `None` when a file cannot be read: the next command
/// then takes the full path.
pub(crate) fn index_of(
    contracts: &[BuiltContract],
    artifact_files: &std::collections::BTreeMap<String, PathBuf>,
) -> Option<Vec<IndexEntry>> {
    contracts
        .iter()
        .map(|c| {
            let file = match &c.file {
                Some(file) => file.clone(),
                None => {
                    let path = artifact_files.get(&c.id())?;
                    ArtifactFile {
                        path: path.clone(),
                        hash: hash_of(path)?,
                    }
                }
            };
            Some(IndexEntry {
                source: c.source.clone(),
                name: c.name.clone(),
                source_id: c.source_id,
                abi: c.abi.clone(),
                build_id: c.build_id.clone(),
                creation: c.creation,
                file,
            })
        })
        .collect()
}

fn hash_of(path: &Path) -> Option<u64> {
    Some(xxhash_rust::xxh3::xxh3_64(&std::fs::read(path).ok()?))
}
