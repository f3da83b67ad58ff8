//! The typed chain client every command above this crate uses: alloy's
//! provider over one of two transports — the environment's failover
//! providers, or the embedded dev chain in this process. Nothing above it
//! writes a JSON-RPC method name or parses hex: it asks for balances,
//! receipts and code and gets typed values, and every failure comes back as
//! a [`ProviderError`] (a JSON-RPC error keeps its code and data, so reverts
//! decode).

use std::sync::Arc;

use alloy_eips::BlockNumberOrTag;
use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_provider::{Provider, RootProvider};
use alloy_rpc_client::RpcClient;
use alloy_rpc_types_eth::{FeeHistory, Transaction, TransactionReceipt, TransactionRequest};
use alloy_transport::{RpcError, TransportErrorKind};
use slipway_devnet::{Node, rpc::Ctx};

use crate::{
    Health, ProviderError, Providers,
    transport::{Failover, InProcess},
};

/// How the client reaches its chain.
#[derive(Clone, Debug)]
enum Reach {
    Providers(Arc<Providers>),
    InProcess(Arc<Ctx>),
}

/// A typed client of one chain.
#[derive(Clone, Debug)]
pub struct ChainClient {
    pub(crate) provider: RootProvider,
    reach: Reach,
    /// Where answers come from, for errors: the providers (redacted) or
    /// the embedded dev chain.
    pub(crate) source: String,
}

/// A call or transaction to ask the chain about (estimate, call).
#[derive(Clone, Debug, Default)]
pub struct CallRequest {
    /// The sender, if it matters.
    pub from: Option<Address>,
    /// The contract; `None` asks about a creation.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Calldata or init code.
    pub data: Bytes,
}

impl CallRequest {
    fn typed(&self) -> TransactionRequest {
        let mut tx = TransactionRequest::default()
            .with_value(self.value)
            .with_input(self.data.clone());
        if let Some(from) = self.from {
            tx = tx.with_from(from);
        }
        match self.to {
            Some(to) => tx.with_to(to),
            None => tx.into_create(),
        }
    }
}

/// An alloy error as the chain layer's error: the typed [`ProviderError`]
/// a transport carried, or a JSON-RPC error with its code and data;
/// `source` names where the answer came from.
fn error<'a>(
    method: &'a str,
    source: &'a str,
) -> impl FnOnce(RpcError<TransportErrorKind>) -> ProviderError + 'a {
    move |e| match e {
        RpcError::ErrorResp(payload) => ProviderError::Rpc {
            method: method.to_owned(),
            code: payload.code,
            message: payload.message.to_string(),
            revert: payload
                .data
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .as_ref()
                .and_then(crate::provider::revert_bytes),
        },
        RpcError::Transport(TransportErrorKind::Custom(inner)) => {
            match inner.downcast::<ProviderError>() {
                Ok(typed) => *typed,
                Err(other) => ProviderError::AllFailed {
                    method: method.to_owned(),
                    reasons: vec![other.to_string()],
                },
            }
        }
        RpcError::DeserError { err, text } => ProviderError::BadAnswer {
            method: method.to_owned(),
            url: source.to_owned(),
            reason: format!("{err} in {}", text.chars().take(200).collect::<String>()),
        },
        other => ProviderError::AllFailed {
            method: method.to_owned(),
            reasons: vec![other.to_string()],
        },
    }
}

/// How the embedded chain is named in errors.
const IN_PROCESS: &str = "the embedded dev chain";

