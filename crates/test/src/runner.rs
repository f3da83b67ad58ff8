//! Running test contracts: deploy, `setUp()`, then every test from a fresh
//! copy of the state after `setUp()`.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, U256, address};
use rayon::prelude::*;
use revm::primitives::hardfork::SpecId;
use serde::Serialize;
use slipway_evm::{BlockContext, ChainEnv, State, Status, TxInput};

use crate::{RevertDecoder, TestContract, TestFilter, cheatcodes::TestInspector};

/// forge's default sender, so addresses match forge's.
pub const DEFAULT_SENDER: Address = address!("1804c8AB1F12E6bbf3894d4083f33e07309d1f38");

/// Balance a test contract starts with (forge's 2^96 wei).
const INITIAL_BALANCE: u128 = 1 << 96;

/// How tests execute.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Chain id tests see (forge's 31337).
    pub chain_id: u64,
    /// EVM rules.
    pub spec: SpecId,
    /// Gas each call may use.
    pub gas_limit: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            chain_id: 31_337,
            spec: SpecId::PRAGUE,
            gas_limit: 1 << 40,
        }
    }
}

/// How a test ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "lowercase")]
pub enum TestStatus {
    /// It passed.
    Pass,
    /// It failed, with the decoded reason.
    Fail(String),
    /// It was not run, and why.
    Skip(String),
}

/// One test's result.
#[derive(Clone, Debug, Serialize)]
pub struct TestOutcome {
    /// `name(types)`.
    pub signature: String,
    /// How it ended.
    #[serde(flatten)]
    pub status: TestStatus,
    /// Gas the test function used, without the transaction's intrinsic cost.
    pub gas: u64,
    /// `console.log` output, in order.
    pub logs: Vec<String>,
    /// Wall time.
    #[serde(skip)]
    pub duration: Duration,
}

/// One contract's results.
#[derive(Clone, Debug, Serialize)]
pub struct ContractOutcome {
    /// Source file.
    pub source: String,
    /// Contract name.
    pub name: String,
    /// Its tests, in order.
    pub tests: Vec<TestOutcome>,
}

fn intrinsic(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
}

struct Bench<'a> {
    env: ChainEnv,
    block: BlockContext,
    options: &'a RunOptions,
    decoder: &'a RevertDecoder,
}

impl Bench<'_> {
    fn call(
        &self,
        state: &mut State,
        to: Option<Address>,
        data: Bytes,
    ) -> (slipway_evm::Outcome, Vec<String>) {
        let input = TxInput {
            from: DEFAULT_SENDER,
            to,
            data,
            gas_limit: self.options.gas_limit,
            gas_price: 0,
            ..Default::default()
        };
        let mut inspector = TestInspector::default();
        let outcome =
            match state.transact_with(&self.env, &self.block, &input, true, &mut inspector) {
                Ok(o) => o,
                Err(e) => slipway_evm::Outcome {
                    status: Status::Halt(e.to_string()),
                    gas_used: 0,
                    output: Bytes::new(),
                    logs: Vec::new(),
                    created: None,
                    diff: Default::default(),
                },
            };
        let mut outcome = outcome;
        if outcome.is_success()
            && let Some(message) = inspector.unmet_expectation()
        {
            outcome.status = Status::Revert;
            outcome.output =
                alloy_sol_types::SolError::abi_encode(&alloy_sol_types::Revert { reason: message })
                    .into();
        }
        (outcome, inspector.console.lines())
    }

    fn failure(&self, outcome: &slipway_evm::Outcome) -> Option<String> {
        match &outcome.status {
            Status::Success => None,
            Status::Revert => Some(self.decoder.decode(&outcome.output)),
            Status::Halt(reason) => Some(format!("halted: {reason}")),
        }
    }

    fn contract(&self, contract: &TestContract, filter: &TestFilter) -> ContractOutcome {
        let selected: Vec<_> = contract
            .tests
            .iter()
            .filter(|t| filter.test(&t.function.name))
            .collect();
        let mut state = State::new();
        state.apply(&state.balance_diff(DEFAULT_SENDER, U256::MAX >> 1));
        state.apply(&state.nonce_diff(DEFAULT_SENDER, 1));
        // Solidity checks that a callee has code before calling it: give the
        // cheatcode address one STOP byte (the inspector answers first).
        state.apply(&state.code_diff(crate::CHEATCODE_ADDRESS, Bytes::from_static(&[0x00])));
        let fail_all = |reason: String| ContractOutcome {
            source: contract.source.clone(),
            name: contract.name.clone(),
            tests: selected
                .iter()
                .map(|t| TestOutcome {
                    signature: t.signature(),
                    status: TestStatus::Fail(reason.clone()),
                    gas: 0,
                    logs: Vec::new(),
                    duration: Duration::ZERO,
                })
                .collect(),
        };
        let (deployed, _) = self.call(&mut state, None, contract.bytecode.clone());
        let Some(address) = deployed.created.filter(|_| deployed.is_success()) else {
            let why = self
                .failure(&deployed)
                .unwrap_or_else(|| "no contract was created".into());
            return fail_all(format!("deployment failed: {why}"));
        };
        state.apply(&state.balance_diff(address, U256::from(INITIAL_BALANCE)));
        if contract.has_setup {
            let (setup, logs) = self.call(
                &mut state,
                Some(address),
                Bytes::from_static(&[0x0a, 0x92, 0x54, 0xe4]),
            );
            if let Some(why) = self.failure(&setup) {
                let mut out = fail_all(format!("setUp() failed: {why}"));
                out.tests.iter_mut().for_each(|t| t.logs = logs.clone());
                return out;
            }
        }
        let tests = selected
            .iter()
            .map(|test| {
                if test.is_fuzz() {
                    return TestOutcome {
                        signature: test.signature(),
                        status: TestStatus::Skip(
                            "fuzz tests (with parameters) are not run yet".into(),
                        ),
                        gas: 0,
                        logs: Vec::new(),
                        duration: Duration::ZERO,
                    };
                }
                let started = Instant::now();
                let mut fresh = state.clone();
                let data = Bytes::copy_from_slice(test.function.selector().as_slice());
                let (outcome, logs) = self.call(&mut fresh, Some(address), data.clone());
                TestOutcome {
                    signature: test.signature(),
                    status: match self.failure(&outcome) {
                        None => TestStatus::Pass,
                        Some(why) => TestStatus::Fail(why),
                    },
                    gas: outcome.gas_used.saturating_sub(intrinsic(&data)),
                    logs,
                    duration: started.elapsed(),
                }
            })
            .collect();
        ContractOutcome {
            source: contract.source.clone(),
            name: contract.name.clone(),
            tests,
        }
    }
}

/// Runs the selected tests of `contracts`, contracts in parallel; results
/// come back in the order of `contracts`.
pub fn run(
    contracts: &[TestContract],
    filter: &TestFilter,
    decoder: &RevertDecoder,
    options: &RunOptions,
) -> Vec<ContractOutcome> {
    let bench = Bench {
        env: ChainEnv {
            chain_id: options.chain_id,
            spec: options.spec,
            unlimited_code_size: true,
            unlimited_tx_gas: true,
        },
        block: BlockContext {
            number: 1,
            timestamp: 1,
            gas_limit: options.gas_limit,
            base_fee: 0,
            coinbase: Address::ZERO,
            prevrandao: Default::default(),
        },
        options,
        decoder,
    };
    contracts
        .par_iter()
        .filter(|c| filter.contract(&c.source, &c.name))
        .map(|c| bench.contract(c, filter))
        .filter(|c| !c.tests.is_empty())
        .collect()
}
