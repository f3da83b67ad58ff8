//! Why an operation stopped, each in words that say what to do.

use alloy_primitives::Address;

/// Why an operation stopped.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The environment has no record of that name.
    #[error(
        "no deployment record `{name}` in deployments/{env}/ (records there: {known}); deploy first (`slipway deploy --env {env}`) or name one of them"
    )]
    UnknownContract {
        /// The name given.
        name: String,
        /// The environment.
        env: String,
        /// The records there.
        known: String,
    },
    /// The contract has no function for the action.
    #[error(
        "{contract} has no function to {action}: ops knows OpenZeppelin's Pausable, AccessControl, AccessControlDefaultAdminRules, Ownable and Ownable2Step and the bundled bridge; map its own in slipway.toml (`[ops.{contract}] {key} = \"yourFunction()\"`)"
    )]
    Unsupported {
        /// The contract.
        contract: String,
        /// The action, in words.
        action: String,
        /// The `[ops.<Contract>]` key that would map it.
        key: String,
    },
    /// A mapping in `[ops.<Contract>]` does not fit.
    #[error("[ops.{contract}] {key}: {reason}")]
    Mapping {
        /// The contract.
        contract: String,
        /// The key.
        key: String,
        /// What does not fit.
        reason: String,
    },
    /// The action does not apply as asked (the reason says what to do).
    #[error("{0}")]
    Refused(String),
    /// A timelock has not run out.
    #[error(
        "{what} becomes possible at {at} (block time {at_secs}), in {left}: nothing was sent. Run it again then"
    )]
    TooEarly {
        /// What waits.
        what: String,
        /// When, as a date.
        at: String,
        /// When, in seconds since 1970.
        at_secs: u64,
        /// How long is left, in words.
        left: String,
    },
    /// The state changed between what was shown and what would be sent.
    #[error(
        "the contract's state changed while waiting for confirmation ({now}): nothing was sent. Run the command again to see the new state"
    )]
    StateChanged {
        /// The state now, in words.
        now: String,
    },
    /// The environment needs a Safe and names none.
    #[error(
        "environment `{env}` requires a Safe multisig for admin actions and names none: add `multisig = {{ safe = \"0x…\", threshold = N }}` under [environments.{env}] in slipway.toml (`slipway safe create` makes one)"
    )]
    NoSafe {
        /// The environment.
        env: String,
    },
    /// A view answered something that does not decode.
    #[error("{contract}'s {function} answered something that does not decode: {reason}")]
    Answer {
        /// The contract.
        contract: Address,
        /// The function.
        function: String,
        /// Why.
        reason: String,
    },
    /// The chain answered no head block.
    #[error("the chain answered no latest block")]
    NoHead,
    /// The chain could not be asked.
    #[error(transparent)]
    Provider(#[from] slipway_chain::ProviderError),
    /// Deployment records do not read.
    #[error(transparent)]
    Records(#[from] slipway_contracts::RecordError),
    /// Sending or calling failed.
    #[error(transparent)]
    Invoke(#[from] slipway_deploy::InvokeRunError),
    /// Confirmation refused.
    #[error(transparent)]
    Confirm(#[from] slipway_deploy::ConfirmError),
    /// Proposing to the Safe failed.
    #[error(transparent)]
    Safe(#[from] Box<slipway_deploy::safe::SafeUseError>),
    /// A signer's address cannot be known.
    #[error(transparent)]
    Signer(#[from] slipway_keys::SignerError),
    /// The incident log failed.
    #[error(transparent)]
    Incident(#[from] crate::incident::IncidentError),
}

impl From<slipway_deploy::safe::SafeUseError> for OpsError {
    fn from(error: slipway_deploy::safe::SafeUseError) -> Self {
        Self::Safe(Box::new(error))
    }
}
