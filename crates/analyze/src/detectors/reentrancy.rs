//! Reentrancy: storage read before an external call and written after it,
//! so a callee that calls back sees (and acts on) the old value — in the
//! same function, or in another function of the contract that the lock
//! (if any) does not cover. "After" is control flow, not source position:
//! what a loop body does before a call it also does after it, in the next
//! iteration. A write after a call that nothing reads stale is the benign
//! class (Slither's `reentrancy-benign`, Aderyn's state change after an
//! external call).

use std::collections::{BTreeMap, HashSet};

use foundry_compilers::artifacts::ast::{ContractDefinition, FunctionDefinition};

use crate::ast::{BodyVisitor, Place};
use crate::detector::{Cx, Detector, Sink, is_entry, is_mutating};
use crate::{
    Confidence, Severity,
    flow::{CallKind, Effect, Located, lock_of, loops_of, within},
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "reentrancy-eth",
        title: "Reentrancy with ether: state written after an external call that sends ether",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A public function reads a storage variable, makes an external call in which \
               ether is sent, and writes that variable after the call, while the function \
               itself or another function of the contract that reads the variable can be \
               entered again.",
        why: "The callee runs arbitrary code with the old value still in storage: it can call \
              back into the function (or into another one that trusts the value) and withdraw \
              again before the balance is cleared (the DAO).",
        help: "write state before the call (checks-effects-interactions), or hold one lock in every function that touches the state",
        example: include_str!("../../testdata/src/reentrancy-eth.sol"),
        run: |cx, sink| scan(cx, sink, Class::Eth),
    },
    Detector {
        id: "reentrancy-no-eth",
        title: "Reentrancy: state written after an external call",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "A public function reads a storage variable, makes an external call (no ether \
               involved), and writes that variable after the call, while the function itself \
               or another function of the contract that reads the variable can be entered \
               again.",
        why: "A malicious token or callee can call back while the variable still holds the old \
              value and act on it twice (double-spend of a credit, a stale allowance).",
        help: "write state before the call (checks-effects-interactions), or hold one lock in every function that touches the state",
        example: include_str!("../../testdata/src/reentrancy-no-eth.sol"),
        run: |cx, sink| scan(cx, sink, Class::NoEth),
    },
    Detector {
        id: "reentrancy-benign",
        title: "State written after an external call",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "A public function without a lock writes storage after an external call, where \
               nothing it read before the call is written after it.",
        why: "Not exploitable as it stands, but the order breaks checks-effects-interactions: \
              a callee sees state that is about to change, and a later edit that reads the \
              variable first turns it into reentrancy.",
        help: "move the writes before the call (checks-effects-interactions)",
        example: include_str!("../../testdata/src/reentrancy-benign.sol"),
        run: |cx, sink| scan(cx, sink, Class::Benign),
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Eth,
    NoEth,
    Benign,
}

fn is_reentering_call(l: &Located<'_>) -> bool {
    matches!(
        l.effect,
        Effect::Call {
            kind: CallKind::External | CallKind::LowLevel,
            read_only: false,
            ..
        }
    )
}

fn sends_ether(l: &Located<'_>) -> bool {
    matches!(
        l.effect,
        Effect::Call {
            kind: CallKind::External | CallKind::LowLevel,
            value: true,
            ..
        }
    )
}

/// The storage variables that the contract's other mutating entry points
/// rely on, when they do not hold `lock`: they check them (in a condition,
/// or by decrementing them, which reverts below zero) in their own code or
/// the internal functions they run. A function that only adds to a
/// variable gains nothing from its stale value.
fn read_elsewhere(
    cx: &Cx<'_, '_>,
    contract: &ContractDefinition,
    f: &FunctionDefinition,
    lock: Option<isize>,
) -> HashSet<isize> {
    cx.program
        .functions_of(contract)
        .into_iter()
        .map(|owned| owned.item)
        .filter(|g| g.id != f.id && g.body.is_some() && is_entry(g) && is_mutating(g))
        .filter(|g| lock.is_none() || lock_of(cx.flow, g) != lock)
        .flat_map(|g| {
            let mut bodies: Vec<isize> = vec![g.id as isize];
            bodies.extend(cx.flow.flat(g.id as isize).iter().filter_map(|l| l.via));
            bodies
                .into_iter()
                .filter_map(|id| {
                    cx.program
                        .function(id)
                        .and_then(|h| h.body.as_ref())
                        .or_else(|| cx.program.modifier(id).and_then(|m| m.body.as_ref()))
                })
                .flat_map(checked_vars)
                .collect::<Vec<_>>()
        })
        .filter(|v| cx.program.is_storage(*v))
        .collect()
}

