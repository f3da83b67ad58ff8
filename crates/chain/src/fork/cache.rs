//! The fork's disk cache: what the remote answered at one block, kept at
//! `<root>/<chain id>/<block hash>/state.jsonl`, one fact per line,
//! appended once per batch. A block hash names one state forever, so the
//! facts never go stale. A line that does not read (a write cut short by a
//! crash) is skipped and its fact fetched again: the cache can lose work,
//! never give a wrong answer.

use std::{
    collections::HashMap,
    fs::{File, OpenOptions},
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};
use slipway_evm::RemoteAccount;

/// One thing the remote answered.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Fact {
    /// An account (`None`: it does not exist there).
    Account {
        address: Address,
        balance: U256,
        nonce: u64,
        code: Bytes,
    },
    /// A storage slot.
    Slot {
        address: Address,
        slot: U256,
        value: U256,
    },
    /// A block's hash.
    BlockHash { number: u64, hash: B256 },
}

/// What is known of the remote at the fork block.
#[derive(Debug, Default)]
pub(crate) struct Known {
    pub(crate) accounts: HashMap<Address, RemoteAccount>,
    pub(crate) slots: HashMap<(Address, U256), U256>,
    pub(crate) block_hashes: HashMap<u64, B256>,
}

impl Known {
    pub(crate) fn learn(&mut self, fact: Fact) {
        match fact {
            Fact::Account {
                address,
                balance,
                nonce,
                code,
            } => {
                self.accounts.insert(
                    address,
                    RemoteAccount {
                        balance,
                        nonce,
                        code,
                    },
                );
            }
            Fact::Slot {
                address,
                slot,
                value,
            } => {
                self.slots.insert((address, slot), value);
            }
            Fact::BlockHash { number, hash } => {
                self.block_hashes.insert(number, hash);
            }
        }
    }
}

/// The cache file of one fork block.
#[derive(Debug)]
pub(crate) struct DiskCache {
    path: PathBuf,
}

impl DiskCache {
    /// The cache of `chain_id` at `block_hash` under `root`.
    pub(crate) fn new(root: &Path, chain_id: u64, block_hash: B256) -> Self {
        Self {
            path: root
                .join(chain_id.to_string())
                .join(format!("{block_hash:#x}"))
                .join("state.jsonl"),
        }
    }

    /// Its file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Everything kept so far (nothing when there is no file yet).
    pub(crate) fn load(&self) -> std::io::Result<Known> {
        let mut known = Known::default();
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(known),
            Err(e) => return Err(e),
        };
        for line in BufReader::new(file).split(b'\n') {
            let line = line?;
            if line.is_empty() {
                continue;
            }
            if let Ok(fact) = serde_json::from_slice::<Fact>(&line) {
                known.learn(fact);
            }
        }
        Ok(known)
    }

    /// Appends `facts` in one write, so that processes sharing the cache
    /// never interleave within a line. The write starts a new line, so a
    /// line torn by a crash never swallows the facts after it.
    pub(crate) fn append(&self, facts: &[Fact]) -> std::io::Result<()> {
        if facts.is_empty() {
            return Ok(());
        }
        let mut text = vec![b'\n'];
        for fact in facts {
            serde_json::to_writer(&mut text, fact)?;
            text.push(b'\n');
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_last_across_opens_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().expect("dir");
        let cache = DiskCache::new(dir.path(), 1, B256::repeat_byte(7));
        assert!(cache.load().expect("no file").accounts.is_empty());
        let address = Address::repeat_byte(1);
        cache
            .append(&[
                Fact::Account {
                    address,
                    balance: U256::from(5),
                    nonce: 2,
                    code: Bytes::from_static(&[0x60, 0x00]),
                },
                Fact::Slot {
                    address,
                    slot: U256::from(3),
                    value: U256::from(9),
                },
            ])
            .expect("append");
        // A crash in the middle of a later write.
        let mut file = OpenOptions::new()
            .append(true)
            .open(cache.path())
            .expect("open");
        file.write_all(br#"{"slot":{"address":"0x01"#)
            .expect("torn");
        drop(file);
        cache
            .append(&[Fact::BlockHash {
                number: 4,
                hash: B256::repeat_byte(4),
            }])
            .expect("append after the torn line");
        let known = cache.load().expect("load");
        assert_eq!(known.accounts[&address].nonce, 2);
        assert_eq!(known.slots[&(address, U256::from(3))], U256::from(9));
        // The torn fact is lost (fetched again), the ones after it are not.
        assert_eq!(known.block_hashes[&4], B256::repeat_byte(4));
        assert_eq!(known.slots.len(), 1);
        assert!(
            cache
                .path()
                .ends_with(format!("1/{:#x}/state.jsonl", B256::repeat_byte(7)))
        );
    }
}
