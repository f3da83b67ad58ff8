//! The transaction pool: per sender, ordered by nonce. Ready transactions
//! (no nonce gap) are mined; future ones wait for the gap to fill.

use std::collections::{BTreeMap, HashMap};

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_primitives::{Address, B256};

/// A transaction waiting to be mined.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PoolTx {
    /// The transaction.
    pub envelope: TxEnvelope,
    /// Its sender.
    pub sender: Address,
    /// Its hash.
    pub hash: B256,
}

impl PoolTx {
    /// Its nonce.
    pub fn nonce(&self) -> u64 {
        self.envelope.nonce()
    }

    /// Max fee per gas (gas price for legacy).
    pub fn max_fee(&self) -> u128 {
        self.envelope.max_fee_per_gas()
    }

    /// Max priority fee per gas (gas price for legacy).
    pub fn priority_fee(&self) -> u128 {
        self.envelope
            .max_priority_fee_per_gas()
            .unwrap_or_else(|| self.envelope.max_fee_per_gas())
    }
}

/// Why a transaction was not added.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// The very same transaction is already in the pool.
    AlreadyKnown,
    /// A transaction with this nonce is pending and the new one does not pay
    /// at least 10 % more.
    ReplacementUnderpriced,
}

/// Pending and queued transactions.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    by_sender: HashMap<Address, BTreeMap<u64, PoolTx>>,
    by_hash: HashMap<B256, (Address, u64)>,
    /// While a snapshot is live: each slot's value before each change, in
    /// order — what a revert puts back. A snapshot of the pool costs what
    /// changed after it, never a copy of the pool.
    undo: Option<Vec<PoolChange>>,
}

/// A pool slot (sender, nonce) as it was before a change.
#[derive(Clone, Debug)]
pub(crate) struct PoolChange {
    sender: Address,
    nonce: u64,
    was: Option<PoolTx>,
}

/// A replacement must raise both fees by this percentage (geth's default).
const PRICE_BUMP_PERCENT: u128 = 10;

impl Pool {
    /// Adds a transaction (validity against state is the caller's job).
    /// Returns the hash of a transaction it replaced.
    pub fn add(&mut self, tx: PoolTx) -> Result<Option<B256>, PoolError> {
        if self.by_hash.contains_key(&tx.hash) {
            return Err(PoolError::AlreadyKnown);
        }
        let queue = self.by_sender.entry(tx.sender).or_default();
        let replaced = match queue.get(&tx.nonce()) {
            Some(old) => {
                let enough = |new: u128, old: u128| new * 100 >= old * (100 + PRICE_BUMP_PERCENT);
                if !(enough(tx.max_fee(), old.max_fee())
                    && enough(tx.priority_fee(), old.priority_fee()))
                {
                    return Err(PoolError::ReplacementUnderpriced);
                }
                Some(old.hash)
            }
            None => None,
        };
        self.set(tx.sender, tx.nonce(), Some(tx));
        Ok(replaced)
    }

    /// The one way the pool changes: slot (sender, nonce) becomes `tx`;
    /// what it held is noted for a revert while a snapshot is live.
    fn set(&mut self, sender: Address, nonce: u64, tx: Option<PoolTx>) -> Option<PoolTx> {
        let was = self.put(sender, nonce, tx);
        if let Some(undo) = &mut self.undo {
            undo.push(PoolChange {
                sender,
                nonce,
                was: was.clone(),
            });
        }
        was
    }

    /// Writes a slot, keeping both indexes; its old value.
    fn put(&mut self, sender: Address, nonce: u64, tx: Option<PoolTx>) -> Option<PoolTx> {
        let queue = self.by_sender.entry(sender).or_default();
        let was = match tx {
            Some(tx) => {
                self.by_hash.insert(tx.hash, (sender, nonce));
                queue.insert(nonce, tx)
            }
            None => queue.remove(&nonce),
        };
        if queue.is_empty() {
            self.by_sender.remove(&sender);
        }
        if let Some(old) = &was
            && self.by_hash.get(&old.hash) == Some(&(sender, nonce))
            && self
                .get_at(sender, nonce)
                .is_none_or(|now| now.hash != old.hash)
        {
            self.by_hash.remove(&old.hash);
        }
        was
    }

    fn get_at(&self, sender: Address, nonce: u64) -> Option<&PoolTx> {
        self.by_sender.get(&sender)?.get(&nonce)
    }

