//! The artifacts slipway builds with: foundry-compilers' configurable
//! artifacts, written as forge writes them (AST included). An artifact read
//! back for a file that was not compiled again keeps only its ABI, code,
//! metadata and source id: its AST, most of its bytes, is skipped when read
//! and read from the file when a command asks for it. A partial rebuild
//! then parses only what it compiled.

use std::{borrow::Cow, path::Path};

use alloy_json_abi::JsonAbi;
use foundry_compilers::{
    ArtifactOutput, Artifacts, ConfigurableArtifacts,
    artifacts::{
        CompactBytecode, CompactContract, CompactContractBytecode, CompactContractBytecodeCow,
        CompactDeployedBytecode, ConfigurableContractArtifact, Contract, SourceFile,
    },
    output::contracts::VersionedContracts,
    sources::VersionedSourceFile,
};
use serde::{Deserialize, Serialize};

/// The artifact handler of slipway's builds.
#[derive(Clone, Debug, Default)]
pub(crate) struct SlipwayArtifacts(pub(crate) ConfigurableArtifacts);

/// An artifact of a build.
#[derive(Debug)]
pub(crate) enum StoredArtifact {
    /// Compiled in this run: everything in memory.
    Fresh(Box<ConfigurableContractArtifact>),
    /// Read back for a file not compiled again: no AST.
    Cached(Box<CachedArtifact>),
}

/// What is read of an artifact that was not compiled again.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CachedArtifact {
    /// Its ABI.
    pub(crate) abi: Option<JsonAbi>,
    /// Creation code.
    pub(crate) bytecode: Option<CompactBytecode>,
    /// Runtime code.
    pub(crate) deployed_bytecode: Option<CompactDeployedBytecode>,
    /// solc's metadata, as written.
    pub(crate) raw_metadata: Option<String>,
    /// solc's source id.
    pub(crate) id: Option<u32>,
}

impl StoredArtifact {
    /// Its ABI.
    pub(crate) fn abi(&self) -> Option<&JsonAbi> {
        match self {
            Self::Fresh(a) => a.abi.as_ref(),
            Self::Cached(a) => a.abi.as_ref(),
        }
    }

    /// Its creation code.
    pub(crate) fn bytecode(&self) -> Option<&CompactBytecode> {
        match self {
            Self::Fresh(a) => a.bytecode.as_ref(),
            Self::Cached(a) => a.bytecode.as_ref(),
        }
    }

    /// Its runtime code.
    pub(crate) fn deployed_bytecode(&self) -> Option<&CompactDeployedBytecode> {
        match self {
            Self::Fresh(a) => a.deployed_bytecode.as_ref(),
            Self::Cached(a) => a.deployed_bytecode.as_ref(),
        }
    }
}

impl Serialize for StoredArtifact {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Fresh(a) => a.serialize(s),
            Self::Cached(a) => a.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StoredArtifact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::Cached(Box::new(CachedArtifact::deserialize(d)?)))
    }
}

impl From<StoredArtifact> for CompactContractBytecode {
    fn from(artifact: StoredArtifact) -> Self {
        match artifact {
            StoredArtifact::Fresh(a) => (*a).into(),
            StoredArtifact::Cached(a) => Self {
                abi: a.abi,
                bytecode: a.bytecode,
                deployed_bytecode: a.deployed_bytecode,
            },
        }
    }
}

impl From<StoredArtifact> for CompactContract {
    fn from(artifact: StoredArtifact) -> Self {
        CompactContractBytecode::from(artifact).into()
    }
}

impl<'a> From<&'a StoredArtifact> for CompactContractBytecodeCow<'a> {
    fn from(artifact: &'a StoredArtifact) -> Self {
        Self {
            abi: artifact.abi().map(Cow::Borrowed),
            bytecode: artifact.bytecode().map(Cow::Borrowed),
            deployed_bytecode: artifact.deployed_bytecode().map(Cow::Borrowed),
        }
    }
}

impl ArtifactOutput for SlipwayArtifacts {
    type Artifact = StoredArtifact;
    type CompilerContract = Contract;

    // No extra files are asked for (`ConfigurableArtifacts` writes them
    // here): nothing besides the artifacts to write.
    fn handle_artifacts(
        &self,
        _contracts: &VersionedContracts<Contract>,
        _artifacts: &Artifacts<Self::Artifact>,
    ) -> foundry_compilers::error::Result<()> {
        Ok(())
    }

    fn contract_to_artifact(
        &self,
        file: &Path,
        name: &str,
        contract: Contract,
        source_file: Option<&SourceFile>,
    ) -> Self::Artifact {
        StoredArtifact::Fresh(Box::new(self.0.contract_to_artifact(
            file,
            name,
            contract,
            source_file,
        )))
    }

    fn standalone_source_file_to_artifact(
        &self,
        path: &Path,
        file: &VersionedSourceFile,
    ) -> Option<Self::Artifact> {
        self.0
            .standalone_source_file_to_artifact(path, file)
            .map(|a| StoredArtifact::Fresh(Box::new(a)))
    }
}
