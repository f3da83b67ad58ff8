//! What a plan's step will do, from the journal and the plan alone — no
//! chain asked: done, in flight, to send again after a revert, changed
//! since it was done (and whether the change is accepted), or to send.
//! `Deployment::effect` adds the chain's part (the code at recorded
//! addresses, gas estimates).

use alloy_primitives::Address;

use slipway_chain::SignedTx;

use crate::{DeployError, StepInput, StepStatus, inputs::diff, journal::StepState};

/// A step's status and what follows from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Classified {
    /// What the step will do.
    pub(crate) status: StepStatus,
    /// Where the journal says its contract is (done or in flight).
    pub(crate) address: Option<Address>,
    /// Whether this run sends it (again): steps depending on it must then
    /// be sent again too.
    pub(crate) resent: bool,
}

/// What the plan asks of a step this run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Asked<'a> {
    /// What the step sends now, or why it cannot be prepared.
    pub(crate) now: Result<&'a StepInput, &'a str>,
    /// A step it depends on is sent again this run.
    pub(crate) after_resent: bool,
    /// `--redeploy` named it or a step it depends on.
    pub(crate) accepted: bool,
    /// `--redeploy` named it.
    pub(crate) redeploy: bool,
}

/// Classifies step `id` given what the journal holds of it.
pub(crate) fn classify(
    id: &str,
    journaled: Option<&StepState>,
    asked: Asked<'_>,
) -> Result<Classified, DeployError> {
    let Some(then) = journaled else {
        return Ok(Classified {
            status: StepStatus::Send,
            address: None,
            resent: true,
        });
    };
    if then.done() {
        let mut changes = match asked.now {
            Ok(now) => diff(&then.input, now),
            Err(reason) => vec![reason.to_owned()],
        };
        if asked.after_resent {
            changes.insert(0, "it depends on a step this run sends again".into());
        }
        if asked.redeploy && changes.is_empty() {
            return Err(DeployError::NothingToRedeploy(id.to_owned()));
        }
        let accepted = asked.after_resent || asked.accepted;
        let status = if changes.is_empty() {
            StepStatus::Done
        } else {
            StepStatus::Changed {
                diff: changes,
                accepted,
            }
        };
        return Ok(Classified {
            resent: status.sends(),
            status,
            address: then.input.address,
        });
    }
    if let Some(safe_tx_hash) = then.awaiting_safe() {
        return Ok(Classified {
            status: StepStatus::Proposed { safe_tx_hash },
            address: then.input.address,
            resent: false,
        });
    }
    Ok(if then.confirmed.is_none() {
        Classified {
            status: StepStatus::InFlight {
                hash: then.tx.as_ref().map(SignedTx::hash).unwrap_or_default(),
            },
            address: then.input.address,
            resent: true,
        }
    } else {
        Classified {
            status: StepStatus::Retry {
                hash: then.included_hash.unwrap_or_default(),
            },
            address: None,
            resent: true,
        }
    })
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{B256, Bytes, U256};
    use proptest::prelude::*;

    use super::*;
    use slipway_chain::FeeQuote;

    fn input(what: &str, value: u64) -> StepInput {
        StepInput {
            kind: "deploy".into(),
            what: what.into(),
            bytecode_hash: Some(B256::repeat_byte(1)),
            to: None,
            args: vec![],
            encoded_args: Bytes::new(),
            value: U256::from(value),
            salt: None,
            libraries: Default::default(),
            address: Some(Address::repeat_byte(9)),
            code_hash: None,
            unsafe_allow: Vec::new(),
        }
    }

    fn tx() -> SignedTx {
        SignedTx {
            nonce: 0,
            gas_limit: 21_000,
            fees: FeeQuote::Legacy { gas_price: 1 },
            hashes: vec![B256::repeat_byte(2)],
            raw: Bytes::new(),
        }
    }

    /// The journal's possible records of a step.
    #[derive(Clone, Copy, Debug)]
    enum Journaled {
        Never,
        Found,
        InFlight,
        Succeeded,
        Reverted,
    }

    fn state(kind: Journaled, value: u64) -> Option<StepState> {
        let base = StepState {
            input: input("A", value),
            tx: Some(tx()),
            block: None,
            confirmed: None,
            included_hash: None,
            proposal: None,
        };
        match kind {
            Journaled::Never => None,
            Journaled::Found => Some(StepState { tx: None, ..base }),
            Journaled::InFlight => Some(base),
            Journaled::Succeeded => Some(StepState {
                confirmed: Some((true, 21_000)),
                block: Some(1),
                ..base
            }),
            Journaled::Reverted => Some(StepState {
                confirmed: Some((false, 21_000)),
                block: Some(1),
                ..base
            }),
        }
    }

    fn journaled() -> impl Strategy<Value = Journaled> {
        prop_oneof![
            Just(Journaled::Never),
            Just(Journaled::Found),
            Just(Journaled::InFlight),
            Just(Journaled::Succeeded),
            Just(Journaled::Reverted),
        ]
    }

    proptest! {
        /// Whatever the journal and the plan say: a step is resent exactly
        /// when its status sends or it is in flight; it is done only when it
        /// was done, nothing changed and nothing it depends on is resent; a
        /// change is sent only when accepted.
        #[test]
        fn the_classification_is_consistent(
            kind in journaled(),
            then_value in 0u64..3,
            now_value in 0u64..3,
            after_resent: bool,
            accepted: bool,
            redeploy: bool,
            prepared: bool,
        ) {
            let then = state(kind, then_value);
            let now = input("A", now_value);
            let asked = Asked {
                now: if prepared { Ok(&now) } else { Err("cannot encode") },
                after_resent,
                accepted: accepted || redeploy,
                redeploy,
            };
            let unchanged = prepared && then_value == now_value && !after_resent;
            let was_done = matches!(kind, Journaled::Found | Journaled::Succeeded);
            match classify("A", then.as_ref(), asked) {
                Err(DeployError::NothingToRedeploy(step)) => {
                    prop_assert_eq!(step, "A");
                    prop_assert!(was_done && unchanged && redeploy);
                }
                Err(other) => prop_assert!(false, "{other}"),
                Ok(c) => {
                    let in_flight = matches!(c.status, StepStatus::InFlight { .. });
                    prop_assert_eq!(c.resent, c.status.sends() || in_flight);
                    prop_assert_eq!(matches!(c.status, StepStatus::Done), was_done && unchanged);
                    if let StepStatus::Changed { accepted: ok, diff } = &c.status {
                        prop_assert!(was_done && !unchanged);
                        prop_assert_eq!(*ok, accepted || redeploy || after_resent);
                        prop_assert!(!diff.is_empty());
                    }
                    match kind {
                        Journaled::Never => prop_assert_eq!(&c.status, &StepStatus::Send),
                        Journaled::InFlight => prop_assert!(in_flight, "{:?}", c.status),
                        Journaled::Reverted => {
                            let retry = matches!(c.status, StepStatus::Retry { .. });
                            prop_assert!(retry, "{:?}", c.status);
                        }
                        Journaled::Found | Journaled::Succeeded => {
                            prop_assert_eq!(c.address, Some(Address::repeat_byte(9)));
                        }
                    }
                }
            }
        }
    }
}
