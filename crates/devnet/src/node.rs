//! A running dev chain: the [`Chain`] behind a lock, its durable log, and the
//! events (new blocks, pending transactions) that subscriptions follow.

use std::{path::PathBuf, sync::Arc, time::Duration};

use alloy_primitives::B256;
use parking_lot::{Mutex, RwLock};
use slipway_config::{DevnetSettings, Hardfork};
use slipway_evm::{ForkFactory, Upstream};
use tokio::sync::broadcast;

use slipway_keys::derive_accounts;

use crate::{
    Chain, ChainRecord, DevnetError, ForkOrigin, GenesisSpec, MinedBlock, Result, store::Store,
};

/// How blocks are produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mining {
    /// A block per transaction, at once.
    Auto,
    /// A block every interval (with whatever is pending, possibly nothing).
    Interval(Duration),
    /// Only on `evm_mine`.
    Manual,
}

/// Settings of a node.
#[derive(Clone, Debug)]
pub struct NodeSettings {
    /// The chain's parameters.
    pub devnet: DevnetSettings,
    /// EVM rules.
    pub hardfork: Hardfork,
    /// Where the chain is kept; `None` keeps it in memory only.
    pub state_dir: Option<PathBuf>,
    /// Discard any existing state first.
    pub fresh: bool,
    /// Block production.
    pub mining: Mining,
    /// This process, as others refused the state lock are told.
    pub owner: slipway_log::Owner,
    /// A remote chain to fork (a new chain), or to stand on again (a kept
    /// chain that forks one); it is opened through `forks`.
    pub fork: Option<NodeFork>,
    /// Opens remote chains (the binary fills it with the chain layer's):
    /// for `fork`, and for `hardhat_reset` / `anvil_reset` with forking
    /// parameters.
    pub forks: Option<Arc<dyn ForkFactory>>,
}

/// What a node forks.
#[derive(Clone, Debug)]
pub struct NodeFork {
    /// The remote as the user named it: a URL, an environment, an
    /// `[rpc_endpoints]` alias.
    pub source: String,
    /// The block to fork (the head when `None`); a kept chain stands on
    /// the block its genesis names.
    pub block: Option<u64>,
}

impl NodeFork {
    /// What the genesis records of the source: a name as it is, a URL's
    /// host only (its path or query may hold a key).
    fn label(&self) -> String {
        match self.source.split_once("://") {
            Some((_, rest)) => rest
                .split(['/', '?', '@'])
                .next()
                .unwrap_or_default()
                .to_owned(),
            None => self.source.clone(),
        }
    }

    /// Opens the remote at `block` through `forks`, checking that it
    /// still has `hash` there when the chain was made on it.
    fn open(
        &self,
        forks: Option<&Arc<dyn ForkFactory>>,
        block: Option<u64>,
        hash: Option<B256>,
    ) -> Result<Arc<dyn Upstream>> {
        let forks = forks.ok_or_else(|| {
            DevnetError::Rejected(
                "this node was started without a way to reach remote chains".into(),
            )
        })?;
        let upstream = forks
            .fork(&self.source, block)
            .map_err(|e| DevnetError::Rejected(e.to_string()))?;
        if let Some(hash) = hash
            && upstream.block().hash != hash
        {
            return Err(DevnetError::Rejected(format!(
                "the chain forks block {} with hash {hash:#x}, but {} now has {:#x} there (a reorganisation?): start it over with --fresh",
                upstream.block().number,
                self.label(),
                upstream.block().hash
            )));
        }
        Ok(upstream)
    }
}

/// Something that happened on the chain.
#[derive(Clone, Debug)]
pub enum Event {
    /// A block was mined.
    Block(Arc<MinedBlock>),
    /// A transaction entered the pool.
    Pending(B256),
    /// The chain went back (revert, rollback): filters restart from here.
    Rewound(u64),
    /// The owner lock was lost: the node writes nothing more and must
    /// stop (why, in words).
    LockLost(String),
}

enum Log {
    File {
        store: Box<Mutex<Store>>,
        sync: Box<Mutex<(slipway_log::SyncHandle, u64)>>,
    },
    Memory(Mutex<Vec<ChainRecord>>),
}

