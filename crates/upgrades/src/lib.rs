//! slipway's upgradeable contracts (issue 38): a contract's storage layout
//! from the build's build-info (`layout.rs`, `build_info.rs`), and whether
//! a new implementation may replace an old one (`compare.rs`), decided as
//! OpenZeppelin's upgrade tooling decides it and reported in its words,
//! so that users of hardhat-upgrades and of slipway read the same errors.

mod ast;
mod build_info;
mod cache;
pub mod check;
pub mod compare;
mod initializer;
mod kinds;
pub mod layout;
mod levenshtein;
pub mod manifest;
pub mod sarif;
mod type_id;
pub mod validate;

use std::path::PathBuf;

pub use build_info::{BuildInfo, load_dir};
pub use cache::{check_dir, keep, kept};
pub use check::{ContractReport, Reference, check, check_implementation};
pub use compare::{LayoutChange, LayoutOp, TypeChange, compare_layouts};
pub use layout::{Members, StorageField, StorageLayout, TypeItem, extract, read_recorded};
pub use manifest::{Manifest, version_hash};
pub use validate::{
    VALIDATION_KINDS, Validation, ValidationError, is_uups, missing_upgrade_to, upgradeable,
    validate,
};

/// The contract `name` (`Name` or `path/File.sol:Name`) in the newest
/// build-info of `infos` that compiled it: the build-info, its file, its
/// name.
pub fn find<'a>(
    infos: &'a [BuildInfo],
    name: &str,
) -> Result<(&'a BuildInfo, String, String), UpgradesError> {
    let (file, wanted) = match name.rsplit_once(':') {
        Some((file, wanted)) => (Some(file), wanted),
        None => (None, name),
    };
    let mut found: Vec<(&BuildInfo, String)> = Vec::new();
    for info in infos.iter().rev() {
        for (f, n) in info.contracts() {
            if n == wanted
                && file.is_none_or(|file| file == f)
                && !found.iter().any(|(_, g)| *g == f)
            {
                found.push((info, f));
            }
        }
    }
    match found.as_slice() {
        [] => {
            let mut candidates: Vec<String> = infos
                .iter()
                .flat_map(BuildInfo::contracts)
                .map(|(_, n)| n)
                .filter(|n| {
                    n.to_ascii_lowercase()
                        .contains(&wanted.to_ascii_lowercase())
                        || wanted
                            .to_ascii_lowercase()
                            .contains(&n.to_ascii_lowercase())
                })
                .collect();
            candidates.sort();
            candidates.dedup();
            Err(UpgradesError::NoContract {
                name: name.to_owned(),
                candidates,
            })
        }
        [(info, f)] => Ok((info, f.clone(), wanted.to_owned())),
        many => Err(UpgradesError::Ambiguous {
            name: name.to_owned(),
            files: many.iter().map(|(_, f)| f.clone()).collect(),
        }),
    }
}

/// Why a layout could not be had.
#[derive(Debug, thiserror::Error)]
pub enum UpgradesError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A build-info file is not one.
    #[error("{}: not a build-info file: {message}", path.display())]
    BuildInfo {
        /// Which.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The build has no storage layout for a contract.
    #[error(
        "the build has no storage layout for {contract} (is it a contract, compiled with storageLayout in the output?)"
    )]
    NoLayout {
        /// `file:Name`.
        contract: String,
    },
    /// No contract of the build has this name.
    #[error("no contract `{name}` in the build{}", if candidates.is_empty() { String::new() } else { format!(" (did you mean {}?)", candidates.join(", ")) })]
    NoContract {
        /// The name asked for.
        name: String,
        /// Names close to it.
        candidates: Vec<String>,
    },
    /// A recorded layout does not read.
    #[error("{}: not a storage layout in OpenZeppelin's format: {message}", path.display())]
    Layout {
        /// Which file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An upgrade manifest does not read.
    #[error("{}: not an OpenZeppelin upgrade manifest: {message}", path.display())]
    Manifest {
        /// Which file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A name matches contracts in several files.
    #[error("`{name}` names contracts in several files: {}; give one as FILE:NAME", files.join(", "))]
    Ambiguous {
        /// The name.
        name: String,
        /// The files.
        files: Vec<String>,
    },
}
