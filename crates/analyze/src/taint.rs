//! What a caller controls. Starting from a function anyone can call, taint
//! follows its arguments (and `msg.data`) through locals, into the internal
//! functions, library functions (`x.f(…)` through `using … for`, and
//! `Lib.f(x, …)`) and modifiers it runs, with each argument bound to its
//! parameter; and through state: a storage variable that such a function
//! stores a caller-chosen value in (`addr = next`, `addr = msg.sender`) is
//! caller-controlled wherever it is read later.
//!
//! A value the function checks against state before using it
//! (`require(approved[module])`, `require(to == owner)`) is taken as
//! vetted: it no longer counts as the caller's choice.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    rc::Rc,
};

use foundry_compilers::artifacts::ast::{
    BinaryOperator, Expression, FunctionCall, FunctionDefinition, IdentifierOrIdentifierPath,
    SourceLocation, Statement,
};

use crate::{
    ast::{self, BodyVisitor, Place},
    flow::{CallKind, Effect, Flow, is_guarded, is_sender, is_zero, modifier_names},
    program::{Program, is_entry, is_mutating},
};

/// The modifiers of one-time initialisers: the functions they guard run
/// once, at deployment, so what they store is the deployer's choice.
pub(crate) const INIT_MODIFIERS: [&str; 3] = ["initializer", "reinitializer", "onlyInitializing"];

/// What the caller controls inside one function or modifier.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Parameters, locals and state variables holding a caller's choice.
    ids: HashSet<isize>,
    /// Of those, the ones checked against state before use.
    vetted: HashSet<isize>,
}

impl Scope {
    /// Whether `expr` depends on what the caller chose (`msg.data`
    /// included).
    ///
    /// Calldata encoded with a fixed function (`abi.encodeCall(…)`,
    /// `abi.encodeWithSelector(SELECTOR, …)`, `abi.encodeWithSignature("f()",
    /// …)`) is not the caller's: its meaning is fixed, whatever the
    /// arguments.
    ///
    /// An element of a mapping or array is the caller's when the container
    /// is: a caller-chosen key picks one of the stored values, it does not
    /// make one (`bids[lot].bidder`).
    pub(crate) fn controls(&self, expr: &Expression) -> bool {
        controlled(expr, &self.ids)
    }

    /// Whether `expr` is an address the caller chose and nothing vetted.
    pub(crate) fn chooses(&self, expr: &Expression) -> bool {
        let expr = ast::strip_conversion(expr);
        !is_sender(expr) && !is_this(expr) && self.passes(expr)
    }

    /// Whether `expr` is the caller's choice and nothing vetted it.
    pub(crate) fn passes(&self, expr: &Expression) -> bool {
        let vetted = ast::any_expr(expr, &|e| {
            matches!(e, Expression::Identifier(i)
                if i.referenced_declaration.is_some_and(|id| self.vetted.contains(&id)))
        });
        !vetted && self.controls(expr)
    }
}

/// Whether `expr` depends on `ids` or `msg.data` (see [`Scope::controls`]).
fn controlled(expr: &Expression, ids: &HashSet<isize>) -> bool {
    match expr {
        Expression::Identifier(i) => i.referenced_declaration.is_some_and(|id| ids.contains(&id)),
        Expression::MemberAccess(m)
            if m.member_name == "data"
                && matches!(&m.expression, Expression::Identifier(i) if i.name == "msg") =>
        {
            true
        }
        Expression::IndexAccess(i) => controlled(&i.base_expression, ids),
        Expression::FunctionCall(call) => match fixed_encoding(call) {
            Some(selector) => selector.is_some_and(|s| controlled(s, ids)),
            None => ast::children(expr).into_iter().any(|c| controlled(c, ids)),
        },
        _ => ast::children(expr).into_iter().any(|c| controlled(c, ids)),
    }
}

