//! Bytes in words, from the project's ABIs: revert data (`Error(string)`,
//! `Panic(uint256)` with its meaning, custom errors by name and arguments),
//! calls and their return values, events, and which contract a creation
//! code belongs to.

use std::collections::HashMap;

use alloy_dyn_abi::{DynSolValue, EventExt, FunctionExt, JsonAbiExt};
use alloy_json_abi::{Error, Event, Function, JsonAbi};
use alloy_primitives::{B256, Log};
use alloy_sol_types::{Panic, Revert, SolError};

/// Decodes with everything the project's ABIs declare.
#[derive(Clone, Debug, Default)]
pub struct Decoder {
    errors: HashMap<[u8; 4], Error>,
    functions: HashMap<[u8; 4], Function>,
    events: HashMap<B256, Event>,
    /// Creation code of each contract, with its name.
    creation: Vec<(slipway_solc::CodeId, String)>,
    /// Each contract's ABI, by name.
    abis: HashMap<String, JsonAbi>,
}

/// A log decoded with the ABI of its event.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedEvent {
    /// The event's name (`RoleGranted`).
    pub name: String,
    /// Its signature (`RoleGranted(bytes32,address,address)`).
    pub signature: String,
    /// Its arguments, in declaration order.
    pub args: Vec<EventArg>,
}

impl DecodedEvent {
    /// The argument called `name`.
    pub fn arg(&self, name: &str) -> Option<&DynSolValue> {
        self.args.iter().find(|a| a.name == name).map(|a| &a.value)
    }
}

/// One argument of a decoded event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventArg {
    /// Its name in the ABI (may be empty).
    pub name: String,
    /// Its Solidity type (`address`, `uint256`, `bytes32[]`…).
    pub kind: String,
    /// Whether it is a topic.
    pub indexed: bool,
    /// Its value. An indexed argument of a dynamic type is only its hash.
    pub value: DynSolValue,
}

