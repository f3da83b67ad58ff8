//! A Foundry project's settings: each foundry.toml key (or forge's
//! default) put where slipway keeps it, unless `slipway.toml` sets that key
//! itself, and where every value came from. The README's table lists the
//! same pairs as [`MAPPED`].

use std::{collections::BTreeMap, path::PathBuf};

use alloy_primitives::U256;
use serde::de::DeserializeOwned;
use toml::{Table, Value};

use crate::{
    ConfigError, FsPermission, Hardfork, Result, TestConfig,
    foundry::{FoundryFile, Origin},
    raw::RawFile,
    source::SourceFile,
};

/// Every foundry.toml key slipway reads, and the `slipway.toml` key it
/// becomes.
pub const MAPPED: &[(&str, &str)] = &[
    ("src", "project.src"),
    ("test", "project.test"),
    ("script", "project.script"),
    ("libs", "project.libs"),
    ("remappings", "project.remappings"),
    ("solc / solc_version", "compiler.version"),
    ("auto_detect_solc", "compiler.auto_detect"),
    ("optimizer", "compiler.optimizer"),
    ("optimizer_runs", "compiler.optimizer_runs"),
    ("via_ir", "compiler.via_ir"),
    ("evm_version", "compiler.evm_version"),
    ("bytecode_hash", "compiler.bytecode_hash"),
    ("cbor_metadata", "compiler.cbor_metadata"),
    ("fuzz.runs", "fuzz.runs"),
    ("fuzz.seed", "fuzz.seed"),
    ("fuzz.max_test_rejects", "fuzz.max_test_rejects"),
    ("invariant.runs", "invariant.runs"),
    ("invariant.depth", "invariant.depth"),
    ("invariant.fail_on_revert", "invariant.fail_on_revert"),
    ("sender", "test.sender"),
    ("tx_origin", "test.tx_origin"),
    ("initial_balance", "test.initial_balance"),
    ("block_number", "test.block_number"),
    ("block_timestamp", "test.block_timestamp"),
    ("gas_limit", "test.gas_limit"),
    ("chain_id", "test.chain_id"),
    ("block_base_fee_per_gas", "test.block_base_fee_per_gas"),
    (
        "allow_internal_expect_revert",
        "test.allow_internal_expect_revert",
    ),
    ("fs_permissions", "test.fs_permissions"),
    ("ffi", "test.ffi"),
    ("rpc_endpoints", "test.rpc_endpoints"),
    ("gas_reports", "test.gas_reports"),
];

/// foundry.toml keys slipway reads but deliberately does not follow, and why.
const SET_ASIDE: &[(&str, &str)] = &[
    (
        "out",
        "slipway writes its artifacts under .slipway/out and leaves forge's out/ alone",
    ),
    ("cache_path", "slipway keeps its cache under .slipway/cache"),
    ("cache", "slipway's build cache is always on"),
    ("offline", "see --offline / SLIPWAY_OFFLINE"),
    (
        "memory_limit",
        "not enforced: slipway's EVM has no per-call memory cap",
    ),
    (
        "auto_detect_remappings",
        "slipway always detects lib/ remappings",
    ),
];

/// Keys that change a build or a test's result, which slipway does not
/// follow: each is warned about.
const RESULT_CHANGING: &[&str] = &[
    "optimizer_details",
    "model_checker",
    "revert_strings",
    "libraries",
    "deny_warnings",
    "deny",
    "isolate",
    "gas_price",
    "block_coinbase",
    "block_difficulty",
    "block_prevrandao",
    "block_gas_limit",
    "code_size_limit",
    "disable_block_gas_limit",
    "enable_tx_gas_limit",
    "assertions_revert",
    "legacy_assertions",
    "always_use_create_2_factory",
    "create2_deployer",
    "additional_compiler_profiles",
    "compilation_restrictions",
    "hardfork",
    "use_literal_content",
    "via-ir",
    "extra_output",
];

