//! The static access-control review: for each function, who may call it —
//! the roles (`onlyRole(X)`, `_checkRole(X)`, `hasRole(X, msg.sender)`),
//! the accounts (`msg.sender == owner()`), the contract itself — found in
//! its modifiers, its body and the internal functions it calls, with the
//! arguments bound along the way (so `onlyRole(OPERATOR_ROLE)` →
//! `_checkRole(role)` → `_checkRole(role, _msgSender())` reads as
//! OPERATOR_ROLE); which roles must sign for it (`hasRole(X, signer)`);
//! and the roles, their admins and their first holders.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use foundry_compilers::artifacts::ast::{
    BinaryOperator, Block, ContractDefinition, Expression, FunctionCall, FunctionCallKind,
    FunctionDefinition, FunctionKind, IdentifierOrIdentifierPath, Statement, Visibility,
};

use crate::{
    ast::{self, BodyVisitor, Place},
    flow::{guard_name, is_sender},
    program::{Program, referenced},
};

/// Who a check lets through.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Who {
    /// Holders of a role.
    Role(String),
    /// The account an expression names (`owner()`, `defaultAdmin()`).
    Account(String),
    /// The contract calling itself.
    SelfCall,
    /// Accounts a mapping marks (`isAdmin[msg.sender]`).
    Member(String),
}

impl Who {
    pub(crate) fn describe(&self) -> String {
        match self {
            Who::Role(role)
                if role
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
            {
                role.clone()
            }
            Who::Role(role) => format!("the holders of role `{role}`"),
            Who::Account(account) => format!("`{account}`"),
            Who::SelfCall => "the contract itself".to_owned(),
            Who::Member(map) => format!("accounts marked in `{map}`"),
        }
    }
}

/// What guards one function.
#[derive(Clone, Debug, Default)]
pub(crate) struct Access {
    /// Checks that must all pass, each letting any of its `Who`s through.
    pub all_of: Vec<BTreeSet<Who>>,
    /// Roles whose holders must sign what the function is given.
    pub signed_by: BTreeSet<String>,
    /// Where the checks are (`modifier onlyRole`, `inline`, `via _checkOwner`).
    pub how: BTreeSet<String>,
    /// A one-time initialiser (`initializer`, `reinitializer`).
    pub initializer: bool,
}

impl Access {
    /// Whether anything restricts the caller.
    pub(crate) fn is_guarded(&self) -> bool {
        !self.all_of.is_empty() || !self.signed_by.is_empty() || self.initializer
    }

    /// `GUARDIAN_ROLE or `defaultAdmin()``.
    pub(crate) fn describe(&self) -> String {
        self.all_of
            .iter()
            .map(|any| {
                any.iter()
                    .map(Who::describe)
                    .collect::<Vec<_>>()
                    .join(" or ")
            })
            .collect::<Vec<_>>()
            .join(", and ")
    }
}

struct Walker<'p, 'a> {
    program: &'p Program<'a>,
    /// Inside `this.f(…)`: `msg.sender` is the contract, so only the
    /// signatures `f` needs count.
    in_self_call: bool,
    /// Modifiers and calls entered from the function under review.
    depth: usize,
    stack: Vec<isize>,
    groups: BTreeMap<usize, BTreeSet<Who>>,
    next_group: usize,
    access: Access,
}

struct Collect<'a> {
    items: Vec<(usize, &'a Expression, Place)>,
    /// `try` statements' calls.
    tries: Vec<(usize, &'a FunctionCall)>,
    statement: usize,
    base: usize,
    /// Locals holding the caller (`address caller = _msgSender();`).
    senders: std::collections::HashSet<isize>,
    /// Locals holding a recovered signer (`signer = ECDSA.recover(…)`).
    signers: std::collections::HashSet<isize>,
}

/// `ecrecover(…)`, `ECDSA.recover(…)`, `digest.tryRecover(…)`.
fn is_recover(expr: &Expression) -> bool {
    let Expression::FunctionCall(call) = expr else {
        return false;
    };
    let name = match &call.expression {
        Expression::Identifier(i) => i.name.as_str(),
        Expression::MemberAccess(m) => m.member_name.as_str(),
        _ => return false,
    };
    matches!(name, "ecrecover" | "recover" | "tryRecover")
}

impl<'a> BodyVisitor<'a> for Collect<'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        self.statement += 1;
        if let Statement::VariableDeclarationStatement(d) = stmt
            && let Some(value) = &d.initial_value
            && let Some(Some(var)) = d.declarations.first()
        {
            if is_sender(value) && d.declarations.len() == 1 {
                self.senders.insert(var.id as isize);
            }
            if is_recover(value) {
                self.signers.insert(var.id as isize);
            }
        }
    }
    fn expression(&mut self, expr: &'a Expression, place: Place) {
        if let Expression::Assignment(a) = expr
            && is_recover(&a.rhs)
            && let Some(id) = referenced(&a.lhs)
        {
            self.signers.insert(id);
        }
        self.items.push((self.base + self.statement, expr, place));
    }
    fn try_call(&mut self, call: &'a FunctionCall, _place: Place) {
        self.tries.push((self.base + self.statement, call));
    }
}

