//! Signers resolved from an environment's `signer`, and the refusals that
//! keep raw keys away from production and multisig environments.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, address};
use slipway_chain::{ChainSigner, Keystores, Password, SignerError, resolve_signer};
use slipway_config::{Config, Vars};

const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const KEY_ADDRESS: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

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

fn resolve(config: &Config, env: &str) -> Result<ChainSigner, SignerError> {
    let environment = config.environment(env).expect("environment");
    resolve_signer(&environment, config.vars(), &no_prompt)
}

#[test]
fn development_signs_with_the_first_dev_account() {
    let config = config("", &[]);
    let signer = resolve(&config, "development").expect("dev signer");
    assert_eq!(
        signer.address(),
        address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
    );
    let config = self::config(
        "[environments.development]\nsigner = { kind = \"dev\", index = 1 }\n",
        &[],
    );
    assert_eq!(
        resolve(&config, "development").expect("index 1").address(),
        KEY_ADDRESS
    );
}

#[test]
fn dev_accounts_exist_only_on_the_embedded_chain() {
    let config = config(
        "[environments.staging]\nrpc = [\"https://rpc.example\"]\nsigner = { kind = \"dev\" }\n",
        &[],
    );
    let err = resolve(&config, "staging").expect_err("refused");
    assert!(
        matches!(err, SignerError::DevOutsideDevelopment(_)),
        "{err}"
    );
    assert!(err.to_string().contains("kind = \"keystore\""), "{err}");
}

#[test]
fn a_key_from_the_environment_signs_where_allowed() {
    let text = "[environments.staging]\nrpc = [\"https://rpc.example\"]\nsigner = { kind = \"env\", var = \"STAGING_KEY\" }\n";
    let config = config(text, &[("STAGING_KEY", KEY)]);
    assert_eq!(
        resolve(&config, "staging").expect("env key").address(),
        KEY_ADDRESS
    );

    let missing = self::config(text, &[]);
    let err = resolve(&missing, "staging").expect_err("unset");
    assert!(err.to_string().contains("$STAGING_KEY is not set"), "{err}");

    let planted = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690dzz";
    let bad = self::config(text, &[("STAGING_KEY", planted)]);
    let err = resolve(&bad, "staging").expect_err("bad key");
    assert!(
        !format!("{err} {err:?}").contains("59c6995e"),
        "the value never shows: {err}"
    );
}

#[test]
fn raw_keys_are_refused_for_production_and_multisig_environments() {
    let production = "[environments.production]\nrpc = [\"https://rpc.example\"]\nsigner = { kind = \"env\", var = \"KEY\" }\n";
    let config = config(production, &[("KEY", KEY)]);
    let err = resolve(&config, "production").expect_err("production");
    assert!(err.to_string().contains("is production"), "{err}");
    assert!(
        err.to_string().contains("slipway account new"),
        "says what to use: {err}"
    );

    let multisig = "[environments.ops]\nchain = \"sepolia\"\nrpc = [\"https://rpc.example\"]\nmultisig = true\nsigner = { kind = \"env\", var = \"KEY\" }\n";
    let config = self::config(multisig, &[("KEY", KEY)]);
    let err = resolve(&config, "ops").expect_err("multisig");
    assert!(err.to_string().contains("requires a multisig"), "{err}");
    assert!(!format!("{err:?}").contains("59c6995e"));
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
        resolve(&config, "staging").expect("keystore").address(),
        address
    );

    // Without the variable the prompt is asked; no terminal here says so.
    let config = self::config(&text, &[]);
    let err = resolve(&config, "staging").expect_err("no password");
    assert!(err.to_string().contains("no terminal"), "{err}");
    let config = self::config(&text, &[("OPS_PASSWORD", "wrong")]);
    let err = resolve(&config, "staging").expect_err("wrong password");
    assert!(err.to_string().contains("wrong password"), "{err}");
}
