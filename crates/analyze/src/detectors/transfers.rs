//! Value leaving to where a caller says: ether or tokens sent to an
//! address taken from the arguments of an unguarded function, code run by
//! `delegatecall` at such an address, and `selfdestruct` anyone can reach.

use foundry_compilers::artifacts::ast::{Expression, FunctionCall};

use crate::ast::strip_conversion;

use crate::detector::{Cx, Detector, Sink, is_entry};
use crate::{
    Confidence, Severity,
    flow::{CallKind, Effect, is_guarded, is_sender, mentions, tainted},
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "arbitrary-send-eth",
        title: "Ether sent to an address any caller chooses",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A function anyone can call sends the contract's ether to an address that comes \
               from its arguments.",
        why: "Anyone can drain the contract's balance by naming their own address.",
        help: "restrict the function to a role, or pay only `msg.sender` (pull payments)",
        example: include_str!("../../testdata/src/arbitrary-send-eth.sol"),
        run: arbitrary_send_eth,
    },
    Detector {
        id: "arbitrary-send-erc20",
        title: "`transferFrom` with a `from` any caller chooses",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "A function anyone can call moves tokens with `transferFrom` (or \
               `safeTransferFrom`) from an address taken from its arguments.",
        why: "Every user who approved this contract can be robbed: the caller names the \
              victim as `from` and themselves as `to`.",
        help: "use `msg.sender` as `from`",
        example: include_str!("../../testdata/src/arbitrary-send-erc20.sol"),
        run: |cx, sink| arbitrary_send_erc20(cx, sink, false),
    },
    Detector {
        id: "arbitrary-send-erc20-permit",
        title: "`permit` then `transferFrom` with a `from` any caller chooses",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A function anyone can call redeems a `permit` and then moves tokens from an \
               address taken from its arguments.",
        why: "A token without `permit` whose fallback does not revert (WETH) lets the permit \
              call succeed silently, so anyone who approved the contract can be robbed.",
        help: "use `msg.sender` as `from`, or check the token really implements `permit`",
        example: include_str!("../../testdata/src/arbitrary-send-erc20-permit.sol"),
        run: |cx, sink| arbitrary_send_erc20(cx, sink, true),
    },
    Detector {
        id: "controlled-delegatecall",
        title: "`delegatecall` to an address any caller chooses",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A function anyone can call runs `delegatecall` on an address taken from its \
               arguments.",
        why: "The callee's code runs with this contract's storage and balance: a caller can \
              take ownership, drain it or destroy it.",
        help: "delegate only to a fixed or admin-set implementation",
        example: include_str!("../../testdata/src/controlled-delegatecall.sol"),
        run: controlled_delegatecall,
    },
    Detector {
        id: "suicidal",
        title: "`selfdestruct` any caller can reach",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "A function anyone can call reaches `selfdestruct`.",
        why: "Anyone can send the contract's ether where they like and (before Cancun, or in \
              the creating transaction) remove its code.",
        help: "remove `selfdestruct`, or restrict the function to an owner or role",
        example: include_str!("../../testdata/src/suicidal.sol"),
        run: suicidal,
    },
];

/// The address a member call is made on (`to` in `to.call{…}(…)`), with
/// `payable(…)` conversions removed.
pub(crate) fn call_target(call: &FunctionCall) -> Option<&Expression> {
    let callee = match &call.expression {
        Expression::FunctionCallOptions(o) => &o.expression,
        other => other,
    };
    match callee {
        Expression::MemberAccess(m) => Some(strip_conversion(&m.expression)),
        _ => None,
    }
}

/// The calls `f` itself makes (not through internal functions) that send
/// ether (`ether`) or delegate (`!ether`), with the address called.
pub(crate) fn own_calls<'a>(
    cx: &Cx<'_, 'a>,
    f: &foundry_compilers::artifacts::ast::FunctionDefinition,
    ether: bool,
) -> Vec<(crate::flow::Located<'a>, &'a FunctionCall, &'a Expression)> {
    cx.flow
        .flat(f.id as isize)
        .iter()
        .filter(|l| l.via.is_none())
        .filter_map(|l| match l.effect {
            Effect::Call {
                kind: CallKind::LowLevel | CallKind::Send | CallKind::Transfer,
                call,
                value: true,
                ..
            } if ether => Some((*l, call)),
            Effect::Call {
                kind: CallKind::Delegate,
                call,
                ..
            } if !ether => Some((*l, call)),
            _ => None,
        })
        .filter_map(|(l, call)| Some((l, call, call_target(call)?)))
        .collect()
}

/// The functions anyone can call (no guard on `msg.sender`), with their
/// parameters and the locals derived from them.
fn unguarded<'a>(
    cx: &Cx<'_, 'a>,
) -> Vec<(
    &'a foundry_compilers::artifacts::ast::ContractDefinition,
    &'a foundry_compilers::artifacts::ast::FunctionDefinition,
    std::collections::HashSet<isize>,
)> {
    cx.functions()
        .into_iter()
        .filter(|(_, f)| is_entry(f) && !is_guarded(cx.flow, f))
        .map(|(c, f)| (c, f, tainted(f)))
        .collect()
}

