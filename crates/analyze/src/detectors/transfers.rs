//! Value leaving to where a caller says: ether or tokens sent to an
//! address that an unguarded function's caller chooses (its arguments, or
//! state an open setter stores, followed through helpers, modifiers and
//! library calls: `taint`), code run by `delegatecall` at such an address,
//! a low-level call with target and data both chosen, and `selfdestruct`
//! anyone can reach.

use foundry_compilers::artifacts::ast::{Expression, FunctionCall};

use crate::ast::strip_conversion;

use crate::detector::{Cx, Detector, Sink, is_entry};
use crate::{
    Confidence, Severity,
    flow::{CallKind, Effect, is_guarded, is_sender},
    taint::{Reach, Reached},
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "arbitrary-send-eth",
        title: "Ether sent to an address any caller chooses",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A function anyone can call sends the contract's ether to an address the caller \
               chooses (its arguments, or state an open setter stores), or pays the caller \
               the whole balance or an amount it names with nothing checked first.",
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
        id: "arbitrary-call",
        title: "Low-level call with a target and data any caller chooses",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A function anyone can call makes a low-level `call` whose target and calldata \
               both come from the caller (arguments, `msg.data`, or state an open setter \
               stores).",
        why: "The contract can be made to call anything in its own name: `transferFrom` on \
              every token its users approved to it, an admin function of a contract that \
              trusts it.",
        help: "fix the target or the function selector, check the target against an allow-list, or restrict the function to a role",
        example: include_str!("../../testdata/src/arbitrary-call.sol"),
        run: arbitrary_call,
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

/// The functions anyone can call (no guard on `msg.sender`), with the calls
/// they reach and what the caller controls there.
fn unguarded<'a>(
    cx: &Cx<'_, 'a>,
) -> Vec<(
    &'a foundry_compilers::artifacts::ast::ContractDefinition,
    &'a foundry_compilers::artifacts::ast::FunctionDefinition,
    Vec<Reached<'a>>,
)> {
    cx.functions()
        .into_iter()
        .filter(|(_, f)| is_entry(f) && !is_guarded(cx.flow, f))
        .map(|(c, f)| (c, f, cx.taint().reached(f)))
        .collect()
}

/// Reports `call`, reached through `site`, as reaching `target`.
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
    let through = if crate::flow::within(call.src, f.src) {
        String::new()
    } else {
        format!(" (reached through `{}`)", cx.snippet(site))
    };
    sink.report_also(
        &[call.src],
        site,
        contract,
        Some(f),
        format!(
            "`{}` {what} `{}`, which the caller chooses{through}",
            cx.snippet(call.src),
            cx.snippet(crate::ast::src(target))
        ),
    );
}

fn is_msg_value(expr: &Expression) -> bool {
    matches!(expr, Expression::MemberAccess(m) if m.member_name == "value"
        && matches!(&m.expression, Expression::Identifier(i) if i.name == "msg"))
}

/// The ether amount of a value-carrying call.
fn amount_of(call: &FunctionCall) -> Option<&Expression> {
    match &call.expression {
        Expression::FunctionCallOptions(o) => o
            .names
            .iter()
            .zip(&o.options)
            .find(|(name, _)| *name == "value")
            .map(|(_, v)| v),
        _ => call.arguments.first(),
    }
}

/// A payable function that checks `msg.value` in a condition accounts for
/// the ether it is sent: what it pays out is the caller's own (refunds of
/// an overpayment).
fn accounts_msg_value(f: &foundry_compilers::artifacts::ast::FunctionDefinition) -> bool {
    struct Accounts(bool);
    impl<'a> crate::ast::BodyVisitor<'a> for Accounts {
        fn expression(&mut self, e: &'a Expression, place: crate::ast::Place) {
            self.0 |= place.in_condition && is_msg_value(e);
        }
    }
    let mut accounts = Accounts(false);
    if let Some(body) = &f.body
        && *f.state_mutability() == foundry_compilers::artifacts::ast::StateMutability::Payable
    {
        crate::ast::walk_block(body, Default::default(), &mut accounts);
    }
    accounts.0
}

fn arbitrary_send_eth(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f, reached) in unguarded(cx) {
        if accounts_msg_value(f) {
            continue;
        }
        for r in reached {
            let Reach::Call {
                kind: CallKind::LowLevel | CallKind::Send | CallKind::Transfer,
                value: true,
            } = r.kind
            else {
                continue;
            };
            let Some(target) = call_target(r.call) else {
                continue;
            };
            let amount = amount_of(r.call);
            // Forwarding what the caller itself sent is not the contract's
            // ether.
            if amount.is_some_and(is_msg_value) {
                continue;
            }
            if r.scope.chooses(target) {
                report_target(
                    cx,
                    sink,
                    r.site,
                    (contract, f),
                    r.call,
                    target,
                    "sends ether to",
                );
            } else if is_sender(strip_conversion(target))
                && amount.is_some_and(|a| {
                    is_whole_balance(a) || (r.scope.passes(a) && is_parameter(cx, a))
                })
                && !checks_before(f, r.site)
            {
                // Aderyn's "send ether without checks": the caller takes
                // what it names, or everything, and nothing checked it.
                sink.report_also(
                    &[r.call.src],
                    r.site,
                    contract,
                    Some(f),
                    format!(
                        "`{}` pays the caller an amount nothing checks",
                        cx.snippet(r.call.src)
                    ),
                );
            }
        }
    }
}

