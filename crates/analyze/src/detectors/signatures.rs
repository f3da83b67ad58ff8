//! Signatures: `ecrecover` results and inputs left unchecked, and signed
//! digests that can be replayed on another chain, another contract or a
//! second time.

use std::collections::{HashMap, HashSet};

use foundry_compilers::artifacts::ast::{
    ContractDefinition, Expression, FunctionCall, FunctionDefinition, Statement,
};

use crate::ast::strip_conversion;
use crate::detector::{Cx, Detector, Sink, is_entry};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
    program::referenced,
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "ecrecover-zero",
        title: "`ecrecover` result not checked against `address(0)`",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "The address `ecrecover` returns is used without a comparison with \
               `address(0)`.",
        why: "`ecrecover` returns zero for an invalid signature instead of reverting: any \
              garbage signature \"recovers\" to `address(0)`, which matches an unset signer.",
        help: "`require(signer != address(0))`, or use OpenZeppelin's `ECDSA.recover`",
        example: include_str!("../../testdata/src/ecrecover-zero.sol"),
        run: ecrecover_zero,
    },
    Detector {
        id: "ecrecover-malleable",
        title: "`ecrecover` without an s-malleability guard",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "`ecrecover` is called with an `s` the function never compares with the curve \
               order's half (`0x7FFFFFFF…5D576E7357A4501DDFE92F46681B20A0`).",
        why: "For every valid signature (v, r, s) the signature (v', r, n - s) is valid too: \
              code that marks signatures (not digests) as used can be replayed once more.",
        help: "reject `s > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0`, or use `ECDSA.recover`",
        example: include_str!("../../testdata/src/ecrecover-malleable.sol"),
        run: ecrecover_malleable,
    },
    Detector {
        id: "signature-replay",
        title: "Signed digest without a chain id, a verifying contract or a nonce",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A signature is verified over a digest built without `block.chainid`, without \
               `address(this)` (or an EIP-712 domain separator, which holds both) or without \
               a nonce or a used-digest record.",
        why: "The same signature then works again: on another chain, on another deployment \
              of the contract, or twice here.",
        help: "sign an EIP-712 digest (`_hashTypedDataV4`) over a struct with a nonce, and consume the nonce",
        example: include_str!("../../testdata/src/signature-replay.sol"),
        run: signature_replay,
    },
];

struct Recovers<'a> {
    /// `ecrecover(…)` or `ECDSA.recover(…)` calls: the call and its digest.
    calls: Vec<(&'a FunctionCall, &'a Expression, bool)>,
    /// Local → its initial value.
    values: HashMap<isize, &'a Expression>,
    /// Locals declared from each call (by the call's start offset).
    results: HashMap<usize, isize>,
    /// Declarations compared with `<`, `>`, `<=`, `>=` in the function.
    ordered: HashSet<isize>,
    /// Storage writes indexed by an expression: (index, base).
    indexed_writes: Vec<&'a Expression>,
}

impl<'a> BodyVisitor<'a> for Recovers<'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        if let Statement::VariableDeclarationStatement(d) = stmt
            && let Some(value) = &d.initial_value
        {
            if let [Some(var)] = &d.declarations[..] {
                self.values.insert(var.id as isize, value);
            }
            if let Expression::FunctionCall(c) = value
                && let Some(Some(first)) = d.declarations.first()
            {
                self.results
                    .insert(c.src.start.unwrap_or(0), first.id as isize);
            }
        }
    }

    fn expression(&mut self, expr: &'a Expression, _place: Place) {
        match expr {
            Expression::FunctionCall(c) => match &c.expression {
                Expression::Identifier(i) if i.name == "ecrecover" && c.arguments.len() == 4 => {
                    self.calls.push((c, &c.arguments[0], true));
                }
                Expression::MemberAccess(m)
                    if matches!(m.member_name.as_str(), "recover" | "tryRecover") =>
                {
                    let base = ast::type_of(&m.expression);
                    if base.starts_with("bytes32") {
                        self.calls.push((c, &m.expression, false));
                    } else if base.starts_with("type(library") && !c.arguments.is_empty() {
                        self.calls.push((c, &c.arguments[0], false));
                    }
                }
                _ => {}
            },
            Expression::BinaryOperation(b) if ast::is_ordering(&b.operator) => {
                self.ordered.extend(referenced(strip_conversion(&b.lhs)));
                self.ordered.extend(referenced(strip_conversion(&b.rhs)));
            }
            Expression::Assignment(a) => {
                if let Expression::IndexAccess(i) = &a.lhs
                    && let Some(index) = &i.index_expression
                {
                    self.indexed_writes.push(index);
                }
            }
            _ => {}
        }
    }
}

