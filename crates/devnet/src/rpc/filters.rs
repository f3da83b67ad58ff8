//! Log queries and installed filters (`eth_newFilter` and friends).

use std::time::{Duration, Instant};

use std::collections::HashMap;

use alloy_primitives::{B256, U256};
use alloy_rpc_types_eth::{Filter, FilterBlockOption, Log};
use parking_lot::Mutex;

use super::{convert, error::RpcError};
use crate::Chain;

/// Most blocks one `eth_getLogs` may scan.
const MAX_RANGE: u64 = 100_000;

/// Logs of `filter` in the chain.
pub(super) fn logs_matching(chain: &Chain, filter: &Filter) -> Result<Vec<Log>, RpcError> {
    let head = chain.head().header.number;
    let (from, to) = match &filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let block = chain
                .block_by_hash(*hash)
                .ok_or_else(|| RpcError::server(format!("unknown block {hash}")))?;
            (block.header.number, block.header.number)
        }
        FilterBlockOption::Range { .. } => {
            let from = filter.get_from_block().unwrap_or(head).min(head);
            let to = filter.get_to_block().unwrap_or(head).min(head);
            (from, to)
        }
    };
    if from > to {
        return Err(RpcError::invalid_params(format!(
            "fromBlock {from} is after toBlock {to}"
        )));
    }
    check_span(from, to)?;
    Ok(logs_in(chain, filter, from, to))
}

/// Refuses a query over more than [`MAX_RANGE`] blocks (`from..=to`
/// inclusive: 100,001 blocks once passed).
fn check_span(from: u64, to: u64) -> Result<(), RpcError> {
    let blocks = to - from + 1;
    if blocks > MAX_RANGE {
        return Err(RpcError::server(format!(
            "query spans {blocks} blocks; at most {MAX_RANGE} at a time: split it"
        )));
    }
    Ok(())
}

/// Matching logs in blocks `from..=to`.
pub(super) fn logs_in(chain: &Chain, filter: &Filter, from: u64, to: u64) -> Vec<Log> {
    let mut out = Vec::new();
    for n in from..=to {
        let Some(block) = chain.block(n) else { break };
        if !filter.matches_bloom(block.header.logs_bloom) {
            continue;
        }
        for (i, tx) in block.transactions.iter().enumerate() {
            out.extend(
                convert::logs(&block, i, tx)
                    .into_iter()
                    .filter(|l| filter.matches(&l.inner)),
            );
        }
    }
    out
}

/// What an installed filter watches.
#[derive(Clone, Debug)]
pub(super) enum FilterKind {
    /// Logs matching a filter.
    Logs(Box<Filter>),
    /// New block hashes.
    Blocks,
    /// New pending transaction hashes.
    Pending(Vec<B256>),
}

#[derive(Debug)]
struct Installed {
    kind: FilterKind,
    /// The next block not yet reported.
    next_block: u64,
    last_poll: std::time::Instant,
}

/// Filters installed by clients; unpolled for 5 minutes they expire, as on
/// geth — checked on a timer (`Ctx`), on every install and before every
/// pending transaction is buffered, so unpolled filters cannot pile up.
#[derive(Debug, Default)]
pub(super) struct Filters {
    inner: Mutex<(u64, HashMap<U256, Installed>)>,
}

const EXPIRY: Duration = Duration::from_secs(300);
/// Most filters a node holds at once. With [`MAX_BUFFERED`], unpolled
/// pending filters hold at most a million hashes, 32 MB.
pub(super) const MAX_FILTERS: usize = 1_000;
/// Most transaction hashes a pending filter buffers between polls (the
/// oldest give way).
pub(super) const MAX_BUFFERED: usize = 1_000;

impl Filters {
    /// Installs a filter starting after block `head`.
    pub(super) fn install(&self, kind: FilterKind, next_block: u64) -> Result<U256, RpcError> {
        self.install_at(kind, next_block, Instant::now())
    }

