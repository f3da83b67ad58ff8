//! Fork mode's remote side: a live chain read lazily at a pinned block,
//! behind slipway-evm's [`RemoteState`]. The block is pinned by hash when
//! the fork opens; accounts, code, slots and block hashes are fetched on
//! first touch by one long-lived thread that batches them (`fetch.rs`), and
//! kept on disk by chain id and block hash (`cache.rs`), so a second run
//! makes no remote request for what it already read. Nothing is ever sent
//! to the remote: it is only read.

mod cache;
mod factory;
mod fetch;

pub use factory::{FORK_CACHE_DIR, Forks};

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    time::Duration,
};

use alloy_primitives::{Address, B256, U64, U256};
use parking_lot::RwLock;
use serde_json::{Value, json};
use slipway_config::RpcUrl;
use slipway_evm::{ForkBlock, RemoteAccount, RemoteError, RemoteState, Upstream};

use cache::{DiskCache, Fact, Known};
use fetch::{Job, Query, Serving};

use crate::{ProviderError, Providers};

/// How long one request to the remote may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Which block to fork.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForkAt {
    /// This block number.
    Number(u64),
    /// The head.
    Latest,
    /// The newest finalized block, or the head less `confirmations` where
    /// the provider does not serve the `finalized` tag.
    Finalized {
        /// Blocks behind the head when `finalized` is not served.
        confirmations: u64,
    },
}

/// Why a fork could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ForkError {
    /// The connection could not be set up.
    #[error(transparent)]
    Net(#[from] slipway_net::NetError),
    /// The remote did not answer.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The block asked for does not exist there.
    #[error("cannot fork at block {asked}: the remote's head is {head}")]
    NoBlock {
        /// The block asked for.
        asked: u64,
        /// The remote's head.
        head: u64,
    },
    /// The remote's block did not read.
    #[error("the remote sent a block without {0}")]
    BadBlock(&'static str),
    /// The fetch thread could not start.
    #[error("cannot start the fork's fetch thread: {0}")]
    Thread(#[source] std::io::Error),
    /// The cache could not be read.
    #[error("cannot read the fork cache {}: {source}", path.display())]
    Cache {
        /// Its file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A remote chain at a pinned block.
pub struct Fork {
    point: ForkBlock,
    known: RwLock<Known>,
    jobs: Mutex<mpsc::Sender<Job>>,
    requests: Arc<AtomicU64>,
    cache_file: Option<PathBuf>,
}

impl std::fmt::Debug for Fork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fork")
            .field("point", &self.point)
            .finish_non_exhaustive()
    }
}

/// What pinning needs of a block.
fn read_point(chain_id: u64, block: &Value) -> Result<ForkBlock, ForkError> {
    let quantity = |name: &'static str| {
        block
            .get(name)
            .and_then(fetch::quantity)
            .ok_or(ForkError::BadBlock(name))
    };
    let hash = |name: &'static str| {
        block
            .get(name)
            .and_then(|v| serde_json::from_value::<B256>(v.clone()).ok())
    };
    Ok(ForkBlock {
        chain_id,
        number: quantity("number")?,
        hash: hash("hash").ok_or(ForkError::BadBlock("hash"))?,
        timestamp: quantity("timestamp")?,
        base_fee: quantity("baseFeePerGas").unwrap_or(0),
        gas_limit: quantity("gasLimit")?,
        prevrandao: hash("mixHash").unwrap_or_default(),
        coinbase: block
            .get("miner")
            .and_then(|v| serde_json::from_value::<Address>(v.clone()).ok())
            .unwrap_or_default(),
    })
}

