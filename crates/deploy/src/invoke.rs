//! The `call` and `send` use cases: a function of a contract on an
//! environment's chain, read without a transaction or sent and followed to
//! its confirmations, with a revert worded from the project's ABIs. A
//! record written on another chain is refused first.

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, B256, U256};
use slipway_chain::{
    CallRequest, ChainClient, Lifecycle, NonceTracker, ProviderError, TxError, TxEvent, TxRequest,
};
use slipway_config::Environment;
use slipway_contracts::{ChainIdentity, Invocation, RecordError};
use slipway_keys::ChainSigner;

use crate::authorise::{
    Approval, Authorised, Confirm, ConfirmError, authorise, check_direct_signing,
};

/// Why a call or send stopped.
#[derive(Debug, thiserror::Error)]
pub enum InvokeRunError {
    /// Nothing at the address (a call there "succeeds" with nothing).
    #[error(
        "no contract at {} on {env}: check the address, or deploy first (`slipway deploy --env {env}`)",
        .to.to_checksum(None)
    )]
    NoContract {
        /// The address.
        to: Address,
        /// The environment.
        env: String,
    },
    /// The confirmation rule refused (a Safe is required, or nobody
    /// confirmed a protected environment).
    #[error(transparent)]
    Refused(#[from] ConfirmError),
    /// The answer does not decode.
    #[error(transparent)]
    Invoke(#[from] slipway_contracts::InvokeError),
    /// The record belongs to another chain.
    #[error(transparent)]
    Records(#[from] RecordError),
    /// The chain could not be asked.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The transaction did not reach finality.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// The lifecycle ended without a confirmation.
    #[error("the transaction did not complete")]
    Incomplete,
}

/// What a call answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// The decoded return values (one per output; raw hex without outputs).
    Returned(Vec<String>),
    /// It reverted: the reason in words.
    Reverted(String),
}

/// What a send came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Final: included, with its confirmations.
    Confirmed {
        /// The transaction.
        hash: B256,
        /// Its block.
        block: u64,
        /// Gas used.
        gas_used: u64,
        /// Whether it succeeded.
        success: bool,
    },
    /// The gas estimate reverted: nothing was sent. The reason in words.
    Reverted(String),
}

/// Something a send reports as it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendEvent {
    /// The address has no code: the transaction only moves its value.
    NoCode(Address),
    /// The confirmation rule let it go ahead (with a reason to record, or
    /// a waived protection to warn about).
    Authorised(Authorised),
    /// A step of the transaction's lifecycle.
    Tx(TxEvent),
}

/// Refuses `invocation` when its record was written on another chain
/// than `client`'s.
pub async fn check_record(
    env: &Environment,
    client: &ChainClient,
    invocation: &Invocation,
) -> Result<(), InvokeRunError> {
    if let Some(record) = &invocation.record {
        let here = ChainIdentity {
            chain_id: env.chain.id,
            genesis: Some(client.genesis_hash().await?),
        };
        record.check_chain(&env.name, here)?;
    }
    Ok(())
}

/// Where a revert's words come from beyond the record's ABI (custom errors
/// of libraries and callees): asked only when a revert needs them. The CLI
/// builds then (the build cache answers); a pipeline hands the ABIs of the
/// build it holds.
pub trait RevertAbis: Sync {
    /// The project's ABIs.
    fn abis(&self) -> Vec<JsonAbi>;
}

impl<F: Fn() -> Vec<JsonAbi> + Sync> RevertAbis for F {
    fn abis(&self) -> Vec<JsonAbi> {
        self()
    }
}

/// The reason of a revert a node reported, if it is one.
fn reverted(
    abis: &dyn RevertAbis,
    invocation: &Invocation,
    error: &ProviderError,
) -> Option<String> {
    let ProviderError::Rpc {
        revert: Some(data), ..
    } = error
    else {
        return None;
    };
    Some(invocation.revert_reason(&abis.abis(), data))
}

