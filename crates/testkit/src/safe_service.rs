//! A stand-in for the Safe Transaction Service, which cannot run here: the
//! four endpoints slipway uses, as Safe's API documents them, over plain
//! HTTP on a free loopback port (put stunnel in front for TLS), with
//! transactions kept in memory. Safe's own client (npm
//! `@safe-global/api-kit`) is pointed at it by the tests to check that it
//! answers as the real service does. It verifies nothing: the client
//! checks every signature it reads back.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use serde_json::{Value, json};

/// What the stand-in holds.
#[derive(Debug, Default)]
struct Held {
    /// The Safe's answer to `GET /api/v1/safes/{safe}/`, by lowercase
    /// address.
    safes: BTreeMap<String, Value>,
    /// Transactions by safeTxHash (lowercase), in the documented shape.
    txs: BTreeMap<String, Value>,
    /// The `Authorization` headers seen, to check the API key was sent.
    authorizations: Vec<String>,
}

type Shared = Arc<Mutex<Held>>;

/// The stand-in, serving until dropped (its runtime thread ends with the
/// process).
#[derive(Debug)]
pub struct SafeServiceStandIn {
    addr: SocketAddr,
    held: Shared,
}

fn lock(held: &Shared) -> std::sync::MutexGuard<'_, Held> {
    held.lock().unwrap_or_else(|e| e.into_inner())
}

/// The signer of a 65-byte signature over `hash`: `v` 27/28 the hash
/// itself, 31/32 its eth_sign message, 1 the owner in `r`.
fn recover(hash: &str, signature: &str) -> Option<String> {
    let hash: alloy_primitives::B256 = hash.parse().ok()?;
    let bytes: alloy_primitives::Bytes = signature.parse().ok()?;
    if bytes.len() != 65 {
        return None;
    }
    let v = bytes[64];
    if v == 1 {
        return Some(alloy_primitives::Address::from_slice(&bytes[12..32]).to_checksum(None));
    }
    let r = alloy_primitives::U256::from_be_slice(&bytes[..32]);
    let s = alloy_primitives::U256::from_be_slice(&bytes[32..64]);
    let (digest, parity) = match v {
        27 | 28 => (hash, v == 28),
        31 | 32 => (alloy_primitives::eip191_hash_message(hash), v == 32),
        _ => return None,
    };
    alloy_primitives::Signature::new(r, s, parity)
        .recover_address_from_prehash(&digest)
        .ok()
        .map(|a| a.to_checksum(None))
}

fn now() -> String {
    "2026-12-07T00:00:00Z".into()
}

async fn propose(
    State(held): State<Shared>,
    headers: axum::http::HeaderMap,
    Path(safe): Path<String>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut held = lock(&held);
    if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        held.authorizations.push(auth.to_owned());
    }
    let Some(hash) = body["contractTransactionHash"]
        .as_str()
        .map(str::to_lowercase)
    else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"contractTransactionHash": ["This field is required."]})),
        );
    };
    let signer = recover(&hash, body["signature"].as_str().unwrap_or_default());
    let sender = body["sender"].as_str().unwrap_or_default();
    if signer
        .as_deref()
        .is_none_or(|s| !s.eq_ignore_ascii_case(sender))
    {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(
                json!({"nonFieldErrors": [format!("Signature={} for owner={sender} is not valid", body["signature"])]}),
            ),
        );
    }
    let nonce = match &body["nonce"] {
        Value::String(s) => s.parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    let Some(nonce) = nonce else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"nonce": ["A valid integer is required."]})),
        );
    };
    let threshold = held
        .safes
        .get(&safe.to_lowercase())
        .and_then(|s| s["threshold"].as_u64())
        .unwrap_or(1);
    let tx = json!({
        "safe": safe,
        "to": body["to"],
        "value": body["value"],
        "data": body["data"],
        "operation": body["operation"],
        "gasToken": body["gasToken"],
        "safeTxGas": body["safeTxGas"],
        "baseGas": body["baseGas"],
        "gasPrice": body["gasPrice"],
        "refundReceiver": body["refundReceiver"],
        "nonce": nonce.to_string(),
        "executionDate": null,
        "submissionDate": now(),
        "modified": now(),
        "blockNumber": null,
        "transactionHash": null,
        "safeTxHash": hash,
        "proposer": body["sender"],
        "proposedByDelegate": null,
        "executor": null,
        "isExecuted": false,
        "isSuccessful": null,
        "ethGasPrice": null,
        "maxFeePerGas": null,
        "maxPriorityFeePerGas": null,
        "gasUsed": null,
        "fee": null,
        "origin": body["origin"],
        "dataDecoded": null,
        "confirmationsRequired": threshold,
        "confirmations": [{
            "owner": body["sender"],
            "submissionDate": now(),
            "transactionHash": null,
            "signature": body["signature"],
            "signatureType": "EOA",
        }],
        "trusted": true,
        "signatures": null,
    });
    held.txs.insert(hash, tx);
    (StatusCode::CREATED, Json(Value::Null))
}