type Env = HashMap<isize, String>;

impl<'p, 'a> Walker<'p, 'a> {
    fn new(program: &'p Program<'a>) -> Self {
        Self {
            program,
            in_self_call: false,
            depth: 0,
            stack: Vec::new(),
            groups: BTreeMap::new(),
            next_group: 0,
            access: Access::default(),
        }
    }

    fn text(&self, expr: &Expression, env: &Env) -> String {
        let expr = crate::ast::strip_conversion(expr);
        if let Some(id) = referenced(expr)
            && let Some(bound) = env.get(&id)
        {
            return bound.clone();
        }
        let at = ast::src(expr);
        self.program
            .unit_of(at)
            .and_then(|u| {
                let start = at.start?;
                u.text.get(start..start + at.length?)
            })
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }

    fn add(&mut self, group: usize, who: Who) {
        if !self.in_self_call {
            self.groups.entry(group).or_default().insert(who);
            if self.depth == 0 {
                self.access.how.insert("inline check".to_owned());
            }
        }
    }

    fn function(&mut self, f: &'a FunctionDefinition, env: &Env, how: &str) {
        if self.stack.contains(&(f.id as isize)) || self.stack.len() > 8 {
            return;
        }
        self.stack.push(f.id as isize);
        for invocation in &f.modifiers {
            let (name, target) = match &invocation.modifier_name {
                IdentifierOrIdentifierPath::Identifier(i) => {
                    (i.name.as_str(), i.referenced_declaration)
                }
                IdentifierOrIdentifierPath::IdentifierPath(p) => {
                    (p.name.as_str(), Some(p.referenced_declaration))
                }
            };
            if matches!(name, "initializer" | "reinitializer") {
                self.access.initializer = true;
            }
            let Some(modifier) = target.and_then(|t| self.program.modifier(t)) else {
                continue;
            };
            let mut inner = Env::new();
            for (param, arg) in modifier
                .parameters
                .parameters
                .iter()
                .zip(&invocation.arguments)
            {
                inner.insert(param.id as isize, self.text(arg, env));
            }
            if let Some(body) = &modifier.body {
                let before = self.groups.len();
                self.depth += 1;
                self.body(body, &inner);
                self.depth -= 1;
                if self.groups.len() > before {
                    self.access.how.insert(format!("modifier `{name}`"));
                }
            }
        }
        if let Some(body) = &f.body {
            let before = self.groups.len();
            self.body(body, env);
            if self.groups.len() > before && !how.is_empty() {
                self.access.how.insert(how.to_owned());
            }
        }
        self.stack.pop();
    }

