//! The shape of `slipway.toml` exactly as written: every field optional so a
//! file names only what differs from the defaults and presets.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use serde::{Deserialize, Deserializer, de};
use toml::Spanned;

use crate::{
    AnalyzeConfig, CompilerConfig, FuzzConfig, Gates, Hardfork, InvariantConfig, LintConfig,
    MonitorConfig, OpsMapping, ProjectConfig, RolesPolicy, TestConfig, environment::ExternalApi,
};

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawFile {
    pub(crate) project: ProjectConfig,
    pub(crate) compiler: CompilerConfig,
    pub(crate) environments: BTreeMap<String, RawEnvironment>,
    pub(crate) gates: Gates,
    pub(crate) monitor: MonitorConfig,
    pub(crate) fuzz: FuzzConfig,
    pub(crate) invariant: InvariantConfig,
    pub(crate) test: TestConfig,
    pub(crate) analyze: AnalyzeConfig,
    pub(crate) lint: LintConfig,
    pub(crate) ops: BTreeMap<String, OpsMapping>,
    pub(crate) roles: RolesPolicy,
}

/// `[environments.<name>]` as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawEnvironment {
    pub(crate) chain: Option<Spanned<String>>,
    pub(crate) chain_id: Option<Spanned<u64>>,
    pub(crate) rpc: Option<Vec<Spanned<String>>>,
    pub(crate) hardfork: Option<Hardfork>,
    pub(crate) fees: RawFees,
    pub(crate) confirmations: Option<u64>,
    /// How long to wait for inclusion and confirmations before giving up.
    #[serde(with = "humantime_serde")]
    pub(crate) confirm_timeout: Option<Duration>,
    /// The deployer's signer: an alias of `signers.deployer`.
    pub(crate) signer: Option<RawSigner>,
    /// Signers by role: `deployer`, `guardian`, or any name the project picks.
    pub(crate) signers: Option<BTreeMap<String, RawSigner>>,
    pub(crate) multisig: Option<Spanned<RawMultisig>>,
    /// Whether sending needs confirmation and refuses plain keys; closed
    /// unless the chain is the embedded one or a known testnet.
    pub(crate) protected: Option<Spanned<bool>>,
    pub(crate) devnet: Option<RawDevnet>,
}

/// A signer as written: `{ kind = "dev" | "env" | "keystore" | "external", … }`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) enum RawSigner {
    Dev {
        #[serde(default)]
        index: u32,
    },
    Env {
        var: String,
    },
    Keystore {
        path: PathBuf,
        #[serde(default)]
        password_env: Option<String>,
    },
    External {
        /// May hold `${VAR}`: a signer's URL can carry a token.
        url: String,
        address: alloy_primitives::Address,
        #[serde(default)]
        api: ExternalApi,
    },
}

/// `[environments.<name>.fees]` as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawFees {
    pub(crate) eip1559: Option<bool>,
    #[serde(deserialize_with = "gwei")]
    pub(crate) priority_fee_gwei: Option<f64>,
    #[serde(deserialize_with = "percentile")]
    pub(crate) priority_fee_percentile: Option<f64>,
    #[serde(deserialize_with = "gwei")]
    pub(crate) max_fee_gwei: Option<f64>,
    #[serde(with = "humantime_serde")]
    pub(crate) bump_after: Option<Duration>,
    #[serde(deserialize_with = "bump_percent")]
    pub(crate) bump_percent: Option<u32>,
    pub(crate) bump_limit: Option<u32>,
}

/// `[environments.<name>.devnet]`: settings of the embedded chain.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawDevnet {
    pub(crate) chain_id: Option<u64>,
    pub(crate) gas_limit: Option<u64>,
    #[serde(with = "humantime_serde")]
    pub(crate) block_time: Option<Duration>,
    pub(crate) accounts: Option<u32>,
    pub(crate) balance_eth: Option<u64>,
    pub(crate) mnemonic: Option<String>,
    pub(crate) state_dir: Option<PathBuf>,
}

/// `multisig = false | true | { safe = "0x…", threshold = N }`.
#[derive(Clone, Debug)]
pub(crate) enum RawMultisig {
    Off,
    Required,
    Safe {
        safe: String,
        threshold: u32,
        owners: Vec<alloy_primitives::Address>,
        service: Option<String>,
        service_key: Option<String>,
    },
}

impl<'de> Deserialize<'de> for RawMultisig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            safe: String,
            threshold: u32,
            #[serde(default)]
            owners: Vec<alloy_primitives::Address>,
            #[serde(default)]
            service: Option<String>,
            #[serde(default)]
            service_key: Option<String>,
        }
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = RawMultisig;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "false, true, or a table { safe = \"0x…\", threshold = N, owners = [\"0x…\", …] }",
                )
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawMultisig, E> {
                Ok(if v {
                    RawMultisig::Required
                } else {
                    RawMultisig::Off
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawMultisig, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if t.threshold == 0 {
                    return Err(de::Error::custom("multisig threshold must be at least 1"));
                }
                if !t.owners.is_empty() && t.owners.len() < t.threshold as usize {
                    return Err(de::Error::custom(format!(
                        "multisig threshold {} is more than its {} listed owners",
                        t.threshold,
                        t.owners.len()
                    )));
                }
                Ok(RawMultisig::Safe {
                    safe: t.safe,
                    threshold: t.threshold,
                    owners: t.owners,
                    service: t.service,
                    service_key: t.service_key,
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

fn gwei<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v >= 0.0 {
        Ok(Some(v))
    } else {
        Err(de::Error::custom(format!(
            "{v} is not a fee: expected gwei, a number ≥ 0"
        )))
    }
}

fn percentile<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    crate::gates::percent(d).map(Some)
}

fn bump_percent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = u32::deserialize(d)?;
    if v >= 10 {
        Ok(Some(v))
    } else {
        Err(de::Error::custom(format!(
            "bump_percent {v} is too low: nodes refuse a replacement under 10% higher fees"
        )))
    }
}
