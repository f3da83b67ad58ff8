//! The one rule for sending where it matters, applied by every command that
//! sends or proposes (deploy, send, and the Safe and ops commands): decided
//! by the environment's flags — `protected`, `multisig` — never by its
//! name. A protected environment wants its name typed back (or `--yes`
//! without a terminal) and, for the commands that say so, a reason, which
//! is recorded. The library never reads stdin: a person is asked through
//! the [`Confirm`] seam, a prompt in the binary and a script in tests.

use slipway_config::{Environment, Multisig};

/// Asks a person. The binary implements it with a terminal prompt; tests
/// with a script.
pub trait Confirm {
    /// Whether a person can be asked at all (a terminal is attached).
    fn can_ask(&self) -> bool;
    /// Shows `prompt` and returns what the person typed (trimmed).
    fn ask(&self, prompt: &str) -> Result<String, ConfirmError>;
}

/// Nobody to ask: a library caller running unattended. Protected
/// environments then need `yes`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unattended;

impl Confirm for Unattended {
    fn can_ask(&self) -> bool {
        false
    }
    fn ask(&self, _: &str) -> Result<String, ConfirmError> {
        Err(ConfirmError::NoTerminal {
            action: String::new(),
            env: String::new(),
        })
    }
}

/// What the caller was told to do without asking.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    /// `--yes`: do not ask.
    pub yes: bool,
    /// `--reason`: why, recorded with what is done.
    pub reason: Option<String>,
    /// Whether this command needs a reason in a protected environment
    /// (`ops`, a pipeline that deploys).
    pub reason_required: bool,
}

/// The outcome of the rule: go ahead, and what to record and warn about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorised {
    /// The reason given, if any.
    pub reason: Option<String>,
    /// The environment had its protection lifted with `protected = false`
    /// on a chain that would be protected: say so on every use.
    pub protection_waived: bool,
    /// A person typed the environment's name back.
    pub typed_back: bool,
}

/// Why the rule refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    /// Protected, and nobody can be asked.
    #[error(
        "{action} on `{env}` needs confirmation: `{env}` is protected; run it in a terminal, or pass --yes"
    )]
    NoTerminal {
        /// What was about to happen.
        action: String,
        /// The environment.
        env: String,
    },
    /// The person typed something else.
    #[error("not confirmed (`{typed}` is not `{env}`): nothing was sent")]
    NotConfirmed {
        /// The environment.
        env: String,
        /// What was typed.
        typed: String,
    },
    /// A reason is needed and none was given.
    #[error("{action} on protected `{env}` needs --reason \"…\" (it is recorded)")]
    NoReason {
        /// What was about to happen.
        action: String,
        /// The environment.
        env: String,
    },
    /// A Safe must authorise state changes here, and this command signs
    /// directly.
    #[error(
        "environment `{env}` requires a Safe multisig for state changes; {action} signs directly and is refused there: nothing was sent. To sign with the signer directly, set `multisig = false` under [environments.{env}] in slipway.toml"
    )]
    MultisigRequired {
        /// What was about to happen.
        action: String,
        /// The environment.
        env: String,
    },
    /// Reading the answer failed.
    #[error("cannot read the confirmation: {0}")]
    Io(#[from] std::io::Error),
}

/// Refuses direct signing where `env` signs through a Safe: checked before
/// anyone is asked for a key.
pub fn check_direct_signing(env: &Environment, action: &str) -> Result<(), ConfirmError> {
    if env.multisig != Multisig::Off {
        return Err(ConfirmError::MultisigRequired {
            action: action.to_owned(),
            env: env.name.clone(),
        });
    }
    Ok(())
}

/// The rule. `action` says what is about to happen ("deploying 5
/// transactions"), for the prompt and the errors.
pub fn authorise(
    env: &Environment,
    action: &str,
    approval: &Approval,
    confirm: &dyn Confirm,
) -> Result<Authorised, ConfirmError> {
    let reason = approval
        .reason
        .as_ref()
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let mut authorised = Authorised {
        reason,
        protection_waived: env.protection_waived,
        typed_back: false,
    };
    if !env.protected {
        return Ok(authorised);
    }
    if approval.reason_required && authorised.reason.is_none() {
        return Err(ConfirmError::NoReason {
            action: action.to_owned(),
            env: env.name.clone(),
        });
    }
    if approval.yes {
        return Ok(authorised);
    }
    if !confirm.can_ask() {
        return Err(ConfirmError::NoTerminal {
            action: action.to_owned(),
            env: env.name.clone(),
        });
    }
    let typed = confirm.ask(&format!(
        "{action} on `{}` (chain {}). Type `{}` to go ahead: ",
        env.name, env.chain.id, env.name
    ))?;
    if typed.trim() != env.name {
        return Err(ConfirmError::NotConfirmed {
            env: env.name.clone(),
            typed: typed.trim().to_owned(),
        });
    }
    authorised.typed_back = true;
    Ok(authorised)
}
