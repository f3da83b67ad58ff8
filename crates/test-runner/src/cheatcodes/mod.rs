//! The inspector that runs under every test: it answers calls to the
//! forge-std `Vm` address, applies pranks, mocks and expectations to the
//! calls the test makes, and collects `console.log` output (and, when asked,
//! a call trace). A cheatcode it does not implement reverts the calling test
//! with a message naming the selector, so a test can never pass by silently
//! skipping one.

mod expect;
mod mock;
mod snapshot;
mod strings;

use slipway_contracts::Decoder;
use std::{collections::HashMap, sync::Arc};

use alloy_primitives::{Address, B256, Bytes, Log, U256, address};
use alloy_signer::SignerSync;
use alloy_sol_types::{Revert, SolCall, SolError, SolInterface, sol};
use revm::{
    Inspector,
    bytecode::Bytecode,
    context::{BlockEnv, CfgEnv, Context, Journal, TxEnv},
    context_interface::journaled_state::{JournalTr, account::JournaledAccountTr},
    database::{CacheDB, EmptyDB},
    interpreter::{
        CallInputs, CallOutcome, CallScheme, CreateInputs, CreateOutcome, Gas, InstructionResult,
        Interpreter, InterpreterResult, interpreter_types::Jumps,
    },
};
use slipway_evm::ConsoleCollector;

use crate::{
    coverage::{CoverageRecorder, FrameCode},
    gas::{RawGasRecord, call_intrinsic, create_intrinsic, transaction_gas},
    trace::{CallKind, Tracer},
};
use expect::{EmitQueue, ExpectRevert, ExpectedCall, RevertData};
use mock::{Mock, Mocks};
use snapshot::{Snapshot, Snapshots};

/// Where forge-std's `Vm` lives: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
pub const CHEATCODE_ADDRESS: Address = address!("7109709ECfa91a80626fF3989D68f67F5b1DD12D");

// The signatures come from the test library's own `Vm.sol`, so the
// interface tests compile against and the one answered here cannot drift.
sol!("../../contracts/lib/slipway-std/Vm.sol");

/// What a call whose revert was expected returns to its caller.
static EXPECTED_REVERT_OUTPUT: [u8; 8192] = [0; 8192];

/// What a creation whose revert was expected gives its caller: an address
/// that is not zero, so that Solidity's check of `new` passes.
const EXPECTED_REVERT_CREATED: Address = address!("0000000000000000000000000000000000000001");

/// The EVM context tests run in.
type TestContext<'a> = Context<
    BlockEnv,
    TxEnv,
    CfgEnv,
    &'a mut CacheDB<EmptyDB>,
    Journal<&'a mut CacheDB<EmptyDB>>,
    (),
>;

/// Variables the `vm.env*` cheatcodes read (the process environment and
/// the project's `.env`, gathered by the caller).
pub type TestEnv = Arc<HashMap<String, String>>;

/// Records the calls and creations a test function makes itself (journal
/// depth 1) as the transactions they would be (see `gas.rs`).
#[derive(Debug, Default)]
pub(crate) struct GasRecorder {
    open: Option<(Address, Bytes)>,
    pub(crate) records: Vec<RawGasRecord>,
}

/// `console.log`'s address.
const CONSOLE_ADDRESS: Address = address!("000000000000000000636F6e736F6c652e6c6f67");

/// Makes the state look as a transaction of its own would find it: every
/// account (but `keep`) and storage slot touched so far cold, every slot's
/// value the one it started with (what SSTORE prices against: a slot written
/// earlier in the test is not "dirty" for a new transaction), and transient
/// storage empty.
fn cool_down(ctx: &mut TestContext<'_>, keep: &[Address]) {
    let inner = &mut ctx.journaled_state.inner;
    for (address, account) in inner.state.iter_mut() {
        if !keep.contains(address) {
            account.mark_cold();
        }
        for slot in account.storage.values_mut() {
            slot.mark_cold();
            slot.original_value = slot.present_value;
        }
    }
    inner.transient_storage.clear();
}

/// A `prank`: calls made at `depth` come from `sender`.
#[derive(Debug, Clone)]
struct Prank {
    sender: Address,
    origin: Option<Address>,
    depth: usize,
    /// `prank` (one call) rather than `startPrank` (until `stopPrank`).
    once: bool,
}

