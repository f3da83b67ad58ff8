//! Plans: `deploy/<name>.toml` read into steps whose values are
//! expressions (`@name` references, `role:NAME` hashes, `param:NAME`
//! values, `${VAR}` from the environment), then checked against the build's
//! artifacts ([`CheckedPlan`]).

mod check;
mod proxy;
mod raw;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256, keccak256};
use slipway_config::{Environment, Target, Vars};
use toml::Spanned;

pub use check::{CheckedPlan, CheckedStep};
pub use proxy::{
    BEACON_PROXY, ERC1967_PROXY, PROXY_ADMIN, ProxyKind, StepRole, TRANSPARENT_PROXY,
    UPGRADEABLE_BEACON, admin_name, beacon_name, implementation_name, upgrade_name,
};

use crate::{PlanError, PlanErrors};
use raw::{RawPlan, RawStep};

/// A value in a plan, before the addresses it refers to are known.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number, string or boolean as written.
    Literal(toml::Value),
    /// `@name`: a deployed step's address or a named account.
    Ref(String),
    /// `role:NAME`: `keccak256("NAME")`, `DEFAULT_ADMIN_ROLE` = 0.
    Role(String),
    /// A list (an array or a tuple argument).
    List(Vec<Expr>),
    /// A call of a function of a step's contract, ABI-encoded as `bytes`
    /// (a proxy's initializer).
    Calldata(Box<Calldata>),
}

/// An encoded function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Calldata {
    /// The function: its name, or its signature when overloaded.
    pub function: String,
    /// The artifact whose ABI has it.
    pub artifact: String,
    /// Its arguments.
    pub args: Vec<Expr>,
    /// The function found in the artifact's ABI (once checked).
    pub resolved: Option<alloy_json_abi::Function>,
}

impl Expr {
    /// Names this value refers to.
    pub(crate) fn refs(&self, into: &mut Vec<String>) {
        match self {
            Expr::Ref(name) => into.push(name.clone()),
            Expr::List(items) => items.iter().for_each(|i| i.refs(into)),
            Expr::Calldata(call) => call.args.iter().for_each(|i| i.refs(into)),
            Expr::Literal(_) | Expr::Role(_) => {}
        }
    }
}

/// A role's id as AccessControl contracts compute it.
pub fn role_hash(name: &str) -> B256 {
    if name == "DEFAULT_ADMIN_ROLE" {
        B256::ZERO
    } else {
        keccak256(name.as_bytes())
    }
}

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Deploy an artifact.
    Deploy {
        /// The artifact as written: `Name` or `path/File.sol:Name`.
        artifact: String,
        /// CREATE2 salt (through the deterministic deployment proxy, or
        /// CreateCall).
        salt: Option<B256>,
        /// How the contract is created where a Safe deploys.
        via: Via,
        /// Libraries to link: name (or `file:Name`) → address.
        libraries: BTreeMap<String, Expr>,
    },
    /// Call a function of a contract.
    Call {
        /// Its name, or its signature when overloaded or the target has no
        /// artifact.
        function: String,
        /// The contract.
        to: Expr,
    },
}

/// How a deploy step creates its contract where the environment's Safe
/// deploys (`via = "…"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Via {
    /// The Safe calls the deterministic deployment proxy (`0x4e59…`): the
    /// address is the same as a direct CREATE2 deploy on every chain, and
    /// the constructor's `msg.sender` is the proxy (admins are passed
    /// explicitly).
    #[default]
    Proxy,
    /// The Safe delegatecalls its version's CreateCall: the constructor's
    /// `msg.sender` is the Safe (an Ownable contract is the Safe's), and the
    /// address derives from the Safe and the salt. Where a signer deploys
    /// directly, a plain CREATE from the signer, so that `msg.sender` is
    /// the deployer there too.
    CreateCall,
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Its id (records of deployed contracts are named by it).
    pub id: String,
    /// Its line in the plan.
    pub line: usize,
    /// What it does.
    pub action: Action,
    /// Constructor or function arguments.
    pub args: Vec<Expr>,
    /// Wei sent with it.
    pub value: Option<Expr>,
    /// Steps it waits for besides those it refers to.
    pub after: Vec<String>,
    /// Its part in a proxy step, if any.
    pub role: StepRole,
}

