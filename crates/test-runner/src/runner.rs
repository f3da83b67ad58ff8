//! Running test contracts: deploy, `setUp()`, then every test from a fresh
//! copy of the state after `setUp()`; fuzz tests many times over generated
//! inputs.

use slipway_contracts::Decoder;
use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use alloy_dyn_abi::{DynSolType, DynSolValue, JsonAbiExt, Specifier};
use alloy_primitives::{Address, Bytes, U256, keccak256};
use rayon::prelude::*;
use serde::Serialize;
use slipway_evm::{BlockContext, ChainEnv, Execution, State, Status, TxInput};

use crate::{
    GasRecord, TestContract, TestFilter, TestFunction,
    cheatcodes::{AddressBook, ForkPool, Forks, GasFigures, TestEnv, TestInspector},
    coverage::{CoverageHits, CoverageRecorder, FrameCode},
    fuzz::{Dictionary, Generator, shrink},
    gas::{RawGasRecord, call_intrinsic},
    host::TestHost,
    invariant::{InvariantOptions, InvariantReport},
};

/// forge's default sender, so addresses match forge's.
pub const DEFAULT_SENDER: Address = slipway_config::DEFAULT_SENDER;

/// `setUp()`.
const SETUP_SELECTOR: [u8; 4] = [0x0a, 0x92, 0x54, 0xe4];

/// Runs the shrinker may spend on one counterexample.
const SHRINK_BUDGET: usize = 4_096;

/// How fuzz tests run.
#[derive(Clone, Debug)]
pub struct FuzzOptions {
    /// Inputs tried per test (forge's default: 256).
    pub runs: u32,
    /// The seed every test's generator derives from; the same seed tries
    /// the same inputs.
    pub seed: u64,
    /// Inputs `vm.assume` may reject before the test fails.
    pub max_rejects: u32,
    /// Where failing inputs are saved and replayed first on the next run
    /// (`<dir>/<Contract>/<test>`); `None` keeps nothing.
    pub failures_dir: Option<PathBuf>,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        Self {
            runs: 256,
            seed: 0,
            max_rejects: 65_536,
            failures_dir: None,
        }
    }
}

/// How tests execute.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Chain id tests see (forge's 31337).
    pub chain_id: u64,
    /// Who deploys the test contract and calls its functions.
    pub sender: Address,
    /// The test contract's starting balance.
    pub initial_balance: U256,
    /// `block.number` and `block.timestamp` when a test starts.
    pub block_number: u64,
    /// See `block_number`.
    pub block_timestamp: u64,
    /// `block.basefee`.
    pub base_fee: u64,
    /// An `expectRevert` may be met by a revert at the test's own depth
    /// (forge's `allow_internal_expect_revert`).
    pub allow_internal_expect_revert: bool,
    /// `testFail…` passes when it reverts, instead of being refused.
    pub legacy_test_fail: bool,
    /// The foundry.toml profile running, for `forge-config:` lines.
    pub profile: String,
    /// EVM rules.
    pub hardfork: slipway_config::Hardfork,
    /// Gas each call may use.
    pub gas_limit: u64,
    /// Fuzzing.
    pub fuzz: FuzzOptions,
    /// Invariant tests.
    pub invariant: InvariantOptions,
    /// Variables `vm.env*` reads.
    pub env: TestEnv,
    /// Record and render the call trace of failing tests.
    pub trace_failures: bool,
    /// Price the calls unit tests make as transactions, for the gas report
    /// (each unit test runs a second time to record them).
    pub gas_report: bool,
    /// Count the instructions every run executes, for coverage.
    pub coverage: bool,
    /// Start no test after one has failed (tests already running finish).
    pub fail_fast: bool,
    /// Artifacts, files and commands the cheatcodes may reach.
    pub host: Arc<TestHost>,
    /// Where forks of live networks come from (`vm.createFork`); none:
    /// tests cannot fork.
    pub forks: Option<Arc<ForkPool>>,
    /// The fork every test starts on (`--fork-url`): its source as given,
    /// and the remote at its block.
    pub fork: Option<(String, Arc<dyn slipway_evm::Upstream>)>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            chain_id: 31_337,
            sender: DEFAULT_SENDER,
            initial_balance: U256::from(1u128 << 96),
            block_number: 1,
            block_timestamp: 1,
            base_fee: 0,
            allow_internal_expect_revert: false,
            legacy_test_fail: false,
            profile: "default".into(),
            hardfork: slipway_config::Hardfork::Prague,
            gas_limit: 1 << 40,
            fuzz: FuzzOptions::default(),
            invariant: InvariantOptions::default(),
            env: TestEnv::default(),
            trace_failures: false,
            gas_report: false,
            coverage: false,
            fail_fast: false,
            host: Arc::default(),
            forks: None,
            fork: None,
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

