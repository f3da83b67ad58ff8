//! forge's JSON cheatcodes: values read from a JSON text by key
//! (`parseJson*`, `keyExistsJson`, `parseJsonKeys`), objects built up by
//! `serialize*` under an object key, and `writeJson`. Keys are forge's
//! JSONPath subset — `.a.b`, `$.a.b`, `.list[2]`, `.` or `$` for the whole —
//! turned into JSON pointers. Numbers above 2^64 must be written as strings
//! (decimal or 0x-hex): the JSON parser reads larger ones as floats.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, Bytes, I256, U256};
use serde_json::Value;

use super::strings;

/// A forge JSONPath key as a JSON pointer (`.a.list[2]` → `/a/list/2`).
fn pointer(key: &str, cheat: &str) -> Result<String, String> {
    let key = key.trim();
    let key = key.strip_prefix('$').unwrap_or(key);
    let mut out = String::new();
    for part in key.split('.').filter(|p| !p.is_empty()) {
        let (name, indexes) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push('/');
            out.push_str(&name.replace('~', "~0").replace('/', "~1"));
        }
        let mut rest = indexes;
        while let Some(open) = rest.strip_prefix('[') {
            let (index, after) = open
                .split_once(']')
                .ok_or_else(|| format!("{cheat}: key {key:?} has an unclosed ["))?;
            let index = index.trim_matches(|c| c == '\'' || c == '"');
            out.push('/');
            out.push_str(index);
            rest = after;
        }
        if !rest.is_empty() {
            return Err(format!(
                "{cheat}: key {key:?} is not a JSON path forge reads"
            ));
        }
    }
    Ok(out)
}

fn parse(json: &str, cheat: &str) -> Result<Value, String> {
    serde_json::from_str(json).map_err(|e| format!("{cheat}: the text is not JSON: {e}"))
}

/// The value at `key` of `json`.
pub(super) fn value_at(json: &str, key: &str, cheat: &str) -> Result<Value, String> {
    let root = parse(json, cheat)?;
    root.pointer(&pointer(key, cheat)?)
        .cloned()
        .ok_or_else(|| format!("{cheat}: key {key:?} not found in the JSON"))
}

/// The value at `key` of `json`, read by `parse` (`as_uint`, …).
pub(super) fn read<T>(
    json: &str,
    key: &str,
    cheat: &str,
    parse: impl Fn(&Value, &str) -> Result<T, String>,
) -> Result<T, String> {
    parse(&value_at(json, key, cheat)?, cheat)
}

/// Whether `key` exists in `json`.
pub(super) fn exists(json: &str, key: &str, cheat: &str) -> Result<bool, String> {
    Ok(parse(json, cheat)?.pointer(&pointer(key, cheat)?).is_some())
}

/// The keys of the object at `key`, sorted.
pub(super) fn keys(json: &str, key: &str, cheat: &str) -> Result<Vec<String>, String> {
    match value_at(json, key, cheat)? {
        Value::Object(map) => Ok(map.keys().cloned().collect()),
        other => Err(format!(
            "{cheat}: the value at {key:?} is not an object but {other}"
        )),
    }
}

/// The text a scalar parser reads: a string as it is, a number or a bool
/// printed.
fn scalar_text(value: &Value, cheat: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) if n.is_f64() => Err(format!(
            "{cheat}: {n} is not an integer JSON reads exactly; write numbers above 2^64 as strings"
        )),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("{cheat}: {other} is not a single value")),
    }
}

/// Each element of the array at `key`, parsed by `one`.
pub(super) fn array<T>(
    json: &str,
    key: &str,
    cheat: &str,
    one: impl Fn(&Value) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    match value_at(json, key, cheat)? {
        Value::Array(items) => items.iter().map(one).collect(),
        other => Err(format!(
            "{cheat}: the value at {key:?} is not an array but {other}"
        )),
    }
}

pub(super) fn as_uint(value: &Value, cheat: &str) -> Result<U256, String> {
    strings::parse_uint(&scalar_text(value, cheat)?).map_err(|e| format!("{cheat}: {e}"))
}

pub(super) fn as_int(value: &Value, cheat: &str) -> Result<I256, String> {
    strings::parse_int(&scalar_text(value, cheat)?).map_err(|e| format!("{cheat}: {e}"))
}

pub(super) fn as_bool(value: &Value, cheat: &str) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => {
            strings::parse_bool(&scalar_text(other, cheat)?).map_err(|e| format!("{cheat}: {e}"))
        }
    }
}

pub(super) fn as_address(value: &Value, cheat: &str) -> Result<Address, String> {
    strings::parse_address(&scalar_text(value, cheat)?).map_err(|e| format!("{cheat}: {e}"))
}

pub(super) fn as_bytes32(value: &Value, cheat: &str) -> Result<B256, String> {
    strings::parse_bytes32(&scalar_text(value, cheat)?).map_err(|e| format!("{cheat}: {e}"))
}

