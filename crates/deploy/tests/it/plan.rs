//! Reading plans for an environment: overrides, params and variables
//! applied; development accounts refused off the embedded chain; syntax
//! errors located; the CREATE2 address equal to alloy's own computation.

use std::path::Path;

use alloy_primitives::{Address, B256, keccak256};
use slipway_config::{Config, Vars};
use slipway_deploy::{CREATE2_PROXY, Expr, Plan, create2_address, role_hash};

fn environment(name: &str) -> slipway_config::Environment {
    let config = Config::parse(
        Path::new("/p"),
        "/p/slipway.toml".into(),
        "[environments.staging]\nrpc = [\"http://127.0.0.1:1\"]\n".into(),
        Vars::default(),
    )
    .expect("config");
    config.environment(name).expect("environment")
}

const PLAN: &str = r#"
[accounts]
guardian = "dev:1"
treasury = "${TREASURY}"

[params]
threshold = 2

[environments.staging.accounts]
guardian = "0x00000000000000000000000000000000000000aa"

[environments.staging.params]
threshold = 3

[[step]]
id = "grant"
call = "grantRole(bytes32,address)"
to = "@guardian"
args = ["role:OPERATOR_ROLE", "param:threshold"]
"#;

fn vars() -> Vars {
    Vars::from_map([(
        "TREASURY".to_owned(),
        "0x00000000000000000000000000000000000000bb".to_owned(),
    )])
}

#[test]
fn overrides_params_and_variables_apply_per_environment() {
    let file = Path::new("deploy/x.toml");
    let dev = Plan::parse(file, PLAN, &environment("development"), &vars()).expect("dev");
    assert_eq!(
        dev.accounts["guardian"],
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            .parse::<Address>()
            .expect("dev 1")
    );
    assert_eq!(dev.accounts["treasury"], Address::with_last_byte(0xbb));
    assert_eq!(dev.steps[0].args[1], Expr::Literal(toml::Value::Integer(2)));
    let staging = Plan::parse(file, PLAN, &environment("staging"), &vars()).expect("staging");
    assert_eq!(staging.accounts["guardian"], Address::with_last_byte(0xaa));
    assert_eq!(
        staging.steps[0].args[1],
        Expr::Literal(toml::Value::Integer(3))
    );
    assert_eq!(staging.steps[0].line, 15, "the line of its [[step]] header");
}

#[test]
fn development_accounts_and_missing_variables_are_refused_with_lines() {
    let file = Path::new("deploy/x.toml");
    let text = PLAN.replace(
        "[environments.staging.accounts]\nguardian = \"0x00000000000000000000000000000000000000aa\"\n",
        "",
    );
    let errors = Plan::parse(file, &text, &environment("staging"), &Vars::default())
        .expect_err("refused")
        .to_string();
    assert!(
        errors.contains("deploy/x.toml:3: account `guardian`: `dev:1` is a development account"),
        "{errors}"
    );
    assert!(
        errors.contains("deploy/x.toml:4: account `treasury`: ${TREASURY} is not set"),
        "{errors}"
    );
}

#[test]
fn a_syntax_error_names_its_line_and_unknown_keys_are_refused() {
    let file = Path::new("deploy/x.toml");
    let errors = Plan::parse(
        file,
        "[[step]]\ndeploy = \"A\"\nargs = [1,\n",
        &environment("development"),
        &Vars::default(),
    )
    .expect_err("syntax")
    .to_string();
    assert!(errors.starts_with("deploy/x.toml:"), "{errors}");
    let unknown = Plan::parse(
        file,
        "[[step]]\ndeploy = \"A\"\nargz = []\n",
        &environment("development"),
        &Vars::default(),
    )
    .expect_err("unknown key")
    .to_string();
    assert!(unknown.contains("argz"), "{unknown}");
}

#[test]
fn roles_hash_as_access_control_does() {
    assert_eq!(role_hash("DEFAULT_ADMIN_ROLE"), B256::ZERO);
    assert_eq!(role_hash("OPERATOR_ROLE"), keccak256("OPERATOR_ROLE"));
}

#[test]
fn create2_addresses_match_alloys_computation() {
    for (salt, code) in [
        (B256::ZERO, vec![0x00]),
        (keccak256("registry-v1"), vec![0x60, 0x80, 0x60, 0x40, 0x52]),
        (B256::repeat_byte(0xff), vec![0xfe; 300]),
    ] {
        assert_eq!(
            create2_address(CREATE2_PROXY, salt, &code),
            CREATE2_PROXY.create2_from_code(salt, &code)
        );
        let safe = Address::repeat_byte(0x5a);
        assert_eq!(
            create2_address(safe, salt, &code),
            safe.create2_from_code(salt, &code)
        );
    }
}

