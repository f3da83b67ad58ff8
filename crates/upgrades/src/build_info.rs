//! A compile run's build-info file (Foundry's and Hardhat's format: the
//! standard-JSON `input` and `output`, with `storageLayout` and the AST),
//! indexed for what the upgrade checks read: contracts by name, AST nodes
//! by id with the contract that declares them, and `src` ranges as
//! `file:line`.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::OnceLock,
};

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Value, value::RawValue};

use crate::UpgradesError;

/// One build-info file, indexed.
#[derive(Debug)]
pub struct BuildInfo {
    /// Where it was read.
    pub path: PathBuf,
    /// The solc version it was compiled with.
    pub solc_version: String,
    /// Each contract's output, parsed when first asked for.
    contracts: BTreeMap<String, BTreeMap<String, LazyContract>>,
    /// Each source's AST, parsed (and its declarations indexed) when
    /// first needed.
    asts: Vec<LazyAst>,
    /// The index in `asts` of each source path.
    ast_index: BTreeMap<String, usize>,
    /// Each source's SourceUnit id with its index in `asts`, by id: solc
    /// numbers one file's nodes in one run, ending with its SourceUnit, so
    /// a node's id names the file it is in.
    unit_ids: Vec<(u64, usize)>,
    /// Source contents by path.
    contents: BTreeMap<String, String>,
    /// Source paths by solc's source id.
    paths: BTreeMap<u64, String>,
}

/// Records the declarations looked up by id: every node at a file's top
/// level or a contract's (contracts, state variables, functions,
/// modifiers, events, errors, structs with their members, enums), where
/// each is (a JSON pointer into the AST) and the contract it is in.
/// Function bodies are not entered: nothing in them is looked up by id.
fn index(ast: &Value, out: &mut BTreeMap<u64, Located>) {
    fn record(
        node: &Value,
        pointer: String,
        contract: Option<&str>,
        out: &mut BTreeMap<u64, Located>,
    ) {
        if let Some(id) = node.get("id").and_then(Value::as_u64) {
            out.insert(
                id,
                Located {
                    pointer,
                    contract: contract.map(str::to_owned),
                },
            );
        }
    }
    fn children<'a>(node: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
        node.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
    }
    fn members(
        node: &Value,
        pointer: &str,
        contract: Option<&str>,
        out: &mut BTreeMap<u64, Located>,
    ) {
        if node.get("nodeType").and_then(Value::as_str) == Some("StructDefinition") {
            for (k, member) in children(node, "members") {
                record(member, format!("{pointer}/members/{k}"), contract, out);
            }
        }
    }
    record(ast, String::new(), None, out);
    for (i, top) in children(ast, "nodes") {
        let at = format!("/nodes/{i}");
        let contract = (top.get("nodeType").and_then(Value::as_str) == Some("ContractDefinition"))
            .then(|| top.get("name").and_then(Value::as_str))
            .flatten();
        record(top, at.clone(), contract, out);
        members(top, &at, contract, out);
        for (j, node) in children(top, "nodes") {
            let pointer = format!("{at}/nodes/{j}");
            record(node, pointer.clone(), contract, out);
            members(node, &pointer, contract, out);
        }
    }
}

/// One source's AST, as text until parsed.
#[derive(Debug)]
struct LazyAst {
    raw: Option<Box<RawValue>>,
    parsed: OnceLock<(Value, BTreeMap<u64, Located>)>,
}

impl LazyAst {
    fn get(&self) -> &(Value, BTreeMap<u64, Located>) {
        self.parsed.get_or_init(|| {
            let ast: Value = self
                .raw
                .as_ref()
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or(Value::Null);
            let mut nodes = BTreeMap::new();
            index(&ast, &mut nodes);
            (ast, nodes)
        })
    }
}

// The SourceUnit's own id, read without building the tree.
#[derive(Deserialize)]
struct AstHead {
    id: u64,
}

/// Where an AST node is.
#[derive(Debug)]
struct Located {
    /// A JSON pointer into its source's AST.
    pointer: String,
    /// The contract it is in.
    contract: Option<String>,
}

/// A contract's output as the file has it, parsed on first use.
#[derive(Debug)]
struct LazyContract {
    raw: Box<RawValue>,
    parsed: OnceLock<Value>,
}

// The parts of a build-info file read; the rest is skipped unparsed.
#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    input: Option<RawInput>,
    output: RawOutput,
    #[serde(default, rename = "solcVersion")]
    solc_version: Option<String>,
}

#[derive(Deserialize)]
struct RawInput {
    #[serde(default)]
    sources: BTreeMap<String, RawInputSource>,
}

