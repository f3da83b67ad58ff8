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
        function prank(address msgSender) external;
        function prank(address msgSender, address txOrigin) external;
        function startPrank(address msgSender) external;
        function startPrank(address msgSender, address txOrigin) external;
        function stopPrank() external;
        function expectRevert() external;
        function expectRevert(bytes4 revertData) external;
        function expectRevert(bytes revertData) external;
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

/// A `prank`: calls made at `depth` come from `sender`.
#[derive(Debug, Clone)]
struct Prank {
    sender: Address,
    origin: Option<Address>,
    depth: usize,
    /// `prank` (one call) rather than `startPrank` (until `stopPrank`).
    once: bool,
}

/// What `expectRevert` expects of the next call at `depth`.
#[derive(Debug, Clone)]
enum Expected {
    Any,
    Selector([u8; 4]),
    Data(Bytes),
}

#[derive(Debug, Clone)]
struct ExpectRevert {
    expected: Expected,
    depth: usize,
    /// Set once the call it applies to has started.
    armed: bool,
}

/// Per-test inspector state.
#[derive(Debug, Default)]
pub(crate) struct TestInspector {
    pub(crate) console: ConsoleCollector,
    /// Names given with `vm.label`, for traces.
    pub(crate) labels: HashMap<Address, String>,
    prank: Option<Prank>,
    /// The transaction origin to restore after a pranked call.
    saved_origin: Option<Address>,
    expect_revert: Option<ExpectRevert>,
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
            Vm::VmCalls::prank_0(c) => self.start_prank(ctx, c.msgSender, None, true)?,
            Vm::VmCalls::prank_1(c) => {
                self.start_prank(ctx, c.msgSender, Some(c.txOrigin), true)?
            }
            Vm::VmCalls::startPrank_0(c) => self.start_prank(ctx, c.msgSender, None, false)?,
            Vm::VmCalls::startPrank_1(c) => {
                self.start_prank(ctx, c.msgSender, Some(c.txOrigin), false)?
            }
            Vm::VmCalls::stopPrank(_) => {
                self.prank = None;
                Bytes::new()
            }
            Vm::VmCalls::expectRevert_0(_) => self.expect(ctx, Expected::Any)?,
            Vm::VmCalls::expectRevert_1(c) => {
                self.expect(ctx, Expected::Selector(c.revertData.0))?
            }
            Vm::VmCalls::expectRevert_2(c) => self.expect(ctx, Expected::Data(c.revertData))?,
        })
    }

    fn start_prank(
        &mut self,
        ctx: &TestContext<'_>,
        sender: Address,
        origin: Option<Address>,
        once: bool,
    ) -> Result<Bytes, String> {
        if self.prank.as_ref().is_some_and(|p| !p.once) && once {
            return Err("vm.prank: a startPrank is active; call vm.stopPrank first".into());
        }
        self.prank = Some(Prank {
            sender,
            origin,
            depth: ctx.journaled_state.depth(),
            once,
        });
        Ok(Bytes::new())
    }

    fn expect(&mut self, ctx: &TestContext<'_>, expected: Expected) -> Result<Bytes, String> {
        if self.expect_revert.is_some() {
            return Err("vm.expectRevert: the previous expectRevert has not been used yet".into());
        }
        self.expect_revert = Some(ExpectRevert {
            expected,
            depth: ctx.journaled_state.depth(),
            armed: false,
        });
        Ok(Bytes::new())
    }

    /// After a test: an `expectRevert` that no call used is a failure.
    pub(crate) fn unmet_expectation(&self) -> Option<String> {
        self.expect_revert
            .as_ref()
            .map(|_| "vm.expectRevert: no call followed it, so nothing reverted".to_owned())
    }

    /// Applies an armed `expectRevert` to the outcome of its call.
    fn check_revert(&mut self, decoder_hint: &CallOutcome) -> Option<Result<(), String>> {
        let expect = self.expect_revert.take()?;
        let result = decoder_hint.result.result;
        let output = &decoder_hint.result.output;
        if !result.is_revert() {
            return Some(Err("vm.expectRevert: the call did not revert".into()));
        }
        let matches = match &expect.expected {
            Expected::Any => true,
            Expected::Selector(s) => output.get(..4) == Some(s.as_slice()),
            Expected::Data(d) => output == d,
        };
        Some(if matches {
            Ok(())
        } else {
            let wanted = match &expect.expected {
                Expected::Any => String::new(),
                Expected::Selector(s) => format!("0x{}", alloy_primitives::hex::encode(s)),
                Expected::Data(d) => format!("0x{}", alloy_primitives::hex::encode(d)),
            };
            Err(format!(
                "vm.expectRevert: the call reverted with 0x{} but {wanted} was expected",
                alloy_primitives::hex::encode(output)
            ))
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
        let depth = context.journaled_state.depth();
        if let Some(prank) = self.prank.clone().filter(|p| p.depth == depth) {
            inputs.caller = prank.sender;
            if let Some(origin) = prank.origin {
                self.saved_origin = Some(context.tx.caller);
                context.tx.caller = origin;
            }
            if prank.once {
                self.prank = None;
            }
        }
        if let Some(expect) = self
            .expect_revert
            .as_mut()
            .filter(|e| e.depth == depth && !e.armed)
        {
            expect.armed = true;
        }
        <ConsoleCollector as Inspector<TestContext<'a>>>::call(&mut self.console, context, inputs)
    }

    fn call_end(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &CallInputs,
        outcome: &mut CallOutcome,
    ) {
        if inputs.target_address == CHEATCODE_ADDRESS {
            return;
        }
        let depth = context.journaled_state.depth();
        if let Some(origin) = self.saved_origin.take() {
            context.tx.caller = origin;
        }
        let armed_here = self
            .expect_revert
            .as_ref()
            .is_some_and(|e| e.armed && e.depth == depth);
        if armed_here {
            match self.check_revert(outcome) {
                Some(Ok(())) => {
                    // The expected revert happened: the caller sees success.
                    outcome.result.result = InstructionResult::Return;
                    outcome.result.output = Bytes::new();
                }
                Some(Err(message)) => {
                    outcome.result.result = InstructionResult::Revert;
                    outcome.result.output = Revert { reason: message }.abi_encode().into();
                }
                None => {}
            }
        }
    }
}
