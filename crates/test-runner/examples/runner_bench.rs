//! Measures the test runner against the limit: the same calls executed
//! directly on revm with no inspector.
//!
//! `cargo run --release -p slipway-test-runner --example runner_bench [ITERATIONS]`
//! (used by `bench/test.sh`). It compiles the fixture suite, then times:
//! (1) unit tests without cheatcodes: `slipway_test_runner::run` against revm
//! deploying the contract, running `setUp()` and each test from a clone of
//! the state after it; (2) fuzz runs of one property: the runner against
//! revm calling the function with the same number of pre-encoded inputs.
//! Each side is measured in five alternating rounds and the fastest round
//! counts, which keeps a shared machine's noise out of the ratio.

#![allow(clippy::print_stdout)]

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use alloy_primitives::{Address, Bytes, TxKind, U256, keccak256};
use revm::{
    Context, ExecuteCommitEvm, MainBuilder, MainContext,
    context::{TxEnv, result::ExecutionResult},
    database::{CacheDB, EmptyDB},
    primitives::hardfork::SpecId,
    state::AccountInfo,
};
use slipway_config::{Config, Vars};
use slipway_contracts::Decoder;
use slipway_test_runner::{DEFAULT_SENDER, RunOptions, TestContract, TestFilter, TestStatus};

const UNIT_TESTS: &str = "^test_(Passes|StartsFromSetUpState|ChangesDoNotLeak|ApproxEqAbs)$";

fn compile() -> (Vec<TestContract>, Decoder) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("testdata");
    let out = std::env::temp_dir().join("slipway-runner-bench");
    let std_lib = manifest
        .join("../../contracts/lib")
        .canonicalize()
        .expect("contracts/lib");
    let text = format!(
        "[project]\nsrc = \"contracts/src\"\ntest = \"contracts/test\"\nout = \"{}\"\nlibs = [\"{}\"]\n",
        out.join("out").display(),
        std_lib.display()
    );
    let config =
        Config::parse(&root, root.join("slipway.toml"), text, Vars::default()).expect("config");
    let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
        .expect("solc");
    let report =
        slipway_solc::build(&config, &compiler, slipway_solc::Profile::Default).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    (
        slipway_test_runner::discover(&report.artifacts, &config.project.libs).expect("read"),
        Decoder::from_build(&report.artifacts),
    )
}

/// One transaction on a copy of `db`, committed into it; the created address.
fn transact(
    db: &mut CacheDB<EmptyDB>,
    to: Option<Address>,
    data: Bytes,
) -> (bool, Option<Address>) {
    let tx = TxEnv {
        caller: DEFAULT_SENDER,
        kind: to.map_or(TxKind::Create, TxKind::Call),
        data,
        gas_limit: 1 << 30,
        gas_price: 0,
        chain_id: Some(31_337),
        ..Default::default()
    };
    let mut evm = Context::mainnet()
        .with_db(&mut *db)
        .modify_cfg_chained(|cfg| {
            cfg.spec = SpecId::PRAGUE;
            cfg.chain_id = 31_337;
            cfg.disable_nonce_check = true;
            cfg.limit_contract_code_size = Some(usize::MAX);
            cfg.tx_gas_limit_cap = Some(u64::MAX);
        })
        .build_mainnet();
    let result = evm.transact_commit(tx).expect("valid transaction");
    match result {
        ExecutionResult::Success { output, .. } => (true, output.address().copied()),
        _ => (false, None),
    }
}

