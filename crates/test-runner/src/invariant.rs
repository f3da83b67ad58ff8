//! Invariant tests: random sequences of calls from random senders to the
//! target contracts, each `invariant…()` checked after every call; a broken
//! one is shrunk to a short sequence, printed with decoded calls and saved to
//! be replayed first next time.

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, StateMutability};
use alloy_primitives::{Address, Bytes, FixedBytes};
use serde::{Deserialize, Serialize};
use slipway_evm::State;

use crate::{
    CHEATCODE_ADDRESS, TestFunction, TestOutcome, TestStatus,
    fuzz::{Dictionary, Generator, shrink},
    runner::{DEFAULT_SENDER, Fixture, Harness, test_seed},
};

/// How invariant tests run.
#[derive(Clone, Debug)]
pub struct InvariantOptions {
    /// Sequences per invariant (forge's default: 256).
    pub runs: u32,
    /// Calls per sequence (slipway: 50; forge: 500).
    pub depth: u32,
    /// A reverting call breaks the invariant test.
    pub fail_on_revert: bool,
    /// Where failing sequences are saved (`<dir>/<Contract>/<invariant>`).
    pub failures_dir: Option<PathBuf>,
}

impl Default for InvariantOptions {
    fn default() -> Self {
        Self {
            runs: 256,
            depth: 50,
            fail_on_revert: false,
            failures_dir: None,
        }
    }
}

/// What an invariant test did.
#[derive(Clone, Debug, Serialize)]
pub struct InvariantReport {
    /// Sequences run.
    pub runs: u32,
    /// Calls made.
    pub calls: u64,
    /// Calls that reverted.
    pub reverts: u64,
    /// The (shrunk) sequence that broke it: one line per call.
    pub sequence: Option<Vec<String>>,
    /// Whether the sequence came from the saved failures of an earlier run.
    pub replayed: bool,
}

/// One call of a sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Step {
    sender: Address,
    target: Address,
    calldata: Bytes,
}

/// A contract the sequences call, with the functions they may call.
struct Target {
    address: Address,
    name: String,
    functions: Vec<Function>,
}

/// `FuzzSelector[]` of forge-std: `(address addr, bytes4[] selectors)[]`.
type Selectors = Vec<(Address, Vec<[u8; 4]>)>;

