//! The transaction and event rules, compiled against the recorded
//! contracts' ABIs when the monitor starts (a rule naming an event or
//! function no watched contract declares is refused then), and matched
//! against logs, transactions and receipts with their arguments decoded.

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::{Event, Function};
use alloy_primitives::{Address, B256, U256};
use slipway_config::{Clause, Literal, Op, Rule, Watch};
use slipway_contracts::DeploymentRecord;

use crate::MonitorError;

/// What a rule matches on one contract.
#[derive(Clone, Debug)]
enum Matcher {
    /// The event, and a decoder of the contract's ABI for it.
    Event(Event, Box<slipway_contracts::Decoder>),
    Call(Function),
    Failed,
}

/// A rule on one contract.
#[derive(Clone, Debug)]
pub struct Target {
    /// The record's name.
    pub contract: String,
    /// Its address.
    pub address: Address,
    matcher: Matcher,
}

/// A rule ready to match.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    /// The rule as configured.
    pub rule: Rule,
    /// The contracts it watches.
    pub targets: Vec<Target>,
}

/// A match: the rule, where, and its decoded arguments in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The rule's id.
    pub rule: String,
    /// The contract's record.
    pub contract: String,
    /// The block.
    pub block: u64,
    /// Its hash.
    pub block_hash: B256,
    /// The transaction.
    pub tx: B256,
    /// The log's index in the block (none for transactions).
    pub log_index: Option<u64>,
    /// What matched, with its arguments (`Released(amount: 5, …)`).
    pub what: String,
}

impl Match {
    /// The dedup key: the rule and the chain data that made it.
    pub fn key(&self) -> String {
        match self.log_index {
            Some(index) => format!("rule:{}:{}:{}:{index}", self.rule, self.block_hash, self.tx),
            None => format!("rule:{}:{}:{}", self.rule, self.block_hash, self.tx),
        }
    }
}

fn named_event(records: &[&DeploymentRecord], name: &str) -> Vec<(usize, Event)> {
    records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.abi
                .events()
                .find(|e| e.name == name || e.signature() == name)
                .map(|e| (i, e.clone()))
        })
        .collect()
}

fn named_function(records: &[&DeploymentRecord], name: &str) -> Vec<(usize, Function)> {
    records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.abi
                .functions()
                .find(|f| f.name == name || f.signature() == name)
                .map(|f| (i, f.clone()))
        })
        .collect()
}

/// Compiles `rules` against `records`.
pub(crate) fn compile(
    rules: &[Rule],
    records: &[DeploymentRecord],
) -> Result<Vec<CompiledRule>, MonitorError> {
    let mut compiled = Vec::new();
    for rule in rules {
        let watched: Vec<&DeploymentRecord> = match &rule.contract {
            Some(name) => {
                let found: Vec<&DeploymentRecord> =
                    records.iter().filter(|r| &r.name == name).collect();
                if found.is_empty() {
                    return Err(MonitorError::Rule {
                        rule: rule.id.clone(),
                        file: rule.file.clone(),
                        reason: format!("no deployment record `{name}` in this environment"),
                    });
                }
                found
            }
            None => records.iter().collect(),
        };
        let targets: Vec<Target> = match &rule.watch {
            Watch::Event(name) => named_event(&watched, name)
                .into_iter()
                .map(|(i, event)| Target {
                    contract: watched[i].name.clone(),
                    address: watched[i].address,
                    matcher: Matcher::Event(
                        event,
                        Box::new(slipway_contracts::Decoder::new([&watched[i].abi])),
                    ),
                })
                .collect(),
            Watch::Call(name) => named_function(&watched, name)
                .into_iter()
                .map(|(i, function)| Target {
                    contract: watched[i].name.clone(),
                    address: watched[i].address,
                    matcher: Matcher::Call(function),
                })
                .collect(),
            Watch::Failed => watched
                .iter()
                .map(|r| Target {
                    contract: r.name.clone(),
                    address: r.address,
                    matcher: Matcher::Failed,
                })
                .collect(),
        };
        if targets.is_empty() {
            let what = match &rule.watch {
                Watch::Event(name) => format!("event `{name}`"),
                Watch::Call(name) => format!("function `{name}`"),
                Watch::Failed => "anything".to_owned(),
            };
            return Err(MonitorError::Rule {
                rule: rule.id.clone(),
                file: rule.file.clone(),
                reason: format!("no recorded contract declares {what}"),
            });
        }
        // Every condition names an argument the event or function has.
        for target in &targets {
            let names: Vec<String> = match &target.matcher {
                Matcher::Event(e, _) => e.inputs.iter().map(|p| p.name.clone()).collect(),
                Matcher::Call(f) => f.inputs.iter().map(|p| p.name.clone()).collect(),
                Matcher::Failed => Vec::new(),
            };
            if let Some(clause) = rule.when.iter().find(|c| !names.contains(&c.arg)) {
                return Err(MonitorError::Rule {
                    rule: rule.id.clone(),
                    file: rule.file.clone(),
                    reason: format!(
                        "`{}` is not an argument of it on {} (it has: {})",
                        clause.arg,
                        target.contract,
                        names.join(", ")
                    ),
                });
            }
        }
        compiled.push(CompiledRule {
            rule: rule.clone(),
            targets,
        });
    }
    Ok(compiled)
}