#[derive(Deserialize)]
struct RawInputSource {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct RawOutput {
    #[serde(default)]
    contracts: BTreeMap<String, BTreeMap<String, Box<RawValue>>>,
    #[serde(default)]
    sources: BTreeMap<String, RawOutputSource>,
}

#[derive(Deserialize)]
struct RawOutputSource {
    id: u64,
    #[serde(default)]
    ast: Option<Box<RawValue>>,
}

// Whether a contract has creation code, read without parsing the rest.
#[derive(Deserialize)]
struct CodeOnly {
    #[serde(default)]
    evm: Option<CodeOnlyEvm>,
}

#[derive(Deserialize)]
struct CodeOnlyEvm {
    #[serde(default)]
    bytecode: Option<CodeOnlyBytecode>,
}

#[derive(Deserialize)]
struct CodeOnlyBytecode {
    #[serde(default)]
    object: Option<Box<RawValue>>,
}

impl BuildInfo {
    /// Reads and indexes the build-info file at `path`. The contracts'
    /// outputs are kept as text until asked for; the sources' ASTs are
    /// parsed in parallel.
    pub fn load(path: &Path) -> Result<Self, UpgradesError> {
        let text = std::fs::read_to_string(path).map_err(|source| UpgradesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |message: String| UpgradesError::BuildInfo {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        drop(text);
        let contents = raw
            .input
            .map(|input| {
                input
                    .sources
                    .into_iter()
                    .filter_map(|(p, s)| Some((p, s.content?)))
                    .collect()
            })
            .unwrap_or_default();
        let contracts = raw
            .output
            .contracts
            .into_iter()
            .map(|(file, contracts)| {
                let lazy = contracts
                    .into_iter()
                    .map(|(name, raw)| {
                        (
                            name,
                            LazyContract {
                                raw,
                                parsed: OnceLock::new(),
                            },
                        )
                    })
                    .collect();
                (file, lazy)
            })
            .collect();
        let sources: Vec<(String, u64, Option<Box<RawValue>>)> = raw
            .output
            .sources
            .into_iter()
            .map(|(p, s)| (p, s.id, s.ast))
            .collect();
        let heads: Vec<Option<u64>> = sources
            .par_iter()
            .map(|(_, _, ast)| {
                ast.as_ref()
                    .and_then(|a| serde_json::from_str::<AstHead>(a.get()).ok())
                    .map(|h| h.id)
            })
            .collect();
        let mut paths = BTreeMap::new();
        let mut ast_index = BTreeMap::new();
        let mut unit_ids = Vec::new();
        let mut asts = Vec::new();
        for (index, ((source, id, raw), head)) in sources.into_iter().zip(heads).enumerate() {
            if let Some(unit) = head {
                unit_ids.push((unit, index));
            }
            asts.push(LazyAst {
                raw,
                parsed: OnceLock::new(),
            });
            ast_index.insert(source.clone(), index);
            paths.insert(id, source);
        }
        unit_ids.sort();
        Ok(Self {
            path: path.to_path_buf(),
            solc_version: raw.solc_version.unwrap_or_default(),
            contracts,
            asts,
            ast_index,
            unit_ids,
            contents,
            paths,
        })
    }

    /// The contracts compiled: (source path, name).
    pub fn contracts(&self) -> Vec<(String, String)> {
        self.contracts
            .iter()
            .flat_map(|(file, contracts)| contracts.keys().map(move |n| (file.clone(), n.clone())))
            .collect()
    }

    /// Whether contract `name` in `file` is deployable: it has creation
    /// code (abstract contracts and interfaces have none).
    pub fn deployable(&self, file: &str, name: &str) -> bool {
        let Some(lazy) = self.contracts.get(file).and_then(|c| c.get(name)) else {
            return false;
        };
        serde_json::from_str::<CodeOnly>(lazy.raw.get())
            .ok()
            .and_then(|c| c.evm?.bytecode?.object)
            .is_some_and(|object| object.get() != "\"\"")
    }

    /// The output of contract `name` in `file`.
    pub(crate) fn contract(&self, file: &str, name: &str) -> Option<&Value> {
        let lazy = self.contracts.get(file)?.get(name)?;
        Some(
            lazy.parsed
                .get_or_init(|| serde_json::from_str(lazy.raw.get()).unwrap_or(Value::Null)),
        )
    }

    /// The AST node `id`, and the contract declaring it.
    pub(crate) fn node(&self, id: u64) -> Option<(&Value, Option<&str>)> {
        // The file whose SourceUnit is the first at or above the id; if
        // the numbering is not as expected, every file is looked in.
        let first = self.unit_ids.partition_point(|(unit, _)| *unit < id);
        // Above every file: a built-in (solc numbers them below zero, and
        // some writers store them as 32-bit unsigned).
        let likely = Some(self.unit_ids.get(first)?.1);
        let order = likely
            .into_iter()
            .chain((0..self.asts.len()).filter(move |i| Some(*i) != likely));
        for source in order {
            let (ast, nodes) = self.asts[source].get();
            if let Some(located) = nodes.get(&id) {
                return Some((ast.pointer(&located.pointer)?, located.contract.as_deref()));
            }
        }
        None
    }

    /// The definition of contract `name` in `file` (a top-level node).
    pub(crate) fn contract_definition(&self, file: &str, name: &str) -> Option<&Value> {
        self.ast(file)?.get("nodes")?.as_array()?.iter().find(|c| {
            c.get("nodeType").and_then(Value::as_str) == Some("ContractDefinition")
                && c.get("name").and_then(Value::as_str) == Some(name)
        })
    }

    /// The path of source id `id`.
    pub(crate) fn path_of(&self, id: u64) -> Option<&str> {
        self.paths.get(&id).map(String::as_str)
    }

    /// The AST of source `file`.
    pub(crate) fn ast(&self, file: &str) -> Option<&Value> {
        let source = *self.ast_index.get(file)?;
        Some(&self.asts.get(source)?.get().0).filter(|a| !a.is_null())
    }

    /// `file:line` of an AST `src` (`start:length:source id`).
    pub(crate) fn src(&self, src: &str) -> String {
        let mut parts = src.split(':');
        let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let _length = parts.next();
        let Some(file) = parts
            .next()
            .and_then(|s| s.parse::<u64>().ok())
            .and_then(|id| self.paths.get(&id))
        else {
            return "unknown".to_owned();
        };
        let line = self.contents.get(file).map_or(1, |text| {
            text.as_bytes()[..start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        });
        format!("{file}:{line}")
    }
}

/// Every build-info file in `dir` (`out/build-info`), newest compile runs
/// last.
pub fn load_dir(dir: &Path) -> Result<Vec<BuildInfo>, UpgradesError> {
    let entries = std::fs::read_dir(dir).map_err(|source| UpgradesError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, p)
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(_, p)| BuildInfo::load(&p))
        .collect()
}
