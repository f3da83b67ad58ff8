//! Loading `slipway.toml`: presets, overrides, interpolation, redaction and
//! errors that name file, line and key.

use std::path::{Path, PathBuf};

use slipway_config::{Config, ConfigError, Hardfork, Multisig, PriorityFee, Signer, Target, Vars};

fn parse(text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars = Vars::from_map(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Config::parse(
        Path::new("/p"),
        PathBuf::from("/p/slipway.toml"),
        text.to_owned(),
        vars,
    )
}

fn error_text(text: &str) -> String {
    parse(text, &[]).expect_err("should be refused").to_string()
}

#[test]
fn an_empty_file_gives_the_sop_defaults() {
    let config = parse("", &[]).expect("empty file");
    assert_eq!(config.project.src, PathBuf::from("contracts/src"));
    assert_eq!(config.project.test, PathBuf::from("contracts/test"));
    assert_eq!(config.project.out, PathBuf::from("out"));
    assert_eq!(
        config.project.libs,
        [PathBuf::from("contracts/lib"), "node_modules".into()]
    );
    assert_eq!(config.compiler.version.to_string(), "0.8.20");
    assert_eq!(config.gates.min_lines, 95.0);
    assert_eq!(config.gates.min_branches, 95.0);
    assert_eq!(config.gates.min_functions, 95.0);
    assert_eq!(config.monitor.interval.as_secs(), 30);
    assert_eq!(config.fuzz.runs, 256, "forge's default");
    assert_eq!(config.fuzz.seed, None, "a new seed each run");
    assert_eq!(
        config.environment_names(),
        ["development", "staging", "production"]
    );
}

#[test]
fn development_preset_is_the_embedded_chain_of_the_sop() {
    let env = parse("", &[])
        .expect("parse")
        .environment("development")
        .expect("dev");
    assert_eq!(env.chain.id, 1337);
    let Target::Embedded(devnet) = env.target else {
        panic!("not embedded: {:?}", env.target)
    };
    assert_eq!(devnet.gas_limit, 12_000_000);
    assert_eq!(devnet.block_time.as_secs(), 2);
    assert_eq!(devnet.accounts, 20);
    assert_eq!(devnet.balance_eth, 10_000);
    assert_eq!(devnet.mnemonic, slipway_config::DEV_MNEMONIC);
    assert_eq!(env.multisig, Multisig::Off);
    assert_eq!(env.hardfork, Hardfork::Osaka);
}

#[test]
fn staging_is_amoy_with_1559_and_production_is_mainnet_behind_a_multisig() {
    let config = parse(
        r#"
[environments.production]
rpc = ["${MAINNET_RPC_A}", "${MAINNET_RPC_B}"]
"#,
        &[
            ("MAINNET_RPC_A", "https://a.example/v3/k1"),
            ("MAINNET_RPC_B", "https://b.example"),
        ],
    )
    .expect("parse");
    let staging = config.environment("staging").expect("staging");
    assert_eq!(staging.chain.id, 80_002);
    assert!(staging.fees.eip1559);
    let production = config.environment("production").expect("production");
    assert_eq!(production.chain.id, 1);
    assert!(production.fees.eip1559);
    assert!(matches!(
        production.fees.priority_fee,
        PriorityFee::Percentile(_)
    ));
    assert_eq!(production.multisig, Multisig::Required);
    assert!(production.confirmations >= 2);
    let Target::Rpc(urls) = &production.target else {
        panic!("not rpc")
    };
    assert_eq!(urls.len(), 2);
    assert_eq!(urls[0].expose().as_str(), "https://a.example/v3/k1");
}

#[test]
fn a_minimal_override_keeps_the_rest_of_the_preset() {
    let config = parse(
        r#"
[environments.staging]
rpc = ["https://amoy.example"]
confirmations = 5
[environments.staging.fees]
max_fee_gwei = 90
"#,
        &[],
    )
    .expect("parse");
    let env = config.environment("staging").expect("staging");
    assert_eq!(env.chain.id, 80_002);
    assert_eq!(env.confirmations, 5);
    assert_eq!(env.fees.max_fee_cap, Some(90_000_000_000));
    assert_eq!(env.fees.priority_fee, PriorityFee::Fixed(30_000_000_000));
}

#[test]
fn any_evm_chain_can_be_added() {
    let config = parse(
        r#"
[environments.chain138]
chain = "chain-138"
rpc = ["https://rpc.chain138.example"]
hardfork = "london"
fees = { eip1559 = false }
signer = { kind = "keystore", path = "keys/ops.json", password_env = "OPS_PASSWORD" }
multisig = { safe = "0x1111111111111111111111111111111111111111", threshold = 2 }
"#,
        &[],
    )
    .expect("parse");
    let env = config.environment("chain138").expect("chain138");
    assert_eq!(env.chain.id, 138);
    assert_eq!(env.hardfork, Hardfork::London);
    assert!(!env.fees.eip1559);
    assert!(matches!(
        env.signer("deployer"),
        Some(Signer::Keystore { .. })
    ));
    assert!(matches!(env.multisig, Multisig::Safe { threshold: 2, .. }));
    assert!(env.protected, "Chain 138 is protected: it is not a testnet");
    assert!(config.environment_names().contains(&"chain138".to_owned()));
}

#[test]
fn fuzz_settings_are_read_and_checked() {
    let config = parse("[fuzz]\nruns = 1000\nseed = 42\n", &[]).expect("fuzz table");
    assert_eq!((config.fuzz.runs, config.fuzz.seed), (1000, Some(42)));
    assert_eq!(config.fuzz.max_test_rejects, 65_536);
    let err = error_text("[fuzz]\nruns = -1\n");
    assert!(err.contains("fuzz.runs"), "{err}");
    let config = parse("[invariant]\ndepth = 10\nfail_on_revert = true\n", &[]).expect("invariant");
    assert_eq!(
        (
            config.invariant.runs,
            config.invariant.depth,
            config.invariant.fail_on_revert
        ),
        (256, 10, true)
    );
    let err = error_text("[fuzz]\nrun = 5\n");
    assert!(err.contains("unknown field `run`"), "{err}");
}

#[test]
fn unknown_keys_name_file_line_and_key() {
    let err = error_text("[project]\nsrc = \"src\"\nsources = \"x\"\n");
    assert!(err.starts_with("/p/slipway.toml:3:"), "{err}");
    assert!(err.contains("project.sources"), "{err}");
    assert!(err.contains("unknown field `sources`"), "{err}");
    assert!(err.contains("expected one of"), "{err}");
}

#[test]
fn wrong_types_name_file_line_and_key_and_what_is_expected() {
    let err = error_text("[compiler]\noptimizer_runs = \"lots\"\n");
    assert!(err.starts_with("/p/slipway.toml:2:"), "{err}");
    assert!(err.contains("compiler.optimizer_runs"), "{err}");
    assert!(err.contains("invalid type"), "{err}");
    assert!(err.contains("u32"), "{err}");
}

#[test]
fn bad_values_are_refused_with_their_reason() {
    let err = error_text("[gates]\nmin_lines = 120\n");
    assert!(
        err.contains(":2:") && err.contains("gates.min_lines"),
        "{err}"
    );
    assert!(err.contains("not a percentage"), "{err}");

    let err = error_text("[environments.staging.fees]\nbump_percent = 5\n");
    assert!(err.contains(":2:") && err.contains("bump_percent"), "{err}");
    assert!(err.contains("10%"), "{err}");

    let err = error_text("[environments.x]\nhardfork = \"byzantium2\"\n");
    assert!(
        err.contains(":2:") && err.contains("environments.x.hardfork"),
        "{err}"
    );
    assert!(err.contains("osaka"), "{err}");

    let err = error_text("[compiler]\nversion = \"0.8\"\n");
    assert!(err.contains("compiler.version"), "{err}");
}

#[test]
fn broken_syntax_points_at_the_line() {
    let err = error_text("[project]\nsrc = \"contracts\n");
    assert!(err.starts_with("/p/slipway.toml:2:"), "{err}");
}

#[test]
fn mumbai_is_refused_and_amoy_named() {
    let config = parse("\n[environments.staging]\nchain = \"mumbai\"\n", &[]).expect("parse");
    let err = config
        .environment("staging")
        .expect_err("mumbai")
        .to_string();
    assert!(err.contains("slipway.toml:3:"), "{err}");
    assert!(err.contains("environments.staging.chain"), "{err}");
    assert!(
        err.contains("shut down") && err.contains("polygon-amoy"),
        "{err}"
    );

    let config = parse(
        "[environments.old]\nchain_id = 80001\nrpc = [\"https://x.example\"]\n",
        &[],
    )
    .expect("parse");
    let err = config.environment("old").expect_err("80001").to_string();
    assert!(err.contains("Amoy"), "{err}");
}

#[test]
fn unset_variables_fail_only_the_environment_that_uses_them() {
    let config = parse(
        "[environments.production]\nrpc = [\"${NOT_SET_ANYWHERE}\"]\n",
        &[],
    )
    .expect("parse");
    assert!(config.environment("development").is_ok());
    let err = config
        .environment("production")
        .expect_err("unset")
        .to_string();
    assert!(err.contains("slipway.toml:2:"), "{err}");
    assert!(err.contains("environments.production.rpc[0]"), "{err}");
    assert!(err.contains("`NOT_SET_ANYWHERE` is not set"), "{err}");
}

#[test]
fn production_without_rpc_urls_says_what_to_add() {
    let err = parse("", &[])
        .expect("parse")
        .environment("production")
        .expect_err("no rpc");
    let text = err.to_string();
    assert!(
        text.contains("no RPC URLs") && text.contains("PRODUCTION_RPC_URL"),
        "{text}"
    );
}

#[test]
fn dotenv_beside_the_file_is_read_and_loses_to_the_process_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("slipway.toml"),
        "[environments.staging]\nrpc = [\"https://amoy.example/${SLIPWAY_T_DOTENV_KEY}\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join(".env"),
        "SLIPWAY_T_DOTENV_KEY=k-from-dotenv\n",
    )
    .expect("write");
    let env = Config::load(dir.path())
        .expect("load")
        .environment("staging")
        .expect("staging");
    let Target::Rpc(urls) = env.target else {
        panic!("rpc")
    };
    assert_eq!(urls[0].expose().path(), "/k-from-dotenv");
}

