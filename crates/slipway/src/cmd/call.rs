//! `slipway call` and `slipway send`: a function of a contract on an
//! environment's chain, read or sent through the chain layer.

use std::process::ExitCode;

use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{Address, Bytes, U256, hex};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use slipway_chain::{
    ChainSigner, Lifecycle, NonceTracker, ProviderError, TxError, TxEvent, TxRequest,
    resolve_signer,
};
use slipway_contracts::{ChainIdentity, Decoder, DeploymentRecord};

use super::{CHECK_FAILED, GlobalOpts};
use crate::session::{ask_password, connect, runtime};

/// What both commands take.
#[derive(Debug, Args)]
pub(crate) struct Target {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The contract: an address, or the name of a deployment record of the
    /// environment (`slipway deployments`).
    to: String,
    /// The function: `name(types)`, optionally with outputs as cast writes
    /// them, `balanceOf(address)(uint256)`, or `function f(…) returns (…)`.
    signature: String,
    /// Its arguments, as Solidity would write them.
    args: Vec<String>,
}

/// Call a function without sending a transaction (eth_call); print its result.
#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    #[command(flatten)]
    target: Target,
}

/// Send a transaction calling a function; follow it to its confirmations.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(flatten)]
    target: Target,
    /// Wei to send with it.
    #[arg(long, default_value = "0")]
    value: U256,
}

/// `name(ins)(outs)` (cast) or a human-readable signature.
fn parse_signature(text: &str) -> Result<Function> {
    let text = text.trim();
    let human = match text.find(")(") {
        Some(split) if !text.starts_with("function ") => {
            format!(
                "function {} returns ({}",
                &text[..=split],
                &text[split + 2..]
            )
        }
        _ if text.starts_with("function ") => text.to_owned(),
        _ => format!("function {text}"),
    };
    Function::parse(&human).map_err(|e| eyre!("`{text}` is not a function signature: {e}"))
}

impl Target {
    /// The address, and the record when the contract is named by it.
    fn resolve(
        &self,
        config: &slipway_config::Config,
    ) -> Result<(Address, Option<DeploymentRecord>)> {
        if let Ok(address) = self.to.parse::<Address>() {
            return Ok((address, None));
        }
        let records = slipway_contracts::read_records(&config.root, &self.env)?;
        let Some(record) = records.into_iter().find(|r| r.name == self.to) else {
            bail!(
                "`{}` is neither an address nor a contract deployed to {} (see `slipway deployments --env {}`)",
                self.to,
                self.env,
                self.env
            );
        };
        Ok((record.address, Some(record)))
    }

