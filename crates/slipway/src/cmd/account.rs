//! `slipway account`: Web3 Secret Storage keystores for signing.

use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

use alloy_primitives::B256;
use clap::{Args, Subcommand};
use eyre::{Result, bail, eyre};
use slipway_keys::{Keystores, Password};

use crate::global::GlobalOpts;

/// Manage keystore accounts.
#[derive(Debug, Args)]
pub(crate) struct AccountArgs {
    #[command(subcommand)]
    command: AccountCommand,
    /// Keystore directory (default: $SLIPWAY_HOME/keystores, else ~/.slipway/keystores).
    #[arg(long, global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum AccountCommand {
    /// Create a keystore holding a new random key.
    New {
        /// Its name (letters, digits, `-`, `_`).
        name: String,
        /// Read the password from this environment variable instead of asking.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
    /// Create a keystore from an existing private key (never from the command line).
    Import {
        /// Its name.
        name: String,
        /// Read the private key from this environment variable instead of asking.
        #[arg(long, value_name = "VAR")]
        private_key_env: Option<String>,
        /// Read the password from this environment variable instead of asking.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
    /// List the keystores and their addresses.
    List,
    /// Print a keystore's address.
    Address {
        /// Its name.
        name: String,
    },
}

/// A secret from `var`, else asked on the terminal (twice when `confirm`).
fn secret(var: Option<&str>, prompt: &str, confirm: bool) -> Result<String> {
    if let Some(var) = var {
        return std::env::var(var).map_err(|_| eyre!("${var} is not set"));
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "no terminal to ask for the {prompt}: pass it through an environment variable (--password-env / --private-key-env)"
        );
    }
    let first = rpassword::prompt_password(format!("{prompt}: "))?;
    if confirm && rpassword::prompt_password(format!("{prompt} again: "))? != first {
        bail!("the two entries differ");
    }
    Ok(first)
}

impl AccountArgs {
    pub(crate) fn run(self, _global: &GlobalOpts) -> Result<ExitCode> {
        let dir = match self.dir {
            Some(dir) => dir,
            None => Keystores::default_dir()
                .ok_or_else(|| eyre!("no home directory: set SLIPWAY_HOME or pass --dir"))?,
        };
        let keystores = Keystores::at(dir);
        match self.command {
            AccountCommand::New { name, password_env } => {
                let password = Password::new(secret(password_env.as_deref(), "Password", true)?);
                let address = keystores.create(&name, &password)?;
                report_created(&keystores, &name, address)?;
            }
            AccountCommand::Import {
                name,
                private_key_env,
                password_env,
            } => {
                let key = secret(private_key_env.as_deref(), "Private key", false)?;
                let key: B256 = key
                    .trim()
                    .trim_start_matches("0x")
                    .parse()
                    .map_err(|_| eyre!("that is not a private key (32 bytes of hex)"))?;
                let password = Password::new(secret(password_env.as_deref(), "Password", true)?);
                let address = keystores.import(&name, key, &password)?;
                report_created(&keystores, &name, address)?;
            }
            AccountCommand::List => {
                let files = keystores.survey()?;
                if files.is_empty() {
                    println!("no keystores in {}", keystores.dir().display());
                }
                let mut readable = 0;
                for file in &files {
                    match &file.address {
                        Ok(address) => {
                            readable += 1;
                            let address = address.map_or_else(
                                || "(no address in file)".to_owned(),
                                |a| a.to_string(),
                            );
                            println!("{}\t{address}", file.name);
                        }
                        Err(why) => eprintln!("skipped {}: it {why}", file.path.display()),
                    }
                }
                if readable == 0 && !files.is_empty() {
                    bail!(
                        "none of the {} files in {} is a readable keystore",
                        files.len(),
                        keystores.dir().display()
                    );
                }
            }
            AccountCommand::Address { name } => {
                let path = keystores.path(&name)?;
                let address = keystores
                    .list()?
                    .into_iter()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, a)| a)
                    .ok_or_else(|| {
                        eyre!(
                            "no keystore named `{name}` with an address at {}",
                            path.display()
                        )
                    })?;
                println!("{address}");
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn report_created(
    keystores: &Keystores,
    name: &str,
    address: alloy_primitives::Address,
) -> Result<()> {
    let path = keystores.path(name)?;
    println!("{address}");
    eprintln!(
        "Created keystore `{name}` at {}\nUse it in slipway.toml: signer = {{ kind = \"keystore\", path = \"{}\", password_env = \"…\" }}",
        path.display(),
        path.display()
    );
    Ok(())
}
