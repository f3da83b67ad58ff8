//! Deployment environments: the SOP's three presets, the user's overrides on
//! top of them, and resolution (with `${VAR}` interpolation) into the
//! [`Environment`] that commands use.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::{
    ChainSpec, ConfigError, DEV_MNEMONIC, Result, RpcUrl,
    interpolate::{ExpandError, Vars, expand},
    raw::{RawDevnet, RawEnvironment, RawFees, RawMultisig, RawSigner},
    resolve_chain,
    secret::REDACTED,
    source::SourceFile,
};

/// Built-in environment names, in the SOP's order.
pub(crate) const PRESETS: [&str; 3] = ["development", "staging", "production"];

/// A fully resolved environment.
#[derive(Clone, Debug, Serialize)]
pub struct Environment {
    /// Its name.
    pub name: String,
    /// The chain it must be.
    pub chain: ChainSpec,
    /// Where transactions go.
    pub target: Target,
    /// EVM rules of the chain.
    pub hardfork: Hardfork,
    /// How fees are chosen and bumped.
    pub fees: FeePolicy,
    /// Blocks on top of a transaction's before it counts as final.
    pub confirmations: u64,
    /// How long sending waits for inclusion and confirmations (15 minutes
    /// unless `confirm_timeout` says otherwise).
    #[serde(with = "humantime_serde")]
    pub confirm_timeout: std::time::Duration,
    /// Who signs, by role: `deployer` (always on the embedded chain),
    /// `guardian` and any other name the project gives.
    pub signers: BTreeMap<String, Signer>,
    /// Whether state changes need a Safe.
    pub multisig: Multisig,
    /// Whether the environment guards a chain of value: sending asks for the
    /// environment's name typed back (or `--yes` without a terminal), and
    /// keys held in environment variables are refused. True unless the
    /// chain is the embedded one or a known testnet, or `protected = false`.
    pub protected: bool,
    /// `protected = false` lifted the protection this chain would have had
    /// (commands warn about it on every use).
    pub protection_waived: bool,
}

/// The signer every command uses unless told otherwise.
pub const DEPLOYER: &str = "deployer";

impl Environment {
    /// The signer of role `name`, if the environment names one.
    pub fn signer(&self, name: &str) -> Option<&Signer> {
        self.signers.get(name)
    }

    /// The names of the environment's signers, sorted.
    pub fn signer_names(&self) -> Vec<&str> {
        self.signers.keys().map(String::as_str).collect()
    }
}

/// Where an environment's chain is.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// slipway's embedded chain.
    Embedded(DevnetSettings),
    /// Remote JSON-RPC endpoints, tried in order with failover.
    Rpc(Vec<RpcUrl>),
}

/// Settings of the embedded development chain.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct DevnetSettings {
    /// Chain id.
    pub chain_id: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Interval between blocks for `slipway node`.
    #[serde(with = "humantime_serde")]
    pub block_time: Duration,
    /// Funded dev accounts.
    pub accounts: u32,
    /// Balance of each, in ether.
    pub balance_eth: u64,
    /// The mnemonic they are derived from.
    #[serde(serialize_with = "mnemonic_redacted")]
    pub mnemonic: String,
    /// Where the chain's state is kept, relative to the project root.
    pub state_dir: PathBuf,
}

impl std::fmt::Debug for DevnetSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevnetSettings")
            .field("chain_id", &self.chain_id)
            .field("gas_limit", &self.gas_limit)
            .field("block_time", &self.block_time)
            .field("accounts", &self.accounts)
            .field("balance_eth", &self.balance_eth)
            .field("mnemonic", &shown_mnemonic(&self.mnemonic))
            .field("state_dir", &self.state_dir)
            .finish()
    }
}

/// A mnemonic other than the public test one is a secret.
fn shown_mnemonic(m: &str) -> &str {
    if m == DEV_MNEMONIC { m } else { REDACTED }
}

fn mnemonic_redacted<S: serde::Serializer>(m: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(shown_mnemonic(m))
}

impl Default for DevnetSettings {
    fn default() -> Self {
        Self {
            chain_id: 1337,
            gas_limit: 12_000_000,
            block_time: Duration::from_secs(2),
            accounts: 20,
            balance_eth: 10_000,
            mnemonic: DEV_MNEMONIC.to_owned(),
            state_dir: ".slipway/devnet".into(),
        }
    }
}

