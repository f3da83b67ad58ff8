//! A transaction from signing to finality: sent, waited for, re-priced at
//! the same nonce when not included in time, re-sent when dropped, counted
//! to the configured confirmations, and waited for again when a reorg
//! removes it. Every step is reported to the caller as a [`TxEvent`].

use std::time::{Duration, Instant};

use alloy_consensus::{TxEip1559, TxLegacy, TypedTransaction};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256};
use alloy_rpc_types_eth::TransactionReceipt;
use serde::{Deserialize, Serialize};
use slipway_config::FeePolicy;

use slipway_keys::{ChainSigner, SignerError};

use crate::{
    CallRequest, ChainClient, FeeError, FeeQuote, NonceCheck, NonceTracker, ProviderError, bump,
    estimate,
};

/// What to send.
#[derive(Clone, Debug, Default)]
pub struct TxRequest {
    /// Recipient; `None` deploys `data`.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Calldata or init code.
    pub data: Bytes,
    /// Gas limit; `None` estimates (+20 %).
    pub gas_limit: Option<u64>,
}

/// The first pause while waiting for a receipt; pauses double up to
/// [`Lifecycle::poll`].
const FIRST_POLL: Duration = Duration::from_millis(25);

/// How the lifecycle waits.
#[derive(Clone, Debug)]
pub struct Lifecycle {
    /// The chain's id (signed into the transaction).
    pub chain_id: u64,
    /// Fees and bumps.
    pub fees: FeePolicy,
    /// Blocks that must include the transaction (1: the including block).
    pub confirmations: u64,
    /// How often the chain is polled once the first quick looks (25 ms,
    /// doubling) found nothing.
    pub poll: Duration,
    /// Give up after this long without inclusion, or without the
    /// confirmations (`[environments.X] confirm_timeout`).
    pub timeout: Duration,
}

impl Lifecycle {
    /// The lifecycle of every transaction sent to `env` (deploy, send, and
    /// the coming ops): its chain id, fee policy and confirmations; quick
    /// polls on the embedded chain, half-second ones on a real network;
    /// its `confirm_timeout` (15 minutes unless set) before giving up.
    pub fn for_env(env: &slipway_config::Environment) -> Self {
        Self {
            chain_id: env.chain.id,
            fees: env.fees.clone(),
            confirmations: env.confirmations.max(1),
            poll: match env.target {
                slipway_config::Target::Embedded(_) => Duration::from_millis(100),
                slipway_config::Target::Rpc(_) => Duration::from_millis(500),
            },
            timeout: env.confirm_timeout,
        }
    }
}

/// A step of the lifecycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxEvent {
    /// The nonce was reconciled with the chain.
    Nonce {
        /// The nonce used.
        nonce: u64,
        /// What reconciling found.
        check: NonceCheck,
    },
    /// A transaction was signed and is about to be sent: a journal records
    /// it now, so that a crash after sending loses nothing.
    Sent {
        /// Its hash.
        hash: B256,
        /// Its nonce.
        nonce: u64,
        /// Its fees.
        fees: FeeQuote,
        /// Its signed bytes (journals keep them to re-send after a crash).
        raw: Bytes,
    },
    /// Not included in time: re-priced at the same nonce (reported before
    /// the replacement is sent).
    Bumped {
        /// The replacement's hash.
        hash: B256,
        /// Its fees.
        fees: FeeQuote,
        /// Its signed bytes.
        raw: Bytes,
    },
    /// No longer known to the node: sent again.
    Dropped {
        /// The hash re-sent.
        hash: B256,
    },
    /// Included in a block.
    Included {
        /// The transaction included (the original or a replacement).
        hash: B256,
        /// The block.
        block: u64,
    },
    /// Included, and waiting for more blocks on top (reported each time the
    /// head moves, and once at the start).
    Confirming {
        /// The transaction.
        hash: B256,
        /// Its block.
        block: u64,
        /// The chain's head.
        head: u64,
        /// Blocks still to come.
        remaining: u64,
    },
    /// A reorg removed it before it was final.
    Reorged {
        /// The transaction.
        hash: B256,
        /// The block it was in.
        block: u64,
    },
    /// Final: the configured confirmations reached.
    Confirmed {
        /// The transaction.
        hash: B256,
        /// Its block.
        block: u64,
        /// Whether it succeeded (status 1).
        success: bool,
        /// Gas it used.
        gas_used: u64,
    },
}