/// A failing fuzz input.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// The call, selector included.
    pub calldata: Bytes,
    /// Its arguments, as Solidity would write them.
    pub args: Vec<String>,
    /// Whether it came from the saved failures of an earlier run.
    pub replayed: bool,
}

/// What a fuzz test did.
#[derive(Clone, Debug, Serialize)]
pub struct FuzzReport {
    /// Inputs run (rejected ones not counted).
    pub runs: u32,
    /// Mean gas of the runs.
    pub mean_gas: u64,
    /// Median gas of the runs.
    pub median_gas: u64,
    /// The seed this test's inputs came from.
    pub seed: u64,
    /// The minimal failing input, when it failed.
    pub counterexample: Option<Counterexample>,
}

/// One test's result.
#[derive(Clone, Debug, Serialize)]
pub struct TestOutcome {
    /// `name(types)`.
    pub signature: String,
    /// How it ended.
    #[serde(flatten)]
    pub status: TestStatus,
    /// Gas the test function used, without the transaction's intrinsic
    /// cost (fuzz tests: the median).
    pub gas: u64,
    /// Fuzz runs, for tests with parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fuzz: Option<FuzzReport>,
    /// Sequences and calls, for invariant tests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invariant: Option<InvariantReport>,
    /// `console.log` output, in order.
    pub logs: Vec<String>,
    /// The call trace, for failing tests when traces were asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// Calls and deployments the test made, priced as transactions (with
    /// `gas_report`).
    #[serde(skip)]
    pub gas_records: Vec<GasRecord>,
    /// Wall time.
    #[serde(skip)]
    pub duration: Duration,
    /// Gas figures the test recorded with `vm.startSnapshotGas` /
    /// `snapshotValue`, by group and name (`snapshots/<group>.json`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub gas_snapshots: GasFigures,
}

/// Why a `testFail…` function is refused (forge 1.0 removed them).
pub const TEST_FAIL_REMOVED: &str = "`testFail*` has been removed. Consider changing to test_Revert[If|When]_Condition and expecting a revert (vm.expectRevert() before the call that must revert; [test] legacy_test_fail = true runs it as before)";

/// A test's status from why it failed, if it did: `vm.skip(true)` marks
/// its revert, and makes it skipped.
fn status_of(failure: Option<String>) -> TestStatus {
    match failure {
        None => TestStatus::Pass,
        Some(reason) => match reason.split_once(crate::cheatcodes::SKIP_MARKER) {
            Some((_, "")) => TestStatus::Skip("vm.skip".into()),
            Some((_, why)) => TestStatus::Skip(why.to_owned()),
            None => TestStatus::Fail(reason),
        },
    }
}

impl TestOutcome {
    pub(crate) fn failed(signature: String, reason: String) -> Self {
        Self {
            signature,
            status: status_of(Some(reason)),
            gas: 0,
            fuzz: None,
            invariant: None,
            logs: Vec::new(),
            trace: None,
            gas_records: Vec::new(),
            duration: Duration::ZERO,
            gas_snapshots: GasFigures::new(),
        }
    }
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
    /// Calls and deployments of its `setUp()`, priced as transactions (with
    /// `gas_report`).
    #[serde(skip)]
    pub setup_gas: Vec<GasRecord>,
}

