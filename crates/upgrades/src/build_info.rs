//! A compile run's build-info file (Foundry's and Hardhat's format: the
//! standard-JSON `input` and `output`, with `storageLayout` and the AST),
//! indexed for what the upgrade checks read: contracts by name, AST nodes
//! by id with the contract that declares them, and `src` ranges as
//! `file:line`.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde_json::Value;

use crate::UpgradesError;

/// One build-info file, indexed.
#[derive(Debug)]
pub struct BuildInfo {
    /// Where it was read.
    pub path: PathBuf,
    /// The solc version it was compiled with.
    pub solc_version: String,
    output: Value,
    /// Source contents by path.
    contents: BTreeMap<String, String>,
    /// Source paths by solc's source id.
    paths: BTreeMap<u64, String>,
    /// AST nodes by id.
    nodes: BTreeMap<u64, Located>,
}

/// Escapes a key for a JSON pointer.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Records, for every AST node with an id, where it is (a JSON pointer
/// into `output`) and the contract it is in.
fn walk(node: &Value, at: &str, contract: Option<&str>, out: &mut BTreeMap<u64, Located>) {
    match node {
        Value::Object(map) => {
            let kind = map.get("nodeType").and_then(Value::as_str);
            let here = if kind == Some("ContractDefinition") {
                map.get("name").and_then(Value::as_str)
            } else {
                contract
            };
            if let Some(id) = map.get("id").and_then(Value::as_u64)
                && kind.is_some()
            {
                out.insert(
                    id,
                    Located {
                        pointer: at.to_owned(),
                        contract: here.map(str::to_owned),
                    },
                );
            }
            for (key, value) in map {
                if value.is_object() || value.is_array() {
                    walk(value, &format!("{at}/{}", escape(key)), here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{at}/{i}"), contract, out);
            }
        }
        _ => {}
    }
}

/// Where an AST node is.
#[derive(Debug)]
struct Located {
    /// A JSON pointer into the output.
    pointer: String,
    /// The contract it is in.
    contract: Option<String>,
}

impl BuildInfo {
    /// Reads and indexes the build-info file at `path`.
    pub fn load(path: &Path) -> Result<Self, UpgradesError> {
        let text = std::fs::read_to_string(path).map_err(|source| UpgradesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |message: String| UpgradesError::BuildInfo {
            path: path.to_path_buf(),
            message,
        };
        let json: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let output = json
            .get("output")
            .cloned()
            .ok_or_else(|| bad("it has no `output`".into()))?;
        let contents = json
            .pointer("/input/sources")
            .and_then(Value::as_object)
            .map(|sources| {
                sources
                    .iter()
                    .filter_map(|(p, s)| Some((p.clone(), s.get("content")?.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let mut paths = BTreeMap::new();
        let mut nodes = BTreeMap::new();
        if let Some(sources) = output.get("sources").and_then(Value::as_object) {
            for (source, entry) in sources {
                if let Some(id) = entry.get("id").and_then(Value::as_u64) {
                    paths.insert(id, source.clone());
                }
                if let Some(ast) = entry.get("ast") {
                    walk(
                        ast,
                        &format!("/sources/{}/ast", escape(source)),
                        None,
                        &mut nodes,
                    );
                }
            }
        }
        let solc_version = json
            .get("solcVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Ok(Self {
            path: path.to_path_buf(),
            solc_version,
            output,
            contents,
            paths,
            nodes,
        })
    }

    /// The contracts compiled: (source path, name).
    pub fn contracts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(files) = self.output.get("contracts").and_then(Value::as_object) {
            for (file, contracts) in files {
                if let Some(contracts) = contracts.as_object() {
                    out.extend(contracts.keys().map(|n| (file.clone(), n.clone())));
                }
            }
        }
        out
    }

    /// The output of contract `name` in `file`.
    pub(crate) fn contract(&self, file: &str, name: &str) -> Option<&Value> {
        self.output.get("contracts")?.get(file)?.get(name)
    }

    /// The AST node `id`, and the contract declaring it.
    pub(crate) fn node(&self, id: u64) -> Option<(&Value, Option<&str>)> {
        let located = self.nodes.get(&id)?;
        Some((
            self.output.pointer(&located.pointer)?,
            located.contract.as_deref(),
        ))
    }

    /// The path of source id `id`.
    pub(crate) fn path_of(&self, id: u64) -> Option<&str> {
        self.paths.get(&id).map(String::as_str)
    }

    /// The AST of source `file`.
    pub(crate) fn ast(&self, file: &str) -> Option<&Value> {
        self.output.get("sources")?.get(file)?.get("ast")
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
