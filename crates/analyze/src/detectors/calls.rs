//! Results nobody looks at: a token transfer's `bool`, a low-level call's
//! success flag, `send`'s result, an external call's return values.

use std::collections::HashSet;

use foundry_compilers::artifacts::ast::{Expression, FunctionCall, Statement};

use crate::detector::{Cx, Detector, Sink};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "unchecked-transfer",
        title: "Token transfer whose `bool` result is ignored",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "`transfer` or `transferFrom` is called on a token and the `bool` it returns is \
               dropped.",
        why: "Tokens that return `false` instead of reverting (ZRX, early USDT forks) fail \
              silently: the contract carries on as if it had been paid.",
        help: "wrap it in `require(…)`, or use OpenZeppelin's `SafeERC20.safeTransfer`",
        example: include_str!("../../testdata/src/unchecked-transfer.sol"),
        run: |cx, sink| ignored(cx, sink, Check::Transfer),
    },
    Detector {
        id: "unchecked-lowlevel",
        title: "Low-level call whose success flag is ignored",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "The success flag of `call`, `delegatecall` or `staticcall` is dropped or never \
               read.",
        why: "A low-level call does not revert when the callee fails: the failure goes \
              unnoticed.",
        help: "check it: `(bool ok, ) = to.call(…); require(ok, …);`",
        example: include_str!("../../testdata/src/unchecked-lowlevel.sol"),
        run: |cx, sink| ignored(cx, sink, Check::LowLevel),
    },
    Detector {
        id: "unchecked-send",
        title: "`send` whose result is ignored",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "The `bool` that `send` returns is dropped or never read.",
        why: "`send` returns `false` when the transfer fails (a receiver that reverts or needs \
              more than 2300 gas): the ether stays here and nobody notices.",
        help: "check the result, or use `call{value: …}` with a checked success flag",
        example: include_str!("../../testdata/src/unchecked-send.sol"),
        run: |cx, sink| ignored(cx, sink, Check::Send),
    },
    Detector {
        id: "unused-return",
        title: "Return value of an external call is ignored",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "An external call that returns values is made as a statement and its results \
               are dropped.",
        why: "What was returned usually says whether it worked, or how much it did (`approve`, \
              an oracle's answer, a swap's output).",
        help: "use or check what the call returns",
        example: include_str!("../../testdata/src/unused-return.sol"),
        run: |cx, sink| ignored(cx, sink, Check::Return),
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Transfer,
    LowLevel,
    Send,
    Return,
}

/// What a call is, for these checks.
fn classify(call: &FunctionCall) -> Option<Check> {
    let callee = match &call.expression {
        Expression::FunctionCallOptions(o) => &o.expression,
        other => other,
    };
    let Expression::MemberAccess(m) = callee else {
        return None;
    };
    let base = ast::type_of(&m.expression);
    let callee_type = ast::type_of(callee);
    if base.starts_with("address") {
        return match m.member_name.as_str() {
            "call" | "delegatecall" | "staticcall" => Some(Check::LowLevel),
            "send" => Some(Check::Send),
            _ => None,
        };
    }
    if !callee_type.contains(" external") || !callee_type.contains("returns (") {
        return None;
    }
    if matches!(m.member_name.as_str(), "transfer" | "transferFrom")
        && callee_type.ends_with("returns (bool)")
    {
        return Some(Check::Transfer);
    }
    Some(Check::Return)
}

struct Finder<'a> {
    dropped: Vec<&'a FunctionCall>,
    /// Calls whose result goes to locals, with those locals.
    stored: Vec<(&'a FunctionCall, Vec<isize>)>,
    used: HashSet<isize>,
}

impl<'a> BodyVisitor<'a> for Finder<'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        match stmt {
            Statement::ExpressionStatement(s) => {
                if let Expression::FunctionCall(c) = &s.expression {
                    self.dropped.push(c);
                }
            }
            Statement::VariableDeclarationStatement(d) => {
                if let Some(Expression::FunctionCall(c)) = &d.initial_value {
                    let ids = d
                        .declarations
                        .iter()
                        .flatten()
                        .map(|v| v.id as isize)
                        .collect();
                    self.stored.push((c, ids));
                }
            }
            _ => {}
        }
    }

    fn expression(&mut self, expr: &'a Expression, _place: Place) {
        if let Expression::Identifier(i) = expr
            && let Some(id) = i.referenced_declaration
        {
            self.used.insert(id);
        }
    }
}

fn ignored(cx: &Cx<'_, '_>, sink: &mut Sink, want: Check) {
    for (contract, f) in cx.functions() {
        let mut finder = Finder {
            dropped: Vec::new(),
            stored: Vec::new(),
            used: HashSet::new(),
        };
        if let Some(body) = &f.body {
            ast::walk_block(body, Place::default(), &mut finder);
        }
        for call in &finder.dropped {
            if classify(call) == Some(want) {
                sink.report(
                    call.src,
                    contract,
                    Some(f),
                    format!("the result of `{}` is ignored", cx.snippet(call.src)),
                );
            }
        }
        // `(bool ok, ) = to.call(…)` with `ok` never read.
        if matches!(want, Check::LowLevel | Check::Send) {
            for (call, ids) in &finder.stored {
                if classify(call) == Some(want)
                    && ids.first().is_some_and(|ok| !finder.used.contains(ok))
                {
                    sink.report(
                        call.src,
                        contract,
                        Some(f),
                        format!(
                            "the success flag of `{}` is never read",
                            cx.snippet(call.src)
                        ),
                    );
                }
            }
        }
    }
}
