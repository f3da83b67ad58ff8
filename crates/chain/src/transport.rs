//! The two ways a [`crate::ChainClient`] reaches a chain, as transports
//! under alloy's typed provider: the failover [`Providers`] (HTTP(S) and
//! WebSocket, ranked by health), and the embedded dev chain in this process
//! (no socket: requests go straight to its JSON-RPC handler).

use std::{
    sync::Arc,
    task::{Context, Poll},
};

use alloy_json_rpc::{
    ErrorPayload, RequestPacket, Response, ResponsePacket, ResponsePayload, SerializedRequest,
};
use alloy_transport::{TransportError, TransportErrorKind, TransportFut};
use serde_json::Value;
use slipway_devnet::rpc::Ctx;

use crate::{ProviderError, Providers};

/// The failover providers as a transport.
#[derive(Clone, Debug)]
pub(crate) struct Failover(pub(crate) Arc<Providers>);

fn raw(value: &Value) -> Result<Box<serde_json::value::RawValue>, TransportError> {
    serde_json::value::to_raw_value(value).map_err(TransportErrorKind::custom)
}

async fn one(
    providers: &Providers,
    request: SerializedRequest,
) -> Result<Response, TransportError> {
    let params = match request.params() {
        Some(params) => serde_json::from_str(params.get()).map_err(TransportErrorKind::custom)?,
        None => Value::Array(Vec::new()),
    };
    let payload = match providers.request::<Value>(request.method(), params).await {
        Ok(result) => ResponsePayload::Success(raw(&result)?),
        Err(ProviderError::Rpc {
            code,
            message,
            revert,
            ..
        }) => ResponsePayload::Failure(ErrorPayload {
            code,
            message: message.into(),
            // Revert data travels as the hex string nodes send.
            data: revert
                .map(|bytes| raw(&Value::String(bytes.to_string())))
                .transpose()?,
        }),
        // Every provider failed: the typed error travels inside the
        // transport error and is recovered by the client.
        Err(other) => return Err(TransportErrorKind::custom(other)),
    };
    Ok(Response {
        id: request.id().clone(),
        payload,
    })
}

impl tower::Service<RequestPacket> for Failover {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        let providers = self.0.clone();
        Box::pin(async move {
            match packet {
                RequestPacket::Single(request) => {
                    Ok(ResponsePacket::Single(one(&providers, request).await?))
                }
                RequestPacket::Batch(requests) => {
                    let mut answers = Vec::with_capacity(requests.len());
                    for request in requests {
                        answers.push(one(&providers, request).await?);
                    }
                    Ok(ResponsePacket::Batch(answers))
                }
            }
        })
    }
}

/// The embedded dev chain of this process as a transport.
#[derive(Clone, Debug)]
pub(crate) struct InProcess(pub(crate) Arc<Ctx>);

impl tower::Service<RequestPacket> for InProcess {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        let ctx = self.0.clone();
        Box::pin(async move {
            let body = packet.serialize().map_err(TransportErrorKind::custom)?;
            // The chain's work is synchronous (revm): off the async threads.
            let answer = tokio::task::spawn_blocking(move || {
                slipway_devnet::rpc::handle_body(&ctx, body.get().as_bytes())
            })
            .await
            .map_err(TransportErrorKind::custom)?
            .ok_or_else(|| TransportErrorKind::custom_str("the dev chain gave no answer"))?;
            serde_json::from_value(answer).map_err(TransportErrorKind::custom)
        })
    }
}