    /// The function: a signature, or a name the record's ABI knows.
    fn function(&self, abi: Option<&JsonAbi>) -> Result<Function> {
        let name = self.signature.trim();
        match abi {
            Some(abi) if !name.contains('(') => {
                let found: Vec<&Function> = abi.functions().filter(|f| f.name == name).collect();
                match found.as_slice() {
                    [one] => Ok((*one).clone()),
                    [] => bail!("`{}` has no function `{name}`", self.to),
                    many => bail!(
                        "`{name}` is overloaded: write one of {}",
                        many.iter()
                            .map(|f| f.signature())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            }
            _ => parse_signature(name),
        }
    }

    fn calldata(&self, abi: Option<&JsonAbi>) -> Result<(Function, Bytes)> {
        let function = self.function(abi)?;
        if function.inputs.len() != self.args.len() {
            bail!(
                "{} takes {} argument{}, {} given",
                function.signature(),
                function.inputs.len(),
                if function.inputs.len() == 1 { "" } else { "s" },
                self.args.len()
            );
        }
        let values: Vec<DynSolValue> = function
            .inputs
            .iter()
            .zip(&self.args)
            .map(|(param, arg)| {
                let ty: DynSolType = param.resolve()?;
                ty.coerce_str(arg)
                    .map_err(|e| eyre!("argument `{arg}` is not a {ty}: {e}"))
            })
            .collect::<Result<_>>()?;
        let data = function.abi_encode_input(&values)?;
        Ok((function, data.into()))
    }
}

/// The revert data of a node's error, wherever the node put it (`data`
/// as hex, or `data.data` as some nodes nest it).
fn revert_data(error: &ProviderError) -> Option<Vec<u8>> {
    let ProviderError::Rpc {
        data: Some(data), ..
    } = error
    else {
        return None;
    };
    let text = data
        .as_str()
        .or_else(|| data.get("data").and_then(|d| d.as_str()))?;
    hex::decode(text).ok()
}

/// Every ABI this project knows: the record's, then each artifact of the
/// last build (`out/`), so custom errors of libraries and callees decode
/// too. Read only when a revert needs words.
fn known_abis(config: &slipway_config::Config, record: Option<&JsonAbi>) -> Vec<JsonAbi> {
    let mut abis: Vec<JsonAbi> = record.into_iter().cloned().collect();
    let out = config.path(&config.project.out);
    let Ok(dirs) = std::fs::read_dir(&out) else {
        return abis;
    };
    for dir in dirs.flatten().filter(|d| d.path().is_dir()) {
        if dir.file_name() == "build-info" {
            continue;
        }
        let Ok(files) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        for file in files.flatten() {
            #[derive(serde::Deserialize)]
            struct WithAbi {
                abi: JsonAbi,
            }
            if let Ok(text) = std::fs::read_to_string(file.path())
                && let Ok(artifact) = serde_json::from_str::<WithAbi>(&text)
            {
                abis.push(artifact.abi);
            }
        }
    }
    abis
}

/// A revert in words: custom errors by name and arguments, `Error(string)`
/// as its text, `Panic` with its meaning.
fn revert_reason(
    error: &ProviderError,
    config: &slipway_config::Config,
    record: Option<&JsonAbi>,
) -> Option<String> {
    let data = revert_data(error)?;
    let abis = known_abis(config, record);
    Some(Decoder::new(&abis).revert_reason(&data))
}

/// Refuses a record written on another chain than the one reached.
async fn check_record(
    client: &slipway_chain::ChainClient,
    env: &slipway_config::Environment,
    record: Option<&DeploymentRecord>,
) -> Result<()> {
    if let Some(record) = record {
        let here = ChainIdentity {
            chain_id: env.chain.id,
            genesis: Some(client.genesis_hash().await?),
        };
        record.check_chain(&env.name, here)?;
    }
    Ok(())
}

/// Whether `to` has code on the chain.
async fn has_code(client: &slipway_chain::ChainClient, to: Address) -> Result<bool> {
    Ok(!client.code(to).await?.is_empty())
}

fn no_contract(to: Address, env: &str) -> String {
    format!(
        "no contract at {} on {env}: check the address, or deploy first (`slipway deploy --env {env}`)",
        to.to_checksum(None)
    )
}

impl CallArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.target.env)?;
        let (to, record) = self.target.resolve(&config)?;
        let abi = record.as_ref().map(|r| r.abi.clone());
        let (function, data) = self.target.calldata(abi.as_ref())?;
        runtime()?.block_on(async {
            let connection = connect(&config, &env).await?;
            check_record(&connection, &env, record.as_ref()).await?;
            // A call to an address without code "succeeds" with nothing.
            if !has_code(&connection, to).await? {
                bail!(no_contract(to, &env.name));
            }
            let result = connection
                .call(&slipway_chain::CallRequest {
                    to: Some(to),
                    data,
                    ..Default::default()
                })
                .await;
            match result {
                Ok(output) if function.outputs.is_empty() => {
                    println!("0x{}", hex::encode(&output));
                    Ok(ExitCode::SUCCESS)
                }
                Ok(output) => {
                    let values = function.abi_decode_output(&output).wrap_err_with(|| {
                        format!(
                            "the answer 0x{} does not decode as the outputs",
                            hex::encode(&output)
                        )
                    })?;
                    for value in values {
                        println!("{}", slipway_evm::display_value(&value, true));
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => match revert_reason(&error, &config, abi.as_ref()) {
                    Some(reason) => {
                        eprintln!("reverted: {reason}");
                        Ok(ExitCode::from(CHECK_FAILED))
                    }
                    None => Err(error.into()),
                },
            }
        })
    }
}

/// A lifecycle step in words, for stderr (the confirmation is reported
/// with its outcome once the command has it).
fn progress_line(event: &TxEvent) -> Option<String> {
    Some(match event {
        TxEvent::Nonce { nonce, check } => format!("     Nonce {nonce}: {check}"),
        TxEvent::Sent { hash, fees, .. } => format!("   Sending {hash} ({fees})"),
        TxEvent::Bumped { hash, fees, .. } => {
            format!("  Repriced (not included in time): sending {hash} ({fees})")
        }
        TxEvent::Dropped { hash } => format!("   Dropped {hash} by the node: sent again"),
        TxEvent::Included { block, .. } => format!("  Included in block {block}"),
        TxEvent::Reorged { block, .. } => {
            format!("   Reorged out of block {block}: waiting for inclusion again")
        }
        TxEvent::Confirmed { .. } => return None,
    })
}

impl SendArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.target.env)?;
        if env.multisig != slipway_config::Multisig::Off {
            bail!(
                "environment `{}` requires a Safe multisig for state changes; `slipway send` signs directly and is refused there",
                env.name
            );
        }
        let (to, record) = self.target.resolve(&config)?;
        let abi = record.as_ref().map(|r| r.abi.clone());
        let (_, data) = self.target.calldata(abi.as_ref())?;
        let signer: ChainSigner = resolve_signer(&env, config.vars(), &ask_password)?;
        let lifecycle = Lifecycle::for_env(&env);
        let request = TxRequest {
            to: Some(to),
            value: self.value,
            data,
            gas_limit: None,
        };
        let quiet = global.quiet;
        runtime()?.block_on(async {
            let connection = connect(&config, &env).await?;
            check_record(&connection, &env, record.as_ref()).await?;
            // Sending value to an account is fine; calling a function on
            // one does nothing, which deserves a word.
            if !has_code(&connection, to).await? && !quiet {
                eprintln!(
                    "warning: {}; the transaction only transfers its value",
                    no_contract(to, &env.name)
                );
            }
            let mut progress = |event: TxEvent| {
                if let Some(line) = progress_line(&event).filter(|_| !quiet) {
                    eprintln!("{line}");
                }
            };
            let sent = lifecycle
                .send(
                    &connection,
                    &NonceTracker::new(),
                    &signer,
                    &request,
                    &mut progress,
                )
                .await;
            let done = match sent {
                Ok(done) => done,
                Err(TxError::Provider(error)) => {
                    return match revert_reason(&error, &config, abi.as_ref()) {
                        Some(reason) => {
                            eprintln!("reverted (nothing sent: the gas estimate failed): {reason}");
                            Ok(ExitCode::from(CHECK_FAILED))
                        }
                        None => Err(error.into()),
                    };
                }
                Err(other) => return Err(other.into()),
            };
            let TxEvent::Confirmed {
                hash,
                block,
                success,
                gas_used,
            } = done
            else {
                bail!("the transaction did not complete");
            };
            println!("{hash}");
            eprintln!(
                " Confirmed block {block}, gas {gas_used}, {}",
                if success { "success" } else { "reverted" }
            );
            Ok(if success {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(CHECK_FAILED)
            })
        })
    }
}