#[test]
fn remappings_txt_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("remappings.txt"),
        "@oz/=node_modules/@openzeppelin/\n\n",
    )
    .expect("write");
    let config = Config::load(dir.path()).expect("load");
    assert_eq!(
        config.project.remappings,
        ["@oz/=node_modules/@openzeppelin/"]
    );
}

#[test]
fn a_planted_secret_never_shows_in_debug_or_serialized_output() {
    let secret = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    let config = parse(
        "[environments.production]\nrpc = [\"https://eth.example/v2/${KEY}\", \"https://u:${KEY}@b.example\"]\n\
         [environments.staging]\nrpc = [\"https://amoy.example/?apikey=${KEY}\"]\n",
        &[("KEY", secret)],
    )
    .expect("parse");
    for name in ["production", "staging"] {
        let env = config.environment(name).expect("resolve");
        let shown = [
            format!("{env:?}"),
            format!("{env:#?}"),
            serde_json::to_string(&env).expect("json"),
            toml::to_string(&env).unwrap_or_default(),
        ];
        for s in shown {
            assert!(!s.contains(secret), "secret leaked: {s}");
        }
    }
    assert!(!format!("{config:?}").contains(secret));
}

/// A malformed `.env` line is located, never echoed: it may hold a secret.
#[test]
fn a_malformed_dotenv_line_is_named_by_number_not_shown() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join(".env"),
        "GOOD=1\n# a comment\nAMOY=\"https://h/v3/DOTENVTOKEN999 unterminated\nNEXT=2\n",
    )
    .expect(".env");
    let error = slipway_config::Vars::load(tmp.path()).expect_err("malformed");
    let text = error.to_string();
    assert!(text.contains(".env:3: cannot parse this line"), "{text}");
    assert!(!text.contains("DOTENVTOKEN999"), "{text}");
    let mut chain = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        chain.push_str(&e.to_string());
        source = e.source();
    }
    assert!(!chain.contains("DOTENVTOKEN999"), "{chain}");
}

