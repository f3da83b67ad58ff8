//! The build's contracts as slipway's own type: what every crate above the
//! compiler uses (ABI, creation and runtime code with their library slots
//! and source maps, immutable slots, metadata, solc's source id), so that
//! none of them reads foundry-compilers' compile output. The typed AST stays
//! foundry-compilers' type: the coverage map and the analyzer walk it.
//! A contract of a build answered from the fingerprint carries only its
//! name, ABI and ids; its code and AST are read from its own artifact when
//! first asked for, and checked against the hash the build recorded.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{Arc, OnceLock},
};

use alloy_json_abi::JsonAbi;
use alloy_primitives::{B256, Bytes, FixedBytes, keccak256};
use foundry_compilers::artifacts::{
    BytecodeObject, CompactBytecode, CompactDeployedBytecode, Offsets, ast::Ast,
};
use serde::{Deserialize, Serialize};

use crate::{Result, SolcError};

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

/// Creation code as an identity: its length and hash, enough to name the
/// contract that a piece of init code creates (constructor arguments
/// follow the code) without holding the code itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeId {
    /// Length of the creation code in bytes.
    pub len: usize,
    /// keccak256 of the creation code.
    pub hash: B256,
    /// Its last bytes (solc's metadata hash, as a rule): a cheap first
    /// comparison before the hash.
    pub tail: FixedBytes<16>,
}

impl CodeId {
    /// The identity of linked, non-empty creation code.
    pub fn of(code: &[u8]) -> Option<Self> {
        let mut tail = FixedBytes::<16>::ZERO;
        let n = code.len().min(16);
        tail[16 - n..].copy_from_slice(&code[code.len() - n..]);
        (!code.is_empty()).then(|| Self {
            len: code.len(),
            hash: keccak256(code),
            tail,
        })
    }

    /// Whether `init_code` starts with the code this identifies.
    pub fn starts(&self, init_code: &[u8]) -> bool {
        init_code.get(..self.len).is_some_and(|prefix| {
            let n = self.len.min(16);
            prefix[self.len - n..] == self.tail[16 - n..] && keccak256(prefix) == self.hash
        })
    }
}

/// What the compiler produced for a contract besides its ABI: its code,
/// immutable slots and metadata.
#[derive(Clone, Debug, Default)]
pub struct ContractOutput {
    /// Creation code.
    pub bytecode: Option<Code>,
    /// Runtime code.
    pub deployed_bytecode: Option<Code>,
    /// Immutable slots in the runtime code: AST id → byte ranges.
    pub immutables: BTreeMap<String, Vec<(usize, usize)>>,
    /// solc's metadata JSON, as the compiler wrote it.
    pub raw_metadata: Option<String>,
}

/// A contract's artifact file and the hash of its content when the build
/// that wrote it finished: a read that finds other content refuses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ArtifactFile {
    pub(crate) path: PathBuf,
    pub(crate) hash: u64,
}

/// One contract of a build. Its name, ABI and ids are always at hand; its
/// code ([`BuiltContract::output`]) and AST ([`BuiltContract::ast`]) are
/// read from its artifact on first use when the build was answered from
/// the build fingerprint, so that a command reads only what it uses.
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
    /// The compile run that produced it (its build-info is
    /// `<artifacts>/build-info/<id>.json`). AST node ids are consistent
    /// only within one run: a file compiled in an earlier run than its
    /// imports names their nodes by that run's ids.
    pub build_id: String,
    /// Its creation code's identity, when the code is linked and not
    /// empty (a deployable contract).
    pub creation: Option<CodeId>,
    pub(crate) file: Option<ArtifactFile>,
    output: OnceLock<Arc<ContractOutput>>,
    ast: OnceLock<Option<Arc<Ast>>>,
}

/// What a command needs of a contract's artifact beyond its name and ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// Nothing: it is read later only if something asks.
    Nothing,
    /// Its code and metadata.
    Code,
    /// Its code, metadata and its source file's AST.
    Everything,
}