/// Ethereum hardforks an environment can run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Hardfork {
    Byzantium,
    Constantinople,
    Petersburg,
    Istanbul,
    Berlin,
    London,
    #[serde(alias = "merge")]
    Paris,
    Shanghai,
    Cancun,
    Prague,
    /// What Ethereum mainnet runs since 3 December 2025 (Fusaka).
    #[default]
    Osaka,
}

impl Hardfork {
    /// Every hardfork, oldest first.
    pub const ALL: [Self; 11] = [
        Self::Byzantium,
        Self::Constantinople,
        Self::Petersburg,
        Self::Istanbul,
        Self::Berlin,
        Self::London,
        Self::Paris,
        Self::Shanghai,
        Self::Cancun,
        Self::Prague,
        Self::Osaka,
    ];

    /// The name solc (`evmVersion`) and the configuration use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Byzantium => "byzantium",
            Self::Constantinople => "constantinople",
            Self::Petersburg => "petersburg",
            Self::Istanbul => "istanbul",
            Self::Berlin => "berlin",
            Self::London => "london",
            Self::Paris => "paris",
            Self::Shanghai => "shanghai",
            Self::Cancun => "cancun",
            Self::Prague => "prague",
            Self::Osaka => "osaka",
        }
    }
}

/// How the priority fee is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityFee {
    /// A fixed tip, in wei.
    #[serde(serialize_with = "gwei_text")]
    Fixed(u128),
    /// A percentile of recent blocks' rewards (eth_feeHistory).
    Percentile(f64),
}

/// Fee policy of an environment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeePolicy {
    /// EIP-1559 fees; legacy gas price when false.
    pub eip1559: bool,
    /// Tip choice.
    pub priority_fee: PriorityFee,
    /// Never pay more than this per gas, in wei.
    #[serde(
        serialize_with = "gwei_text_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_fee_cap: Option<u128>,
    /// How long to wait for inclusion before bumping.
    #[serde(with = "humantime_serde")]
    pub bump_after: Duration,
    /// Fee increase per bump, percent (≥ 10).
    pub bump_percent: u32,
    /// Bumps before giving up.
    pub bump_limit: u32,
}

/// Who signs an environment's transactions (one of its named signers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Signer {
    /// A dev account of the embedded chain.
    Dev {
        /// Account index on m/44'/60'/0'/0/i.
        index: u32,
    },
    /// A private key in an environment variable (its name, never the key).
    Env {
        /// The variable's name.
        var: String,
    },
    /// A Web3 Secret Storage keystore.
    Keystore {
        /// The keystore file.
        path: PathBuf,
        /// The variable holding its password; asked on the terminal if unset.
        #[serde(skip_serializing_if = "Option::is_none")]
        password_env: Option<String>,
    },
    /// A remote signer over JSON-RPC (Web3Signer, Frame, Clef, a node with
    /// unlocked accounts): it holds the key; slipway checks every answer.
    External {
        /// Where it listens: HTTPS, or plain HTTP on a loopback address.
        url: RpcUrl,
        /// The account it must sign for.
        address: Address,
        /// The methods it speaks.
        api: ExternalApi,
    },
}

/// The JSON-RPC dialect of an external signer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExternalApi {
    /// `eth_signTransaction`, `eth_signTypedData_v4`, `personal_sign`
    /// (Web3Signer, Frame, anvil, geth).
    #[default]
    Eth,
    /// Clef's `account_signTransaction`, `account_signTypedData`,
    /// `account_signData`.
    Clef,
}

/// Whether state changes need a Safe multisig.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Multisig {
    /// Transactions are sent directly.
    Off,
    /// A Safe is required but none is configured yet.
    Required,
    /// This Safe, with this threshold.
    Safe {
        /// The Safe's address.
        address: Address,
        /// Signatures needed.
        threshold: u32,
        /// Its owners as the configuration lists them (empty: not listed),
        /// checked against the chain before anything is proposed.
        owners: Vec<Address>,
        /// A Safe Transaction Service that proposals and signatures are
        /// also posted to (`service = "https://…"`).
        service: Option<TxService>,
    },
}

/// A Safe Transaction Service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxService {
    /// Its base URL (`https://safe-transaction-mainnet.safe.global`).
    pub url: String,
    /// Its API key (`service_key = "${SAFE_API_KEY}"`), sent as a bearer
    /// token.
    pub api_key: Option<crate::Secret>,
}

const GWEI: f64 = 1e9;

/// Shows wei as gwei text (`"30 gwei"`): readable, and within TOML's integers.
fn gwei_text<S: serde::Serializer>(wei: &u128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{} gwei", *wei as f64 / GWEI))
}