pub(super) fn as_bytes(value: &Value, cheat: &str) -> Result<Bytes, String> {
    let text = scalar_text(value, cheat)?;
    let digits = text.strip_prefix("0x").unwrap_or(&text);
    alloy_primitives::hex::decode(digits)
        .map(Bytes::from)
        .map_err(|_| format!("{cheat}: {text:?} is not 0x-hex bytes"))
}

pub(super) fn as_string(value: &Value, cheat: &str) -> Result<String, String> {
    scalar_text(value, cheat)
}

/// `parseJson`: the value at `key` ABI-encoded with the types forge infers
/// — a number is a `uint256` (`int256` when negative), `0x` and 40 hex
/// digits an `address`, 64 a `bytes32`, other even `0x` hex `bytes`, any
/// other string a `string`, an array of one inferred type an array of it,
/// an object a tuple of its values in the alphabetical order of its keys
/// (so `abi.decode(…, (SomeStruct))` works when the struct's fields are in
/// that order, as in forge).
pub(super) fn abi_encoded(json: &str, key: &str) -> Result<Bytes, String> {
    let cheat = "vm.parseJson";
    let value = value_at(json, key, cheat)?;
    Ok(infer(&value, cheat)?.abi_encode().into())
}

fn infer(value: &Value, cheat: &str) -> Result<alloy_dyn_abi::DynSolValue, String> {
    use alloy_dyn_abi::DynSolValue as V;
    Ok(match value {
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) if n.as_i64().is_some_and(|i| i < 0) => V::Int(as_int(value, cheat)?, 256),
        Value::Number(_) => V::Uint(as_uint(value, cheat)?, 256),
        Value::String(s) => {
            if let Some(digits) = s.strip_prefix("0x") {
                // forge's rules: 39 digits is a mistyped address; an odd
                // count gets a leading zero.
                if digits.len() == 39 {
                    return Err(format!(
                        "{cheat}: cannot parse \"{digits}\" as an address; if it is one, prepend a zero"
                    ));
                }
                let even = if digits.len() % 2 == 1 {
                    format!("0{digits}")
                } else {
                    digits.to_owned()
                };
                if let Ok(bytes) = alloy_primitives::hex::decode(even) {
                    return Ok(match bytes.len() {
                        20 => V::Address(Address::from_slice(&bytes)),
                        32 => V::FixedBytes(B256::from_slice(&bytes), 32),
                        _ => V::Bytes(bytes),
                    });
                }
            }
            // Numbers too large for a JSON number come as strings.
            if let Ok(n) = s.parse::<I256>()
                && i64::try_from(n).is_err()
            {
                return Ok(V::Int(n, 256));
            }
            if let Ok(n) = s.parse::<U256>()
                && u64::try_from(n).is_err()
            {
                return Ok(V::Uint(n, 256));
            }
            V::String(s.clone())
        }
        Value::Array(items) => {
            let values = items
                .iter()
                .map(|item| infer(item, cheat))
                .collect::<Result<Vec<_>, _>>()?;
            let same = values.windows(2).all(|w| w[0].as_type() == w[1].as_type());
            if !same {
                return Err(format!(
                    "{cheat}: the array {value} mixes types; read its elements one by one"
                ));
            }
            V::Array(values)
        }
        Value::Object(map) => V::Tuple(
            map.values()
                .map(|item| infer(item, cheat))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        // forge reads null as a zero word.
        Value::Null => V::FixedBytes(B256::ZERO, 32),
    })
}

/// An integer as a JSON number when it fits 64 bits, else as a decimal
/// string (a larger JSON number would come back as a float), which
/// `parseJsonUint`/`parseJsonInt` read back exactly.
pub(super) fn number(digits: String) -> Value {
    if let Ok(n) = digits.parse::<u64>() {
        return n.into();
    }
    if let Ok(n) = digits.parse::<i64>() {
        return n.into();
    }
    Value::String(digits)
}

/// The objects `serialize*` build, by object key.
#[derive(Debug, Default)]
pub(crate) struct JsonObjects(HashMap<String, serde_json::Map<String, Value>>);

impl JsonObjects {
    /// Sets `value_key` of `object_key`'s object; the whole object as text.
    pub(super) fn set(&mut self, object_key: &str, value_key: &str, value: Value) -> String {
        let object = self.0.entry(object_key.to_owned()).or_default();
        object.insert(value_key.to_owned(), value);
        Value::Object(object.clone()).to_string()
    }

    /// Replaces `object_key`'s object by the object `json` (`serializeJson`).
    pub(super) fn replace(&mut self, object_key: &str, json: &str) -> Result<String, String> {
        match parse(json, "vm.serializeJson")? {
            Value::Object(map) => {
                let text = Value::Object(map.clone()).to_string();
                self.0.insert(object_key.to_owned(), map);
                Ok(text)
            }
            other => Err(format!("vm.serializeJson: {other} is not a JSON object")),
        }
    }
}

