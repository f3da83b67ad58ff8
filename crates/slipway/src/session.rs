//! Reaching an environment's chain (`slipway_chain::connect`), the runtime
//! for chain work, and the terminal's prompts: keystore passwords and the
//! confirmation of a protected environment.

use std::io::{BufRead, IsTerminal, Write};

use eyre::Result;
use slipway_chain::ChainClient;
use slipway_config::{Config, Environment};
use slipway_deploy::{Confirm, ConfirmError};
use slipway_keys::{Password, SignerError};

use crate::output::{Ui, status};

/// Environment `name` of `config`; a lifted protection is warned about on
/// every use.
pub(crate) fn environment(ui: Ui, config: &Config, name: &str) -> Result<Environment> {
    let env = config.environment(name)?;
    if env.protection_waived {
        status(
            ui,
            "Warning",
            &format!(
                "`{}` is chain {}, whose coins have value, and `protected = false` lifts its confirmation and key rules",
                env.name, env.chain.id
            ),
        );
    }
    Ok(env)
}

/// The confirmation of a protected environment, asked on the terminal.
pub(crate) struct TerminalConfirm;

impl Confirm for TerminalConfirm {
    fn can_ask(&self) -> bool {
        std::io::stdin().is_terminal()
    }

    fn ask(&self, prompt: &str) -> Result<String, ConfirmError> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(answer.trim().to_owned())
    }
}

/// How this process describes itself to others (the dev chain's owner
/// record, a deployment lock): its command line.
pub(crate) fn command_line() -> String {
    format!(
        "slipway {}",
        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
    )
}

/// Connects to `env`'s chain (in process for the embedded one, unless a
/// `slipway node` serves it) and checks its chain id.
pub(crate) async fn connect(config: &Config, env: &Environment) -> Result<ChainClient> {
    Ok(slipway_chain::connect(config, env, &command_line()).await?)
}

/// A runtime for a command's chain work.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Asks the terminal for a keystore password (never echoed); without a
/// terminal, says which variable to set.
pub(crate) fn ask_password(prompt: &str) -> Result<Password, SignerError> {
    if !std::io::stdin().is_terminal() {
        return Err(SignerError::Password(
            "no terminal to ask for the keystore password: set the signer's `password_env`".into(),
        ));
    }
    rpassword::prompt_password(prompt)
        .map(Password::new)
        .map_err(|e| SignerError::Password(e.to_string()))
}

/// Who is at the keyboard, for incident records (`$USER`).
pub(crate) fn operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned())
}