    fn body(&mut self, body: &'a Block, env: &Env) {
        let mut collect = Collect {
            items: Vec::new(),
            tries: Vec::new(),
            statement: 0,
            base: self.next_group,
            senders: std::collections::HashSet::new(),
            signers: std::collections::HashSet::new(),
        };
        ast::walk_block(body, Place::default(), &mut collect);
        let sender = |e: &Expression| {
            is_sender(e) || referenced(e).is_some_and(|id| collect.senders.contains(&id))
        };
        self.next_group += collect.statement + 1;
        let signers = collect.signers.clone();
        for (group, call) in &collect.tries {
            self.call(*group, call, env, &sender, &signers);
        }
        for (group, expr, place) in collect.items {
            match expr {
                Expression::FunctionCall(call) => self.call(group, call, env, &sender, &signers),
                Expression::BinaryOperation(b)
                    if matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual) =>
                {
                    for (side, other) in [(&b.lhs, &b.rhs), (&b.rhs, &b.lhs)] {
                        if sender(side) && !sender(other) {
                            let other = crate::ast::strip_conversion(other);
                            let who = if matches!(other, Expression::Identifier(i) if i.name == "this")
                            {
                                Who::SelfCall
                            } else {
                                Who::Account(self.text(other, env))
                            };
                            self.add(group, who);
                        }
                    }
                }
                // Membership (`isAdmin[msg.sender]`), not the caller's own
                // balance (`balances[msg.sender] >= amount`).
                Expression::IndexAccess(i)
                    if place.in_condition
                        && i.index_expression.as_ref().is_some_and(&sender)
                        && ast::type_of(expr) == "bool" =>
                {
                    let map = self.text(&i.base_expression, env);
                    self.add(group, Who::Member(map));
                }
                _ => {}
            }
        }
    }

    fn call(
        &mut self,
        group: usize,
        call: &'a FunctionCall,
        env: &Env,
        sender: &dyn Fn(&Expression) -> bool,
        signers: &std::collections::HashSet<isize>,
    ) {
        if call.kind != FunctionCallKind::FunctionCall {
            return;
        }
        let (name, target) = match &call.expression {
            Expression::Identifier(i) => (i.name.as_str(), i.referenced_declaration),
            Expression::MemberAccess(m) => (m.member_name.as_str(), m.referenced_declaration),
            _ => return,
        };
        let role = call
            .arguments
            .iter()
            .find(|a| ast::type_of(a) == "bytes32")
            .map(|a| self.text(a, env));
        let sender_passed = call.arguments.iter().any(sender);
        if guard_name(name) && sender_passed {
            match role {
                Some(role) => self.add(group, Who::Role(role)),
                None => self.add(group, Who::Account(format!("{name}(msg.sender)"))),
            }
            return;
        }
        // hasRole(X, signer) with a signer recovered from a signature: X's
        // holders must sign.
        if name == "hasRole" && !sender_passed {
            let signed = call
                .arguments
                .iter()
                .any(|a| referenced(a).is_some_and(|id| signers.contains(&id)));
            if let (Some(role), true) = (role, signed) {
                self.access.signed_by.insert(role);
            }
            return;
        }
        // Internal functions, with their parameters bound; `this.f(…)` for
        // the signatures it needs.
        let Some(callee) = target.and_then(|t| self.program.function(t)) else {
            return;
        };
        let through_this = matches!(&call.expression, Expression::MemberAccess(m)
            if matches!(&m.expression, Expression::Identifier(i) if i.name == "this"));
        if callee.body.is_none()
            || (matches!(callee.visibility, Visibility::External) && !through_this)
        {
            return;
        }
        if through_this {
            let outer = self.in_self_call;
            self.in_self_call = true;
            let mut inner = Env::new();
            for (param, arg) in callee.parameters.parameters.iter().zip(&call.arguments) {
                inner.insert(param.id as isize, self.text(arg, env));
            }
            self.function(callee, &inner, "");
            self.in_self_call = outer;
            return;
        }
        let mut inner = Env::new();
        let bound_receiver = matches!(&call.expression, Expression::MemberAccess(m) if !ast::type_of(&m.expression).starts_with("type("));
        let args: Vec<&Expression> = match &call.expression {
            Expression::MemberAccess(m) if bound_receiver => std::iter::once(&m.expression)
                .chain(&call.arguments)
                .collect(),
            _ => call.arguments.iter().collect(),
        };
        for (param, arg) in callee.parameters.parameters.iter().zip(args) {
            inner.insert(param.id as isize, self.text(arg, env));
        }
        let via = format!("via `{}`", crate::detector::function_label(callee));
        // The callee's checks count in the caller's statement.
        let saved = self.next_group;
        self.next_group = group;
        let start_groups: BTreeSet<usize> = self.groups.keys().copied().collect();
        self.depth += 1;
        self.function(callee, &inner, &via);
        self.depth -= 1;
        // Fold the callee's groups into the caller's statement group.
        let new: Vec<usize> = self
            .groups
            .keys()
            .copied()
            .filter(|g| !start_groups.contains(g))
            .collect();
        for g in new {
            if let Some(whos) = self.groups.remove(&g) {
                self.groups.entry(group).or_default().extend(whos);
            }
        }
        self.next_group = saved.max(self.next_group);
    }
}

