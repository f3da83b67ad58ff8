//! Fees from `slipway node`'s fee history under each kind of policy, and the
//! cap that stops a send instead of overpaying.

use crate::common;

use std::time::Duration;

use common::{node, url};
use slipway_chain::{ChainClient, FeeError, FeeQuote, Providers, estimate};
use slipway_config::{FeePolicy, PriorityFee};

const GWEI: u128 = 1_000_000_000;

fn policy(priority_fee: PriorityFee, cap: Option<u128>, eip1559: bool) -> FeePolicy {
    FeePolicy {
        eip1559,
        priority_fee,
        max_fee_cap: cap,
        bump_after: Duration::from_secs(30),
        bump_percent: 12,
        bump_limit: 3,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_follow_the_chain_and_the_policy() {
    let node = node().await;
    let client = ChainClient::remote(
        Providers::new(vec![url(&node.url)], Duration::from_secs(5)).expect("providers"),
    );
    // The dev chain starts at a 1 gwei base fee, falling while blocks are empty.
    let quote = estimate(&client, &policy(PriorityFee::Fixed(2 * GWEI), None, true))
        .await
        .expect("1559");
    let FeeQuote::Eip1559 {
        max_fee,
        priority_fee,
    } = quote
    else {
        panic!("expected an EIP-1559 quote, got {quote:?}")
    };
    assert_eq!(priority_fee, 2 * GWEI);
    assert!(
        max_fee > priority_fee && max_fee <= 2 * GWEI + 2 * GWEI,
        "{max_fee}"
    );

    let percentile = estimate(&client, &policy(PriorityFee::Percentile(50.0), None, true))
        .await
        .expect("percentile");
    assert!(
        matches!(
            percentile,
            FeeQuote::Eip1559 {
                priority_fee: 0,
                ..
            }
        ),
        "no transactions yet: {percentile:?}"
    );

    let legacy = estimate(&client, &policy(PriorityFee::Fixed(0), None, false))
        .await
        .expect("legacy");
    assert!(
        matches!(legacy, FeeQuote::Legacy { gas_price } if gas_price > 0),
        "{legacy:?}"
    );

    let capped = estimate(
        &client,
        &policy(PriorityFee::Fixed(2 * GWEI), Some(GWEI), true),
    )
    .await;
    assert!(
        matches!(capped, Err(FeeError::AboveCap { cap, .. }) if cap == GWEI),
        "{capped:?}"
    );
    let legacy_capped = estimate(&client, &policy(PriorityFee::Fixed(0), Some(1), false)).await;
    assert!(
        matches!(legacy_capped, Err(FeeError::AboveCap { cap: 1, .. })),
        "{legacy_capped:?}"
    );
}
