//! Sourcify's v2 API: `GET /v2/contract/{chainId}/{address}` to see whether
//! a contract is verified, `POST /v2/verify/{chainId}/{address}` with the
//! standard JSON input (202 and a verification id; 409 when already
//! verified), then `GET /v2/verify/{id}` until the job completes with a
//! match or an error. HTTP 429 is retried with backoff.

use alloy_primitives::{Address, B256};
use reqwest::StatusCode;
use serde_json::{Value, json};
use slipway_net::HttpClient;

use super::{
    Submission,
    explorer::{Attempt, ExplorerCheck, ExplorerError, Pacing, transport, with_backoff},
};

/// A Sourcify-compatible server.
#[derive(Clone, Debug)]
pub struct Sourcify {
    http: HttpClient,
    url: String,
    pacing: Pacing,
}

fn reason(body: &Value) -> String {
    body["message"]
        .as_str()
        .or_else(|| body["error"]["message"].as_str())
        .or_else(|| body["customCode"].as_str())
        .map_or_else(|| body.to_string(), str::to_owned)
}

impl Sourcify {
    /// A client of `url` (e.g. `https://sourcify.dev/server`), connecting
    /// through `http`.
    pub fn new(http: HttpClient, url: &str, pacing: Pacing) -> Self {
        Self {
            http,
            url: url.trim_end_matches('/').to_owned(),
            pacing,
        }
    }

    async fn ask(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(StatusCode, Value), ExplorerError> {
        with_backoff(self.pacing, || async {
            let response = build()
                .send()
                .await
                .map_err(|e| transport(&self.http, &self.url, e))?;
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status == StatusCode::TOO_MANY_REQUESTS {
                return Err(Attempt::RateLimited(reason(&body)));
            }
            Ok((status, body))
        })
        .await
    }

    /// Whether Sourcify has the source of `address` on `chain_id`.
    pub async fn is_verified(
        &self,
        chain_id: u64,
        address: Address,
    ) -> Result<bool, ExplorerError> {
        let contract = format!("{}/v2/contract/{chain_id}/{address}", self.url);
        let (status, body) = self.ask(|| self.http.inner().get(&contract)).await?;
        Ok(status.is_success() && !body["match"].is_null())
    }

    /// Verifies `address` on `chain_id` as `submission`.
    pub async fn verify(
        &self,
        chain_id: u64,
        address: Address,
        submission: &Submission,
        creation: Option<B256>,
    ) -> ExplorerCheck {
        match self.run(chain_id, address, submission, creation).await {
            Ok(check) => check,
            Err(error) => ExplorerCheck::Failed {
                reason: error.to_string(),
            },
        }
    }

    async fn run(
        &self,
        chain_id: u64,
        address: Address,
        submission: &Submission,
        creation: Option<B256>,
    ) -> Result<ExplorerCheck, ExplorerError> {
        if self.is_verified(chain_id, address).await? {
            return Ok(ExplorerCheck::AlreadyVerified);
        }
        let mut request = json!({
            "stdJsonInput": submission.input,
            "compilerVersion": submission.compiler,
            "contractIdentifier": submission.contract,
        });
        if let Some(hash) = creation {
            request["creationTransactionHash"] = json!(hash);
        }
        let verify = format!("{}/v2/verify/{chain_id}/{address}", self.url);
        let (status, body) = self
            .ask(|| self.http.inner().post(&verify).json(&request))
            .await?;
        if status == StatusCode::CONFLICT {
            return Ok(ExplorerCheck::AlreadyVerified);
        }
        let Some(id) = body["verificationId"]
            .as_str()
            .filter(|_| status.is_success())
        else {
            return Ok(ExplorerCheck::Rejected {
                reason: format!("HTTP {status}: {}", reason(&body)),
            });
        };
        let job = format!("{}/v2/verify/{id}", self.url);
        for _ in 0..self.pacing.polls {
            tokio::time::sleep(self.pacing.poll).await;
            let (_, body) = self.ask(|| self.http.inner().get(&job)).await?;
            if body["isJobCompleted"].as_bool() != Some(true) {
                continue;
            }
            return Ok(if !body["contract"]["match"].is_null() {
                ExplorerCheck::Verified
            } else {
                ExplorerCheck::Rejected {
                    reason: reason(&body["error"]),
                }
            });
        }
        Ok(ExplorerCheck::Failed {
            reason: format!("job {id} not completed after {} checks", self.pacing.polls),
        })
    }
}