/// Who may call `f`.
pub(crate) fn access_of(program: &Program<'_>, f: &FunctionDefinition) -> Access {
    let mut walker = Walker::new(program);
    walker.function(f, &Env::new(), "");
    let mut access = walker.access;
    access.all_of = walker
        .groups
        .into_values()
        .filter(|g| !g.is_empty())
        .collect();
    access
}

/// Whether `f` is an entry point that can change state.
pub(crate) fn is_state_changing_entry(f: &FunctionDefinition) -> bool {
    crate::detector::is_entry(f) && crate::detector::is_mutating(f)
}

/// A role: who administers it and who holds it from deployment.
#[derive(Debug, Default)]
struct RoleInfo {
    admin: Option<String>,
    granted: BTreeSet<String>,
}

/// The bytes32 `*_ROLE` constants of a contract (and its bases), with
/// their admins (`_setRoleAdmin`) and first holders (`_grantRole` in a
/// constructor or initialiser).
fn roles(program: &Program<'_>, contract: &ContractDefinition) -> BTreeMap<String, RoleInfo> {
    let mut roles: BTreeMap<String, RoleInfo> = BTreeMap::new();
    for var in program.state_vars_of(contract) {
        if var.constant
            && var.name.ends_with("_ROLE")
            && var.type_descriptions.type_string.as_deref() == Some("bytes32")
        {
            roles.entry(var.name.clone()).or_default();
        }
    }
    struct Calls<'a> {
        found: Vec<&'a FunctionCall>,
    }
    impl<'a> BodyVisitor<'a> for Calls<'a> {
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::FunctionCall(c) = expr {
                self.found.push(c);
            }
        }
    }
    for f in program.functions_of(contract) {
        let setup = *f.item.kind() == FunctionKind::Constructor
            || f.item.name.to_ascii_lowercase().starts_with("init")
            || f.item.name.starts_with("__");
        let Some(body) = &f.item.body else { continue };
        let mut calls = Calls { found: Vec::new() };
        ast::walk_block(body, Place::default(), &mut calls);
        let walker = Walker::new(program);
        for call in calls.found {
            let name = match &call.expression {
                Expression::Identifier(i) => i.name.as_str(),
                _ => continue,
            };
            let args: Vec<String> = call
                .arguments
                .iter()
                .map(|a| walker.text(a, &Env::new()))
                .collect();
            match (name, args.as_slice()) {
                ("_setRoleAdmin", [role, admin]) if role.ends_with("_ROLE") => {
                    roles.entry(role.clone()).or_default().admin = Some(admin.clone());
                }
                ("_grantRole" | "_setupRole", [role, account])
                    if setup && role.ends_with("_ROLE") =>
                {
                    roles
                        .entry(role.clone())
                        .or_default()
                        .granted
                        .insert(account.clone());
                }
                _ => {}
            }
        }
    }
    roles
}

fn signature(f: &FunctionDefinition) -> String {
    let types: Vec<String> = f
        .parameters
        .parameters
        .iter()
        .map(|p| p.type_descriptions.type_string.clone().unwrap_or_default())
        .collect();
    format!(
        "{}({})",
        crate::detector::function_label(f),
        types.join(",")
    )
}

