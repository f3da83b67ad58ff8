//! Fees from the environment's policy: EIP-1559 from `eth_feeHistory` (a
//! fixed tip or a percentile of recent rewards) or a legacy gas price, under
//! the policy's cap, which is never exceeded — a quote above it is an error,
//! not a transaction.

use slipway_config::{FeePolicy, PriorityFee};

use crate::{ChainClient, ProviderError};

/// Blocks of history a percentile tip looks at.
const HISTORY_BLOCKS: u64 = 10;

/// What a transaction pays per gas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeeQuote {
    /// EIP-1559.
    Eip1559 {
        /// Max fee per gas.
        #[serde(with = "wei_text")]
        max_fee: u128,
        /// Max priority fee (tip) per gas.
        #[serde(with = "wei_text")]
        priority_fee: u128,
    },
    /// Pre-1559 chains.
    Legacy {
        /// Gas price.
        #[serde(with = "wei_text")]
        gas_price: u128,
    },
}

/// Wei per gas in gwei, as wallets show it (`1.5 gwei`, `0.000000001 gwei`).
fn gwei(wei: u128) -> String {
    let whole = wei / 1_000_000_000;
    let fraction = wei % 1_000_000_000;
    if fraction == 0 {
        format!("{whole} gwei")
    } else {
        let digits = format!("{fraction:09}");
        format!("{whole}.{} gwei", digits.trim_end_matches('0'))
    }
}

impl std::fmt::Display for FeeQuote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeeQuote::Eip1559 {
                max_fee,
                priority_fee,
            } => write!(
                f,
                "max fee {}, priority fee {}",
                gwei(*max_fee),
                gwei(*priority_fee)
            ),
            FeeQuote::Legacy { gas_price } => write!(f, "gas price {}", gwei(*gas_price)),
        }
    }
}

/// Wei per gas as decimal text in JSON: u128 does not survive serde's
/// buffering of tagged enums, and JSON numbers lose precision above 2^53.
mod wei_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?.parse().map_err(D::Error::custom)
    }
}

/// Why no fee could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum FeeError {
    /// The chain asks more than the cap allows.
    #[error(
        "the fee needed now ({needed} wei per gas) is above the environment's cap ({cap} wei per gas): not sending; raise `max_fee_gwei` or wait for lower fees"
    )]
    AboveCap {
        /// Wei per gas the chain needs now.
        needed: u128,
        /// The cap.
        cap: u128,
    },
    /// A replacement would need more than the cap.
    #[error(
        "a replacement needs at least {needed} wei per gas (+{percent} %), above the cap of {cap}: the transaction cannot be re-priced"
    )]
    BumpAboveCap {
        /// Wei per gas the replacement needs.
        needed: u128,
        /// The bump, percent.
        percent: u32,
        /// The cap.
        cap: u128,
    },
    /// The providers failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The fee history was not usable.
    #[error("the chain's fee history gave no usable base fee")]
    NoHistory,
}

/// The tip: fixed, or the median over recent blocks of the requested
/// reward percentile (blocks without transactions report 0 and are skipped).
fn priority_fee(policy: &PriorityFee, rewards: &[u128]) -> u128 {
    match policy {
        PriorityFee::Fixed(wei) => *wei,
        PriorityFee::Percentile(_) => {
            let mut paid: Vec<u128> = rewards.iter().copied().filter(|r| *r > 0).collect();
            paid.sort_unstable();
            paid.get(paid.len() / 2).copied().unwrap_or(0)
        }
    }
}

/// An EIP-1559 quote for the next block's `base_fee`: a max fee of twice the
/// base fee plus the tip (room for six full blocks of increases), lowered to
/// the cap when the cap still covers base fee and tip.
pub fn quote_1559(base_fee: u128, priority: u128, cap: Option<u128>) -> Result<FeeQuote, FeeError> {
    let max_fee = base_fee.saturating_mul(2).saturating_add(priority);
    match cap {
        Some(cap) if base_fee.saturating_add(priority) > cap => Err(FeeError::AboveCap {
            needed: base_fee.saturating_add(priority),
            cap,
        }),
        Some(cap) => Ok(FeeQuote::Eip1559 {
            max_fee: max_fee.min(cap),
            priority_fee: priority,
        }),
        None => Ok(FeeQuote::Eip1559 {
            max_fee,
            priority_fee: priority,
        }),
    }
}

