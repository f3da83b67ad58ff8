//! The fork's one fetch thread: it owns a runtime and its own connections
//! to the providers, takes every read the forked state is waiting on, and
//! asks for them together in one JSON-RPC batch (an account is three calls:
//! balance, nonce and code). Reads from several threads at once (tests
//! running in parallel) share a batch.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
    mpsc::{Receiver, SyncSender},
};

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use serde_json::{Value, json};
use slipway_evm::RemoteError;

use super::cache::{DiskCache, Fact};
use crate::{ProviderError, Providers};

/// Reads a batch takes at most (an account is three calls).
const MAX_BATCH: usize = 100;

/// One read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Query {
    Account(Address),
    Slot(Address, U256),
    BlockHash(u64),
}

/// A read and where its answer goes.
pub(crate) enum Job {
    /// State at the fork block.
    Read {
        query: Query,
        reply: SyncSender<Result<Fact, RemoteError>>,
    },
    /// A request forwarded as it is (blocks, receipts, logs before the
    /// fork).
    Forward {
        method: String,
        params: Value,
        reply: SyncSender<Result<Value, RemoteError>>,
    },
}

impl Job {
    fn calls(&self, block: &str) -> Vec<(String, Value)> {
        match self {
            Self::Read { query, .. } => query
                .calls(block)
                .into_iter()
                .map(|(m, p)| (m.to_owned(), p))
                .collect(),
            Self::Forward { method, params, .. } => vec![(method.clone(), params.clone())],
        }
    }

    fn fail(self, error: RemoteError) {
        // The reader may have given up: nothing to tell it.
        match self {
            Self::Read { reply, .. } => {
                let _ = reply.send(Err(error));
            }
            Self::Forward { reply, .. } => {
                let _ = reply.send(Err(error));
            }
        }
    }
}

/// What the thread needs to serve reads.
pub(crate) struct Serving {
    pub(crate) providers: Providers,
    pub(crate) block: u64,
    pub(crate) cache: Option<DiskCache>,
    pub(crate) requests: Arc<AtomicU64>,
}

/// Why the provider could not answer a read of state at `block`, in words
/// that say what to do: old state needs an archive node.
pub(crate) fn remote_error(error: &ProviderError, block: u64) -> RemoteError {
    let text = error.to_string();
    let lower = text.to_ascii_lowercase();
    let pruned = [
        "missing trie node",
        "historical state",
        "pruned",
        "archive",
        "state not available",
        "is not available",
        "header not found",
        "unknown block",
    ]
    .iter()
    .any(|needle| lower.contains(needle));
    if pruned {
        RemoteError(format!(
            "the provider does not serve state at block {block} ({text}): fork a recent block, or use an archive node"
        ))
    } else {
        RemoteError(format!("block {block}: {text}"))
    }
}

/// A JSON-RPC quantity (`"0x1f"`) as a number.
pub(super) fn quantity(value: &Value) -> Option<u64> {
    serde_json::from_value::<U64>(value.clone())
        .ok()
        .map(|n| n.to::<u64>())
}

fn word(value: &Value) -> Option<U256> {
    serde_json::from_value::<U256>(value.clone()).ok()
}

impl Query {
    fn calls(self, block: &str) -> Vec<(&'static str, Value)> {
        match self {
            Self::Account(address) => vec![
                ("eth_getBalance", json!([address, block])),
                ("eth_getTransactionCount", json!([address, block])),
                ("eth_getCode", json!([address, block])),
            ],
            Self::Slot(address, slot) => vec![(
                "eth_getStorageAt",
                json!([address, B256::from(slot), block]),
            )],
            Self::BlockHash(number) => vec![(
                "eth_getBlockByNumber",
                json!([format!("{number:#x}"), false]),
            )],
        }
    }