/// The declarations a body checks: read in a condition, or decremented.
fn checked_vars(body: &foundry_compilers::artifacts::ast::Block) -> Vec<isize> {
    use foundry_compilers::artifacts::ast::{AssignmentOperator, Expression, UnaryOperator};
    struct Checked(Vec<isize>);
    impl<'a> BodyVisitor<'a> for Checked {
        fn expression(&mut self, expr: &'a Expression, place: Place) {
            match expr {
                Expression::Identifier(i) if place.in_condition => {
                    self.0.extend(i.referenced_declaration);
                }
                Expression::Assignment(a) if a.operator == AssignmentOperator::SubAssign => {
                    self.0.extend(root(&a.lhs));
                }
                Expression::UnaryOperation(u) if u.operator == UnaryOperator::Decrement => {
                    self.0.extend(root(&u.sub_expression));
                }
                _ => {}
            }
        }
    }
    fn root(expr: &Expression) -> Option<isize> {
        match expr {
            Expression::Identifier(i) => i.referenced_declaration,
            Expression::IndexAccess(e) => root(&e.base_expression),
            Expression::MemberAccess(e) => root(&e.expression),
            _ => None,
        }
    }
    let mut checked = Checked(Vec::new());
    crate::ast::walk_block(body, Place::default(), &mut checked);
    checked.0
}

fn scan(cx: &Cx<'_, '_>, sink: &mut Sink, class: Class) {
    for (contract, f) in cx.functions() {
        if !is_entry(f) || !is_mutating(f) {
            continue;
        }
        let lock = lock_of(cx.flow, f);
        if lock.is_some() && class == Class::Benign {
            continue;
        }
        let flat = cx.flow.flat(f.id as isize);
        let loops = loops_of(f);
        let mut elsewhere: Option<HashSet<isize>> = None;
        let mut reported = HashSet::new();
        for (i, call) in flat.iter().enumerate() {
            if !is_reentering_call(call) {
                continue;
            }
            let read_before: HashSet<isize> = flat[..i]
                .iter()
                .filter_map(|l| match l.effect {
                    Effect::Read(v) => Some(v),
                    _ => None,
                })
                .collect();
            // Writes after the call: later ones, and earlier ones in a loop
            // around the call, which run again in the next iteration —
            // unless that iteration reads the variable afresh first
            // (`credit -= part` acts on the current value, not a stale one).
            let around: Vec<_> = loops
                .iter()
                .filter(|lp| within(call.site, **lp))
                .copied()
                .collect();
            let mut written_after = BTreeMap::new();
            for (j, later) in flat.iter().enumerate() {
                let Effect::Write(var) = later.effect else {
                    continue;
                };
                let after = j > i
                    || around.iter().any(|lp| {
                        within(later.site, *lp)
                            && !flat[..j].iter().any(|earlier| {
                                matches!(earlier.effect, Effect::Read(v) if v == var)
                                    && within(earlier.site, *lp)
                            })
                    });
                if after {
                    written_after.entry(var).or_insert(later.at);
                }
            }
            if written_after.is_empty() {
                continue;
            }
            let stale: BTreeMap<isize, _> = match lock {
                None => written_after
                    .iter()
                    .filter(|(v, _)| read_before.contains(v))
                    .map(|(v, at)| (*v, *at))
                    .collect(),
                Some(_) => {
                    let others =
                        elsewhere.get_or_insert_with(|| read_elsewhere(cx, contract, f, lock));
                    written_after
                        .iter()
                        .filter(|(v, _)| read_before.contains(v) && others.contains(v))
                        .map(|(v, at)| (*v, *at))
                        .collect()
                }
            };
            let (vars, found) = if stale.is_empty() {
                if lock.is_some() {
                    continue;
                }
                (&written_after, Class::Benign)
            } else {
                let eth = sends_ether(call) || flat[i + 1..].iter().any(sends_ether);
                (&stale, if eth { Class::Eth } else { Class::NoEth })
            };
            if found != class || !reported.insert(call.site.start) {
                continue;
            }
            let names: Vec<String> = vars
                .iter()
                .map(|(var, at)| {
                    let name = cx.program.variable(*var).map_or("?", |v| v.name.as_str());
                    format!("`{name}` (line {})", cx.line_of(*at))
                })
                .collect();
            let value = matches!(call.effect, Effect::Call { value: true, .. });
            let how = match (class, lock) {
                (Class::Benign, _) | (_, None) => "",
                (_, Some(_)) => ", which functions outside its lock rely on",
            };
            sink.report_also(
                &[call.at, call.inner_site],
                call.site,
                contract,
                Some(f),
                format!(
                    "external call `{}`{} is followed by a write to {}{how}",
                    cx.snippet(call.at),
                    if value { " sends ether and" } else { "" },
                    names.join(", ")
                ),
            );
        }
    }
}
