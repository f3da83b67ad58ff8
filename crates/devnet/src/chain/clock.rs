//! The chain's clock and fee market: the next block's timestamp and base
//! fee, time travel, and the block context calls run in.

use super::*;

/// The latest timestamp the clock may reach (2^40 s, some 34,800 years on).
pub(super) const MAX_TIMESTAMP: u64 = 1 << 40;

pub(super) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Chain {
    /// Base fee of the next block.
    pub fn next_base_fee(&self) -> u64 {
        if let Some(forced) = self.clock.next_base_fee {
            return forced;
        }
        let h = &self.head().header;
        BaseFeeParams::ethereum().next_block_base_fee(
            h.gas_used,
            h.gas_limit,
            h.base_fee_per_gas.unwrap_or(INITIAL_BASE_FEE),
        )
    }

    /// Timestamp the next block will get.
    pub fn next_timestamp(&self) -> u64 {
        let parent = self.head().header.timestamp;
        self.clock.next.unwrap_or_else(|| {
            let t = now().saturating_add_signed(self.clock.offset);
            t.max(parent + 1)
        })
    }

    /// The block context of the next block (for calls on `pending`).
    pub fn next_block_context(&self) -> BlockContext {
        let head = &self.head().header;
        BlockContext {
            number: head.number + 1,
            timestamp: self.next_timestamp(),
            gas_limit: self.genesis.gas_limit,
            base_fee: self.next_base_fee(),
            coinbase: Address::ZERO,
            prevrandao: keccak256((head.number + 1).to_be_bytes()),
        }
    }

    /// The block being built, as `eth_getBlockByNumber("pending")` shows
    /// it: the next number, timestamp and base fee, and the ready pool
    /// transactions, in the order they would be mined (not yet executed:
    /// its gas used and state root are its parent's).
    pub fn pending_block(&self) -> (Header, Vec<PoolTx>) {
        let context = self.next_block_context();
        let ready = {
            let state = &self.state;
            self.pool.ready(|a| state.account(a).nonce)
        };
        let mut header =
            self.header_template(Some(&self.head.header), context.timestamp, context.base_fee);
        let envelopes: Vec<&TxEnvelope> = ready.iter().map(|t| &t.envelope).collect();
        header.transactions_root = proofs::calculate_transaction_root(&envelopes);
        header.state_root = self.head.header.state_root;
        (header, ready)
    }

    /// The block context a block executed in.
    pub fn block_context(&self, number: u64) -> Option<BlockContext> {
        let h = &self.block(number)?.header;
        Some(BlockContext {
            number: h.number,
            timestamp: h.timestamp,
            gas_limit: h.gas_limit,
            base_fee: h.base_fee_per_gas.unwrap_or_default(),
            coinbase: h.beneficiary,
            prevrandao: h.mix_hash,
        })
    }

    /// Moves the clock forward; returns the new offset.
    pub fn increase_time(&mut self, seconds: i64) -> Result<i64> {
        if seconds < 0 {
            return Err(DevnetError::Rejected(format!(
                "cannot move the clock back ({seconds} seconds); use evm_snapshot/evm_revert to go back"
            )));
        }
        // The jump starts from the later of the clock and the latest block:
        // automined blocks run ahead of the wall clock (one a second at
        // least), and the next block must still come `seconds` after the
        // latest, as on Hardhat and anvil.
        let ahead = (self.head.header.timestamp as i64).saturating_sub(now() as i64);
        let offset = self
            .clock
            .offset
            .max(ahead)
            .checked_add(seconds)
            .filter(|o| *o <= MAX_TIMESTAMP as i64)
            .ok_or_else(|| {
                DevnetError::Rejected(format!(
                    "increasing time by {seconds} seconds would move the clock past {MAX_TIMESTAMP} (about the year 36,800)"
                ))
            })?;
        self.apply(
            ChainRecord::Clock {
                offset,
                next: self.clock.next,
            },
            true,
        );
        Ok(offset)
    }

    /// Forces the next block's timestamp.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<()> {
        let parent = self.head().header.timestamp;
        if timestamp <= parent {
            return Err(DevnetError::Rejected(format!(
                "timestamp {timestamp} is not after the latest block's {parent}"
            )));
        }
        if timestamp > MAX_TIMESTAMP {
            return Err(DevnetError::Rejected(format!(
                "timestamp {timestamp} is past the largest the dev chain accepts ({MAX_TIMESTAMP})"
            )));
        }
        // Both are below 2^40: no overflow.
        let offset = timestamp as i64 - now() as i64;
        self.apply(
            ChainRecord::Clock {
                offset,
                next: Some(timestamp),
            },
            true,
        );
        Ok(())
    }

    /// Forces the next block's base fee (`anvil_setNextBlockBaseFeePerGas`).
    pub fn set_next_base_fee(&mut self, fee: u64) {
        self.apply(ChainRecord::NextBaseFee(fee), true);
    }
}