/// `slipway.toml` as a fuzz target sees it: the text parsed, and the
/// development environment and every environment the text configures
/// resolved (the presets of the others need variables a test does not
/// set). The first error, or none.
pub(crate) fn parse_everything(text: &str) -> Result<(), String> {
    let root = std::path::Path::new("/p");
    let config = Config::parse(
        root,
        root.join("slipway.toml"),
        text.to_owned(),
        slipway_config::Vars::default(),
    )
    .map_err(|e| e.to_string())?;
    for name in config.environment_names() {
        if name == "development" || text.contains(&format!("environments.{name}")) {
            config.environment(&name).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The fuzz corpus (`testdata/config-corpus`, the seeds of the `config`
/// fuzz target): each file beside its `.expect` — `ok`, or words its
/// refusal must contain (the key or the line), so an error always says
/// where.
#[test]
fn the_config_corpus_parses_or_is_refused_naming_the_place() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/config-corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).expect("case");
        let expect = std::fs::read_to_string(path.with_extension("toml.expect"))
            .expect("an .expect file beside each case");
        match (parse_everything(&text), expect.trim()) {
            (Ok(()), "ok") => {}
            (Ok(()), words) => panic!("{}: accepted, expected `{words}`", path.display()),
            (Err(error), "ok") => panic!("{}: {error}", path.display()),
            (Err(error), words) => assert!(
                error.contains(words),
                "{}: `{error}` does not name {words}",
                path.display()
            ),
        }
    }
    assert!(seen >= 10, "only {seen} cases");
}

#[test]
fn analyze_section_holds_severities_exclusions_and_paths() {
    let config = parse(
        "[analyze]\nexclude = [\"timestamp\"]\nexclude_paths = [\"contracts/generated\"]\ntests = true\n[analyze.severity]\ncalls-loop = \"medium\"\n",
        &[],
    )
    .expect("valid");
    assert_eq!(config.analyze.exclude, vec!["timestamp".to_owned()]);
    assert_eq!(
        config.analyze.severity.get("calls-loop"),
        Some(&slipway_config::LintSeverity::Medium)
    );
    assert!(config.analyze.tests);
    assert!(
        config
            .analyze
            .excludes(std::path::Path::new("contracts/generated/A.sol"))
    );
    // The defaults leave dependencies out.
    let default = parse("", &[]).expect("empty");
    assert!(
        default
            .analyze
            .excludes(std::path::Path::new("node_modules/x/A.sol"))
    );
    let error = parse("[analyze]\nexlude = [\"timestamp\"]\n", &[])
        .expect_err("unknown key")
        .to_string();
    assert!(error.contains("exlude"), "{error}");
    let error = parse("[analyze.severity]\ntimestamp = \"critical\"\n", &[])
        .expect_err("bad severity")
        .to_string();
    assert!(error.contains("critical"), "{error}");
}

#[test]
fn a_safes_owners_are_read_and_a_threshold_above_them_is_refused() {
    let config = parse(
        r#"
[environments.mainnet]
chain = "mainnet"
rpc = ["https://rpc.example"]
multisig = { safe = "0x1111111111111111111111111111111111111111", threshold = 2, owners = ["0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000a2", "0x00000000000000000000000000000000000000a3"] }
"#,
        &[],
    )
    .expect("parse");
    let env = config.environment("mainnet").expect("mainnet");
    let Multisig::Safe {
        owners, threshold, ..
    } = &env.multisig
    else {
        panic!("a Safe: {:?}", env.multisig);
    };
    assert_eq!(*threshold, 2);
    assert_eq!(owners.len(), 3);
    assert_eq!(
        owners[2].to_string().to_lowercase(),
        "0x00000000000000000000000000000000000000a3"
    );

    let refused = parse(
        r#"
[environments.mainnet]
chain = "mainnet"
rpc = ["https://rpc.example"]
multisig = { safe = "0x1111111111111111111111111111111111111111", threshold = 3, owners = ["0x00000000000000000000000000000000000000a1"] }
"#,
        &[],
    )
    .expect_err("3 of 1");
    assert!(
        refused
            .to_string()
            .contains("threshold 3 is more than its 1 listed owners"),
        "{refused}"
    );
}

#[test]
fn monitor_rules_come_from_slipway_toml_and_monitor_files_with_located_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("slipway.toml"),
        "[monitor]\ninterval = \"10s\"\nfloors = { deployer = \"0.5 ether\" }\n\
         [[monitor.rule]]\nid = \"big-release\"\nevent = \"Released\"\nwhen = \"amount > 100 ether\"\n\
         [[monitor.sink]]\nkind = \"jsonl\"\npath = \"alerts.jsonl\"\n",
    )
    .expect("config");
    std::fs::create_dir(dir.path().join("monitor")).expect("dir");
    std::fs::write(
        dir.path().join("monitor/admin.toml"),
        "[[rule]]\nid = \"admin-granted\"\nevent = \"RoleGranted\"\nwhen = \"role == DEFAULT_ADMIN_ROLE\"\nseverity = \"high\"\n",
    )
    .expect("rules");
    // Written on Windows: a BOM and CRLF line ends.
    std::fs::write(
        dir.path().join("monitor/windows.toml"),
        "\u{feff}[[rule]]\r\nid = \"failed\"\r\nfailed = true\r\n",
    )
    .expect("rules");
    let config = Config::load(dir.path()).expect("loads");
    assert_eq!(config.monitor.interval.as_secs(), 10);
    assert_eq!(
        config.monitor.floors["deployer"],
        alloy_primitives::U256::from(5u128 * 10u128.pow(17))
    );
    let ids: Vec<(&str, PathBuf)> = config
        .monitor
        .rule
        .iter()
        .map(|r| (r.id.as_str(), r.file.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            ("big-release", PathBuf::from("slipway.toml")),
            ("admin-granted", PathBuf::from("monitor/admin.toml")),
            ("failed", PathBuf::from("monitor/windows.toml"))
        ]
    );

    // A bad condition in a rules file: its file, line and key.
    std::fs::write(
        dir.path().join("monitor/bad.toml"),
        "# rules\n[[rule]]\nid = \"x\"\nevent = \"Released\"\nwhen = \"amount >> 5\"\n",
    )
    .expect("rules");
    let error = Config::load(dir.path()).expect_err("refused").to_string();
    assert!(error.starts_with("monitor/bad.toml:2"), "{error}");
    assert!(error.contains("rule"), "{error}");
    std::fs::write(
        dir.path().join("monitor/bad.toml"),
        "[[rule]]\nid = \"big-release\"\nfailed = true\n",
    )
    .expect("rules");
    let error = Config::load(dir.path()).expect_err("refused").to_string();
    assert!(error.contains("also used in slipway.toml"), "{error}");
}