    /// The fact in `answers` (this query's calls' answers, in order).
    fn fact(
        self,
        answers: Vec<Result<Value, ProviderError>>,
        block: u64,
    ) -> Result<Fact, RemoteError> {
        let mut values = Vec::with_capacity(answers.len());
        for answer in answers {
            values.push(answer.map_err(|e| remote_error(&e, block))?);
        }
        let bad = |what: &str| RemoteError(format!("block {block}: the provider sent {what}"));
        match (self, values.as_slice()) {
            (Self::Account(address), [balance, nonce, code]) => Ok(Fact::Account {
                address,
                balance: word(balance).ok_or_else(|| bad("a balance that is not a number"))?,
                nonce: quantity(nonce).ok_or_else(|| bad("a nonce that is not a number"))?,
                code: serde_json::from_value::<Bytes>(code.clone())
                    .map_err(|_| bad("code that is not hex"))?,
            }),
            (Self::Slot(address, slot), [value]) => Ok(Fact::Slot {
                address,
                slot,
                value: word(value).ok_or_else(|| bad("a storage value that is not a word"))?,
            }),
            (Self::BlockHash(number), [header]) => Ok(Fact::BlockHash {
                number,
                hash: header
                    .get("hash")
                    .and_then(|h| serde_json::from_value::<B256>(h.clone()).ok())
                    .ok_or_else(|| bad(&format!("no block {number}")))?,
            }),
            _ => Err(bad("a batch answer of the wrong length")),
        }
    }
}

impl Serving {
    /// Serves reads until every sender is gone.
    pub(crate) fn run(self, runtime: &tokio::runtime::Runtime, jobs: &Receiver<Job>) {
        let block = format!("{:#x}", self.block);
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            let mut calls_count = batch[0].calls(&block).len();
            while calls_count < MAX_BATCH {
                let Ok(job) = jobs.try_recv() else { break };
                calls_count += job.calls(&block).len();
                batch.push(job);
            }
            self.serve(runtime, &block, batch);
        }
    }

    fn serve(&self, runtime: &tokio::runtime::Runtime, block: &str, batch: Vec<Job>) {
        let mut calls = Vec::new();
        let mut lengths = Vec::with_capacity(batch.len());
        for job in &batch {
            let these = job.calls(block);
            lengths.push(these.len());
            calls.extend(these);
        }
        let asked: Vec<(&str, Value)> =
            calls.iter().map(|(m, p)| (m.as_str(), p.clone())).collect();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let answered = runtime.block_on(self.providers.batch(&asked));
        let mut learned = Vec::new();
        match answered {
            Ok(answers) => {
                let mut answers = answers.into_iter();
                for (job, length) in batch.into_iter().zip(lengths) {
                    let mut these: Vec<_> = answers.by_ref().take(length).collect();
                    // The reader may have given up: nothing to tell it.
                    match job {
                        Job::Read { query, reply } => {
                            let fact = query.fact(these, self.block);
                            if let Ok(fact) = &fact {
                                learned.push(fact.clone());
                            }
                            let _ = reply.send(fact);
                        }
                        Job::Forward { method, reply, .. } => {
                            let answer = these.pop().unwrap_or_else(|| {
                                Err(ProviderError::BadAnswer {
                                    method,
                                    url: String::new(),
                                    reason: "no answer".into(),
                                })
                            });
                            let _ = reply.send(answer.map_err(|e| RemoteError(e.to_string())));
                        }
                    }
                }
            }
            Err(error) => {
                let error = remote_error(&error, self.block);
                for job in batch {
                    job.fail(error.clone());
                }
            }
        }
        if let Some(cache) = &self.cache
            && let Err(error) = cache.append(&learned)
        {
            tracing::warn!(path = %cache.path().display(), %error, "the fork cache could not be written; reads go to the provider again next time");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pruned_state_error_asks_for_an_archive_node_and_names_the_block() {
        let pruned = ProviderError::Rpc {
            method: "eth_getStorageAt".into(),
            code: -32000,
            message: "missing trie node 1f2e… (path ) state 0xab… is not available".into(),
            revert: None,
        };
        let text = remote_error(&pruned, 17_000_000).0;
        assert!(
            text.contains("block 17000000") && text.contains("archive node"),
            "{text}"
        );
        let other = ProviderError::Rpc {
            method: "eth_getStorageAt".into(),
            code: -32602,
            message: "invalid argument 1".into(),
            revert: None,
        };
        let text = remote_error(&other, 5).0;
        assert!(
            !text.contains("archive") && text.contains("invalid argument"),
            "{text}"
        );
    }
}
