//! Test contracts and functions in a build.

use std::path::PathBuf;

use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::Bytes;
use slipway_solc::BuiltContract;

/// A contract with tests.
#[derive(Clone, Debug)]
pub struct TestContract {
    /// Source file, relative to the project root.
    pub source: String,
    /// Contract name.
    pub name: String,
    /// Its ABI.
    pub abi: JsonAbi,
    /// Creation code.
    pub bytecode: Bytes,
    /// Whether it has `setUp()`.
    pub has_setup: bool,
    /// Its tests, in ABI order (sorted by signature).
    pub tests: Vec<TestFunction>,
    /// Its `invariant…()` functions.
    pub invariants: Vec<TestFunction>,
    /// `/// forge-config:` lines in its NatSpec and its functions'.
    pub inline: crate::InlineConfig,
}

/// One `test…` function.
#[derive(Clone, Debug)]
pub struct TestFunction {
    /// The function.
    pub function: Function,
}

impl TestFunction {
    /// `name(types)`.
    pub fn signature(&self) -> String {
        self.function.signature()
    }

    /// Whether it takes parameters (a fuzz test).
    pub fn is_fuzz(&self) -> bool {
        !self.function.inputs.is_empty()
    }
}

/// A test contract as its ABI shows it, before its code is read.
#[derive(Clone, Debug)]
pub struct Candidate<'b> {
    /// The contract in the build.
    pub contract: &'b BuiltContract,
    /// Its ABI.
    pub abi: &'b JsonAbi,
    /// Its tests, in ABI order (sorted by signature).
    pub tests: Vec<TestFunction>,
    /// Its `invariant…()` functions.
    pub invariants: Vec<TestFunction>,
}

impl Candidate<'_> {
    /// Source file, relative to the project root.
    pub fn source(&self) -> String {
        self.contract.source.display().to_string()
    }

    /// The test contract, its code and AST read from the build.
    pub fn load(&self) -> Result<TestContract, slipway_solc::SolcError> {
        let contract = self.contract;
        let bytecode = contract
            .output()?
            .bytecode
            .as_ref()
            .and_then(|b| b.bytes())
            .cloned()
            .unwrap_or_default();
        Ok(TestContract {
            source: self.source(),
            name: contract.name.clone(),
            abi: self.abi.clone(),
            bytecode,
            has_setup: self
                .abi
                .functions()
                .any(|f| f.name == "setUp" && f.inputs.is_empty()),
            tests: self.tests.clone(),
            invariants: self.invariants.clone(),
            inline: crate::InlineConfig::of(contract.ast()?, &contract.name),
        })
    }
}

/// The test contract `contract` is, if it is one: of the project's own
/// sources (not of a library under `libs`), with a `test…` or
/// `invariant…` function and deployable code. Nothing is read from its
/// artifact.
pub fn candidate<'b>(contract: &'b BuiltContract, libs: &[PathBuf]) -> Option<Candidate<'b>> {
    let source = &contract.source;
    if source.starts_with(slipway_solc::STATE_DIR)
        || libs.iter().any(|lib| source.starts_with(lib))
        || contract.creation.is_none()
    {
        return None;
    }
    let abi = contract.abi.as_ref()?;
    let tests: Vec<TestFunction> = abi
        .functions()
        .filter(|f| f.name.starts_with("test"))
        .map(|f| TestFunction {
            function: f.clone(),
        })
        .collect();
    let invariants: Vec<TestFunction> = abi
        .functions()
        .filter(|f| f.name.starts_with("invariant") && f.inputs.is_empty())
        .map(|f| TestFunction {
            function: f.clone(),
        })
        .collect();
    if tests.is_empty() && invariants.is_empty() {
        return None;
    }
    Some(Candidate {
        contract,
        abi,
        tests,
        invariants,
    })
}

/// Every test contract of the build ([`candidate`]), wherever its file is,
/// as forge finds them (solmate keeps its tests in `src/test`); sorted by
/// source and name.
pub fn candidates<'b>(contracts: &'b [BuiltContract], libs: &[PathBuf]) -> Vec<Candidate<'b>> {
    let mut found: Vec<Candidate<'b>> = contracts
        .iter()
        .filter_map(|contract| candidate(contract, libs))
        .collect();
    let key = |c: &Candidate<'_>| (c.contract.source.clone(), c.contract.name.clone());
    found.sort_by_key(key);
    found.dedup_by(|a, b| key(a) == key(b));
    found
}

/// Every test contract of the build ([`candidates`]), read.
pub fn discover(
    contracts: &[BuiltContract],
    libs: &[PathBuf],
) -> Result<Vec<TestContract>, slipway_solc::SolcError> {
    candidates(contracts, libs)
        .iter()
        .map(Candidate::load)
        .collect()
}
