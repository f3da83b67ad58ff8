//! Records of what is Safe's and not the project's: a Safe (`safe-<address>`)
//! and, on a development chain where slipway put them, Safe's own contracts
//! (`safe-<version>-<Contract>`), in `deployments/<env>/`. They carry the
//! npm package and version their code comes from in place of a build's
//! bytecode hash, and `slipway verify` checks them against that package's
//! published code hashes (`check_package_record`).

use std::path::PathBuf;

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, B256, keccak256};
use slipway_chain::{
    ChainClient,
    safe::{SafeError, SafeRelease, SafeState},
};
use slipway_config::{Config, Environment};
use slipway_contracts::DeploymentRecord;

use super::SafeUseError;
use crate::verify::CodeCheck;

/// The record name of the Safe at `address`.
pub fn safe_record_name(address: Address) -> String {
    format!("safe-{address}")
}

/// What every record of one `safe create` shares.
struct Origin<'a> {
    env: &'a Environment,
    genesis: B256,
    deployer: Address,
    package: &'a str,
}

impl Origin<'_> {
    /// The record of `contract` at `address`, whose code is `code` and
    /// whose published code hash is `published`.
    fn record(
        &self,
        name: String,
        contract: &str,
        address: Address,
        published: B256,
        code: &[u8],
    ) -> DeploymentRecord {
        DeploymentRecord {
            name,
            contract: contract.to_owned(),
            address,
            chain_id: self.env.chain.id,
            genesis: Some(self.genesis),
            plan: "safe create".into(),
            transaction_hash: None,
            block: None,
            deployer: self.deployer,
            bytecode_hash: published,
            deployed_bytecode_hash: keccak256(code),
            constructor_args: Default::default(),
            args: Vec::new(),
            salt: None,
            libraries: Default::default(),
            abi: JsonAbi::default(),
            package: Some(self.package.to_owned()),
            proxy: None,
        }
    }
}

/// Writes the records of a Safe just created, and of the release's
/// contracts where slipway deployed them (an unprotected environment).
pub(super) async fn write_safe_records(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    release: &SafeRelease,
    state: &SafeState,
    deployer: Address,
) -> Result<Vec<PathBuf>, SafeUseError> {
    let origin = Origin {
        env,
        genesis: client.genesis_hash().await.map_err(SafeError::from)?,
        deployer,
        package: &release.package,
    };
    let mut written = Vec::new();
    let mut write = |record: DeploymentRecord| -> Result<(), SafeUseError> {
        written.push(
            record
                .write(&config.root, &env.name)
                .map_err(|e| SafeUseError::BadSetup(e.to_string()))?,
        );
        Ok(())
    };
    if !env.protected {
        for contract in &release.contracts {
            let code = client
                .code(contract.address)
                .await
                .map_err(SafeError::from)?;
            write(origin.record(
                format!("safe-{}-{}", release.version, contract.name),
                contract.name,
                contract.address,
                contract.code_hash,
                &code,
            ))?;
        }
    }
    let code = client.code(state.address).await.map_err(SafeError::from)?;
    write(origin.record(
        safe_record_name(state.address),
        "SafeProxy",
        state.address,
        keccak256(&release.proxy_code),
        &code,
    ))?;
    Ok(written)
}

/// `slipway verify` on a record of Safe's: the code at its address against
/// the published code hash of the package it names (a Safe: the proxy's
/// code, delegating to that release's Safe or SafeL2).
pub async fn check_package_record(
    config: &Config,
    client: &ChainClient,
    record: &DeploymentRecord,
    package: &str,
) -> Result<CodeCheck, SafeUseError> {
    let version = package.rsplit('@').next().unwrap_or_default();
    let release = SafeRelease::load(&config.root.join("node_modules"), version)?;
    let code = client.code(record.address).await.map_err(SafeError::from)?;
    let actual = keccak256(&code);
    let mismatch = |reason: String| Ok(CodeCheck::Mismatch { reason });
    if record.contract == "SafeProxy" {
        if actual != keccak256(&release.proxy_code) {
            return mismatch(format!(
                "the code at {} is not a Safe proxy of {package} (code hash {actual})",
                record.address
            ));
        }
        let state = slipway_chain::safe::read_state(client, record.address).await?;
        let singletons: Vec<Address> = ["Safe", "SafeL2"]
            .iter()
            .filter_map(|n| release.contract(n).map(|c| c.address))
            .collect();
        return match state.singleton {
            Some(singleton) if singletons.contains(&singleton) => Ok(CodeCheck::Match {
                set_aside: vec![format!("Safe's own code from {package}")],
            }),
            other => mismatch(format!(
                "the Safe delegates to {}, not to {package}'s Safe or SafeL2",
                other.map_or("nothing".to_owned(), |a| a.to_string())
            )),
        };
    }
    match release.contract(&record.contract) {
        Some(contract) if contract.code_hash == actual => Ok(CodeCheck::Match {
            set_aside: vec![format!("Safe's own code from {package}")],
        }),
        Some(contract) => mismatch(format!(
            "code hash {actual}, not {package}'s published {}",
            contract.code_hash
        )),
        None => mismatch(format!("{package} has no contract {}", record.contract)),
    }
}