#[test]
fn a_plan_without_steps_is_refused() {
    for text in ["", "description = \"nothing\"\n[params]\nx = 1\n"] {
        let errors = Plan::parse(
            Path::new("deploy/empty.toml"),
            text,
            &environment("development"),
            &Vars::default(),
        )
        .expect_err("no step")
        .to_string();
        assert!(
            errors.contains("deploy/empty.toml:1: the plan has no step"),
            "{errors}"
        );
    }
}

/// The salt of a deploy step as the plan reads it for development.
fn salt(salt_value: &str, params: &str, vars: &Vars) -> Result<Option<B256>, String> {
    let text = format!(
        "[accounts]\nguardian = \"dev:1\"\n[params]\n{params}\n[[step]]\ndeploy = \"A\"\nsalt = \"{salt_value}\"\n"
    );
    let plan = Plan::parse(
        Path::new("deploy/s.toml"),
        &text,
        &environment("development"),
        vars,
    )
    .map_err(|e| e.to_string())?;
    match &plan.steps[0].action {
        slipway_deploy::Action::Deploy { salt, .. } => Ok(*salt),
        other => panic!("{other:?}"),
    }
}

/// A salt resolves its value as any other field does: a parameter's value
/// (not the text `param:…`), a variable, a role's hash, an account's
/// address; a change of the parameter changes the salt.
#[test]
fn a_salt_resolves_params_variables_roles_and_accounts() {
    let none = Vars::default();
    let label = |text: &str| Some(keccak256(text.as_bytes()));
    assert_eq!(salt("param:salt", "salt = \"v1\"", &none), Ok(label("v1")));
    assert_eq!(salt("param:salt", "salt = \"v2\"", &none), Ok(label("v2")));
    assert_ne!(
        salt("param:salt", "salt = \"v1\"", &none),
        Ok(label("param:salt")),
        "never the literal text"
    );
    assert_eq!(
        salt("param:salt", "salt = 7", &none),
        Ok(Some(B256::with_last_byte(7)))
    );
    let vars = Vars::from_map([("SALT".to_owned(), "from-env".to_owned())]);
    assert_eq!(salt("${SALT}", "", &vars), Ok(label("from-env")));
    // The same expansion as slipway.toml's: `$$` is a `$`, names are checked.
    assert_eq!(salt("$$${SALT}", "", &vars), Ok(label("$from-env")));
    let bad = salt("${1SALT}", "", &vars).expect_err("not a name");
    assert!(bad.contains("is not a variable name"), "{bad}");
    assert_eq!(
        salt("role:OPERATOR_ROLE", "", &none),
        Ok(Some(role_hash("OPERATOR_ROLE")))
    );
    let guardian: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        .parse()
        .expect("dev 1");
    assert_eq!(salt("@guardian", "", &none), Ok(Some(guardian.into_word())));
    let hex = format!("0x{}", "ab".repeat(32));
    assert_eq!(salt(&hex, "", &none), Ok(Some(B256::repeat_byte(0xab))));
    let error = salt("@A", "", &none).expect_err("a step's address");
    assert!(
        error.contains("must be known before anything is sent"),
        "{error}"
    );
}

/// Where a value can be written in a step: the step's TOML with `VALUE` in
/// that place.
const FIELDS: [(&str, &str); 5] = [
    (
        "args",
        "[[step]]\nid = \"c\"\ncall = \"f\"\nto = \"@guardian\"\nargs = [VALUE]\n",
    ),
    ("to", "[[step]]\nid = \"c\"\ncall = \"f\"\nto = VALUE\n"),
    (
        "value",
        "[[step]]\nid = \"c\"\ncall = \"f\"\nto = \"@guardian\"\nvalue = VALUE\n",
    ),
    (
        "salt",
        "[[step]]\nid = \"d\"\ndeploy = \"A\"\nsalt = VALUE\n",
    ),
    (
        "libraries",
        "[[step]]\nid = \"d\"\ndeploy = \"A\"\nlibraries = { L = VALUE }\n",
    ),
];

