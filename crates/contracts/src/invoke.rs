//! A function of a contract, named as people name it: the contract by
//! address or by its deployment record, the function by a signature
//! (`transfer(address,uint256)`, cast's `balanceOf(address)(uint256)`,
//! `function f(…) returns (…)`) or by a name the record's ABI knows, the
//! arguments as Solidity would write them. Also the words for a revert,
//! from every ABI the project knows.

use std::path::Path;

use alloy_dyn_abi::{DynSolType, DynSolValue, FunctionExt, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{Address, Bytes, hex};

use crate::{Decoder, DeploymentRecord, RecordError, read_records};

/// Why a function cannot be called as written.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    /// Neither an address nor a record of the environment.
    #[error(
        "`{to}` is neither an address nor a contract deployed to {env} (see `slipway deployments --env {env}`)"
    )]
    UnknownContract {
        /// What was written.
        to: String,
        /// The environment.
        env: String,
    },
    /// The record's ABI has no function by that name.
    #[error("`{contract}` has no function `{name}`")]
    NoFunction {
        /// The contract.
        contract: String,
        /// The name.
        name: String,
    },
    /// Several functions by that name.
    #[error("`{name}` is overloaded: write one of {}", .candidates.join(", "))]
    Overloaded {
        /// The name.
        name: String,
        /// Their signatures.
        candidates: Vec<String>,
    },
    /// Not a signature.
    #[error("`{text}` is not a function signature: {reason}")]
    BadSignature {
        /// What was written.
        text: String,
        /// Why.
        reason: String,
    },
    /// Too many or too few arguments.
    #[error("{signature} takes {wanted} argument{}, {given} given", if *.wanted == 1 { "" } else { "s" })]
    ArgumentCount {
        /// The function.
        signature: String,
        /// Its parameters.
        wanted: usize,
        /// Arguments given.
        given: usize,
    },
    /// An argument that is not of its parameter's type.
    #[error("argument `{argument}` is not a {ty}: {reason}")]
    BadArgument {
        /// What was written.
        argument: String,
        /// The parameter's type.
        ty: String,
        /// Why.
        reason: String,
    },
    /// The answer does not decode as the function's outputs.
    #[error("the answer 0x{} does not decode as the outputs: {reason}", hex::encode(.output))]
    BadOutput {
        /// The answer.
        output: Bytes,
        /// Why.
        reason: String,
    },
    /// The records cannot be read.
    #[error(transparent)]
    Records(#[from] RecordError),
}

/// A function call, ready to send.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The contract.
    pub to: Address,
    /// Its record, when named by it.
    pub record: Option<DeploymentRecord>,
    /// The function.
    pub function: Function,
    /// The ABI-encoded call.
    pub calldata: Bytes,
}

/// `name(ins)(outs)` (cast) or a human-readable signature.
fn parse_signature(text: &str) -> Result<Function, InvokeError> {
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
    Function::parse(&human).map_err(|e| InvokeError::BadSignature {
        text: text.to_owned(),
        reason: e.to_string(),
    })
}

impl Invocation {
    /// `signature(args)` on `to` (an address, or a record of `env` under
    /// the project at `root`).
    pub fn prepare(
        root: &Path,
        env: &str,
        to: &str,
        signature: &str,
        args: &[String],
    ) -> Result<Self, InvokeError> {
        let (address, record) = match to.parse::<Address>() {
            Ok(address) => (address, None),
            Err(_) => {
                let record = read_records(root, env)?
                    .into_iter()
                    .find(|r| r.name == to)
                    .ok_or_else(|| InvokeError::UnknownContract {
                        to: to.to_owned(),
                        env: env.to_owned(),
                    })?;
                (record.address, Some(record))
            }
        };
        let function = function(to, signature, record.as_ref().map(|r| &r.abi))?;
        if function.inputs.len() != args.len() {
            return Err(InvokeError::ArgumentCount {
                signature: function.signature(),
                wanted: function.inputs.len(),
                given: args.len(),
            });
        }
        let values = function
            .inputs
            .iter()
            .zip(args)
            .map(|(param, arg)| {
                let bad = |reason: String, ty: String| InvokeError::BadArgument {
                    argument: arg.clone(),
                    ty,
                    reason,
                };
                let ty: DynSolType = param
                    .resolve()
                    .map_err(|e| bad(e.to_string(), param.ty.clone()))?;
                ty.coerce_str(arg)
                    .map_err(|e| bad(e.to_string(), ty.to_string()))
            })
            .collect::<Result<Vec<DynSolValue>, _>>()?;
        let calldata =
            function
                .abi_encode_input(&values)
                .map_err(|e| InvokeError::BadSignature {
                    text: signature.to_owned(),
                    reason: e.to_string(),
                })?;
        Ok(Self {
            to: address,
            record,
            function,
            calldata: calldata.into(),
        })
    }

