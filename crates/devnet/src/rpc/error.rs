//! JSON-RPC errors with the codes geth, anvil and Hardhat use.

use alloy_primitives::Bytes;
use alloy_sol_types::{Panic, Revert, SolError};
use serde_json::{Value, json};

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    /// Error code.
    pub code: i64,
    /// Message.
    pub message: String,
    /// Extra data (revert bytes as hex for code 3).
    pub data: Option<Value>,
}

impl RpcError {
    /// -32700: the body is not JSON.
    pub fn parse(detail: impl std::fmt::Display) -> Self {
        Self {
            code: -32700,
            message: format!("Parse error: {detail}"),
            data: None,
        }
    }
    /// -32600: not a valid request object.
    pub fn invalid_request(detail: impl Into<String>) -> Self {
        Self {
            code: -32600,
            message: format!("Invalid request: {}", detail.into()),
            data: None,
        }
    }
    /// -32601: unknown method.
    pub fn method_not_found(method: &str) -> Self {
        Self {
            code: -32601,
            message: format!("the method {method} does not exist/is not available"),
            data: None,
        }
    }
    /// -32602: bad parameters.
    pub fn invalid_params(detail: impl Into<String>) -> Self {
        Self {
            code: -32602,
            message: format!("invalid params: {}", detail.into()),
            data: None,
        }
    }
    /// -32000: the node refused (geth's generic server error).
    pub fn server(message: impl Into<String>) -> Self {
        Self {
            code: -32000,
            message: message.into(),
            data: None,
        }
    }
    /// -32603: internal failure.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: -32603,
            message: message.into(),
            data: None,
        }
    }

    /// Code 3: execution reverted, with the reason decoded into the message
    /// and the raw revert bytes in `data`, as geth and anvil answer.
    pub fn reverted(output: &Bytes) -> Self {
        let message = match revert_reason(output) {
            Some(reason) => format!("execution reverted: {reason}"),
            None => "execution reverted".to_owned(),
        };
        Self {
            code: 3,
            message,
            data: Some(json!(output.to_string())),
        }
    }

    /// The JSON error object.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            v["data"] = data.clone();
        }
        v
    }
}

/// Decodes `Error(string)` and `Panic(uint256)`; custom errors stay raw.
pub fn revert_reason(output: &[u8]) -> Option<String> {
    if let Ok(revert) = Revert::abi_decode(output) {
        return Some(revert.reason);
    }
    if let Ok(panic) = Panic::abi_decode(output) {
        let code = panic.code;
        let meaning = match panic.kind() {
            Some(kind) => format!("{kind}"),
            None => "unknown panic".to_owned(),
        };
        return Some(format!("panic: {meaning} (0x{code:x})"));
    }
    None
}