/// The first step of `body` read for development, with `params` and `vars`.
fn first_step(body: &str, params: &str, vars: &Vars) -> Result<slipway_deploy::Step, String> {
    let text = format!("[accounts]\nguardian = \"dev:1\"\n[params]\n{params}\n{body}");
    Plan::parse(
        Path::new("deploy/f.toml"),
        &text,
        &environment("development"),
        vars,
    )
    .map(|plan| plan.steps[0].clone())
    .map_err(|e| e.to_string())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Every field resolves every value kind the same way: a value written
    /// directly, through `param:`, or through `${VAR}` gives the same step
    /// (the salt once hashed the text `param:salt` instead).
    #[test]
    fn every_field_resolves_every_kind_of_value_alike(
        field in 0..FIELDS.len(),
        base in proptest::prop_oneof![
            proptest::strategy::Just("@guardian".to_owned()),
            proptest::strategy::Just("role:OPERATOR_ROLE".to_owned()),
            "[a-z][a-z0-9-]{0,12}",
            "[1-9][0-9]{0,6}",
            "0x[0-9a-f]{64}",
        ],
    ) {
        let (name, body) = FIELDS[field];
        let direct = first_step(&body.replace("VALUE", &format!("\"{base}\"")), "", &Vars::default());
        let through_param = first_step(
            &body.replace("VALUE", "\"param:p\""),
            &format!("p = \"{base}\""),
            &Vars::default(),
        );
        let through_var = first_step(
            &body.replace("VALUE", "\"${V}\""),
            "",
            &Vars::from_map([("V".to_owned(), base.clone())]),
        );
        proptest::prop_assert_eq!(&direct, &through_param, "{} via param:", name);
        proptest::prop_assert_eq!(&direct, &through_var, "{} via ${{VAR}}", name);
    }
}

/// The build a plan of the fuzz corpus is checked against: one `Counter`
/// with `setNumber(uint256)`.
fn counter_build() -> slipway_contracts::Artifacts {
    let abi: alloy_json_abi::JsonAbi = serde_json::from_str(
        r#"[{"type":"constructor","inputs":[],"stateMutability":"nonpayable"},
            {"type":"function","name":"setNumber","inputs":[{"name":"n","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"}]"#,
    )
    .expect("abi");
    slipway_contracts::Artifacts::of(vec![slipway_contracts::Artifact {
        id: "src/Counter.sol:Counter".into(),
        name: "Counter".into(),
        abi,
        bytecode: vec![0x60, 0x00],
        links: Default::default(),
        deployed_bytecode: vec![0x00],
        deployed_links: Default::default(),
        immutables: Default::default(),
        raw_metadata: None,
    }])
}

/// A plan as the `plan` fuzz target reads it: parsed for development and
/// checked against [`counter_build`]. The first error, or none.
fn read_and_check(text: &str) -> Result<(), String> {
    Plan::parse(
        Path::new("deploy/case.toml"),
        text,
        &environment("development"),
        &Vars::default(),
    )
    .and_then(|plan| plan.check(&counter_build()))
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// The fuzz corpus (`testdata/plan-corpus`, the seeds of the `plan` fuzz
/// target): each plan beside its `.expect` — `ok`, or words its refusal
/// must contain; every refusal is located (`deploy/case.toml:LINE`).
#[test]
fn the_plan_corpus_checks_or_is_refused_with_its_line() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/plan-corpus");
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
        match (read_and_check(&text), expect.trim()) {
            (Ok(()), "ok") => {}
            (Ok(()), words) => panic!("{}: accepted, expected `{words}`", path.display()),
            (Err(error), "ok") => panic!("{}: {error}", path.display()),
            (Err(error), words) => {
                assert!(
                    error.contains(words),
                    "{}: `{error}` does not name {words}",
                    path.display()
                );
                assert!(
                    error.contains("deploy/case.toml:"),
                    "{}: `{error}` has no location",
                    path.display()
                );
            }
        }
    }
    assert!(seen >= 10, "only {seen} cases");
}

#[test]
fn via_is_proxy_or_create_call_which_needs_a_salt_and_belongs_to_deploy_steps() {
    let parse = |step: &str| {
        Plan::parse(
            Path::new("deploy/v.toml"),
            &format!("[[step]]\n{step}"),
            &environment("development"),
            &Vars::default(),
        )
    };
    let via = |step: &str| match &parse(step).expect("parses").steps[0].action {
        slipway_deploy::Action::Deploy { via, .. } => *via,
        other => panic!("{other:?}"),
    };
    assert_eq!(via("deploy = \"A\"\n"), slipway_deploy::Via::Proxy);
    assert_eq!(
        via("deploy = \"A\"\nsalt = \"s\"\nvia = \"create-call\"\n"),
        slipway_deploy::Via::CreateCall
    );
    for (step, expected) in [
        (
            "deploy = \"A\"\nvia = \"create-call\"\n",
            "v.toml:3: step `A`: `via = \"create-call\"` needs a `salt`",
        ),
        (
            "deploy = \"A\"\nsalt = \"s\"\nvia = \"create2\"\n",
            "`via = \"create2\"` is unknown: \"proxy\" (the default) or \"create-call\"",
        ),
        (
            "id = \"c\"\ncall = \"f\"\nto = \"0x0000000000000000000000000000000000000001\"\nvia = \"proxy\"\n",
            "`salt`, `via` and `libraries` belong to deploy steps",
        ),
    ] {
        let errors = parse(step).expect_err(step).to_string();
        assert!(errors.contains(expected), "{errors}");
    }
}