/// Calls `invocation` on `env`'s chain without a transaction; a revert is
/// worded with `abis`.
pub async fn call(
    env: &Environment,
    client: &ChainClient,
    invocation: &Invocation,
    abis: &dyn RevertAbis,
) -> Result<CallOutcome, InvokeRunError> {
    check_record(env, client, invocation).await?;
    if client.code(invocation.to).await?.is_empty() {
        return Err(InvokeRunError::NoContract {
            to: invocation.to,
            env: env.name.clone(),
        });
    }
    let request = CallRequest {
        to: Some(invocation.to),
        data: invocation.calldata.clone(),
        ..CallRequest::default()
    };
    match client.call(&request).await {
        Ok(output) => Ok(CallOutcome::Returned(invocation.decode_output(&output)?)),
        Err(error) => match reverted(abis, invocation, &error) {
            Some(reason) => Ok(CallOutcome::Reverted(reason)),
            None => Err(error.into()),
        },
    }
}

/// Who sends, and who allowed it.
pub struct Sender<'a> {
    /// The signer.
    pub signer: &'a ChainSigner,
    /// `--yes` / `--reason`.
    pub approval: &'a Approval,
    /// Asks a person in a protected environment.
    pub confirm: &'a (dyn Confirm + Sync),
    /// Words a revert met while estimating.
    pub abis: &'a dyn RevertAbis,
}

/// Refuses `slipway send` where a Safe must sign: checked before anyone is
/// asked for a key.
pub fn check_send(env: &Environment) -> Result<(), InvokeRunError> {
    Ok(check_direct_signing(env, "`slipway send`")?)
}

/// Sends `invocation` with `value` wei, signed by `sender.signer`, and
/// follows it to its confirmations. Refused where the environment signs
/// through a Safe; a protected environment is confirmed first
/// ([`authorise`]).
pub async fn send(
    env: &Environment,
    client: &ChainClient,
    sender: &Sender<'_>,
    invocation: &Invocation,
    value: U256,
    events: &mut (dyn FnMut(SendEvent) + Send),
) -> Result<SendOutcome, InvokeRunError> {
    check_send(env)?;
    check_record(env, client, invocation).await?;
    // Sending value to an account is fine; calling a function on one does
    // nothing, which deserves a word.
    if client.code(invocation.to).await?.is_empty() {
        events(SendEvent::NoCode(invocation.to));
    }
    let authorised = authorise(
        env,
        &format!(
            "sending {} to {}",
            invocation.function.signature(),
            invocation.to
        ),
        sender.approval,
        sender.confirm,
    )?;
    events(SendEvent::Authorised(authorised));
    send_authorised(
        env,
        client,
        sender.signer,
        sender.abis,
        invocation,
        value,
        events,
    )
    .await
}

/// Sends `invocation` for a caller that has already applied its own rule
/// for who may send where (ops: a guardian's pause goes out directly even
/// where a Safe signs everything else, after its own confirmation): no
/// multisig check and no confirmation here. The record's chain is checked
/// by the caller too.
pub async fn send_authorised(
    env: &Environment,
    client: &ChainClient,
    signer: &ChainSigner,
    abis: &dyn RevertAbis,
    invocation: &Invocation,
    value: U256,
    events: &mut (dyn FnMut(SendEvent) + Send),
) -> Result<SendOutcome, InvokeRunError> {
    let request = TxRequest {
        to: Some(invocation.to),
        value,
        data: invocation.calldata.clone(),
        gas_limit: None,
    };
    let sent = Lifecycle::for_env(env)
        .send(
            client,
            &NonceTracker::new(),
            signer,
            &request,
            &mut |event| events(SendEvent::Tx(event)),
        )
        .await;
    match sent {
        Ok(TxEvent::Confirmed {
            hash,
            block,
            success,
            gas_used,
        }) => Ok(SendOutcome::Confirmed {
            hash,
            block,
            gas_used,
            success,
        }),
        Ok(_) => Err(InvokeRunError::Incomplete),
        Err(TxError::Provider(error)) => match reverted(abis, invocation, &error) {
            Some(reason) => Ok(SendOutcome::Reverted(reason)),
            None => Err(TxError::Provider(error).into()),
        },
        Err(other) => Err(other.into()),
    }
}