/// What `slipway config` shows of a configuration's sources.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Provenance {
    /// The foundry.toml profile read, in a Foundry project.
    pub foundry_profile: Option<String>,
    /// Each setting (slipway key) and where its value came from.
    pub origins: BTreeMap<String, Origin>,
    /// foundry.toml keys slipway does not use, each with why.
    pub unused: BTreeMap<String, String>,
    /// Warnings: keys that would change a build or test and are not followed.
    pub warnings: Vec<String>,
}

/// Applies `foundry` to `raw` under `slipway` (the parsed slipway.toml, whose
/// keys win), recording origins.
pub(crate) fn apply(
    raw: &mut RawFile,
    slipway: &Table,
    foundry: &FoundryFile,
    provenance: &mut Provenance,
) -> Result<()> {
    let source = SourceFile::new(foundry.path.clone(), String::new());
    let mut m = Mapper {
        slipway,
        foundry,
        source: &source,
        provenance,
    };
    m.provenance.foundry_profile = Some(foundry.profile.clone());
    let test_defaults = TestConfig::forge_defaults();

    m.set(
        "project.src",
        &["src"],
        &mut raw.project.src,
        PathBuf::from("src"),
    )?;
    m.set(
        "project.test",
        &["test"],
        &mut raw.project.test,
        PathBuf::from("test"),
    )?;
    m.set(
        "project.script",
        &["script"],
        &mut raw.project.script,
        PathBuf::from("script"),
    )?;
    // forge's default: whichever of lib/ and node_modules/ exist, else lib/.
    let root = foundry.path.parent().unwrap_or(std::path::Path::new("."));
    let mut default_libs: Vec<PathBuf> = ["lib", "node_modules"]
        .into_iter()
        .filter(|d| root.join(d).is_dir())
        .map(PathBuf::from)
        .collect();
    if default_libs.is_empty() {
        default_libs.push(PathBuf::from("lib"));
    }
    m.set(
        "project.libs",
        &["libs"],
        &mut raw.project.libs,
        default_libs,
    )?;
    m.set(
        "project.out",
        &[],
        &mut raw.project.out,
        PathBuf::from(".slipway/out"),
    )?;
    let mut remappings: Vec<String> = Vec::new();
    m.set(
        "project.remappings",
        &["remappings"],
        &mut remappings,
        Vec::new(),
    )?;
    if !m.given("project.remappings") {
        raw.project.remappings = remappings;
    }

    // The compiler: forge picks the version from pragmas unless pinned.
    let mut pinned: Option<String> = None;
    m.set(
        "compiler.version",
        &["solc", "solc_version"],
        &mut pinned,
        None,
    )?;
    if !m.given("compiler.version") && !m.given("compiler.solc") {
        match pinned.as_deref() {
            // forge's `solc` is a version or a path to a compiler.
            Some(text) if text.contains('/') => {
                raw.compiler.path = Some(PathBuf::from(text));
                raw.compiler.auto_detect = true;
            }
            Some(text) => {
                let text = text.trim_start_matches('v');
                raw.compiler.version = semver::Version::parse(text).map_err(|e| {
                    m.invalid(
                        "solc",
                        format!("`{text}` is not a solc version or a path: {e}"),
                    )
                })?;
            }
            None => raw.compiler.auto_detect = true,
        }
    }
    let (optimizer, runs): (Option<bool>, Option<u32>) =
        (m.forge("optimizer")?, m.forge("optimizer_runs")?);
    // forge's normalisation: runs alone turn the optimizer on (when > 0).
    let optimizer = match (optimizer, runs) {
        (Some(on), _) => on,
        (None, Some(runs)) => runs > 0,
        (None, None) => false,
    };
    m.set_value(
        "compiler.optimizer",
        &["optimizer", "optimizer_runs"],
        &mut raw.compiler.optimizer,
        optimizer,
    );
    m.set(
        "compiler.optimizer_runs",
        &["optimizer_runs"],
        &mut raw.compiler.optimizer_runs,
        200,
    )?;
    m.set(
        "compiler.via_ir",
        &["via_ir"],
        &mut raw.compiler.via_ir,
        false,
    )?;
    let mut evm: Option<Hardfork> = None;
    m.set("compiler.evm_version", &["evm_version"], &mut evm, None)?;
    if !m.given("compiler.evm_version") {
        match evm {
            Some(v) => raw.compiler.evm_version = Some(v),
            None => {
                raw.compiler.evm_version = Some(Hardfork::Osaka);
                raw.compiler.clamp_evm_version = true;
            }
        }
    }
    m.set(
        "compiler.bytecode_hash",
        &["bytecode_hash"],
        &mut raw.compiler.bytecode_hash,
        None,
    )?;
    m.set(
        "compiler.cbor_metadata",
        &["cbor_metadata"],
        &mut raw.compiler.cbor_metadata,
        None,
    )?;

    m.set("fuzz.runs", &["fuzz.runs"], &mut raw.fuzz.runs, 256)?;
    let mut seed: Option<String> = None;
    m.set("fuzz.seed", &["fuzz.seed"], &mut seed, None)?;
    if let (false, Some(text)) = (m.given("fuzz.seed"), seed) {
        let value: U256 = text
            .parse()
            .map_err(|e| m.invalid("fuzz.seed", format!("`{text}` is not a seed: {e}")))?;
        raw.fuzz.seed = Some(value.as_limbs()[0]);
    }
    m.set(
        "fuzz.max_test_rejects",
        &["fuzz.max_test_rejects"],
        &mut raw.fuzz.max_test_rejects,
        65_536,
    )?;
    m.set(
        "invariant.runs",
        &["invariant.runs"],
        &mut raw.invariant.runs,
        256,
    )?;
    m.set(
        "invariant.depth",
        &["invariant.depth"],
        &mut raw.invariant.depth,
        500,
    )?;
    m.set(
        "invariant.fail_on_revert",
        &["invariant.fail_on_revert"],
        &mut raw.invariant.fail_on_revert,
        false,
    )?;

    let t = &mut raw.test;
    let d = test_defaults;
    m.set("test.sender", &["sender"], &mut t.sender, d.sender)?;
    m.set(
        "test.tx_origin",
        &["tx_origin"],
        &mut t.tx_origin,
        d.tx_origin,
    )?;
    m.set(
        "test.initial_balance",
        &["initial_balance"],
        &mut t.initial_balance,
        d.initial_balance,
    )?;
    m.set_number(
        "test.block_number",
        "block_number",
        &mut t.block_number,
        d.block_number,
    )?;
    m.set_number(
        "test.block_timestamp",
        "block_timestamp",
        &mut t.block_timestamp,
        d.block_timestamp,
    )?;
    m.set_number("test.gas_limit", "gas_limit", &mut t.gas_limit, d.gas_limit)?;
    m.set_number("test.chain_id", "chain_id", &mut t.chain_id, d.chain_id)?;
    m.set_number(
        "test.block_base_fee_per_gas",
        "block_base_fee_per_gas",
        &mut t.block_base_fee_per_gas,
        d.block_base_fee_per_gas,
    )?;
    m.set(
        "test.allow_internal_expect_revert",
        &["allow_internal_expect_revert"],
        &mut t.allow_internal_expect_revert,
        false,
    )?;
    let mut permissions: Vec<FsPermission> = Vec::new();
    m.set(
        "test.fs_permissions",
        &["fs_permissions"],
        &mut permissions,
        d.fs_permissions,
    )?;
    if !m.given("test.fs_permissions") {
        t.fs_permissions = permissions;
    }
    m.set("test.ffi", &["ffi"], &mut t.ffi, false)?;
    m.set(
        "test.rpc_endpoints",
        &["rpc_endpoints"],
        &mut t.rpc_endpoints,
        BTreeMap::new(),
    )?;
    m.set(
        "test.gas_reports",
        &["gas_reports"],
        &mut t.gas_reports,
        d.gas_reports,
    )?;

    if raw.test.tx_origin != raw.test.sender {
        provenance.warnings.push(format!(
            "{}: a `tx_origin` other than `sender` is not followed yet: tests see tx.origin = sender ({})",
            foundry.path.display(),
            raw.test.sender
        ));
    }
    classify(foundry, provenance);
    Ok(())
}

