//! The artifact index: the build's contracts with their ABI, creation and
//! runtime code (library placeholders zeroed, their slots kept), immutable
//! slots and metadata; found by name or path; linked by address. A
//! contract's code is read from the build when it is first found.

use std::{collections::BTreeMap, sync::OnceLock};

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, B256, keccak256};
pub use slipway_solc::LinkReferences;
use slipway_solc::{BuiltContract, Code};

use crate::{FindError, LinkError};

/// One compiled contract.
#[derive(Clone, Debug)]
pub struct Artifact {
    /// `path/File.sol:Name`, relative to the project root.
    pub id: String,
    /// The contract's name.
    pub name: String,
    /// Its ABI.
    pub abi: JsonAbi,
    /// Creation code, zeros where library addresses go.
    pub bytecode: Vec<u8>,
    /// Library slots in the creation code.
    pub links: LinkReferences,
    /// Runtime code, zeros where library addresses go.
    pub deployed_bytecode: Vec<u8>,
    /// Library slots in the runtime code.
    pub deployed_links: LinkReferences,
    /// Immutable slots in the runtime code: AST id → byte ranges.
    pub immutables: BTreeMap<String, Vec<(usize, usize)>>,
    /// solc's metadata JSON, as the compiler wrote it (its hash is the one
    /// appended to the code).
    pub raw_metadata: Option<String>,
}

/// Every contract of a build. A contract's code is taken from the build
/// only when [`Artifacts::find`] finds it, so a command reads the
/// artifacts of the contracts it names and no others.
#[derive(Clone, Debug, Default)]
pub struct Artifacts(Vec<Entry>);

/// One contract: its id and name at hand, its artifact made on first use.
#[derive(Clone, Debug)]
struct Entry {
    id: String,
    name: String,
    artifact: OnceLock<Artifact>,
    from: Option<BuiltContract>,
}

impl Entry {
    fn artifact(&self) -> Result<&Artifact, FindError> {
        if let Some(artifact) = self.artifact.get() {
            return Ok(artifact);
        }
        let unreadable = |reason: String| FindError::Unreadable {
            id: self.id.clone(),
            reason,
        };
        let contract = self
            .from
            .as_ref()
            .ok_or_else(|| unreadable("no build output".into()))?;
        let abi = contract
            .abi
            .clone()
            .ok_or_else(|| unreadable("no ABI".into()))?;
        let output = contract.output().map_err(|e| unreadable(e.to_string()))?;
        let code = |code: Option<&Code>| {
            code.map(|c| (c.zero_linked(), c.links.clone()))
                .unwrap_or_default()
        };
        let (bytecode, links) = code(output.bytecode.as_ref());
        let (deployed_bytecode, deployed_links) = code(output.deployed_bytecode.as_ref());
        Ok(self.artifact.get_or_init(|| Artifact {
            id: self.id.clone(),
            name: self.name.clone(),
            abi,
            bytecode,
            links,
            deployed_bytecode,
            deployed_links,
            immutables: output.immutables.clone(),
            raw_metadata: output.raw_metadata.clone(),
        }))
    }
}

/// Whether `wanted` (`Name`, `File.sol:Name` or `path/File.sol:Name`)
/// names the contract `name` whose id is `id` (`path/File.sol:Name`).
pub fn names_contract(wanted: &str, id: &str, name: &str) -> bool {
    match wanted.rsplit_once(':') {
        Some((path, contract)) => name == contract && id.ends_with(&format!("{path}:{contract}")),
        None => name == wanted,
    }
}

impl Artifacts {
    /// The contracts of a build that have an ABI.
    pub fn from_build(contracts: &[BuiltContract]) -> Self {
        let mut all: Vec<Entry> = contracts
            .iter()
            .filter(|c| c.abi.is_some())
            .map(|c| Entry {
                id: c.id(),
                name: c.name.clone(),
                artifact: OnceLock::new(),
                from: Some(c.clone()),
            })
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all.dedup_by(|a, b| a.id == b.id);
        Self(all)
    }

    /// Artifacts already made.
    pub fn of(artifacts: Vec<Artifact>) -> Self {
        let mut all: Vec<Entry> = artifacts
            .into_iter()
            .map(|a| Entry {
                id: a.id.clone(),
                name: a.name.clone(),
                artifact: OnceLock::from(a),
                from: None,
            })
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all.dedup_by(|a, b| a.id == b.id);
        Self(all)
    }

    /// These contracts and `more`'s (a contract of both is taken once).
    pub fn merged(&self, more: &Artifacts) -> Artifacts {
        let mut all: Vec<Entry> = self.0.iter().chain(&more.0).cloned().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all.dedup_by(|a, b| a.id == b.id);
        Self(all)
    }