impl BuiltContract {
    /// `path/File.sol:Name`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.source.display(), self.name)
    }

    /// Its code, immutable slots and metadata, read from its artifact if
    /// they were not read yet. An artifact whose content changed since
    /// the build is refused, never served.
    pub fn output(&self) -> Result<&ContractOutput> {
        if let Some(output) = self.output.get() {
            return Ok(output);
        }
        let (read, _) = self.read(false)?;
        Ok(self.output.get_or_init(|| Arc::new(read)))
    }

    /// Its source file's AST, read from its artifact if it was not read
    /// yet; `None` when the compiler gave none.
    pub fn ast(&self) -> Result<Option<&Ast>> {
        if let Some(ast) = self.ast.get() {
            return Ok(ast.as_deref());
        }
        let (output, ast) = self.read(true)?;
        let _ = self.output.set(Arc::new(output));
        Ok(self.ast.get_or_init(|| ast.map(Arc::new)).as_deref())
    }

    /// Reads what `need` asks for now, so that later uses cannot fail.
    pub fn read_now(&self, need: Need) -> Result<()> {
        match need {
            Need::Nothing => Ok(()),
            Need::Code => self.output().map(drop),
            Need::Everything => self.ast().map(drop),
        }
    }

    /// A contract whose artifact is read on first use.
    pub(crate) fn indexed(entry: crate::index::IndexEntry) -> Self {
        Self {
            source: entry.source,
            name: entry.name,
            source_id: entry.source_id,
            abi: entry.abi,
            build_id: entry.build_id,
            creation: entry.creation,
            file: Some(entry.file),
            output: OnceLock::new(),
            ast: OnceLock::new(),
        }
    }

    fn read(&self, with_ast: bool) -> Result<(ContractOutput, Option<Ast>)> {
        let Some(file) = &self.file else {
            return Err(SolcError::ArtifactUnreadable {
                path: PathBuf::from(self.id()),
                reason: "it was not written to disk".into(),
            });
        };
        let unreadable = |reason: String| SolcError::ArtifactUnreadable {
            path: file.path.clone(),
            reason,
        };
        let bytes = std::fs::read(&file.path).map_err(|e| unreadable(e.to_string()))?;
        if xxhash_rust::xxh3::xxh3_64(&bytes) != file.hash {
            return Err(unreadable(
                "its content changed since the build that wrote it".into(),
            ));
        }
        let stored = |e: serde_json::Error| unreadable(e.to_string());
        if with_ast {
            let artifact: StoredWithAst = serde_json::from_slice(&bytes).map_err(stored)?;
            Ok((artifact.code.into_output(), artifact.ast))
        } else {
            let artifact: StoredCode = serde_json::from_slice(&bytes).map_err(stored)?;
            Ok((artifact.into_output(), None))
        }
    }
}

/// The parts of an artifact file that [`ContractOutput`] holds.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredCode {
    bytecode: Option<CompactBytecode>,
    deployed_bytecode: Option<CompactDeployedBytecode>,
    raw_metadata: Option<String>,
}

/// An artifact file's code and AST.
#[derive(Deserialize)]
struct StoredWithAst {
    #[serde(flatten)]
    code: StoredCode,
    ast: Option<Ast>,
}

impl StoredCode {
    fn into_output(self) -> ContractOutput {
        output_of(
            self.bytecode.as_ref(),
            self.deployed_bytecode.as_ref(),
            self.raw_metadata,
        )
    }
}

fn output_of(
    bytecode: Option<&CompactBytecode>,
    deployed: Option<&CompactDeployedBytecode>,
    raw_metadata: Option<String>,
) -> ContractOutput {
    ContractOutput {
        bytecode: code(bytecode),
        deployed_bytecode: code(deployed.and_then(|d| d.bytecode.as_ref())),
        immutables: deployed
            .map(|d| {
                d.immutable_references
                    .iter()
                    .map(|(k, v)| (k.clone(), ranges(v)))
                    .collect()
            })
            .unwrap_or_default(),
        raw_metadata,
    }
}

/// The identity of `code`'s creation code, when linked and not empty.
pub(crate) fn creation_id(output: &ContractOutput) -> Option<CodeId> {
    output
        .bytecode
        .as_ref()
        .and_then(Code::bytes)
        .and_then(|b| CodeId::of(b))
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
/// output's order: those compiled in this run with everything in memory
/// (taken from the output, not copied: an AST is large), those read back
/// with their code in memory and their AST left in the artifact (under
/// `artifacts_dir`) until asked for.
pub(crate) fn contracts_of(
    output: crate::CompileOutput,
    root: &std::path::Path,
    artifacts_dir: &std::path::Path,
) -> Vec<BuiltContract> {
    use crate::output::StoredArtifact;

    output
        .into_artifacts()
        .map(|(id, artifact)| {
            let (abi, source_id, code, ast, file) = match artifact {
                StoredArtifact::Fresh(a) => {
                    let code = output_of(
                        a.bytecode.as_ref(),
                        a.deployed_bytecode.as_ref(),
                        a.raw_metadata,
                    );
                    let ast = OnceLock::from(a.ast.map(Arc::new));
                    (a.abi, a.id, code, ast, None)
                }
                StoredArtifact::Cached(a) => {
                    let code = output_of(
                        a.bytecode.as_ref(),
                        a.deployed_bytecode.as_ref(),
                        a.raw_metadata,
                    );
                    let path = artifacts_dir.join(&id.path);
                    let file = std::fs::read(&path).ok().map(|bytes| ArtifactFile {
                        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
                        path,
                    });
                    (a.abi, a.id, code, OnceLock::new(), file)
                }
            };
            BuiltContract {
                source: id
                    .source
                    .strip_prefix(root)
                    .unwrap_or(&id.source)
                    .to_path_buf(),
                name: id.name,
                source_id,
                abi,
                build_id: id.build_id,
                creation: creation_id(&code),
                file,
                output: OnceLock::from(Arc::new(code)),
                ast,
            }
        })
        .collect()
}
