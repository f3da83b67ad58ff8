//! Revert data in words: `Error(string)`, `Panic(uint256)` with its meaning,
//! and the project's custom errors by name and arguments.

use std::collections::HashMap;

use alloy_dyn_abi::JsonAbiExt;
use alloy_json_abi::{Error, JsonAbi};
use alloy_sol_types::{Panic, Revert, SolError};

/// Decodes revert data with every error the project's ABIs declare.
#[derive(Clone, Debug, Default)]
pub struct RevertDecoder {
    errors: HashMap<[u8; 4], Error>,
}

impl RevertDecoder {
    /// A decoder knowing the errors of `abis`.
    pub fn new<'a>(abis: impl IntoIterator<Item = &'a JsonAbi>) -> Self {
        let mut errors = HashMap::new();
        for abi in abis {
            for error in abi.errors() {
                errors.insert(error.selector().0, error.clone());
            }
        }
        Self { errors }
    }

    /// A decoder knowing every error of a build.
    pub fn from_build(output: &slipway_solc::CompileOutput) -> Self {
        Self::new(output.artifacts().filter_map(|(_, a)| a.abi.as_ref()))
    }

    /// The reason a call reverted with `data`.
    pub fn decode(&self, data: &[u8]) -> String {
        if data.is_empty() {
            return "reverted without a reason".to_owned();
        }
        if let Ok(revert) = Revert::abi_decode(data) {
            return revert.reason;
        }
        if let Ok(panic) = Panic::abi_decode(data) {
            let meaning = panic
                .kind()
                .map_or_else(|| "unknown panic".to_owned(), |k| k.to_string());
            return format!("panic: {meaning} (0x{:x})", panic.code);
        }
        if let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok())
            && let Some(error) = self.errors.get(&selector)
            && let Ok(args) = error.abi_decode_input(&data[4..])
        {
            let shown: Vec<String> = args
                .iter()
                .map(|a| slipway_evm::display_value(a, true))
                .collect();
            return format!("{}({})", error.name, shown.join(", "));
        }
        format!("custom error 0x{}", alloy_primitives::hex::encode(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::sol;

    sol! {
        error Insufficient(uint256 have, uint256 want);
    }

    #[test]
    fn decodes_each_kind_of_revert() {
        let abi: JsonAbi = serde_json::from_str(
            r#"[{"type":"error","name":"Insufficient","inputs":[{"name":"have","type":"uint256"},{"name":"want","type":"uint256"}]}]"#,
        )
        .expect("abi");
        let decoder = RevertDecoder::new([&abi]);
        let custom = Insufficient {
            have: alloy_primitives::U256::from(1),
            want: alloy_primitives::U256::from(5),
        };
        assert_eq!(decoder.decode(&custom.abi_encode()), "Insufficient(1, 5)");
        assert_eq!(
            decoder.decode(
                &Revert {
                    reason: "no".into()
                }
                .abi_encode()
            ),
            "no"
        );
        let panic = Panic {
            code: alloy_primitives::U256::from(0x11),
        };
        assert_eq!(
            decoder.decode(&panic.abi_encode()),
            "panic: arithmetic underflow or overflow (0x11)"
        );
        assert_eq!(decoder.decode(&[]), "reverted without a reason");
        assert_eq!(decoder.decode(&[0xde, 0xad]), "custom error 0xdead");
    }
}
