//! Loops that repeat what must happen once: `msg.value` counted per
//! iteration, `delegatecall` in a payable loop, external calls that let one
//! failing callee block everyone.

use foundry_compilers::artifacts::ast::{Expression, FunctionCall, StateMutability};

use crate::detector::{Cx, Detector, Sink};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
    flow::{CallKind, Effect},
    program::referenced,
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "msg-value-loop",
        title: "`msg.value` used inside a loop",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "`msg.value` is read in the body or condition of a loop.",
        why: "The ether arrives once but is counted on every iteration: a batch credits each \
              entry with the whole payment.",
        help: "track what the loop spends in a local and compare it with `msg.value` once",
        example: include_str!("../../testdata/src/msg-value-loop.sol"),
        run: msg_value_loop,
    },
    Detector {
        id: "delegatecall-loop",
        title: "`delegatecall` inside a loop in a payable function",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A payable function delegatecalls in a loop (a payable `multicall`).",
        why: "Every delegated call sees the same `msg.value`: one payment is spent once per \
              call.",
        help: "make the function non-payable, or account for `msg.value` once",
        example: include_str!("../../testdata/src/delegatecall-loop.sol"),
        run: delegatecall_loop,
    },
    Detector {
        id: "calls-loop",
        title: "External call inside a loop",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "A loop makes an external call, directly or through an internal function.",
        why: "One callee that reverts or uses all the gas stops the whole loop: a single \
              receiver can block every other payout.",
        help: "let each party pull their own payment, or skip failed calls and record them",
        example: include_str!("../../testdata/src/calls-loop.sol"),
        run: calls_loop,
    },
];

struct InLoop<'a> {
    exprs: Vec<&'a Expression>,
}

impl<'a> BodyVisitor<'a> for InLoop<'a> {
    fn expression(&mut self, expr: &'a Expression, place: Place) {
        if place.in_loop {
            self.exprs.push(expr);
        }
    }
}

fn in_loops(f: &foundry_compilers::artifacts::ast::FunctionDefinition) -> Vec<&Expression> {
    let mut v = InLoop { exprs: Vec::new() };
    if let Some(body) = &f.body {
        ast::walk_block(body, Place::default(), &mut v);
    }
    v.exprs
}

fn msg_value_loop(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        for e in in_loops(f) {
            if let Expression::MemberAccess(m) = e
                && m.member_name == "value"
                && matches!(&m.expression, Expression::Identifier(i) if i.name == "msg")
            {
                sink.report(
                    m.src,
                    contract,
                    Some(f),
                    "`msg.value` is read on every iteration",
                );
            }
        }
    }
}

fn member_call(e: &Expression) -> Option<(&FunctionCall, &str, &Expression)> {
    let Expression::FunctionCall(c) = e else {
        return None;
    };
    let callee = match &c.expression {
        Expression::FunctionCallOptions(o) => &o.expression,
        other => other,
    };
    match callee {
        Expression::MemberAccess(m) => Some((c, m.member_name.as_str(), &m.expression)),
        _ => None,
    }
}

fn delegatecall_loop(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        if *f.state_mutability() != StateMutability::Payable {
            continue;
        }
        for e in in_loops(f) {
            if let Some((call, "delegatecall", base)) = member_call(e)
                && ast::type_of(base).starts_with("address")
            {
                sink.report(
                    call.src,
                    contract,
                    Some(f),
                    "`delegatecall` in a loop of a payable function reuses `msg.value`",
                );
            }
        }
    }
}

fn calls_loop(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        for e in in_loops(f) {
            let Expression::FunctionCall(call) = e else {
                continue;
            };
            let direct = member_call(e).is_some_and(|(_, name, base)| {
                let base_type = ast::type_of(base);
                if base_type.starts_with("address") {
                    matches!(name, "call" | "send" | "transfer" | "delegatecall")
                } else {
                    let callee = match &call.expression {
                        Expression::FunctionCallOptions(o) => &o.expression,
                        other => other,
                    };
                    let t = ast::type_of(callee);
                    t.contains(" external") && !t.contains(" view") && !t.contains(" pure")
                }
            });
            let through = !direct
                && referenced(&call.expression)
                    .filter(|id| cx.program.function(*id).is_some())
                    .is_some_and(|id| {
                        cx.flow.flat(id).iter().any(|l| {
                            matches!(l.effect, Effect::Call { kind, read_only: false, .. }
                                if kind != CallKind::SelfDestruct)
                        })
                    });
            if direct || through {
                sink.report(
                    call.src,
                    contract,
                    Some(f),
                    format!(
                        "`{}` {}calls out on every iteration",
                        cx.snippet(call.src),
                        if through {
                            "(through an internal function) "
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
    }
}