/// Puts every key that no entry of [`MAPPED`] reads into `unused`, warning
/// about those that change results.
fn classify(foundry: &FoundryFile, provenance: &mut Provenance) {
    let read: Vec<&str> = MAPPED
        .iter()
        .flat_map(|(forge, _)| forge.split(" / "))
        .chain(["solc_version"])
        .collect();
    for key in foundry.keys() {
        if read.contains(&key) {
            continue;
        }
        if let Some((_, why)) = SET_ASIDE.iter().find(|(k, _)| *k == key) {
            provenance.unused.insert(key.to_owned(), (*why).to_owned());
            continue;
        }
        let changes_results = RESULT_CHANGING.contains(&key)
            || key.starts_with("fuzz.")
            || key.starts_with("invariant.");
        if changes_results {
            provenance.warnings.push(format!(
                "{}: `{key}` is not understood by slipway, and would change a build or a test result under forge",
                foundry.path.display()
            ));
            provenance.unused.insert(
                key.to_owned(),
                "not understood: results may differ from forge's".into(),
            );
        } else {
            provenance.unused.insert(
                key.to_owned(),
                "no bearing on slipway's builds and tests".into(),
            );
        }
    }
}

struct Mapper<'a> {
    slipway: &'a Table,
    foundry: &'a FoundryFile,
    source: &'a SourceFile,
    provenance: &'a mut Provenance,
}