/// Why a transaction did not reach finality.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The client failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// No fee could be chosen under the cap.
    #[error(transparent)]
    Fee(#[from] FeeError),
    /// Signing failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// Re-priced as often as the policy allows, still not included.
    #[error("not included after {bumps} fee bumps (the policy's limit); last hash {hash}")]
    Stuck {
        /// Bumps made.
        bumps: u32,
        /// The last hash sent.
        hash: B256,
    },
    /// The sender cannot pay for the transaction.
    #[error(transparent)]
    InsufficientFunds(Box<Shortfall>),
    /// The timeout passed.
    #[error(
        "not final after {0:?} (last hash {1}): the chain may be stalled or mining only on demand; the transaction may still land, and the command run again follows it from its journal; to wait longer, raise the environment's confirm_timeout"
    )]
    Timeout(Duration, B256),
    /// A journaled transaction was never included and its nonce is now
    /// used by another transaction: it will never be; the caller decides
    /// whether to send its request again.
    #[error(
        "none of the transactions sent with nonce {nonce} was included and the chain has used that nonce for another"
    )]
    NonceUsed {
        /// The nonce.
        nonce: u64,
    },
}

/// What a sender lacks, worded as geth words it whatever the node said,
/// with the amounts.
#[derive(Debug, thiserror::Error)]
#[error(
    "insufficient funds for gas * price + value: {from} has {have} wei, the transaction needs {need} wei ({}); fund the account or lower the fee cap",
    cost_breakdown(.gas, .value)
)]
pub struct Shortfall {
    /// The sender.
    pub from: Address,
    /// Its balance.
    pub have: U256,
    /// What the transaction may cost at most.
    pub need: U256,
    /// The gas limit and the price per gas (the fee cap), once known.
    pub gas: Option<(u64, u128)>,
    /// Wei sent.
    pub value: U256,
}

fn cost_breakdown(gas: &Option<(u64, u128)>, value: &U256) -> String {
    match gas {
        Some((gas, price)) => format!("gas {gas} * price {price} + value {value}"),
        None => format!("value {value}, before gas"),
    }
}

/// A signed transaction on its way: everything needed to follow it, also
/// after a crash (journals keep it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedTx {
    /// Its nonce.
    pub nonce: u64,
    /// Its gas limit.
    pub gas_limit: u64,
    /// The fees of the latest version.
    pub fees: FeeQuote,
    /// Every hash sent at this nonce (the original and its replacements).
    pub hashes: Vec<B256>,
    /// The latest version's signed bytes.
    pub raw: Bytes,
}

impl SignedTx {
    /// The latest version's hash.
    pub fn hash(&self) -> B256 {
        self.hashes.last().copied().unwrap_or_default()
    }
}

type Receipt = TransactionReceipt;

impl Lifecycle {
    async fn sign_at(
        &self,
        signer: &ChainSigner,
        request: &TxRequest,
        nonce: u64,
        gas_limit: u64,
        fees: FeeQuote,
    ) -> Result<(B256, Bytes), TxError> {
        let kind = request.to.map_or(TxKind::Create, TxKind::Call);
        let tx: TypedTransaction = match fees {
            FeeQuote::Eip1559 {
                max_fee,
                priority_fee,
            } => TxEip1559 {
                chain_id: self.chain_id,
                nonce,
                gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: priority_fee,
                to: kind,
                value: request.value,
                input: request.data.clone(),
                access_list: Default::default(),
            }
            .into(),
            FeeQuote::Legacy { gas_price } => TxLegacy {
                chain_id: Some(self.chain_id),
                nonce,
                gas_price,
                gas_limit,
                to: kind,
                value: request.value,
                input: request.data.clone(),
            }
            .into(),
        };
        let envelope = signer.sign_transaction(tx).await?;
        Ok((*envelope.tx_hash(), envelope.encoded_2718().into()))
    }

    async fn receipt(client: &ChainClient, hashes: &[B256]) -> Result<Option<Receipt>, TxError> {
        for hash in hashes {
            let receipt = client.receipt(*hash).await?;
            if receipt.is_some() {
                return Ok(receipt);
            }
        }
        Ok(None)
    }

    async fn known(client: &ChainClient, hash: B256) -> Result<bool, TxError> {
        Ok(client.transaction(hash).await?.is_some())
    }

