//! The inspector that runs under every test: it answers calls to the
//! forge-std `Vm` address and collects `console.log` output. A cheatcode it
//! does not implement reverts the calling test with a message naming the
//! selector, so a test can never pass by silently skipping one.

use alloy_primitives::{Address, Bytes, address};
use alloy_sol_types::{Revert, SolError};
use revm::{
    Inspector,
    context_interface::ContextTr,
    interpreter::{
        CallInputs, CallOutcome, Gas, InstructionResult, InterpreterResult, InterpreterTypes,
    },
};
use slipway_evm::ConsoleCollector;

/// Where forge-std's `Vm` lives: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
pub const CHEATCODE_ADDRESS: Address = address!("7109709ECfa91a80626fF3989D68f67F5b1DD12D");

/// Per-test inspector state.
#[derive(Debug, Default)]
pub(crate) struct TestInspector {
    pub(crate) console: ConsoleCollector,
}

fn revert(inputs: &CallInputs, message: String) -> CallOutcome {
    let output: Bytes = Revert { reason: message }.abi_encode().into();
    CallOutcome::new(
        InterpreterResult::new(
            InstructionResult::Revert,
            output,
            Gas::new(inputs.gas_limit),
        ),
        inputs.return_memory_offset.clone(),
    )
}

impl<CTX: ContextTr, INTR: InterpreterTypes> Inspector<CTX, INTR> for TestInspector {
    fn call(&mut self, context: &mut CTX, inputs: &mut CallInputs) -> Option<CallOutcome> {
        if inputs.target_address == CHEATCODE_ADDRESS {
            let data = inputs.input.bytes(context);
            let selector = data
                .get(..4)
                .map(alloy_primitives::hex::encode)
                .unwrap_or_default();
            return Some(revert(
                inputs,
                format!("unknown cheatcode: selector 0x{selector} is not implemented by slipway"),
            ));
        }
        <ConsoleCollector as Inspector<CTX, INTR>>::call(&mut self.console, context, inputs)
    }
}
