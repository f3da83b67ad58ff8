//! OpenZeppelin's proxy contracts for deploy plans' proxy steps, taken from
//! the project's own OpenZeppelin Contracts (npm or `lib/`) and compiled
//! with the project's settings, so that they verify on explorers like the
//! project's other contracts. They are built apart from the project (a
//! written file importing them, under `.slipway/proxies/`, with its own
//! cache and artifacts under `.slipway/cache/`), so that a project's build
//! does not change because a plan uses proxies.

use std::path::{Path, PathBuf};

use foundry_compilers::ProjectPathsConfig;
use slipway_config::Config;

use crate::{BuiltContract, Compiler, Profile, Result, SolcError, project::STATE_DIR};

/// The proxy contracts: file under the package's `contracts/`, and name.
pub const PROXY_CONTRACTS: [(&str, &str); 5] = [
    ("proxy/ERC1967/ERC1967Proxy.sol", "ERC1967Proxy"),
    (
        "proxy/transparent/TransparentUpgradeableProxy.sol",
        "TransparentUpgradeableProxy",
    ),
    ("proxy/transparent/ProxyAdmin.sol", "ProxyAdmin"),
    ("proxy/beacon/UpgradeableBeacon.sol", "UpgradeableBeacon"),
    ("proxy/beacon/BeaconProxy.sol", "BeaconProxy"),
];

/// A copy of OpenZeppelin Contracts in the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenZeppelin {
    /// Its `contracts/` folder (the one holding `proxy/`), relative to
    /// the project root.
    pub dir: PathBuf,
    /// The package's name.
    pub package: String,
    /// Its version, from its package.json.
    pub version: String,
}

/// The proxies as built.
#[derive(Debug)]
pub struct Proxies {
    /// Where they come from.
    pub openzeppelin: OpenZeppelin,
    /// The five contracts of [`PROXY_CONTRACTS`].
    pub contracts: Vec<BuiltContract>,
}

/// The folders where OpenZeppelin Contracts may be, in order: npm's
/// package, then a remapping of `@openzeppelin/contracts/`, then a
/// checkout in each library folder (also the copy nested in
/// contracts-upgradeable).
fn candidates(config: &Config) -> Vec<PathBuf> {
    let mut found = vec![PathBuf::from("node_modules/@openzeppelin/contracts")];
    for text in &config.project.remappings {
        if let Some((prefix, target)) = text.split_once('=')
            && prefix.trim_end_matches('/') == "@openzeppelin/contracts"
        {
            found.push(PathBuf::from(target.trim_end_matches('/')));
        }
    }
    let mut libs: Vec<PathBuf> = config.project.libs.clone();
    if !libs.iter().any(|l| l == Path::new("lib")) {
        libs.push("lib".into());
    }
    for lib in libs {
        found.push(lib.join("openzeppelin-contracts/contracts"));
        found.push(
            lib.join("openzeppelin-contracts-upgradeable/lib/openzeppelin-contracts/contracts"),
        );
    }
    found
}

/// The project's OpenZeppelin Contracts: the first candidate holding the
/// proxies; refused when there is none, or when it is older than 5.0.
pub fn find_openzeppelin(config: &Config) -> Result<OpenZeppelin> {
    let candidates = candidates(config);
    let Some(dir) = candidates.iter().find(|dir| {
        PROXY_CONTRACTS
            .iter()
            .all(|(file, _)| config.root.join(dir).join(file).is_file())
    }) else {
        return Err(SolcError::NoOpenZeppelin {
            searched: candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let manifest = [dir.join("package.json"), dir.join("../package.json")]
        .into_iter()
        .find_map(|p| std::fs::read_to_string(config.root.join(p)).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let field = |key: &str| {
        manifest
            .as_ref()
            .and_then(|m| m.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let version = field("version").unwrap_or_else(|| "unknown".into());
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u64>().ok());
    if major.is_some_and(|m| m < 5) {
        return Err(SolcError::OpenZeppelinVersion {
            dir: dir.clone(),
            version,
        });
    }
    Ok(OpenZeppelin {
        dir: dir.clone(),
        package: field("name").unwrap_or_else(|| "@openzeppelin/contracts".into()),
        version,
    })
}

/// The written source that imports the proxies.
fn importer(openzeppelin: &OpenZeppelin) -> String {
    let mut text = String::from(
        "// SPDX-License-Identifier: MIT\n\
         // Written by slipway: OpenZeppelin's proxies for deploy plans' proxy steps.\n\
         pragma solidity >=0.8.0;\n\n",
    );
    for (file, name) in PROXY_CONTRACTS {
        let path = Path::new("../..").join(&openzeppelin.dir).join(file);
        text.push_str(&format!("import {{{name}}} from \"{}\";\n", path.display()));
    }
    text
}

/// Builds the proxies of the project's OpenZeppelin Contracts with
/// `config`'s settings (incrementally: an unchanged build compiles
/// nothing).
pub fn compile_proxies(config: &Config, compiler: &Compiler) -> Result<Proxies> {
    let openzeppelin = find_openzeppelin(config)?;
    let state = config.root.join(STATE_DIR);
    let sources = state.join("proxies");
    std::fs::create_dir_all(&sources).map_err(SolcError::io("cannot create", &sources))?;
    let file = sources.join("Proxies.sol");
    let text = importer(&openzeppelin);
    if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&file, &text).map_err(SolcError::io("cannot write", &file))?;
    }
    let cache = state.join("cache");
    let artifacts = cache.join("proxies-out");
    let libs: Vec<PathBuf> = config.project.libs.iter().map(|l| config.path(l)).collect();
    let paths = ProjectPathsConfig::builder()
        .root(&config.root)
        .sources(&sources)
        .tests(sources.join("test"))
        .scripts(sources.join("script"))
        .artifacts(&artifacts)
        .build_infos(artifacts.join("build-info"))
        .cache(cache.join("solc-proxies-cache.json"))
        .libs(libs.clone())
        .remappings(crate::project::remappings(config, &libs)?)
        .build_with_root(&config.root);
    let project = crate::project::project_at(config, compiler, Profile::Default, paths)?;
    let output = project
        .compile()
        .map_err(|e| SolcError::Build(Box::new(e)))?;
    if output.has_compiler_errors() {
        let messages = output
            .output()
            .errors
            .iter()
            .filter(|e| e.severity.is_error())
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(SolcError::ProxiesFailed {
            dir: openzeppelin.dir,
            messages,
        });
    }
    let wanted: Vec<String> = PROXY_CONTRACTS
        .iter()
        .map(|(file, name)| format!("{}:{name}", openzeppelin.dir.join(file).display()))
        .collect();
    let contracts = crate::artifact::contracts_of(output, &config.root, project.artifacts_path())
        .into_iter()
        .filter(|c| wanted.contains(&c.id()))
        .collect();
    Ok(Proxies {
        openzeppelin,
        contracts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_importer_reaches_each_proxy_from_the_written_folder() {
        let oz = OpenZeppelin {
            dir: "lib/openzeppelin-contracts/contracts".into(),
            package: "@openzeppelin/contracts".into(),
            version: "5.0.2".into(),
        };
        let text = importer(&oz);
        assert!(text.contains(
            "import {BeaconProxy} from \"../../lib/openzeppelin-contracts/contracts/proxy/beacon/BeaconProxy.sol\";"
        ));
        assert_eq!(text.matches("import ").count(), PROXY_CONTRACTS.len());
    }
}
