//! Configuration errors: every one a user can cause names where it happened.

use std::{fmt, path::PathBuf};

/// Result type of this crate.
pub type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// Where in a configuration file something was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file (`slipway.toml`, or a built-in preset).
    pub file: PathBuf,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// Dotted key path, e.g. `environments.staging.rpc[0]`.
    pub key: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if !self.key.is_empty() {
            write!(f, ": key `{}`", self.key)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while reading or resolving configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TOML syntax is broken.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Box<Location>,
        /// What the parser said.
        message: String,
    },
    /// A key holds a value that is not allowed (or an unknown key).
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Box<Location>,
        /// What was wrong and what is expected.
        message: String,
    },
    /// A `${VAR}` is used by the selected environment but is not set.
    #[error(
        "{location}: environment variable `{var}` is not set; export it or add `{var}=...` to {dotenv}"
    )]
    UnsetVariable {
        /// Where the `${VAR}` is written.
        location: Box<Location>,
        /// The variable's name.
        var: String,
        /// The `.env` file that was consulted.
        dotenv: String,
    },
    /// The `.env` file is malformed. Only the file and line number are
    /// shown: the line itself may hold a key or a token.
    #[error(
        "{}{}: {reason}; fix that line (a value with spaces or `#` goes in quotes)",
        path.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    DotEnv {
        /// The file.
        path: PathBuf,
        /// The line the parser stopped at (1-based), when known.
        line: Option<usize>,
        /// What went wrong, without the line's text.
        reason: String,
    },
    /// An environment that neither the file nor the presets define.
    #[error("unknown environment `{name}`; known environments: {}", known.join(", "))]
    UnknownEnvironment {
        /// The name asked for.
        name: String,
        /// Names that exist.
        known: Vec<String>,
    },
}
