//! The inspector that runs under every test: it answers calls to the
//! forge-std `Vm` address, applies pranks, mocks and expectations to the
//! calls the test makes, and collects `console.log` output (and, when asked,
//! a call trace). A cheatcode it does not implement reverts the calling test
//! with a message naming the selector, so a test can never pass by silently
//! skipping one.
//!
//! Here: the inspector's state. `dispatch.rs` answers each cheatcode,
//! `hooks.rs` is what revm calls (calls, creations, steps, logs),
//! `cool_down.rs` the gas accounting between calls, and `expect.rs`,
//! `mock.rs`, `snapshot.rs`, `strings.rs` the state and parsing they use.

mod assertions;
mod by_signature;
pub(crate) use by_signature::SKIP_MARKER;
mod catalog;
mod cool_down;
use cool_down::cool_down;
mod dispatch;
mod expect;
mod forks;
pub use forks::ForkPool;
pub(crate) use forks::Forks;
mod gas_sections;
pub(crate) use gas_sections::{GasFigures, GasSections};
mod hooks;
mod json;
mod keys;
mod mock;
mod snapshot;
mod strings;

use slipway_contracts::Decoder;
use std::{collections::HashMap, sync::Arc};

use alloy_primitives::{Address, B256, Bytes, Log, U256, address};
use alloy_sol_types::{Revert, SolCall, SolError, SolInterface, sol};
use revm::{
    Inspector,
    bytecode::Bytecode,
    context::{BlockEnv, CfgEnv, Context, Journal, TxEnv},
    context_interface::journaled_state::{JournalTr, account::JournaledAccountTr},
    interpreter::{
        CallInputs, CallOutcome, CallScheme, CreateInputs, CreateOutcome, Gas, InstructionResult,
        Interpreter, InterpreterResult, interpreter_types::Jumps,
    },
};
use slipway_evm::ConsoleCollector;

