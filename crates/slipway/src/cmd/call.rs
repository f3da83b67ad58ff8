//! `slipway call` and `slipway send`: a function of a contract on an
//! environment's chain, read or sent through the chain layer.

use std::{process::ExitCode, time::Duration};

use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{Address, Bytes, U256, hex};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use serde_json::json;
use slipway_chain::{
    ChainSigner, Lifecycle, NonceTracker, ProviderError, TxEvent, TxRequest, resolve_signer,
};
use slipway_test::Decoder;

use super::{
    GlobalOpts,
    connect::{ask_password, connect, runtime},
};

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
    /// The address, and the ABI when the contract is named by its record.
    fn resolve(&self, config: &slipway_config::Config) -> Result<(Address, Option<JsonAbi>)> {
        if let Ok(address) = self.to.parse::<Address>() {
            return Ok((address, None));
        }
        let records = slipway_deploy::read_records(&config.root, &self.env)?;
        let Some(record) = records.into_iter().find(|r| r.name == self.to) else {
            bail!(
                "`{}` is neither an address nor a contract deployed to {} (see `slipway deployments --env {}`)",
                self.to,
                self.env,
                self.env
            );
        };
        Ok((record.address, Some(record.abi)))
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

fn revert_reason(error: &ProviderError) -> Option<String> {
    let ProviderError::Rpc {
        data: Some(data), ..
    } = error
    else {
        return None;
    };
    let bytes = hex::decode(data.as_str()?).ok()?;
    Some(Decoder::default().revert_reason(&bytes))
}

impl CallArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = config.environment(&self.target.env)?;
        let (to, abi) = self.target.resolve(&config)?;
        let (function, data) = self.target.calldata(abi.as_ref())?;
        runtime()?.block_on(async {
            let connection = connect(&config, &env).await?;
            let result: Result<Bytes, ProviderError> = connection
                .providers
                .request("eth_call", json!([{ "to": to, "data": data }, "latest"]))
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
                Err(error) => match revert_reason(&error) {
                    Some(reason) => {
                        eprintln!("reverted: {reason}");
                        Ok(ExitCode::FAILURE)
                    }
                    None => Err(error.into()),
                },
            }
        })
    }
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
        let (to, abi) = self.target.resolve(&config)?;
        let (_, data) = self.target.calldata(abi.as_ref())?;
        let signer: ChainSigner = resolve_signer(&env, config.vars(), &ask_password)?;
        let lifecycle = Lifecycle {
            chain_id: env.chain.id,
            fees: env.fees.clone(),
            confirmations: env.confirmations.max(1),
            poll: Duration::from_millis(250),
            timeout: Duration::from_secs(600),
        };
        let request = TxRequest {
            to: Some(to),
            value: self.value,
            data,
            gas_limit: None,
        };
        let quiet = global.quiet;
        runtime()?.block_on(async {
            let connection = connect(&config, &env).await?;
            let mut progress = |event: TxEvent| {
                if quiet {
                    return;
                }
                match event {
                    TxEvent::Nonce { nonce, check } => eprintln!("     Nonce {nonce} ({check:?})"),
                    TxEvent::Sent { hash, .. } => eprintln!("      Sent {hash}"),
                    TxEvent::Bumped { hash, fees, .. } => eprintln!("    Bumped {hash} ({fees:?})"),
                    TxEvent::Dropped { hash } => eprintln!("   Dropped {hash}: sent again"),
                    TxEvent::Included { block, .. } => eprintln!("  Included in block {block}"),
                    TxEvent::Reorged { block, .. } => {
                        eprintln!("   Reorged out of block {block}: waiting again")
                    }
                    TxEvent::Confirmed { .. } => {}
                }
            };
            let done = lifecycle
                .send(
                    &connection.providers,
                    &NonceTracker::new(),
                    &signer,
                    &request,
                    &mut progress,
                )
                .await?;
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
                ExitCode::FAILURE
            })
        })
    }
}