fn shown(values: &[DynSolValue]) -> String {
    values
        .iter()
        .map(|v| display_value(v, true))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Decoder {
    /// A decoder knowing the errors, functions and events of `abis`.
    pub fn new<'a>(abis: impl IntoIterator<Item = &'a JsonAbi>) -> Self {
        let mut decoder = Self::default();
        for abi in abis {
            decoder.add_abi(abi);
        }
        decoder
    }

    fn add_abi(&mut self, abi: &JsonAbi) {
        for error in abi.errors() {
            self.errors.insert(error.selector().0, error.clone());
        }
        for function in abi.functions() {
            self.functions
                .entry(function.selector().0)
                .or_insert_with(|| function.clone());
        }
        for event in abi.events().filter(|e| !e.anonymous) {
            self.events
                .entry(event.selector())
                .or_insert_with(|| event.clone());
        }
    }

    /// A decoder knowing every contract of a build.
    pub fn from_build(contracts: &[slipway_solc::BuiltContract]) -> Self {
        let mut decoder = Self::default();
        for contract in contracts {
            if let Some(abi) = &contract.abi {
                decoder.add_abi(abi);
                decoder
                    .abis
                    .entry(contract.name.clone())
                    .or_insert_with(|| abi.clone());
            }
            if let Some(code) = contract.creation {
                decoder.creation.push((code, contract.name.clone()));
            }
        }
        // Longest first, so a contract is not taken for one whose code
        // happens to be a prefix of its own.
        decoder
            .creation
            .sort_by_key(|(code, _)| std::cmp::Reverse(code.len));
        decoder
    }

    /// The contract whose creation code starts `init_code` (constructor
    /// arguments follow it).
    pub fn contract_name(&self, init_code: &[u8]) -> Option<&str> {
        self.creation
            .iter()
            .find(|(code, _)| code.starts(init_code))
            .map(|(_, name)| name.as_str())
    }

    /// The contracts of the build whose ABI declares the function `input`
    /// calls, by name, sorted: a guess at a callee whose creation was not
    /// seen (code put in place by `vm.etch`, or made before the run).
    pub fn contracts_declaring(&self, input: &[u8]) -> Vec<&str> {
        let Some(selector) = input.get(..4) else {
            return Vec::new();
        };
        let mut names: Vec<&str> = self
            .abis
            .iter()
            .filter(|(_, abi)| abi.functions().any(|f| f.selector().as_slice() == selector))
            .map(|(name, _)| name.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    /// The ABI of the contract `name`.
    pub fn abi(&self, name: &str) -> Option<&JsonAbi> {
        self.abis.get(name)
    }

    /// `name(arguments)` of a call, or its selector and data in hex.
    pub fn call(&self, input: &[u8]) -> String {
        let Some(selector) = input.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
            return if input.is_empty() {
                "fallback()".to_owned()
            } else {
                format!("fallback(0x{})", alloy_primitives::hex::encode(input))
            };
        };
        match self.functions.get(&selector) {
            Some(function) => match function.abi_decode_input(&input[4..]) {
                Ok(args) => format!("{}({})", function.name, shown(&args)),
                Err(_) => format!(
                    "{}(0x{})",
                    function.name,
                    alloy_primitives::hex::encode(&input[4..])
                ),
            },
            None => format!("0x{}", alloy_primitives::hex::encode(input)),
        }
    }

    /// `name(types)` of the function `input` calls, if the build declares it.
    pub fn function_signature(&self, input: &[u8]) -> Option<String> {
        let selector = <[u8; 4]>::try_from(input.get(..4)?).ok()?;
        self.functions.get(&selector).map(Function::signature)
    }

    /// The decoded return values of a call with `input`.
    pub fn returns(&self, input: &[u8], output: &[u8]) -> Option<String> {
        let selector = <[u8; 4]>::try_from(input.get(..4)?).ok()?;
        let function = self.functions.get(&selector)?;
        function.abi_decode_output(output).ok().map(|v| shown(&v))
    }

    /// A log as a typed event: its name, signature and arguments by name
    /// and type, in declaration order; `None` when no ABI of the project
    /// declares the event or the log does not decode as it.
    pub fn decode_event(&self, log: &Log) -> Option<DecodedEvent> {
        let event = self.events.get(log.topics().first()?)?;
        let values = event
            .decode_log_parts(log.topics().iter().copied(), &log.data.data)
            .ok()?;
        let (mut indexed, mut body) = (values.indexed.into_iter(), values.body.into_iter());
        let mut args = Vec::with_capacity(event.inputs.len());
        for input in &event.inputs {
            let value = if input.indexed {
                indexed.next()
            } else {
                body.next()
            }?;
            args.push(EventArg {
                name: input.name.clone(),
                kind: input.ty.clone(),
                indexed: input.indexed,
                value,
            });
        }
        Some(DecodedEvent {
            name: event.name.clone(),
            signature: event.signature(),
            args,
        })
    }

    /// `Name(param: value, …)` of an event, or its topics and data in hex.
    pub fn event(&self, log: &Log) -> String {
        let decoded = self.decode_event(log).map(|event| {
            let params: Vec<String> = event
                .args
                .iter()
                .map(|arg| {
                    let value = display_value(&arg.value, true);
                    if arg.name.is_empty() {
                        value
                    } else {
                        format!("{}: {value}", arg.name)
                    }
                })
                .collect();
            format!("{}({})", event.name, params.join(", "))
        });
        decoded.unwrap_or_else(|| {
            let topics: Vec<String> = log.topics().iter().map(|t| t.to_string()).collect();
            format!(
                "topics: [{}], data: 0x{}",
                topics.join(", "),
                alloy_primitives::hex::encode(&log.data.data)
            )
        })
    }

    /// The declared signature of a log's event, e.g. `Moved(address,address,uint256)`.
    pub fn event_name(&self, log: &Log) -> Option<String> {
        let event = self.events.get(log.topics().first()?)?;
        Some(event.signature())
    }

    /// The name of the custom error `selector` stands for, if the build
    /// declares one.
    pub fn error_name(&self, selector: [u8; 4]) -> Option<&str> {
        self.errors.get(&selector).map(|e| e.name.as_str())
    }

    /// Revert data as people read it: a reason string, a panic's meaning,
    /// or a custom error of the build with its arguments.
    pub fn revert_reason(&self, data: &[u8]) -> String {
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
            let shown: Vec<String> = args.iter().map(|a| display_value(a, true)).collect();
            return format!("{}({})", error.name, shown.join(", "));
        }
        format!("custom error 0x{}", alloy_primitives::hex::encode(data))
    }
}