impl Step {
    /// Every name it refers to (references and `after`).
    pub(crate) fn dependencies(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.args.iter().for_each(|a| a.refs(&mut names));
        if let Some(v) = &self.value {
            v.refs(&mut names);
        }
        match &self.action {
            Action::Deploy { libraries, .. } => libraries.values().for_each(|l| l.refs(&mut names)),
            Action::Call { to, .. } => to.refs(&mut names),
        }
        names.extend(self.after.iter().cloned());
        names.sort();
        names.dedup();
        names
    }

    /// The dependencies whose sending again sends this step again: a
    /// proxy and its beacon take their first implementation only.
    pub(crate) fn resend_dependencies(&self) -> Vec<String> {
        let mut names = self.dependencies();
        if let StepRole::Proxy { implementation, .. } | StepRole::Beacon { implementation, .. } =
            &self.role
        {
            names.retain(|n| n != implementation);
        }
        names
    }
}

/// A plan read for one environment.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Its name (the file's stem).
    pub name: String,
    /// Its file.
    pub file: PathBuf,
    /// Named accounts, resolved.
    pub accounts: BTreeMap<String, Address>,
    /// The steps, in the order written.
    pub steps: Vec<Step>,
}

/// Turns spans into lines and collects problems.
pub(crate) struct Located<'a> {
    pub(crate) file: &'a Path,
    pub(crate) text: &'a str,
    pub(crate) errors: Vec<PlanError>,
}

impl Located<'_> {
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }

    pub(crate) fn error(&mut self, offset: usize, step: Option<&str>, message: impl Into<String>) {
        let line = self.line(offset);
        self.errors.push(PlanError {
            file: self.file.to_path_buf(),
            line,
            step: step.map(str::to_owned),
            message: message.into(),
        });
    }
}

/// `${VAR}` replaced from `vars` as in `slipway.toml` (`$$` is a `$`); an
/// unset variable is named in the error.
fn interpolate(text: &str, vars: &Vars) -> Result<String, String> {
    vars.expand(text).map_err(|e| e.to_string())
}

impl Plan {
    /// Whether a step stands for a proxy.
    pub fn has_proxies(&self) -> bool {
        self.steps.iter().any(|s| s.role != StepRole::Plain)
    }

    /// Reads `file` (under `root`, which errors leave out) for `env`: its
    /// overrides applied, `${VAR}` and `param:` substituted, named
    /// accounts resolved. Every problem is reported with its line.
    pub fn load(
        root: &Path,
        file: &Path,
        env: &Environment,
        vars: &Vars,
    ) -> Result<Self, PlanErrors> {
        let file = file.strip_prefix(root).unwrap_or(file);
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| {
            PlanErrors(vec![PlanError {
                file: file.to_path_buf(),
                line: 1,
                step: None,
                message: format!("cannot read the plan: {e}"),
            }])
        })?;
        Self::parse(file, &text, env, vars)
    }

    /// [`Plan::load`] from text.
    pub fn parse(
        file: &Path,
        text: &str,
        env: &Environment,
        vars: &Vars,
    ) -> Result<Self, PlanErrors> {
        let mut at = Located {
            file,
            text,
            errors: Vec::new(),
        };
        let raw: RawPlan = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                at.error(offset, None, e.message().to_owned());
                return Err(PlanErrors(at.errors));
            }
        };
        let RawPlan {
            accounts,
            mut params,
            mut environments,
            step,
            ..
        } = raw;
        let mut accounts = accounts;
        if let Some(over) = environments.remove(&env.name) {
            accounts.extend(over.accounts);
            params.extend(over.params);
        }
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut resolved = BTreeMap::new();
        for (account, value) in &accounts {
            match account_address(value.get_ref(), env, vars) {
                Ok(address) => {
                    resolved.insert(account.clone(), address);
                }
                Err(message) => at.error(
                    value.span().start,
                    None,
                    format!("account `{account}`: {message}"),
                ),
            }
        }
        let mut reader = StepReader {
            at: &mut at,
            params: &params,
            vars,
            accounts: &resolved,
        };
        let written = step.len();
        let steps: Vec<Step> = step.into_iter().flat_map(|s| reader.step(s)).collect();
        if written == 0 {
            at.errors.push(PlanError {
                file: file.to_path_buf(),
                line: 1,
                step: None,
                message: "the plan has no step: add a `[[step]]` with `deploy = \"Contract\"` or `call = \"function\"` (see docs/deploy.md)".into(),
            });
        }
        let mut seen = BTreeMap::new();
        for s in &steps {
            if let Some(first) = seen.insert(s.id.clone(), s.line) {
                at.errors.push(PlanError {
                    file: file.to_path_buf(),
                    line: s.line,
                    step: Some(s.id.clone()),
                    message: format!(
                        "a step with this id is already on line {first}; give one an `id`"
                    ),
                });
            }
            if resolved.contains_key(&s.id) || s.id == "deployer" {
                at.errors.push(PlanError {
                    file: file.to_path_buf(),
                    line: s.line,
                    step: Some(s.id.clone()),
                    message: "this id is also an account's name: `@` could not tell them apart"
                        .into(),
                });
            }
        }
        if at.errors.is_empty() {
            Ok(Plan {
                name,
                file: file.to_path_buf(),
                accounts: resolved,
                steps,
            })
        } else {
            Err(PlanErrors(at.errors))
        }
    }
}

