//! Contract code sizes against the EIP-170 and EIP-3860 limits.

use foundry_compilers::artifacts::BytecodeObject;
use serde::{Deserialize, Serialize};

/// EIP-170: the largest runtime code a contract may have.
pub const CODE_SIZE_LIMIT: usize = 24_576;
/// EIP-3860: the largest init code a creation may carry.
pub const INITCODE_SIZE_LIMIT: usize = 2 * CODE_SIZE_LIMIT;

/// Sizes of one contract.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContractSize {
    /// Source file, relative to the project root.
    pub source: String,
    /// Contract name.
    pub name: String,
    /// Runtime (deployed) code bytes.
    pub runtime: usize,
    /// Init (creation) code bytes.
    pub init: usize,
}

impl ContractSize {
    /// Bytes to spare under the EIP-170 limit (negative: over it).
    pub fn runtime_margin(&self) -> i64 {
        CODE_SIZE_LIMIT as i64 - self.runtime as i64
    }

    /// Bytes to spare under the EIP-3860 limit (negative: over it).
    pub fn init_margin(&self) -> i64 {
        INITCODE_SIZE_LIMIT as i64 - self.init as i64
    }

    /// Whether either limit is exceeded.
    pub fn over_limit(&self) -> bool {
        self.runtime_margin() < 0 || self.init_margin() < 0
    }
}

/// Length in bytes of compiled code (unlinked code counts its placeholders).
pub(crate) fn object_len(object: &BytecodeObject) -> usize {
    match object {
        BytecodeObject::Bytecode(bytes) => bytes.len(),
        BytecodeObject::Unlinked(hex) => hex.trim_start_matches("0x").len() / 2,
    }
}