/// What a test run learnt that later runs from the same state need:
/// names given with `vm.label` and the code each contract was created from.
#[derive(Debug, Default, Clone)]
pub struct AddressBook {
    /// `vm.label` names.
    pub labels: HashMap<Address, String>,
    /// Contracts created, with their creation code.
    pub created: Vec<(Address, Bytes)>,
}

/// Per-test inspector state; `'d` is the decoder's lifetime.
#[derive(Debug, Default)]
pub(crate) struct TestInspector<'d> {
    /// Names events in failure messages.
    decoder: Option<&'d Decoder>,
    pub(crate) console: ConsoleCollector,
    pub(crate) names: AddressBook,
    /// Set when `vm.assume(false)` rejected the input.
    pub(crate) rejected: bool,
    pub(crate) tracer: Option<Tracer>,
    /// Calls and creations of the test priced as transactions (gas report).
    pub(crate) gas: Option<GasRecorder>,
    /// Instruction counts (coverage).
    pub(crate) coverage: Option<CoverageRecorder>,
    /// The block and chain id as the run left them (`warp`, `roll`, `fee`,
    /// `chainId`): the tests of a contract start where `setUp` left them.
    pub(crate) final_block: Option<(BlockEnv, u64)>,
    env: TestEnv,
    prank: Option<Prank>,
    /// The transaction origin to restore after a pranked call.
    saved_origin: Option<Address>,
    expect_revert: Option<ExpectRevert>,
    emits: EmitQueue,
    expected_calls: Vec<ExpectedCall>,
    mocks: Mocks,
    recorded_logs: Option<Vec<Log>>,
    snapshots: Snapshots,
}

fn outcome(inputs: &CallInputs, result: InstructionResult, output: Bytes) -> CallOutcome {
    CallOutcome::new(
        InterpreterResult::new(result, output, Gas::new(inputs.gas_limit)),
        inputs.return_memory_offset.clone(),
    )
}

fn revert_data(message: String) -> Bytes {
    Revert { reason: message }.abi_encode().into()
}

fn unknown_selector(data: &[u8]) -> String {
    let selector = data
        .get(..4)
        .map(alloy_primitives::hex::encode)
        .unwrap_or_default();
    format!("unknown cheatcode: selector 0x{selector} is not implemented by slipway")
}

impl<'d> TestInspector<'d> {
    /// An inspector for a run that starts from a state where `names` were
    /// learnt (the state after `setUp`), reading `env`.
    pub(crate) fn new(decoder: &'d Decoder, names: AddressBook, env: TestEnv, trace: bool) -> Self {
        Self {
            decoder: Some(decoder),
            names,
            env,
            tracer: trace.then(Tracer::default),
            gas: None,
            coverage: None,
            ..Self::default()
        }
    }

