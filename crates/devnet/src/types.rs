//! What the chain is made of: mined transactions, blocks, and the records of
//! the durable log.

use alloy_consensus::{Header, TxEnvelope};
use alloy_primitives::{Address, B256, Log};
use serde::{Deserialize, Serialize};
use slipway_evm::StateDiff;

/// A transaction included in a block, with its receipt data.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MinedTx {
    /// The signed transaction (impersonated ones carry a placeholder signature).
    pub envelope: TxEnvelope,
    /// Its sender.
    pub sender: Address,
    /// Its hash.
    pub hash: B256,
    /// Whether it succeeded (receipt status 1).
    pub success: bool,
    /// Gas it used.
    pub gas_used: u64,
    /// Gas used by the block up to and including it.
    pub cumulative_gas_used: u64,
    /// Price per gas it paid.
    pub effective_gas_price: u128,
    /// Logs it emitted.
    pub logs: Vec<Log>,
    /// The contract it created.
    pub contract_address: Option<Address>,
    /// Revert data, for failed transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revert: Option<alloy_primitives::Bytes>,
}

/// A mined block.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MinedBlock {
    /// The header.
    pub header: Header,
    /// `keccak256(rlp(header))`.
    pub hash: B256,
    /// Its transactions in order.
    pub transactions: Vec<MinedTx>,
    /// What the block changed.
    pub diff: StateDiff,
    /// The values `diff` overwrote, to read state as of the parent.
    pub undo: StateDiff,
}

/// One entry of the durable log. Replaying every record in order rebuilds
/// the chain exactly.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainRecord {
    /// The first record: the settings the chain was created with.
    Genesis(crate::GenesisSpec),
    /// A mined block.
    Block(Box<MinedBlock>),
    /// A direct state edit (`hardhat_setBalance` and friends).
    Edit(StateDiff),
    /// A change of the clock (`evm_increaseTime`, `evm_setNextBlockTimestamp`).
    Clock {
        /// Seconds added to wall-clock time.
        offset: i64,
        /// Timestamp forced for the next block.
        next: Option<u64>,
    },
    /// Go back to the chain as it was after record `to_record` (revert,
    /// rollback, reorg).
    Rewind {
        /// Index of the last record that stays in effect.
        to_record: u64,
    },
    /// A transaction accepted into the pool and not mined at once
    /// (interval or manual mining, or a nonce gap): logged before its hash
    /// is returned, so a restart still has it.
    Pending(Box<crate::pool::PoolTx>),
    /// The base fee forced for the next block.
    NextBaseFee(u64),
    /// A run of empty blocks (no transaction, no state change), by their
    /// timestamps: `[first, step, count]` runs of evenly spaced ones — a
    /// day of interval mining or `anvil_mine 100000` in a few bytes.
    EmptyBlocks(Vec<[u64; 3]>),
    /// Transactions that left the pool unmined (`anvil_dropTransaction`,
    /// or found invalid when a block was built).
    Dropped(Vec<B256>),
}