/// A test contract deployed and set up: the state every test starts from.
pub(crate) struct Fixture<'a> {
    pub(crate) contract: &'a TestContract,
    pub(crate) state: State,
    pub(crate) address: Address,
    pub(crate) names: AddressBook,
    /// Chain settings and block as `setUp` left them.
    pub(crate) chain: ChainEnv,
    pub(crate) block: BlockContext,
    /// `setUp`'s calls and deployments, for the gas report.
    setup_gas: Vec<GasRecord>,
    /// The forks `setUp` made (or the run started on).
    pub(crate) forks: Forks,
}

/// One run of a test function.
struct Run {
    outcome: Execution,
    logs: Vec<String>,
    rejected: bool,
    trace: Option<String>,
    gas_records: Vec<GasRecord>,
    gas_figures: GasFigures,
}

/// Runs the tests of one run: settings and decoder shared by all.
pub(crate) struct Harness<'a> {
    env: ChainEnv,
    block: BlockContext,
    pub(crate) options: &'a RunOptions,
    pub(crate) decoder: &'a Decoder,
    /// Instruction counts of every transaction run (with `coverage`).
    coverage: Mutex<CoverageHits>,
    /// Set when a test failed under `fail_fast`: no further test starts.
    stopped: AtomicBool,
}

impl Harness<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn execute(
        &self,
        chain: &ChainEnv,
        block: &BlockContext,
        state: &mut State,
        to: Option<Address>,
        data: Bytes,
        inspector: &mut TestInspector<'_>,
        commit: bool,
    ) -> Execution {
        self.execute_from(
            self.options.sender,
            chain,
            block,
            state,
            to,
            data,
            inspector,
            commit,
        )
    }

    /// `execute` with another sender.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn execute_from(
        &self,
        from: Address,
        chain: &ChainEnv,
        block: &BlockContext,
        state: &mut State,
        to: Option<Address>,
        data: Bytes,
        inspector: &mut TestInspector<'_>,
        commit: bool,
    ) -> Execution {
        let input = TxInput {
            from,
            to,
            data,
            gas_limit: self.options.gas_limit,
            gas_price: 0,
            ..Default::default()
        };
        let mut outcome = state
            .transact_with(chain, block, &input, commit, inspector)
            .unwrap_or_else(|e| Execution {
                status: Status::Halt(e.to_string()),
                gas_used: 0,
                output: Bytes::new(),
                logs: Vec::new(),
                created: None,
                diff: Default::default(),
            });
        if let Some(recorder) = inspector.coverage.take() {
            self.add_coverage(&inspector.names, recorder);
        }
        if outcome.is_success()
            && let Some(message) = inspector.unmet_expectation().or_else(|| {
                inspector.ds_failed.then(|| {
                    "assertion failed (ds-test's failure flag is set; its log lines say which)"
                        .to_owned()
                })
            })
        {
            outcome.status = Status::Revert;
            outcome.output =
                alloy_sol_types::SolError::abi_encode(&alloy_sol_types::Revert { reason: message })
                    .into();
        }
        outcome
    }

    pub(crate) fn failure(&self, outcome: &Execution) -> Option<String> {
        match &outcome.status {
            Status::Success => None,
            Status::Revert => Some(self.decoder.revert_reason(&outcome.output)),
            Status::Halt(reason) => Some(format!("halted: {reason}")),
        }
    }

    /// Deploys the test contract and runs `setUp()`; `Err` is why not.
    fn set_up<'c>(&self, contract: &'c TestContract) -> Result<Fixture<'c>, (String, Vec<String>)> {
        let (mut state, mut forks) = match &self.options.fork {
            Some((source, upstream)) => (
                State::forked(Arc::clone(upstream) as _),
                Forks::started(source, Arc::clone(upstream)),
            ),
            None => (State::new(), Forks::default()),
        };
        let sender = self.options.sender;
        state.apply(&state.balance_diff(sender, U256::MAX >> 1));
        state.apply(&state.nonce_diff(sender, 1));
        // Solidity checks that a callee has code before calling it: give the
        // cheatcode address one STOP byte (the inspector answers first).
        state.apply(&state.code_diff(crate::CHEATCODE_ADDRESS, Bytes::from_static(&[0x00])));
        let mut inspector = self.inspector(AddressBook::default(), false);
        inspector.forks = forks;
        let deployed = self.execute(
            &self.env,
            &self.block,
            &mut state,
            None,
            contract.bytecode.clone(),
            &mut inspector,
            true,
        );
        let Some(address) = deployed.created.filter(|_| deployed.is_success()) else {
            let why = self
                .failure(&deployed)
                .unwrap_or_else(|| "no contract was created".into());
            return Err((format!("deployment failed: {why}"), Vec::new()));
        };
        state.apply(&state.balance_diff(address, self.options.initial_balance));
        // As forge: the test contract and its caller cross from fork to fork.
        forks = std::mem::take(&mut inspector.forks);
        forks.make_persistent(address);
        forks.make_persistent(sender);
        let mut names = inspector.names;
        let (mut chain, mut block) = (self.env.clone(), self.block.clone());
        let mut setup_gas = Vec::new();
        if contract.has_setup {
            if self.options.gas_report {
                // Priced on a copy: the cooled-down run must not become the
                // state the tests start from.
                let mut copy = state.clone();
                let mut inspector = self.inspector(names.clone(), false);
                inspector.gas = Some(Default::default());
                self.execute(
                    &chain,
                    &block,
                    &mut copy,
                    Some(address),
                    Bytes::from_static(&SETUP_SELECTOR),
                    &mut inspector,
                    false,
                );
                setup_gas = self.gas_records(&mut inspector);
            }
            let mut inspector = self.inspector(names, false);
            inspector.forks = std::mem::take(&mut forks);
            let setup = self.execute(
                &chain,
                &block,
                &mut state,
                Some(address),
                Bytes::from_static(&SETUP_SELECTOR),
                &mut inspector,
                true,
            );
            if let Some(why) = self.failure(&setup) {
                return Err((format!("setUp() failed: {why}"), inspector.console.lines()));
            }
            forks = std::mem::take(&mut inspector.forks);
            forks.commit_inactive();
            if let Some((left, chain_id)) = inspector.final_block.take() {
                block.number = left.number.saturating_to();
                block.timestamp = left.timestamp.saturating_to();
                block.base_fee = left.basefee;
                chain.chain_id = chain_id;
            }
            names = inspector.names;
        }
        Ok(Fixture {
            contract,
            state,
            address,
            names,
            chain,
            block,
            setup_gas,
            forks,
        })
    }

    pub(crate) fn inspector(&self, names: AddressBook, trace: bool) -> TestInspector<'_> {
        let mut inspector = TestInspector::new(
            self.decoder,
            names,
            self.options.env.clone(),
            self.options.host.clone(),
            trace,
            self.options.sender,
        );
        inspector.coverage = self.options.coverage.then(Default::default);
        inspector.allow_internal_expect_revert = self.options.allow_internal_expect_revert;
        inspector.fork_pool = self.options.forks.clone();
        inspector
    }

    /// An inspector for a run from `fixture`: its names and its forks.
    pub(crate) fn inspector_on(&self, fixture: &Fixture<'_>, trace: bool) -> TestInspector<'_> {
        let mut inspector = self.inspector(fixture.names.clone(), trace);
        inspector.forks = fixture.forks.clone();
        inspector
    }

    /// Adds a transaction's instruction counts, by contract name.
    fn add_coverage(&self, names: &AddressBook, recorder: CoverageRecorder) {
        let mut hits = CoverageHits::default();
        for (code, counts) in &recorder.hits {
            let (name, init) = match code {
                FrameCode::Init(init_code) => (self.decoder.contract_name(init_code), true),
                FrameCode::Runtime(address) => (
                    names
                        .created
                        .iter()
                        .rev()
                        .find(|(a, _)| a == address)
                        .and_then(|(_, code)| self.decoder.contract_name(code)),
                    false,
                ),
            };
            if let Some(name) = name {
                hits.add(name.to_owned(), init, counts);
            }
        }
        // Counts only ever add up: a test that panicked while merging
        // left whole counts behind, so they are kept, never dropped.
        self.coverage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .merge(&hits);
    }

    /// Runs a test function with `data` from the fixture's state, recording
    /// a trace when `trace` is set.
    fn run_once(&self, fixture: &Fixture<'_>, data: &Bytes, trace: bool) -> Run {
        self.run_with(fixture, data, trace, false)
    }

    /// `run_once`, optionally pricing the test's calls for the gas report.
    fn run_with(&self, fixture: &Fixture<'_>, data: &Bytes, trace: bool, gas: bool) -> Run {
        let mut state = fixture.state.clone();
        let mut inspector = self.inspector_on(fixture, trace);
        inspector.gas = gas.then(Default::default);
        let test = fixture
            .contract
            .tests
            .iter()
            .find(|t| data.starts_with(t.function.selector().as_slice()))
            .map(|t| t.function.name.clone());
        inspector.gas_sections.running = test.map(|t| (fixture.contract.name.clone(), t));
        let outcome = self.execute(
            &fixture.chain,
            &fixture.block,
            &mut state,
            Some(fixture.address),
            data.clone(),
            &mut inspector,
            false,
        );
        let trace = inspector
            .tracer
            .take()
            .map(|tracer| tracer.render(self.decoder, &inspector.names));
        let gas_records = self.gas_records(&mut inspector);
        Run {
            outcome,
            logs: inspector.console.lines(),
            rejected: inspector.rejected,
            trace,
            gas_records,
            gas_figures: std::mem::take(&mut inspector.gas_sections.figures),
        }
    }

    /// The inspector's gas records, named.
    fn gas_records(&self, inspector: &mut TestInspector<'_>) -> Vec<GasRecord> {
        inspector
            .gas
            .take()
            .map(|g| {
                g.records
                    .into_iter()
                    .map(|r| self.name_record(&inspector.names, r))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A gas record with the contract's and the function's names. The
    /// contract is named by the creation code seen at its address, else
    /// its `vm.label`, else the contracts whose ABI declares the function
    /// called (`A | B` when several do), and only then as unknown: a gas
    /// table is never titled by a bare address.
    fn name_record(&self, names: &AddressBook, record: RawGasRecord) -> GasRecord {
        let created = names
            .created
            .iter()
            .rev()
            .find(|(address, _)| *address == record.target)
            .and_then(|(_, code)| self.decoder.contract_name(code))
            .map(str::to_owned);
        let contract = created
            .or_else(|| names.labels.get(&record.target).cloned())
            .or_else(|| match record.deployed_size {
                Some(_) => None,
                None => {
                    let declaring = self.decoder.contracts_declaring(&record.input);
                    (!declaring.is_empty()).then(|| declaring.join(" | "))
                }
            })
            .unwrap_or_else(|| format!("unknown contract ({})", record.target));
        GasRecord {
            contract,
            function: match record.deployed_size {
                Some(_) => None,
                None => Some(
                    self.decoder
                        .function_signature(&record.input)
                        .unwrap_or_else(|| self.decoder.call(&record.input)),
                ),
            },
            gas: record.gas,
            size: record.deployed_size,
        }
    }

    /// The rendered call trace of one run, when traces are wanted.
    fn trace(&self, fixture: &Fixture<'_>, data: &Bytes) -> Option<String> {
        if !self.options.trace_failures {
            return None;
        }
        self.run_once(fixture, data, true).trace
    }

    fn unit(&self, fixture: &Fixture<'_>, test: &TestFunction) -> TestOutcome {
        let started = Instant::now();
        let data = Bytes::copy_from_slice(test.function.selector().as_slice());
        let run = self.run_once(fixture, &data, false);
        let failure = self.failure(&run.outcome);
        let status = status_of(failure.clone());
        let gas_records = if self.options.gas_report && failure.is_none() {
            self.run_with(fixture, &data, false, true).gas_records
        } else {
            Vec::new()
        };
        TestOutcome {
            gas_records,
            signature: test.signature(),
            trace: failure.as_ref().and_then(|_| self.trace(fixture, &data)),
            gas: match &status {
                // forge reports no gas for a skipped test.
                TestStatus::Skip(_) => 0,
                _ => run.outcome.gas_used.saturating_sub(call_intrinsic(&data)),
            },
            status,
            fuzz: None,
            invariant: None,
            logs: run.logs,
            duration: started.elapsed(),
            gas_snapshots: run.gas_figures,
        }
    }

    /// A `testFail…` function: refused, or with `legacy_test_fail`, run
    /// with its old meaning (it passes when it fails).
    fn test_fail(&self, fixture: &Fixture<'_>, test: &TestFunction) -> TestOutcome {
        if !self.options.legacy_test_fail {
            return TestOutcome::failed(test.signature(), TEST_FAIL_REMOVED.to_owned());
        }
        let mut outcome = if test.is_fuzz() {
            self.fuzz(fixture, test, &Dictionary::default())
        } else {
            self.unit(fixture, test)
        };
        outcome.status = match outcome.status {
            TestStatus::Fail(_) => TestStatus::Pass,
            TestStatus::Pass => TestStatus::Fail(
                "testFail… passed: the call was expected to fail (legacy_test_fail)".into(),
            ),
            skip => skip,
        };
        outcome
    }

    /// Runs and rejects allowed for a fuzz test: the run's, or its
    /// `forge-config:` lines'.
    fn fuzz_settings(
        &self,
        fixture: &Fixture<'_>,
        test: &TestFunction,
    ) -> Result<(u32, u32), String> {
        let (inline, name, profile) = (
            &fixture.contract.inline,
            &test.function.name,
            &self.options.profile,
        );
        Ok((
            inline
                .number(name, profile, "fuzz.runs")?
                .unwrap_or(self.options.fuzz.runs),
            inline
                .number(name, profile, "fuzz.max-test-rejects")?
                .unwrap_or(self.options.fuzz.max_rejects),
        ))
    }

    fn fuzz(
        &self,
        fixture: &Fixture<'_>,
        test: &TestFunction,
        dictionary: &Dictionary,
    ) -> TestOutcome {
        let started = Instant::now();
        let signature = test.signature();
        let types: Vec<DynSolType> = match test
            .function
            .inputs
            .iter()
            .map(|p| p.resolve())
            .collect::<Result<_, _>>()
        {
            Ok(types) => types,
            Err(e) => {
                return TestOutcome::failed(signature, format!("cannot generate its inputs: {e}"));
            }
        };
        let encode = |values: &[DynSolValue]| -> Option<Bytes> {
            test.function.abi_encode_input(values).ok().map(Bytes::from)
        };
        let fails = |values: &[DynSolValue]| -> bool {
            encode(values).is_some_and(|data| {
                let run = self.run_once(fixture, &data, false);
                !run.rejected && self.failure(&run.outcome).is_some()
            })
        };
        let seed = test_seed(self.options.fuzz.seed, &fixture.contract.name, &signature);
        let saved = self
            .options
            .fuzz
            .failures_dir
            .as_deref()
            .map(|dir| dir.join(&fixture.contract.name).join(&test.function.name));
        let mut report = FuzzReport {
            runs: 0,
            mean_gas: 0,
            median_gas: 0,
            seed,
            counterexample: None,
        };

        // A failure saved by an earlier run is tried first.
        // One that no longer fails (or no longer fits the test's
        // parameters) is removed.
        if let Some(path) = saved.as_deref().filter(|p| p.exists()) {
            if let Some(values) = read_saved(path, test)
                && fails(&values)
            {
                return self.report_failure(fixture, test, values, report, true, started);
            }
            let _ = std::fs::remove_file(path);
        }

        let (runs, max_rejects) = match self.fuzz_settings(fixture, test) {
            Ok(settings) => settings,
            Err(why) => return TestOutcome::failed(signature, why),
        };
        let mut generator = Generator::new(seed, dictionary);
        let mut gas = Vec::with_capacity(runs as usize);
        let mut rejects = 0u32;
        while gas.len() < runs as usize {
            let values = generator.inputs(&types);
            let Some(data) = encode(&values) else {
                continue;
            };
            let run = self.run_once(fixture, &data, false);
            if run.rejected {
                rejects += 1;
                if rejects > max_rejects {
                    report.runs = gas.len() as u32;
                    let mut outcome = TestOutcome::failed(
                        signature,
                        format!(
                            "vm.assume rejected too many inputs ({max_rejects} allowed); narrow the inputs with bound() instead"
                        ),
                    );
                    outcome.fuzz = Some(report);
                    return outcome;
                }
                continue;
            }
            if self.failure(&run.outcome).is_some() {
                report.runs = gas.len() as u32 + 1;
                let minimal = shrink(values, fails, SHRINK_BUDGET);
                if let Some(path) = &saved
                    && let Some(data) = encode(&minimal)
                {
                    save(path, &data);
                }
                return self.report_failure(fixture, test, minimal, report, false, started);
            }
            gas.push(run.outcome.gas_used.saturating_sub(call_intrinsic(&data)));
        }
        gas.sort_unstable();
        report.runs = gas.len() as u32;
        report.median_gas = gas.get(gas.len() / 2).copied().unwrap_or_default();
        report.mean_gas = if gas.is_empty() {
            0
        } else {
            gas.iter().sum::<u64>() / gas.len() as u64
        };
        TestOutcome {
            signature,
            status: TestStatus::Pass,
            gas: report.median_gas,
            fuzz: Some(report),
            invariant: None,
            logs: Vec::new(),
            trace: None,
            gas_records: Vec::new(),
            duration: started.elapsed(),
            gas_snapshots: Default::default(),
        }
    }

    fn report_failure(
        &self,
        fixture: &Fixture<'_>,
        test: &TestFunction,
        values: Vec<DynSolValue>,
        mut report: FuzzReport,
        replayed: bool,
        started: Instant,
    ) -> TestOutcome {
        let data = Bytes::from(test.function.abi_encode_input(&values).unwrap_or_default());
        let run = self.run_once(fixture, &data, false);
        let reason = self
            .failure(&run.outcome)
            .unwrap_or_else(|| "failed only intermittently".into());
        report.counterexample = Some(Counterexample {
            calldata: data.clone(),
            args: values
                .iter()
                .map(|v| slipway_contracts::display_value(v, true))
                .collect(),
            replayed,
        });
        TestOutcome {
            signature: test.signature(),
            status: TestStatus::Fail(reason),
            gas: run.outcome.gas_used.saturating_sub(call_intrinsic(&data)),
            fuzz: Some(report),
            invariant: None,
            logs: run.logs,
            trace: self.trace(fixture, &data),
            gas_records: Vec::new(),
            duration: started.elapsed(),
            gas_snapshots: Default::default(),
        }
    }

    fn contract(&self, contract: &TestContract, filter: &TestFilter) -> ContractOutcome {
        let selected: Vec<&TestFunction> = if self.stopped.load(Ordering::Relaxed) {
            Vec::new()
        } else {
            contract
                .tests
                .iter()
                .chain(&contract.invariants)
                .filter(|t| filter.test(&contract.name, &t.signature()))
                .collect()
        };
        let mut setup_gas = Vec::new();
        if selected.is_empty() {
            return ContractOutcome {
                source: contract.source.clone(),
                name: contract.name.clone(),
                tests: Vec::new(),
                setup_gas,
            };
        }
        let tests = match self.set_up(contract) {
            Err((reason, logs)) => {
                if self.options.fail_fast && !selected.is_empty() {
                    self.stopped.store(true, Ordering::Relaxed);
                }
                selected
                    .iter()
                    .map(|t| {
                        let mut outcome = TestOutcome::failed(t.signature(), reason.clone());
                        outcome.logs = logs.clone();
                        outcome
                    })
                    .collect()
            }
            Ok(mut fixture) => {
                setup_gas = std::mem::take(&mut fixture.setup_gas);
                // Only fuzz tests need the dictionary: gathering it reads all code.
                let is_invariant = |t: &TestFunction| t.function.name.starts_with("invariant");
                let dictionary = if selected.iter().any(|t| t.is_fuzz() || is_invariant(t)) {
                    Dictionary::new(
                        fixture
                            .state
                            .accounts()
                            .map(|(_, a)| a.code)
                            .collect::<Vec<_>>()
                            .iter()
                            .map(|c| c.as_ref()),
                        fixture.state.accounts().map(|(address, _)| address),
                    )
                } else {
                    Dictionary::default()
                };
                selected
                    .par_iter()
                    .filter(|_| !self.stopped.load(Ordering::Relaxed))
                    .map(|test| {
                        // A bug in slipway fails the one test it hit, not the run.
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                if let Some(why) =
                                    fixture.contract.inline.unknown(&test.function.name)
                                {
                                    TestOutcome::failed(test.signature(), why)
                                } else if test.function.name.starts_with("testFail") {
                                    self.test_fail(&fixture, test)
                                } else if is_invariant(test) {
                                    self.invariant(&fixture, test, &dictionary)
                                } else if test.is_fuzz() {
                                    self.fuzz(&fixture, test, &dictionary)
                                } else {
                                    self.unit(&fixture, test)
                                }
                            }))
                            .unwrap_or_else(|panic| {
                                let why = panic
                                    .downcast_ref::<String>()
                                    .cloned()
                                    .or_else(|| {
                                        panic.downcast_ref::<&str>().map(|s| (*s).to_owned())
                                    })
                                    .unwrap_or_default();
                                TestOutcome::failed(
                                    test.signature(),
                                    format!("slipway internal error (please report it): {why}"),
                                )
                            });
                        if self.options.fail_fast && matches!(outcome.status, TestStatus::Fail(_)) {
                            self.stopped.store(true, Ordering::Relaxed);
                        }
                        outcome
                    })
                    .collect()
            }
        };
        ContractOutcome {
            source: contract.source.clone(),
            name: contract.name.clone(),
            tests,
            setup_gas,
        }
    }
}

