//! Block values as randomness (`weak-prng`) or as a clock to the second
//! (`timestamp`). Each value is followed wherever it goes before it is
//! used: into locals, out of internal functions that return it (`_now()`,
//! `_random()`), into state a function stores it in and another reads
//! (randomness only), and into modifiers.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
};

use foundry_compilers::artifacts::ast::{
    BinaryOperator, Block, ContractDefinition, ContractDefinitionPart, Expression,
    FunctionDefinition, Statement,
};

use crate::detector::{Cx, Detector, Sink};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
    program::referenced,
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "weak-prng",
        title: "Block values used as randomness",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A value derived from `block.timestamp`, `block.number`, `blockhash` or \
               `block.prevrandao` (directly, through a local, an internal function or a \
               state variable) is reduced with `%`, or hashed and the hash compared.",
        why: "Validators choose or know these values: a lottery or selection based on them \
              can be won at will.",
        help: "use a verifiable random function (Chainlink VRF) or commit-reveal",
        example: include_str!("../../testdata/src/weak-prng.sol"),
        run: weak_prng,
    },
    Detector {
        id: "timestamp",
        title: "`block.timestamp` in a comparison",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "`block.timestamp` is compared (in a condition, or as a returned `bool`), \
               directly or through a local or an internal function that returns it.",
        why: "Validators can move the timestamp by a few seconds: fine for hours-long \
              timelocks, wrong for anything decided within seconds.",
        help: "make sure a few seconds' drift cannot matter; suppress with the reason when it cannot",
        example: include_str!("../../testdata/src/timestamp.sol"),
        run: timestamp,
    },
];

/// Which block values a detector follows.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// `block.timestamp` (and `now`).
    Clock,
    /// Any value a validator knows or picks.
    Randomness,
}

fn is_member_of(expr: &Expression, base: &str, member: &str) -> bool {
    matches!(expr, Expression::MemberAccess(m) if m.member_name == member
        && matches!(&m.expression, Expression::Identifier(i) if i.name == base))
}

fn is_source(expr: &Expression, kind: Kind) -> bool {
    let clock = is_member_of(expr, "block", "timestamp")
        || matches!(expr, Expression::Identifier(i) if i.name == "now" && i.referenced_declaration.is_none_or(|r| r < 0));
    match kind {
        Kind::Clock => clock,
        Kind::Randomness => {
            clock
                || is_member_of(expr, "block", "number")
                || is_member_of(expr, "block", "prevrandao")
                || is_member_of(expr, "block", "difficulty")
                || matches!(expr, Expression::FunctionCall(c)
                    if matches!(&c.expression, Expression::Identifier(i) if i.name == "blockhash"))
        }
    }
}

fn is_hash(expr: &Expression) -> bool {
    matches!(expr, Expression::FunctionCall(c)
        if matches!(&c.expression, Expression::Identifier(i) if matches!(i.name.as_str(), "keccak256" | "sha256")))
}

/// Follows block values through one file's functions.
struct Follow<'c, 'p, 'a> {
    cx: &'c Cx<'p, 'a>,
    kind: Kind,
    /// State variables some function stores a block value in.
    state: HashSet<isize>,
    returns: RefCell<HashMap<isize, bool>>,
}

impl<'c, 'p, 'a> Follow<'c, 'p, 'a> {
    fn new(cx: &'c Cx<'p, 'a>, kind: Kind) -> Self {
        let mut follow = Self {
            cx,
            kind,
            state: HashSet::new(),
            returns: RefCell::default(),
        };
        if kind == Kind::Randomness {
            let mut state = HashSet::new();
            for contract in &cx.contracts {
                for f in cx.program.functions_of(contract) {
                    if let Some(body) = &f.item.body {
                        let locals = follow.locals(body, &HashSet::new());
                        for (targets, value) in ast::value_edges(body) {
                            if follow.depends(value, &locals) {
                                state.extend(
                                    targets.into_iter().filter(|t| cx.program.is_storage(*t)),
                                );
                            }
                        }
                    }
                }
            }
            follow.state = state;
        }
        follow
    }

    /// Whether `expr` carries a block value, given `locals` that do.
    fn depends(&self, expr: &Expression, locals: &HashSet<isize>) -> bool {
        ast::any_expr(expr, &|e| {
            is_source(e, self.kind)
                || matches!(e, Expression::Identifier(i) if i.referenced_declaration
                    .is_some_and(|id| locals.contains(&id) || self.state.contains(&id)))
                || matches!(e, Expression::FunctionCall(c)
                    if referenced(&c.expression).is_some_and(|id| self.returns_value(id)))
        })
    }

    /// The locals of `body` that hold a block value (`seeded` to start);
    /// storage is followed only through [`Follow::state`].
    fn locals(&self, body: &Block, seeded: &HashSet<isize>) -> HashSet<isize> {
        let edges = ast::value_edges(body);
        let mut locals = seeded.clone();
        loop {
            let before = locals.len();
            for (targets, value) in &edges {
                if self.depends(value, &locals) {
                    locals.extend(
                        targets
                            .iter()
                            .copied()
                            .filter(|t| !self.cx.program.is_storage(*t)),
                    );
                }
            }
            if locals.len() == before {
                return locals;
            }
        }
    }

