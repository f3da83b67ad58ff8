//! Reading `slipway.toml` (and `remappings.txt`, `.env`) into a [`Config`].

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use crate::{
    AnalyzeConfig, CompilerConfig, ConfigError, Environment, FuzzConfig, Gates, InvariantConfig,
    LintConfig, MonitorConfig, OpsMapping, ProjectConfig, Result, RolesPolicy, TestConfig, Vars,
    environment::{PRESETS, Resolver, overlay, preset},
    foundry::FoundryFile,
    mapping::{self, Provenance},
    raw::{RawEnvironment, RawFile},
    source::SourceFile,
};

/// The project file's name.
pub const CONFIG_FILE: &str = "slipway.toml";

/// A loaded project configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project's root directory (where `slipway.toml` is, or would be).
    pub root: PathBuf,
    /// `[project]`, with remappings from `remappings.txt` appended.
    pub project: ProjectConfig,
    /// `[compiler]`.
    pub compiler: CompilerConfig,
    /// `[gates]`.
    pub gates: Gates,
    /// `[monitor]`.
    pub monitor: MonitorConfig,
    /// `[fuzz]`.
    pub fuzz: FuzzConfig,
    /// `[invariant]`.
    pub invariant: InvariantConfig,
    /// `[test]`: file access and `ffi` for cheatcodes.
    pub test: TestConfig,
    /// `[analyze]`: detectors, severities and paths for `slipway analyze`.
    pub analyze: AnalyzeConfig,
    /// `[lint]`: rules, severities and paths for `slipway lint`.
    pub lint: LintConfig,
    /// `[ops.<Contract>]`: the functions emergency actions call, by contract.
    pub ops: BTreeMap<String, OpsMapping>,
    /// `[roles]`: the policy live role holders are checked against.
    pub roles: RolesPolicy,
    /// Where each setting came from, and the foundry.toml keys not used.
    pub provenance: Provenance,
    files: ProjectFiles,
    environments: BTreeMap<String, RawEnvironment>,
    source: SourceFile,
    vars: Vars,
}

/// Which project files a configuration was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ProjectFiles {
    slipway: bool,
    foundry: bool,
}

