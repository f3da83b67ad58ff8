//! A Safe Transaction Service client (Safe{Wallet}'s backend), over
//! slipway-net: proposals and owners' confirmations posted, the pending
//! queue and the Safe read back, as Safe's API documents them —
//! `POST /api/v2/safes/{safe}/multisig-transactions/`,
//! `POST /api/v1/multisig-transactions/{safeTxHash}/confirmations/`,
//! `GET /api/v2/safes/{safe}/multisig-transactions/?executed=false&nonce__gte=N`,
//! `GET /api/v1/safes/{safe}/`. Signatures made elsewhere (other owners in
//! Safe{Wallet}) come back as [`OwnerSignature`]s, checked by the caller
//! like any other.

use alloy_primitives::{Address, B256, Signature, U256};
use serde::Deserialize;
use serde_json::{Value, json};
use slipway_config::{Secret, TxService};
use slipway_net::HttpClient;

use super::{OwnerSignature, SafeTx, SignatureKind, encode_signatures};

/// A Transaction Service.
#[derive(Debug)]
pub struct ServiceClient {
    http: HttpClient,
    base: String,
    key: Option<Secret>,
}

/// Why the service could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// It could not be reached.
    #[error("the Safe Transaction Service could not be reached: {0}")]
    Unreachable(slipway_net::Failure),
    /// It answered with an error.
    #[error("the Safe Transaction Service refused {what} ({status}): {body}")]
    Refused {
        /// The request.
        what: String,
        /// The HTTP status.
        status: u16,
        /// What it said.
        body: String,
    },
    /// Its answer does not read as documented.
    #[error("the Safe Transaction Service's answer to {what} does not read: {reason}")]
    Malformed {
        /// The request.
        what: String,
        /// What was wrong.
        reason: String,
    },
}

/// A transaction in the service's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceTx {
    /// Its safeTxHash.
    pub safe_tx_hash: B256,
    /// Its nonce.
    pub nonce: U256,
    /// Owners' confirmations (contract signatures left out).
    pub confirmations: Vec<OwnerSignature>,
}

/// A Safe as the service knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceSafe {
    /// Its nonce.
    pub nonce: U256,
    /// Its threshold.
    pub threshold: u64,
    /// Its owners.
    pub owners: Vec<Address>,
}

#[derive(Deserialize)]
struct Page {
    results: Vec<Value>,
}

/// One 65-byte signature as the service stores it.
fn signature_hex(signature: &OwnerSignature) -> String {
    encode_signatures(std::slice::from_ref(signature)).to_string()
}

/// A confirmation's signature read back: `v` 27/28 typed data, 31/32
/// eth_sign, 1 an approved hash; a contract signature (`v` 0) is `None`.
fn parse_signature(owner: Address, hex: &str) -> Option<OwnerSignature> {
    let bytes: alloy_primitives::Bytes = hex.parse().ok()?;
    if bytes.len() != 65 {
        return None;
    }
    let r = U256::from_be_slice(&bytes[..32]);
    let s = U256::from_be_slice(&bytes[32..64]);
    let (kind, parity) = match bytes[64] {
        1 => {
            return Some(OwnerSignature {
                owner,
                kind: SignatureKind::Approved,
                signature: None,
            });
        }
        v @ (27 | 28) => (SignatureKind::Typed, v == 28),
        v @ (31 | 32) => (SignatureKind::EthSign, v == 32),
        _ => return None,
    };
    Some(OwnerSignature {
        owner,
        kind,
        signature: Some(Signature::new(r, s, parity)),
    })
}

impl ServiceClient {
    /// A client of `service` through `http`.
    pub fn new(http: HttpClient, service: &TxService) -> Self {
        Self {
            http,
            base: service.url.trim_end_matches('/').to_owned(),
            key: service.api_key.clone(),
        }
    }