fn recovers<'a>(f: &'a FunctionDefinition) -> Recovers<'a> {
    let mut r = Recovers {
        calls: Vec::new(),
        values: HashMap::new(),
        results: HashMap::new(),
        ordered: HashSet::new(),
        indexed_writes: Vec::new(),
    };
    if let Some(body) = &f.body {
        ast::walk_block(body, Place::default(), &mut r);
    }
    r
}

fn each_recover(
    cx: &Cx<'_, '_>,
    sink: &mut Sink,
    mut check: impl FnMut(
        &ContractDefinition,
        &FunctionDefinition,
        &Recovers<'_>,
        &FunctionCall,
        &Expression,
        bool,
        &mut Sink,
    ),
) {
    for (contract, f) in cx.functions() {
        let r = recovers(f);
        for (call, digest, raw) in &r.calls {
            check(contract, f, &r, call, digest, *raw, sink);
        }
    }
}

fn ecrecover_zero(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each_recover(cx, sink, |contract, f, r, call, _digest, raw, sink| {
        if !raw {
            return;
        }
        let checked = f
            .body
            .as_ref()
            .map(super::state::zero_checked)
            .unwrap_or_default();
        let result = r.results.get(&call.src.start.unwrap_or(0));
        if result.is_some_and(|id| checked.contains(id)) {
            return;
        }
        sink.report(
            call.src,
            contract,
            Some(f),
            "the address `ecrecover` returns is never compared with `address(0)`",
        );
    });
}

fn ecrecover_malleable(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each_recover(cx, sink, |contract, f, r, call, _digest, raw, sink| {
        if !raw {
            return;
        }
        let s = referenced(&call.arguments[3]);
        if s.is_some_and(|id| r.ordered.contains(&id)) {
            return;
        }
        sink.report(
            call.src,
            contract,
            Some(f),
            "`s` is not checked to be in the lower half of the curve order",
        );
    });
}

/// Every expression a digest is built from, following locals.
fn digest_parts<'a>(
    digest: &'a Expression,
    values: &HashMap<isize, &'a Expression>,
) -> Vec<&'a Expression> {
    let mut parts = Vec::new();
    let mut stack = vec![digest];
    let mut seen = HashSet::new();
    while let Some(e) = stack.pop() {
        ast::each_expr(e, &mut |inner| {
            parts.push(inner);
            if let Some(id) = referenced(inner)
                && let Some(value) = values.get(&id)
                && seen.insert(id)
            {
                stack.push(value);
            }
        });
    }
    parts
}

fn name_of(e: &Expression) -> Option<&str> {
    match e {
        Expression::Identifier(i) => Some(&i.name),
        Expression::MemberAccess(m) => Some(&m.member_name),
        _ => None,
    }
}

fn signature_replay(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each_recover(cx, sink, |contract, f, r, call, digest, _raw, sink| {
        let from_caller = referenced(digest)
            .is_some_and(|id| f.parameters.parameters.iter().any(|p| p.id as isize == id));
        if from_caller && !is_entry(f) {
            // A helper: its callers build the digest.
            return;
        }
        let parts = digest_parts(digest, &r.values);
        let named = |pred: &dyn Fn(&str) -> bool| {
            parts
                .iter()
                .any(|p| name_of(p).is_some_and(|n| pred(&n.to_ascii_lowercase())))
        };
        let domain = named(&|n| {
            n.contains("domainseparator")
                || n.contains("domain_separator")
                || n.contains("hashtypeddata")
                || n == "totypeddatahash"
        });
        let chain = domain || named(&|n| n == "chainid");
        let this = domain
            || parts
                .iter()
                .any(|p| matches!(p, Expression::Identifier(i) if i.name == "this"));
        let digest_ids: HashSet<isize> = parts.iter().filter_map(|p| referenced(p)).collect();
        let used_record = r.indexed_writes.iter().any(|index| {
            crate::flow::mentions(index, &digest_ids) || referenced(index) == referenced(digest)
        });
        let nonce = used_record || named(&|n| n.contains("nonce"));
        let mut missing = Vec::new();
        if !chain {
            missing.push("a chain id");
        }
        if !this {
            missing.push("the verifying contract");
        }
        if !nonce {
            missing.push("a nonce or used-digest record");
        }
        if !missing.is_empty() {
            sink.report(
                call.src,
                contract,
                Some(f),
                format!(
                    "the signed digest has no {}: the signature can be replayed",
                    missing.join(", no ")
                ),
            );
        }
    });
}