    /// Starts noting changes for a new snapshot; the changes noted for the
    /// one before it (`None` when there was none).
    pub(crate) fn begin_snapshot(&mut self) -> Option<Vec<PoolChange>> {
        self.undo.replace(Vec::new())
    }

    /// Puts back what `changes` changed (newest last), without noting it.
    pub(crate) fn undo_changes(&mut self, changes: Vec<PoolChange>) {
        for change in changes.into_iter().rev() {
            self.put(change.sender, change.nonce, change.was);
        }
    }

    /// What is noted from now on: the changes the newest live snapshot
    /// holds so far, or nothing when no snapshot is live.
    pub(crate) fn resume_noting(&mut self, noted: Option<Vec<PoolChange>>) {
        self.undo = noted;
    }

    /// The changes noted since the newest snapshot.
    pub(crate) fn take_noted(&mut self) -> Vec<PoolChange> {
        self.undo.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Changes noted for live snapshots (what they cost).
    pub(crate) fn noted(&self) -> usize {
        self.undo.as_ref().map_or(0, Vec::len)
    }

    /// The next nonce of `sender` counting its contiguous pending transactions
    /// from `state_nonce`.
    pub fn pending_nonce(&self, sender: Address, state_nonce: u64) -> u64 {
        let mut next = state_nonce;
        if let Some(queue) = self.by_sender.get(&sender) {
            while queue.contains_key(&next) {
                next += 1;
            }
        }
        next
    }

    /// Ready transactions (each sender's run of nonces from its state nonce),
    /// highest tip first across senders, nonce order within one.
    pub fn ready(&self, state_nonce: impl Fn(Address) -> u64) -> Vec<PoolTx> {
        let mut runs: Vec<Vec<PoolTx>> = self
            .by_sender
            .iter()
            .map(|(sender, queue)| {
                let mut next = state_nonce(*sender);
                let mut run = Vec::new();
                while let Some(tx) = queue.get(&next) {
                    run.push(tx.clone());
                    next += 1;
                }
                run
            })
            .filter(|run| !run.is_empty())
            .collect();
        // Deterministic order: tip, then sender.
        runs.sort_by(|a, b| {
            b[0].priority_fee()
                .cmp(&a[0].priority_fee())
                .then(a[0].sender.cmp(&b[0].sender))
        });
        let mut out = Vec::new();
        let mut cursors = vec![0usize; runs.len()];
        loop {
            let mut progressed = false;
            for (run, cursor) in runs.iter().zip(cursors.iter_mut()) {
                if let Some(tx) = run.get(*cursor) {
                    out.push(tx.clone());
                    *cursor += 1;
                    progressed = true;
                }
            }
            if !progressed {
                return out;
            }
        }
    }

    /// Removes a transaction by hash.
    pub fn remove(&mut self, hash: &B256) -> Option<PoolTx> {
        let (sender, nonce) = *self.by_hash.get(hash)?;
        self.set(sender, nonce, None)
    }

    /// Drops transactions whose nonce the chain has passed.
    pub fn prune(&mut self, state_nonce: impl Fn(Address) -> u64) {
        let stale: Vec<B256> = self
            .by_sender
            .iter()
            .flat_map(|(sender, q)| {
                let floor = state_nonce(*sender);
                q.values()
                    .filter(move |t| t.nonce() < floor)
                    .map(|t| t.hash)
            })
            .collect();
        for hash in stale {
            self.remove(&hash);
        }
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        let all: Vec<(Address, u64)> = self.by_hash.values().copied().collect();
        for (sender, nonce) in all {
            self.set(sender, nonce, None);
        }
    }

    /// A transaction by hash.
    pub fn get(&self, hash: &B256) -> Option<&PoolTx> {
        let (sender, nonce) = self.by_hash.get(hash)?;
        self.by_sender.get(sender)?.get(nonce)
    }

    /// All transactions, split into pending (ready) and queued (future).
    pub fn content(&self, state_nonce: impl Fn(Address) -> u64) -> (Vec<PoolTx>, Vec<PoolTx>) {
        let mut pending = Vec::new();
        let mut queued = Vec::new();
        for (sender, queue) in &self.by_sender {
            let mut next = state_nonce(*sender);
            for (nonce, tx) in queue {
                if *nonce == next {
                    pending.push(tx.clone());
                    next += 1;
                } else {
                    queued.push(tx.clone());
                }
            }
        }
        (pending, queued)
    }

    /// Number of transactions.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}
