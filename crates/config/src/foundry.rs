//! Reading `foundry.toml` as forge 1.7.1 reads it: the profile
//! (`FOUNDRY_PROFILE`, else `default`) over `[profile.default]`, the
//! standalone `[fuzz]` / `[invariant]` / `[rpc_endpoints]` sections under
//! the profile's own, then `FOUNDRY_*` variables over everything. What comes
//! out is a flat table of forge keys, each with where its value came from;
//! `mapping.rs` turns it into slipway's settings.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use toml::{Table, Value};

use crate::{ConfigError, Result, Vars, source::SourceFile};

/// forge's configuration file.
pub const FOUNDRY_FILE: &str = "foundry.toml";

/// Sections forge reads outside `[profile.<name>]` as well as inside it.
const STANDALONE: &[&str] = &[
    "fuzz",
    "invariant",
    "rpc_endpoints",
    "etherscan",
    "fmt",
    "doc",
];

/// Tables whose keys `FOUNDRY_<TABLE>_<KEY>` variables set.
const NESTED_ENV: &[&str] = &["fuzz", "invariant"];

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "from", content = "detail")]
pub enum Origin {
    /// `slipway.toml`.
    SlipwayToml,
    /// `foundry.toml`, in the named profile.
    FoundryToml(String),
    /// A `FOUNDRY_*` variable.
    Variable(String),
    /// forge 1.7.1's default (a Foundry project).
    ForgeDefault,
    /// slipway's default.
    SlipwayDefault,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SlipwayToml => f.write_str("slipway.toml"),
            Self::FoundryToml(profile) => write!(f, "foundry.toml [profile.{profile}]"),
            Self::Variable(name) => write!(f, "${name}"),
            Self::ForgeDefault => f.write_str("forge's default"),
            Self::SlipwayDefault => f.write_str("slipway's default"),
        }
    }
}

/// The settings of a `foundry.toml`, resolved for one profile.
#[derive(Clone, Debug)]
pub(crate) struct FoundryFile {
    pub(crate) path: PathBuf,
    pub(crate) profile: String,
    /// Dotted forge key (`fuzz.runs`) → value and origin.
    settings: BTreeMap<String, (Value, Origin)>,
}

impl FoundryFile {
    /// Reads `root/foundry.toml`, if there is one.
    pub(crate) fn read(root: &Path, vars: &Vars) -> Result<Option<Self>> {
        let path = root.join(FOUNDRY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Self::parse(path, &text, vars).map(Some)
    }

    /// Parses foundry.toml text as if read from `path`.
    pub(crate) fn parse(path: PathBuf, text: &str, vars: &Vars) -> Result<Self> {
        let source = SourceFile::new(path.clone(), text.to_owned());
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Syntax {
                location: source.locate(e.span(), ""),
                message: e.message().into(),
            })?;
        let profile = vars
            .get("FOUNDRY_PROFILE")
            .filter(|p| !p.is_empty())
            .unwrap_or("default")
            .to_owned();
        let profiles = table.get("profile").and_then(Value::as_table);
        if profile != "default" && profiles.is_none_or(|p| !p.contains_key(&profile)) {
            return Err(ConfigError::Invalid {
                location: source.locate(None, format!("profile.{profile}")),
                message: format!(
                    "FOUNDRY_PROFILE names the profile `{profile}`, which this file does not define"
                ),
            });
        }
        let mut settings = BTreeMap::new();
        // Lowest first: standalone sections, the default profile, the
        // selected profile; each later layer wins key by key.
        for section in STANDALONE {
            if let Some(Value::Table(t)) = table.get(*section) {
                flatten(
                    section,
                    t,
                    &Origin::FoundryToml("default".into()),
                    &mut settings,
                );
            }
        }
        let mut layers = vec!["default".to_owned()];
        if profile != "default" {
            layers.push(profile.clone());
        }
        for layer in &layers {
            if let Some(Value::Table(t)) = profiles.and_then(|p| p.get(layer)) {
                for (key, value) in t {
                    let origin = Origin::FoundryToml(layer.clone());
                    match value {
                        Value::Table(inner) if STANDALONE.contains(&key.as_str()) => {
                            flatten(key, inner, &origin, &mut settings);
                        }
                        other => {
                            settings.insert(key.clone(), (other.clone(), origin));
                        }
                    }
                }
            }
        }
        for (name, text) in vars.all() {
            let Some(rest) = name.strip_prefix("FOUNDRY_") else {
                continue;
            };
            if rest == "PROFILE" || rest.is_empty() {
                continue;
            }
            let lower = rest.to_ascii_lowercase();
            let key = NESTED_ENV
                .iter()
                .find_map(|t| {
                    lower
                        .strip_prefix(&format!("{t}_"))
                        .map(|k| format!("{t}.{k}"))
                })
                .unwrap_or(lower);
            settings.insert(key, (env_value(&text), Origin::Variable(name.clone())));
        }
        Ok(Self {
            path,
            profile,
            settings,
        })
    }