impl Mapper<'_> {
    /// Whether slipway.toml sets the dotted key.
    fn given(&self, key: &str) -> bool {
        sets(self.slipway, key)
    }

    fn invalid(&self, key: &str, message: String) -> ConfigError {
        ConfigError::Invalid {
            location: self.source.locate(None, key),
            message,
        }
    }

    /// A forge key's value, typed.
    fn forge<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let Some((value, origin)) = self.foundry.get(key) else {
            return Ok(None);
        };
        value
            .clone()
            .try_into()
            .map(Some)
            .map_err(|e: toml::de::Error| {
                self.invalid(key, format!("{} (from {origin})", e.message().trim()))
            })
    }

    /// Sets `field` from the first of `forge_keys` set, else forge's
    /// `default`, unless slipway.toml gives `slipway_key`.
    fn set<T: DeserializeOwned>(
        &mut self,
        slipway_key: &str,
        forge_keys: &[&str],
        field: &mut T,
        default: T,
    ) -> Result<()> {
        if self.given(slipway_key) {
            self.provenance
                .origins
                .insert(slipway_key.to_owned(), Origin::SlipwayToml);
            return Ok(());
        }
        for key in forge_keys {
            if let Some(value) = self.forge(key)? {
                *field = value;
                let origin = self.foundry.get(key).map(|(_, o)| o.clone());
                self.provenance.origins.insert(
                    slipway_key.to_owned(),
                    origin.unwrap_or(Origin::ForgeDefault),
                );
                return Ok(());
            }
        }
        *field = default;
        self.provenance
            .origins
            .insert(slipway_key.to_owned(), Origin::ForgeDefault);
        Ok(())
    }

    /// `set` for a u64 key, which forge also takes as a string (decimal,
    /// `0x` hex, or `max`) since TOML's integers stop at 2^63.
    fn set_number(
        &mut self,
        slipway_key: &str,
        forge_key: &str,
        field: &mut u64,
        default: u64,
    ) -> Result<()> {
        let mut text: Option<Value> = None;
        self.set(slipway_key, &[forge_key], &mut text, None)?;
        if self.given(slipway_key) {
            return Ok(());
        }
        *field = match text {
            None => default,
            Some(Value::Integer(n)) => {
                u64::try_from(n).map_err(|_| self.invalid(forge_key, format!("{n} is negative")))?
            }
            Some(Value::String(s)) if s == "max" => u64::MAX,
            Some(Value::String(s)) => s
                .parse::<U256>()
                .ok()
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| {
                    self.invalid(forge_key, format!("`{s}` is not a number below 2^64"))
                })?,
            Some(other) => {
                return Err(self.invalid(forge_key, format!("{other} is not a number")));
            }
        };
        Ok(())
    }

    /// Sets `field` to a value derived from `forge_keys` (already read).
    fn set_value<T>(&mut self, slipway_key: &str, forge_keys: &[&str], field: &mut T, value: T) {
        let origin = if self.given(slipway_key) {
            Origin::SlipwayToml
        } else {
            *field = value;
            forge_keys
                .iter()
                .find_map(|k| self.foundry.get(k).map(|(_, o)| o.clone()))
                .unwrap_or(Origin::ForgeDefault)
        };
        self.provenance
            .origins
            .insert(slipway_key.to_owned(), origin);
    }
}