    /// The artifact `name` (`Name`, `File.sol:Name` or `path/File.sol:Name`).
    pub fn find(&self, name: &str) -> Result<&Artifact, FindError> {
        let matches: Vec<&Entry> = self
            .0
            .iter()
            .filter(|a| names_contract(name, &a.id, &a.name))
            .collect();
        match matches.as_slice() {
            [one] => one.artifact(),
            [] => {
                let wanted = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
                let close = self
                    .0
                    .iter()
                    .filter(|a| {
                        let n = a.name.to_ascii_lowercase();
                        n.contains(&wanted)
                            || wanted.contains(&n)
                            || strsim::levenshtein(&n, &wanted) <= 2
                    })
                    .map(|a| a.id.clone())
                    .take(5)
                    .collect();
                Err(FindError::NotFound {
                    name: name.to_owned(),
                    close,
                })
            }
            many => Err(FindError::Ambiguous {
                name: name.to_owned(),
                candidates: many.iter().map(|a| a.id.clone()).collect(),
            }),
        }
    }
}

impl Artifact {
    /// keccak256 of the creation code as built (placeholders zeroed).
    pub fn bytecode_hash(&self) -> B256 {
        keccak256(&self.bytecode)
    }

    /// Libraries the creation code needs: `file:Name` each.
    pub fn needed_libraries(&self) -> Vec<String> {
        self.links
            .iter()
            .flat_map(|(file, libs)| libs.keys().map(move |lib| format!("{file}:{lib}")))
            .collect()
    }

    /// The creation code with `libraries` (by `Name` or `file:Name`) filled in.
    pub fn link(&self, libraries: &BTreeMap<String, Address>) -> Result<Vec<u8>, LinkError> {
        let mut code = self.bytecode.clone();
        fill(&mut code, &self.links, libraries)?;
        Ok(code)
    }
}

/// Writes each library's address into its slots in `code`.
pub fn fill(
    code: &mut [u8],
    links: &LinkReferences,
    libraries: &BTreeMap<String, Address>,
) -> Result<(), LinkError> {
    for (file, libs) in links {
        for (lib, slots) in libs {
            let address = libraries
                .get(&format!("{file}:{lib}"))
                .or_else(|| libraries.get(lib))
                .ok_or_else(|| LinkError::Missing(format!("{file}:{lib}")))?;
            for &(start, length) in slots {
                let slot = code
                    .get_mut(start..start + length)
                    .filter(|s| s.len() == 20)
                    .ok_or(LinkError::OutOfRange { start, length })?;
                slot.copy_from_slice(address.as_slice());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(id: &str) -> Artifact {
        Artifact {
            id: id.into(),
            name: id.rsplit(':').next().unwrap_or(id).into(),
            abi: JsonAbi::new(),
            bytecode: vec![],
            links: BTreeMap::new(),
            deployed_bytecode: vec![],
            deployed_links: BTreeMap::new(),
            immutables: BTreeMap::new(),
            raw_metadata: None,
        }
    }

    fn index() -> Artifacts {
        Artifacts::of(vec![
            artifact("src/Bridge.sol:Bridge"),
            artifact("src/Token.sol:Token"),
            artifact("test/mocks/Token.sol:Token"),
        ])
    }

    #[test]
    fn found_by_name_or_path() {
        let index = index();
        assert_eq!(
            index.find("Bridge").expect("name").id,
            "src/Bridge.sol:Bridge"
        );
        assert_eq!(
            index.find("Token.sol:Token").err(),
            Some(FindError::Ambiguous {
                name: "Token.sol:Token".into(),
                candidates: vec![
                    "src/Token.sol:Token".into(),
                    "test/mocks/Token.sol:Token".into()
                ],
            })
        );
        assert_eq!(
            index.find("src/Token.sol:Token").expect("path").id,
            "src/Token.sol:Token"
        );
    }

    #[test]
    fn a_close_name_is_suggested() {
        let error = index().find("Brigde").expect_err("typo");
        assert_eq!(
            error.to_string(),
            "no artifact `Brigde` in the build (did you mean src/Bridge.sol:Bridge?)"
        );
        assert_eq!(
            index().find("Vault").expect_err("none").to_string(),
            "no artifact `Vault` in the build"
        );
    }

    #[test]
    fn linking_fills_every_slot_or_names_the_missing_library() {
        let mut a = artifact("src/A.sol:A");
        a.bytecode = vec![0xaa; 50];
        a.links = BTreeMap::from([(
            "src/Lib.sol".to_owned(),
            BTreeMap::from([("Lib".to_owned(), vec![(5, 20)])]),
        )]);
        assert_eq!(
            a.link(&BTreeMap::new()),
            Err(LinkError::Missing("src/Lib.sol:Lib".into()))
        );
        let lib = Address::repeat_byte(0x11);
        let linked = a
            .link(&BTreeMap::from([("Lib".to_owned(), lib)]))
            .expect("linked");
        assert_eq!(&linked[5..25], lib.as_slice());
        assert_eq!(linked[4], 0xaa);
        assert_eq!(linked[25], 0xaa);
        a.links
            .get_mut("src/Lib.sol")
            .expect("lib")
            .insert("Lib".into(), vec![(40, 20)]);
        assert_eq!(
            a.link(&BTreeMap::from([("Lib".to_owned(), lib)])),
            Err(LinkError::OutOfRange {
                start: 40,
                length: 20
            })
        );
    }
}