    /// The value of a dotted forge key, and where it came from.
    pub(crate) fn get(&self, key: &str) -> Option<(&Value, &Origin)> {
        self.settings.get(key).map(|(v, o)| (v, o))
    }

    /// Every key set, dotted.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.settings.keys().map(String::as_str)
    }
}

/// `section.key` entries of a standalone table; `rpc_endpoints` and other
/// maps of names stay whole under their section.
fn flatten(
    section: &str,
    table: &Table,
    origin: &Origin,
    out: &mut BTreeMap<String, (Value, Origin)>,
) {
    if !NESTED_ENV.contains(&section) {
        let merged = match out.remove(section) {
            Some((Value::Table(mut old), _)) => {
                old.extend(table.clone());
                old
            }
            _ => table.clone(),
        };
        out.insert(section.to_owned(), (Value::Table(merged), origin.clone()));
        return;
    }
    for (key, value) in table {
        out.insert(format!("{section}.{key}"), (value.clone(), origin.clone()));
    }
}

/// A variable's text as forge reads it: a TOML scalar or array when it
/// parses as one, else a string.
fn env_value(text: &str) -> Value {
    format!("v = {text}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        Vars::from_map(pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())))
    }

    const FILE: &str = r#"
[profile.default]
src = "src"
optimizer_runs = 1000

[profile.default.fuzz]
runs = 1000

[profile.ci]
optimizer_runs = 5

[profile.ci.fuzz]
runs = 100000

[invariant]
depth = 20

[rpc_endpoints]
mainnet = "${MAINNET_RPC}"
"#;

    #[test]
    fn the_selected_profile_overlays_the_default_key_by_key() {
        let f = FoundryFile::parse("foundry.toml".into(), FILE, &vars(&[])).expect("parse");
        assert_eq!(f.profile, "default");
        assert_eq!(
            f.get("optimizer_runs").map(|v| v.0.as_integer()),
            Some(Some(1000))
        );
        assert_eq!(
            f.get("fuzz.runs").map(|v| v.0.as_integer()),
            Some(Some(1000))
        );
        assert_eq!(
            f.get("invariant.depth").map(|v| v.0.as_integer()),
            Some(Some(20))
        );
        assert!(f.get("rpc_endpoints").is_some_and(|v| v.0.is_table()));

        let f = FoundryFile::parse(
            "foundry.toml".into(),
            FILE,
            &vars(&[("FOUNDRY_PROFILE", "ci")]),
        )
        .expect("parse");
        assert_eq!(
            f.get("optimizer_runs").map(|v| v.0.as_integer()),
            Some(Some(5))
        );
        assert_eq!(
            f.get("fuzz.runs").map(|v| v.0.as_integer()),
            Some(Some(100_000))
        );
        assert_eq!(
            f.get("fuzz.runs").map(|v| v.1.clone()),
            Some(Origin::FoundryToml("ci".into()))
        );
        assert_eq!(
            f.get("src").map(|v| v.0.as_str()),
            Some(Some("src")),
            "from default"
        );
    }

    #[test]
    fn foundry_variables_win_over_the_file() {
        let f = FoundryFile::parse(
            "foundry.toml".into(),
            FILE,
            &vars(&[
                ("FOUNDRY_FUZZ_RUNS", "7"),
                ("FOUNDRY_SRC", "contracts"),
                ("FOUNDRY_VIA_IR", "true"),
            ]),
        )
        .expect("parse");
        assert_eq!(f.get("fuzz.runs").map(|v| v.0.as_integer()), Some(Some(7)));
        assert_eq!(
            f.get("fuzz.runs").map(|v| v.1.clone()),
            Some(Origin::Variable("FOUNDRY_FUZZ_RUNS".into()))
        );
        assert_eq!(f.get("src").map(|v| v.0.as_str()), Some(Some("contracts")));
        assert_eq!(f.get("via_ir").map(|v| v.0.as_bool()), Some(Some(true)));
    }

    #[test]
    fn an_undefined_profile_and_broken_syntax_are_errors() {
        let err = FoundryFile::parse(
            "foundry.toml".into(),
            FILE,
            &vars(&[("FOUNDRY_PROFILE", "nope")]),
        )
        .expect_err("no such profile");
        assert!(err.to_string().contains("`nope`"), "{err}");
        let err = FoundryFile::parse("foundry.toml".into(), "[profile.default\nsrc=1", &vars(&[]))
            .expect_err("syntax");
        assert!(err.to_string().starts_with("foundry.toml:1"), "{err}");
    }
}
