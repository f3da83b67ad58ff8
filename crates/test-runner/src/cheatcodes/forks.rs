//! Forks of live networks inside a test, as forge's fork cheatcodes make
//! them: `createFork`, `selectFork`, `rollFork`, `activeFork`, persistent
//! accounts and `rpcUrl`. Each fork is a world of its own — the state's
//! cache over a remote read lazily at its block, the accounts the running
//! transaction loaded, and the block — and selecting one swaps the whole
//! world in place, carrying the persistent accounts (the test contract,
//! its caller, the cheatcode address, and those a test names) across.
//!
//! Remote chains come from a [`ForkPool`], which the caller fills with a
//! fork factory (the binary gives the chain layer's); forks opened once
//! are shared by every test of the run.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use alloy_primitives::{Address, U256};
use revm::{
    context::{BlockEnv, JournalEntry},
    database::CacheDB,
    state::EvmState,
};
use slipway_evm::{Backing, Db, ForkBlock, ForkFactory, Upstream};

use super::{CHEATCODE_ADDRESS, TestContext};

/// Forks opened, by source and block.
type Opened = HashMap<(String, Option<u64>), Arc<dyn Upstream>>;

/// The remote chains a run's tests fork, opened once each.
pub struct ForkPool {
    factory: Arc<dyn ForkFactory>,
    opened: Mutex<Opened>,
}

impl std::fmt::Debug for ForkPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForkPool").finish_non_exhaustive()
    }
}

impl ForkPool {
    /// Forks opened through `factory`.
    pub fn new(factory: Arc<dyn ForkFactory>) -> Self {
        Self {
            factory,
            opened: Mutex::default(),
        }
    }

    /// `source` (a URL or an alias) at `block` (its head when `None`).
    pub fn open(&self, source: &str, block: Option<u64>) -> Result<Arc<dyn Upstream>, String> {
        let key = (source.to_owned(), block);
        if let Some(open) = self.opened.lock().ok().and_then(|o| o.get(&key).cloned()) {
            return Ok(open);
        }
        let opened = self.factory.fork(source, block).map_err(|e| e.0)?;
        if let Ok(mut all) = self.opened.lock() {
            all.entry(key).or_insert_with(|| Arc::clone(&opened));
        }
        Ok(opened)
    }

    /// The URL an alias names (`vm.rpcUrl`).
    pub fn url(&self, alias: &str) -> Result<String, String> {
        self.factory.url(alias).map_err(|e| e.0)
    }
}

/// Everything a fork is while another one runs.
#[derive(Clone, Debug)]
struct World {
    db: Db,
    state: EvmState,
    block: BlockEnv,
    chain_id: u64,
}

/// A fork a test created.
#[derive(Clone, Debug)]
struct Slot {
    source: String,
    upstream: Arc<dyn Upstream>,
    /// Its world while it is not the active one (`None`: not entered yet).
    world: Option<World>,
}

/// The forks of one test run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Forks {
    slots: Vec<Slot>,
    active: Option<usize>,
    /// The world of no fork while a fork is active.
    base: Option<World>,
    persistent: HashSet<Address>,
}

/// The block environment of `fork`'s block, the rest as `current`.
fn block_env(fork: &ForkBlock, current: &BlockEnv) -> BlockEnv {
    BlockEnv {
        number: U256::from(fork.number),
        timestamp: U256::from(fork.timestamp),
        basefee: fork.base_fee,
        beneficiary: fork.coinbase,
        prevrandao: Some(fork.prevrandao),
        ..current.clone()
    }
}

/// A fork's world before anything was read from it.
fn fresh(upstream: &Arc<dyn Upstream>, current: &BlockEnv) -> World {
    World {
        db: CacheDB::new(Backing::remote(Arc::clone(upstream) as _)),
        state: EvmState::default(),
        block: block_env(upstream.block(), current),
        chain_id: upstream.block().chain_id,
    }
}

/// The accounts a journal entry names.
fn named(entry: &JournalEntry) -> [Option<Address>; 2] {
    match entry {
        JournalEntry::BalanceTransfer { from, to, .. } => [Some(*from), Some(*to)],
        JournalEntry::AccountDestroyed {
            address, target, ..
        } => [Some(*address), Some(*target)],
        JournalEntry::AccountWarmed { address }
        | JournalEntry::AccountTouched { address }
        | JournalEntry::BalanceChange { address, .. }
        | JournalEntry::NonceChange { address, .. }
        | JournalEntry::NonceBump { address }
        | JournalEntry::AccountCreated { address, .. }
        | JournalEntry::StorageChanged { address, .. }
        | JournalEntry::StorageWarmed { address, .. }
        | JournalEntry::TransientStorageChange { address, .. }
        | JournalEntry::CodeChange { address, .. } => [Some(*address), None],
    }
}

impl Forks {
    /// A run that starts on `upstream` (`--fork-url`): fork 0, active.
    pub(crate) fn started(source: &str, upstream: Arc<dyn Upstream>) -> Self {
        Self {
            slots: vec![Slot {
                source: source.to_owned(),
                upstream,
                world: None,
            }],
            active: Some(0),
            ..Self::default()
        }
    }