/// For `abi.encodeCall`, `abi.encodeWithSelector` and
/// `abi.encodeWithSignature`: `Some` with the expression that picks the
/// function (none for `encodeCall`, whose function is a name).
fn fixed_encoding(call: &FunctionCall) -> Option<Option<&Expression>> {
    let Expression::MemberAccess(m) = &call.expression else {
        return None;
    };
    if !matches!(&m.expression, Expression::Identifier(i) if i.name == "abi") {
        return None;
    }
    match m.member_name.as_str() {
        "encodeCall" => Some(None),
        "encodeWithSelector" | "encodeWithSignature" => Some(call.arguments.first()),
        _ => None,
    }
}

/// `this`, or `address(this)`.
pub(crate) fn is_this(expr: &Expression) -> bool {
    matches!(ast::strip_conversion(expr), Expression::Identifier(i) if i.name == "this")
}

/// A call reached from an entry function.
#[derive(Clone, Debug)]
pub(crate) struct Reached<'a> {
    /// What is called.
    pub kind: Reach,
    /// The call.
    pub call: &'a FunctionCall,
    /// Where the entry function reaches it: the call itself, or the
    /// internal call or modifier of the entry function that leads to it.
    pub site: SourceLocation,
    /// What the caller controls where the call is made.
    pub scope: Rc<Scope>,
}

/// What a reached call is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Reach {
    /// A call that leaves the contract.
    Call {
        /// Its kind.
        kind: CallKind,
        /// It carries ether.
        value: bool,
    },
    /// An internal or library function (for sinks known by name, such as
    /// SafeERC20's `safeTransferFrom`), with its parameters.
    Function {
        /// The function.
        callee: isize,
        /// `x.f(…)` through `using … for`: `x` is the first parameter.
        bound: bool,
    },
}

/// A function or modifier, the parameters it is walked with tainted, and
/// those bound to a literal zero.
type Key = (isize, Vec<isize>, Vec<isize>);

/// Taint for the contracts of one file, computed once.
pub(crate) struct Taint<'p, 'a> {
    program: &'p Program<'a>,
    flow: &'p Flow<'p, 'a>,
    /// State variables holding a caller's choice.
    state: HashSet<isize>,
    memo: RefCell<HashMap<Key, Rc<Walked<'a>>>>,
    active: RefCell<HashSet<Key>>,
}

/// What walking one function or modifier found.
#[derive(Default)]
struct Walked<'a> {
    reached: Vec<Reached<'a>>,
    /// State variables it stores a caller's choice in.
    stores: HashSet<isize>,
}

impl<'p, 'a> Taint<'p, 'a> {
    /// Taint for `contracts`: the state their open functions store
    /// caller-chosen values in, to a fixed point.
    pub(crate) fn new(
        program: &'p Program<'a>,
        flow: &'p Flow<'p, 'a>,
        contracts: &[&'a foundry_compilers::artifacts::ast::ContractDefinition],
    ) -> Self {
        let mut taint = Self {
            program,
            flow,
            state: HashSet::new(),
            memo: RefCell::default(),
            active: RefCell::default(),
        };
        let open: Vec<&'a FunctionDefinition> = contracts
            .iter()
            .flat_map(|c| program.functions_of(c))
            .map(|owned| owned.item)
            .filter(|f| {
                f.body.is_some()
                    && is_entry(f)
                    && is_mutating(f)
                    && !is_guarded(flow, f)
                    && !modifier_names(f).iter().any(|m| INIT_MODIFIERS.contains(m))
            })
            .collect();
        for _ in 0..4 {
            let mut stores = HashSet::new();
            for f in &open {
                stores.extend(taint.entry(f).stores.iter().copied());
            }
            if stores.is_subset(&taint.state) {
                break;
            }
            taint.state.extend(stores);
            taint.memo.borrow_mut().clear();
        }
        taint
    }

    /// The calls `f` reaches, called by anyone with arguments of their
    /// choosing.
    pub(crate) fn reached(&self, f: &FunctionDefinition) -> Vec<Reached<'a>> {
        self.entry(f).reached.clone()
    }