fn gwei_text_opt<S: serde::Serializer>(wei: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
    match wei {
        Some(w) => gwei_text(w, s),
        None => s.serialize_none(),
    }
}

fn gwei_to_wei(g: f64) -> u128 {
    // Inputs are validated as finite and ≥ 0; sub-wei precision is dropped.
    (g * GWEI).round() as u128
}

/// Signer names are table keys and file names alike.
fn is_signer_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The built-in preset of a name, if it is one.
pub(crate) fn preset(name: &str) -> Option<RawEnvironment> {
    use toml::Spanned;
    let spanned = |s: &str| Some(Spanned::new(0..0, s.to_owned()));
    let base = RawEnvironment::default();
    Some(match name {
        "development" => RawEnvironment {
            chain_id: Some(Spanned::new(0..0, 1337)),
            devnet: Some(RawDevnet::default()),
            confirmations: Some(1),
            signers: Some(BTreeMap::from([
                (DEPLOYER.to_owned(), RawSigner::Dev { index: 0 }),
                ("guardian".to_owned(), RawSigner::Dev { index: 1 }),
            ])),
            multisig: Some(Spanned::new(0..0, RawMultisig::Off)),
            ..base
        },
        "staging" => RawEnvironment {
            chain: spanned("polygon-amoy"),
            rpc: Some(vec![Spanned::new(
                0..0,
                "https://rpc-amoy.polygon.technology".into(),
            )]),
            fees: RawFees {
                eip1559: Some(true),
                // Polygon PoS nodes refuse tips under 25 gwei.
                priority_fee_gwei: Some(30.0),
                max_fee_gwei: Some(1_000.0),
                ..RawFees::default()
            },
            confirmations: Some(3),
            signers: Some(BTreeMap::from([(
                DEPLOYER.to_owned(),
                RawSigner::Env {
                    var: "STAGING_PRIVATE_KEY".into(),
                },
            )])),
            multisig: Some(Spanned::new(0..0, RawMultisig::Off)),
            ..base
        },
        "production" => RawEnvironment {
            chain: spanned("mainnet"),
            fees: RawFees {
                eip1559: Some(true),
                priority_fee_percentile: Some(60.0),
                max_fee_gwei: Some(200.0),
                ..RawFees::default()
            },
            confirmations: Some(2),
            signers: Some(BTreeMap::from([
                (
                    DEPLOYER.to_owned(),
                    RawSigner::Keystore {
                        path: ".slipway/keystores/deployer.json".into(),
                        password_env: Some("SLIPWAY_KEYSTORE_PASSWORD".into()),
                    },
                ),
                (
                    "guardian".to_owned(),
                    RawSigner::Keystore {
                        path: ".slipway/keystores/guardian.json".into(),
                        password_env: Some("SLIPWAY_GUARDIAN_KEYSTORE_PASSWORD".into()),
                    },
                ),
            ])),
            multisig: Some(Spanned::new(0..0, RawMultisig::Required)),
            ..base
        },
        _ => return None,
    })
}

/// Lays the user's values over a preset's: a key the user wrote wins.
pub(crate) fn overlay(preset: RawEnvironment, user: RawEnvironment) -> RawEnvironment {
    let f = user.fees;
    let p = preset.fees;
    // A user who picks a chain replaces the preset's chain (and its RPC).
    let chain_changed = user.chain.is_some() || user.chain_id.is_some();
    RawEnvironment {
        chain: if chain_changed {
            user.chain
        } else {
            preset.chain
        },
        chain_id: if chain_changed {
            user.chain_id
        } else {
            preset.chain_id
        },
        rpc: user.rpc.or(if chain_changed { None } else { preset.rpc }),
        hardfork: user.hardfork.or(preset.hardfork),
        fees: RawFees {
            eip1559: f.eip1559.or(p.eip1559),
            // A tip choice replaces the other kind of tip choice.
            priority_fee_gwei: f
                .priority_fee_gwei
                .or(if f.priority_fee_percentile.is_some() {
                    None
                } else {
                    p.priority_fee_gwei
                }),
            priority_fee_percentile: f.priority_fee_percentile.or(
                if f.priority_fee_gwei.is_some() {
                    None
                } else {
                    p.priority_fee_percentile
                },
            ),
            max_fee_gwei: f.max_fee_gwei.or(p.max_fee_gwei),
            bump_after: f.bump_after.or(p.bump_after),
            bump_percent: f.bump_percent.or(p.bump_percent),
            bump_limit: f.bump_limit.or(p.bump_limit),
        },
        confirmations: user.confirmations.or(preset.confirmations),
        confirm_timeout: user.confirm_timeout.or(preset.confirm_timeout),
        // Signers merge by name: the user's replace the preset's of the same
        // name, the preset's others stay. `signer` is the user's alias of
        // `signers.deployer` (a preset never writes it).
        signer: user.signer,
        signers: match (preset.signers, user.signers) {
            (Some(mut p), Some(u)) => {
                p.extend(u);
                Some(p)
            }
            (p, u) => u.or(p),
        },
        multisig: user.multisig.or(preset.multisig),
        protected: user.protected.or(preset.protected),
        devnet: match (user.devnet, preset.devnet) {
            (Some(u), Some(p)) => Some(RawDevnet {
                chain_id: u.chain_id.or(p.chain_id),
                gas_limit: u.gas_limit.or(p.gas_limit),
                block_time: u.block_time.or(p.block_time),
                accounts: u.accounts.or(p.accounts),
                balance_eth: u.balance_eth.or(p.balance_eth),
                mnemonic: u.mnemonic.or(p.mnemonic),
                state_dir: u.state_dir.or(p.state_dir),
            }),
            (u, p) => u.or(p),
        },
    }
}