    /// The answer as people read it: one value a line; the raw hex when
    /// the signature names no outputs.
    pub fn decode_output(&self, output: &[u8]) -> Result<Vec<String>, InvokeError> {
        if self.function.outputs.is_empty() {
            return Ok(vec![format!("0x{}", hex::encode(output))]);
        }
        let values =
            self.function
                .abi_decode_output(output)
                .map_err(|e| InvokeError::BadOutput {
                    output: Bytes::copy_from_slice(output),
                    reason: e.to_string(),
                })?;
        Ok(values
            .iter()
            .map(|v| crate::display_value(v, true))
            .collect())
    }

    /// A revert in words: custom errors by name and arguments (from the
    /// record's ABI, then `abis`: the project's, so errors of libraries and
    /// callees decode too), `Error(string)` as its text, `Panic` with its
    /// meaning.
    pub fn revert_reason(&self, abis: &[JsonAbi], data: &[u8]) -> String {
        Decoder::new(self.record.as_ref().map(|r| &r.abi).into_iter().chain(abis))
            .revert_reason(data)
    }
}

/// The function: a signature, or a name `abi` knows.
fn function(
    contract: &str,
    signature: &str,
    abi: Option<&JsonAbi>,
) -> Result<Function, InvokeError> {
    let name = signature.trim();
    match abi {
        Some(abi) if !name.contains('(') => {
            let found: Vec<&Function> = abi.functions().filter(|f| f.name == name).collect();
            match found.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(InvokeError::NoFunction {
                    contract: contract.to_owned(),
                    name: name.to_owned(),
                }),
                many => Err(InvokeError::Overloaded {
                    name: name.to_owned(),
                    candidates: many.iter().map(|f| f.signature()).collect(),
                }),
            }
        }
        _ => parse_signature(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_read_in_every_form_people_write() {
        for text in [
            "balanceOf(address)(uint256)",
            "function balanceOf(address) returns (uint256)",
            "function balanceOf(address) view returns (uint256)",
        ] {
            let f = parse_signature(text).expect(text);
            assert_eq!(f.signature(), "balanceOf(address)", "{text}");
            assert_eq!(f.outputs.len(), 1, "{text}");
        }
        let f = parse_signature("pause()").expect("no outputs");
        assert!(f.outputs.is_empty());
        assert!(matches!(
            parse_signature("not a signature"),
            Err(InvokeError::BadSignature { .. })
        ));
    }

    #[test]
    fn arguments_are_checked_against_the_function() {
        let dir = std::env::temp_dir();
        let to = "0x0000000000000000000000000000000000000001";
        let count = Invocation::prepare(&dir, "x", to, "f(uint8)", &[]).expect_err("count");
        assert_eq!(count.to_string(), "f(uint8) takes 1 argument, 0 given");
        let bad =
            Invocation::prepare(&dir, "x", to, "f(uint8)", &["256".into()]).expect_err("too big");
        assert!(
            bad.to_string().starts_with("argument `256` is not a uint8"),
            "{bad}"
        );
        let ok = Invocation::prepare(&dir, "x", to, "f(uint8)(bool)", &["7".into()]).expect("ok");
        assert_eq!(
            &ok.calldata[4..],
            &[0u8; 31].iter().chain([&7u8]).copied().collect::<Vec<_>>()[..]
        );
        let mut word = [0u8; 32];
        word[31] = 1;
        assert_eq!(ok.decode_output(&word).expect("decodes"), ["true"]);
        assert!(ok.decode_output(&[1, 2]).is_err());
    }
}
