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

/// Every contract of the project's own sources (not of a library under
/// `libs`) with a `test…` or `invariant…` function and deployable code,
/// wherever its file is, as forge finds them (solmate keeps its tests in
/// `src/test`); sorted by source and name.
pub fn discover(contracts: &[BuiltContract], libs: &[PathBuf]) -> Vec<TestContract> {
    let mut found: Vec<TestContract> = contracts
        .iter()
        .filter_map(|contract| {
            let source = &contract.source;
            if source.starts_with(slipway_solc::STATE_DIR)
                || libs.iter().any(|lib| source.starts_with(lib))
            {
                return None;
            }
            let abi = contract.abi.clone()?;
            let bytecode = contract.bytecode.as_ref()?.bytes()?.clone();
            if bytecode.is_empty() {
                return None;
            }
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
            let has_setup = abi
                .functions()
                .any(|f| f.name == "setUp" && f.inputs.is_empty());
            Some(TestContract {
                source: source.display().to_string(),
                name: contract.name.clone(),
                abi,
                bytecode,
                has_setup,
                tests,
                invariants,
                inline: crate::InlineConfig::of(contract.ast.as_ref(), &contract.name),
            })
        })
        .collect();
    found.sort_by(|a, b| (&a.source, &a.name).cmp(&(&b.source, &b.name)));
    found.dedup_by(|a, b| a.source == b.source && a.name == b.name);
    found
}
