//! `console.log` from contracts: calls to the console address are collected
//! by an inspector and decoded from their ABI encoding.

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, Bytes, address, keccak256};
use revm::{
    Inspector,
    context_interface::ContextTr,
    interpreter::{CallInputs, CallOutcome, InterpreterTypes},
};

/// Where `console.log` calls go (Hardhat's and forge-std's console library).
pub const CONSOLE_ADDRESS: Address = address!("000000000000000000636F6e736F6c652e6c6f67");

/// Collects the raw arguments of every `console.log` call.
#[derive(Clone, Debug, Default)]
pub struct ConsoleCollector {
    /// Call data of each console call, in order.
    pub calls: Vec<Bytes>,
}

impl ConsoleCollector {
    /// The decoded lines.
    pub fn lines(&self) -> Vec<String> {
        self.calls
            .iter()
            .filter_map(|c| decode_console_log(c))
            .collect()
    }
}

impl<CTX: ContextTr, INTR: InterpreterTypes> Inspector<CTX, INTR> for ConsoleCollector {
    fn call(&mut self, context: &mut CTX, inputs: &mut CallInputs) -> Option<CallOutcome> {
        if inputs.target_address == CONSOLE_ADDRESS {
            self.calls.push(inputs.input.bytes(context));
        }
        None
    }
}

/// The argument types console.sol's multi-argument `log` overloads combine.
const SCALARS: [&str; 4] = ["uint256", "string", "bool", "address"];

type Table = std::collections::HashMap<[u8; 4], (String, Vec<DynSolType>)>;

/// Adds `name(types…)` to the table; `uint`/`int` (older console.sol) decode
/// as their 256-bit forms.
fn register(table: &mut Table, name: &str, types: &[&str]) {
    let selector = keccak256(format!("{name}({})", types.join(",")).as_bytes());
    let parsed: Option<Vec<DynSolType>> = types
        .iter()
        .map(|t| match *t {
            "uint" => Some(DynSolType::Uint(256)),
            "int" => Some(DynSolType::Int(256)),
            other => DynSolType::parse(other).ok(),
        })
        .collect();
    if let Some(parsed) = parsed {
        table.insert(
            [selector[0], selector[1], selector[2], selector[3]],
            (name.to_owned(), parsed),
        );
    }
}

/// Every overload of console.sol's `log` and its typed `logX` helpers.
fn signatures() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Table::new();
        register(&mut table, "log", &[]);
        let mut lists: Vec<Vec<&str>> = vec![Vec::new()];
        for _ in 0..4 {
            lists = lists
                .iter()
                .flat_map(|l| SCALARS.iter().map(move |s| [l.as_slice(), &[*s]].concat()))
                .collect();
            for list in &lists {
                register(&mut table, "log", list);
                let old: Vec<&str> = list
                    .iter()
                    .map(|t| if *t == "uint256" { "uint" } else { *t })
                    .collect();
                register(&mut table, "log", &old);
            }
        }
        // forge-std's one mixed overload beyond the four scalars.
        register(&mut table, "log", &["string", "int256"]);
        let sized: Vec<String> = (1..=32).map(|n| format!("bytes{n}")).collect();
        let singles = [
            "int256", "int", "uint", "bytes", "string", "bool", "address", "uint256",
        ]
        .into_iter()
        .chain(sized.iter().map(String::as_str));
        for single in singles {
            register(&mut table, "log", &[single]);
            register(
                &mut table,
                &format!("log{}", capitalised(single)),
                &[single],
            );
        }
        table
    })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Decodes one console call into the line it prints (the first argument as a
/// format string is not expanded: arguments are joined by spaces, as Hardhat
/// does for non-string first arguments).
pub fn decode_console_log(data: &[u8]) -> Option<String> {
    let (_, values) = decode(data)?;
    Some(
        values
            .iter()
            .map(|v| display_value(v, false))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Decodes one console call as a trace shows it: `log("count", 1)`.
pub fn decode_console_call(data: &[u8]) -> Option<String> {
    let (name, values) = decode(data)?;
    let args: Vec<String> = values.iter().map(|v| display_value(v, true)).collect();
    Some(format!("{name}({})", args.join(", ")))
}

fn decode(data: &[u8]) -> Option<(&'static str, Vec<DynSolValue>)> {
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    let (name, types) = signatures().get(&selector)?;
    let tuple = DynSolType::Tuple(types.clone());
    match tuple.abi_decode_params(data.get(4..)?).ok()? {
        DynSolValue::Tuple(values) => Some((name.as_str(), values)),
        _ => None,
    }
}

/// A `console.log` argument as forge prints it (console.sol's arguments
/// are scalars): numbers in decimal, addresses checksummed, bytes in hex;
/// strings quoted when `quote_strings` (a call in a trace).
fn display_value(value: &DynSolValue, quote_strings: bool) -> String {
    match value {
        DynSolValue::String(s) if quote_strings => format!("{s:?}"),
        DynSolValue::String(s) => s.clone(),
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::Bytes(b) => format!("0x{}", alloy_primitives::hex::encode(b)),
        DynSolValue::FixedBytes(w, n) => format!("0x{}", alloy_primitives::hex::encode(&w[..*n])),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::{SolCall, sol};

    sol! {
        function log(string a, uint256 b, address c);
        function logBytes32(bytes32 v);
        function log(bool a);
        function log(string a, int256 b);
    }

    /// `console.log("balance", 42, 0x1111…)`.
    fn balance_log() -> (Address, log_0Call) {
        let who = Address::repeat_byte(0x11);
        let call = log_0Call {
            a: "balance".into(),
            b: alloy_primitives::U256::from(42),
            c: who,
        };
        (who, call)
    }

    #[test]
    fn decodes_common_overloads() {
        let (who, call) = balance_log();
        assert_eq!(
            decode_console_log(&call.abi_encode()).as_deref(),
            Some(format!("balance 42 {}", who.to_checksum(None)).as_str())
        );
        let call = logBytes32Call {
            v: alloy_primitives::B256::repeat_byte(0xab),
        };
        assert_eq!(
            decode_console_log(&call.abi_encode()),
            Some(format!("0x{}", "ab".repeat(32)))
        );
        assert_eq!(
            decode_console_log(&log_1Call { a: true }.abi_encode()).as_deref(),
            Some("true")
        );
    }

    #[test]
    fn a_call_decodes_as_a_trace_shows_it() {
        let (who, call) = balance_log();
        assert_eq!(
            decode_console_call(&call.abi_encode()),
            Some(format!("log(\"balance\", 42, {})", who.to_checksum(None)))
        );
        // forge-std's log(string, int256), which slipway-std has too.
        let call = log_2Call {
            a: "delta".into(),
            b: alloy_primitives::I256::try_from(-5).expect("int"),
        };
        assert_eq!(
            decode_console_call(&call.abi_encode()).as_deref(),
            Some("log(\"delta\", -5)")
        );
        let call = logBytes32Call {
            v: alloy_primitives::B256::repeat_byte(0xab),
        };
        assert_eq!(
            decode_console_call(&call.abi_encode()),
            Some(format!("logBytes32(0x{})", "ab".repeat(32)))
        );
    }

    #[test]
    fn unknown_or_short_data_is_not_decoded() {
        assert_eq!(decode_console_log(&[1, 2]), None);
        assert_eq!(decode_console_log(&[0xde, 0xad, 0xbe, 0xef]), None);
    }
}
