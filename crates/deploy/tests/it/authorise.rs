//! The one confirmation rule: decided by the environment's flags, a person
//! asked through the `Confirm` seam (a script here), `--yes` and
//! `--reason`, and the Safe refusal.

use std::{cell::RefCell, path::Path};

use slipway_config::{Config, Environment, Vars};
use slipway_deploy::{Approval, Confirm, ConfirmError, Unattended, authorise};

/// A person who types the scripted answers, one per question.
struct Script {
    answers: RefCell<Vec<&'static str>>,
    asked: RefCell<Vec<String>>,
}

impl Script {
    fn new(answers: &[&'static str]) -> Self {
        Self {
            answers: RefCell::new(answers.iter().rev().copied().collect()),
            asked: RefCell::new(Vec::new()),
        }
    }
}

impl Confirm for Script {
    fn can_ask(&self) -> bool {
        true
    }
    fn ask(&self, prompt: &str) -> Result<String, ConfirmError> {
        self.asked.borrow_mut().push(prompt.to_owned());
        Ok(self
            .answers
            .borrow_mut()
            .pop()
            .expect("a question the script did not expect")
            .to_owned())
    }
}

fn environment(name: &str, table: &str) -> Environment {
    let text = format!("[environments.{name}]\n{table}\n");
    Config::parse(
        Path::new("/p"),
        "/p/slipway.toml".into(),
        text,
        Vars::default(),
    )
    .expect("config")
    .environment(name)
    .expect("environment")
}

fn approval(yes: bool, reason: Option<&str>, reason_required: bool) -> Approval {
    Approval {
        yes,
        reason: reason.map(str::to_owned),
        reason_required,
    }
}

const MAINNET: &str = "chain = \"mainnet\"\nrpc = [\"https://rpc.example\"]\nmultisig = false";

#[test]
fn the_name_is_typed_back_whatever_it_is() {
    for (name, table) in [
        ("production", MAINNET),
        ("mainnet", MAINNET),
        (
            "chain138",
            "chain = \"chain-138\"\nrpc = [\"https://rpc.example\"]",
        ),
    ] {
        let env = environment(name, table);
        let person = Script::new(&[name]);
        let ok = authorise(&env, "deploying", &approval(false, None, false), &person)
            .expect("typed back");
        assert!(ok.typed_back);
        let asked = person.asked.borrow();
        assert_eq!(asked.len(), 1);
        assert!(asked[0].contains(&format!("Type `{name}`")), "{}", asked[0]);

        let wrong = Script::new(&["yes"]);
        let err = authorise(&env, "deploying", &approval(false, None, false), &wrong)
            .expect_err("not the name");
        assert!(
            matches!(err, ConfirmError::NotConfirmed { .. }),
            "{name}: {err}"
        );
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
}

#[test]
fn without_a_terminal_yes_is_needed() {
    let env = environment("mainnet", MAINNET);
    let err = authorise(
        &env,
        "deploying",
        &approval(false, None, false),
        &Unattended,
    )
    .expect_err("nobody to ask");
    assert!(err.to_string().contains("--yes"), "{err}");
    let ok =
        authorise(&env, "deploying", &approval(true, None, false), &Unattended).expect("--yes");
    assert!(!ok.typed_back);
}

#[test]
fn a_reason_is_required_where_the_command_says_and_kept() {
    let env = environment("mainnet", MAINNET);
    let err = authorise(&env, "pausing", &approval(true, None, true), &Unattended)
        .expect_err("no reason");
    assert!(err.to_string().contains("--reason"), "{err}");
    let err = authorise(
        &env,
        "pausing",
        &approval(true, Some("  "), true),
        &Unattended,
    )
    .expect_err("blank reason");
    assert!(matches!(err, ConfirmError::NoReason { .. }), "{err}");
    let ok = authorise(
        &env,
        "pausing",
        &approval(true, Some(" exploit in progress "), true),
        &Unattended,
    )
    .expect("reason given");
    assert_eq!(ok.reason.as_deref(), Some("exploit in progress"));
}

#[test]
fn open_environments_are_not_asked() {
    let development = environment("development", "");
    assert!(!development.protected);
    let nobody = Script::new(&[]);
    let ok = authorise(
        &development,
        "deploying",
        &approval(false, None, true),
        &nobody,
    )
    .expect("open");
    assert!(nobody.asked.borrow().is_empty());
    assert!(!ok.protection_waived);

    let testnet = environment("staging", "");
    assert!(!testnet.protected, "Amoy is a testnet");

    let lifted = environment("mainnet", &format!("{MAINNET}\nprotected = false"));
    let ok =
        authorise(&lifted, "deploying", &approval(false, None, false), &nobody).expect("lifted");
    assert!(ok.protection_waived, "the waiver is reported for a warning");
    assert!(nobody.asked.borrow().is_empty());
}

#[test]
fn direct_signing_is_refused_where_a_safe_is_required() {
    let production = environment("production", "rpc = [\"https://rpc.example\"]");
    let err = slipway_deploy::authorise::check_direct_signing(&production, "`slipway deploy`")
        .expect_err("a Safe is required");
    assert!(
        err.to_string().contains("requires a Safe multisig"),
        "{err}"
    );
    let staging = environment("staging", "");
    assert!(slipway_deploy::authorise::check_direct_signing(&staging, "x").is_ok());
}
