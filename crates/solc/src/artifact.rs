//! The build's contracts as slipway's own type: what every crate above the
//! compiler uses (ABI, creation and runtime code with their library slots
//! and source maps, immutable slots, metadata, solc's source id), so that
//! none of them reads foundry-compilers' compile output. The typed AST stays
//! foundry-compilers' type: the coverage map and the coming analyzer walk it.

use std::{collections::BTreeMap, path::PathBuf};

use alloy_json_abi::JsonAbi;
use alloy_primitives::Bytes;
use foundry_compilers::artifacts::{BytecodeObject, CompactBytecode, Offsets, ast::Ast};

/// Where a library's address goes: `file` → `library` → byte ranges.
pub type LinkReferences = BTreeMap<String, BTreeMap<String, Vec<(usize, usize)>>>;

/// Code as the compiler gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeObject {
    /// Linked code.
    Bytes(Bytes),
    /// Hex with `__$<34 hex>$__` placeholders where libraries go.
    Unlinked(String),
}

/// Creation or runtime code with its library slots and source map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The code.
    pub object: CodeObject,
    /// Library slots.
    pub links: LinkReferences,
    /// solc's source map, when asked for.
    pub source_map: Option<String>,
}

impl Code {
    /// The code when it is linked.
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.object {
            CodeObject::Bytes(bytes) => Some(bytes),
            CodeObject::Unlinked(_) => None,
        }
    }

    /// The code with zeros where library addresses go.
    pub fn zero_linked(&self) -> Vec<u8> {
        match &self.object {
            CodeObject::Bytes(bytes) => bytes.to_vec(),
            CodeObject::Unlinked(hex) => {
                let mut text = hex.trim_start_matches("0x").to_owned();
                // `__$<34 hex>$__`: 40 characters, 20 bytes.
                while let Some(start) = text.find("__$") {
                    text.replace_range(start..(start + 40).min(text.len()), &"0".repeat(40));
                }
                alloy_primitives::hex::decode(&text).unwrap_or_default()
            }
        }
    }
}

/// One contract of a build.
#[derive(Clone, Debug)]
pub struct BuiltContract {
    /// Its source file, relative to the project root.
    pub source: PathBuf,
    /// Its name.
    pub name: String,
    /// solc's id of the source file (source maps name files by it).
    pub source_id: Option<u32>,
    /// Its ABI.
    pub abi: Option<JsonAbi>,
    /// Creation code.
    pub bytecode: Option<Code>,
    /// Runtime code.
    pub deployed_bytecode: Option<Code>,
    /// Immutable slots in the runtime code: AST id → byte ranges.
    pub immutables: BTreeMap<String, Vec<(usize, usize)>>,
    /// solc's metadata JSON, as the compiler wrote it.
    pub raw_metadata: Option<String>,
    /// The source file's AST.
    pub ast: Option<Ast>,
    /// The compile run that produced it (its build-info is
    /// `<artifacts>/build-info/<id>.json`). AST node ids are consistent
    /// only within one run: a file compiled in an earlier run than its
    /// imports names their nodes by that run's ids.
    pub build_id: String,
}

impl BuiltContract {
    /// `path/File.sol:Name`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.source.display(), self.name)
    }
}

fn ranges(offsets: &[Offsets]) -> Vec<(usize, usize)> {
    offsets
        .iter()
        .map(|o| (o.start as usize, o.length as usize))
        .collect()
}

fn code(bytecode: Option<&CompactBytecode>) -> Option<Code> {
    let bytecode = bytecode?;
    let object = match &bytecode.object {
        BytecodeObject::Bytecode(bytes) => CodeObject::Bytes(bytes.clone()),
        BytecodeObject::Unlinked(hex) => CodeObject::Unlinked(hex.clone()),
    };
    let links = bytecode
        .link_references
        .iter()
        .map(|(file, libs)| {
            (
                file.clone(),
                libs.iter()
                    .map(|(lib, offsets)| (lib.clone(), ranges(offsets)))
                    .collect(),
            )
        })
        .collect();
    Some(Code {
        object,
        links,
        source_map: bytecode.source_map.clone(),
    })
}

/// The contracts of a compile output, sources relative to `root`, in the
/// output's order.
pub(crate) fn contracts_of(
    output: &crate::CompileOutput,
    root: &std::path::Path,
) -> Vec<BuiltContract> {
    output
        .artifact_ids()
        .map(|(id, artifact)| {
            let deployed = artifact.deployed_bytecode.as_ref();
            BuiltContract {
                source: id
                    .source
                    .strip_prefix(root)
                    .unwrap_or(&id.source)
                    .to_path_buf(),
                name: id.name.clone(),
                source_id: artifact.id,
                abi: artifact.abi.clone(),
                bytecode: code(artifact.bytecode.as_ref()),
                deployed_bytecode: code(deployed.and_then(|d| d.bytecode.as_ref())),
                immutables: deployed
                    .map(|d| {
                        d.immutable_references
                            .iter()
                            .map(|(k, v)| (k.clone(), ranges(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
                raw_metadata: artifact.raw_metadata.clone(),
                ast: artifact.ast.clone(),
                build_id: id.build_id.clone(),
            }
        })
        .collect()
}
