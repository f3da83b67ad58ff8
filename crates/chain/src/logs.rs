//! Typed reads of the chain's history for the operations half (monitor,
//! ops, roles): event logs over a block range — split where a provider
//! refuses a range that large — and block headers with their parent hash,
//! for reorg detection.

use alloy_eips::BlockId;
use alloy_primitives::{Address, B256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::{Filter, Header, Log};

use crate::{ChainClient, ProviderError};

/// How many times a range may be halved before the refusal is reported:
/// 1,000 blocks against a provider that allows 10 take about 130 splits;
/// the bound stops a provider that refuses nearly everything from costing
/// more than a couple of thousand requests.
pub const MAX_LOG_SPLITS: usize = 1024;

/// What logs to fetch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogQuery {
    /// First block, inclusive.
    pub from: u64,
    /// Last block, inclusive.
    pub to: u64,
    /// Only logs of these contracts (all when empty).
    pub addresses: Vec<Address>,
    /// Only logs whose first topic (the event's signature hash) is one of
    /// these (all when empty).
    pub events: Vec<B256>,
}

/// Whether a provider's error refuses the size of a log query (its range or
/// its result count) rather than the query itself. The texts are those real
/// providers send: Infura (-32005), Alchemy, QuickNode, BSC and Erigon
/// nodes, Ankr.
pub(crate) fn is_range_refusal(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "query returned more than",
        "log response size exceeded",
        "is limited to a",
        "exceed maximum block range",
        "block range is too wide",
    ]
    .iter()
    .any(|text| message.contains(text))
}

impl ChainClient {
    /// The logs `query` selects, in chain order. A range the provider
    /// refuses as too large is halved (at most [`MAX_LOG_SPLITS`] times); a
    /// single block still refused, or too many splits, is an error that
    /// names the range.
    pub async fn logs(&self, query: &LogQuery) -> Result<Vec<Log>, ProviderError> {
        let mut pending = vec![(query.from, query.to)];
        let mut found = Vec::new();
        let mut splits = 0;
        // Depth first, the lower half first: logs come out in order.
        while let Some((from, to)) = pending.pop() {
            let mut filter = Filter::new().from_block(from).to_block(to);
            if !query.addresses.is_empty() {
                filter = filter.address(query.addresses.clone());
            }
            if !query.events.is_empty() {
                filter = filter.event_signature(query.events.clone());
            }
            match self.provider.get_logs(&filter).await {
                Ok(logs) => found.extend(logs),
                Err(e) => {
                    let error = self.error("eth_getLogs")(e);
                    let refused = matches!(&error, ProviderError::Rpc { message, .. } if is_range_refusal(message));
                    if !refused || from >= to {
                        return Err(error);
                    }
                    splits += 1;
                    if splits > MAX_LOG_SPLITS {
                        return Err(ProviderError::BadAnswer {
                            method: "eth_getLogs".into(),
                            url: self.source.clone(),
                            reason: format!(
                                "the provider still refuses blocks {from}..={to} after {MAX_LOG_SPLITS} splits of {}..={}: ask a smaller range, or use a provider with a higher limit",
                                query.from, query.to
                            ),
                        });
                    }
                    let middle = from + (to - from) / 2;
                    pending.push((middle + 1, to));
                    pending.push((from, middle));
                }
            }
        }
        Ok(found)
    }

    /// The header of block `block` (a number, a tag or a hash), with its
    /// hash and parent hash; `None` when the chain has no such block.
    pub async fn block_header(&self, block: BlockId) -> Result<Option<Header>, ProviderError> {
        Ok(self
            .provider
            .get_block(block)
            .await
            .map_err(self.error("eth_getBlockByNumber"))?
            .map(|b| b.header))
    }
}

#[cfg(test)]
mod tests {
    use super::is_range_refusal;

    #[test]
    fn real_providers_refusals_are_recognised_and_reverts_are_not() {
        for text in [
            "query returned more than 10000 results",
            "Log response size exceeded.",
            "eth_getLogs is limited to a 10,000 range",
            "exceed maximum block range: 5000",
            "block range is too wide",
        ] {
            assert!(is_range_refusal(text), "{text}");
        }
        for text in [
            "execution reverted",
            "invalid params",
            "rate limit exceeded",
        ] {
            assert!(!is_range_refusal(text), "{text}");
        }
    }
}