/// Deploys and sets up `contract` on bare revm; the state and its address.
fn raw_fixture(contract: &TestContract) -> (CacheDB<EmptyDB>, Address) {
    let mut db = CacheDB::new(EmptyDB::default());
    db.insert_account_info(
        DEFAULT_SENDER,
        AccountInfo {
            balance: U256::MAX >> 1,
            nonce: 1,
            ..Default::default()
        },
    );
    let (ok, address) = transact(&mut db, None, contract.bytecode.clone());
    let address = address.filter(|_| ok).expect("deployed");
    if contract.has_setup {
        let (ok, _) = transact(
            &mut db,
            Some(address),
            Bytes::from_static(&[0x0a, 0x92, 0x54, 0xe4]),
        );
        assert!(ok, "setUp");
    }
    (db, address)
}

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let (contracts, decoder) = compile();
    let options = RunOptions::default();

    // (1) Unit tests.
    let filter = TestFilter::new(
        Some(UNIT_TESTS),
        None,
        Some("^OutcomesTest$"),
        None,
        None,
        None,
    )
    .expect("filter");
    let contract = contracts
        .iter()
        .find(|c| c.name == "OutcomesTest")
        .expect("OutcomesTest");
    let selected: Vec<_> = contract
        .tests
        .iter()
        .filter(|t| regex_match(&t.function.name))
        .collect();
    let per_run = selected.len() as u32;
    let check = slipway_test_runner::run(&contracts, &filter, &decoder, &options);
    assert!(
        check
            .iter()
            .flat_map(|c| &c.tests)
            .all(|t| t.status == TestStatus::Pass)
    );

    let (slipway_unit, raw_unit) = fastest_of_rounds(
        || {
            for _ in 0..iterations {
                std::hint::black_box(slipway_test_runner::run(
                    &contracts, &filter, &decoder, &options,
                ));
            }
        },
        || {
            for _ in 0..iterations {
                let (db, address) = raw_fixture(contract);
                for test in &selected {
                    let mut fresh = db.clone();
                    let data = Bytes::copy_from_slice(test.function.selector().as_slice());
                    let (ok, _) = transact(&mut fresh, Some(address), data);
                    assert!(ok);
                }
            }
        },
    );
    let tests = f64::from(iterations * per_run);
    println!(
        "unit: {} tests: slipway {:.1} µs/test ({:.0} tests/s), bare revm {:.1} µs/test, ratio {:.2}",
        iterations * per_run,
        slipway_unit.as_secs_f64() * 1e6 / tests,
        tests / slipway_unit.as_secs_f64(),
        raw_unit.as_secs_f64() * 1e6 / tests,
        slipway_unit.as_secs_f64() / raw_unit.as_secs_f64()
    );

    // (2) Fuzz runs: one property, many inputs, one thread on each side.
    let runs = iterations * 50;
    let mut fuzz_options = RunOptions::default();
    fuzz_options.fuzz.runs = runs;
    let fuzz_filter = TestFilter::new(
        Some("^testFuzz_AdditionCommutes$"),
        None,
        Some("^FuzzTest$"),
        None,
        None,
        None,
    )
    .expect("filter");
    let result = slipway_test_runner::run(&contracts, &fuzz_filter, &decoder, &fuzz_options);
    assert_eq!(result[0].tests[0].status, TestStatus::Pass);

    let fuzz_contract = contracts
        .iter()
        .find(|c| c.name == "FuzzTest")
        .expect("FuzzTest");
    let function = &fuzz_contract
        .tests
        .iter()
        .find(|t| t.function.name == "testFuzz_AdditionCommutes")
        .expect("property")
        .function;
    let (db, address) = raw_fixture(fuzz_contract);
    let inputs: Vec<Bytes> = (0..runs)
        .map(|i| {
            let word = keccak256(i.to_be_bytes());
            let mut data = function.selector().to_vec();
            data.extend_from_slice(&[0u8; 16]);
            data.extend_from_slice(&word[..16]);
            data.extend_from_slice(&[0u8; 16]);
            data.extend_from_slice(&word[16..]);
            Bytes::from(data)
        })
        .collect();
    let (slipway_fuzz, raw_fuzz) = fastest_of_rounds(
        || {
            std::hint::black_box(slipway_test_runner::run(
                &contracts,
                &fuzz_filter,
                &decoder,
                &fuzz_options,
            ));
        },
        || {
            for data in &inputs {
                let mut fresh = db.clone();
                let (ok, _) = transact(&mut fresh, Some(address), data.clone());
                assert!(ok);
            }
        },
    );
    println!(
        "fuzz: {runs} runs: slipway {:.0} runs/s, bare revm {:.0} calls/s, ratio {:.2}",
        f64::from(runs) / slipway_fuzz.as_secs_f64(),
        f64::from(runs) / raw_fuzz.as_secs_f64(),
        slipway_fuzz.as_secs_f64() / raw_fuzz.as_secs_f64()
    );

    invariant_rate(&contracts, &decoder);
}

/// Runs `a` and `b` alternately five times; the fastest time of each.
fn fastest_of_rounds(mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    let time = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        f();
        started.elapsed()
    };
    (0..5)
        .map(|_| (time(&mut a), time(&mut b)))
        .fold((Duration::MAX, Duration::MAX), |(x, y), (p, q)| {
            (x.min(p), y.min(q))
        })
}

/// (3) Invariant calls per second: one campaign, the invariant checked after
/// every call.
fn invariant_rate(contracts: &[TestContract], decoder: &Decoder) {
    let mut options = RunOptions::default();
    options.invariant.runs = 64;
    options.invariant.depth = 50;
    let filter = TestFilter::new(
        Some("^invariant_CreditsCoverDebits$"),
        None,
        Some("^InvariantHoldsTest$"),
        None,
        None,
        None,
    )
    .expect("filter");
    let mut fastest = Duration::MAX;
    let mut calls = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let results = slipway_test_runner::run(contracts, &filter, decoder, &options);
        fastest = fastest.min(started.elapsed());
        let test = &results[0].tests[0];
        assert_eq!(test.status, TestStatus::Pass);
        calls = test.invariant.as_ref().map_or(0, |r| r.calls);
    }
    println!(
        "invariant: {calls} calls (64 runs x 50, invariant checked after each): {:.0} calls/s",
        calls as f64 / fastest.as_secs_f64()
    );
}

fn regex_match(name: &str) -> bool {
    [
        "test_Passes",
        "test_StartsFromSetUpState",
        "test_ChangesDoNotLeak",
        "test_ApproxEqAbs",
    ]
    .contains(&name)
}