/// Pins the block `at` names on `providers`.
async fn pin(providers: &Providers, at: ForkAt) -> Result<ForkBlock, ForkError> {
    let chain_id = providers
        .request::<U64>("eth_chainId", json!([]))
        .await?
        .to::<u64>();
    let head = || async {
        Ok::<u64, ForkError>(
            providers
                .request::<U64>("eth_blockNumber", json!([]))
                .await?
                .to::<u64>(),
        )
    };
    let tag = match at {
        ForkAt::Number(number) => format!("{number:#x}"),
        ForkAt::Latest => "latest".into(),
        ForkAt::Finalized { confirmations } => {
            match providers
                .request::<Value>("eth_getBlockByNumber", json!(["finalized", false]))
                .await
            {
                Ok(block) if !block.is_null() => return read_point(chain_id, &block),
                // Not served: the head less the environment's confirmations.
                Ok(_) | Err(ProviderError::Rpc { .. }) => {
                    format!("{:#x}", head().await?.saturating_sub(confirmations))
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    let block: Value = providers
        .request("eth_getBlockByNumber", json!([tag, false]))
        .await?;
    if block.is_null() {
        return Err(ForkError::NoBlock {
            asked: match at {
                ForkAt::Number(n) => n,
                _ => 0,
            },
            head: head().await?,
        });
    }
    read_point(chain_id, &block)
}

impl Fork {
    /// Forks the chain at `urls` at the block `at` names, keeping what it
    /// reads under `cache_root` (`.slipway/fork-cache`; `None` keeps it in
    /// memory only). Blocks while the block is pinned: call it off async
    /// threads.
    pub fn open(
        urls: Vec<RpcUrl>,
        at: ForkAt,
        cache_root: Option<&Path>,
    ) -> Result<Arc<Self>, ForkError> {
        let providers = Providers::new(urls, REQUEST_TIMEOUT)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let (pinned, pinned_rx) = mpsc::sync_channel(1);
        let requests = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&requests);
        let cache_root = cache_root.map(Path::to_path_buf);
        std::thread::Builder::new()
            .name("slipway-fork".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = pinned.send(Err(ForkError::Thread(e)));
                        return;
                    }
                };
                let point = match runtime.block_on(pin(&providers, at)) {
                    Ok(point) => point,
                    Err(e) => {
                        let _ = pinned.send(Err(e));
                        return;
                    }
                };
                counted.fetch_add(1, Ordering::Relaxed);
                let cache = cache_root
                    .as_deref()
                    .map(|root| DiskCache::new(root, point.chain_id, point.hash));
                let known = match cache.as_ref().map(DiskCache::load).transpose() {
                    Ok(known) => known.unwrap_or_default(),
                    Err(source) => {
                        let path = cache
                            .as_ref()
                            .map(|c| c.path().to_path_buf())
                            .unwrap_or_default();
                        let _ = pinned.send(Err(ForkError::Cache { path, source }));
                        return;
                    }
                };
                let file = cache.as_ref().map(|c| c.path().to_path_buf());
                let serving = Serving {
                    providers,
                    block: point.number,
                    cache,
                    requests: counted,
                };
                if pinned.send(Ok((point, known, file))).is_ok() {
                    serving.run(&runtime, &queue);
                }
            })
            .map_err(ForkError::Thread)?;
        let (point, known, cache_file) = pinned_rx
            .recv()
            .map_err(|_| ForkError::Thread(std::io::Error::other("the fetch thread stopped")))??;
        Ok(Arc::new(Self {
            point,
            known: RwLock::new(known),
            jobs: Mutex::new(jobs),
            requests,
            cache_file,
        }))
    }

    /// The block the fork stands on.
    pub fn point(&self) -> &ForkBlock {
        &self.point
    }

    /// HTTP requests made to the remote so far (each batch is one).
    pub fn remote_requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The disk cache's file, when there is one.
    pub fn cache_file(&self) -> Option<&Path> {
        self.cache_file.as_deref()
    }

    /// Hands `job` to the fetch thread.
    fn send(&self, job: Job) -> Result<(), RemoteError> {
        self.jobs
            .lock()
            .map_err(|_| RemoteError("the fork's fetch thread failed".into()))?
            .send(job)
            .map_err(|_| RemoteError("the fork's fetch thread stopped".into()))
    }

    /// Asks the fetch thread and waits for its answer.
    fn fetch(&self, query: Query) -> Result<(), RemoteError> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.send(Job::Read { query, reply })?;
        let fact: Fact = answer
            .recv()
            .map_err(|_| RemoteError("the fork's fetch thread stopped".into()))??;
        self.known.write().learn(fact);
        Ok(())
    }
}

impl Upstream for Fork {
    fn block(&self) -> &ForkBlock {
        &self.point
    }

    fn forward(&self, method: &str, params: Value) -> Result<Value, RemoteError> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.send(Job::Forward {
            method: method.to_owned(),
            params,
            reply,
        })?;
        answer
            .recv()
            .map_err(|_| RemoteError("the fork's fetch thread stopped".into()))?
    }
}

impl RemoteState for Fork {
    fn account(&self, address: Address) -> Result<Option<RemoteAccount>, RemoteError> {
        if let Some(account) = self.known.read().accounts.get(&address) {
            return Ok(existing(account));
        }
        self.fetch(Query::Account(address))?;
        Ok(self.known.read().accounts.get(&address).and_then(existing))
    }

    fn storage(&self, address: Address, slot: U256) -> Result<U256, RemoteError> {
        if let Some(value) = self.known.read().slots.get(&(address, slot)) {
            return Ok(*value);
        }
        self.fetch(Query::Slot(address, slot))?;
        Ok(self
            .known
            .read()
            .slots
            .get(&(address, slot))
            .copied()
            .unwrap_or_default())
    }

    fn block_hash(&self, number: u64) -> Result<B256, RemoteError> {
        if number == self.point.number {
            return Ok(self.point.hash);
        }
        if number > self.point.number {
            return Err(RemoteError(format!(
                "block {number} is after the fork block {}",
                self.point.number
            )));
        }
        if let Some(hash) = self.known.read().block_hashes.get(&number) {
            return Ok(*hash);
        }
        self.fetch(Query::BlockHash(number))?;
        Ok(self
            .known
            .read()
            .block_hashes
            .get(&number)
            .copied()
            .unwrap_or_default())
    }
}

/// An account that exists (anything but empty), as the EVM sees it.
fn existing(account: &RemoteAccount) -> Option<RemoteAccount> {
    (account != &RemoteAccount::default()).then(|| account.clone())
}