/// The Markdown "Access Control Review" of `contracts`.
pub(crate) fn report(
    program: &Program<'_>,
    contracts: &[&ContractDefinition],
    allowlist: &[String],
) -> String {
    let mut out = String::from(
        "# Access control review\n\nWritten by `slipway analyze --access-report` from the compiler's typed AST: \
         every external or public function that can change state, with the checks that decide who may call it \
         (modifiers, inline `msg.sender` checks and role checks, and those in the internal functions it calls).\n",
    );
    for contract in contracts {
        let path = program
            .unit_of(contract.src)
            .map(|u| u.path.display().to_string())
            .unwrap_or_default();
        out.push_str(&format!("\n## {} (`{path}`)\n", contract.name));
        let roles = roles(program, contract);
        let functions: Vec<_> = program
            .functions_of(contract)
            .into_iter()
            .filter(|f| is_state_changing_entry(f.item))
            .map(|f| (f, access_of(program, f.item)))
            .collect();
        // Roles.
        let mut named: BTreeSet<String> = roles.keys().cloned().collect();
        for (_, access) in &functions {
            for any in &access.all_of {
                for who in any {
                    if let Who::Role(r) = who {
                        named.insert(r.clone());
                    }
                }
            }
            named.extend(access.signed_by.iter().cloned());
        }
        out.push_str("\n### Roles\n\n| role | administered by | granted at deployment to |\n|:---|:---|:---|\n");
        let constant = |r: &str| {
            !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        };
        for role in named.iter().filter(|r| constant(r)) {
            let info = roles.get(role);
            let admin = info
                .and_then(|i| i.admin.clone())
                .unwrap_or_else(|| "DEFAULT_ADMIN_ROLE (AccessControl's default)".to_owned());
            let granted = info
                .map(|i| {
                    i.granted
                        .iter()
                        .map(|g| format!("`{g}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|g| !g.is_empty())
                .unwrap_or_else(|| "-".to_owned());
            out.push_str(&format!("| {role} | {admin} | {granted} |\n"));
        }
        // Functions by who may call them.
        let mut by_caller: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut signed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut public = Vec::new();
        for (f, access) in &functions {
            let sig = signature(f.item);
            let how = access.how.iter().cloned().collect::<Vec<_>>().join(", ");
            let declared = if f.contract.id == contract.id {
                String::new()
            } else {
                format!(" (from `{}`)", f.contract.name)
            };
            if !access.all_of.is_empty() {
                by_caller
                    .entry(access.describe())
                    .or_default()
                    .push(format!("`{sig}`{declared} — {how}"));
            }
            for role in &access.signed_by {
                signed
                    .entry(role.clone())
                    .or_default()
                    .push(format!("`{sig}`{declared}"));
            }
            if access.all_of.is_empty() && access.signed_by.is_empty() {
                let name = format!(
                    "{}.{}",
                    contract.name,
                    crate::detector::function_label(f.item)
                );
                let note = if access.initializer {
                    " — once, as initialiser"
                } else if allowlist.contains(&name) {
                    " — allowlisted in `[analyze] public_functions`"
                } else {
                    " — **not allowlisted**"
                };
                public.push(format!("`{sig}`{declared}{note}"));
            }
        }
        out.push_str("\n### Functions each role or account may call\n");
        for (who, list) in &by_caller {
            out.push_str(&format!("\n**{who}**\n\n"));
            for item in list {
                out.push_str(&format!("- {item}\n"));
            }
        }
        if !signed.is_empty() {
            out.push_str("\n### Functions that need signatures of a role's holders\n");
            for (role, list) in &signed {
                out.push_str(&format!(
                    "\n**{role}** (signers checked with `hasRole`)\n\n"
                ));
                for item in list {
                    out.push_str(&format!("- {item}\n"));
                }
            }
        }
        out.push_str("\n### Public entry points (anyone may call)\n\n");
        if public.is_empty() {
            out.push_str("None.\n");
        }
        for item in public {
            out.push_str(&format!("- {item}\n"));
        }
    }
    out
}

/// Who may call what in one contract, as data: what the Markdown review
/// says, for callers that put it beside something else (`slipway roles
/// --with-review` beside the live holders).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ContractAccess {
    /// The contract's name.
    pub contract: String,
    /// Role name → the state-changing functions its holders may call
    /// (alone, or as one of several who may).
    pub roles: BTreeMap<String, Vec<String>>,
    /// Account (`owner()`, `defaultAdmin()`) → the functions it may call.
    pub accounts: BTreeMap<String, Vec<String>>,
    /// Role name → the functions that need its holders' signatures.
    pub signed_by: BTreeMap<String, Vec<String>>,
}

/// [`ContractAccess`] of `contracts`.
pub(crate) fn map(program: &Program<'_>, contracts: &[&ContractDefinition]) -> Vec<ContractAccess> {
    contracts
        .iter()
        .map(|contract| {
            let mut out = ContractAccess {
                contract: contract.name.clone(),
                ..ContractAccess::default()
            };
            for f in program
                .functions_of(contract)
                .into_iter()
                .filter(|f| is_state_changing_entry(f.item))
            {
                let access = access_of(program, f.item);
                let sig = signature(f.item);
                for who in access.all_of.iter().flatten() {
                    let entry = match who {
                        Who::Role(role) => out.roles.entry(role.clone()).or_default(),
                        Who::Account(account) => out.accounts.entry(account.clone()).or_default(),
                        Who::SelfCall | Who::Member(_) => continue,
                    };
                    if !entry.contains(&sig) {
                        entry.push(sig.clone());
                    }
                }
                for role in &access.signed_by {
                    out.signed_by
                        .entry(role.clone())
                        .or_default()
                        .push(sig.clone());
                }
            }
            out
        })
        .collect()
}