/// The seed of one test: the run's seed mixed with the test's identity, so
/// every test gets its own inputs whatever runs beside it.
pub(crate) fn test_seed(seed: u64, contract: &str, signature: &str) -> u64 {
    let hash = keccak256(format!("{seed}:{contract}:{signature}"));
    u64::from_be_bytes(hash[..8].try_into().unwrap_or_default())
}

fn read_saved(path: &Path, test: &TestFunction) -> Option<Vec<DynSolValue>> {
    let text = std::fs::read_to_string(path).ok()?;
    let data = alloy_primitives::hex::decode(text.trim()).ok()?;
    if data.get(..4) != Some(test.function.selector().as_slice()) {
        return None;
    }
    test.function.abi_decode_input(&data[4..]).ok()
}

fn save(path: &Path, data: &[u8]) {
    // Best effort: a cache that cannot be written only loses the replay.
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = std::fs::write(path, format!("0x{}\n", alloy_primitives::hex::encode(data)));
    }
}

/// Runs the selected tests of `contracts`, contracts and their tests in
/// parallel; results come back in the order of `contracts`.
pub fn run(
    contracts: &[TestContract],
    filter: &TestFilter,
    decoder: &Decoder,
    options: &RunOptions,
) -> Vec<ContractOutcome> {
    run_with_coverage(contracts, filter, decoder, options).0
}