    async fn request(
        &self,
        what: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ServiceError> {
        let url = format!("{}{path}", self.base);
        let mut request = match &body {
            Some(body) => self.http.inner().post(&url).json(body),
            None => self.http.inner().get(&url),
        };
        if let Some(key) = &self.key {
            request = request.bearer_auth(key.expose());
        }
        let response = request.send().await.map_err(|e| {
            let parsed = reqwest::Url::parse(&url).ok();
            match parsed {
                Some(parsed) => {
                    ServiceError::Unreachable(self.http.failure(&e, &parsed, url.clone()))
                }
                None => ServiceError::Malformed {
                    what: what.to_owned(),
                    reason: format!("{url} is not a URL"),
                },
            }
        })?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(ServiceError::Refused {
                what: what.to_owned(),
                status: status.as_u16(),
                body: text.chars().take(300).collect(),
            });
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| ServiceError::Malformed {
            what: what.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Posts a new proposal, with its proposer's signature (the service
    /// takes proposals from owners and delegates only).
    pub async fn propose(
        &self,
        safe: Address,
        tx: &SafeTx,
        safe_tx_hash: B256,
        signature: &OwnerSignature,
        origin: &str,
    ) -> Result<(), ServiceError> {
        let body = json!({
            "to": tx.to.to_checksum(None),
            "value": tx.value.to_string(),
            "data": if tx.data.is_empty() { Value::Null } else { Value::String(tx.data.to_string()) },
            "operation": u8::from(tx.operation),
            "safeTxGas": tx.safe_tx_gas.to_string(),
            "baseGas": tx.base_gas.to_string(),
            "gasPrice": tx.gas_price.to_string(),
            "gasToken": tx.gas_token.to_checksum(None),
            "refundReceiver": tx.refund_receiver.to_checksum(None),
            "nonce": tx.nonce.to_string(),
            "contractTransactionHash": safe_tx_hash.to_string(),
            "sender": signature.owner.to_checksum(None),
            "signature": signature_hex(signature),
            "origin": origin,
        });
        self.request(
            "the proposal",
            &format!(
                "/api/v2/safes/{}/multisig-transactions/",
                safe.to_checksum(None)
            ),
            Some(body),
        )
        .await
        .map(|_| ())
    }

    /// Posts an owner's confirmation of a proposal the service holds.
    pub async fn confirm(
        &self,
        safe_tx_hash: B256,
        signature: &OwnerSignature,
    ) -> Result<(), ServiceError> {
        self.request(
            "the confirmation",
            &format!("/api/v1/multisig-transactions/{safe_tx_hash}/confirmations/"),
            Some(json!({ "signature": signature_hex(signature) })),
        )
        .await
        .map(|_| ())
    }

    /// The Safe's transactions not executed yet, from nonce `from` on.
    pub async fn pending(&self, safe: Address, from: U256) -> Result<Vec<ServiceTx>, ServiceError> {
        let what = "the pending transactions";
        let page: Page = serde_json::from_value(
            self.request(
                what,
                &format!(
                    "/api/v2/safes/{}/multisig-transactions/?executed=false&nonce__gte={from}",
                    safe.to_checksum(None)
                ),
                None,
            )
            .await?,
        )
        .map_err(|e| ServiceError::Malformed {
            what: what.to_owned(),
            reason: e.to_string(),
        })?;
        let malformed = |reason: &str| ServiceError::Malformed {
            what: what.to_owned(),
            reason: reason.to_owned(),
        };
        page.results
            .iter()
            .map(|tx| {
                let safe_tx_hash: B256 = tx["safeTxHash"]
                    .as_str()
                    .and_then(|h| h.parse().ok())
                    .ok_or_else(|| malformed("a transaction without its safeTxHash"))?;
                let nonce = match &tx["nonce"] {
                    Value::Number(n) => n.as_u64().map(U256::from),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                }
                .ok_or_else(|| malformed("a transaction without its nonce"))?;
                let confirmations = tx["confirmations"]
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(|c| {
                                let owner: Address = c["owner"].as_str()?.parse().ok()?;
                                parse_signature(owner, c["signature"].as_str()?)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(ServiceTx {
                    safe_tx_hash,
                    nonce,
                    confirmations,
                })
            })
            .collect()
    }

    /// The Safe as the service knows it.
    pub async fn safe(&self, safe: Address) -> Result<ServiceSafe, ServiceError> {
        let what = "the Safe";
        let value = self
            .request(
                what,
                &format!("/api/v1/safes/{}/", safe.to_checksum(None)),
                None,
            )
            .await?;
        let malformed = |reason: String| ServiceError::Malformed {
            what: what.to_owned(),
            reason,
        };
        let nonce = match &value["nonce"] {
            Value::Number(n) => n.as_u64().map(U256::from),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| malformed("no nonce".into()))?;
        let threshold = value["threshold"]
            .as_u64()
            .ok_or_else(|| malformed("no threshold".into()))?;
        let owners = value["owners"]
            .as_array()
            .ok_or_else(|| malformed("no owners".into()))?
            .iter()
            .map(|o| {
                o.as_str()
                    .and_then(|o| o.parse().ok())
                    .ok_or_else(|| malformed(format!("owner {o} is not an address")))
            })
            .collect::<Result<_, _>>()?;
        Ok(ServiceSafe {
            nonce,
            threshold,
            owners,
        })
    }
}
