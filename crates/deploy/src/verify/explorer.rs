//! What an explorer said, and the retry policy both clients share: a
//! rate-limited request is tried again with exponential backoff.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use serde::Serialize;
use slipway_config::RpcUrl;
use slipway_net::HttpClient;
use url::Url;

/// The outcome of a submission to an explorer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ExplorerCheck {
    /// Verified by this submission.
    Verified,
    /// It was verified before: nothing was submitted.
    AlreadyVerified,
    /// The explorer refused it, with its reason.
    Rejected {
        /// The explorer's words.
        reason: String,
    },
    /// Not checked, and why (no API key, a local chain).
    Skipped {
        /// Why.
        reason: String,
    },
    /// The explorer could not be asked (network, unexpected answers).
    Failed {
        /// What happened.
        reason: String,
    },
}

impl ExplorerCheck {
    /// Whether it counts as a failure.
    pub fn failed(&self) -> bool {
        matches!(
            self,
            ExplorerCheck::Rejected { .. } | ExplorerCheck::Failed { .. }
        )
    }
}

/// Why a request did not give an answer.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// The explorer asked to slow down: try again later.
    RateLimited(String),
    /// Anything else: give up.
    Failed(ExplorerError),
}

/// Why an explorer could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    /// The request did not get through: by cause, the URL redacted.
    #[error(transparent)]
    Transport(#[from] slipway_net::Failure),
    /// The configured explorer URL does not parse.
    #[error("the explorer URL does not parse")]
    BadUrl,
    /// Still asked to slow down after every retry.
    #[error("still rate-limited after {retries} retries: {message}")]
    RateLimited {
        /// Retries made.
        retries: usize,
        /// The explorer's last word.
        message: String,
    },
    /// The answer is not the service's format.
    #[error("HTTP {status}: not an {service} answer ({reason})")]
    NotAnAnswer {
        /// The service.
        service: &'static str,
        /// Its HTTP status.
        status: u16,
        /// Why it does not read.
        reason: String,
    },
    /// The submission could not be encoded.
    #[error("the submission does not encode: {0}")]
    Encode(#[from] serde_json::Error),
}

/// How often and how long clients wait.
#[derive(Clone, Copy, Debug)]
pub struct Pacing {
    /// Between status polls.
    pub poll: Duration,
    /// Polls before giving up.
    pub polls: usize,
    /// First backoff after a rate limit (doubling).
    pub backoff: Duration,
    /// Retries after rate limits.
    pub retries: usize,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(3),
            polls: 40,
            backoff: Duration::from_secs(1),
            retries: 6,
        }
    }
}

/// Runs `request` until it answers, retrying rate limits with backoff.
pub(crate) async fn with_backoff<T, F, Fut>(pacing: Pacing, request: F) -> Result<T, ExplorerError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Attempt>>,
{
    request
        .retry(
            ExponentialBuilder::default()
                .with_min_delay(pacing.backoff)
                .with_max_times(pacing.retries),
        )
        .sleep(tokio::time::sleep)
        .when(|e| matches!(e, Attempt::RateLimited(_)))
        .await
        .map_err(|e| match e {
            Attempt::RateLimited(message) => ExplorerError::RateLimited {
                retries: pacing.retries,
                message,
            },
            Attempt::Failed(error) => error,
        })
}

/// A transport error by its cause, with the explorer's URL redacted as RPC
/// URLs are (`https://host/***`: the API key travels in the query, and a
/// custom explorer may carry one in its path).
pub(crate) fn transport(http: &HttpClient, base: &str, e: reqwest::Error) -> Attempt {
    let e = e.without_url();
    match Url::parse(base) {
        Ok(url) => {
            let shown = RpcUrl::new(url.clone(), false).redacted();
            Attempt::Failed(http.failure(&e, &url, shown).into())
        }
        Err(_) => Attempt::Failed(ExplorerError::BadUrl),
    }
}