    /// Runs one cheatcode; `Err` is the revert message.
    fn cheat(&mut self, ctx: &mut TestContext<'_>, data: &[u8]) -> Result<Bytes, String> {
        use Vm::VmCalls as C;
        let call = C::abi_decode(data).map_err(|_| unknown_selector(data))?;
        let db_error = |e: std::convert::Infallible| e.to_string();
        let depth = ctx.journaled_state.depth();
        Ok(match call {
            C::warp(c) => {
                ctx.block.timestamp = c.newTimestamp;
                Bytes::new()
            }
            C::roll(c) => {
                ctx.block.number = c.newHeight;
                Bytes::new()
            }
            C::fee(c) => {
                ctx.block.basefee = u64::try_from(c.newBasefee)
                    .map_err(|_| "vm.fee: base fee above 2^64".to_owned())?;
                Bytes::new()
            }
            C::chainId(c) => {
                ctx.cfg.chain_id = u64::try_from(c.newChainId)
                    .map_err(|_| "vm.chainId: id above 2^64".to_owned())?;
                Bytes::new()
            }
            C::deal(c) => {
                let mut account = ctx
                    .journaled_state
                    .load_account_mut(c.account)
                    .map_err(db_error)?;
                account.data.set_balance(c.newBalance);
                Bytes::new()
            }
            C::etch(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                ctx.journaled_state
                    .set_code(c.target, Bytecode::new_raw(c.newRuntimeBytecode));
                Bytes::new()
            }
            C::store(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                ctx.journaled_state
                    .sstore(c.target, c.slot.into(), c.value.into())
                    .map_err(db_error)?;
                Bytes::new()
            }
            C::load(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                let value: U256 = ctx
                    .journaled_state
                    .sload(c.target, c.slot.into())
                    .map_err(db_error)?
                    .data;
                Vm::loadCall::abi_encode_returns(&B256::from(value)).into()
            }
            C::getNonce(c) => {
                let account = ctx
                    .journaled_state
                    .load_account(c.account)
                    .map_err(db_error)?;
                Vm::getNonceCall::abi_encode_returns(&account.data.info.nonce).into()
            }
            C::setNonce(c) => {
                let mut account = ctx
                    .journaled_state
                    .load_account_mut(c.account)
                    .map_err(db_error)?;
                account.data.set_nonce(c.newNonce);
                Bytes::new()
            }
            C::prank_0(c) => self.start_prank(depth, c.msgSender, None, true)?,
            C::prank_1(c) => self.start_prank(depth, c.msgSender, Some(c.txOrigin), true)?,
            C::startPrank_0(c) => self.start_prank(depth, c.msgSender, None, false)?,
            C::startPrank_1(c) => self.start_prank(depth, c.msgSender, Some(c.txOrigin), false)?,
            C::stopPrank(_) => {
                self.prank = None;
                Bytes::new()
            }
            C::expectRevert_0(_) => self.expect_revert(depth, RevertData::Any)?,
            C::expectRevert_1(c) => {
                self.expect_revert(depth, RevertData::Selector(c.revertData.0))?
            }
            C::expectRevert_2(c) => self.expect_revert(depth, RevertData::Data(c.revertData))?,
            C::expectEmit_0(_) => self.expect_emit(depth, [true; 4], None),
            C::expectEmit_1(c) => self.expect_emit(depth, [true; 4], Some(c.emitter)),
            C::expectEmit_2(c) => self.expect_emit(
                depth,
                [c.checkTopic1, c.checkTopic2, c.checkTopic3, c.checkData],
                None,
            ),
            C::expectEmit_3(c) => self.expect_emit(
                depth,
                [c.checkTopic1, c.checkTopic2, c.checkTopic3, c.checkData],
                Some(c.emitter),
            ),
            C::expectCall_0(c) => self.expect_call(c.callee, c.data, None, None),
            C::expectCall_1(c) => self.expect_call(c.callee, c.data, Some(c.msgValue), None),
            C::expectCall_2(c) => self.expect_call(c.callee, c.data, None, Some(c.count)),
            C::mockCall_0(c) => self.mock(c.callee, c.data, None, c.returnData, false),
            C::mockCall_1(c) => self.mock(c.callee, c.data, Some(c.msgValue), c.returnData, false),
            C::mockCallRevert(c) => self.mock(c.callee, c.data, None, c.revertData, true),
            C::clearMockedCalls(_) => {
                self.mocks.clear();
                Bytes::new()
            }
            C::recordLogs(_) => {
                self.recorded_logs = Some(Vec::new());
                Bytes::new()
            }
            C::getRecordedLogs(_) => {
                let logs: Vec<Vm::Log> = self
                    .recorded_logs
                    .as_mut()
                    .map(std::mem::take)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|log| Vm::Log {
                        topics: log.topics().to_vec(),
                        data: log.data.data.clone(),
                        emitter: log.address,
                    })
                    .collect();
                Vm::getRecordedLogsCall::abi_encode_returns(&logs).into()
            }
            C::addr(c) => {
                Vm::addrCall::abi_encode_returns(&signer(c.privateKey, "vm.addr")?.address()).into()
            }
            C::sign(c) => {
                let signature = signer(c.privateKey, "vm.sign")?
                    .sign_hash_sync(&c.digest)
                    .map_err(|e| format!("vm.sign: {e}"))?;
                Vm::signCall::abi_encode_returns(&Vm::signReturn {
                    v: 27 + u8::from(signature.v()),
                    r: signature.r().into(),
                    s: signature.s().into(),
                })
                .into()
            }
            C::label(c) => {
                self.names.labels.insert(c.account, c.newLabel);
                Bytes::new()
            }
            C::getLabel(c) => {
                let label = self
                    .names
                    .labels
                    .get(&c.account)
                    .cloned()
                    .unwrap_or_else(|| format!("unlabeled:{}", c.account));
                Vm::getLabelCall::abi_encode_returns(&label).into()
            }
            C::assume(c) => {
                if !c.condition {
                    self.rejected = true;
                    return Err("vm.assume rejected this input".into());
                }
                Bytes::new()
            }
            C::snapshotState(_) => {
                let id = self.snapshots.save(Snapshot {
                    journal: ctx.journaled_state.inner.clone(),
                    block: ctx.block.clone(),
                    chain_id: ctx.cfg.chain_id,
                });
                Vm::snapshotStateCall::abi_encode_returns(&U256::from(id)).into()
            }
            C::revertToState(c) => {
                let done = self.revert_to(ctx, c.snapshotId)?;
                Vm::revertToStateCall::abi_encode_returns(&done).into()
            }
            C::revertToStateAndDelete(c) => {
                let done = self.revert_to(ctx, c.snapshotId)?;
                if done {
                    self.snapshots.delete(c.snapshotId.saturating_to());
                }
                Vm::revertToStateAndDeleteCall::abi_encode_returns(&done).into()
            }
            C::envUint(c) => Vm::envUintCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envUint",
                strings::parse_uint,
            )?)
            .into(),
            C::envInt(c) => Vm::envIntCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envInt",
                strings::parse_int,
            )?)
            .into(),
            C::envAddress(c) => Vm::envAddressCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envAddress",
                strings::parse_address,
            )?)
            .into(),
            C::envBool(c) => Vm::envBoolCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envBool",
                strings::parse_bool,
            )?)
            .into(),
            C::envBytes32(c) => Vm::envBytes32Call::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envBytes32",
                strings::parse_bytes32,
            )?)
            .into(),
            C::envString(c) => Vm::envStringCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envString",
                |s| Ok(s.to_owned()),
            )?)
            .into(),
            C::envOr_0(c) => Vm::envOr_0Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_uint)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_1(c) => Vm::envOr_1Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_int)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_2(c) => Vm::envOr_2Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_address)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_3(c) => Vm::envOr_3Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_bool)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_4(c) => Vm::envOr_4Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_bytes32)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_5(c) => Vm::envOr_5Call::abi_encode_returns(
                &self
                    .env_or(&c.name, |s| Ok(s.to_owned()))?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::toString_0(c) => string_result(strings::address_string(c.value)),
            C::toString_1(c) => string_result(c.value.to_string()),
            C::toString_2(c) => string_result(c.value.to_string()),
            C::toString_3(c) => string_result(strings::hex_string(c.value.as_slice())),
            C::toString_4(c) => string_result(c.value.to_string()),
            C::toString_5(c) => string_result(strings::hex_string(&c.value)),
        })
    }

    fn start_prank(
        &mut self,
        depth: usize,
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
            depth,
            once,
        });
        Ok(Bytes::new())
    }

    fn expect_revert(&mut self, depth: usize, expected: RevertData) -> Result<Bytes, String> {
        if self.expect_revert.is_some() {
            return Err("vm.expectRevert: the previous expectRevert has not been used yet".into());
        }
        self.expect_revert = Some(ExpectRevert {
            expected,
            depth,
            armed: false,
        });
        Ok(Bytes::new())
    }

    fn expect_emit(&mut self, depth: usize, checks: [bool; 4], emitter: Option<Address>) -> Bytes {
        self.emits.push(depth, checks, emitter);
        Bytes::new()
    }

    fn expect_call(
        &mut self,
        callee: Address,
        data: Bytes,
        value: Option<U256>,
        count: Option<u64>,
    ) -> Bytes {
        self.expected_calls.push(ExpectedCall {
            callee,
            data,
            value,
            count,
            seen: 0,
        });
        Bytes::new()
    }

    fn mock(
        &mut self,
        callee: Address,
        data: Bytes,
        value: Option<U256>,
        result: Bytes,
        reverts: bool,
    ) -> Bytes {
        self.mocks.add(Mock {
            callee,
            data,
            value,
            result,
            reverts,
        });
        Bytes::new()
    }

    fn revert_to(&mut self, ctx: &mut TestContext<'_>, id: U256) -> Result<bool, String> {
        let Some(snapshot) = usize::try_from(id)
            .ok()
            .and_then(|id| self.snapshots.get(id))
        else {
            return Ok(false);
        };
        if snapshot.journal.depth != ctx.journaled_state.depth() {
            return Err(
                "vm.revertToState: call it from the same function (call depth) that took the snapshot"
                    .into(),
            );
        }
        let logs = std::mem::take(&mut ctx.journaled_state.inner.logs);
        ctx.journaled_state.inner = snapshot.journal.clone();
        ctx.journaled_state.inner.logs = logs;
        ctx.block = snapshot.block.clone();
        ctx.cfg.chain_id = snapshot.chain_id;
        Ok(true)
    }

    fn env_or<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        self.env
            .get(name)
            .map(|text| parse(text).map_err(|e| format!("vm.envOr: ${name}: {e}")))
            .transpose()
    }

    fn env_var<T>(
        &self,
        name: &str,
        cheat: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        let text = self
            .env
            .get(name)
            .ok_or_else(|| format!("{cheat}: environment variable {name:?} is not set"))?;
        parse(text).map_err(|e| format!("{cheat}: ${name}: {e}"))
    }

    /// After a test: expectations no call met, as a failure message.
    pub(crate) fn unmet_expectation(&self) -> Option<String> {
        if self.expect_revert.is_some() {
            return Some("vm.expectRevert: no call followed it, so nothing reverted".to_owned());
        }
        self.emits
            .unmet(&|log| event_name(self.decoder, log))
            .or_else(|| self.expected_calls.iter().find_map(ExpectedCall::unmet))
    }

    /// The pranked sender for a call or creation starting at `depth`.
    fn apply_prank(&mut self, ctx: &mut TestContext<'_>, depth: usize) -> Option<Address> {
        let prank = self.prank.clone().filter(|p| p.depth == depth)?;
        if let Some(origin) = prank.origin {
            self.saved_origin = Some(ctx.tx.caller);
            ctx.tx.caller = origin;
        }
        if prank.once {
            self.prank = None;
        }
        // The frame moves value from (and bumps the nonce of) its caller,
        // which revm expects loaded: a pranked sender may not be yet.
        if ctx.journaled_state.load_account(prank.sender).is_err() {
            return None;
        }
        Some(prank.sender)
    }

    fn arm_expect_revert(&mut self, depth: usize) {
        if let Some(expect) = self
            .expect_revert
            .as_mut()
            .filter(|e| e.depth == depth && !e.armed)
        {
            expect.armed = true;
        }
    }

    /// Applies an armed `expectRevert` to the end of its call or creation:
    /// the new result and output, when it changes them.
    fn settle_expect_revert(
        &mut self,
        depth: usize,
        result: InstructionResult,
        output: &[u8],
    ) -> Option<(InstructionResult, Bytes)> {
        if !self
            .expect_revert
            .as_ref()
            .is_some_and(|e| e.armed && e.depth == depth)
        {
            return None;
        }
        let expect = self.expect_revert.take()?;
        Some(match expect.check(result.is_revert(), output) {
            // The expected revert happened: the caller sees success, with
            // zeros for return data so that decoding what it expected from
            // the call (a value, a bool) does not fail.
            Ok(()) => (
                InstructionResult::Return,
                Bytes::from_static(&EXPECTED_REVERT_OUTPUT),
            ),
            Err(message) => (InstructionResult::Revert, revert_data(message)),
        })
    }
}

