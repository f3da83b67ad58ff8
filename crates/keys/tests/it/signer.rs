//! Named signers resolved from an environment, and the refusals that keep
//! raw keys away from protected and multisig environments — decided by the
//! environment's flags, never its name.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use alloy_primitives::{Address, address};
use slipway_config::{Config, ExternalApi, RpcUrl, Vars};
use slipway_keys::{
    ChainSigner, Keystores, Password, SignerContext, SignerError, SignerTransport, address_of,
    resolve,
};

const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const KEY_ADDRESS: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");
const DEV0: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

fn config(text: &str, vars: &[(&str, &str)]) -> Config {
    let vars = Vars::from_map(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Config::parse(
        Path::new("/p"),
        PathBuf::from("/p/slipway.toml"),
        text.to_owned(),
        vars,
    )
    .expect("config")
}

fn no_prompt(_: &str) -> Result<Password, SignerError> {
    Err(SignerError::Password("no terminal in tests".into()))
}

fn no_remote(_: &RpcUrl, _: ExternalApi) -> Result<Arc<dyn SignerTransport>, SignerError> {
    Err(SignerError::Sign("no remote signer in this test".into()))
}

fn resolve_named(config: &Config, env: &str, name: &str) -> Result<ChainSigner, SignerError> {
    let environment = config.environment(env).expect("environment");
    resolve(
        &environment,
        name,
        &SignerContext {
            vars: config.vars(),
            ask: &no_prompt,
            remote: &no_remote,
        },
    )
}

fn deployer(config: &Config, env: &str) -> Result<ChainSigner, SignerError> {
    resolve_named(config, env, "deployer")
}

#[test]
fn development_has_a_deployer_and_a_guardian() {
    let config = config("", &[]);
    assert_eq!(
        deployer(&config, "development").expect("dev").address(),
        DEV0
    );
    assert_eq!(
        resolve_named(&config, "development", "guardian")
            .expect("guardian")
            .address(),
        KEY_ADDRESS,
        "the development guardian is dev account 1"
    );
    // `signer` is the deployer's alias.
    let config = self::config(
        "[environments.development]\nsigner = { kind = \"dev\", index = 1 }\n",
        &[],
    );
    assert_eq!(
        deployer(&config, "development").expect("index 1").address(),
        KEY_ADDRESS
    );
}

#[test]
fn any_name_is_a_signer_and_unknown_names_list_the_known() {
    let config = config(
        "[environments.development.signers]\nowner2 = { kind = \"dev\", index = 1 }\n",
        &[],
    );
    assert_eq!(
        resolve_named(&config, "development", "owner2")
            .expect("owner2")
            .address(),
        KEY_ADDRESS
    );
    // The preset's signers stay beside the project's.
    assert_eq!(
        deployer(&config, "development")
            .expect("deployer")
            .address(),
        DEV0
    );
    let err = resolve_named(&config, "development", "treasurer").expect_err("unknown");
    let text = err.to_string();
    assert!(
        text.contains("names no [environments.development.signers] treasurer")
            && text.contains("deployer, guardian, owner2")
            && text.contains("slipway account new treasurer"),
        "{text}"
    );
}

#[test]
fn signer_and_signers_deployer_together_are_refused() {
    let text = "[environments.development]\nsigner = { kind = \"dev\", index = 1 }\n[environments.development.signers]\ndeployer = { kind = \"dev\", index = 2 }\n";
    let config = config(text, &[]);
    let err = config.environment("development").expect_err("both");
    assert!(err.to_string().contains("keep one of them"), "{err}");
}

#[test]
fn dev_accounts_exist_only_on_the_embedded_chain() {
    let config = config(
        "[environments.staging]\nrpc = [\"https://rpc.example\"]\nsigner = { kind = \"dev\" }\n",
        &[],
    );
    let err = deployer(&config, "staging").expect_err("refused");
    assert!(
        matches!(err, SignerError::DevOutsideDevelopment(_)),
        "{err}"
    );
    assert!(err.to_string().contains("kind = \"keystore\""), "{err}");
}

#[test]
fn a_custom_environment_without_a_deployer_says_so() {
    // No dev account stands in off the embedded chain: the error names the
    // missing signer and how to add one.
    let config = config(
        "[environments.mychain]\nrpc = [\"https://rpc.example\"]\nchain_id = 1234\n",
        &[],
    );
    let err = deployer(&config, "mychain").expect_err("no deployer");
    let text = err.to_string();
    assert!(
        text.contains(
            "environment `mychain` names no [environments.mychain.signers] deployer (it has: none)"
        ) && text.contains("kind = \"keystore\""),
        "{text}"
    );
}

#[test]
fn a_key_from_the_environment_signs_on_a_testnet() {
    let text = "[environments.staging]\nrpc = [\"https://rpc.example\"]\nsigner = { kind = \"env\", var = \"STAGING_KEY\" }\n";
    let config = config(text, &[("STAGING_KEY", KEY)]);
    assert_eq!(
        deployer(&config, "staging").expect("env key").address(),
        KEY_ADDRESS
    );

    let missing = self::config(text, &[]);
    let err = deployer(&missing, "staging").expect_err("unset");
    assert!(err.to_string().contains("$STAGING_KEY is not set"), "{err}");

    let planted = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690dzz";
    let bad = self::config(text, &[("STAGING_KEY", planted)]);
    let err = deployer(&bad, "staging").expect_err("bad key");
    assert!(
        !format!("{err} {err:?}").contains("59c6995e"),
        "the value never shows: {err}"
    );
}

/// The environment's name decides nothing: `mainnet` on chain 1 and an
/// environment on Chain 138 are protected as production is, and a
/// production-named environment on a testnet is not.
#[test]
fn raw_keys_are_refused_wherever_the_chain_has_value() {
    for (name, chain) in [
        ("production", "mainnet"),
        ("mainnet", "mainnet"),
        ("prod-eu", "polygon"),
        ("chain138", "chain-138"),
    ] {
        let text = format!(
            "[environments.{name}]\nchain = \"{chain}\"\nrpc = [\"https://rpc.example\"]\nmultisig = false\nsigner = {{ kind = \"env\", var = \"KEY\" }}\n"
        );
        let config = config(&text, &[("KEY", KEY)]);
        let environment = config.environment(name).expect("environment");
        assert!(environment.protected, "{name} on {chain} is protected");
        let err = deployer(&config, name).expect_err("refused");
        assert!(err.to_string().contains("is protected"), "{name}: {err}");
        assert!(
            err.to_string().contains("slipway account new"),
            "says what to use: {err}"
        );
        assert!(!format!("{err:?}").contains("59c6995e"));
    }
    // An unknown chain id is closed too.
    let text = "[environments.x]\nchain_id = 424242\nrpc = [\"https://rpc.example\"]\nsigner = { kind = \"env\", var = \"KEY\" }\n";
    let config = self::config(text, &[("KEY", KEY)]);
    assert!(config.environment("x").expect("x").protected);
    assert!(deployer(&config, "x").is_err());

    // A production-named environment on Sepolia is a testnet's.
    let text = "[environments.production]\nchain = \"sepolia\"\nrpc = [\"https://rpc.example\"]\nmultisig = false\nsigner = { kind = \"env\", var = \"KEY\" }\n";
    let config = self::config(text, &[("KEY", KEY)]);
    assert!(!config.environment("production").expect("p").protected);
    assert_eq!(
        deployer(&config, "production").expect("testnet").address(),
        KEY_ADDRESS
    );
}

#[test]
fn protection_can_be_lifted_and_it_is_marked() {
    let text = "[environments.mainnet]\nchain = \"mainnet\"\nrpc = [\"https://rpc.example\"]\nprotected = false\nsigner = { kind = \"env\", var = \"KEY\" }\n";
    let config = config(text, &[("KEY", KEY)]);
    let environment = config.environment("mainnet").expect("mainnet");
    assert!(!environment.protected);
    assert!(environment.protection_waived, "commands warn about it");
    assert_eq!(
        deployer(&config, "mainnet").expect("lifted").address(),
        KEY_ADDRESS
    );
    // Lifting it on a testnet waives nothing.
    let text = "[environments.t]\nchain = \"sepolia\"\nrpc = [\"https://rpc.example\"]\nprotected = false\n";
    let config = self::config(text, &[]);
    assert!(!config.environment("t").expect("t").protection_waived);
}

#[test]
fn raw_keys_are_refused_where_a_safe_is_required() {
    let multisig = "[environments.ops]\nchain = \"sepolia\"\nrpc = [\"https://rpc.example\"]\nmultisig = true\nsigner = { kind = \"env\", var = \"KEY\" }\n";
    let config = self::config(multisig, &[("KEY", KEY)]);
    let err = deployer(&config, "ops").expect_err("multisig");
    assert!(err.to_string().contains("requires a multisig"), "{err}");
}

#[test]
fn a_keystore_unlocks_with_its_password_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keystores = Keystores::at(dir.path());
    let address = keystores
        .import(
            "ops",
            KEY.trim_start_matches("0x").parse().expect("hex"),
            &Password::new("s3cret"),
        )
        .expect("import");
    let path = keystores.path("ops").expect("path");
    let text = format!(
        "[environments.staging]\nrpc = [\"https://rpc.example\"]\nsigner = {{ kind = \"keystore\", path = \"{}\", password_env = \"OPS_PASSWORD\" }}\n",
        path.display()
    );
    let config = config(&text, &[("OPS_PASSWORD", "s3cret")]);
    assert_eq!(
        deployer(&config, "staging").expect("keystore").address(),
        address
    );
    // Its address is known without the password.
    let environment = self::config(&text, &[])
        .environment("staging")
        .expect("env");
    assert_eq!(
        address_of(&environment, "deployer", &Vars::default()).expect("declared"),
        address
    );

    // Without the variable the prompt is asked; no terminal here says so.
    let config = self::config(&text, &[]);
    let err = deployer(&config, "staging").expect_err("no password");
    assert!(err.to_string().contains("no terminal"), "{err}");
    let config = self::config(&text, &[("OPS_PASSWORD", "wrong")]);
    let err = deployer(&config, "staging").expect_err("wrong password");
    assert!(err.to_string().contains("wrong password"), "{err}");
}

#[test]
fn an_external_signer_is_https_or_loopback_http() {
    let signer = |url: &str| {
        format!(
            "[environments.production]\nrpc = [\"https://rpc.example\"]\n[environments.production.signers]\ndeployer = {{ kind = \"external\", url = \"{url}\", address = \"{KEY_ADDRESS}\" }}\n"
        )
    };
    for ok in [
        "https://signer.example/v1?token=abc",
        "http://127.0.0.1:9000",
        "http://[::1]:9000",
        "http://localhost:9000",
    ] {
        let config = config(&signer(ok), &[]);
        let environment = config.environment("production").expect(ok);
        assert_eq!(
            address_of(&environment, "deployer", &Vars::default()).expect("configured"),
            KEY_ADDRESS
        );
        // A token in the URL never shows.
        let shown = format!("{environment:?}");
        assert!(!shown.contains("token=abc"), "{shown}");
    }
    for refused in [
        "http://10.0.0.5:9000",
        "http://signer.example",
        "ws://127.0.0.1:1",
    ] {
        let config = config(&signer(refused), &[]);
        let err = config.environment("production").expect_err(refused);
        assert!(
            err.to_string().contains("signers.deployer.url"),
            "names the key: {err}"
        );
    }
}
