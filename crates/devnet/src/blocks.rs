//! The chain's blocks in memory. A block with no transaction and no state
//! change — what interval mining and `anvil_mine` make by the thousand —
//! is kept in 56 bytes (hash, timestamp, base fee, and which block's state
//! root it shares) and its header rebuilt when asked for; the others are
//! kept whole.

use std::borrow::Cow;

use alloy_consensus::Header;
use alloy_primitives::{B256, keccak256};

use crate::types::MinedBlock;

/// A block with nothing in it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EmptyBlock {
    pub(crate) hash: B256,
    pub(crate) timestamp: u64,
    pub(crate) base_fee: u64,
    /// The number of the last full block before it: its state root is
    /// this block's too (nothing changed since).
    pub(crate) root_of: u64,
}

#[derive(Clone, Debug)]
enum Stored {
    Full(Box<MinedBlock>),
    Empty(EmptyBlock),
}

impl Stored {
    fn hash(&self) -> B256 {
        match self {
            Self::Full(b) => b.hash,
            Self::Empty(e) => e.hash,
        }
    }
}

/// Every block from the genesis on, by number. A forked chain's genesis
/// is the fork block: its number is the first one kept here.
#[derive(Clone, Debug, Default)]
pub(crate) struct Blocks {
    /// The genesis's number (0 unless forked).
    base: u64,
    stored: Vec<Stored>,
}

impl Blocks {
    /// No blocks yet; the genesis will be block `base`.
    pub(crate) fn starting_at(base: u64) -> Self {
        Self {
            base,
            stored: Vec::new(),
        }
    }

    fn index(&self, number: u64) -> Option<usize> {
        usize::try_from(number.checked_sub(self.base)?).ok()
    }

    /// The genesis's number (0 unless forked).
    pub(crate) fn first(&self) -> u64 {
        self.base
    }

    /// The newest block's number.
    pub(crate) fn newest(&self) -> u64 {
        self.base + self.stored.len().saturating_sub(1) as u64
    }

    pub(crate) fn len(&self) -> usize {
        self.stored.len()
    }

    pub(crate) fn push_full(&mut self, block: MinedBlock) {
        self.stored.push(Stored::Full(Box::new(block)));
    }

    pub(crate) fn push_empty(&mut self, block: EmptyBlock) {
        self.stored.push(Stored::Empty(block));
    }

    /// The hash of block `number`.
    pub(crate) fn hash(&self, number: u64) -> Option<B256> {
        Some(self.stored.get(self.index(number)?)?.hash())
    }

    /// Block `number` kept whole (`None` for an empty or absent one).
    pub(crate) fn full(&self, number: u64) -> Option<&MinedBlock> {
        match self.stored.get(self.index(number)?)? {
            Stored::Full(b) => Some(b),
            Stored::Empty(_) => None,
        }
    }

    /// The first block, kept whole.
    pub(crate) fn genesis(&self) -> Option<&MinedBlock> {
        self.full(self.base)
    }

    /// Block `number`, its header rebuilt if it is empty.
    pub(crate) fn get(&self, number: u64) -> Option<Cow<'_, MinedBlock>> {
        match self.stored.get(self.index(number)?)? {
            Stored::Full(b) => Some(Cow::Borrowed(b)),
            Stored::Empty(e) => Some(Cow::Owned(self.rebuild(number, e))),
        }
    }

    /// The number of the block with `hash` (newest first).
    pub(crate) fn number_of(&self, hash: B256) -> Option<u64> {
        self.stored
            .iter()
            .rposition(|b| b.hash() == hash)
            .map(|i| self.base + i as u64)
    }

    /// Removes the blocks from `number` on; returns the full ones removed.
    pub(crate) fn truncate(&mut self, number: usize) -> Vec<MinedBlock> {
        self.stored
            .drain(number.min(self.stored.len())..)
            .filter_map(|b| match b {
                Stored::Full(b) => Some(*b),
                Stored::Empty(_) => None,
            })
            .collect()
    }

    /// The full blocks after `number`, newest first (to undo their changes).
    pub(crate) fn full_after(&self, number: u64) -> impl Iterator<Item = &MinedBlock> {
        let from = self.index(number).map_or(
            if number < self.base {
                0
            } else {
                self.stored.len()
            },
            |n| n + 1,
        );
        self.stored[from.min(self.stored.len())..]
            .iter()
            .rev()
            .filter_map(|b| match b {
                Stored::Full(b) => Some(&**b),
                Stored::Empty(_) => None,
            })
    }

    /// The number of the newest full block (the genesis at least).
    pub(crate) fn last_full(&self) -> u64 {
        match self.stored.last() {
            Some(Stored::Empty(e)) => e.root_of,
            _ => self.newest(),
        }
    }

    fn rebuild(&self, number: u64, e: &EmptyBlock) -> MinedBlock {
        let parent = self.hash(number - 1).unwrap_or_default();
        let state_root = self
            .full(e.root_of)
            .map(|b| b.header.state_root)
            .unwrap_or_default();
        let template = self.genesis().map(|g| g.header.clone()).unwrap_or_default();
        let header = empty_header(
            &template,
            number,
            parent,
            state_root,
            e.timestamp,
            e.base_fee,
        );
        MinedBlock {
            header,
            hash: e.hash,
            transactions: Vec::new(),
            diff: Default::default(),
            undo: Default::default(),
        }
    }
}

/// The header of an empty block: the genesis header's shape (hardfork
/// fields, gas limit) with this block's place, time and base fee; the
/// state root of its parent, since nothing changed.
pub(crate) fn empty_header(
    genesis: &Header,
    number: u64,
    parent_hash: B256,
    state_root: B256,
    timestamp: u64,
    base_fee: u64,
) -> Header {
    Header {
        parent_hash,
        number,
        timestamp,
        state_root,
        extra_data: Default::default(),
        mix_hash: keccak256(number.to_be_bytes()),
        base_fee_per_gas: genesis.base_fee_per_gas.map(|_| base_fee),
        gas_used: 0,
        ..genesis.clone()
    }
}
