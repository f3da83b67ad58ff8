//! `[test]`: the world tests run in (sender, balances, block, gas limit —
//! forge's keys) and what they may reach outside the EVM through
//! cheatcodes — files (`fs_permissions`, as in foundry.toml) and commands
//! (`ffi`, off unless turned on).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, U256, address};
use serde::{Deserialize, Serialize};

/// The account tests are sent from (forge's default `sender`).
pub const DEFAULT_SENDER: Address = address!("1804c8AB1F12E6bbf3894d4083f33e07309d1f38");

/// `[test]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TestConfig {
    /// `vm.ffi` may run commands (forge's `ffi`; off by default: a test
    /// that runs commands runs them with the user's rights).
    pub ffi: bool,
    /// The paths file cheatcodes may read or write, relative to the root
    /// (forge's `fs_permissions`; none by default).
    pub fs_permissions: Vec<FsPermission>,
    /// Who calls `setUp` and the tests (`msg.sender`), and broadcasts
    /// without a key.
    pub sender: Address,
    /// `tx.origin` of the tests.
    pub tx_origin: Address,
    /// The test contract's balance, in wei.
    pub initial_balance: U256,
    /// `block.number` when a test starts.
    pub block_number: u64,
    /// `block.timestamp` when a test starts.
    pub block_timestamp: u64,
    /// Gas each test call may use.
    pub gas_limit: u64,
    /// `block.chainid`.
    pub chain_id: u64,
    /// `block.basefee`.
    pub block_base_fee_per_gas: u64,
    /// `vm.expectRevert` may be met by a revert inside the test contract
    /// itself (an internal library call), as forge's key allows.
    pub allow_internal_expect_revert: bool,
    /// `testFail…` functions keep their old meaning: pass when the call
    /// reverts. Otherwise each is refused with how to rewrite it.
    pub legacy_test_fail: bool,
    /// Named RPC endpoints (forge's `[rpc_endpoints]`), for fork mode.
    pub rpc_endpoints: BTreeMap<String, String>,
    /// Contracts the gas report covers (`*`: all).
    pub gas_reports: Vec<String>,
}

impl Default for TestConfig {
    fn default() -> Self {
        Self {
            ffi: false,
            fs_permissions: Vec::new(),
            sender: DEFAULT_SENDER,
            tx_origin: DEFAULT_SENDER,
            initial_balance: U256::from(1u128 << 96),
            block_number: 1,
            block_timestamp: 1,
            gas_limit: 1 << 40,
            chain_id: 31_337,
            block_base_fee_per_gas: 0,
            allow_internal_expect_revert: false,
            legacy_test_fail: false,
            rpc_endpoints: BTreeMap::new(),
            gas_reports: vec!["*".into()],
        }
    }
}

impl TestConfig {
    /// forge 1.7.1's defaults, where they differ from slipway's.
    pub fn forge_defaults() -> Self {
        Self {
            initial_balance: U256::from((1u128 << 96) - 1),
            gas_limit: 1 << 30,
            fs_permissions: vec![FsPermission {
                access: FsAccess::Read,
                path: "out".into(),
            }],
            ..Self::default()
        }
    }
}

/// One `fs_permissions` entry: `{ access = "read", path = "./data" }`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FsPermission {
    /// What may be done under `path`.
    pub access: FsAccess,
    /// A directory or file, relative to the project root.
    pub path: PathBuf,
}

/// forge's access levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FsAccess {
    /// Read and write.
    ReadWrite,
    /// Read only.
    Read,
    /// Write only.
    Write,
    /// Nothing (narrows a wider entry above it).
    None,
}

impl FsAccess {
    /// Whether this level allows reading.
    pub fn reads(self) -> bool {
        matches!(self, Self::ReadWrite | Self::Read)
    }

    /// Whether this level allows writing.
    pub fn writes(self) -> bool {
        matches!(self, Self::ReadWrite | Self::Write)
    }
}

impl TestConfig {
    /// The access `fs_permissions` grant to `path` (absolute, or relative
    /// to `root`), decided by the entry with the longest path that contains
    /// it, as forge decides; `None` when no entry does. `..` is resolved
    /// first, so `data/../../etc` is not under `data`.
    pub fn access(&self, root: &Path, path: &Path) -> Option<FsAccess> {
        let path = normalise(&root.join(path));
        self.fs_permissions
            .iter()
            .map(|p| (normalise(&root.join(&p.path)), p.access))
            .filter(|(allowed, _)| path.starts_with(allowed))
            .max_by_key(|(allowed, _)| allowed.components().count())
            .map(|(_, access)| access)
    }
}

/// `path` with `.` and `..` resolved lexically (the file may not exist yet).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(FsAccess, &str)]) -> TestConfig {
        TestConfig {
            fs_permissions: entries
                .iter()
                .map(|(access, path)| FsPermission {
                    access: *access,
                    path: path.into(),
                })
                .collect(),
            ..TestConfig::default()
        }
    }

    #[test]
    fn the_longest_matching_entry_decides() {
        let root = Path::new("/p");
        let c = config(&[(FsAccess::Read, "./"), (FsAccess::ReadWrite, "./out/tmp")]);
        assert_eq!(
            c.access(root, Path::new("data/a.json")),
            Some(FsAccess::Read)
        );
        assert_eq!(
            c.access(root, Path::new("out/tmp/x")),
            Some(FsAccess::ReadWrite)
        );
        assert_eq!(c.access(root, Path::new("/elsewhere/x")), None);
        // `..` cannot climb out of an allowed directory.
        let c = config(&[(FsAccess::ReadWrite, "data")]);
        assert_eq!(c.access(root, Path::new("data/../../etc/passwd")), None);
        assert_eq!(
            c.access(root, Path::new("data/./x")),
            Some(FsAccess::ReadWrite)
        );
        assert_eq!(TestConfig::default().access(root, Path::new("x")), None);
    }

    #[test]
    fn foundry_toml_entries_parse() {
        let c: TestConfig = toml::from_str(
            "ffi = true\nfs_permissions = [{ access = \"read-write\", path = \"./\" }, { access = \"none\", path = \"secrets\" }]\n",
        )
        .expect("parse");
        assert!(c.ffi);
        assert_eq!(c.fs_permissions[1].access, FsAccess::None);
        assert!(!FsAccess::None.reads() && !FsAccess::Read.writes() && FsAccess::Write.writes());
        let bad =
            toml::from_str::<TestConfig>("fs_permissions = [{ access = \"all\", path = \"./\" }]");
        assert!(bad.is_err());
    }
}