fn signer(key: U256, cheat: &str) -> Result<alloy_signer_local::PrivateKeySigner, String> {
    alloy_signer_local::PrivateKeySigner::from_bytes(&B256::from(key))
        .map_err(|_| format!("{cheat}: {key} is not a valid secp256k1 private key"))
}

/// An event's name for messages: `Name(types) [topic0]` when the build
/// declares it, else its first topic.
fn event_name(decoder: Option<&Decoder>, log: &Log) -> String {
    let signature = log
        .topics()
        .first()
        .map_or_else(|| "(anonymous)".to_owned(), |t| t.to_string());
    match decoder.and_then(|d| d.event_name(log)) {
        Some(name) => format!("{name} [{signature}]"),
        None => signature,
    }
}

fn string_result(text: String) -> Bytes {
    Vm::toString_0Call::abi_encode_returns(&text).into()
}

fn call_kind(inputs: &CallInputs) -> CallKind {
    match inputs.scheme {
        CallScheme::Call => CallKind::Call,
        CallScheme::StaticCall => CallKind::StaticCall,
        CallScheme::DelegateCall => CallKind::DelegateCall,
        CallScheme::CallCode => CallKind::CallCode,
    }
}

impl<'a> Inspector<TestContext<'a>> for TestInspector<'_> {
    fn call(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &mut CallInputs,
    ) -> Option<CallOutcome> {
        let depth = context.journaled_state.depth();
        if let Some(coverage) = &mut self.coverage {
            coverage.enter(FrameCode::Runtime(inputs.bytecode_address));
        }
        if inputs.target_address == CHEATCODE_ADDRESS {
            let data = inputs.input.bytes(context);
            if let Some(tracer) = &mut self.tracer {
                tracer.start(CallKind::Call, CHEATCODE_ADDRESS, U256::ZERO, data.clone());
            }
            return Some(match self.cheat(context, &data) {
                Ok(output) => outcome(inputs, InstructionResult::Return, output),
                Err(message) => outcome(inputs, InstructionResult::Revert, revert_data(message)),
            });
        }
        if let Some(sender) = self.apply_prank(context, depth) {
            inputs.caller = sender;
        }
        self.arm_expect_revert(depth);
        // Copying the call data costs: only when something will look at it.
        if self.expected_calls.is_empty()
            && self.mocks.is_empty()
            && self.tracer.is_none()
            && self.gas.is_none()
        {
            return <ConsoleCollector as Inspector<TestContext<'a>>>::call(
                &mut self.console,
                context,
                inputs,
            );
        }
        let input = inputs.input.bytes(context);
        let value = inputs.call_value();
        for expected in &mut self.expected_calls {
            expected.observe(inputs.bytecode_address, &input, value);
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.start(
                call_kind(inputs),
                inputs.target_address,
                value,
                input.clone(),
            );
        }
        if let Some(mock) = self.mocks.find(inputs.bytecode_address, &input, value) {
            let result = if mock.reverts {
                InstructionResult::Revert
            } else {
                InstructionResult::Return
            };
            return Some(outcome(inputs, result, mock.result.clone()));
        }
        let test_contract = context.tx.kind.to().copied();
        if depth == 1
            && let Some(gas) = &mut self.gas
            && Some(inputs.target_address) != test_contract
            && inputs.target_address != CONSOLE_ADDRESS
        {
            gas.open = Some((inputs.target_address, input));
            let keep = [inputs.target_address, inputs.caller, context.tx.caller];
            cool_down(context, &keep);
        }
        <ConsoleCollector as Inspector<TestContext<'a>>>::call(&mut self.console, context, inputs)
    }

    fn call_end(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &CallInputs,
        outcome: &mut CallOutcome,
    ) {
        let depth = context.journaled_state.depth();
        if inputs.target_address != CHEATCODE_ADDRESS {
            if let Some(origin) = self.saved_origin.take() {
                context.tx.caller = origin;
            }
            if let Some((result, output)) =
                self.settle_expect_revert(depth, outcome.result.result, &outcome.result.output)
            {
                outcome.result.result = result;
                outcome.result.output = output;
            }
            let decoder = self.decoder;
            if !inputs.is_static
                && outcome.result.result.is_ok()
                && let Some(message) = self
                    .emits
                    .on_call_end(depth, &|log| event_name(decoder, log))
            {
                outcome.result.result = InstructionResult::Revert;
                outcome.result.output = revert_data(message);
            }
        }
        if depth == 1
            && let Some(gas) = &mut self.gas
            && let Some((target, input)) = gas.open.take()
        {
            let spec = context.cfg.spec;
            let intrinsic = call_intrinsic(&input);
            let used = transaction_gas(
                intrinsic,
                &input,
                outcome.result.gas.total_gas_spent(),
                outcome.result.gas.refunded(),
                spec,
            );
            gas.records.push(RawGasRecord {
                target,
                input,
                gas: used - intrinsic,
                deployed_size: None,
            });
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.end(
                outcome.result.result,
                outcome.result.output.clone(),
                outcome.result.gas.total_gas_spent(),
                None,
            );
        }
        if depth == 0 {
            self.final_block = Some((context.block.clone(), context.cfg.chain_id));
        }
        if let Some(coverage) = &mut self.coverage {
            coverage.exit();
        }
    }

    fn create(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &mut CreateInputs,
    ) -> Option<CreateOutcome> {
        let depth = context.journaled_state.depth();
        if let Some(coverage) = &mut self.coverage {
            coverage.enter(FrameCode::Init(inputs.init_code().clone()));
        }
        if let Some(sender) = self.apply_prank(context, depth) {
            inputs.set_call(sender);
        }
        self.arm_expect_revert(depth);
        if depth == 1
            && let Some(gas) = &mut self.gas
        {
            gas.open = Some((Address::ZERO, inputs.init_code().clone()));
            let keep = [inputs.caller(), context.tx.caller];
            cool_down(context, &keep);
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.start(
                CallKind::Create,
                Address::ZERO,
                inputs.value(),
                inputs.init_code().clone(),
            );
        }
        None
    }

    fn create_end(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &CreateInputs,
        outcome: &mut CreateOutcome,
    ) {
        let depth = context.journaled_state.depth();
        if let Some(origin) = self.saved_origin.take() {
            context.tx.caller = origin;
        }
        let opened = if depth == 1 {
            self.gas.as_mut().and_then(|g| g.open.take())
        } else {
            None
        };
        if let Some(address) = outcome.address.filter(|_| outcome.result.result.is_ok()) {
            self.names
                .created
                .push((address, inputs.init_code().clone()));
            if let Some(gas) = &mut self.gas
                && let Some((_, init_code)) = opened
            {
                let spec = context.cfg.spec;
                gas.records.push(RawGasRecord {
                    target: address,
                    gas: transaction_gas(
                        create_intrinsic(&init_code, spec),
                        &init_code,
                        outcome.result.gas.total_gas_spent(),
                        outcome.result.gas.refunded(),
                        spec,
                    ),
                    input: init_code,
                    deployed_size: Some(outcome.result.output.len()),
                });
            }
        }
        if let Some((result, output)) =
            self.settle_expect_revert(depth, outcome.result.result, &outcome.result.output)
        {
            outcome.result.result = result;
            outcome.address = if result.is_ok() {
                Some(EXPECTED_REVERT_CREATED)
            } else {
                None
            };
            outcome.result.output = if result.is_ok() { Bytes::new() } else { output };
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.end(
                outcome.result.result,
                outcome.result.output.clone(),
                outcome.result.gas.total_gas_spent(),
                outcome.address,
            );
        }
        if let Some(coverage) = &mut self.coverage {
            coverage.exit();
        }
    }

    fn step(&mut self, interp: &mut Interpreter, _context: &mut TestContext<'a>) {
        if let Some(coverage) = &mut self.coverage {
            let (pc, opcode) = (interp.bytecode.pc(), interp.bytecode.opcode());
            coverage.step(pc, opcode, || {
                interp
                    .stack
                    .peek(1)
                    .is_ok_and(|condition| !condition.is_zero())
            });
        }
    }

    fn log(&mut self, _context: &mut TestContext<'a>, log: Log) {
        self.emits.on_log(&log);
        if let Some(recorded) = &mut self.recorded_logs {
            recorded.push(log.clone());
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.log(log);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_matches_forge_std_selectors() {
        // Selectors of forge-std's Vm.sol (`cast sig`).
        assert_eq!(Vm::warpCall::SELECTOR, [0xe5, 0xd6, 0xbf, 0x02]);
        assert_eq!(Vm::rollCall::SELECTOR, [0x1f, 0x7b, 0x4f, 0x30]);
        assert_eq!(Vm::dealCall::SELECTOR, [0xc8, 0x8a, 0x5e, 0x6d]);
        assert_eq!(Vm::prank_0Call::SELECTOR, [0xca, 0x66, 0x9f, 0xa7]);
        assert_eq!(Vm::expectRevert_0Call::SELECTOR, [0xf4, 0x84, 0x48, 0x14]);
        assert_eq!(Vm::expectEmit_2Call::SELECTOR, [0x49, 0x1c, 0xc7, 0xc2]);
    }
}