impl CompiledRule {
    /// The addresses whose logs it needs.
    pub fn event_addresses(&self) -> impl Iterator<Item = Address> + '_ {
        self.targets
            .iter()
            .filter(|t| matches!(t.matcher, Matcher::Event(..)))
            .map(|t| t.address)
    }

    /// Whether it needs each block's transactions or receipts.
    pub fn needs_transactions(&self) -> bool {
        self.targets
            .iter()
            .any(|t| matches!(t.matcher, Matcher::Call(_) | Matcher::Failed))
    }

    /// Whether the conditions hold for these named arguments.
    fn holds(&self, args: &BTreeMap<String, DynSolValue>) -> bool {
        self.rule
            .when
            .iter()
            .all(|clause| args.get(&clause.arg).is_some_and(|v| compare(v, clause)))
    }

    /// The match of `log`, if it is one.
    pub fn match_log(&self, log: &alloy_rpc_types_eth::Log) -> Option<Match> {
        let target = self.targets.iter().find(|t| {
            t.address == log.address()
                && matches!(&t.matcher, Matcher::Event(e, _) if log.topic0() == Some(&e.selector()))
        })?;
        let Matcher::Event(event, decoder) = &target.matcher else {
            return None;
        };
        let decoded = decoder.decode_event(&log.inner)?;
        if decoded.signature != event.signature() {
            return None;
        }
        let shown: Vec<String> = decoded
            .args
            .iter()
            .map(|a| {
                format!(
                    "{}: {}",
                    a.name,
                    slipway_contracts::display_value(&a.value, true)
                )
            })
            .collect();
        let args: BTreeMap<String, DynSolValue> = decoded
            .args
            .into_iter()
            .map(|a| (a.name, a.value))
            .collect();
        if !self.holds(&args) {
            return None;
        }
        Some(Match {
            rule: self.rule.id.clone(),
            contract: target.contract.clone(),
            block: log.block_number?,
            block_hash: log.block_hash?,
            tx: log.transaction_hash?,
            log_index: log.log_index,
            what: format!("{}({})", event.name, shown.join(", ")),
        })
    }

    /// The match of a transaction to `to` with `input` and its outcome.
    pub fn match_transaction(
        &self,
        to: Address,
        input: &[u8],
        success: bool,
        (block, block_hash, tx): (u64, B256, B256),
    ) -> Option<Match> {
        for target in self.targets.iter().filter(|t| t.address == to) {
            let what = match &target.matcher {
                Matcher::Failed if !success => "a failed transaction".to_owned(),
                Matcher::Call(function)
                    if input.get(..4) == Some(function.selector().as_slice()) =>
                {
                    let values = function.abi_decode_input(&input[4..]).ok()?;
                    let args: BTreeMap<String, DynSolValue> = function
                        .inputs
                        .iter()
                        .map(|p| p.name.clone())
                        .zip(values.iter().cloned())
                        .collect();
                    if !self.holds(&args) {
                        continue;
                    }
                    let shown: Vec<String> = values
                        .iter()
                        .map(|v| slipway_contracts::display_value(v, true))
                        .collect();
                    format!(
                        "a call of {}({}){}",
                        function.name,
                        shown.join(", "),
                        if success { "" } else { ", which failed" }
                    )
                }
                _ => continue,
            };
            return Some(Match {
                rule: self.rule.id.clone(),
                contract: target.contract.clone(),
                block,
                block_hash,
                tx,
                log_index: None,
                what,
            });
        }
        None
    }
}

/// Whether `value` compares with the clause's literal as it says.
fn compare(value: &DynSolValue, clause: &Clause) -> bool {
    use std::cmp::Ordering;
    let ordering = match (&clause.value, value) {
        (Literal::Number(want), DynSolValue::Uint(have, _)) => Some(have.cmp(want)),
        (Literal::Number(want), DynSolValue::Int(have, _)) => {
            if have.is_negative() {
                Some(Ordering::Less)
            } else {
                Some(have.into_raw().cmp(want))
            }
        }
        (Literal::Address(want), DynSolValue::Address(have)) => Some(have.cmp(want)),
        (Literal::Word(want), DynSolValue::FixedBytes(have, 32)) => Some(have.cmp(want)),
        (Literal::Bool(want), DynSolValue::Bool(have)) => Some(have.cmp(want)),
        (Literal::Text(want), DynSolValue::String(have)) => Some(have.as_str().cmp(want.as_str())),
        // A number against an enum's uint8, an address given as a word…
        (Literal::Number(want), DynSolValue::FixedBytes(have, _)) => {
            Some(U256::from_be_bytes(have.0).cmp(want))
        }
        _ => None,
    };
    let Some(ordering) = ordering else {
        return false;
    };
    match clause.op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(text: &str) -> Clause {
        slipway_config::parse_condition(text)
            .expect("parses")
            .remove(0)
    }

    #[test]
    fn comparisons_follow_the_values_types() {
        let ether = U256::from(10u128.pow(18));
        let amount = DynSolValue::Uint(ether * U256::from(150), 256);
        assert!(compare(&amount, &clause("amount > 100 ether")));
        assert!(!compare(&amount, &clause("amount < 100 ether")));
        assert!(compare(&amount, &clause("amount >= 150 ether")));
        assert!(compare(
            &DynSolValue::FixedBytes(B256::ZERO, 32),
            &clause("role == DEFAULT_ADMIN_ROLE")
        ));
        assert!(!compare(
            &DynSolValue::FixedBytes(B256::repeat_byte(1), 32),
            &clause("role == DEFAULT_ADMIN_ROLE")
        ));
        // A number never equals an address: the types differ, so no match.
        assert!(!compare(
            &DynSolValue::Address(Address::ZERO),
            &clause("amount == 0")
        ));
        assert!(compare(
            &DynSolValue::Uint(U256::from(3), 8),
            &clause("level == 3")
        ));
    }
}
