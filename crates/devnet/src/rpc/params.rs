//! Positional JSON-RPC parameters, decoded with errors that name the
//! parameter and what was expected.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::RpcError;

/// The `params` array of a request.
pub(crate) struct Params<'a> {
    method: &'a str,
    values: Vec<Value>,
}

impl<'a> Params<'a> {
    /// From a request's `params` (absent or null means none).
    pub(crate) fn new(method: &'a str, params: Option<Value>) -> Result<Self, RpcError> {
        let values = match params {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(v)) => v,
            Some(other) => {
                return Err(RpcError::invalid_params(format!(
                    "{method} takes its parameters as an array, got {}",
                    kind(&other)
                )));
            }
        };
        Ok(Self { method, values })
    }

    /// The parameters as they came.
    pub(crate) fn raw(&self) -> Vec<Value> {
        self.values.clone()
    }

    /// Required parameter `index` (0-based), named `name`, described by `expected`.
    pub(crate) fn required<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
        expected: &str,
    ) -> Result<T, RpcError> {
        match self.values.get(index) {
            None | Some(Value::Null) => Err(RpcError::invalid_params(format!(
                "{} requires parameter {} ({name}): {expected}",
                self.method,
                index + 1
            ))),
            Some(v) => self.decode(index, name, expected, v),
        }
    }

    /// Optional parameter.
    pub(crate) fn optional<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
        expected: &str,
    ) -> Result<Option<T>, RpcError> {
        match self.values.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.decode(index, name, expected, v).map(Some),
        }
    }

    fn decode<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
        expected: &str,
        v: &Value,
    ) -> Result<T, RpcError> {
        serde_json::from_value(v.clone()).map_err(|e| {
            let shown = v.to_string();
            let shown = if shown.chars().count() > 80 {
                format!("{}…", shown.chars().take(80).collect::<String>())
            } else {
                shown
            };
            RpcError::invalid_params(format!(
                "{} parameter {} ({name}): expected {expected}, got {shown} ({e})",
                self.method,
                index + 1
            ))
        })
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
