//! The data-flow layer the detectors share: for each function or modifier,
//! what it reads and writes in storage, which calls it makes (internal,
//! external, low-level, sending ether), which events it emits and whether
//! it checks `msg.sender` — in evaluation order, and flattened through the
//! modifiers it carries and the internal functions it calls, so a guard in
//! `onlyRole` → `_checkRole` → `hasRole(role, _msgSender())` is found.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    rc::Rc,
};

use foundry_compilers::artifacts::ast::{
    AssignmentOperator, BinaryOperator, Block, Expression, FunctionCall, FunctionCallKind,
    FunctionDefinition, IdentifierOrIdentifierPath, ModifierInvocation, SourceLocation, Statement,
    StorageLocation, UnaryOperator,
    yul::{YulBlock, YulExpression},
};

use crate::{
    ast::{self, BodyVisitor, Place},
    program::Program,
};

/// What kind of call a call expression makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// A call to another contract's function.
    External,
    /// `address.call(…)`.
    LowLevel,
    /// `address.delegatecall(…)` (or `callcode`).
    Delegate,
    /// `address.staticcall(…)`.
    Static,
    /// `address.send(…)`.
    Send,
    /// `address.transfer(…)` on an address (ether, not a token).
    Transfer,
    /// `selfdestruct(…)`.
    SelfDestruct,
}

/// One thing a function does.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Effect<'a> {
    /// A storage variable is read.
    Read(isize),
    /// A storage variable is written.
    Write(isize),
    /// A storage variable is set back to the value a local copied from it
    /// earlier (`saved = x; … x = saved;`): no new state.
    Restore(isize),
    /// A call leaves the contract (or destroys it).
    Call {
        kind: CallKind,
        call: &'a FunctionCall,
        /// It carries ether (`{value: …}`, `send`, `transfer`).
        value: bool,
        /// The callee cannot change state (`view`/`pure`, `staticcall`).
        read_only: bool,
        /// When the ether amount is a parameter of the function making the
        /// call: that parameter (resolved against the arguments when the
        /// call is reached through an internal call).
        value_param: Option<isize>,
    },
    /// Inline assembly calls out (`call`, `callcode`, `delegatecall`).
    AssemblyCall {
        /// It may send ether: `call`/`callcode` with a value that is not
        /// the literal 0, or `delegatecall` (the code it runs may).
        value: bool,
    },
    /// An event is emitted.
    Emit,
    /// `msg.sender` is checked (compared, or handed to a role or owner
    /// check).
    SenderCheck {
        /// The state variable it is checked against (`owner` in
        /// `msg.sender == owner`, `isOperator` in `isOperator[msg.sender]`).
        against: Option<isize>,
    },
    /// An internal function or modifier runs here (own effects only;
    /// flattened lists hold what it does instead).
    Internal {
        /// The function or modifier.
        callee: isize,
        /// The call (none for a modifier).
        call: Option<&'a FunctionCall>,
        /// `x.f(…)` through `using … for`: `x` is the first parameter.
        bound: bool,
    },
}

/// An effect with where it happens.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Located<'a> {
    pub effect: Effect<'a>,
    /// The node that does it.
    pub at: SourceLocation,
    /// In a flattened list: the call or modifier of the analysed function
    /// through which it happens (`at` itself when it is the function's own).
    pub site: SourceLocation,
    /// The internal function or modifier it was reached through, if any.
    pub via: Option<isize>,
    /// One level down: where the function it was reached through does it
    /// (its own call of the next function, or the node itself).
    pub inner_site: SourceLocation,
}

/// Flattened effects, computed once per function.
pub(crate) struct Flow<'p, 'a> {
    pub(crate) program: &'p Program<'a>,
    flat: RefCell<HashMap<isize, Rc<Vec<Located<'a>>>>>,
    active: RefCell<HashSet<isize>>,
}

impl<'p, 'a> Flow<'p, 'a> {
    pub(crate) fn new(program: &'p Program<'a>) -> Self {
        Self {
            program,
            flat: RefCell::default(),
            active: RefCell::default(),
        }
    }