/// Origins of a slipway-only project: each key slipway.toml sets, the rest
/// slipway's defaults.
pub(crate) fn slipway_origins(slipway: &Table, provenance: &mut Provenance) {
    for (_, key) in MAPPED {
        let origin = if sets(slipway, key) {
            Origin::SlipwayToml
        } else {
            Origin::SlipwayDefault
        };
        provenance.origins.insert((*key).to_owned(), origin);
    }
}

/// Whether `table` sets the dotted key.
fn sets(table: &Table, key: &str) -> bool {
    let mut table = table;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        match table.get(part) {
            Some(Value::Table(t)) if parts.peek().is_some() => table = t,
            Some(_) if parts.peek().is_none() => return true,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::{Config, Hardfork, Origin};

    fn project(foundry: &str, slipway: Option<&str>) -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("foundry.toml"), foundry).expect("write");
        if let Some(text) = slipway {
            std::fs::write(dir.path().join("slipway.toml"), text).expect("write");
        }
        let config = Config::load(dir.path()).expect("load");
        (dir, config)
    }

    #[test]
    fn a_bare_foundry_project_gets_forge_defaults() {
        let (_dir, c) = project("[profile.default]\n", None);
        assert!(c.is_foundry() && c.has_project_file());
        assert_eq!(c.project.src, std::path::Path::new("src"));
        assert_eq!(c.project.test, std::path::Path::new("test"));
        assert_eq!(c.project.libs, vec![std::path::PathBuf::from("lib")]);
        assert!(c.project.out.starts_with(".slipway"), "never forge's out/");
        assert!(!c.compiler.optimizer, "forge's optimizer is off by default");
        assert!(c.compiler.auto_detect, "no solc pinned: from pragmas");
        assert_eq!(c.compiler.evm_version, Some(Hardfork::Osaka));
        assert!(c.compiler.clamp_evm_version);
        assert_eq!(c.invariant.depth, 500);
        assert_eq!(c.test.gas_limit, 1 << 30);
        assert_eq!(
            c.provenance.origins["compiler.optimizer"],
            Origin::ForgeDefault
        );
    }

    #[test]
    fn libraries_default_to_what_exists_as_in_forge() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("foundry.toml"), "[profile.default]\n").expect("write");
        std::fs::create_dir(dir.path().join("node_modules")).expect("mkdir");
        let c = Config::load(dir.path()).expect("load");
        assert_eq!(
            c.project.libs,
            vec![std::path::PathBuf::from("node_modules")]
        );
        std::fs::create_dir(dir.path().join("lib")).expect("mkdir");
        let c = Config::load(dir.path()).expect("load");
        assert_eq!(
            c.project.libs,
            vec![
                std::path::PathBuf::from("lib"),
                std::path::PathBuf::from("node_modules")
            ]
        );
    }

    #[test]
    fn optimizer_runs_alone_turn_the_optimizer_on() {
        let (_dir, c) = project(
            "[profile.default]\noptimizer_runs = 1000\nsolc = \"0.8.15\"\n",
            None,
        );
        assert!(c.compiler.optimizer);
        assert_eq!(c.compiler.optimizer_runs, 1000);
        assert!(!c.compiler.auto_detect);
        assert_eq!(c.compiler.version, semver::Version::new(0, 8, 15));
        let (_dir, c) = project("[profile.default]\noptimizer_runs = 0\n", None);
        assert!(!c.compiler.optimizer, "0 runs leave it off");
        let (_dir, c) = project("[profile.default]\noptimizer = true\n", None);
        assert!(c.compiler.optimizer);
        assert_eq!(c.compiler.optimizer_runs, 200);
    }

    #[test]
    fn slipway_toml_wins_key_by_key() {
        let (_dir, c) = project(
            "[profile.default]\nsrc = \"contracts\"\noptimizer = true\n[fuzz]\nruns = 99\n",
            Some("[compiler]\noptimizer = false\n[fuzz]\nseed = 3\n"),
        );
        assert_eq!(c.project.src, std::path::Path::new("contracts"));
        assert!(!c.compiler.optimizer, "slipway.toml's");
        assert_eq!(c.fuzz.runs, 99, "foundry.toml's");
        assert_eq!(c.fuzz.seed, Some(3));
        assert_eq!(
            c.provenance.origins["compiler.optimizer"],
            Origin::SlipwayToml
        );
        assert_eq!(
            c.provenance.origins["fuzz.runs"],
            Origin::FoundryToml("default".into())
        );
    }

    #[test]
    fn the_test_world_and_permissions_are_read() {
        let (_dir, c) = project(
            r#"[profile.default]
sender = "0x00000000000000000000000000000000000000aa"
block_timestamp = 1700000000
gas_limit = "18446744073709551615"
allow_internal_expect_revert = true
fs_permissions = [{ access = "read", path = "./data" }]
evm_version = "cancun"
optimizer_details = { yul = false }
verbosity = 3
[rpc_endpoints]
mainnet = "https://example.invalid"
"#,
            None,
        );
        assert_eq!(
            c.test.sender,
            alloy_primitives::address!("00000000000000000000000000000000000000aa")
        );
        assert_eq!(c.test.block_timestamp, 1_700_000_000);
        assert_eq!(c.test.gas_limit, u64::MAX);
        assert!(c.test.allow_internal_expect_revert);
        assert_eq!(c.test.fs_permissions.len(), 1);
        assert_eq!(c.compiler.evm_version, Some(Hardfork::Cancun));
        assert!(!c.compiler.clamp_evm_version);
        assert_eq!(c.test.rpc_endpoints["mainnet"], "https://example.invalid");
        assert!(
            c.provenance
                .warnings
                .iter()
                .any(|w| w.contains("optimizer_details"))
        );
        assert!(
            !c.provenance
                .warnings
                .iter()
                .any(|w| w.contains("verbosity"))
        );
        assert!(c.provenance.unused.contains_key("verbosity"));
        let (_dir, c) = project(
            "[profile.default]\ntx_origin = \"0x00000000000000000000000000000000000000bb\"\n",
            None,
        );
        assert!(
            c.provenance
                .warnings
                .iter()
                .any(|w| w.contains("tx_origin"))
        );
    }

    #[test]
    fn a_bad_value_names_the_key_and_its_origin() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("foundry.toml"),
            "[profile.default]\noptimizer_runs = \"many\"\n",
        )
        .expect("write");
        let err = Config::load(dir.path()).expect_err("bad runs");
        let text = err.to_string();
        assert!(
            text.contains("optimizer_runs") && text.contains("foundry.toml"),
            "{text}"
        );
    }
}