impl ChainClient {
    pub(crate) fn error<'a>(
        &'a self,
        method: &'a str,
    ) -> impl FnOnce(RpcError<TransportErrorKind>) -> ProviderError + 'a {
        error(method, &self.source)
    }

    /// A client of the chain behind `providers` (failover, health records).
    pub fn remote(providers: Providers) -> Self {
        let providers = Arc::new(providers);
        let client = RpcClient::new(Failover(providers.clone()), false);
        let source = providers
            .health()
            .into_iter()
            .map(|(url, _)| url)
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            provider: RootProvider::new(client),
            reach: Reach::Providers(providers),
            source,
        }
    }

    /// A client of a dev chain running in this process: no socket.
    pub fn in_process(node: Arc<Node>) -> Self {
        let ctx = Ctx::new(node);
        let client = RpcClient::new(InProcess(ctx.clone()), true);
        Self {
            provider: RootProvider::new(client),
            reach: Reach::InProcess(ctx),
            source: IN_PROCESS.to_owned(),
        }
    }

    /// Whether the chain is the embedded one of this process.
    pub fn is_in_process(&self) -> bool {
        matches!(self.reach, Reach::InProcess(_))
    }

    /// The failover providers, when the chain is remote.
    pub fn providers(&self) -> Option<&Providers> {
        match &self.reach {
            Reach::Providers(p) => Some(p),
            Reach::InProcess(_) => None,
        }
    }

    /// The dev chain, when it runs in this process.
    pub fn node(&self) -> Option<&Arc<Node>> {
        match &self.reach {
            Reach::InProcess(ctx) => Some(&ctx.node),
            Reach::Providers(_) => None,
        }
    }

    /// Each provider (redacted) with its record; none in process.
    pub fn health(&self) -> Vec<(String, Health)> {
        match &self.reach {
            Reach::Providers(p) => p.health(),
            Reach::InProcess(_) => Vec::new(),
        }
    }

    /// Each provider asked on its own for its chain id, head and sync state;
    /// the chain in process answers as one.
    pub async fn probe_providers(&self) -> Vec<crate::ProviderProbe> {
        match &self.reach {
            Reach::Providers(p) => p.probe_each().await,
            Reach::InProcess(_) => {
                let started = std::time::Instant::now();
                let (chain_id, head) = (
                    self.chain_id().await,
                    self.provider.get_block_number().await,
                );
                let error = match (&chain_id, &head) {
                    (Err(e), _) => Some(e.to_string()),
                    (_, Err(e)) => Some(e.to_string()),
                    _ => None,
                };
                vec![crate::ProviderProbe {
                    url: IN_PROCESS.into(),
                    latency: error.is_none().then(|| started.elapsed()),
                    chain_id: chain_id.ok(),
                    head: head.ok(),
                    syncing: Some(false),
                    error,
                }]
            }
        }
    }

    /// The receipts of block `number`'s transactions, in order.
    pub async fn block_receipts(
        &self,
        number: u64,
    ) -> Result<Vec<TransactionReceipt>, ProviderError> {
        Ok(self
            .provider
            .get_block_receipts(BlockNumberOrTag::Number(number).into())
            .await
            .map_err(self.error("eth_getBlockReceipts"))?
            .unwrap_or_default())
    }

    /// Block `number`'s transactions, in order (empty when there is no
    /// such block).
    pub async fn block_transactions(&self, number: u64) -> Result<Vec<Transaction>, ProviderError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .full()
            .await
            .map_err(self.error("eth_getBlockByNumber"))?;
        Ok(block
            .map(|b| b.transactions.into_transactions().collect())
            .unwrap_or_default())
    }

    /// Checks that the chain is `expected` before anything is signed: every
    /// answering provider, or the chain in process.
    pub async fn check_chain(&self, expected: u64) -> Result<(), ProviderError> {
        match &self.reach {
            Reach::Providers(p) => p.check_chain(expected).await,
            Reach::InProcess(_) => {
                let actual = self.chain_id().await?;
                if actual != expected {
                    return Err(ProviderError::WrongChain {
                        expected,
                        actual,
                        url: IN_PROCESS.into(),
                    });
                }
                Ok(())
            }
        }
    }

    /// The chain's id.
    pub async fn chain_id(&self) -> Result<u64, ProviderError> {
        self.provider
            .get_chain_id()
            .await
            .map_err(self.error("eth_chainId"))
    }

    /// The head as every answering provider sees it, the lowest: a lagging
    /// provider can delay a confirmation, never fake one.
    pub async fn agreed_block_number(&self) -> Result<u64, ProviderError> {
        match &self.reach {
            Reach::Providers(p) => p.agreed_block_number().await,
            Reach::InProcess(_) => self
                .provider
                .get_block_number()
                .await
                .map_err(self.error("eth_blockNumber")),
        }
    }

    /// The hash of block 0: which chain this is, beyond its id.
    pub async fn genesis_hash(&self) -> Result<B256, ProviderError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(0))
            .await
            .map_err(self.error("eth_getBlockByNumber"))?;
        block
            .map(|b| b.header.hash)
            .ok_or_else(|| ProviderError::BadAnswer {
                method: "eth_getBlockByNumber".into(),
                url: self.source.clone(),
                reason: "the chain has no block 0".into(),
            })
    }

    /// `address`'s balance at the head.
    pub async fn balance(&self, address: Address) -> Result<U256, ProviderError> {
        self.provider
            .get_balance(address)
            .await
            .map_err(self.error("eth_getBalance"))
    }

    /// `address`'s next nonce counting pending transactions.
    pub async fn pending_nonce(&self, address: Address) -> Result<u64, ProviderError> {
        self.provider
            .get_transaction_count(address)
            .pending()
            .await
            .map_err(self.error("eth_getTransactionCount"))
    }

    /// `address`'s next nonce counting mined transactions only.
    pub async fn mined_nonce(&self, address: Address) -> Result<u64, ProviderError> {
        self.provider
            .get_transaction_count(address)
            .latest()
            .await
            .map_err(self.error("eth_getTransactionCount"))
    }

    /// The chain's gas estimate for `request`.
    pub async fn estimate_gas(&self, request: &CallRequest) -> Result<u64, ProviderError> {
        self.provider
            .estimate_gas(request.typed())
            .await
            .map_err(self.error("eth_estimateGas"))
    }

    /// Runs `request` against the head without a transaction; a revert is
    /// [`ProviderError::Rpc`] with the revert data.
    pub async fn call(&self, request: &CallRequest) -> Result<Bytes, ProviderError> {
        self.provider
            .call(request.typed())
            .await
            .map_err(self.error("eth_call"))
    }

    /// The legacy gas price.
    pub async fn gas_price(&self) -> Result<u128, ProviderError> {
        self.provider
            .get_gas_price()
            .await
            .map_err(self.error("eth_gasPrice"))
    }

    /// Base fees and the `percentile` priority fee of the last `blocks`.
    pub async fn fee_history(
        &self,
        blocks: u64,
        percentile: f64,
    ) -> Result<FeeHistory, ProviderError> {
        self.provider
            .get_fee_history(blocks, BlockNumberOrTag::Latest, &[percentile])
            .await
            .map_err(self.error("eth_feeHistory"))
    }

    /// Hands signed bytes to the chain.
    pub async fn send_raw(&self, raw: &Bytes) -> Result<(), ProviderError> {
        self.provider
            .send_raw_transaction(raw)
            .await
            .map(|_| ())
            .map_err(self.error("eth_sendRawTransaction"))
    }

    /// A transaction's receipt, once included.
    pub async fn receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>, ProviderError> {
        self.provider
            .get_transaction_receipt(hash)
            .await
            .map_err(self.error("eth_getTransactionReceipt"))
    }

    /// A transaction the chain knows (pending or mined).
    pub async fn transaction(&self, hash: B256) -> Result<Option<Transaction>, ProviderError> {
        self.provider
            .get_transaction_by_hash(hash)
            .await
            .map_err(self.error("eth_getTransactionByHash"))
    }

    /// The calldata (or init code) of a transaction the chain knows.
    pub async fn transaction_input(&self, hash: B256) -> Result<Option<Bytes>, ProviderError> {
        use alloy_consensus::Transaction as _;
        Ok(self
            .transaction(hash)
            .await?
            .map(|tx| tx.inner.input().clone()))
    }

    /// The runtime code at `address` (empty: no contract).
    pub async fn code(&self, address: Address) -> Result<Bytes, ProviderError> {
        self.provider
            .get_code_at(address)
            .await
            .map_err(self.error("eth_getCode"))
    }

    /// The word at storage `slot` of `address` (an ERC-1967 slot, say).
    pub async fn storage_at(&self, address: Address, slot: B256) -> Result<B256, ProviderError> {
        self.provider
            .get_storage_at(address, slot.into())
            .await
            .map(B256::from)
            .map_err(self.error("eth_getStorageAt"))
    }
}