    /// Whether internal function `id` returns a block value.
    fn returns_value(&self, id: isize) -> bool {
        if let Some(known) = self.returns.borrow().get(&id) {
            return *known;
        }
        let Some(f) = self.cx.program.function(id) else {
            return false;
        };
        let Some(body) = &f.body else { return false };
        self.returns.borrow_mut().insert(id, false);
        let locals = self.locals(body, &HashSet::new());
        let named = f
            .return_parameters
            .parameters
            .iter()
            .any(|p| locals.contains(&(p.id as isize)));
        let answer = named || returned(body).into_iter().any(|e| self.depends(e, &locals));
        self.returns.borrow_mut().insert(id, answer);
        answer
    }
}

/// The expressions `return` statements give back.
fn returned(body: &Block) -> Vec<&Expression> {
    struct Returns<'a>(Vec<&'a Expression>);
    impl<'a> BodyVisitor<'a> for Returns<'a> {
        fn statement(&mut self, stmt: &'a Statement, _place: Place) {
            if let Statement::Return(r) = stmt
                && let Some(e) = &r.expression
            {
                self.0.push(e);
            }
        }
    }
    let mut returns = Returns(Vec::new());
    ast::walk_block(body, Place::default(), &mut returns);
    returns.0
}

/// Every function and modifier body the file's contracts declare, with the
/// function it belongs to (none for a modifier).
fn bodies<'a>(
    cx: &Cx<'_, 'a>,
) -> Vec<(
    &'a ContractDefinition,
    Option<&'a FunctionDefinition>,
    &'a Block,
)> {
    let mut out = Vec::new();
    for contract in &cx.contracts {
        for part in &contract.nodes {
            match part {
                ContractDefinitionPart::FunctionDefinition(f) => {
                    if let Some(body) = &f.body {
                        out.push((*contract, Some(&**f), body));
                    }
                }
                ContractDefinitionPart::ModifierDefinition(m) => {
                    if let Some(body) = &m.body {
                        out.push((*contract, None, body));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Every expression of `body`, with where it sits.
fn expressions(body: &Block) -> Vec<(&Expression, Place)> {
    struct All<'a>(Vec<(&'a Expression, Place)>);
    impl<'a> BodyVisitor<'a> for All<'a> {
        fn expression(&mut self, expr: &'a Expression, place: Place) {
            self.0.push((expr, place));
        }
    }
    let mut all = All(Vec::new());
    ast::walk_block(body, Place::default(), &mut all);
    all.0
}

fn weak_prng(cx: &Cx<'_, '_>, sink: &mut Sink) {
    let follow = Follow::new(cx, Kind::Randomness);
    for (contract, f, body) in bodies(cx) {
        let locals = follow.locals(body, &HashSet::new());
        // Locals holding a hash of block values.
        let hashed = {
            let edges = ast::value_edges(body);
            let mut hashed = HashSet::new();
            loop {
                let before = hashed.len();
                for (targets, value) in &edges {
                    let hashes_block = ast::any_expr(value, &|e| {
                        is_hash(e) && follow.depends(e, &locals)
                            || matches!(e, Expression::Identifier(i)
                                if i.referenced_declaration.is_some_and(|id| hashed.contains(&id)))
                    });
                    if hashes_block {
                        hashed.extend(targets.iter().copied());
                    }
                }
                if hashed.len() == before {
                    break hashed;
                }
            }
        };
        for (expr, _place) in expressions(body) {
            let Expression::BinaryOperation(b) = expr else {
                continue;
            };
            let drawn = b.operator == BinaryOperator::Mod && follow.depends(&b.lhs, &locals);
            let compared_hash = ast::is_ordering(&b.operator)
                && [&b.lhs, &b.rhs].into_iter().any(|side| {
                    ast::any_expr(side, &|e| {
                        is_hash(e) && follow.depends(e, &locals)
                            || matches!(e, Expression::Identifier(i)
                                if i.referenced_declaration.is_some_and(|id| hashed.contains(&id)))
                    })
                });
            if drawn || compared_hash {
                sink.report(
                    b.src,
                    contract,
                    f,
                    format!("`{}` draws a number from block values", cx.snippet(b.src)),
                );
            }
        }
    }
}

fn timestamp(cx: &Cx<'_, '_>, sink: &mut Sink) {
    let follow = Follow::new(cx, Kind::Clock);
    for (contract, f, body) in bodies(cx) {
        let locals = follow.locals(body, &HashSet::new());
        for (expr, _place) in expressions(body) {
            if let Expression::BinaryOperation(b) = expr
                && ast::is_comparison(&b.operator)
                && (follow.depends(&b.lhs, &locals) || follow.depends(&b.rhs, &locals))
            {
                sink.report(
                    b.src,
                    contract,
                    f,
                    format!("`{}` compares `block.timestamp`", cx.snippet(b.src)),
                );
            }
        }
    }
}