    fn entry(&self, f: &FunctionDefinition) -> Rc<Walked<'a>> {
        let params = f
            .parameters
            .parameters
            .iter()
            .map(|p| p.id as isize)
            .collect();
        self.walk(f.id as isize, params, Vec::new())
    }

    /// Walks function or modifier `id` with `params` of it tainted, and
    /// `zeros` bound to `0`.
    fn walk(&self, id: isize, mut params: Vec<isize>, mut zeros: Vec<isize>) -> Rc<Walked<'a>> {
        params.sort_unstable();
        zeros.sort_unstable();
        let key = (id, params, zeros);
        if let Some(done) = self.memo.borrow().get(&key) {
            return done.clone();
        }
        if !self.active.borrow_mut().insert(key.clone()) {
            return Rc::default();
        }
        let walked = Rc::new(self.walk_uncached(id, &key.1, &key.2));
        self.active.borrow_mut().remove(&key);
        self.memo.borrow_mut().insert(key, walked.clone());
        walked
    }

    fn walk_uncached(&self, id: isize, params: &[isize], zeros: &[isize]) -> Walked<'a> {
        let (body, invocations) = if let Some(f) = self.program.function(id) {
            (f.body.as_ref(), &f.modifiers[..])
        } else if let Some(m) = self.program.modifier(id) {
            (m.body.as_ref(), &[][..])
        } else {
            return Walked::default();
        };
        let mut flows = Flows::default();
        let mut edges = Vec::new();
        if let Some(body) = body {
            ast::walk_block(body, Place::default(), &mut flows);
            edges = ast::value_edges(body);
        }
        let mut ids: HashSet<isize> = params.iter().copied().collect();
        ids.extend(self.state.iter().copied());
        loop {
            let before = ids.len();
            for (targets, value) in &edges {
                if controlled(value, &ids) {
                    ids.extend(targets.iter().copied());
                }
            }
            if ids.len() == before {
                break;
            }
        }
        let compared_with_state = flows
            .compared
            .iter()
            .filter(|(_, root)| self.program.is_storage(*root) && !self.state.contains(root))
            .map(|(id, _)| *id);
        // Handed to a check: an unimplemented hook the deriving contract
        // writes (`_authorizeUpgrade(next)`), or an internal function that
        // looks the value up in state and reverts or answers a condition
        // (`_canCall(caller, target, data)`, `_validateState(proposalId)`).
        let handed_to_check = flows
            .handed
            .iter()
            .filter(|(callee, _, in_condition)| self.checks(*callee, *in_condition))
            .flat_map(|(_, ids, _)| ids.iter().copied());
        let mut vetted: HashSet<isize> = flows
            .checked
            .iter()
            .copied()
            .chain(compared_with_state)
            .chain(handed_to_check)
            .collect();
        // What a vetted value was computed from is vetted too (a proposal
        // id hashed from its targets and calldata).
        loop {
            let before = vetted.len();
            for (targets, value) in &edges {
                if targets.iter().any(|t| vetted.contains(t)) {
                    ast::each_expr(value, &mut |e| {
                        if let Expression::Identifier(i) = e
                            && let Some(id) = i.referenced_declaration
                        {
                            vetted.insert(id);
                        }
                    });
                }
            }
            if vetted.len() == before {
                break;
            }
        }
        let vetted = vetted.into_iter().filter(|id| ids.contains(id)).collect();
        let scope = Rc::new(Scope { ids, vetted });
        let mut walked = Walked::default();
        // A caller's choice stored anywhere; the caller's own address only
        // in a single variable (`beneficiary = msg.sender`), since a record
        // per account (`bids[lot] = Bid(msg.sender, …)`) is each caller's
        // own.
        for (root, plain, value) in &flows.stores {
            if self.program.is_storage(*root)
                && (scope.passes(value) || (*plain && ast::any_expr(value, &is_sender)))
            {
                walked.stores.insert(*root);
            }
        }
        for located in self.flow.own(id) {
            match located.effect {
                Effect::Call {
                    kind,
                    call,
                    value,
                    value_param,
                    ..
                } => walked.reached.push(Reached {
                    kind: Reach::Call {
                        kind,
                        value: value && !value_param.is_some_and(|p| zeros.contains(&p)),
                    },
                    call,
                    site: located.at,
                    scope: scope.clone(),
                }),
                Effect::Internal {
                    callee,
                    call: Some(call),
                    bound,
                } => {
                    walked.reached.push(Reached {
                        kind: Reach::Function { callee, bound },
                        call,
                        site: located.at,
                        scope: scope.clone(),
                    });
                    let argument = |param| self.flow.argument(callee, call, bound, param);
                    let tainted = self.bound_params(callee, |param| {
                        argument(param).is_some_and(|arg| scope.passes(arg))
                    });
                    let zero =
                        self.bound_params(callee, |param| argument(param).is_some_and(is_zero));
                    self.merge(&mut walked, callee, tainted, zero, located.at);
                }
                Effect::Internal {
                    callee, call: None, ..
                } => {
                    // A modifier: its parameters take the invocation's
                    // arguments.
                    let arguments = invocations
                        .iter()
                        .find(|m| modifier_ref(m) == Some(callee))
                        .map(|m| &m.arguments[..])
                        .unwrap_or_default();
                    let declared: Vec<isize> = self
                        .program
                        .modifier(callee)
                        .map(|m| {
                            m.parameters
                                .parameters
                                .iter()
                                .map(|p| p.id as isize)
                                .collect()
                        })
                        .unwrap_or_default();
                    let tainted = declared
                        .iter()
                        .zip(arguments)
                        .filter(|(_, arg)| scope.passes(arg))
                        .map(|(p, _)| *p)
                        .collect();
                    self.merge(&mut walked, callee, tainted, Vec::new(), located.at);
                }
                _ => {}
            }
        }
        walked
    }

    /// Whether handing a value to internal function `callee` checks it: the
    /// function has no body (a hook the deriving contract implements), or
    /// it reads storage and either can revert or answers a condition.
    fn checks(&self, callee: isize, in_condition: bool) -> bool {
        let Some(f) = self.program.function(callee) else {
            return false;
        };
        let Some(body) = &f.body else {
            return true;
        };
        let flat = self.flow.flat(callee);
        let reads_state = flat.iter().any(|l| matches!(l.effect, Effect::Read(_)));
        reads_state
            && (in_condition
                || can_revert(body)
                || flat.iter().any(|l| {
                    l.via
                        .and_then(|v| self.program.function(v))
                        .and_then(|g| g.body.as_ref())
                        .is_some_and(can_revert)
                }))
    }

    /// The parameters of function `callee` for which `tainted` holds.
    fn bound_params(&self, callee: isize, tainted: impl Fn(isize) -> bool) -> Vec<isize> {
        self.program
            .function(callee)
            .map(|f| {
                f.parameters
                    .parameters
                    .iter()
                    .map(|p| p.id as isize)
                    .filter(|p| tainted(*p))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn merge(
        &self,
        walked: &mut Walked<'a>,
        callee: isize,
        params: Vec<isize>,
        zeros: Vec<isize>,
        site: SourceLocation,
    ) {
        let inner = self.walk(callee, params, zeros);
        walked.stores.extend(inner.stores.iter().copied());
        walked
            .reached
            .extend(inner.reached.iter().map(|r| Reached { site, ..r.clone() }));
    }
}

fn modifier_ref(m: &foundry_compilers::artifacts::ast::ModifierInvocation) -> Option<isize> {
    match &m.modifier_name {
        IdentifierOrIdentifierPath::Identifier(i) => i.referenced_declaration,
        IdentifierOrIdentifierPath::IdentifierPath(p) => Some(p.referenced_declaration),
    }
}

/// Assignments and declarations in a body: where values flow, which of
/// them land in storage, and which identifiers are checked against state.
#[derive(Default)]
struct Flows<'a> {
    /// (the declaration at the root of an assignment target, whether the
    /// target is that declaration itself, value).
    stores: Vec<(isize, bool, &'a Expression)>,
    /// Identifiers used as the key of a yes-or-no mapping in a condition
    /// (`approved[module]`).
    checked: HashSet<isize>,
    /// (identifier, the root of what it is compared with) in a condition.
    compared: Vec<(isize, isize)>,
    /// (function called, identifiers among its arguments, whether the call
    /// sits in a condition).
    handed: Vec<(isize, Vec<isize>, bool)>,
}

impl<'a> BodyVisitor<'a> for Flows<'a> {
    fn expression(&mut self, expr: &'a Expression, place: Place) {
        match expr {
            Expression::Assignment(a) => {
                if let Some(root) = root_of(&a.lhs) {
                    let plain = matches!(&a.lhs, Expression::Identifier(_));
                    self.stores.push((root, plain, &a.rhs));
                }
            }
            // Internal calls only: an interface function has no body
            // either, and checks nothing.
            Expression::FunctionCall(call)
                if matches!(&call.expression, Expression::Identifier(_)) =>
            {
                if let Some(callee) = crate::program::referenced(&call.expression) {
                    let mut ids = Vec::new();
                    for arg in &call.arguments {
                        ast::each_expr(arg, &mut |e| {
                            if let Expression::Identifier(i) = e
                                && let Some(id) = i.referenced_declaration
                            {
                                ids.push(id);
                            }
                        });
                    }
                    self.handed.push((callee, ids, place.in_condition));
                }
            }
            Expression::IndexAccess(i) if place.in_condition && ast::type_of(expr) == "bool" => {
                if let Some(key) = i.index_expression.as_ref()
                    && let Some(id) = identifier(key)
                {
                    self.checked.insert(id);
                }
            }
            Expression::BinaryOperation(b)
                if place.in_condition
                    && matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual) =>
            {
                for (side, other) in [(&b.lhs, &b.rhs), (&b.rhs, &b.lhs)] {
                    if let (Some(id), Some(root)) = (identifier(side), root_of(other)) {
                        self.compared.push((id, root));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a body has a `revert`, `require` or `assert`.
fn can_revert(body: &foundry_compilers::artifacts::ast::Block) -> bool {
    struct Reverts(bool);
    impl<'a> BodyVisitor<'a> for Reverts {
        fn statement(&mut self, stmt: &'a Statement, _place: Place) {
            self.0 |= matches!(stmt, Statement::RevertStatement(_));
        }
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::FunctionCall(c) = expr
                && matches!(&c.expression, Expression::Identifier(i)
                    if matches!(i.name.as_str(), "revert" | "require" | "assert"))
            {
                self.0 = true;
            }
        }
    }
    let mut reverts = Reverts(false);
    ast::walk_block(body, Place::default(), &mut reverts);
    reverts.0
}

/// The declaration an expression names, through conversions.
fn identifier(expr: &Expression) -> Option<isize> {
    match ast::strip_conversion(expr) {
        Expression::Identifier(i) => i.referenced_declaration,
        _ => None,
    }
}

/// The declaration at the root of `x`, `x[k]`, `x.f`.
fn root_of(expr: &Expression) -> Option<isize> {
    match expr {
        Expression::Identifier(i) => i.referenced_declaration,
        Expression::IndexAccess(e) => root_of(&e.base_expression),
        Expression::MemberAccess(e) => root_of(&e.expression),
        _ => None,
    }
}