    fn install_at(
        &self,
        kind: FilterKind,
        next_block: u64,
        now: Instant,
    ) -> Result<U256, RpcError> {
        let mut inner = self.inner.lock();
        inner
            .1
            .retain(|_, f| now.duration_since(f.last_poll) < EXPIRY);
        if inner.1.len() >= MAX_FILTERS {
            return Err(RpcError::server(format!(
                "{MAX_FILTERS} filters are installed: uninstall those you no longer poll (eth_uninstallFilter); unpolled ones expire after 5 minutes"
            )));
        }
        inner.0 += 1;
        let id = U256::from(inner.0);
        inner.1.insert(
            id,
            Installed {
                kind,
                next_block,
                last_poll: now,
            },
        );
        Ok(id)
    }

    /// Drops the filters not polled for 5 minutes before `now`.
    pub(super) fn expire(&self, now: Instant) {
        self.inner
            .lock()
            .1
            .retain(|_, f| now.duration_since(f.last_poll) < EXPIRY);
    }

    /// How many filters are installed.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().1.len()
    }

    /// Removes a filter.
    pub(super) fn uninstall(&self, id: U256) -> bool {
        self.inner.lock().1.remove(&id).is_some()
    }

    /// A pending transaction arrived: remembered by pending filters.
    pub(super) fn pending(&self, hash: B256) {
        self.pending_at(hash, Instant::now());
    }

    fn pending_at(&self, hash: B256, now: Instant) {
        let mut inner = self.inner.lock();
        inner
            .1
            .retain(|_, f| now.duration_since(f.last_poll) < EXPIRY);
        for f in inner.1.values_mut() {
            if let FilterKind::Pending(hashes) = &mut f.kind {
                if hashes.len() >= MAX_BUFFERED {
                    hashes.remove(0);
                }
                hashes.push(hash);
            }
        }
    }

    /// The chain went back to `head`: filters resume from there.
    pub(super) fn rewound(&self, head: u64) {
        for f in self.inner.lock().1.values_mut() {
            f.next_block = f.next_block.min(head + 1);
        }
    }

    /// New results since the last poll.
    pub(super) fn changes(&self, chain: &Chain, id: U256) -> Result<serde_json::Value, RpcError> {
        self.changes_within(chain, id, MAX_RANGE)
    }

    /// Changes since the last poll, scanning at most `span` blocks: a
    /// filter far behind the head catches up over several polls instead of
    /// one unbounded scan (nothing is skipped).
    fn changes_within(
        &self,
        chain: &Chain,
        id: U256,
        span: u64,
    ) -> Result<serde_json::Value, RpcError> {
        let mut inner = self.inner.lock();
        let f = inner
            .1
            .get_mut(&id)
            .ok_or_else(|| RpcError::server("filter not found"))?;
        f.last_poll = Instant::now();
        let from = f.next_block;
        let head = chain
            .head()
            .header
            .number
            .min(from.saturating_add(span.max(1) - 1));
        f.next_block = head + 1;
        let value = match &mut f.kind {
            FilterKind::Blocks => serde_json::json!(
                (from..=head)
                    .filter_map(|n| chain.block_hash(n))
                    .collect::<Vec<_>>()
            ),
            FilterKind::Logs(filter) => {
                let to = filter.get_to_block().unwrap_or(head).min(head);
                let from = from.max(filter.get_from_block().unwrap_or(0));
                let logs = if from <= to {
                    logs_in(chain, filter, from, to)
                } else {
                    Vec::new()
                };
                serde_json::to_value(logs).map_err(|e| RpcError::internal(e.to_string()))?
            }
            FilterKind::Pending(hashes) => serde_json::json!(std::mem::take(hashes)),
        };
        Ok(value)
    }

    /// All logs of a log filter (eth_getFilterLogs).
    pub(super) fn all_logs(&self, chain: &Chain, id: U256) -> Result<Vec<Log>, RpcError> {
        let inner = self.inner.lock();
        let f = inner
            .1
            .get(&id)
            .ok_or_else(|| RpcError::server("filter not found"))?;
        match &f.kind {
            FilterKind::Logs(filter) => logs_matching(chain, filter),
            _ => Err(RpcError::server("filter is not a log filter")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block filter 7 blocks behind, polled with a span of 3: 3, 3, 1,
    /// then nothing — every block once, none skipped.
    #[test]
    fn a_filter_far_behind_catches_up_over_bounded_polls() {
        let accounts =
            slipway_keys::derive_accounts(slipway_config::DEV_MNEMONIC, 1).expect("accounts");
        let addresses: Vec<_> = accounts.iter().map(|a| a.address).collect();
        let genesis = crate::GenesisSpec::new(
            &Default::default(),
            Default::default(),
            &addresses,
            1_700_000_000,
        );
        let mut chain = Chain::new(genesis, accounts);
        let filters = Filters::default();
        let id = filters.install(FilterKind::Blocks, 1).expect("install");
        for _ in 0..7 {
            chain.mine_block();
        }
        let polls: Vec<usize> = (0..4)
            .map(|_| {
                filters
                    .changes_within(&chain, id, 3)
                    .expect("changes")
                    .as_array()
                    .map_or(0, Vec::len)
            })
            .collect();
        assert_eq!(polls, [3, 3, 1, 0]);
    }

    /// Unpolled filters expire after 5 minutes — measured on an injected
    /// clock — whether or not anything else happens; a polled one stays.
    #[test]
    fn unpolled_filters_expire_and_buffers_and_counts_are_capped() {
        let filters = Filters::default();
        let start = Instant::now();
        let minutes = |m: u64| start + Duration::from_secs(60 * m);
        let idle = filters
            .install_at(FilterKind::Pending(Vec::new()), 1, start)
            .expect("install");
        let busy = filters
            .install_at(FilterKind::Pending(Vec::new()), 1, minutes(3))
            .expect("install");
        filters.expire(minutes(4));
        assert_eq!(filters.len(), 2, "neither is 5 minutes old yet");
        filters.pending_at(B256::repeat_byte(1), minutes(6));
        assert_eq!(filters.len(), 1, "the idle one expired before buffering");
        assert!(filters.uninstall(busy));
        assert!(!filters.uninstall(idle), "already gone");

        // A pending filter buffers at most MAX_BUFFERED hashes: the newest.
        let id = filters
            .install_at(FilterKind::Pending(Vec::new()), 1, minutes(10))
            .expect("install");
        for i in 0..(MAX_BUFFERED + 5) {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(i as u64).to_be_bytes());
            filters.pending_at(B256::from(hash), minutes(10));
        }
        {
            let inner = filters.inner.lock();
            let Some(Installed {
                kind: FilterKind::Pending(hashes),
                ..
            }) = inner.1.get(&id)
            else {
                panic!("the pending filter")
            };
            assert_eq!(hashes.len(), MAX_BUFFERED);
            assert_eq!(hashes[0][..8], 5u64.to_be_bytes(), "the oldest gave way");
        }

        // At most MAX_FILTERS at once; expired ones make room.
        for _ in 1..MAX_FILTERS {
            filters
                .install_at(FilterKind::Blocks, 1, minutes(10))
                .expect("room");
        }
        let full = filters.install_at(FilterKind::Blocks, 1, minutes(10));
        assert!(full.is_err(), "{} filters", filters.len());
        filters
            .install_at(FilterKind::Blocks, 1, minutes(16))
            .expect("the old ones expired");
    }

    #[test]
    fn a_span_of_exactly_the_limit_passes_and_one_more_block_does_not() {
        assert!(check_span(0, MAX_RANGE - 1).is_ok());
        assert!(check_span(7, 7).is_ok());
        let error = check_span(0, MAX_RANGE).expect_err("100,001 blocks");
        assert!(format!("{error:?}").contains("100001 blocks"), "{error:?}");
    }
}
