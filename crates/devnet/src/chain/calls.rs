//! Calls, estimates, traces and access lists on the state at a block,
//! never committing anything.

use super::*;

impl Chain {
    /// Executes a call without committing it. A call that names no gas
    /// price runs with a zero base fee, as geth's `eth_call` does.
    pub fn call(&self, input: &TxInput, number: Option<u64>) -> Result<Execution> {
        let (state, context) = self.call_setting(input, number)?;
        state
            .simulate(&self.env, &context, input)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// The state and block context a call on block `number` (the latest
    /// state and the next block's context for `None`) runs in; a call that
    /// names no gas price runs with a zero base fee, as on geth. The state
    /// is borrowed where it can be: a call copies nothing.
    pub(super) fn call_setting(
        &self,
        input: &TxInput,
        number: Option<u64>,
    ) -> Result<(Cow<'_, State>, BlockContext)> {
        let (state, mut context) = match number {
            Some(n) => (
                self.state_at(n)
                    .ok_or_else(|| DevnetError::Rejected(format!("header not found: block {n}")))?,
                self.block_context(n)
                    .unwrap_or_else(|| self.next_block_context()),
            ),
            None => (Cow::Borrowed(&self.state), self.next_block_context()),
        };
        if input.gas_price == 0 {
            context.base_fee = 0;
        }
        Ok((state, context))
    }

    /// `debug_traceCall`: traces a call on block `number` (latest for
    /// `None`) with geth's tracer `options`.
    pub fn trace_call(
        &self,
        input: &TxInput,
        number: Option<u64>,
        options: &slipway_evm::geth_trace::GethDebugTracingOptions,
    ) -> Result<slipway_evm::geth_trace::GethTrace> {
        let (state, context) = self.call_setting(input, number)?;
        state
            .into_owned()
            .trace(&self.env, &context, input, options)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// `debug_traceTransaction`: re-executes the transactions before
    /// `hash` in its block on the state before that block, then traces it.
    /// `None` for a transaction not mined.
    pub fn trace_transaction(
        &self,
        hash: &B256,
        options: &slipway_evm::geth_trace::GethDebugTracingOptions,
    ) -> Result<Option<slipway_evm::geth_trace::GethTrace>> {
        let Some(location) = self.tx_location(hash) else {
            return Ok(None);
        };
        let block = self
            .blocks
            .full(location.block)
            .ok_or(DevnetError::Inconsistent {
                dir: None,
                problem: Inconsistency::MissingBlock(location.block),
            })?;
        let context = self
            .block_context(location.block)
            .unwrap_or_else(|| self.next_block_context());
        let mut state = self
            .state_at(location.block.saturating_sub(1))
            .ok_or(DevnetError::Inconsistent {
                dir: None,
                problem: Inconsistency::MissingBlock(location.block - 1),
            })?
            .into_owned();
        for earlier in &block.transactions[..location.index] {
            let input = tx_input(&earlier.envelope, earlier.sender);
            // Its outcome is in the block already; only its changes matter.
            let _ = state.transact(&self.env, &context, &input, true);
        }
        let target = &block.transactions[location.index];
        let input = tx_input(&target.envelope, target.sender);
        state
            .trace(&self.env, &context, &input, options)
            .map(Some)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// `eth_createAccessList` on block `number` (latest for `None`).
    pub fn create_access_list(
        &self,
        input: &TxInput,
        number: Option<u64>,
    ) -> Result<(alloy_rpc_types_eth::AccessList, Execution)> {
        let (state, context) = self.call_setting(input, number)?;
        state
            .into_owned()
            .create_access_list(&self.env, &context, input)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// Executes a call on a given state (state overrides).
    pub fn call_on(&self, state: &mut State, input: &TxInput) -> Result<Execution> {
        let mut context = self.next_block_context();
        if input.gas_price == 0 {
            context.base_fee = 0;
        }
        state
            .transact(&self.env, &context, input, false)
            .map_err(|e| DevnetError::Rejected(e.to_string()))
    }

    /// The smallest gas limit with which `input` succeeds (binary search).
    pub fn estimate_gas(
        &self,
        input: &TxInput,
        number: Option<u64>,
    ) -> Result<std::result::Result<u64, Execution>> {
        let mut probe = input.clone();
        probe.gas_limit = self.call_gas_cap();
        let full = self.call(&probe, number)?;
        if !full.is_success() {
            return Ok(Err(full));
        }
        let mut low = full.gas_used.saturating_sub(1);
        let mut high = self.call_gas_cap();
        while low + 1 < high {
            let mid = low + (high - low) / 2;
            probe.gas_limit = mid;
            match self.call(&probe, number) {
                Ok(o) if o.is_success() => high = mid,
                _ => low = mid,
            }
        }
        Ok(Ok(high))
    }
}
