//! geth's debug tracers — the default struct logger, `callTracer`,
//! `prestateTracer`, `noopTracer` — and `eth_createAccessList`, made by
//! revm-inspectors over slipway's state. Nothing traced is committed.

use alloy_rpc_types_eth::AccessList;
use alloy_rpc_types_trace::geth::{
    GethDebugBuiltInTracerType, GethDebugTracerType, GethDebugTracingOptions, GethTrace, NoopFrame,
};
use revm::context_interface::result::ExecutionResult;
use revm_inspectors::{
    access_list::AccessListInspector,
    tracing::{TracingInspector, TracingInspectorConfig},
};

use crate::{BlockContext, ChainEnv, ExecError, Execution, State, TxInput};

/// Why a trace could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The transaction is not valid on this state.
    #[error(transparent)]
    Exec(#[from] ExecError),
    /// A tracer slipway does not have.
    #[error(
        "{0} is not supported: use the default struct logger, callTracer, prestateTracer or noopTracer"
    )]
    Unsupported(String),
    /// The tracer's configuration does not read.
    #[error("tracerConfig: {0}")]
    Config(#[from] serde_json::Error),
}

fn output(result: &ExecutionResult) -> alloy_primitives::Bytes {
    result.output().cloned().unwrap_or_default()
}

impl State {
    /// Traces `tx` as geth's `debug_traceTransaction` / `debug_traceCall`
    /// would with `options`, changing nothing.
    pub fn trace(
        &mut self,
        env: &ChainEnv,
        block: &BlockContext,
        tx: &TxInput,
        options: &GethDebugTracingOptions,
    ) -> Result<GethTrace, TraceError> {
        let builtin = match &options.tracer {
            None => {
                let config = options.config;
                let mut inspector =
                    TracingInspector::new(TracingInspectorConfig::from_geth_config(&config));
                let done = self.inspect(env, block, tx, &mut inspector)?;
                let frame = inspector.into_geth_builder().geth_traces(
                    done.result.tx_gas_used(),
                    output(&done.result),
                    config,
                );
                return Ok(frame.into());
            }
            Some(GethDebugTracerType::BuiltInTracer(kind)) => kind,
            Some(GethDebugTracerType::JsTracer(_)) => {
                return Err(TraceError::Unsupported("a JavaScript tracer".into()));
            }
        };
        match builtin {
            GethDebugBuiltInTracerType::CallTracer => {
                let config = options.tracer_config.clone().into_call_config()?;
                let mut inspector =
                    TracingInspector::new(TracingInspectorConfig::from_geth_call_config(&config));
                let done = self.inspect(env, block, tx, &mut inspector)?;
                let frame = inspector
                    .into_geth_builder()
                    .geth_call_traces(config, done.result.tx_gas_used());
                Ok(frame.into())
            }
            GethDebugBuiltInTracerType::PreStateTracer => {
                let config = options.tracer_config.clone().into_pre_state_config()?;
                let mut inspector = TracingInspector::new(
                    TracingInspectorConfig::from_geth_prestate_config(&config),
                );
                let done = self.inspect(env, block, tx, &mut inspector)?;
                let frame = inspector
                    .into_geth_builder()
                    .geth_prestate_traces(&done, &config, self.db())
                    .map_err(|e| TraceError::Exec(ExecError::Invalid(e.to_string())))?;
                Ok(frame.into())
            }
            GethDebugBuiltInTracerType::NoopTracer => Ok(NoopFrame::default().into()),
            other => Err(TraceError::Unsupported(format!("{other:?}"))),
        }
    }

    /// `eth_createAccessList`: the addresses and slots `tx` touches (its
    /// sender, recipient and the precompiles left out, as geth does), and
    /// how `tx` runs with that list.
    pub fn create_access_list(
        &mut self,
        env: &ChainEnv,
        block: &BlockContext,
        tx: &TxInput,
    ) -> Result<(AccessList, Execution), ExecError> {
        let given = AccessList(
            tx.access_list
                .iter()
                .map(|(address, keys)| alloy_eips::eip2930::AccessListItem {
                    address: *address,
                    storage_keys: keys.clone(),
                })
                .collect(),
        );
        let mut inspector = AccessListInspector::new(given);
        self.inspect(env, block, tx, &mut inspector)?;
        let list = inspector.into_access_list();
        let mut with_list = tx.clone();
        with_list.access_list = list
            .0
            .iter()
            .map(|item| (item.address, item.storage_keys.clone()))
            .collect();
        if with_list.tx_type == 0 && !with_list.access_list.is_empty() {
            // A legacy transaction carries no access list: EIP-2930's does.
            with_list.tx_type = 1;
        }
        let execution = self.transact(env, block, &with_list, false)?;
        Ok((list, execution))
    }
}
