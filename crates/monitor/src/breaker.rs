//! The automated circuit breaker: a rule with `action = { pause = level }`
//! makes the monitor pause the contract through ops, signed by the
//! environment's `guardian` directly — never a Safe proposal, and no
//! prompt: the rule in the configuration is the authorisation. Before
//! sending, the pause is worked out on the state now: an already-paused
//! contract (the bridge's `PauseLevelNotHigher`, a paused Pausable) counts
//! as done with nothing sent, so two replicas that both detect it send at
//! most one pause. At start each breaker's pause is simulated from the
//! guardian; one that could not act is refused.

use alloy_primitives::Address;
use slipway_chain::{CallRequest, ChainClient, ProviderError};
use slipway_config::{Config, Environment, Rule};
use slipway_contracts::Decoder;
use slipway_deploy::{Approval, Unattended};
use slipway_keys::ChainSigner;
use slipway_ops::{
    ActContext, Action, OpsRequest, PauseLevel, Planned,
    incident::{Author, Outcome, Severity},
    time::Clock,
};

use crate::MonitorError;

/// What the breaker did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tripped {
    /// It sent the pause: its outcome, and the incident that records it.
    Paused {
        /// The contract.
        contract: String,
        /// How the transaction ended.
        outcome: Outcome,
        /// The incident.
        incident: u32,
    },
    /// The contract already was paused that far: nothing sent.
    AlreadyPaused {
        /// The contract.
        contract: String,
    },
}

fn level(rule: &Rule) -> Option<PauseLevel> {
    match rule.pause.as_deref()? {
        "deposits" => Some(PauseLevel::Deposits),
        "releases" => Some(PauseLevel::Releases),
        _ => Some(PauseLevel::All),
    }
}

/// The breaker of an environment: its guardian, unlocked once.
pub(crate) struct Breaker {
    guardian: Option<ChainSigner>,
}

impl std::fmt::Debug for Breaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Breaker")
            .field(
                "guardian",
                &self.guardian.as_ref().map(ChainSigner::address),
            )
            .finish()
    }
}

impl Breaker {
    /// The breaker for `rules`: none when no rule pauses. Each rule's pause
    /// is worked out and simulated from the guardian (`contracts`: the
    /// records each rule watches).
    pub(crate) async fn new(
        config: &Config,
        env: &Environment,
        client: &ChainClient,
        rules: &[(Rule, Vec<String>)],
        guardian: Option<ChainSigner>,
    ) -> Result<Self, MonitorError> {
        let pausing: Vec<&(Rule, Vec<String>)> =
            rules.iter().filter(|(r, _)| r.pause.is_some()).collect();
        if pausing.is_empty() {
            return Ok(Self { guardian: None });
        }
        let Some(guardian) = guardian else {
            return Err(MonitorError::Breaker {
                rule: pausing[0].0.id.clone(),
                contract: pausing[0].1.join(", "),
                reason: format!(
                    "environment `{}` has no `guardian` signer to sign it",
                    env.name
                ),
            });
        };
        for (rule, contracts) in pausing {
            for contract in contracts {
                simulate(config, env, client, rule, contract, guardian.address()).await?;
            }
        }
        Ok(Self {
            guardian: Some(guardian),
        })
    }

    /// Pauses `contract` for `rule`, which matched `what`.
    pub(crate) async fn trip(
        &self,
        config: &Config,
        env: &Environment,
        client: &ChainClient,
        clock: &dyn Clock,
        (rule, contract, what): (&Rule, &str, &str),
    ) -> Result<Tripped, MonitorError> {
        let request = OpsRequest {
            contract: contract.to_owned(),
            action: Action::Pause { level: level(rule) },
            signer: Some("guardian".into()),
        };
        let prepared = slipway_ops::prepare(config, env, client, &request).await?;
        if matches!(prepared.planned, Planned::Nothing(_)) {
            return Ok(Tripped::AlreadyPaused {
                contract: contract.to_owned(),
            });
        }
        let approval = Approval {
            yes: true,
            reason: Some(format!("monitor rule `{}`: {what}", rule.id)),
            reason_required: true,
        };
        let abis = Vec::new;
        let author = Author {
            by: format!("slipway monitor (rule {})", rule.id),
            clock,
        };
        let command = format!("slipway monitor --env {}", env.name);
        let ctx = ActContext {
            config,
            env,
            client,
            approval: &approval,
            confirm: &Unattended,
            abis: &abis,
            author: &author,
            command: &command,
            incident: None,
            severity: Severity::Critical,
        };
        match slipway_ops::act(&prepared, &ctx, self.guardian.as_ref(), &mut |_| {}).await {
            // The estimate reverted: another replica's pause got in first.
            Ok(acted) if matches!(acted.outcome, Outcome::Reverted { .. }) => {
                let again = slipway_ops::prepare(config, env, client, &request).await?;
                Ok(if matches!(again.planned, Planned::Nothing(_)) {
                    Tripped::AlreadyPaused {
                        contract: contract.to_owned(),
                    }
                } else {
                    Tripped::Paused {
                        contract: contract.to_owned(),
                        outcome: acted.outcome,
                        incident: acted.incident,
                    }
                })
            }
            Ok(acted) => Ok(Tripped::Paused {
                contract: contract.to_owned(),
                outcome: acted.outcome,
                incident: acted.incident,
            }),
            // Another replica paused between the plan and the send.
            Err(slipway_ops::OpsError::StateChanged { .. }) => Ok(Tripped::AlreadyPaused {
                contract: contract.to_owned(),
            }),
            Err(other) => {
                // Two replicas with one guardian key send the same nonce:
                // one is mined, the other fails. Paused now is paused.
                let again = slipway_ops::prepare(config, env, client, &request).await?;
                if matches!(again.planned, Planned::Nothing(_)) {
                    Ok(Tripped::AlreadyPaused {
                        contract: contract.to_owned(),
                    })
                } else {
                    Err(other.into())
                }
            }
        }
    }
}

/// The rule's pause from the guardian, on the state now: refused when the
/// contract cannot pause or the guardian may not.
async fn simulate(
    config: &Config,
    env: &Environment,
    client: &ChainClient,
    rule: &Rule,
    contract: &str,
    guardian: Address,
) -> Result<(), MonitorError> {
    let refuse = |reason: String| MonitorError::Breaker {
        rule: rule.id.clone(),
        contract: contract.to_owned(),
        reason,
    };
    let request = OpsRequest {
        contract: contract.to_owned(),
        action: Action::Pause { level: level(rule) },
        signer: Some("guardian".into()),
    };
    let prepared = slipway_ops::prepare(config, env, client, &request)
        .await
        .map_err(|e| refuse(e.to_string()))?;
    let Some(invocation) = &prepared.invocation else {
        // Already paused that far: nothing to simulate.
        return Ok(());
    };
    let call = CallRequest {
        from: Some(guardian),
        to: Some(invocation.to),
        data: invocation.calldata.clone(),
        ..CallRequest::default()
    };
    match client.call(&call).await {
        Ok(_) => Ok(()),
        Err(ProviderError::Rpc {
            revert: Some(data), ..
        }) => {
            let reason = Decoder::new([&prepared.record.abi]).revert_reason(&data);
            Err(refuse(format!(
                "the guardian {guardian} cannot pause it ({reason}): grant it the role that may pause"
            )))
        }
        Err(other) => Err(other.into()),
    }
}