/// A named account's address: `0x…`, `${VAR}` holding one, `dev:N`, or
/// `signer:NAME` (the environment's named signer, so that the plan and the
/// key that signs as that role cannot disagree).
fn account_address(text: &str, env: &Environment, vars: &Vars) -> Result<Address, String> {
    let text = interpolate(text, vars)?;
    let text = text.trim();
    if let Some(index) = text.strip_prefix("dev:") {
        let Target::Embedded(devnet) = &env.target else {
            return Err(format!(
                "`{text}` is a development account, whose key is public: not usable on `{}`; give an address (or `${{VAR}}`) in [environments.{}.accounts]",
                env.name, env.name
            ));
        };
        let index: u32 = index
            .parse()
            .map_err(|_| format!("`{text}`: dev:N takes an account number"))?;
        let account = slipway_keys::derive_account(&devnet.mnemonic, index)
            .map_err(|e| format!("`{text}`: {e}"))?;
        return Ok(account.address);
    }
    if let Some(name) = text.strip_prefix("signer:") {
        return slipway_keys::address_of(env, name, vars).map_err(|e| format!("`{text}`: {e}"));
    }
    text.parse::<Address>().map_err(|_| {
        format!(
            "`{text}` is not an address (0x and 40 hex digits), `${{VAR}}`, `dev:N` or `signer:NAME`"
        )
    })
}

/// Reads steps, substituting params and variables.
struct StepReader<'a, 'b> {
    at: &'a mut Located<'b>,
    params: &'a BTreeMap<String, Spanned<toml::Value>>,
    vars: &'a Vars,
    accounts: &'a BTreeMap<String, Address>,
}