impl Config {
    /// Loads `root/slipway.toml` (defaults if absent), `root/foundry.toml`
    /// (a Foundry project: forge's settings and defaults under
    /// slipway.toml's), `root/remappings.txt` and `root/.env`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(CONFIG_FILE);
        let (text, slipway) = match std::fs::read_to_string(&path) {
            Ok(text) => (text, true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), false),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let vars = Vars::load(root)?;
        let foundry = FoundryFile::read(root, &vars)?;
        let mut config = Self::parse_with(root, path, text, vars, foundry.as_ref())?;
        config.read_monitor_rules()?;
        config.files = ProjectFiles {
            slipway,
            foundry: foundry.is_some(),
        };
        let remappings = root.join("remappings.txt");
        if remappings.is_file() {
            let text =
                std::fs::read_to_string(&remappings).map_err(|source| ConfigError::Read {
                    path: remappings.clone(),
                    source,
                })?;
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                if !config.project.remappings.iter().any(|r| r == line) {
                    config.project.remappings.push(line.to_owned());
                }
            }
        }
        Ok(config)
    }

    /// Parses configuration text as if read from `path`.
    pub fn parse(root: &Path, path: PathBuf, text: String, vars: Vars) -> Result<Self> {
        Self::parse_with(root, path, text, vars, None)
    }

    fn parse_with(
        root: &Path,
        path: PathBuf,
        text: String,
        vars: Vars,
        foundry: Option<&FoundryFile>,
    ) -> Result<Self> {
        let source = SourceFile::new(path, text);
        let mut raw = parse_raw(&source)?;
        // Parsed once more as a plain table: which keys the file sets.
        let given: toml::Table = source.text().parse().unwrap_or_default();
        let mut provenance = Provenance::default();
        match foundry {
            Some(foundry) => mapping::apply(&mut raw, &given, foundry, &mut provenance)?,
            None => mapping::slipway_origins(&given, &mut provenance),
        }
        for (i, remapping) in raw.project.remappings.iter().enumerate() {
            if !remapping.contains('=') {
                return Err(ConfigError::Invalid {
                    location: source.locate(None, format!("project.remappings[{i}]")),
                    message: format!("`{remapping}` is not a remapping: expected prefix=target"),
                });
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
            project: raw.project,
            compiler: raw.compiler,
            gates: raw.gates,
            monitor: raw.monitor,
            fuzz: raw.fuzz,
            invariant: raw.invariant,
            test: raw.test,
            analyze: raw.analyze,
            lint: raw.lint,
            ops: raw.ops,
            roles: raw.roles,
            provenance,
            files: ProjectFiles {
                slipway: true,
                foundry: foundry.is_some(),
            },
            environments: raw.environments,
            source,
            vars,
        })
    }

    /// The variables of the process environment and `.env`.
    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    /// The names of all environments: the presets and the file's own.
    pub fn environment_names(&self) -> Vec<String> {
        let mut names: Vec<String> = PRESETS.iter().map(|s| (*s).to_owned()).collect();
        names.extend(
            self.environments
                .keys()
                .filter(|k| !PRESETS.contains(&k.as_str()))
                .cloned(),
        );
        names
    }

    /// Resolves one environment: the preset (if any) overlaid with the file's
    /// values, `${VAR}`s expanded.
    pub fn environment(&self, name: &str) -> Result<Environment> {
        let user = self.environments.get(name).cloned();
        let raw = match (preset(name), user) {
            (Some(p), Some(u)) => overlay(p, u),
            (Some(p), None) => p,
            (None, Some(u)) => u,
            (None, None) => {
                return Err(ConfigError::UnknownEnvironment {
                    name: name.to_owned(),
                    known: self.environment_names(),
                });
            }
        };
        let resolver = Resolver {
            source: &self.source,
            vars: &self.vars,
            name,
        };
        if let Some(user) = self.environments.get(name) {
            resolver.check_signer_alias(user)?;
        }
        let mut environment = resolver.resolve(raw)?;
        // A keystore path in slipway.toml is the project's, wherever the
        // command runs from.
        for signer in environment.signers.values_mut() {
            if let crate::Signer::Keystore { path, .. } = signer {
                *path = self.path(path);
            }
        }
        Ok(environment)
    }

    /// Absolute path of a project-relative path.
    pub fn path(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }

    /// The file the configuration came from (it may not exist).
    pub fn file(&self) -> &Path {
        &self.source.path
    }

    /// Whether a `foundry.toml` was read: forge's defaults apply to
    /// whatever slipway.toml does not set.
    pub fn is_foundry(&self) -> bool {
        self.files.foundry
    }

    /// Whether a project file (slipway.toml or foundry.toml) exists: a
    /// directory with neither is no project, whatever defaults say.
    pub fn has_project_file(&self) -> bool {
        self.files.slipway || self.files.foundry
    }

    /// Adds the rules of `monitor/*.toml` (in name order) to
    /// `[[monitor.rule]]`'s, each knowing its file; a rule id used twice is
    /// refused, naming both places.
    fn read_monitor_rules(&mut self) -> Result<()> {
        for i in 0..self.monitor.rule.len() {
            self.monitor.rule[i].file = PathBuf::from(CONFIG_FILE);
            let rule = &self.monitor.rule[i];
            if self.monitor.rule[..i].iter().any(|r| r.id == rule.id) {
                return Err(ConfigError::Invalid {
                    location: self.source.locate(None, format!("monitor.rule[{i}].id")),
                    message: format!(
                        "rule id `{}` is used twice: each rule needs its own id (it keys its alerts)",
                        rule.id
                    ),
                });
            }
        }
        let dir = self.root.join("monitor");
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(std::result::Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(ConfigError::Read { path: dir, source }),
        };
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let shown = path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf();
            let source = SourceFile::new(shown.clone(), text);
            let file: crate::monitor::RuleFile = parse_toml(&source)?;
            for mut rule in file.rule {
                if let Some(first) = self.monitor.rule.iter().find(|r| r.id == rule.id) {
                    return Err(ConfigError::Invalid {
                        location: source.locate(None, "rule.id"),
                        message: format!(
                            "rule id `{}` is also used in {}: each rule needs its own id (it keys its alerts)",
                            rule.id,
                            first.file.display()
                        ),
                    });
                }
                rule.file = shown.clone();
                self.monitor.rule.push(rule);
            }
        }
        Ok(())
    }
}

fn parse_raw(source: &SourceFile) -> Result<RawFile> {
    parse_toml(source)
}

/// `source` read as `T`; errors name the file, line, column and key.
fn parse_toml<T: serde::de::DeserializeOwned>(source: &SourceFile) -> Result<T> {
    let deserializer =
        toml::Deserializer::parse(source.text()).map_err(|e| ConfigError::Syntax {
            location: source.locate(e.span(), ""),
            message: e.message().into(),
        })?;
    T::deserialize(deserializer).map_err(|e| {
        let message = e.message().trim().to_owned();
        let key = key_at(source.text(), e.span());
        ConfigError::Invalid {
            location: source.locate(e.span(), key),
            message,
        }
    })
}

/// The dotted key an error span points into, recovered from the text: the
/// innermost `[table]` header above it and the `key =` on its line.
fn key_at(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return String::new();
    };
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim();
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
    if line.starts_with('[') {
        return line
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_owned();
    }
    let key = line
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    match table {
        Some(t) if !key.is_empty() => format!("{t}.{key}"),
        Some(t) => t,
        None => key.to_owned(),
    }
}