async fn confirm(
    State(held): State<Shared>,
    Path(hash): Path<String>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut held = lock(&held);
    let Some(tx) = held.txs.get_mut(&hash.to_lowercase()) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"detail": "No MultisigTransaction matches the given query."})),
        );
    };
    let signature = body["signature"].as_str().unwrap_or_default().to_owned();
    // As the real service does, the owner is recovered from the signature.
    let Some(owner) = recover(&hash, &signature) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"signature": ["Signature is not valid"]})),
        );
    };
    if let Some(list) = tx["confirmations"].as_array_mut() {
        list.push(json!({
            "owner": owner,
            "submissionDate": now(),
            "transactionHash": null,
            "signature": signature,
            "signatureType": "EOA",
        }));
    }
    (StatusCode::CREATED, Json(json!({"signature": signature})))
}

async fn pending(
    State(held): State<Shared>,
    Path(safe): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Json<Value> {
    let held = lock(&held);
    let from: u64 = query
        .get("nonce__gte")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let executed = query.get("executed").map(String::as_str);
    let results: Vec<Value> = held
        .txs
        .values()
        .filter(|tx| {
            tx["safe"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(&safe))
        })
        .filter(|tx| {
            tx["nonce"]
                .as_str()
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n >= from)
        })
        .filter(|tx| executed != Some("false") || tx["isExecuted"] == false)
        .cloned()
        .collect();
    Json(json!({
        "count": results.len(),
        "next": null,
        "previous": null,
        "results": results,
        "countUniqueNonce": results.len(),
    }))
}

async fn safe_info(
    State(held): State<Shared>,
    Path(safe): Path<String>,
) -> (StatusCode, Json<Value>) {
    match lock(&held).safes.get(&safe.to_lowercase()) {
        Some(info) => (StatusCode::OK, Json(info.clone())),
        None => (
            StatusCode::NOT_FOUND,
            Json(
                json!({"code": 1, "message": "Checksum address validation failed", "arguments": [safe]}),
            ),
        ),
    }
}

impl SafeServiceStandIn {
    /// Starts it on a free loopback port, on its own runtime thread.
    pub fn start() -> Self {
        let held: Shared = Arc::new(Mutex::new(Held::default()));
        let app = Router::new()
            .route(
                "/api/v2/safes/{safe}/multisig-transactions/",
                post(propose).get(pending),
            )
            .route(
                "/api/v1/multisig-transactions/{hash}/confirmations/",
                post(confirm),
            )
            .route("/api/v1/safes/{safe}/", get(safe_info))
            .with_state(held.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("addr");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, app).await;
            });
        });
        Self { addr, held }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Makes it know `safe` (the answer of `GET /api/v1/safes/{safe}/`).
    pub fn add_safe(&self, safe: &str, nonce: u64, threshold: u64, owners: &[String]) {
        lock(&self.held).safes.insert(
            safe.to_lowercase(),
            json!({
                "address": safe,
                "nonce": nonce.to_string(),
                "threshold": threshold,
                "owners": owners,
                "masterCopy": "0x0000000000000000000000000000000000000000",
                "modules": [],
                "fallbackHandler": "0x0000000000000000000000000000000000000000",
                "guard": "0x0000000000000000000000000000000000000000",
                "version": "1.5.0",
            }),
        );
    }

    /// The transaction with `safe_tx_hash`, as it would be served.
    pub fn transaction(&self, safe_tx_hash: &str) -> Option<Value> {
        lock(&self.held)
            .txs
            .get(&safe_tx_hash.to_lowercase())
            .cloned()
    }

    /// Adds a confirmation as an owner's wallet would post it.
    pub fn add_confirmation(&self, safe_tx_hash: &str, owner: &str, signature: &str) -> bool {
        let mut held = lock(&self.held);
        let Some(list) = held
            .txs
            .get_mut(&safe_tx_hash.to_lowercase())
            .and_then(|tx| tx["confirmations"].as_array_mut())
        else {
            return false;
        };
        list.push(json!({
            "owner": owner,
            "submissionDate": now(),
            "transactionHash": null,
            "signature": signature,
            "signatureType": "EOA",
        }));
        true
    }

    /// The `Authorization` headers the proposals came with.
    pub fn authorizations(&self) -> Vec<String> {
        lock(&self.held).authorizations.clone()
    }
}
