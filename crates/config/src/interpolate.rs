//! `${VAR}` interpolation from the process environment and a `.env` file.

use std::{collections::BTreeMap, path::Path};

use crate::{ConfigError, Result};

/// The variables `${VAR}` may refer to: the process environment, then the
/// `.env` file beside `slipway.toml` (the process environment wins, as with
/// docker compose and dotenv tools).
#[derive(Clone, Default)]
pub struct Vars {
    dotenv: BTreeMap<String, String>,
    process: BTreeMap<String, String>,
    dotenv_path: String,
}

impl std::fmt::Debug for Vars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values are secrets; only the names are shown.
        f.debug_struct("Vars")
            .field("dotenv", &self.dotenv.keys().collect::<Vec<_>>())
            .field("dotenv_path", &self.dotenv_path)
            .finish_non_exhaustive()
    }
}

/// A `.env` error that names the file and line but never repeats the
/// line's text (dotenvy's own message quotes it whole, secret and all).
fn dotenv_error(path: &Path, error: dotenvy::Error) -> ConfigError {
    let (line, reason) = match error {
        dotenvy::Error::LineParse(text, _) => {
            // The physical line where the unparsable entry starts.
            let line = std::fs::read_to_string(path).ok().and_then(|file| {
                let first = text.lines().next().unwrap_or("");
                file.lines()
                    .position(|l| !first.is_empty() && l.trim_end() == first.trim_end())
                    .map(|i| i + 1)
            });
            (line, "cannot parse this line".to_owned())
        }
        dotenvy::Error::Io(e) => (None, format!("cannot read it: {e}")),
        dotenvy::Error::EnvVar(e) => (None, e.to_string()),
        _ => (None, "cannot parse it".to_owned()),
    };
    ConfigError::DotEnv {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

impl Vars {
    /// The process environment plus `dir/.env` if it exists.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(".env");
        let mut dotenv = BTreeMap::new();
        if path.is_file() {
            let iter =
                dotenvy::from_path_iter(&path).map_err(|source| dotenv_error(&path, source))?;
            for item in iter {
                let (k, v) = item.map_err(|source| dotenv_error(&path, source))?;
                dotenv.insert(k, v);
            }
        }
        Ok(Self {
            dotenv,
            process: std::env::vars().collect(),
            dotenv_path: path.display().to_string(),
        })
    }

    /// Variables given explicitly (tests, embedding).
    pub fn from_map(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            process: vars.into_iter().collect(),
            ..Self::default()
        }
    }

    /// The value of a variable, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.process
            .get(name)
            .or_else(|| self.dotenv.get(name))
            .map(String::as_str)
    }

    /// Every variable with its value, the process environment winning over
    /// `.env` (what tests read through `vm.env*`).
    pub fn all(&self) -> BTreeMap<String, String> {
        let mut all = self.dotenv.clone();
        all.extend(self.process.clone());
        all
    }

    /// The `.env` path consulted, for error messages.
    pub(crate) fn dotenv_path(&self) -> &str {
        if self.dotenv_path.is_empty() {
            ".env"
        } else {
            &self.dotenv_path
        }
    }
}

/// A failure to expand a template.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// `${NAME}` with NAME unset.
    #[error("${{{0}}} is not set (in the environment or .env)")]
    Unset(String),
    /// `${` without a closing brace or with an invalid name.
    #[error("{0}")]
    Malformed(String),
}

impl Vars {
    /// Expands every `${NAME}` in `template` from these variables; `$$` is a
    /// literal `$`; a name must be letters, digits and `_`. The one
    /// implementation, for `slipway.toml` and deploy plans alike.
    pub fn expand(&self, template: &str) -> Result<String, ExpandError> {
        expand(template, self).map(|(text, _)| text)
    }
}

/// Expands every `${NAME}` in `template`; `$$` is a literal `$`. Returns the
/// result and whether any variable was used.
pub(crate) fn expand(template: &str, vars: &Vars) -> Result<(String, bool), ExpandError> {
    let mut out = String::with_capacity(template.len());
    let mut used = false;
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = body.find('}').ok_or_else(|| {
                ExpandError::Malformed(format!("`${{` without a closing `}}` in `{template}`"))
            })?;
            let name = &body[..end];
            let valid = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(ExpandError::Malformed(format!(
                    "`${{{name}}}` is not a variable name (letters, digits and `_`)"
                )));
            }
            let value = vars
                .get(name)
                .ok_or_else(|| ExpandError::Unset(name.to_owned()))?;
            out.push_str(value);
            used = true;
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok((out, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vars() -> Vars {
        Vars::from_map([
            ("KEY".into(), "abc".into()),
            ("HOST".into(), "rpc.io".into()),
        ])
    }

    #[test]
    fn expands_variables_and_escapes() {
        assert_eq!(
            expand("https://${HOST}/v3/${KEY}", &vars()),
            Ok(("https://rpc.io/v3/abc".into(), true))
        );
        assert_eq!(
            expand("cost $$5 $x", &vars()),
            Ok(("cost $5 $x".into(), false))
        );
    }

    #[test]
    fn unset_and_malformed_are_errors() {
        assert_eq!(
            expand("${NOPE}", &vars()),
            Err(ExpandError::Unset("NOPE".into()))
        );
        assert!(matches!(
            expand("${KEY", &vars()),
            Err(ExpandError::Malformed(_))
        ));
        assert!(matches!(
            expand("${1A}", &vars()),
            Err(ExpandError::Malformed(_))
        ));
    }

    #[test]
    fn process_environment_wins_over_dotenv() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(".env"),
            "SLIPWAY_TEST_ONLY_IN_DOTENV=from-file\n",
        )
        .expect("write .env");
        let vars = Vars::load(dir.path()).expect("load");
        assert_eq!(vars.get("SLIPWAY_TEST_ONLY_IN_DOTENV"), Some("from-file"));
        assert!(vars.get("PATH").is_some());
        assert!(!format!("{vars:?}").contains("from-file"));
    }

    proptest! {
        #[test]
        fn text_without_dollars_is_unchanged(s in "[^$]*") {
            prop_assert_eq!(expand(&s, &vars()), Ok((s.clone(), false)));
        }

        #[test]
        fn expansion_without_variables_only_shrinks(s in ".*") {
            // `$$` collapses to `$`; nothing else may grow the text.
            if let Ok((out, false)) = expand(&s, &vars()) {
                prop_assert!(out.len() <= s.len());
            }
        }
    }
}