    /// What function or modifier `id` does, through everything it runs,
    /// in order.
    pub(crate) fn flat(&self, id: isize) -> Rc<Vec<Located<'a>>> {
        if let Some(done) = self.flat.borrow().get(&id) {
            return done.clone();
        }
        if !self.active.borrow_mut().insert(id) {
            // Recursion: what is known so far is nothing more.
            return Rc::new(Vec::new());
        }
        let own = self.own(id);
        let mut all = Vec::new();
        // What a modifier does after its `_` runs after the function's
        // body, innermost modifier first.
        let mut after_body: Vec<Vec<Located<'a>>> = Vec::new();
        let own_params = self.params_of(id);
        for located in own {
            match located.effect {
                Effect::Internal {
                    callee,
                    call,
                    bound,
                } => {
                    let placeholder = match call {
                        None => self
                            .program
                            .modifier(callee)
                            .and_then(|m| m.body.as_ref())
                            .and_then(placeholder_start),
                        Some(_) => None,
                    };
                    if placeholder.is_some() {
                        after_body.push(Vec::new());
                    }
                    for inner in self.flat(callee).iter() {
                        let mut effect = inner.effect;
                        if let Effect::Call {
                            ref mut value,
                            ref mut value_param,
                            ..
                        } = effect
                            && let Some(param) = *value_param
                        {
                            let argument =
                                call.and_then(|c| self.argument(callee, c, bound, param));
                            *value_param = None;
                            match argument {
                                Some(arg) if is_zero(arg) => *value = false,
                                Some(Expression::Identifier(i))
                                    if i.referenced_declaration
                                        .is_some_and(|r| own_params.contains(&r)) =>
                                {
                                    *value_param = i.referenced_declaration;
                                }
                                _ => {}
                            }
                        }
                        let placed = Located {
                            effect,
                            site: located.at,
                            via: Some(inner.via.unwrap_or(callee)),
                            inner_site: inner.site,
                            ..*inner
                        };
                        match placeholder {
                            Some(p) if inner.site.start.unwrap_or(0) > p => {
                                if let Some(deferred) = after_body.last_mut() {
                                    deferred.push(placed);
                                }
                            }
                            _ => all.push(placed),
                        }
                    }
                }
                _ => all.push(located),
            }
        }
        for deferred in after_body.into_iter().rev() {
            all.extend(deferred);
        }
        self.active.borrow_mut().remove(&id);
        let all = Rc::new(all);
        self.flat.borrow_mut().insert(id, all.clone());
        all
    }

    /// The parameters of function `id` (none for a modifier).
    fn params_of(&self, id: isize) -> HashSet<isize> {
        self.program
            .function(id)
            .map(|f| {
                f.parameters
                    .parameters
                    .iter()
                    .map(|p| p.id as isize)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The argument `call` passes for parameter `param` of `callee`.
    pub(crate) fn argument(
        &self,
        callee: isize,
        call: &'a FunctionCall,
        bound: bool,
        param: isize,
    ) -> Option<&'a Expression> {
        let f = self.program.function(callee)?;
        let index = f
            .parameters
            .parameters
            .iter()
            .position(|p| p.id as isize == param)?;
        if bound {
            if index == 0 {
                return match &call.expression {
                    Expression::MemberAccess(m) => Some(&m.expression),
                    _ => None,
                };
            }
            return call.arguments.get(index - 1);
        }
        call.arguments.get(index)
    }

    /// The effects of a function or modifier's own code (modifier
    /// invocations first), in evaluation order.
    pub(crate) fn own(&self, id: isize) -> Vec<Located<'a>> {
        let (body, modifiers): (Option<&'a Block>, &'a [ModifierInvocation]) =
            if let Some(f) = self.program.function(id) {
                (f.body.as_ref(), &f.modifiers)
            } else if let Some(m) = self.program.modifier(id) {
                (m.body.as_ref(), &[])
            } else {
                return Vec::new();
            };
        let mut collector = Collector {
            program: self.program,
            effects: Vec::new(),
            aliases: HashMap::new(),
            assigned_only: HashSet::new(),
            snapshots: HashMap::new(),
            params: self.params_of(id),
        };
        let mut out = Vec::new();
        for invocation in modifiers {
            let name_ref = match &invocation.modifier_name {
                IdentifierOrIdentifierPath::Identifier(i) => i.referenced_declaration,
                IdentifierOrIdentifierPath::IdentifierPath(p) => Some(p.referenced_declaration),
            };
            for arg in &invocation.arguments {
                collector.expr_effects(arg);
            }
            if let Some(target) = name_ref {
                // Base constructor specifiers name contracts, not modifiers.
                if self.program.modifier(target).is_some() {
                    collector.push(
                        Effect::Internal {
                            callee: target,
                            call: None,
                            bound: false,
                        },
                        invocation.src,
                        Rank::Call,
                    );
                }
            }
        }
        out.append(&mut sorted(std::mem::take(&mut collector.effects)));
        if let Some(body) = body {
            ast::walk_block(body, Place::default(), &mut collector);
        }
        out.append(&mut sorted(collector.effects));
        out
    }
}

