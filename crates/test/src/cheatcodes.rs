//! The inspector that runs under every test: it answers calls to the
//! forge-std `Vm` address and collects `console.log` output. A cheatcode it
//! does not implement reverts the calling test with a message naming the
//! selector, so a test can never pass by silently skipping one.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, Bytes, U256, address};
use alloy_sol_types::{Revert, SolError, SolInterface, SolValue, sol};
use revm::{
    Inspector,
    bytecode::Bytecode,
    context::{BlockEnv, CfgEnv, Context, Journal, TxEnv},
    context_interface::journaled_state::{JournalTr, account::JournaledAccountTr},
    database::{CacheDB, EmptyDB},
    interpreter::{CallInputs, CallOutcome, Gas, InstructionResult, InterpreterResult},
};
use slipway_evm::ConsoleCollector;

/// Where forge-std's `Vm` lives: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
pub const CHEATCODE_ADDRESS: Address = address!("7109709ECfa91a80626fF3989D68f67F5b1DD12D");

sol! {
    /// The cheatcodes implemented so far, with forge-std's signatures.
    interface Vm {
        function warp(uint256 newTimestamp) external;
        function roll(uint256 newHeight) external;
        function fee(uint256 newBasefee) external;
        function chainId(uint256 newChainId) external;
        function deal(address account, uint256 newBalance) external;
        function etch(address target, bytes newRuntimeBytecode) external;
        function store(address target, bytes32 slot, bytes32 value) external;
        function load(address target, bytes32 slot) external view returns (bytes32 data);
        function addr(uint256 privateKey) external pure returns (address keyAddr);
        function label(address account, string newLabel) external;
    }
}

/// The EVM context tests run in.
type TestContext<'a> = Context<
    BlockEnv,
    TxEnv,
    CfgEnv,
    &'a mut CacheDB<EmptyDB>,
    Journal<&'a mut CacheDB<EmptyDB>>,
    (),
>;

/// Per-test inspector state.
#[derive(Debug, Default)]
pub(crate) struct TestInspector {
    pub(crate) console: ConsoleCollector,
    /// Names given with `vm.label`, for traces.
    pub(crate) labels: HashMap<Address, String>,
}

fn outcome(inputs: &CallInputs, result: InstructionResult, output: Bytes) -> CallOutcome {
    CallOutcome::new(
        InterpreterResult::new(result, output, Gas::new(inputs.gas_limit)),
        inputs.return_memory_offset.clone(),
    )
}

fn revert(inputs: &CallInputs, message: String) -> CallOutcome {
    outcome(
        inputs,
        InstructionResult::Revert,
        Revert { reason: message }.abi_encode().into(),
    )
}

impl TestInspector {
    /// Runs one cheatcode; `Err` is the revert message.
    fn cheat(&mut self, ctx: &mut TestContext<'_>, data: &[u8]) -> Result<Bytes, String> {
        let call = Vm::VmCalls::abi_decode(data).map_err(|_| {
            let selector = data
                .get(..4)
                .map(alloy_primitives::hex::encode)
                .unwrap_or_default();
            format!("unknown cheatcode: selector 0x{selector} is not implemented by slipway")
        })?;
        let db_error = |e: std::convert::Infallible| e.to_string();
        Ok(match call {
            Vm::VmCalls::warp(c) => {
                ctx.block.timestamp = c.newTimestamp;
                Bytes::new()
            }
            Vm::VmCalls::roll(c) => {
                ctx.block.number = c.newHeight;
                Bytes::new()
            }
            Vm::VmCalls::fee(c) => {
                ctx.block.basefee = u64::try_from(c.newBasefee)
                    .map_err(|_| "vm.fee: base fee above 2^64".to_owned())?;
                Bytes::new()
            }
            Vm::VmCalls::chainId(c) => {
                ctx.cfg.chain_id = u64::try_from(c.newChainId)
                    .map_err(|_| "vm.chainId: id above 2^64".to_owned())?;
                Bytes::new()
            }
            Vm::VmCalls::deal(c) => {
                let mut account = ctx
                    .journaled_state
                    .load_account_mut(c.account)
                    .map_err(db_error)?;
                account.data.set_balance(c.newBalance);
                Bytes::new()
            }
            Vm::VmCalls::etch(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                ctx.journaled_state
                    .set_code(c.target, Bytecode::new_raw(c.newRuntimeBytecode));
                Bytes::new()
            }
            Vm::VmCalls::store(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                ctx.journaled_state
                    .sstore(c.target, c.slot.into(), c.value.into())
                    .map_err(db_error)?;
                Bytes::new()
            }
            Vm::VmCalls::load(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                let value: U256 = ctx
                    .journaled_state
                    .sload(c.target, c.slot.into())
                    .map_err(db_error)?
                    .data;
                B256::from(value).abi_encode().into()
            }
            Vm::VmCalls::addr(c) => {
                let key = B256::from(c.privateKey);
                let signer = alloy_signer_local::PrivateKeySigner::from_bytes(&key)
                    .map_err(|_| format!("vm.addr: {} is not a valid private key", c.privateKey))?;
                signer.address().abi_encode().into()
            }
            Vm::VmCalls::label(c) => {
                self.labels.insert(c.account, c.newLabel);
                Bytes::new()
            }
        })
    }
}

impl<'a> Inspector<TestContext<'a>> for TestInspector {
    fn call(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &mut CallInputs,
    ) -> Option<CallOutcome> {
        if inputs.target_address == CHEATCODE_ADDRESS {
            let data = inputs.input.bytes(context);
            return Some(match self.cheat(context, &data) {
                Ok(output) => outcome(inputs, InstructionResult::Return, output),
                Err(message) => revert(inputs, message),
            });
        }
        <ConsoleCollector as Inspector<TestContext<'a>>>::call(&mut self.console, context, inputs)
    }
}