    async fn push(client: &ChainClient, raw: &Bytes) -> Result<(), TxError> {
        match client.send_raw(raw).await {
            Ok(_) => Ok(()),
            // A node that has it already is fine: it is pending.
            Err(ProviderError::Rpc { message, .. }) if message.contains("already known") => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends again at a nonce already used: if an earlier version was
    /// mined meanwhile the node refuses with "nonce too low", which the
    /// next receipt check resolves.
    async fn repush(client: &ChainClient, raw: &Bytes) -> Result<(), TxError> {
        match Self::push(client, raw).await {
            Err(TxError::Provider(ProviderError::Rpc { message, .. }))
                if message.contains("nonce too low") || message.contains("underpriced") =>
            {
                Ok(())
            }
            other => other,
        }
    }

    /// Sends `request` signed by `signer` and follows it to finality.
    pub async fn send(
        &self,
        client: &ChainClient,
        nonces: &NonceTracker,
        signer: &ChainSigner,
        request: &TxRequest,
        events: &mut (dyn FnMut(TxEvent) + Send),
    ) -> Result<TxEvent, TxError> {
        let tx = self.sign(client, nonces, signer, request, events).await?;
        Self::broadcast(client, &tx).await?;
        self.wait(client, signer, request, tx, events).await
    }

    /// Reserves a nonce, estimates gas (+20 %) and fees, and signs; reports
    /// `Nonce` and then `Sent` (before anything leaves: journal it then).
    pub async fn sign(
        &self,
        client: &ChainClient,
        nonces: &NonceTracker,
        signer: &ChainSigner,
        request: &TxRequest,
        events: &mut (dyn FnMut(TxEvent) + Send),
    ) -> Result<SignedTx, TxError> {
        let from = signer.address();
        let (nonce, check) = nonces.reserve(client, from).await?;
        events(TxEvent::Nonce { nonce, check });
        let balance = client.balance(from).await?;
        let short = |need: U256, gas: Option<(u64, u128)>| {
            TxError::InsufficientFunds(Box::new(Shortfall {
                from,
                have: balance,
                need,
                gas,
                value: request.value,
            }))
        };
        if balance < request.value {
            // Nodes word this differently, or fail the estimate with it.
            return Err(short(request.value, None));
        }
        let gas_limit = match request.gas_limit {
            Some(limit) => limit,
            None => {
                Self::estimate_gas(client, from, request)
                    .await?
                    .saturating_mul(6)
                    / 5
            }
        };
        let fees = estimate(client, &self.fees).await?;
        let price = match fees {
            FeeQuote::Eip1559 { max_fee, .. } => max_fee,
            FeeQuote::Legacy { gas_price } => gas_price,
        };
        let need = U256::from(gas_limit) * U256::from(price) + request.value;
        if balance < need {
            return Err(short(need, Some((gas_limit, price))));
        }
        let (hash, raw) = self
            .sign_at(signer, request, nonce, gas_limit, fees)
            .await?;
        events(TxEvent::Sent {
            hash,
            nonce,
            fees,
            raw: raw.clone(),
        });
        Ok(SignedTx {
            nonce,
            gas_limit,
            fees,
            hashes: vec![hash],
            raw,
        })
    }

    /// The chain's gas estimate for `request` sent by `from` (without the
    /// margin `sign` adds).
    pub async fn estimate_gas(
        client: &ChainClient,
        from: Address,
        request: &TxRequest,
    ) -> Result<u64, ProviderError> {
        client
            .estimate_gas(&CallRequest {
                from: Some(from),
                to: request.to,
                value: request.value,
                data: request.data.clone(),
            })
            .await
    }

    /// Sends a signed transaction's latest version to the client.
    pub async fn broadcast(client: &ChainClient, tx: &SignedTx) -> Result<(), TxError> {
        Self::push(client, &tx.raw).await
    }

    /// Follows a transaction a journal recorded before a crash: if one of
    /// its versions is on chain it is followed to finality; if its nonce is
    /// still free it is sent again; if the nonce went to another
    /// transaction, [`TxError::NonceUsed`].
    pub async fn resume(
        &self,
        client: &ChainClient,
        signer: &ChainSigner,
        request: &TxRequest,
        tx: SignedTx,
        events: &mut (dyn FnMut(TxEvent) + Send),
    ) -> Result<TxEvent, TxError> {
        if Self::receipt(client, &tx.hashes).await?.is_none() {
            if client.mined_nonce(signer.address()).await? > tx.nonce {
                // A version may have been mined between the two questions.
                if Self::receipt(client, &tx.hashes).await?.is_none() {
                    return Err(TxError::NonceUsed { nonce: tx.nonce });
                }
            } else {
                Self::broadcast(client, &tx).await?;
            }
        }
        self.wait(client, signer, request, tx, events).await
    }

    /// Waits for a sent transaction: re-prices it when not included in
    /// time, re-sends it when dropped, counts confirmations, and waits again
    /// after a reorg.
    pub async fn wait(
        &self,
        client: &ChainClient,
        signer: &ChainSigner,
        request: &TxRequest,
        mut tx: SignedTx,
        events: &mut (dyn FnMut(TxEvent) + Send),
    ) -> Result<TxEvent, TxError> {
        let started = Instant::now();
        let mut bumps = 0u32;
        let mut sent_at = Instant::now();
        // A local node answers within milliseconds, a real chain within
        // seconds: the first looks come quickly, then every `poll`.
        let mut pause = FIRST_POLL.min(self.poll);
        loop {
            if let Some(receipt) = Self::receipt(client, &tx.hashes).await? {
                let block = receipt.block_number.unwrap_or_default();
                events(TxEvent::Included {
                    hash: receipt.transaction_hash,
                    block,
                });
                match self.confirm(client, &receipt, events).await? {
                    Some(done) => return Ok(done),
                    // Reorged out: wait for inclusion again (re-sent below if dropped).
                    None => {
                        sent_at = Instant::now();
                        continue;
                    }
                }
            }
            // A last look came before giving up.
            if started.elapsed() > self.timeout {
                return Err(TxError::Timeout(self.timeout, tx.hash()));
            }
            if !Self::known(client, tx.hash()).await? {
                events(TxEvent::Dropped { hash: tx.hash() });
                Self::repush(client, &tx.raw).await?;
                sent_at = Instant::now();
            } else if sent_at.elapsed() >= self.fees.bump_after {
                if bumps >= self.fees.bump_limit {
                    return Err(TxError::Stuck {
                        bumps,
                        hash: tx.hash(),
                    });
                }
                let fees = bump(tx.fees, self.fees.bump_percent, self.fees.max_fee_cap)?;
                let (hash, raw) = self
                    .sign_at(signer, request, tx.nonce, tx.gas_limit, fees)
                    .await?;
                events(TxEvent::Bumped {
                    hash,
                    fees,
                    raw: raw.clone(),
                });
                tx.hashes.push(hash);
                tx.raw = raw;
                tx.fees = fees;
                Self::repush(client, &tx.raw).await?;
                bumps += 1;
                sent_at = Instant::now();
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(self.poll);
        }
    }

    /// Waits for `confirmations` blocks on the receipt's block; `None` when a
    /// reorg removed the transaction first.
    async fn confirm(
        &self,
        client: &ChainClient,
        receipt: &Receipt,
        events: &mut (dyn FnMut(TxEvent) + Send),
    ) -> Result<Option<TxEvent>, TxError> {
        let block = receipt.block_number.unwrap_or_default();
        let started = Instant::now();
        let mut shown_head = None;
        loop {
            let current = Self::receipt(client, &[receipt.transaction_hash]).await?;
            if current
                .as_ref()
                .is_none_or(|r| r.block_hash != receipt.block_hash)
            {
                events(TxEvent::Reorged {
                    hash: receipt.transaction_hash,
                    block,
                });
                return Ok(None);
            }
            let head = client.agreed_block_number().await?;
            if head + 1 >= block + self.confirmations {
                let done = TxEvent::Confirmed {
                    hash: receipt.transaction_hash,
                    block,
                    success: receipt.status(),
                    gas_used: receipt.gas_used,
                };
                events(done.clone());
                return Ok(Some(done));
            }
            if shown_head != Some(head) {
                shown_head = Some(head);
                events(TxEvent::Confirming {
                    hash: receipt.transaction_hash,
                    block,
                    head,
                    remaining: (block + self.confirmations).saturating_sub(head + 1),
                });
            }
            if started.elapsed() > self.timeout {
                return Err(TxError::Timeout(self.timeout, receipt.transaction_hash));
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}