/// A string value as `serializeString` stores it: an object or array
/// written by an earlier `serialize*` nests as JSON, anything else is a
/// string.
pub(super) fn string_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(nested @ (Value::Object(_) | Value::Array(_))) => nested,
        _ => Value::String(text.to_owned()),
    }
}

/// `writeJson(json, path, key)`: the JSON file's text with the value at
/// `key` replaced by `json`.
pub(super) fn replaced(file_text: &str, json: &str, key: &str) -> Result<String, String> {
    let cheat = "vm.writeJson";
    let mut root = parse(file_text, cheat)?;
    let slot = root
        .pointer_mut(&pointer(key, cheat)?)
        .ok_or_else(|| format!("{cheat}: key {key:?} not found in the file"))?;
    *slot = parse(json, cheat).unwrap_or_else(|_| Value::String(json.to_owned()));
    serde_json::to_string_pretty(&root).map_err(|e| format!("{cheat}: {e}"))
}

/// `json` pretty-printed for a file (as forge writes it), or as given when
/// it is not JSON.
pub(super) fn pretty(json: &str) -> String {
    serde_json::from_str::<Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forge_keys_become_json_pointers() {
        let p = |k| pointer(k, "t").expect("key");
        assert_eq!(p(".a.b"), "/a/b");
        assert_eq!(p("$.a.list[2].c"), "/a/list/2/c");
        assert_eq!(p("."), "");
        assert_eq!(p("$"), "");
        assert_eq!(p(".m[0][1]"), "/m/0/1");
        assert_eq!(p(".a/b"), "/a~1b");
        assert!(pointer(".a[1", "t").is_err());
    }

    #[test]
    fn values_are_read_and_refused_by_key() {
        let json = r#"{"n": 7, "big": "0x10000000000000000", "who": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "list": [1, "2"], "huge": 1e30}"#;
        let v = |k| value_at(json, k, "t").expect("present");
        assert_eq!(as_uint(&v(".n"), "t"), Ok(U256::from(7)));
        assert_eq!(as_uint(&v(".big"), "t"), Ok(U256::from(1u8) << 64usize));
        assert!(as_address(&v(".who"), "t").is_ok());
        assert_eq!(
            array(json, ".list", "t", |x| as_uint(x, "t")),
            Ok(vec![U256::from(1), U256::from(2)])
        );
        assert!(
            as_uint(&v(".huge"), "t")
                .expect_err("refused")
                .contains("write numbers above 2^64 as strings")
        );
        assert!(
            value_at(json, ".missing", "t")
                .expect_err("refused")
                .contains("not found")
        );
        assert!(exists(json, ".n", "t").expect("ok") && !exists(json, ".x", "t").expect("ok"));
        assert!(
            value_at("{oops", ".n", "t")
                .expect_err("refused")
                .contains("not JSON")
        );
    }

    #[test]
    fn untyped_values_are_inferred_as_forge_infers_them() {
        use alloy_dyn_abi::DynSolValue as V;
        let infer = |text: &str| infer(&serde_json::from_str(text).expect("json"), "t");
        // An odd number of hex digits gets a leading zero: one byte.
        assert_eq!(infer(r#""0x3""#), Ok(V::Bytes(vec![3])));
        assert_eq!(infer("null"), Ok(V::FixedBytes(B256::ZERO, 32)));
        assert!(
            infer(r#""0x70997970c51812dc3a010c7d01b50e0d17dc79c""#).is_err(),
            "39 digits"
        );
        assert_eq!(
            infer(r#""100000000000000000000""#),
            Ok(V::Int(
                I256::try_from(U256::from(10u8).pow(U256::from(20u8))).expect("fits"),
                256
            )),
            "a number too large for a JSON number: signed first, as forge tries it"
        );
        assert_eq!(
            infer(r#""42""#),
            Ok(V::String("42".into())),
            "fits 64 bits: a string"
        );
    }

    #[test]
    fn objects_nest_and_files_take_a_value_at_a_key() {
        let mut objects = JsonObjects::default();
        let inner = objects.set("inner", "x", Value::from(1));
        let outer = objects.set("outer", "child", string_value(&inner));
        assert_eq!(outer, r#"{"child":{"x":1}}"#);
        assert_eq!(
            objects.set("outer", "s", string_value("text")),
            r#"{"child":{"x":1},"s":"text"}"#
        );
        assert_eq!(number("7".into()), Value::from(7));
        assert_eq!(number("-7".into()), Value::from(-7));
        let big = (U256::from(1u8) << 100usize).to_string();
        assert_eq!(
            as_uint(&number(big.clone()), "t"),
            Ok(U256::from(1u8) << 100usize)
        );
        let file = replaced(r#"{"a": {"b": 1}}"#, "2", ".a.b").expect("replaced");
        assert_eq!(
            serde_json::from_str::<Value>(&file).expect("json")["a"]["b"],
            2
        );
    }
}