use crate::{
    coverage::{CoverageRecorder, FrameCode},
    gas::{RawGasRecord, call_intrinsic, create_intrinsic, transaction_gas},
    host::{LineCursors, TestHost},
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

/// The slot ds-test marks a failure in, at the cheatcode address:
/// `bytes32("failed")`.
const DS_FAILED_SLOT: B256 =
    B256::new(*b"failed\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");

/// What a call whose revert was expected returns to its caller.
static EXPECTED_REVERT_OUTPUT: [u8; 8192] = [0; 8192];

/// What a creation whose revert was expected gives its caller: an address
/// that is not zero, so that Solidity's check of `new` passes.
const EXPECTED_REVERT_CREATED: Address = address!("0000000000000000000000000000000000000001");

/// The EVM context tests run in.
type TestContext<'a> =
    Context<BlockEnv, TxEnv, CfgEnv, &'a mut slipway_evm::Db, Journal<&'a mut slipway_evm::Db>, ()>;

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

/// A `prank`: calls made at `depth` come from `sender`.
#[derive(Debug, Clone)]
struct Prank {
    sender: Address,
    origin: Option<Address>,
    depth: usize,
    /// `prank` (one call) rather than `startPrank` (until `stopPrank`).
    once: bool,
    /// A `broadcast` / `startBroadcast`: the sender's nonce goes up per
    /// call, and `new C{salt: …}` goes through the CREATE2 deployer.
    broadcast: bool,
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

/// Storage slots a contract read and wrote, in order (`vm.accesses`).
type SlotAccesses = (Vec<B256>, Vec<B256>);

/// Per-test inspector state; `'d` is the decoder's lifetime.
#[derive(Debug, Default)]
pub(crate) struct TestInspector<'d> {
    /// Names events in failure messages.
    decoder: Option<&'d Decoder>,
    pub(crate) console: ConsoleCollector,
    pub(crate) names: AddressBook,
    /// Set when `vm.assume(false)` rejected the input.
    pub(crate) rejected: bool,
    /// Set when ds-test's `fail()` wrote its flag to the cheatcode
    /// address (`vm.store(HEVM_ADDRESS, "failed", 1)`): old forge-std
    /// assertions fail so, without reverting.
    pub(crate) ds_failed: bool,
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
    /// Where the latest revert came from, and its data (for a reverter).
    revert_origin: Option<(Address, Bytes)>,
    /// Storage slots read and written per contract, after `vm.record`.
    accesses: Option<HashMap<Address, SlotAccesses>>,
    /// Artifacts, files and commands the cheatcodes reach.
    host: Arc<TestHost>,
    /// `vm.readLine` positions.
    lines: LineCursors,
    /// The objects `vm.serialize*` build.
    json: json::JsonObjects,
    emits: EmitQueue,
    expected_calls: Vec<ExpectedCall>,
    mocks: Mocks,
    recorded_logs: Option<Vec<Log>>,
    snapshots: Snapshots,
    /// `vm.random*`'s generator (`vm.setSeed` reseeds it).
    rng: Option<rand::rngs::StdRng>,
    /// Who `vm.startBroadcast()` without a signer broadcasts as (the
    /// configured sender).
    default_sender: Address,
    /// A revert of the frame that called `expectRevert` meets it.
    pub(crate) allow_internal_expect_revert: bool,
    /// `vm.startSnapshotGas` sections and `snapshotValue` figures.
    pub(crate) gas_sections: GasSections,
    /// Forks of live networks the test made (and the one it started on).
    pub(crate) forks: Forks,
    /// Where forks come from (none: no fork can be made).
    pub(crate) fork_pool: Option<Arc<ForkPool>>,
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

impl<'d> TestInspector<'d> {
    /// An inspector for a run that starts from a state where `names` were
    /// learnt (the state after `setUp`), reading `env`.
    pub(crate) fn new(
        decoder: &'d Decoder,
        names: AddressBook,
        env: TestEnv,
        host: Arc<TestHost>,
        trace: bool,
        default_sender: Address,
    ) -> Self {
        Self {
            decoder: Some(decoder),
            default_sender,
            names,
            env,
            host,
            tracer: trace.then(Tracer::default),
            gas: None,
            coverage: None,
            ..Self::default()
        }
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

    #[test]
    fn every_cheatcode_of_forge_is_answered_or_refused_with_a_reason() {
        let entries = catalog::entries();
        assert_eq!(entries.len(), 547, "forge 1.7.1 lists 547 cheatcodes");
        let mut left_out = Vec::new();
        let (mut answered, mut refused) = (0, 0);
        for entry in entries {
            let decoded = Vm::VmCalls::SELECTORS.contains(&entry.selector);
            if decoded || by_signature::answers(entry) {
                answered += 1;
                assert!(
                    catalog::refusal(entry).is_none() || entry.status == "internal" || decoded,
                    "{} is both answered and refused",
                    entry.signature
                );
            } else if catalog::refusal(entry).is_some() {
                refused += 1;
            } else {
                left_out.push(entry.signature);
            }
            // The selector is the signature's.
            let hash = alloy_primitives::keccak256(entry.signature.as_bytes());
            assert_eq!(hash[..4], entry.selector, "{}", entry.signature);
        }
        assert!(
            left_out.is_empty(),
            "neither answered nor refused: {left_out:?}"
        );
        assert!(answered > 200, "answered {answered}, refused {refused}");
    }

    #[test]
    fn a_refused_cheatcode_is_named_by_its_signature() {
        let selector = alloy_primitives::keccak256("createSelectFork(string,bytes32)");
        let message = catalog::refused(&selector[..4]);
        assert!(
            message.starts_with(
                "vm.createSelectFork(string,bytes32): not supported by slipway: forking at a transaction"
            ),
            "{message}"
        );
        assert!(catalog::refused(&[1, 2, 3, 4]).contains("0x01020304"));
    }
}