impl StepReader<'_, '_> {
    fn plain_step(&mut self, raw: Spanned<RawStep>) -> Option<Step> {
        let offset = raw.span().start;
        let line = self.at.line(offset);
        let raw = raw.into_inner();
        let errors_before = self.at.errors.len();
        let id = raw.id.as_ref().map(|i| i.get_ref().clone()).or_else(|| {
            raw.deploy.as_ref().map(|d| {
                d.get_ref()
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
        });
        let Some(id) = id else {
            self.at.error(offset, None, "a call step needs an `id`");
            return None;
        };
        let sid = Some(id.as_str());
        let args: Vec<Expr> = raw
            .args
            .iter()
            .filter_map(|a| self.value(a.get_ref(), a.span().start, sid))
            .collect();
        let value = raw
            .value
            .as_ref()
            .and_then(|v| self.value(v.get_ref(), v.span().start, sid));
        let action = match (raw.deploy, raw.call) {
            (Some(artifact), None) => {
                if raw.to.is_some() {
                    self.at.error(
                        offset,
                        sid,
                        "`to` belongs to call steps; a deploy step has none",
                    );
                }
                let salt = raw.salt.as_ref().and_then(|s| {
                    let value = toml::Value::String(s.get_ref().clone());
                    let expr = self.value(&value, s.span().start, sid)?;
                    self.salt(&expr, s.span().start, sid)
                });
                let libraries = raw
                    .libraries
                    .iter()
                    .filter_map(|(name, v)| {
                        Some((name.clone(), self.value(v.get_ref(), v.span().start, sid)?))
                    })
                    .collect();
                let via = match raw
                    .via
                    .as_ref()
                    .map(|v| (v.get_ref().as_str(), v.span().start))
                {
                    None | Some(("proxy", _)) => Via::Proxy,
                    Some(("create-call", at)) => {
                        if salt.is_none() {
                            self.at.error(
                                at,
                                sid,
                                "`via = \"create-call\"` needs a `salt`: CreateCall deploys with CREATE2 so that the address is known before the Safe's owners sign",
                            );
                        }
                        Via::CreateCall
                    }
                    Some((other, at)) => {
                        self.at.error(
                            at,
                            sid,
                            format!("`via = \"{other}\"` is unknown: \"proxy\" (the default) or \"create-call\""),
                        );
                        Via::Proxy
                    }
                };
                Action::Deploy {
                    artifact: artifact.into_inner(),
                    salt,
                    via,
                    libraries,
                }
            }
            (None, Some(function)) => {
                if raw.salt.is_some() || raw.via.is_some() || !raw.libraries.is_empty() {
                    self.at.error(
                        offset,
                        sid,
                        "`salt`, `via` and `libraries` belong to deploy steps",
                    );
                }
                let Some(to) = raw.to else {
                    self.at
                        .error(offset, sid, "a call step needs `to` (e.g. \"@token\")");
                    return None;
                };
                let to = self.value(to.get_ref(), to.span().start, sid)?;
                Action::Call {
                    function: function.into_inner(),
                    to,
                }
            }
            (Some(_), Some(_)) => {
                self.at
                    .error(offset, sid, "a step either deploys or calls, not both");
                return None;
            }
            (None, None) => {
                self.at.error(
                    offset,
                    sid,
                    "a step needs `deploy = \"Contract\"` or `call = \"function\"`",
                );
                return None;
            }
        };
        let proxy_keys = [
            (raw.initializer.is_some(), "initializer"),
            (raw.owner.is_some(), "owner"),
            (raw.upgrade_call.is_some(), "upgrade_call"),
            (!raw.upgrade_args.is_empty(), "upgrade_args"),
            (!raw.unsafe_allow.is_empty(), "unsafe_allow"),
        ];
        for (given, key) in proxy_keys {
            if given {
                self.at.error(
                    offset,
                    sid,
                    format!("`{key}` belongs to proxy steps: add `proxy = \"uups\"` (or \"transparent\", \"beacon\")"),
                );
            }
        }
        let after = raw.after.iter().map(|a| a.get_ref().clone()).collect();
        (self.at.errors.len() == errors_before).then_some(Step {
            id,
            line,
            action,
            args,
            value,
            after,
            role: StepRole::Plain,
        })
    }

    /// A salt from an expression, resolved as every other field resolves
    /// its values (`param:`, `${VAR}`, `role:`, `@account`): 32 bytes of hex
    /// as written, an integer as a 32-byte word, a role's hash, an
    /// account's address, or the keccak256 of any other text.
    fn salt(&mut self, expr: &Expr, offset: usize, step: Option<&str>) -> Option<B256> {
        match expr {
            Expr::Literal(toml::Value::String(text)) => Some(salt_of(text)),
            Expr::Literal(toml::Value::Integer(n)) => match u64::try_from(*n) {
                Ok(n) => Some(B256::from(alloy_primitives::U256::from(n))),
                Err(_) => {
                    self.at.error(offset, step, "a salt cannot be negative");
                    None
                }
            },
            Expr::Role(role) => Some(role_hash(role)),
            Expr::Ref(name) => match self.accounts.get(name) {
                Some(address) => Some(address.into_word()),
                None => {
                    self.at.error(
                        offset,
                        step,
                        format!(
                            "a salt must be known before anything is sent: `@{name}` is not a named account (a step's or the deployer's address is not)"
                        ),
                    );
                    None
                }
            },
            _ => {
                self.at.error(
                    offset,
                    step,
                    "a salt is one value: text, 32 bytes of hex, an integer, `role:`, `param:` or an `@account`",
                );
                None
            }
        }
    }

    /// A TOML value as an expression.
    fn value(&mut self, value: &toml::Value, offset: usize, step: Option<&str>) -> Option<Expr> {
        self.value_in(value, offset, step, 0)
    }

    fn value_in(
        &mut self,
        value: &toml::Value,
        offset: usize,
        step: Option<&str>,
        depth: usize,
    ) -> Option<Expr> {
        match value {
            toml::Value::String(text) => {
                let text = match interpolate(text, self.vars) {
                    Ok(t) => t,
                    Err(m) => {
                        self.at.error(offset, step, m);
                        return None;
                    }
                };
                if let Some(name) = text.strip_prefix('@') {
                    Some(Expr::Ref(name.to_owned()))
                } else if let Some(role) = text.strip_prefix("role:") {
                    Some(Expr::Role(role.to_owned()))
                } else if let Some(param) = text.strip_prefix("param:") {
                    let Some(found) = self.params.get(param) else {
                        let known: Vec<&str> = self.params.keys().map(String::as_str).collect();
                        self.at.error(
                            offset,
                            step,
                            format!(
                                "`param:{param}` is not defined in [params] (defined: {})",
                                known.join(", ")
                            ),
                        );
                        return None;
                    };
                    if depth > 8 {
                        self.at
                            .error(offset, step, format!("`param:{param}` refers to itself"));
                        return None;
                    }
                    let found = found.clone();
                    self.value_in(found.get_ref(), found.span().start, step, depth + 1)
                } else {
                    Some(Expr::Literal(toml::Value::String(text)))
                }
            }
            toml::Value::Array(items) => Some(Expr::List(
                items
                    .iter()
                    .map(|i| self.value_in(i, offset, step, depth))
                    .collect::<Option<Vec<_>>>()?,
            )),
            toml::Value::Integer(_) | toml::Value::Boolean(_) => Some(Expr::Literal(value.clone())),
            other => {
                self.at.error(
                    offset,
                    step,
                    format!(
                        "{} values are not arguments: write numbers as integers or strings",
                        other.type_str()
                    ),
                );
                None
            }
        }
    }
}

/// A salt: 32 bytes of hex as written, or the keccak256 of a label.
fn salt_of(text: &str) -> B256 {
    text.parse::<B256>()
        .unwrap_or_else(|_| keccak256(text.as_bytes()))
}

/// Why no plan could be chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FindPlanError {
    /// `--plan` names no file.
    #[error("no plan at {}", .0.display())]
    NoSuchFile(PathBuf),
    /// There is no `deploy/` directory.
    #[error("no {} directory: write a plan there (deploy/<name>.toml)", .0.display())]
    NoDirectory(PathBuf),
    /// `deploy/` holds no plan.
    #[error("no plan in {}: write deploy/<name>.toml", .0.display())]
    NoPlan(PathBuf),
    /// `deploy/` holds several and none was chosen.
    #[error("{} plans in deploy/; choose one with --plan: {}", .0.len(), .0.join(", "))]
    Several(Vec<String>),
}

/// The plan to use: `--plan FILE`, or the only `*.toml` in `deploy/`.
pub fn find_plan(root: &Path, given: Option<&Path>) -> Result<PathBuf, FindPlanError> {
    if let Some(path) = given {
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else if root.join(path).is_file() {
            root.join(path)
        } else {
            root.join("deploy").join(path).with_extension("toml")
        };
        return if path.is_file() {
            Ok(path)
        } else {
            Err(FindPlanError::NoSuchFile(path))
        };
    }
    let dir = root.join("deploy");
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|_| FindPlanError::NoDirectory(dir.clone()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    plans.sort();
    match plans.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(FindPlanError::NoPlan(dir)),
        many => Err(FindPlanError::Several(
            many.iter()
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect(),
        )),
    }
}
