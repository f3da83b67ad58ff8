//! Etherscan's v2 API (one endpoint for every chain, chosen by `chainid`):
//! `getsourcecode` to see whether a contract is verified,
//! `verifysourcecode` with the standard JSON input, then
//! `checkverifystatus` until it passes or fails. Answers are
//! `{status, message, result}`; "Max rate limit reached" is retried with
//! backoff. The API key goes in the request only, never in output.

use alloy_primitives::{Address, Bytes, hex};
use serde::Deserialize;
use serde_json::Value;
use slipway_config::Secret;
use slipway_net::HttpClient;

use super::{
    Submission,
    explorer::{Attempt, ExplorerCheck, ExplorerError, Pacing, transport, with_backoff},
};

/// An Etherscan-v2-compatible API.
#[derive(Clone, Debug)]
pub struct Etherscan {
    http: HttpClient,
    url: String,
    key: Secret,
    chain_id: u64,
    pacing: Pacing,
}

#[derive(Debug, Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    message: String,
    result: Value,
}

impl Answer {
    fn text(&self) -> String {
        match &self.result {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    fn ok(&self) -> bool {
        self.status == "1"
    }
}

fn already(text: &str) -> bool {
    text.to_ascii_lowercase().contains("already verified")
}

impl Etherscan {
    /// A client of `url` (e.g. `https://api.etherscan.io/v2/api`) for
    /// `chain_id`, connecting through `http`.
    pub fn new(http: HttpClient, url: &str, key: Secret, chain_id: u64, pacing: Pacing) -> Self {
        Self {
            http,
            url: url.to_owned(),
            key,
            chain_id,
            pacing,
        }
    }

    async fn ask(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Answer, ExplorerError> {
        with_backoff(self.pacing, || async {
            let response = build()
                .send()
                .await
                .map_err(|e| transport(&self.http, &self.url, e))?;
            let status = response.status();
            let answer: Answer = response.json().await.map_err(|e| {
                Attempt::Failed(ExplorerError::NotAnAnswer {
                    service: "Etherscan",
                    status: status.as_u16(),
                    reason: e.without_url().to_string(),
                })
            })?;
            if answer.text().to_ascii_lowercase().contains("rate limit") {
                return Err(Attempt::RateLimited(answer.text()));
            }
            Ok(answer)
        })
        .await
    }

    fn get(
        &self,
        params: Vec<(&'static str, String)>,
    ) -> impl Fn() -> reqwest::RequestBuilder + '_ {
        move || {
            self.http
                .inner()
                .get(&self.url)
                .query(&[
                    ("chainid", self.chain_id.to_string()),
                    ("apikey", self.key.expose().to_owned()),
                ])
                .query(&params)
        }
    }

    /// Whether the explorer already has the source of `address`.
    pub async fn is_verified(&self, address: Address) -> Result<bool, ExplorerError> {
        let answer = self
            .ask(self.get(vec![
                ("module", "contract".into()),
                ("action", "getsourcecode".into()),
                ("address", address.to_string()),
            ]))
            .await?;
        Ok(answer.ok()
            && answer.result[0]["SourceCode"]
                .as_str()
                .is_some_and(|s| !s.is_empty()))
    }

    /// Verifies `address` as `submission` with constructor `args`.
    pub async fn verify(
        &self,
        address: Address,
        submission: &Submission,
        args: &Bytes,
    ) -> ExplorerCheck {
        match self.run(address, submission, args).await {
            Ok(check) => check,
            Err(error) => ExplorerCheck::Failed {
                reason: error.to_string(),
            },
        }
    }

    async fn run(
        &self,
        address: Address,
        submission: &Submission,
        args: &Bytes,
    ) -> Result<ExplorerCheck, ExplorerError> {
        if self.is_verified(address).await? {
            return Ok(ExplorerCheck::AlreadyVerified);
        }
        let source = serde_json::to_string(&submission.input)?;
        let form = [
            ("module", "contract".to_owned()),
            ("action", "verifysourcecode".to_owned()),
            ("apikey", self.key.expose().to_owned()),
            ("codeformat", "solidity-standard-json-input".to_owned()),
            ("sourceCode", source),
            ("contractaddress", address.to_string()),
            ("contractname", submission.contract.clone()),
            ("compilerversion", format!("v{}", submission.compiler)),
            // Etherscan's spelling.
            ("constructorArguements", hex::encode(args)),
        ];
        let submitted = self.post(&form).await?;
        if !submitted.ok() {
            let text = submitted.text();
            return Ok(if already(&text) {
                ExplorerCheck::AlreadyVerified
            } else {
                ExplorerCheck::Rejected {
                    reason: format!("{} ({})", text, submitted.message),
                }
            });
        }
        let guid = submitted.text();
        self.poll("checkverifystatus", &guid, "the verification")
            .await
    }

    /// Links proxy `proxy` to `implementation` on the explorer
    /// (`verifyproxycontract`, then `checkproxyverification`), so that its
    /// page shows the implementation's functions.
    pub async fn link_proxy(&self, proxy: Address, implementation: Address) -> ExplorerCheck {
        match self.run_link(proxy, implementation).await {
            Ok(check) => check,
            Err(error) => ExplorerCheck::Failed {
                reason: error.to_string(),
            },
        }
    }

    async fn run_link(
        &self,
        proxy: Address,
        implementation: Address,
    ) -> Result<ExplorerCheck, ExplorerError> {
        let form = [
            ("module", "contract".to_owned()),
            ("action", "verifyproxycontract".to_owned()),
            ("apikey", self.key.expose().to_owned()),
            ("address", proxy.to_string()),
            ("expectedimplementation", implementation.to_string()),
        ];
        let submitted = self.post(&form).await?;
        if !submitted.ok() {
            return Ok(ExplorerCheck::Rejected {
                reason: format!("{} ({})", submitted.text(), submitted.message),
            });
        }
        let guid = submitted.text();
        self.poll("checkproxyverification", &guid, "the proxy link")
            .await
    }

    /// Submits `form` (POST, as Etherscan takes submissions), retried as
    /// any request is.
    async fn post(&self, form: &[(&str, String)]) -> Result<Answer, ExplorerError> {
        self.ask(|| {
            self.http
                .inner()
                .post(&self.url)
                .query(&[("chainid", self.chain_id.to_string())])
                .form(form)
        })
        .await
    }

    /// Asks `action` about `guid` until it is decided or the polls run
    /// out; `what` names the job in the answer.
    async fn poll(
        &self,
        action: &str,
        guid: &str,
        what: &str,
    ) -> Result<ExplorerCheck, ExplorerError> {
        for _ in 0..self.pacing.polls {
            tokio::time::sleep(self.pacing.poll).await;
            let status = self
                .ask(self.get(vec![
                    ("module", "contract".into()),
                    ("action", action.to_owned()),
                    ("guid", guid.to_owned()),
                ]))
                .await?;
            let text = status.text();
            if status.ok() {
                return Ok(ExplorerCheck::Verified);
            }
            if already(&text) {
                return Ok(ExplorerCheck::AlreadyVerified);
            }
            if !text.to_ascii_lowercase().contains("pending") {
                return Ok(ExplorerCheck::Rejected { reason: text });
            }
        }
        Ok(ExplorerCheck::Failed {
            reason: format!(
                "{what} is still pending after {} checks (guid {guid})",
                self.pacing.polls
            ),
        })
    }
}