/// `run`, also returning the instruction counts of every transaction
/// (empty unless `options.coverage`).
pub fn run_with_coverage(
    contracts: &[TestContract],
    filter: &TestFilter,
    decoder: &Decoder,
    options: &RunOptions,
) -> (Vec<ContractOutcome>, CoverageHits) {
    let fork_block = options
        .fork
        .as_ref()
        .map(|(_, upstream)| upstream.block().clone());
    let bench = Harness {
        env: ChainEnv {
            chain_id: fork_block.as_ref().map_or(options.chain_id, |b| b.chain_id),
            hardfork: options.hardfork,
            unlimited_code_size: true,
            unlimited_tx_gas: true,
            no_base_fee: true,
        },
        block: match &fork_block {
            // Forked: the fork block's environment, as forge runs it.
            Some(fork) => BlockContext {
                gas_limit: options.gas_limit,
                ..fork.context()
            },
            None => BlockContext {
                number: options.block_number,
                timestamp: options.block_timestamp,
                gas_limit: options.gas_limit,
                base_fee: options.base_fee,
                coinbase: Address::ZERO,
                prevrandao: Default::default(),
            },
        },
        options,
        decoder,
        coverage: Mutex::default(),
        stopped: AtomicBool::new(false),
    };
    let results = contracts
        .par_iter()
        .filter(|c| filter.contract(&c.source, &c.name))
        .map(|c| bench.contract(c, filter))
        .filter(|c| !c.tests.is_empty())
        .collect();
    let hits = bench.coverage.into_inner().unwrap_or_default();
    (results, hits)
}