/// Tie-break for effects ending at the same offset: a read happens before
/// the call that uses it, and the call before the write of its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Read,
    Call,
    Write,
    Emit,
}

fn sorted(mut effects: Vec<(usize, Rank, Located<'_>)>) -> Vec<Located<'_>> {
    effects.sort_by_key(|(offset, rank, _)| (*offset, *rank));
    effects.into_iter().map(|(_, _, l)| l).collect()
}

struct Collector<'p, 'a> {
    program: &'p Program<'a>,
    effects: Vec<(usize, Rank, Located<'a>)>,
    /// Local storage pointers → the state variable they point into.
    aliases: HashMap<isize, isize>,
    /// Identifiers only assigned to (by start offset): not reads.
    assigned_only: HashSet<usize>,
    /// Locals that copy a state variable (`uint256 saved = x;`).
    snapshots: HashMap<isize, isize>,
    /// The parameters of the function being read.
    params: HashSet<isize>,
}

impl<'a> Collector<'_, 'a> {
    fn push(&mut self, effect: Effect<'a>, at: SourceLocation, rank: Rank) {
        let start = at.start.unwrap_or(0);
        let offset = match rank {
            Rank::Read => start,
            _ => start + at.length.unwrap_or(0),
        };
        self.effects.push((
            offset,
            rank,
            Located {
                effect,
                at,
                site: at,
                via: None,
                inner_site: at,
            },
        ));
    }

    /// The state variable an assigned expression lands in.
    fn written_root(&self, expr: &Expression) -> Vec<isize> {
        match expr {
            Expression::Identifier(i) => {
                let Some(id) = i.referenced_declaration else {
                    return Vec::new();
                };
                if self.program.is_storage(id) {
                    vec![id]
                } else {
                    self.aliases.get(&id).copied().into_iter().collect()
                }
            }
            Expression::IndexAccess(e) => self.written_root(&e.base_expression),
            Expression::IndexRangeAccess(e) => self.written_root(&e.base_expression),
            Expression::MemberAccess(e) => self.written_root(&e.expression),
            Expression::TupleExpression(t) => t
                .components
                .iter()
                .flatten()
                .flat_map(|c| self.written_root(c))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn write(&mut self, target: &Expression, at: SourceLocation) {
        for var in self.written_root(target) {
            self.push(Effect::Write(var), at, Rank::Write);
        }
    }

    /// A state-changing internal function handed a storage reference
    /// (`_roleMembers[role].add(account)` through a library) writes it.
    fn storage_arguments(
        &mut self,
        callee: isize,
        call: &'a FunctionCall,
        bound: Option<&'a Expression>,
    ) {
        let changes_state = self.program.function(callee).is_some_and(|f| {
            !matches!(
                f.state_mutability(),
                foundry_compilers::artifacts::ast::StateMutability::View
                    | foundry_compilers::artifacts::ast::StateMutability::Pure
            )
        });
        if !changes_state {
            return;
        }
        for arg in bound.into_iter().chain(call.arguments.iter()) {
            if ast::type_of(arg).contains(" storage") {
                self.write(arg, call.src);
            }
        }
    }

    /// Effects of an expression outside a body walk (modifier arguments).
    fn expr_effects(&mut self, expr: &'a Expression) {
        let mut all = Vec::new();
        ast::each_expr(expr, &mut |e| all.push(e));
        for e in all {
            self.expression(e, Place::default());
        }
    }

    fn call(&mut self, call: &'a FunctionCall) {
        if call.kind != FunctionCallKind::FunctionCall {
            return;
        }
        let (callee, value, value_param) = match &call.expression {
            Expression::FunctionCallOptions(o) => {
                let amount = o
                    .names
                    .iter()
                    .zip(&o.options)
                    .find(|(name, _)| *name == "value")
                    .map(|(_, v)| v);
                let value_param = match amount {
                    Some(Expression::Identifier(i)) => i
                        .referenced_declaration
                        .filter(|id| self.params.contains(id)),
                    _ => None,
                };
                (
                    &o.expression,
                    amount.is_some_and(|v| !is_zero(v)),
                    value_param,
                )
            }
            other => (other, false, None),
        };
        if sender_passed_to_guard(call, callee) {
            self.push(Effect::SenderCheck { against: None }, call.src, Rank::Read);
        }
        match callee {
            Expression::Identifier(i) => {
                if i.name == "selfdestruct" || i.name == "suicide" {
                    self.push(
                        Effect::Call {
                            kind: CallKind::SelfDestruct,
                            call,
                            value: true,
                            read_only: false,
                            value_param: None,
                        },
                        call.src,
                        Rank::Call,
                    );
                } else if let Some(id) = i.referenced_declaration
                    && self.program.function(id).is_some_and(|f| f.body.is_some())
                {
                    self.storage_arguments(id, call, None);
                    self.push(
                        Effect::Internal {
                            callee: id,
                            call: Some(call),
                            bound: false,
                        },
                        call.src,
                        Rank::Call,
                    );
                }
            }
            Expression::MemberAccess(m) => {
                let base_type = ast::type_of(&m.expression);
                let on_address = base_type.starts_with("address");
                let low_level = match m.member_name.as_str() {
                    "call" if on_address => Some(CallKind::LowLevel),
                    "delegatecall" | "callcode" if on_address => Some(CallKind::Delegate),
                    "staticcall" if on_address => Some(CallKind::Static),
                    "send" if on_address => Some(CallKind::Send),
                    "transfer" if on_address => Some(CallKind::Transfer),
                    _ => None,
                };
                if let Some(kind) = low_level {
                    let value = value || matches!(kind, CallKind::Send | CallKind::Transfer);
                    self.push(
                        Effect::Call {
                            kind,
                            call,
                            value,
                            read_only: kind == CallKind::Static,
                            value_param: if matches!(kind, CallKind::Send | CallKind::Transfer) {
                                None
                            } else {
                                value_param
                            },
                        },
                        call.src,
                        Rank::Call,
                    );
                    return;
                }
                // Writes through array members.
                if matches!(m.member_name.as_str(), "push" | "pop") {
                    self.write(&m.expression, call.src);
                }
                // Cheatcodes in tests: the EVM answers them, no contract runs.
                if matches!(base_type, "contract Vm" | "contract VmSafe") {
                    return;
                }
                let target = m.referenced_declaration;
                let library = target
                    .and_then(|t| self.program.owner_of(t))
                    .is_some_and(|c| {
                        c.kind == foundry_compilers::artifacts::ast::ContractKind::Library
                    });
                let callee_type = ast::type_of(callee);
                if library
                    || base_type == "type(contract super)"
                    || base_type.starts_with("type(contract super")
                {
                    if let Some(id) = target
                        && self.program.function(id).is_some_and(|f| f.body.is_some())
                    {
                        // `x.f(…)` through `using … for`: not `Lib.f(…)`
                        // nor `super.f(…)`.
                        let bound = !base_type.starts_with("type(");
                        self.storage_arguments(id, call, bound.then_some(&m.expression));
                        self.push(
                            Effect::Internal {
                                callee: id,
                                call: Some(call),
                                bound,
                            },
                            call.src,
                            Rank::Call,
                        );
                    }
                } else if callee_type.starts_with("function") && callee_type.contains(" external") {
                    let read_only = callee_type.contains(" view") || callee_type.contains(" pure");
                    self.push(
                        Effect::Call {
                            kind: CallKind::External,
                            call,
                            value,
                            read_only,
                            value_param,
                        },
                        call.src,
                        Rank::Call,
                    );
                }
            }
            _ => {}
        }
    }
}

impl<'a> BodyVisitor<'a> for Collector<'_, 'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        match stmt {
            Statement::EmitStatement(e) => self.push(Effect::Emit, e.src, Rank::Emit),
            Statement::VariableDeclarationStatement(d) => {
                if let ([Some(var)], Some(value)) = (&d.declarations[..], &d.initial_value) {
                    if var.storage_location == StorageLocation::Storage
                        && let Some(root) = self.written_root(value).first()
                    {
                        self.aliases.insert(var.id as isize, *root);
                    }
                    if let Expression::Identifier(source) = value
                        && let Some(id) = source.referenced_declaration
                        && self.program.is_storage(id)
                    {
                        self.snapshots.insert(var.id as isize, id);
                    }
                }
            }
            _ => {}
        }
    }

    fn try_call(&mut self, call: &'a FunctionCall, _place: Place) {
        self.call(call);
    }

    fn assembly(&mut self, block: &'a YulBlock, _place: Place) {
        let mut calls = Vec::new();
        ast::yul_calls(block, &mut calls);
        for call in calls {
            let value = match call.function_name.name.as_str() {
                "call" | "callcode" => call.arguments.get(2).is_none_or(|v| {
                    !matches!(v, YulExpression::YulLiteral(l) if l.value.as_deref() == Some("0"))
                }),
                "delegatecall" => true,
                _ => continue,
            };
            self.push(Effect::AssemblyCall { value }, call.src, Rank::Call);
        }
    }

    fn expression(&mut self, expr: &'a Expression, place: Place) {
        match expr {
            Expression::Identifier(i) => {
                if let Some(id) = i.referenced_declaration
                    && self.program.is_storage(id)
                    && !self.assigned_only.contains(&i.src.start.unwrap_or(0))
                {
                    self.push(Effect::Read(id), i.src, Rank::Read);
                }
            }
            Expression::Assignment(a) => {
                let restored = match (&a.lhs, &a.rhs) {
                    (Expression::Identifier(target), Expression::Identifier(source))
                        if a.operator == AssignmentOperator::Assign =>
                    {
                        target.referenced_declaration.filter(|t| {
                            source
                                .referenced_declaration
                                .and_then(|s| self.snapshots.get(&s))
                                == Some(t)
                        })
                    }
                    _ => None,
                };
                match restored {
                    Some(var) => self.push(Effect::Restore(var), a.src, Rank::Write),
                    None => self.write(&a.lhs, a.src),
                }
                if a.operator == AssignmentOperator::Assign {
                    lvalue_roots(&a.lhs, &mut self.assigned_only);
                }
            }
            Expression::UnaryOperation(u) => {
                if matches!(
                    u.operator,
                    UnaryOperator::Increment | UnaryOperator::Decrement | UnaryOperator::Delete
                ) {
                    self.write(&u.sub_expression, u.src);
                }
                if u.operator == UnaryOperator::Delete {
                    lvalue_roots(&u.sub_expression, &mut self.assigned_only);
                }
            }
            Expression::FunctionCall(call) => self.call(call),
            Expression::BinaryOperation(b)
                if place.in_condition
                    && matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual)
                    && (is_sender(&b.lhs) || is_sender(&b.rhs)) =>
            {
                let other = if is_sender(&b.lhs) { &b.rhs } else { &b.lhs };
                let against = self.written_root(other).first().copied();
                self.push(Effect::SenderCheck { against }, b.src, Rank::Read);
            }
            // `isOperator[msg.sender]`: membership, a yes or no. A number
            // kept per caller (`balances[msg.sender] >= amount`) is the
            // caller's own account, not a check on who calls.
            Expression::IndexAccess(i)
                if place.in_condition
                    && i.index_expression.as_ref().is_some_and(is_sender)
                    && ast::type_of(expr) == "bool" =>
            {
                // Membership rows are often each account's own
                // (`isApprovedForAll[owner][msg.sender]`): not an account
                // whose holder decides who passes.
                self.push(Effect::SenderCheck { against: None }, i.src, Rank::Read);
            }
            _ => {}
        }
    }
}

/// The identifiers an assignment target is rooted in (`x` in `x`, `x[k]`,
/// `x.f`): written, not read. Index expressions are still reads.
fn lvalue_roots(expr: &Expression, out: &mut HashSet<usize>) {
    match expr {
        Expression::Identifier(i) => {
            out.insert(i.src.start.unwrap_or(0));
        }
        Expression::IndexAccess(e) => lvalue_roots(&e.base_expression, out),
        Expression::MemberAccess(e) => lvalue_roots(&e.expression, out),
        Expression::TupleExpression(t) => {
            for c in t.components.iter().flatten() {
                lvalue_roots(c, out);
            }
        }
        _ => {}
    }
}

/// The literal `0`.
pub(crate) fn is_zero(expr: &Expression) -> bool {
    matches!(expr, Expression::Literal(l) if l.value.as_deref() == Some("0"))
}

/// `msg.sender` or `_msgSender()`.
pub(crate) fn is_sender(expr: &Expression) -> bool {
    match expr {
        Expression::MemberAccess(m) => {
            m.member_name == "sender"
                && matches!(&m.expression, Expression::Identifier(i) if i.name == "msg")
        }
        Expression::FunctionCall(c) => {
            c.arguments.is_empty()
                && matches!(&c.expression, Expression::Identifier(i) if i.name == "_msgSender")
        }
        _ => false,
    }
}

/// Names of functions that check who the caller is when handed
/// `msg.sender` (`hasRole`, `_checkRole`, `isOwner`, `onlyAdmin`…).
pub(crate) fn guard_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "role",
        "owner",
        "auth",
        "admin",
        "allow",
        "guard",
        "check",
        "only",
        "whitelist",
        "permit",
        "operator",
        "minter",
        "cancall",
        "permission",
        "access",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

fn sender_passed_to_guard(call: &FunctionCall, callee: &Expression) -> bool {
    let name = match callee {
        Expression::Identifier(i) => i.name.as_str(),
        Expression::MemberAccess(m) => m.member_name.as_str(),
        _ => return false,
    };
    guard_name(name) && call.arguments.iter().any(is_sender)
}

/// Whether `f` is guarded: it, a modifier it carries or an internal
/// function it calls checks `msg.sender`.
pub(crate) fn is_guarded(flow: &Flow<'_, '_>, f: &FunctionDefinition) -> bool {
    flow.flat(f.id as isize)
        .iter()
        .any(|l| matches!(l.effect, Effect::SenderCheck { .. }))
}

/// The names of the modifiers `f` carries.
pub(crate) fn modifier_names(f: &FunctionDefinition) -> Vec<&str> {
    f.modifiers
        .iter()
        .map(|m| match &m.modifier_name {
            IdentifierOrIdentifierPath::Identifier(i) => i.name.as_str(),
            IdentifierOrIdentifierPath::IdentifierPath(p) => p.name.as_str(),
        })
        .collect()
}

/// The lock a modifier takes around its placeholder, judged by what it
/// does, not by its name: before `_` it reads a storage variable and
/// writes it, and after `_` it writes it again (OpenZeppelin's and
/// solmate's `nonReentrant`, a hand-written `lock`). A modifier that only
/// reads a flag, or runs `_` alone, locks nothing.
pub(crate) fn lock_of_modifier(flow: &Flow<'_, '_>, modifier: isize) -> Option<isize> {
    let m = flow.program.modifier(modifier)?;
    let body = m.body.as_ref()?;
    let placeholder = placeholder_start(body)?;
    let effects = flow.flat(modifier);
    let before = |l: &&Located<'_>| l.site.start.unwrap_or(0) < placeholder;
    let after = |l: &&Located<'_>| l.site.start.unwrap_or(0) > placeholder;
    let written_before: HashSet<isize> = effects
        .iter()
        .filter(before)
        .filter_map(|l| match l.effect {
            Effect::Write(v) => Some(v),
            _ => None,
        })
        .collect();
    let read_before: HashSet<isize> = effects
        .iter()
        .filter(before)
        .filter_map(|l| match l.effect {
            Effect::Read(v) => Some(v),
            _ => None,
        })
        .collect();
    effects.iter().filter(after).find_map(|l| match l.effect {
        Effect::Write(v) | Effect::Restore(v)
            if written_before.contains(&v) && read_before.contains(&v) =>
        {
            Some(v)
        }
        _ => None,
    })
}

/// Where the first `_` of a modifier body starts.
fn placeholder_start(body: &Block) -> Option<usize> {
    struct Find(Option<usize>);
    impl<'a> BodyVisitor<'a> for Find {
        fn statement(&mut self, stmt: &'a Statement, _place: Place) {
            if let Statement::PlaceholderStatement(p) = stmt
                && self.0.is_none()
            {
                self.0 = p.src.start;
            }
        }
    }
    let mut find = Find(None);
    ast::walk_block(body, Place::default(), &mut find);
    find.0
}

/// The lock `f` holds while it runs: one a modifier it carries takes
/// (see [`lock_of_modifier`]).
pub(crate) fn lock_of(flow: &Flow<'_, '_>, f: &FunctionDefinition) -> Option<isize> {
    f.modifiers.iter().find_map(|m| {
        let id = match &m.modifier_name {
            IdentifierOrIdentifierPath::Identifier(i) => i.referenced_declaration,
            IdentifierOrIdentifierPath::IdentifierPath(p) => Some(p.referenced_declaration),
        }?;
        lock_of_modifier(flow, id)
    })
}

/// The source ranges of the loops in `f`'s body: what a loop body does
/// before a call also happens after it, in the next iteration.
pub(crate) fn loops_of(f: &FunctionDefinition) -> Vec<SourceLocation> {
    struct Loops(Vec<SourceLocation>);
    impl<'a> BodyVisitor<'a> for Loops {
        fn statement(&mut self, stmt: &'a Statement, _place: Place) {
            match stmt {
                Statement::ForStatement(s) => self.0.push(s.src),
                Statement::WhileStatement(s) => self.0.push(s.src),
                Statement::DoWhileStatement(s) => self.0.push(s.src),
                _ => {}
            }
        }
    }
    let mut loops = Loops(Vec::new());
    if let Some(body) = &f.body {
        ast::walk_block(body, Place::default(), &mut loops);
    }
    loops.0
}

/// Whether `inner` lies within `outer`.
pub(crate) fn within(inner: SourceLocation, outer: SourceLocation) -> bool {
    match (inner.start, outer.start, outer.length) {
        (Some(i), Some(o), Some(len)) => i >= o && i < o + len,
        _ => false,
    }
}

/// The parameters of `f` and the locals whose value comes from them
/// (followed through declarations and assignments).
pub(crate) fn tainted(f: &FunctionDefinition) -> HashSet<isize> {
    let mut set: HashSet<isize> = f
        .parameters
        .parameters
        .iter()
        .map(|p| p.id as isize)
        .collect();
    let Some(body) = &f.body else { return set };
    let edges = ast::value_edges(body);
    loop {
        let before = set.len();
        for (targets, value) in &edges {
            if mentions(value, &set) {
                set.extend(targets.iter().copied());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Whether `expr` names any declaration in `ids`.
pub(crate) fn mentions(expr: &Expression, ids: &HashSet<isize>) -> bool {
    ast::any_expr(
        expr,
        &|e| matches!(e, Expression::Identifier(i) if i.referenced_declaration.is_some_and(|id| ids.contains(&id))),
    )
}