    /// The active fork.
    pub(crate) fn active(&self) -> Option<usize> {
        self.active
    }

    /// A new fork; its id.
    pub(crate) fn create(&mut self, source: &str, upstream: Arc<dyn Upstream>) -> usize {
        self.slots.push(Slot {
            source: source.to_owned(),
            upstream,
            world: None,
        });
        self.slots.len() - 1
    }

    /// Marks `account` persistent: it crosses from fork to fork.
    pub(crate) fn make_persistent(&mut self, account: Address) {
        self.persistent.insert(account);
    }

    /// `account` stays with each fork from now on.
    pub(crate) fn revoke_persistent(&mut self, account: Address) {
        self.persistent.remove(&account);
    }

    /// Whether `account` crosses from fork to fork.
    pub(crate) fn is_persistent(&self, account: Address) -> bool {
        self.persistent.contains(&account)
    }

    /// Makes fork `id` the active one.
    pub(crate) fn select(&mut self, ctx: &mut TestContext<'_>, id: usize) -> Result<(), String> {
        let slot = self
            .slots
            .get_mut(id)
            .ok_or_else(|| format!("vm.selectFork: there is no fork {id}"))?;
        if self.active == Some(id) {
            return Ok(());
        }
        let world = match slot.world.take() {
            Some(world) => world,
            None => fresh(&slot.upstream, &ctx.block),
        };
        let left = self.enter(ctx, world);
        match self.active {
            Some(active) => self.slots[active].world = Some(left),
            None => self.base = Some(left),
        }
        self.active = Some(id);
        Ok(())
    }

    /// Moves fork `id` (the active one when `None`) to `block` of its
    /// chain: its state from then on is the remote's there, persistent
    /// accounts aside.
    pub(crate) fn roll(
        &mut self,
        ctx: &mut TestContext<'_>,
        pool: &ForkPool,
        id: Option<usize>,
        block: u64,
    ) -> Result<(), String> {
        let id = id
            .or(self.active)
            .ok_or("vm.rollFork: no fork is active (create one with vm.createSelectFork)")?;
        let slot = self
            .slots
            .get_mut(id)
            .ok_or_else(|| format!("vm.rollFork: there is no fork {id}"))?;
        slot.upstream = pool.open(&slot.source, Some(block))?;
        slot.world = None;
        if self.active == Some(id) {
            let world = fresh(&self.slots[id].upstream, &ctx.block);
            self.enter(ctx, world);
        }
        Ok(())
    }

    /// Puts `world` in place of the running one, which is returned, and
    /// carries the persistent accounts over.
    fn enter(&self, ctx: &mut TestContext<'_>, mut world: World) -> World {
        let journal = &mut ctx.journaled_state;
        std::mem::swap(&mut *journal.database, &mut world.db);
        std::mem::swap(&mut journal.inner.state, &mut world.state);
        let left = World {
            db: world.db,
            state: world.state,
            block: std::mem::replace(&mut ctx.block, world.block),
            chain_id: std::mem::replace(&mut ctx.cfg.chain_id, world.chain_id),
        };
        let db: &mut Db = &mut *journal.database;
        let carried = self
            .persistent
            .iter()
            .copied()
            .chain(std::iter::once(CHEATCODE_ADDRESS));
        for account in carried {
            if let Some(kept) = left.db.cache.accounts.get(&account) {
                if let Some(code) = left.db.cache.contracts.get(&kept.info.code_hash) {
                    db.cache.contracts.insert(kept.info.code_hash, code.clone());
                }
                db.cache.accounts.insert(account, kept.clone());
            }
            if let Some(loaded) = left.state.get(&account) {
                journal.inner.state.insert(account, loaded.clone());
            }
        }
        // The cheatcode address is in every world's journal (the entries
        // below fall back on it).
        let _ = revm::context_interface::journaled_state::JournalTr::load_account(
            &mut ctx.journaled_state,
            CHEATCODE_ADDRESS,
        );
        let journal = &mut ctx.journaled_state;
        // What the running transaction did before the switch names
        // accounts of the other world: a revert would look for them here.
        // It undoes nothing of this world, so such entries become no-ops
        // on the cheatcode address, which every world holds.
        let state = &journal.inner.state;
        let foreign = |entry: &JournalEntry| {
            named(entry)
                .into_iter()
                .flatten()
                .any(|address| !state.contains_key(&address))
        };
        let harmless = JournalEntry::AccountTouched {
            address: CHEATCODE_ADDRESS,
        };
        let fixed: Vec<JournalEntry> = journal
            .inner
            .journal
            .iter()
            .map(|entry| {
                if foreign(entry) {
                    harmless.clone()
                } else {
                    entry.clone()
                }
            })
            .collect();
        journal.inner.journal = fixed;
        left
    }

    /// After `setUp`: what each inactive world's transaction did is made
    /// part of its state, as the active world's was by the commit.
    pub(crate) fn commit_inactive(&mut self) {
        use revm::database_interface::DatabaseCommit;
        let worlds = self
            .slots
            .iter_mut()
            .filter_map(|slot| slot.world.as_mut())
            .chain(self.base.as_mut());
        for world in worlds {
            let changes = std::mem::take(&mut world.state);
            world.db.commit(changes);
        }
    }
}