/// Reports `call`, made through `site`, as reaching `target`.
fn report_target(
    cx: &Cx<'_, '_>,
    sink: &mut Sink,
    site: foundry_compilers::artifacts::ast::SourceLocation,
    (contract, f): (
        &foundry_compilers::artifacts::ast::ContractDefinition,
        &foundry_compilers::artifacts::ast::FunctionDefinition,
    ),
    call: &FunctionCall,
    target: &Expression,
    what: &str,
) {
    sink.report(
        site,
        contract,
        Some(f),
        format!(
            "`{}` {what} `{}`, which the caller chooses",
            cx.snippet(call.src),
            cx.snippet(crate::ast::src(target))
        ),
    );
}

fn is_msg_value(expr: &Expression) -> bool {
    matches!(expr, Expression::MemberAccess(m) if m.member_name == "value"
        && matches!(&m.expression, Expression::Identifier(i) if i.name == "msg"))
}

fn arbitrary_send_eth(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f, params) in unguarded(cx) {
        for (l, call, target) in own_calls(cx, f, true) {
            if is_sender(target) || !mentions(target, &params) {
                continue;
            }
            let amount_is_msg_value = call.arguments.first().is_some_and(is_msg_value)
                || matches!(&call.expression, Expression::FunctionCallOptions(o)
                    if o.options.iter().any(is_msg_value));
            if !amount_is_msg_value {
                report_target(
                    cx,
                    sink,
                    l.site,
                    (contract, f),
                    call,
                    target,
                    "sends ether to",
                );
            }
        }
    }
}

fn is_this(expr: &Expression) -> bool {
    matches!(strip_conversion(expr), Expression::Identifier(i) if i.name == "this")
}

fn arbitrary_send_erc20(cx: &Cx<'_, '_>, sink: &mut Sink, want_permit: bool) {
    for (contract, f, params) in unguarded(cx) {
        let mut calls = Vec::new();
        let body = f.body.as_ref().expect("functions() has bodies");
        struct Calls<'a> {
            found: Vec<&'a FunctionCall>,
        }
        impl<'a> crate::ast::BodyVisitor<'a> for Calls<'a> {
            fn expression(&mut self, e: &'a Expression, _p: crate::ast::Place) {
                if let Expression::FunctionCall(c) = e {
                    self.found.push(c);
                }
            }
        }
        let mut v = Calls { found: Vec::new() };
        crate::ast::walk_block(body, Default::default(), &mut v);
        calls.extend(v.found);
        let member = |c: &FunctionCall| match &c.expression {
            Expression::MemberAccess(m) => Some(m.member_name.clone()),
            _ => None,
        };
        let has_permit = calls
            .iter()
            .any(|c| member(c).is_some_and(|m| m == "permit" || m == "safePermit"));
        if has_permit != want_permit {
            continue;
        }
        for call in calls {
            let Some(name) = member(call) else { continue };
            // token.transferFrom(from, to, amount), or SafeERC20's
            // token.safeTransferFrom(from, to, amount) through `using`.
            let from = match (name.as_str(), call.arguments.len()) {
                ("transferFrom" | "safeTransferFrom", 3) => &call.arguments[0],
                _ => continue,
            };
            let from = strip_conversion(from);
            if is_sender(from) || is_this(from) || !mentions(from, &params) {
                continue;
            }
            // ERC-721's transferFrom moves a token the caller must own or be
            // approved for: not this class.
            if ast_type_is_nft(call) {
                continue;
            }
            report_target(
                cx,
                sink,
                call.src,
                (contract, f),
                call,
                from,
                "moves tokens from",
            );
        }
    }
}

fn ast_type_is_nft(call: &FunctionCall) -> bool {
    match &call.expression {
        Expression::MemberAccess(m) => {
            let base = crate::ast::type_of(&m.expression).to_ascii_lowercase();
            base.contains("721") || base.contains("1155")
        }
        _ => false,
    }
}

fn controlled_delegatecall(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f, params) in unguarded(cx) {
        for (l, call, target) in own_calls(cx, f, false) {
            if mentions(target, &params) {
                report_target(
                    cx,
                    sink,
                    l.site,
                    (contract, f),
                    call,
                    target,
                    "runs, on this contract's storage, code at",
                );
            }
        }
    }
}

fn suicidal(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        if !is_entry(f) || is_guarded(cx.flow, f) {
            continue;
        }
        if let Some(l) = cx.flow.flat(f.id as isize).iter().find(|l| {
            matches!(
                l.effect,
                Effect::Call {
                    kind: CallKind::SelfDestruct,
                    ..
                }
            )
        }) {
            sink.report(
                l.site,
                contract,
                Some(f),
                format!("`{}` is reachable by anyone", cx.snippet(l.at)),
            );
        }
    }
}