impl Harness<'_> {
    /// Calls a no-argument getter of the test contract, if it has one.
    fn getter(&self, fixture: &Fixture<'_>, name: &str) -> Option<Vec<DynSolValue>> {
        let function = fixture.contract.abi.function(name)?.first()?.clone();
        let mut state = fixture.state.clone();
        let mut inspector = self.inspector_on(fixture, false);
        let outcome = self.execute(
            &fixture.chain,
            &fixture.block,
            &mut state,
            Some(fixture.address),
            Bytes::copy_from_slice(function.selector().as_slice()),
            &mut inspector,
            false,
        );
        if !outcome.is_success() {
            return None;
        }
        function.abi_decode_output(&outcome.output).ok()
    }

    fn addresses(&self, fixture: &Fixture<'_>, getter: &str) -> Vec<Address> {
        match self.getter(fixture, getter).as_deref() {
            Some([DynSolValue::Array(items)]) => {
                items.iter().filter_map(DynSolValue::as_address).collect()
            }
            _ => Vec::new(),
        }
    }

    fn selectors(&self, fixture: &Fixture<'_>) -> Selectors {
        let values = self.getter(fixture, "targetSelectors").unwrap_or_default();
        let Some(DynSolValue::Array(items)) = values.first() else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match item {
                // A struct decodes as a plain tuple or, with the ABI's
                // internal types, as a named one.
                DynSolValue::Tuple(fields) | DynSolValue::CustomStruct { tuple: fields, .. } => {
                    match fields.as_slice() {
                        [DynSolValue::Address(a), DynSolValue::Array(sels)] => Some((
                            *a,
                            sels.iter()
                                .filter_map(|s| match s {
                                    DynSolValue::FixedBytes(w, 4) => Some([w[0], w[1], w[2], w[3]]),
                                    _ => None,
                                })
                                .collect(),
                        )),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect()
    }

    /// The targets: `targetContracts()` or every contract setUp deployed,
    /// less `excludeContracts()`; their state-changing functions, narrowed
    /// by `targetSelectors()`.
    fn targets(&self, fixture: &Fixture<'_>) -> Vec<Target> {
        let listed = self.addresses(fixture, "targetContracts");
        let excluded = self.addresses(fixture, "excludeContracts");
        let selectors = self.selectors(fixture);
        let mut addresses: Vec<Address> = if listed.is_empty() {
            fixture.names.created.iter().map(|(a, _)| *a).collect()
        } else {
            listed
        };
        addresses.dedup();
        addresses
            .into_iter()
            .filter(|a| *a != fixture.address && *a != CHEATCODE_ADDRESS && !excluded.contains(a))
            .filter_map(|address| {
                let code = fixture
                    .names
                    .created
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == address)
                    .map(|(_, code)| code)?;
                let name = self.decoder.contract_name(code)?.to_owned();
                let abi = self.decoder.abi(&name)?;
                let only: Option<&Vec<[u8; 4]>> = selectors
                    .iter()
                    .find(|(a, _)| *a == address)
                    .map(|(_, s)| s);
                let functions: Vec<Function> = abi
                    .functions()
                    .filter(|f| {
                        !matches!(
                            f.state_mutability,
                            StateMutability::View | StateMutability::Pure
                        )
                    })
                    .filter(|f| only.is_none_or(|s| s.contains(&f.selector().0)))
                    .cloned()
                    .collect();
                (!functions.is_empty()).then_some(Target {
                    address,
                    name,
                    functions,
                })
            })
            .collect()
    }

    /// Runs one call of a sequence on `state`; `Err` when it reverted.
    fn step(&self, fixture: &Fixture<'_>, state: &mut State, step: &Step) -> Result<(), String> {
        let mut inspector = self.inspector_on(fixture, false);
        let outcome = self.execute_from(
            step.sender,
            &fixture.chain,
            &fixture.block,
            state,
            Some(step.target),
            step.calldata.clone(),
            &mut inspector,
            true,
        );
        match self.failure(&outcome) {
            None => Ok(()),
            Some(why) => Err(why),
        }
    }

    /// Checks the invariant on `state`: `Err` with why it is broken.
    fn check(
        &self,
        fixture: &Fixture<'_>,
        state: &mut State,
        invariant: &Function,
    ) -> Result<(), String> {
        let mut inspector = self.inspector_on(fixture, false);
        let outcome = self.execute(
            &fixture.chain,
            &fixture.block,
            state,
            Some(fixture.address),
            Bytes::copy_from_slice(invariant.selector().as_slice()),
            &mut inspector,
            false,
        );
        if let Some(why) = self.failure(&outcome) {
            return Err(why);
        }
        // The legacy style: an invariant returning `bool`.
        match invariant.abi_decode_output(&outcome.output).as_deref() {
            Ok([DynSolValue::Bool(false)]) => Err(format!("{}() returned false", invariant.name)),
            _ => Ok(()),
        }
    }

    /// Replays `steps` from the fixture: `Some(reason)` if the invariant
    /// breaks (or, with `fail_on_revert`, a call reverts) along the way.
    fn replay(
        &self,
        fixture: &Fixture<'_>,
        invariant: &Function,
        steps: &[Step],
    ) -> Option<String> {
        let mut state = fixture.state.clone();
        if let Err(why) = self.check(fixture, &mut state, invariant) {
            return Some(why);
        }
        let fail_on_revert = self
            .invariant_settings(fixture, &invariant.name)
            .map_or(self.options.invariant.fail_on_revert, |o| o.fail_on_revert);
        for step in steps {
            if let Err(why) = self.step(fixture, &mut state, step)
                && fail_on_revert
            {
                return Some(format!("a call reverted (fail_on_revert): {why}"));
            }
            if let Err(why) = self.check(fixture, &mut state, invariant) {
                return Some(why);
            }
        }
        None
    }

    /// A shorter sequence that still breaks the invariant: calls removed one
    /// by one, then each call's arguments shrunk.
    fn shrink_sequence(
        &self,
        fixture: &Fixture<'_>,
        invariant: &Function,
        targets: &[Target],
        mut steps: Vec<Step>,
    ) -> Vec<Step> {
        let breaks = |steps: &[Step]| self.replay(fixture, invariant, steps).is_some();
        let mut index = steps.len();
        while index > 0 {
            index -= 1;
            let mut without = steps.clone();
            without.remove(index);
            if breaks(&without) {
                steps = without;
            }
        }
        for i in 0..steps.len() {
            let Some(function) = function_of(targets, &steps[i]) else {
                continue;
            };
            let Ok(values) = function.abi_decode_input(&steps[i].calldata[4..]) else {
                continue;
            };
            let encode =
                |values: &[DynSolValue]| function.abi_encode_input(values).ok().map(Bytes::from);
            let shrunk = shrink(
                values,
                |candidate| {
                    let Some(calldata) = encode(candidate) else {
                        return false;
                    };
                    let mut trial = steps.clone();
                    trial[i].calldata = calldata;
                    breaks(&trial)
                },
                256,
            );
            if let Some(calldata) = encode(&shrunk) {
                steps[i].calldata = calldata;
            }
        }
        steps
    }

    /// The run's invariant settings, under the test's `forge-config:` lines.
    fn invariant_settings(
        &self,
        fixture: &Fixture<'_>,
        name: &str,
    ) -> Result<InvariantOptions, String> {
        let (inline, profile) = (&fixture.contract.inline, &self.options.profile);
        let base = &self.options.invariant;
        Ok(InvariantOptions {
            runs: inline
                .number(name, profile, "invariant.runs")?
                .unwrap_or(base.runs),
            depth: inline
                .number(name, profile, "invariant.depth")?
                .unwrap_or(base.depth),
            fail_on_revert: inline
                .flag(name, profile, "invariant.fail-on-revert")?
                .unwrap_or(base.fail_on_revert),
            failures_dir: base.failures_dir.clone(),
        })
    }

    /// One invariant test.
    pub(crate) fn invariant(
        &self,
        fixture: &Fixture<'_>,
        test: &TestFunction,
        dictionary: &Dictionary,
    ) -> TestOutcome {
        let started = Instant::now();
        let options = match self.invariant_settings(fixture, &test.function.name) {
            Ok(options) => options,
            Err(why) => return TestOutcome::failed(test.signature(), why),
        };
        let options = &options;
        let invariant = &test.function;
        let signature = test.signature();
        let targets = self.targets(fixture);
        let mut report = InvariantReport {
            runs: 0,
            calls: 0,
            reverts: 0,
            sequence: None,
            replayed: false,
        };
        let finish = |status: TestStatus, report: InvariantReport| TestOutcome {
            signature: signature.clone(),
            status,
            gas: 0,
            fuzz: None,
            invariant: Some(report),
            logs: Vec::new(),
            trace: None,
            gas_records: Vec::new(),
            duration: started.elapsed(),
            gas_snapshots: Default::default(),
        };
        if targets.is_empty() {
            return finish(
                TestStatus::Fail(
                    "no target contracts: deploy contracts with state-changing functions in setUp, or name them with targetContract".into(),
                ),
                report,
            );
        }
        let saved = options
            .failures_dir
            .as_deref()
            .map(|dir| dir.join(&fixture.contract.name).join(&invariant.name));
        if let Some(path) = saved.as_deref().filter(|p| p.exists()) {
            // Only while every call still goes to a target (targets may
            // have been narrowed since).
            if let Some(steps) = read_steps(path)
                && steps.iter().all(|s| function_of(&targets, s).is_some())
                && let Some(why) = self.replay(fixture, invariant, &steps)
            {
                report.sequence = Some(self.describe(&targets, &steps));
                report.replayed = true;
                return finish(TestStatus::Fail(why), report);
            }
            let _ = std::fs::remove_file(path);
        }
        let senders = self.addresses(fixture, "targetSenders");
        let excluded_senders = self.addresses(fixture, "excludeSenders");
        let mut generator = Generator::new(
            test_seed(self.options.fuzz.seed, &fixture.contract.name, &signature),
            dictionary,
        );
        {
            let mut state = fixture.state.clone();
            if let Err(why) = self.check(fixture, &mut state, invariant) {
                report.sequence = Some(Vec::new());
                return finish(
                    TestStatus::Fail(format!("broken before any call: {why}")),
                    report,
                );
            }
        }
        for _ in 0..options.runs {
            report.runs += 1;
            let mut state = fixture.state.clone();
            let mut steps = Vec::new();
            for _ in 0..options.depth {
                let target = &targets[generator.pick(targets.len())];
                let function = &target.functions[generator.pick(target.functions.len())];
                let Ok(types) = function
                    .inputs
                    .iter()
                    .map(|p| p.resolve())
                    .collect::<Result<Vec<DynSolType>, _>>()
                else {
                    continue;
                };
                let Ok(calldata) = function.abi_encode_input(&generator.inputs(&types)) else {
                    continue;
                };
                let sender = pick_sender(&mut generator, &senders, &excluded_senders, |a| {
                    !fixture.state.account(a).code.is_empty()
                });
                let step = Step {
                    sender,
                    target: target.address,
                    calldata: calldata.into(),
                };
                report.calls += 1;
                let reverted = self.step(fixture, &mut state, &step);
                steps.push(step);
                let broken = match reverted {
                    Err(why) => {
                        report.reverts += 1;
                        options
                            .fail_on_revert
                            .then(|| format!("a call reverted (fail_on_revert): {why}"))
                    }
                    Ok(()) => None,
                }
                .or_else(|| self.check(fixture, &mut state, invariant).err());
                if broken.is_some() {
                    let steps = self.shrink_sequence(fixture, invariant, &targets, steps);
                    let why = self
                        .replay(fixture, invariant, &steps)
                        .or(broken)
                        .unwrap_or_default();
                    if let Some(path) = &saved {
                        save_steps(path, &steps);
                    }
                    report.sequence = Some(self.describe(&targets, &steps));
                    return finish(TestStatus::Fail(why), report);
                }
            }
        }
        finish(TestStatus::Pass, report)
    }

    /// The sequence in words: sender, contract, decoded call.
    fn describe(&self, targets: &[Target], steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .map(|step| {
                let contract = targets
                    .iter()
                    .find(|t| t.address == step.target)
                    .map_or_else(String::new, |t| format!("[{}]", t.name));
                format!(
                    "sender={} addr={contract}{} calldata={}",
                    step.sender,
                    step.target,
                    self.decoder.call(&step.calldata)
                )
            })
            .collect()
    }
}

fn function_of<'t>(targets: &'t [Target], step: &Step) -> Option<&'t Function> {
    let selector: FixedBytes<4> = FixedBytes::from_slice(step.calldata.get(..4)?);
    targets
        .iter()
        .find(|t| t.address == step.target)?
        .functions
        .iter()
        .find(|f| f.selector() == selector)
}

/// A sender: one of `targetSenders()` if any, else a random address that is
/// not excluded, not zero, not a precompile and holds no code (EIP-3607
/// refuses transactions from contracts).
fn pick_sender(
    generator: &mut Generator<'_>,
    senders: &[Address],
    excluded: &[Address],
    has_code: impl Fn(Address) -> bool,
) -> Address {
    if !senders.is_empty() {
        return senders[generator.pick(senders.len())];
    }
    for _ in 0..16 {
        let address = generator.address();
        let low = address.0[..18].iter().all(|b| *b == 0);
        if !low && !has_code(address) && !excluded.contains(&address) {
            return address;
        }
    }
    DEFAULT_SENDER
}

fn read_steps(path: &Path) -> Option<Vec<Step>> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn save_steps(path: &Path, steps: &[Step]) {
    // Best effort: a cache that cannot be written only loses the replay.
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
        && let Ok(text) = serde_json::to_string_pretty(steps)
    {
        let _ = std::fs::write(path, text);
    }
}