/// Resolution context: where values were written and what `${VAR}` means.
pub(crate) struct Resolver<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) vars: &'a Vars,
    pub(crate) name: &'a str,
}

impl Resolver<'_> {
    fn invalid(
        &self,
        span: Option<std::ops::Range<usize>>,
        key: &str,
        message: String,
    ) -> ConfigError {
        ConfigError::Invalid {
            location: self.locate(span, key),
            message,
        }
    }

    fn locate(&self, span: Option<std::ops::Range<usize>>, key: &str) -> Box<crate::Location> {
        // Presets carry the empty span 0..0: they are located by key only.
        let span = span.filter(|s| !s.is_empty());
        let key = if key.is_empty() {
            format!("environments.{}", self.name)
        } else {
            format!("environments.{}.{key}", self.name)
        };
        self.source.locate(span, key)
    }

    fn expand(&self, value: &toml::Spanned<String>, key: &str) -> Result<(String, bool)> {
        expand(value.get_ref(), self.vars).map_err(|e| match e {
            ExpandError::Unset(var) => ConfigError::UnsetVariable {
                location: self.locate(Some(value.span()), key),
                var,
                dotenv: self.vars.dotenv_path().to_owned(),
            },
            ExpandError::Malformed(message) => self.invalid(Some(value.span()), key, message),
        })
    }

    /// `signer` is an alias of `signers.deployer`: writing both is refused.
    pub(crate) fn check_signer_alias(&self, user: &RawEnvironment) -> Result<()> {
        let both = user.signer.is_some()
            && user
                .signers
                .as_ref()
                .is_some_and(|s| s.contains_key(DEPLOYER));
        if both {
            return Err(self.invalid(
                None,
                "signer",
                "`signer` and `signers.deployer` name the same signer: keep one of them".into(),
            ));
        }
        Ok(())
    }

    /// Turns the merged raw environment into an [`Environment`].
    pub(crate) fn resolve(&self, raw: RawEnvironment) -> Result<Environment> {
        let chain_span = raw
            .chain
            .as_ref()
            .map(|c| c.span())
            .or_else(|| raw.chain_id.as_ref().map(|c| c.span()));
        let key = if raw.chain.is_some() {
            "chain"
        } else {
            "chain_id"
        };
        let chain = resolve_chain(
            raw.chain.as_ref().map(|c| c.get_ref().as_str()),
            raw.chain_id.as_ref().map(|c| *c.get_ref()),
        )
        .map_err(|message| self.invalid(chain_span.clone(), key, message))?;

        let target = self.target(&raw)?;
        let chain = match (chain, &target) {
            (Some(chain), Target::Embedded(devnet)) if chain.id != devnet.chain_id => {
                return Err(self.invalid(
                    chain_span,
                    key,
                    format!(
                        "the embedded chain has chain id {}, not {}; set devnet.chain_id to match",
                        devnet.chain_id, chain.id
                    ),
                ));
            }
            (Some(chain), _) => chain,
            (None, Target::Embedded(devnet)) => ChainSpec {
                id: devnet.chain_id,
                name: None,
            },
            (None, Target::Rpc(_)) => {
                return Err(self.invalid(
                    None,
                    "",
                    "no chain given: set chain = \"<name>\" or chain_id = <id>".into(),
                ));
            }
        };

        // Closed by default: only the embedded chain and known testnets are
        // open. Decided from the chain, never from the environment's name.
        let open_by_nature =
            matches!(target, Target::Embedded(_)) || crate::chains::is_known_testnet(chain.id);
        let protected = raw
            .protected
            .as_ref()
            .map_or(!open_by_nature, |p| *p.get_ref());
        let signers = self.signers(&raw, matches!(target, Target::Embedded(_)))?;
        Ok(Environment {
            name: self.name.to_owned(),
            chain,
            target,
            hardfork: raw.hardfork.unwrap_or_default(),
            fees: self.fee_policy(&raw.fees)?,
            confirmations: raw.confirmations.unwrap_or(1),
            confirm_timeout: raw
                .confirm_timeout
                .unwrap_or(std::time::Duration::from_secs(15 * 60)),
            signers,
            multisig: self.multisig(raw.multisig.as_ref())?,
            protected,
            protection_waived: !protected && !open_by_nature,
        })
    }

    /// The named signers: `signer` is folded in as `deployer`. On the
    /// embedded chain a deployer is always there (dev account 0 when none
    /// is named); elsewhere only a written one is, so that using none says
    /// that none is named.
    fn signers(&self, raw: &RawEnvironment, embedded: bool) -> Result<BTreeMap<String, Signer>> {
        let mut written = raw.signers.clone().unwrap_or_default();
        if let Some(deployer) = &raw.signer {
            written.insert(DEPLOYER.to_owned(), deployer.clone());
        }
        if embedded {
            written
                .entry(DEPLOYER.to_owned())
                .or_insert(RawSigner::Dev { index: 0 });
        }
        written
            .into_iter()
            .map(|(name, raw)| Ok((name.clone(), self.signer(&name, raw)?)))
            .collect()
    }

    fn signer(&self, name: &str, raw: RawSigner) -> Result<Signer> {
        if !is_signer_name(name) {
            return Err(self.invalid(
                None,
                &format!("signers.{name}"),
                format!("`{name}` is not a signer name: use letters, digits, `-` and `_`"),
            ));
        }
        Ok(match raw {
            RawSigner::Dev { index } => Signer::Dev { index },
            RawSigner::Env { var } => Signer::Env { var },
            RawSigner::Keystore { path, password_env } => Signer::Keystore { path, password_env },
            RawSigner::External { url, address, api } => {
                let key = format!("signers.{name}.url");
                let (text, from_env) = self.expand(&toml::Spanned::new(0..0, url.clone()), &key)?;
                let shown = if from_env { url } else { text.clone() };
                let parsed = Url::parse(&text).map_err(|e| {
                    self.invalid(None, &key, format!("`{shown}` is not a URL: {e}"))
                })?;
                let loopback = match parsed.host() {
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                    None => false,
                };
                match parsed.scheme() {
                    "https" => {}
                    "http" if loopback => {}
                    "http" => {
                        return Err(self.invalid(
                            None,
                            &key,
                            format!(
                                "an external signer is reached over HTTPS, or plain HTTP on a \
                                 loopback address only (127.0.0.1, ::1, localhost); `{}` is \
                                 neither",
                                RpcUrl::new(parsed.clone(), from_env)
                            ),
                        ));
                    }
                    other => {
                        return Err(self.invalid(
                            None,
                            &key,
                            format!("an external signer's URL is http(s), not `{other}`"),
                        ));
                    }
                }
                Signer::External {
                    url: RpcUrl::new(parsed, from_env),
                    address,
                    api,
                }
            }
        })
    }

    fn target(&self, raw: &RawEnvironment) -> Result<Target> {
        if let Some(rpc) = raw.rpc.as_ref().filter(|r| !r.is_empty()) {
            let mut urls = Vec::with_capacity(rpc.len());
            for (i, entry) in rpc.iter().enumerate() {
                let key = format!("rpc[{i}]");
                let (text, from_env) = self.expand(entry, &key)?;
                let url = Url::parse(&text).map_err(|e| {
                    // The text may hold a secret from the environment: never echo it.
                    let shown = if from_env {
                        entry.get_ref().clone()
                    } else {
                        text.clone()
                    };
                    self.invalid(
                        Some(entry.span()),
                        &key,
                        format!("`{shown}` is not a URL: {e}"),
                    )
                })?;
                if !matches!(url.scheme(), "http" | "https" | "ws" | "wss") {
                    return Err(self.invalid(
                        Some(entry.span()),
                        &key,
                        format!("RPC URLs must be http(s) or ws(s), not `{}`", url.scheme()),
                    ));
                }
                urls.push(RpcUrl::new(url, from_env));
            }
            return Ok(Target::Rpc(urls));
        }
        match &raw.devnet {
            Some(d) => {
                let def = DevnetSettings::default();
                Ok(Target::Embedded(DevnetSettings {
                    chain_id: d
                        .chain_id
                        .or(raw.chain_id.as_ref().map(|c| *c.get_ref()))
                        .unwrap_or(def.chain_id),
                    gas_limit: d.gas_limit.unwrap_or(def.gas_limit),
                    block_time: d.block_time.unwrap_or(def.block_time),
                    accounts: d.accounts.unwrap_or(def.accounts),
                    balance_eth: d.balance_eth.unwrap_or(def.balance_eth),
                    mnemonic: d.mnemonic.clone().unwrap_or(def.mnemonic),
                    state_dir: d.state_dir.clone().unwrap_or(def.state_dir),
                }))
            }
            None => Err(self.invalid(
                None,
                "rpc",
                format!(
                    "environment `{}` has no RPC URLs: add rpc = [\"${{{}_RPC_URL}}\", ...] \
                     (several for failover) and export the variables",
                    self.name,
                    self.name.to_ascii_uppercase().replace('-', "_")
                ),
            )),
        }
    }

    fn multisig(&self, raw: Option<&toml::Spanned<RawMultisig>>) -> Result<Multisig> {
        let Some(raw) = raw else {
            return Ok(Multisig::Off);
        };
        Ok(match raw.get_ref() {
            RawMultisig::Off => Multisig::Off,
            RawMultisig::Required => Multisig::Required,
            RawMultisig::Safe {
                safe,
                threshold,
                owners,
                service,
                service_key,
            } => {
                let spanned = toml::Spanned::new(raw.span(), safe.clone());
                let (text, _) = self.expand(&spanned, "multisig.safe")?;
                let address = text.trim().parse::<Address>().map_err(|_| {
                    self.invalid(
                        Some(raw.span()),
                        "multisig.safe",
                        format!("`{text}` is not an address: expected 0x and 40 hex digits"),
                    )
                })?;
                let service = match service {
                    None => None,
                    Some(url) => {
                        let (url, _) = self.expand(
                            &toml::Spanned::new(raw.span(), url.clone()),
                            "multisig.service",
                        )?;
                        let url = url.trim().trim_end_matches('/').to_owned();
                        if !(url.starts_with("https://") || url.starts_with("http://")) {
                            return Err(self.invalid(
                                Some(raw.span()),
                                "multisig.service",
                                format!(
                                    "`{url}` is not a URL: the Safe Transaction Service's base URL, e.g. https://safe-transaction-mainnet.safe.global"
                                ),
                            ));
                        }
                        let api_key = match service_key {
                            Some(key) => Some(crate::Secret::new(
                                self.expand(
                                    &toml::Spanned::new(raw.span(), key.clone()),
                                    "multisig.service_key",
                                )?
                                .0,
                            )),
                            None => None,
                        };
                        Some(TxService { url, api_key })
                    }
                };
                Multisig::Safe {
                    address,
                    threshold: *threshold,
                    owners: owners.clone(),
                    service,
                }
            }
        })
    }
}

impl Resolver<'_> {
    fn fee_policy(&self, f: &RawFees) -> Result<FeePolicy> {
        let priority_fee = match (f.priority_fee_percentile, f.priority_fee_gwei) {
            (Some(_), Some(_)) => {
                return Err(self.invalid(
                    None,
                    "fees",
                    "set either priority_fee_gwei or priority_fee_percentile, not both".into(),
                ));
            }
            (Some(p), None) => PriorityFee::Percentile(p),
            (None, Some(g)) => PriorityFee::Fixed(gwei_to_wei(g)),
            (None, None) => PriorityFee::Fixed(gwei_to_wei(1.0)),
        };
        Ok(FeePolicy {
            eip1559: f.eip1559.unwrap_or(true),
            priority_fee,
            max_fee_cap: f.max_fee_gwei.map(gwei_to_wei),
            bump_after: f.bump_after.unwrap_or(Duration::from_secs(60)),
            bump_percent: f.bump_percent.unwrap_or(15),
            bump_limit: f.bump_limit.unwrap_or(5),
        })
    }
}