/// A quote raised by `percent` (rounded up) for a same-nonce replacement;
/// above the cap it is an error, since a smaller raise would be refused.
pub fn bump(quote: FeeQuote, percent: u32, cap: Option<u128>) -> Result<FeeQuote, FeeError> {
    let raise = |fee: u128| fee.saturating_mul(100 + u128::from(percent)).div_ceil(100);
    let bumped = match quote {
        FeeQuote::Eip1559 {
            max_fee,
            priority_fee,
        } => FeeQuote::Eip1559 {
            max_fee: raise(max_fee),
            priority_fee: raise(priority_fee),
        },
        FeeQuote::Legacy { gas_price } => FeeQuote::Legacy {
            gas_price: raise(gas_price),
        },
    };
    let top = match bumped {
        FeeQuote::Eip1559 { max_fee, .. } => max_fee,
        FeeQuote::Legacy { gas_price } => gas_price,
    };
    match cap {
        Some(cap) if top > cap => Err(FeeError::BumpAboveCap {
            needed: top,
            percent,
            cap,
        }),
        _ => Ok(bumped),
    }
}

/// The fees to send with now, from the providers and the policy.
pub async fn estimate(client: &ChainClient, policy: &FeePolicy) -> Result<FeeQuote, FeeError> {
    if !policy.eip1559 {
        let gas_price = client.gas_price().await?;
        if let Some(cap) = policy.max_fee_cap
            && gas_price > cap
        {
            return Err(FeeError::AboveCap {
                needed: gas_price,
                cap,
            });
        }
        return Ok(FeeQuote::Legacy { gas_price });
    }
    let percentile = match policy.priority_fee {
        PriorityFee::Percentile(p) => p,
        PriorityFee::Fixed(_) => 50.0,
    };
    let history = client.fee_history(HISTORY_BLOCKS, percentile).await?;
    // The last entry is the base fee of the next block.
    let base_fee = *history.base_fee_per_gas.last().ok_or(FeeError::NoHistory)?;
    let rewards: Vec<u128> = history
        .reward
        .unwrap_or_default()
        .iter()
        .filter_map(|block| block.first().copied())
        .collect();
    quote_1559(
        base_fee,
        priority_fee(&policy.priority_fee, &rewards),
        policy.max_fee_cap,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_show_in_gwei() {
        let quote = FeeQuote::Eip1559 {
            max_fee: 30_500_000_000,
            priority_fee: 1_000_000_000,
        };
        assert_eq!(quote.to_string(), "max fee 30.5 gwei, priority fee 1 gwei");
        assert_eq!(
            FeeQuote::Legacy { gas_price: 7 }.to_string(),
            "gas price 0.000000007 gwei"
        );
    }

    const GWEI: u128 = 1_000_000_000;

    #[test]
    fn the_cap_is_never_exceeded() {
        assert_eq!(
            quote_1559(10 * GWEI, 2 * GWEI, None).expect("no cap"),
            FeeQuote::Eip1559 {
                max_fee: 22 * GWEI,
                priority_fee: 2 * GWEI
            }
        );
        assert_eq!(
            quote_1559(10 * GWEI, 2 * GWEI, Some(15 * GWEI)).expect("lowered to the cap"),
            FeeQuote::Eip1559 {
                max_fee: 15 * GWEI,
                priority_fee: 2 * GWEI
            }
        );
        let err = quote_1559(14 * GWEI, 2 * GWEI, Some(15 * GWEI)).expect_err("above");
        assert!(
            err.to_string().contains("above the environment's cap"),
            "{err}"
        );
    }

    #[test]
    fn bumps_raise_both_fees_by_the_percentage_and_stop_at_the_cap() {
        let quote = FeeQuote::Eip1559 {
            max_fee: 100,
            priority_fee: 10,
        };
        assert_eq!(
            bump(quote, 10, None).expect("bump"),
            FeeQuote::Eip1559 {
                max_fee: 110,
                priority_fee: 11
            }
        );
        assert_eq!(
            bump(FeeQuote::Legacy { gas_price: 101 }, 10, None).expect("rounded up"),
            FeeQuote::Legacy { gas_price: 112 }
        );
        assert!(bump(quote, 10, Some(110)).is_ok(), "at the cap");
        assert!(matches!(
            bump(quote, 10, Some(109)),
            Err(FeeError::BumpAboveCap { needed: 110, .. })
        ));
    }

    #[test]
    fn percentile_tips_skip_empty_blocks() {
        let rewards = [0, 3, 0, 1, 2, 0];
        assert_eq!(priority_fee(&PriorityFee::Percentile(50.0), &rewards), 2);
        assert_eq!(priority_fee(&PriorityFee::Percentile(50.0), &[0, 0]), 0);
        assert_eq!(priority_fee(&PriorityFee::Fixed(7), &rewards), 7);
    }
}
