//! Typed controls of a development node — slipway's own, anvil or Hardhat
//! (they answer the same `evm_*` and `anvil_*`/`hardhat_*` methods): for
//! tests and for rehearsals on a fork. A node that is not a dev node
//! refuses them with its own error.

use std::borrow::Cow;

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_provider::Provider;
use serde::{Serialize, de::DeserializeOwned};

use crate::{ChainClient, ProviderError};

impl ChainClient {
    async fn dev<P, R>(&self, method: &'static str, params: P) -> Result<R, ProviderError>
    where
        P: Serialize + Clone + Send + Sync + std::fmt::Debug + Unpin + 'static,
        R: DeserializeOwned + std::fmt::Debug + Send + Sync + Unpin + 'static,
    {
        self.provider
            .raw_request(Cow::Borrowed(method), params)
            .await
            .map_err(self.error(method))
    }

    /// Takes a snapshot of the chain; its id for [`ChainClient::revert_to`].
    pub async fn snapshot(&self) -> Result<U256, ProviderError> {
        self.dev("evm_snapshot", ()).await
    }

    /// Returns the chain to snapshot `id`; false when there is no such
    /// snapshot.
    pub async fn revert_to(&self, id: U256) -> Result<bool, ProviderError> {
        self.dev("evm_revert", (id,)).await
    }

    /// Mines `blocks` blocks, `interval` seconds apart.
    pub async fn mine(&self, blocks: u64, interval: u64) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self
            .dev("anvil_mine", (U64::from(blocks), U64::from(interval)))
            .await?;
        Ok(())
    }

    /// Moves the clock `seconds` forward; the new total offset in seconds.
    pub async fn increase_time(&self, seconds: u64) -> Result<i64, ProviderError> {
        // anvil answers a number, Hardhat and slipway a decimal string.
        let offset: serde_json::Value = self.dev("evm_increaseTime", (seconds,)).await?;
        offset
            .as_i64()
            .or_else(|| offset.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| ProviderError::BadAnswer {
                method: "evm_increaseTime".into(),
                url: self.source.clone(),
                reason: format!("{offset} is not a number of seconds"),
            })
    }

    /// The next block's timestamp.
    pub async fn set_next_timestamp(&self, timestamp: u64) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self.dev("evm_setNextBlockTimestamp", (timestamp,)).await?;
        Ok(())
    }

    /// Replaces the code at `address`.
    pub async fn set_code(&self, address: Address, code: Bytes) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self.dev("anvil_setCode", (address, code)).await?;
        Ok(())
    }

    /// Sets `address`'s balance, in wei.
    pub async fn set_balance(&self, address: Address, wei: U256) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self.dev("anvil_setBalance", (address, wei)).await?;
        Ok(())
    }

    /// Writes `value` into storage `slot` of `address`.
    pub async fn set_storage(
        &self,
        address: Address,
        slot: U256,
        value: B256,
    ) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self
            .dev("anvil_setStorageAt", (address, slot, value))
            .await?;
        Ok(())
    }

    /// Lets transactions from `address` be sent unsigned
    /// (`eth_sendTransaction`), as if its key were here.
    pub async fn impersonate(&self, address: Address) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self.dev("anvil_impersonateAccount", (address,)).await?;
        Ok(())
    }

    /// Ends [`ChainClient::impersonate`].
    pub async fn stop_impersonating(&self, address: Address) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self
            .dev("anvil_stopImpersonatingAccount", (address,))
            .await?;
        Ok(())
    }

    /// Removes the last `depth` blocks (their transactions go back to the
    /// pool on slipway's node).
    pub async fn rollback(&self, depth: u64) -> Result<(), ProviderError> {
        let _: serde::de::IgnoredAny = self.dev("anvil_rollback", (depth,)).await?;
        Ok(())
    }

    /// Replaces the last `depth` blocks with as many new ones: a reorg, as
    /// a monitor must survive it.
    pub async fn reorg(&self, depth: u64) -> Result<(), ProviderError> {
        let none: [(); 0] = [];
        let _: serde::de::IgnoredAny = self.dev("anvil_reorg", (depth, none)).await?;
        Ok(())
    }
}