/// A decoded ABI value as people read it: numbers in decimal, addresses
/// checksummed, bytes in hex, arrays in brackets and tuples in
/// parentheses; strings quoted when `quote_strings`.
pub fn display_value(value: &DynSolValue, quote_strings: bool) -> String {
    let list = |values: &[DynSolValue]| {
        values
            .iter()
            .map(|v| display_value(v, true))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match value {
        DynSolValue::String(s) if quote_strings => format!("{s:?}"),
        DynSolValue::String(s) => s.clone(),
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::Function(f) => format!("0x{}", alloy_primitives::hex::encode(f.as_slice())),
        DynSolValue::Bytes(b) => format!("0x{}", alloy_primitives::hex::encode(b)),
        DynSolValue::FixedBytes(w, n) => format!("0x{}", alloy_primitives::hex::encode(&w[..*n])),
        DynSolValue::Array(values) | DynSolValue::FixedArray(values) => {
            format!("[{}]", list(values))
        }
        DynSolValue::Tuple(values) => format!("({})", list(values)),
        DynSolValue::CustomStruct {
            name,
            prop_names,
            tuple,
        } => format!(
            "{name}({})",
            prop_names
                .iter()
                .zip(tuple)
                .map(|(n, v)| format!("{n}: {}", display_value(v, true)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Bytes;
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
        let decoder = Decoder::new([&abi]);
        let custom = Insufficient {
            have: alloy_primitives::U256::from(1),
            want: alloy_primitives::U256::from(5),
        };
        assert_eq!(
            decoder.revert_reason(&custom.abi_encode()),
            "Insufficient(1, 5)"
        );
        assert_eq!(
            decoder.revert_reason(
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
            decoder.revert_reason(&panic.abi_encode()),
            "panic: arithmetic underflow or overflow (0x11)"
        );
        assert_eq!(decoder.revert_reason(&[]), "reverted without a reason");
        assert_eq!(decoder.revert_reason(&[0xde, 0xad]), "custom error 0xdead");
    }

    #[test]
    fn events_decode_to_typed_arguments_by_name() {
        use alloy_primitives::{Address, U256, keccak256};
        let abi: JsonAbi = serde_json::from_str(
            r#"[{"type":"event","name":"RoleGranted","anonymous":false,"inputs":[
                {"name":"role","type":"bytes32","indexed":true},
                {"name":"account","type":"address","indexed":true},
                {"name":"sender","type":"address","indexed":true}]},
               {"type":"event","name":"PauseLevelRaised","anonymous":false,"inputs":[
                {"name":"level","type":"uint8","indexed":false},
                {"name":"by","type":"address","indexed":true},
                {"name":"reason","type":"string","indexed":false}]}]"#,
        )
        .expect("abi");
        let decoder = Decoder::new([&abi]);
        let role = keccak256("GUARDIAN_ROLE");
        let account = Address::repeat_byte(0xaa);
        let sender = Address::repeat_byte(0xbb);
        let granted = Log::new_unchecked(
            Address::ZERO,
            vec![
                keccak256("RoleGranted(bytes32,address,address)"),
                role,
                account.into_word(),
                sender.into_word(),
            ],
            Bytes::new(),
        );
        let event = decoder.decode_event(&granted).expect("declared");
        assert_eq!(event.name, "RoleGranted");
        assert_eq!(event.signature, "RoleGranted(bytes32,address,address)");
        assert_eq!(event.arg("role"), Some(&DynSolValue::FixedBytes(role, 32)));
        assert_eq!(event.arg("account"), Some(&DynSolValue::Address(account)));
        assert_eq!(event.args[2].kind, "address");
        assert!(event.args.iter().all(|a| a.indexed));

        // Indexed and body arguments interleaved keep declaration order.
        let data = DynSolValue::Tuple(vec![
            DynSolValue::Uint(U256::from(2), 8),
            DynSolValue::String("exploit".into()),
        ])
        .abi_encode_params();
        let raised = Log::new_unchecked(
            Address::ZERO,
            vec![
                keccak256("PauseLevelRaised(uint8,address,string)"),
                sender.into_word(),
            ],
            data.into(),
        );
        let event = decoder.decode_event(&raised).expect("declared");
        let names: Vec<&str> = event.args.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["level", "by", "reason"]);
        assert_eq!(
            event.arg("level"),
            Some(&DynSolValue::Uint(U256::from(2), 8))
        );
        assert_eq!(event.arg("by"), Some(&DynSolValue::Address(sender)));
        assert_eq!(
            event.arg("reason"),
            Some(&DynSolValue::String("exploit".into()))
        );
        assert!(!event.args[0].indexed && event.args[1].indexed);
        assert_eq!(
            decoder.event(&raised),
            format!(
                "PauseLevelRaised(level: 2, by: {}, reason: \"exploit\")",
                sender.to_checksum(None)
            )
        );

        // Unknown events, and logs that do not fit their event, are None.
        let unknown = Log::new_unchecked(Address::ZERO, vec![keccak256("Nope()")], Bytes::new());
        assert!(decoder.decode_event(&unknown).is_none());
        let short = Log::new_unchecked(
            Address::ZERO,
            vec![keccak256("RoleGranted(bytes32,address,address)")],
            Bytes::new(),
        );
        assert!(decoder.decode_event(&short).is_none());
    }
}
