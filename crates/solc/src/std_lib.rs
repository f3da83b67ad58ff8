//! slipway-std, the Solidity test library, as this slipway ships it. A
//! project without a forge-std of its own gets it under `forge-std/` (and
//! `slipway-std/`), so that Foundry suites compile unchanged; a project
//! that carries neither finds a copy written under `.slipway/std/`.

use std::path::{Path, PathBuf};

use crate::{Result, SolcError, project::STATE_DIR};

/// The library's files: name and contents.
pub const FILES: [(&str, &str); 8] = [
    (
        "Test.sol",
        include_str!("../../../contracts/lib/slipway-std/Test.sol"),
    ),
    (
        "Vm.sol",
        include_str!("../../../contracts/lib/slipway-std/Vm.sol"),
    ),
    (
        "console.sol",
        include_str!("../../../contracts/lib/slipway-std/console.sol"),
    ),
    (
        "console2.sol",
        include_str!("../../../contracts/lib/slipway-std/console2.sol"),
    ),
    (
        "StdError.sol",
        include_str!("../../../contracts/lib/slipway-std/StdError.sol"),
    ),
    (
        "StdInvariant.sol",
        include_str!("../../../contracts/lib/slipway-std/StdInvariant.sol"),
    ),
    (
        "StdStorage.sol",
        include_str!("../../../contracts/lib/slipway-std/StdStorage.sol"),
    ),
    (
        "README.md",
        include_str!("../../../contracts/lib/slipway-std/README.md"),
    ),
];

/// The directory name the library goes by.
pub const NAME: &str = "slipway-std";

/// Writes the shipped library under `root/.slipway/std/slipway-std/`
/// (only the files whose contents differ, so an unchanged copy keeps its
/// modification times and the build cache stays valid) and returns it.
pub fn materialise(root: &Path) -> Result<PathBuf> {
    let dir = root.join(STATE_DIR).join("std").join(NAME);
    std::fs::create_dir_all(&dir).map_err(SolcError::io("cannot create", &dir))?;
    for (name, text) in FILES {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            continue;
        }
        std::fs::write(&path, text).map_err(SolcError::io("cannot write", &path))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_are_every_file_of_the_library() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/lib/slipway-std");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("test io")
            .map(|e| {
                e.expect("test io")
                    .file_name()
                    .into_string()
                    .expect("test io")
            })
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
        shipped.sort();
        assert_eq!(shipped, on_disk);
    }

    #[test]
    fn materialise_writes_once_and_repairs_an_edited_copy() {
        let root = tempfile::tempdir().expect("test io");
        let dir = materialise(root.path()).expect("test io");
        let test_sol = dir.join("Test.sol");
        assert_eq!(
            std::fs::read_to_string(&test_sol).expect("test io"),
            FILES[0].1
        );
        let written = std::fs::metadata(&test_sol)
            .expect("test io")
            .modified()
            .expect("test io");
        materialise(root.path()).expect("test io");
        assert_eq!(
            std::fs::metadata(&test_sol)
                .expect("test io")
                .modified()
                .expect("test io"),
            written
        );
        std::fs::write(&test_sol, "edited").expect("test io");
        materialise(root.path()).expect("test io");
        assert_eq!(
            std::fs::read_to_string(&test_sol).expect("test io"),
            FILES[0].1
        );
    }
}