/// A running chain.
pub struct Node {
    chain: RwLock<Chain>,
    log: Log,
    events: broadcast::Sender<Event>,
    /// Mining mode chosen at start (interval mining runs in the server).
    pub mining: Mining,
    /// Whether it forks a remote chain (whose reads can be slow).
    forked: std::sync::atomic::AtomicBool,
    /// Opens remote chains (for a reset onto a fork).
    forks: Option<Arc<dyn ForkFactory>>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("mining", &self.mining)
            .finish_non_exhaustive()
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Node {
    /// Opens (or creates) a chain.
    pub fn open(settings: &NodeSettings) -> Result<Arc<Self>> {
        let accounts = derive_accounts(&settings.devnet.mnemonic, settings.devnet.accounts)?;
        let addresses: Vec<_> = accounts.iter().map(|a| a.address).collect();
        let wanted = GenesisSpec::new(&settings.devnet, settings.hardfork, &addresses, now());
        // A new chain on a fork: the remote at the block asked for.
        let fresh_fork = || -> Result<(GenesisSpec, Option<Arc<dyn Upstream>>)> {
            let Some(fork) = &settings.fork else {
                return Ok((wanted.clone(), None));
            };
            let upstream = fork.open(settings.forks.as_ref(), fork.block, None)?;
            let origin = ForkOrigin {
                source: fork.label(),
                block: upstream.block().clone(),
            };
            Ok((wanted.clone().forking(origin), Some(upstream)))
        };
        let (chain, log) = match &settings.state_dir {
            None => {
                let (genesis, upstream) = fresh_fork()?;
                let mut chain = Chain::new_on(genesis, accounts, upstream);
                let records = chain.take_unsaved();
                (chain, Log::Memory(Mutex::new(records)))
            }
            Some(dir) => {
                let owner = slipway_log::Owner {
                    chain_id: Some(settings.devnet.chain_id),
                    ..settings.owner.clone()
                };
                let started = std::time::Instant::now();
                let (mut store, records) = Store::open(dir, &owner, settings.fresh)?;
                let read = started.elapsed();
                let chain = if records.is_empty() {
                    let (genesis, upstream) = fresh_fork()?;
                    let mut chain = Chain::new_on(genesis, accounts, upstream);
                    let genesis = chain.take_unsaved();
                    store.append(&genesis)?;
                    chain
                } else {
                    let count = records.len();
                    let kept = match records.first() {
                        Some(ChainRecord::Genesis(genesis)) => genesis.fork.clone(),
                        _ => None,
                    };
                    let upstream = stand_again(settings, kept.as_deref(), dir)?;
                    let chain =
                        Chain::replay_on(records, accounts, upstream).map_err(|e| e.in_dir(dir))?;
                    if kept.is_none() {
                        check_compatible(chain.genesis(), &wanted, dir)?;
                    }
                    tracing::debug!(
                        records = count,
                        read = ?read,
                        replayed = ?started.elapsed() - read,
                        "dev chain opened"
                    );
                    chain
                };
                let handle = store.sync_handle()?;
                handle.sync()?;
                let written = chain.records_len();
                (
                    chain,
                    Log::File {
                        store: Box::new(Mutex::new(store)),
                        sync: Box::new(Mutex::new((handle, written))),
                    },
                )
            }
        };
        let mut chain = chain;
        chain.automine = settings.mining == Mining::Auto;
        let (events, _) = broadcast::channel(EVENTS);
        Ok(Arc::new(Self {
            forked: chain.upstream().is_some().into(),
            forks: settings.forks.clone(),
            chain: RwLock::new(chain),
            log,
            events,
            mining: settings.mining,
        }))
    }

    /// Whether it forks a remote chain: its reads may wait on the remote,
    /// so none is answered on the async threads.
    pub fn is_forked(&self) -> bool {
        self.forked.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Reads the chain.
    pub fn read<R>(&self, f: impl FnOnce(&Chain) -> R) -> R {
        f(&self.chain.read())
    }

    /// Changes the chain; returns once the change is durable.
    pub fn write<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> Result<R> {
        self.write_holding(f, None)
    }

    /// As [`Self::write`], but empty blocks are logged only once `batch`
    /// of them wait (interval mining: an idle day stays a few hundred
    /// records; a crash loses at most `batch` empty blocks, never a
    /// transaction).
    pub fn write_holding_empty<R>(
        &self,
        batch: usize,
        f: impl FnOnce(&mut Chain) -> R,
    ) -> Result<R> {
        self.write_holding(f, Some(batch))
    }

    fn write_holding<R>(&self, f: impl FnOnce(&mut Chain) -> R, batch: Option<usize>) -> Result<R> {
        let (result, written, events) = {
            let mut chain = self.chain.write();
            let head_before = chain.head().header.number;
            let result = f(&mut chain);
            let records = match batch {
                Some(batch) => chain.take_unsaved_holding_empty(batch),
                None => chain.take_unsaved(),
            };
            let mut events = events_of(&records, head_before);
            events.extend(self.block_events(&mut chain));
            let written = match self.append(&records) {
                Err(DevnetError::Log(lost @ slipway_log::LogError::LockLost { .. })) => {
                    let why = lost.to_string();
                    tracing::error!("{why}");
                    let _ = self.events.send(Event::LockLost(why));
                    return Err(DevnetError::Log(lost));
                }
                other => other?,
            };
            for (hash, lines) in chain.take_console() {
                for line in lines {
                    tracing::info!(target: "slipway::console", tx = %hash, "{line}");
                }
            }
            (result, written, events)
        };
        self.sync(written)?;
        for event in events {
            let _ = self.events.send(event);
        }
        Ok(result)
    }

    /// Events for the blocks just mined, for subscribers: only the newest
    /// that the channel can hold (`anvil_mine 100000` must not build
    /// 100,000 blocks in memory for a subscriber that lags anyway).
    fn block_events(&self, chain: &mut Chain) -> Vec<Event> {
        let mined = chain.take_mined();
        if self.events.receiver_count() == 0 {
            return Vec::new();
        }
        let skip = mined.len().saturating_sub(EVENTS);
        mined[skip..]
            .iter()
            .filter_map(|n| chain.block(*n))
            .map(|b| Event::Block(Arc::new(b.into_owned())))
            .collect()
    }

    /// Logs whatever the chain holds back (empty interval blocks waiting
    /// for their batch) and makes it durable: for a node that stops.
    pub fn flush(&self) -> Result<()> {
        self.write(|_| ())
    }

    /// Subscribes to chain events.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Tells subscribers a transaction entered the pool.
    pub fn announce_pending(&self, hash: B256) {
        let _ = self.events.send(Event::Pending(hash));
    }

    fn append(&self, records: &[ChainRecord]) -> Result<u64> {
        match &self.log {
            Log::File { store, .. } => store.lock().append(records),
            Log::Memory(all) => {
                let mut all = all.lock();
                all.extend_from_slice(records);
                Ok(all.len() as u64)
            }
        }
    }

    /// Group commit: one fsync covers every append made before it.
    fn sync(&self, written: u64) -> Result<()> {
        let Log::File { sync, .. } = &self.log else {
            return Ok(());
        };
        let mut synced = sync.lock();
        if synced.1 >= written {
            return Ok(());
        }
        synced.0.sync()?;
        // Everything appended before this fsync began is now durable.
        synced.1 = written.max(synced.1);
        Ok(())
    }

    /// Records in the state directory's owner record that the chain is
    /// served at `url`; a chain kept in memory has no record.
    pub fn serving(&self, url: &str) -> Result<()> {
        match &self.log {
            Log::File { store, .. } => store.lock().set_url(url),
            Log::Memory(_) => Ok(()),
        }
    }

    /// `hardhat_reset`: back to the genesis — every block, pooled
    /// transaction, snapshot and clock change gone (logged as a rewind, so
    /// a restart agrees).
    pub fn reset(&self) -> Result<()> {
        let after = self.read(|c| c.head().header.number - c.first_block());
        if after > 0 {
            self.rollback(after)?;
        }
        self.write(Chain::drop_all_transactions)
    }

    /// `hardhat_reset` / `anvil_reset` with forking parameters: a new chain
    /// on `fork` (the dev accounts as before), in place of this one, whose
    /// records are discarded.
    pub fn refork(&self, fork: &NodeFork) -> Result<()> {
        // The remote is reached before the chain is locked: a slow remote
        // holds no one up.
        let upstream = fork.open(self.forks.as_ref(), fork.block, None)?;
        let written = {
            let mut chain = self.chain.write();
            let origin = ForkOrigin {
                source: fork.label(),
                block: upstream.block().clone(),
            };
            let genesis = GenesisSpec {
                nonce: crate::genesis::unique_nonce(),
                fork: None,
                ..chain.genesis().clone()
            }
            .forking(origin);
            let mut fresh = Chain::new_on(genesis, chain.accounts().to_vec(), Some(upstream));
            fresh.automine = chain.automine;
            let records = fresh.take_unsaved();
            let written = match &self.log {
                Log::File { store, sync } => {
                    let mut store = store.lock();
                    store.start_over()?;
                    let written = store.append(&records)?;
                    *sync.lock() = (store.sync_handle()?, 0);
                    written
                }
                Log::Memory(all) => {
                    *all.lock() = records.clone();
                    records.len() as u64
                }
            };
            *chain = fresh;
            self.forked
                .store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = self.events.send(Event::Rewound(chain.head().header.number));
            written
        };
        self.sync(written)
    }

    /// Removes the last `depth` blocks (state as after the block before them).
    pub fn rollback(&self, depth: u64) -> Result<u64> {
        let written = {
            let mut chain = self.chain.write();
            let head = chain.head().header.number;
            let after = head - chain.first_block();
            if depth == 0 || depth > after {
                return Err(DevnetError::Rejected(format!(
                    "cannot roll back {depth} blocks: the chain has {after} after genesis"
                )));
            }
            let target = head - depth;
            // Empty blocks held back are logged first: the rewind counts them.
            let held = chain.take_unsaved();
            self.append(&held)?;
            let records = match &self.log {
                Log::File { store, .. } => store.lock().read_all()?,
                Log::Memory(all) => all.lock().clone(),
            };
            let cut = cut_at_block(&records, target)?.ok_or(DevnetError::Inconsistent {
                dir: None,
                problem: crate::error::Inconsistency::MissingBlock(target),
            })?;
            let (keep, kept_runs) = match cut {
                Cut::At(keep) => (keep, None),
                Cut::Within { before, runs } => (before, Some(runs)),
            };
            let accounts = chain.accounts().to_vec();
            let automine = chain.automine;
            let upstream = chain.upstream().cloned();
            let mut rebuilt = Chain::replay_on(records[..=keep].to_vec(), accounts, upstream)?;
            rebuilt.automine = automine;
            let rewind = ChainRecord::Rewind {
                to_record: keep as u64,
            };
            *chain = rebuilt;
            let mut total = self.append(std::slice::from_ref(&rewind))?;
            chain.set_records_len(total);
            // The target sits inside a run of empty blocks: the run's part
            // up to it comes back as a record of its own.
            if let Some(runs) = kept_runs {
                chain.push_empty_runs(runs);
                let again = chain.take_unsaved();
                total = self.append(&again)?;
                chain.set_records_len(total);
            }
            let _ = self.events.send(Event::Rewound(target));
            total
        };
        self.sync(written)?;
        Ok(written)
    }
}

/// Where the chain is cut to end at a block.
#[derive(Debug, PartialEq, Eq)]
enum Cut {
    /// After this live record, which appended the block.
    At(usize),
    /// After this live record, then the first blocks of the run of empty
    /// blocks that follows it, up to the target (these runs).
    Within { before: usize, runs: Vec<[u64; 3]> },
}

/// The remote a kept chain stands on again: the block its genesis names,
/// with the same hash, reached as `fork` says. A chain that forks nothing
/// cannot start forking, nor the other way round.
fn stand_again(
    settings: &NodeSettings,
    kept: Option<&ForkOrigin>,
    dir: &std::path::Path,
) -> Result<Option<Arc<dyn Upstream>>> {
    match (settings.fork.as_ref(), kept) {
        (None, None) => Ok(None),
        (Some(fork), Some(origin)) => {
            if let Some(asked) = fork.block.filter(|n| *n != origin.block.number) {
                return Err(DevnetError::Rejected(format!(
                    "the chain in {} forks block {}, not {asked}: add --fresh to fork another block",
                    dir.display(),
                    origin.block.number
                )));
            }
            Ok(Some(fork.open(
                settings.forks.as_ref(),
                Some(origin.block.number),
                Some(origin.block.hash),
            )?))
        }
        (None, Some(origin)) => Err(DevnetError::Rejected(format!(
            "the chain in {} forks {} at block {}: start it with --fork-url {} (or --fresh for a chain of its own)",
            dir.display(),
            origin.source,
            origin.block.number,
            origin.source
        ))),
        (Some(fork), None) => Err(DevnetError::SettingsChanged {
            dir: dir.to_path_buf(),
            what: "fork",
            have: "none".into(),
            want: fork.label(),
        }),
    }
}

/// How to cut the live records to end at block `number` (genesis is record
/// 0). Blocks a rewind undid are not live, even when newer. A block inside
/// a run of empty blocks (`anvil_mine`, interval mining) is found too.
fn cut_at_block(records: &[ChainRecord], number: u64) -> Result<Option<Cut>> {
    let live = crate::chain::live_records(records)?;
    let mut next = 0u64;
    for (position, &i) in live.iter().enumerate() {
        match &records[i] {
            ChainRecord::Genesis(genesis) => {
                let first = genesis.fork.as_ref().map_or(0, |f| f.block.number);
                if number == first {
                    return Ok(Some(Cut::At(i)));
                }
                next = first + 1;
            }
            ChainRecord::Block(b) => {
                if b.header.number == number {
                    return Ok(Some(Cut::At(i)));
                }
                next = b.header.number + 1;
            }
            ChainRecord::EmptyBlocks(runs) => {
                let total: u64 = runs.iter().map(|r| r[2]).sum();
                if number >= next && number < next + total {
                    if number == next + total - 1 {
                        return Ok(Some(Cut::At(i)));
                    }
                    let Some(&before) = position.checked_sub(1).and_then(|p| live.get(p)) else {
                        return Ok(None);
                    };
                    let mut wanted = number - next + 1;
                    let mut kept = Vec::new();
                    for &[first, step, count] in runs {
                        if wanted == 0 {
                            break;
                        }
                        let take = count.min(wanted);
                        kept.push([first, step, take]);
                        wanted -= take;
                    }
                    return Ok(Some(Cut::Within { before, runs: kept }));
                }
                next += total;
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Events a subscriber hears before the blocks mined: a rewind.
fn events_of(records: &[ChainRecord], head_before: u64) -> Vec<Event> {
    records
        .iter()
        .filter(|r| matches!(r, ChainRecord::Rewind { .. }))
        .map(|_| Event::Rewound(head_before))
        .collect()
}

/// Events the channel holds for a lagging subscriber.
const EVENTS: usize = 1024;

fn check_compatible(have: &GenesisSpec, want: &GenesisSpec, dir: &std::path::Path) -> Result<()> {
    let mismatch = |what: &'static str, have: String, want: String| {
        Err(DevnetError::SettingsChanged {
            dir: dir.to_path_buf(),
            what,
            have,
            want,
        })
    };
    if have.chain_id != want.chain_id {
        return mismatch(
            "chain id",
            have.chain_id.to_string(),
            want.chain_id.to_string(),
        );
    }
    if have.hardfork != want.hardfork {
        return mismatch(
            "hardfork",
            format!("{:?}", have.hardfork),
            format!("{:?}", want.hardfork),
        );
    }
    if have.gas_limit != want.gas_limit {
        return mismatch(
            "gas limit",
            have.gas_limit.to_string(),
            want.gas_limit.to_string(),
        );
    }
    Ok(())
}