/// A parameter itself (not a value computed from one, which may be the
/// caller's share of a record).
fn is_parameter(cx: &Cx<'_, '_>, expr: &Expression) -> bool {
    let Expression::Identifier(i) = strip_conversion(expr) else {
        return false;
    };
    let Some(id) = i.referenced_declaration else {
        return false;
    };
    cx.program
        .variable(id)
        .and_then(|v| v.scope)
        .and_then(|scope| cx.program.function(scope as isize))
        .is_some_and(|f| f.parameters.parameters.iter().any(|p| p.id as isize == id))
}

/// `address(this).balance`.
fn is_whole_balance(expr: &Expression) -> bool {
    matches!(expr, Expression::MemberAccess(m) if m.member_name == "balance"
        && crate::taint::is_this(&m.expression))
}

/// Whether `f` checks anything (`require`, `assert`, `if`, `revert`)
/// before `site`.
fn checks_before(
    f: &foundry_compilers::artifacts::ast::FunctionDefinition,
    site: foundry_compilers::artifacts::ast::SourceLocation,
) -> bool {
    use foundry_compilers::artifacts::ast::Statement;
    struct Checks(Vec<usize>);
    impl<'a> crate::ast::BodyVisitor<'a> for Checks {
        fn statement(&mut self, stmt: &'a Statement, _place: crate::ast::Place) {
            match stmt {
                Statement::IfStatement(s) => self.0.extend(s.src.start),
                Statement::RevertStatement(s) => self.0.extend(s.src.start),
                _ => {}
            }
        }
        fn expression(&mut self, e: &'a Expression, _place: crate::ast::Place) {
            if let Expression::FunctionCall(c) = e
                && crate::ast::is_require(c)
            {
                self.0.extend(c.src.start);
            }
        }
    }
    let mut checks = Checks(Vec::new());
    if let Some(body) = &f.body {
        crate::ast::walk_block(body, Default::default(), &mut checks);
    }
    let at = site.start.unwrap_or(0);
    !f.modifiers.is_empty() || checks.0.iter().any(|c| *c < at)
}

/// `token.transferFrom(from, …)` on a token, or a library's
/// `safeTransferFrom(token, from, …)` (SafeERC20, solmate's
/// SafeTransferLib), called directly or through `using … for`: the `from`.
fn erc20_pull_from<'a>(cx: &Cx<'_, 'a>, r: &Reached<'a>) -> Option<&'a Expression> {
    match r.kind {
        Reach::Call {
            kind: CallKind::External,
            ..
        } => {
            let Expression::MemberAccess(m) = &r.call.expression else {
                return None;
            };
            let name = m.member_name.as_str();
            (matches!(name, "transferFrom" | "safeTransferFrom")
                && r.call.arguments.len() == 3
                && !ast_type_is_nft(r.call))
            .then(|| &r.call.arguments[0])
        }
        Reach::Function { callee, bound } => {
            let function = cx.program.function(callee)?;
            let library = cx.program.owner_of(callee).is_some_and(|c| {
                c.kind == foundry_compilers::artifacts::ast::ContractKind::Library
            });
            if !library
                || !matches!(function.name.as_str(), "safeTransferFrom" | "transferFrom")
                || function.parameters.parameters.len() != 4
            {
                return None;
            }
            let from = function.parameters.parameters[1].id as isize;
            cx.flow.argument(callee, r.call, bound, from)
        }
        _ => None,
    }
}

fn is_permit(r: &Reached<'_>) -> bool {
    let name = match &r.call.expression {
        Expression::MemberAccess(m) => m.member_name.as_str(),
        Expression::Identifier(i) => i.name.as_str(),
        _ => return false,
    };
    matches!(name, "permit" | "safePermit")
}

fn arbitrary_send_erc20(cx: &Cx<'_, '_>, sink: &mut Sink, want_permit: bool) {
    for (contract, f, reached) in unguarded(cx) {
        if reached.iter().any(is_permit) != want_permit {
            continue;
        }
        for r in &reached {
            let Some(from) = erc20_pull_from(cx, r) else {
                continue;
            };
            if r.scope.chooses(from) {
                report_target(
                    cx,
                    sink,
                    r.site,
                    (contract, f),
                    r.call,
                    strip_conversion(from),
                    "moves tokens from",
                );
            }
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
    for (contract, f, reached) in unguarded(cx) {
        for r in reached {
            let Reach::Call {
                kind: CallKind::Delegate,
                ..
            } = r.kind
            else {
                continue;
            };
            if let Some(target) = call_target(r.call)
                && r.scope.chooses(target)
            {
                report_target(
                    cx,
                    sink,
                    r.site,
                    (contract, f),
                    r.call,
                    target,
                    "runs, on this contract's storage, code at",
                );
            }
        }
    }
}

fn arbitrary_call(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f, reached) in unguarded(cx) {
        for r in reached {
            let Reach::Call {
                kind: CallKind::LowLevel,
                ..
            } = r.kind
            else {
                continue;
            };
            let (Some(target), Some(data)) = (call_target(r.call), r.call.arguments.first()) else {
                continue;
            };
            if r.scope.chooses(target) && r.scope.passes(data) {
                report_target(
                    cx,
                    sink,
                    r.site,
                    (contract, f),
                    r.call,
                    target,
                    "calls, with data the caller also chooses,",
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
