//! The bundled project through library calls alone, in one process, with
//! no CLI: build → lint → analyze → test → coverage gate → gas snapshot
//! check → deploy to the in-process chain → bytecode verification. Each
//! compile profile is compiled once, and every later stage is handed the
//! build instead of compiling again — the compiler's run count says so.
//! `slipway pipeline` stands on this.

use crate::common::repository_copy;

use slipway_analyze::{BuildSource, RunOptions, analyze_project, lint_project};
use slipway_config::Config;
use slipway_contracts::Artifacts;
use slipway_deploy::{
    Approval, DeployHooks, DeployOptions, DeployRequest, Unattended, deploy, verify::CodeCheck,
};
use slipway_keys::SignerError;
use slipway_solc::{BuildReport, BuildRequest, Built, Profile, compile_project};
use slipway_test_runner::{
    CoverageGate, SuiteRequest, check_snapshot, measure_coverage, run_suite,
};

fn compile(config: &Config, profile: Profile) -> BuildReport {
    let request = BuildRequest {
        profile,
        offline: true,
        allow_unchanged: false,
    };
    match compile_project(config, request, &|_| {}).expect("build") {
        Built::Compiled(report) => *report,
        Built::Unchanged { .. } => panic!("asked for the build's output"),
    }
}

#[test]
fn the_bundled_project_runs_through_library_calls_alone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    let config = Config::load(&dir).expect("config");

    let build = compile(&config, Profile::Default);
    assert!(!build.has_errors(), "{:?}", build.diagnostics);
    assert_eq!(
        build.compiler_runs, 1,
        "the optimised profile, compiled once"
    );

    let findings = RunOptions {
        offline: true,
        ..RunOptions::default()
    };
    let lint = lint_project(&config, &findings, BuildSource::Given(&build)).expect("lint");
    assert!(lint.passed(), "{:?}", lint.report.findings);
    assert!(lint.build.is_none(), "lint compiled nothing of its own");
    let analysis =
        analyze_project(&config, &findings, BuildSource::Given(&build)).expect("analyze");
    assert!(analysis.passed(), "{:?}", analysis.report.findings);
    assert!(analysis.report.files_analysed + analysis.report.files_cached > 0);
    assert!(
        analysis.build.is_none(),
        "analyze compiled nothing of its own"
    );

    // The gas snapshot is taken with seed 0, as `slipway snapshot` takes it.
    let tests = run_suite(
        &config,
        &build,
        &SuiteRequest {
            default_seed: Some(0),
            ..SuiteRequest::default()
        },
    )
    .expect("tests");
    let summary = tests.summary();
    assert_eq!(summary.failed, 0, "{summary:?}");
    assert!(summary.passed > 20, "{summary:?}");
    let snapshot = check_snapshot(
        &dir.join(".gas-snapshot"),
        &tests.results,
        config.gates.gas_tolerance,
    )
    .expect("the committed snapshot");
    assert_eq!(
        snapshot.regressions(),
        0,
        "gas rose beyond the tolerance: {:?}",
        snapshot.changes
    );

    let coverage_build = compile(&config, Profile::Coverage);
    assert_eq!(
        coverage_build.compiler_runs, 1,
        "the coverage profile, compiled once"
    );
    let covered = run_suite(
        &config,
        &coverage_build,
        &SuiteRequest {
            coverage: true,
            invariant_runs: Some(64),
            ..SuiteRequest::default()
        },
    )
    .expect("coverage run");
    let report = measure_coverage(&config, &coverage_build, &covered.hits).expect("coverage");
    let short = CoverageGate::of(&config).check(&report);
    assert!(short.is_empty(), "below the SOP's gate: {short:?}");

    let env = config.environment("development").expect("development");
    let artifacts = Artifacts::from_build(&build.artifacts);
    let request = DeployRequest {
        config: &config,
        env: &env,
        artifacts: &artifacts,
        plan: None,
        signer: "deployer",
        options: DeployOptions::default(),
        dry_run: false,
        approval: Approval::default(),
        verify: true,
        explorers: false,
        command: "library flow test",
    };
    let hooks = DeployHooks {
        confirm: &Unattended,
        password: &|_| Err(SignerError::Password("no keystore here".into())),
        effect: &|shown| assert!(shown.effect.sends() > 0, "a fresh chain: all to send"),
        progress: &|_| {},
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let deployed = runtime.block_on(deploy(&request, &hooks)).expect("deploy");
    let outcome = deployed.deployed.as_ref().expect("not a dry run");
    assert!(outcome.sent > 0 && !outcome.records.is_empty());
    let verdicts = deployed.verdicts.as_ref().expect("verified");
    assert!(!verdicts.is_empty());
    for verdict in verdicts {
        assert!(
            matches!(verdict.bytecode, CodeCheck::Match { .. }),
            "{}: {:?}",
            verdict.name,
            verdict.bytecode
        );
    }
    assert!(deployed.passed());

    // Nothing compiled again: the default profile's cache holds it all.
    assert_eq!(compile(&config, Profile::Default).compiler_runs, 0);
}
