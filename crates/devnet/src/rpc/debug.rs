//! geth's debug API: `debug_traceTransaction` and `debug_traceCall`, with
//! the default struct logger, `callTracer`, `prestateTracer` and
//! `noopTracer` (revm-inspectors, through slipway-evm).

use std::sync::Arc;

use alloy_eips::BlockId;
use alloy_primitives::B256;
use alloy_rpc_types_eth::TransactionRequest;
use serde_json::Value;
use slipway_evm::geth_trace::GethDebugTracingOptions;

use super::{
    Ctx,
    error::RpcError,
    eth::{call_input, resolve_block},
    params::Params,
};

const OPTIONS: &str = "tracing options {tracer, tracerConfig, disableStack, enableMemory, …}";

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(|e| RpcError::internal(e.to_string()))
}

pub(crate) fn dispatch(
    ctx: &Arc<Ctx>,
    method: &str,
    p: &Params<'_>,
) -> Option<Result<Value, RpcError>> {
    let node = &ctx.node;
    Some(match method {
        "debug_traceTransaction" => (|| {
            let hash: B256 = p.required(0, "hash", "a transaction hash")?;
            let options: GethDebugTracingOptions =
                p.optional(1, "options", OPTIONS)?.unwrap_or_default();
            node.read(|c| c.trace_transaction(&hash, &options))
                .map_err(|e| RpcError::server(e.to_string()))?
                .map_or_else(
                    || Err(RpcError::server(format!("transaction {hash} not found"))),
                    to_json,
                )
        })(),
        "debug_traceCall" => (|| {
            let req: TransactionRequest =
                p.required(0, "transaction", "a call object {from, to, data, …}")?;
            let block: Option<BlockId> = p.optional(1, "block", "a block number, tag or hash")?;
            let options: GethDebugTracingOptions =
                p.optional(2, "options", OPTIONS)?.unwrap_or_default();
            node.read(|c| {
                let number = resolve_block(c, block)?;
                let input = call_input(&req, c.call_gas_cap());
                c.trace_call(&input, number, &options)
                    .map_err(|e| RpcError::server(e.to_string()))
            })
            .and_then(to_json)
        })(),
        _ => return None,
    })
}