#[test]
fn an_environment_names_every_secret_value_it_uses_for_backups_to_search() {
    let key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    let rpc_key = "d41d8cd98f00b204e9800998ecf8427e";
    let config = parse(
        r#"
[environments.chain138]
chain = "chain-138"
rpc = ["https://rpc.chain138.example/v2/${RPC_KEY}", "http://127.0.0.1:8545"]
signer = { kind = "env", var = "DEPLOYER_KEY" }
[environments.chain138.signers.ops]
kind = "keystore"
path = "keys/ops.json"
password_env = "OPS_PASSWORD"
"#,
        &[
            ("DEPLOYER_KEY", key),
            ("RPC_KEY", rpc_key),
            ("OPS_PASSWORD", "correct horse battery"),
            ("ETHERSCAN_API_KEY", "ETHERSCANKEY12345"),
        ],
    )
    .expect("parse");
    let env = config.environment("chain138").expect("chain138");
    let found = env.secret_values(config.vars());
    let has = |what: &str, value: &str| found.iter().any(|(w, v)| w == what && v == value);
    assert!(has("DEPLOYER_KEY", key), "{}", found.len());
    assert!(has("DEPLOYER_KEY", &key[2..]), "the key without 0x too");
    assert!(has("the RPC URL", rpc_key), "the key in the URL's path");
    assert!(has("OPS_PASSWORD", "correct horse battery"));
    assert!(has("ETHERSCAN_API_KEY", "ETHERSCANKEY12345"));
    // A URL without credentials is no secret; nothing short is searched for.
    assert!(!found.iter().any(|(_, v)| v.contains("127.0.0.1")));
    assert!(found.iter().all(|(_, v)| v.len() >= 12));
}
