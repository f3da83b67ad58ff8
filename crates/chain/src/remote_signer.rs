//! The JSON-RPC side of external signers ([`slipway_keys::SignerTransport`]):
//! `eth_signTransaction`, `eth_signTypedData_v4` and `personal_sign` as
//! Web3Signer, Frame, geth and anvil answer them, or Clef's `account_*`
//! methods. slipway-keys checks every answer; this module only asks.

use std::{sync::Arc, time::Duration};

use alloy_consensus::TypedTransaction;
use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address, Bytes, hex};
use alloy_rpc_types_eth::TransactionRequest;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use slipway_config::{Environment, ExternalApi, RpcUrl, Vars};
use slipway_keys::{
    ChainSigner, Password, RemoteFailure, SignerContext, SignerError, SignerTransport,
};

use crate::Providers;

/// How long a remote signer may take: a hardware wallet or an HSM waits for
/// a person or a queue.
const SIGNER_TIMEOUT: Duration = Duration::from_secs(120);

/// An external signer reached over HTTP(S) through slipway-net.
struct JsonRpcSigner {
    providers: Providers,
    api: ExternalApi,
    shown: String,
}

fn failure(e: impl std::error::Error + Send + Sync + 'static) -> RemoteFailure {
    RemoteFailure(Box::new(e))
}

/// A hex string answer (`"0x…"`) as bytes.
fn hex_answer(value: &Value) -> Result<Bytes, RemoteFailure> {
    let text = value
        .as_str()
        .ok_or_else(|| RemoteFailure(format!("expected a hex string, got {value}").into()))?;
    hex::decode(text)
        .map(Bytes::from)
        .map_err(|e| RemoteFailure(format!("not hex: {e}").into()))
}

impl JsonRpcSigner {
    async fn ask(&self, method: &str, params: Value) -> Result<Value, RemoteFailure> {
        self.providers
            .request::<Value>(method, params)
            .await
            .map_err(failure)
    }
}

impl SignerTransport for JsonRpcSigner {
    fn sign_transaction<'a>(
        &'a self,
        from: Address,
        tx: &'a TypedTransaction,
    ) -> BoxFuture<'a, Result<Bytes, RemoteFailure>> {
        Box::pin(async move {
            let request = TransactionRequest::from_transaction(tx.clone()).from(from);
            let request = serde_json::to_value(&request).map_err(failure)?;
            match self.api {
                ExternalApi::Eth => {
                    hex_answer(&self.ask("eth_signTransaction", json!([request])).await?)
                }
                // Clef answers `{ raw, tx }`.
                ExternalApi::Clef => {
                    let answer = self
                        .ask("account_signTransaction", json!([request]))
                        .await?;
                    hex_answer(answer.get("raw").unwrap_or(&Value::Null))
                }
            }
        })
    }

    fn sign_typed_data<'a>(
        &'a self,
        from: Address,
        typed: &'a TypedData,
    ) -> BoxFuture<'a, Result<Bytes, RemoteFailure>> {
        Box::pin(async move {
            let typed = serde_json::to_value(typed).map_err(failure)?;
            let method = match self.api {
                ExternalApi::Eth => "eth_signTypedData_v4",
                ExternalApi::Clef => "account_signTypedData",
            };
            hex_answer(&self.ask(method, json!([from, typed])).await?)
        })
    }

    fn sign_message<'a>(
        &'a self,
        from: Address,
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<Bytes, RemoteFailure>> {
        Box::pin(async move {
            let data = hex::encode_prefixed(message);
            let answer = match self.api {
                ExternalApi::Eth => self.ask("personal_sign", json!([data, from])).await?,
                ExternalApi::Clef => {
                    self.ask("account_signData", json!(["text/plain", from, data]))
                        .await?
                }
            };
            hex_answer(&answer)
        })
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }
}

/// The transport to the external signer at `url`.
pub fn signer_transport(
    url: &RpcUrl,
    api: ExternalApi,
) -> Result<Arc<dyn SignerTransport>, SignerError> {
    let providers = Providers::new(vec![url.clone()], SIGNER_TIMEOUT)
        .map_err(|e| SignerError::Sign(format!("cannot reach the external signer: {e}")))?;
    Ok(Arc::new(JsonRpcSigner {
        providers,
        api,
        shown: url.redacted(),
    }))
}

/// Signer `name` of `env`, with external signers reached over this crate's
/// JSON-RPC transport; keystore passwords from `vars` or `ask`.
pub fn resolve_signer(
    env: &Environment,
    name: &str,
    vars: &Vars,
    ask: &dyn Fn(&str) -> Result<Password, SignerError>,
) -> Result<ChainSigner, SignerError> {
    slipway_keys::resolve(
        env,
        name,
        &SignerContext {
            vars,
            ask,
            remote: &signer_transport,
        },
    )
}
