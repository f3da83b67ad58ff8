//! Storage nobody sets, names that hide others, and the functions that set
//! critical storage: initialisers anyone can call, protected variables
//! written without their guard, addresses stored unchecked, and critical
//! changes made without an event.

use std::collections::HashSet;

use foundry_compilers::artifacts::ast::{
    BinaryOperator, ContractDefinition, ContractDefinitionPart, Documentation, Expression,
    FunctionDefinition, FunctionKind, Statement,
};

use crate::detector::{Cx, Detector, Sink, function_label, is_entry, is_mutating};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
    flow::{CallKind, Effect, is_guarded, is_sender, mentions, modifier_names, tainted},
    program::referenced,
};

use crate::ast::strip_conversion;

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "uninitialized-state",
        title: "State variable read but never written",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "A storage variable is read somewhere but nothing ever assigns it: no initial \
               value, no constructor, no function of this contract or one derived from it.",
        why: "It is always zero: a fee recipient of `address(0)` burns the fees, a zero \
              threshold lets every check pass.",
        help: "give it a value where it is declared or in the constructor, or make it `constant`",
        example: include_str!("../../testdata/src/uninitialized-state.sol"),
        run: uninitialized_state,
    },
    Detector {
        id: "shadowing-local",
        title: "Local variable shadows a state variable, function, modifier or event",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A parameter or local variable has the name of a state variable, function, \
               modifier or event of its contract (or a base).",
        why: "The name means the local inside the function: a later edit that meant the state \
              variable reads or writes the wrong thing.",
        help: "rename the local (a trailing or leading underscore is the usual convention)",
        example: include_str!("../../testdata/src/shadowing-local.sol"),
        run: shadowing_local,
    },
    Detector {
        id: "protected-vars",
        title: "Protected variable written without its guard",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "A state variable documented with `@custom:security write-protection=\"guard()\"` \
               is written by a public function that neither carries that modifier nor calls \
               that function.",
        why: "The documentation says only guarded code may change it; this function changes it \
              anyway.",
        help: "add the guard named in the variable's `write-protection` to the function",
        example: include_str!("../../testdata/src/protected-vars.sol"),
        run: protected_vars,
    },
    Detector {
        id: "unprotected-initializer",
        title: "Initialiser anyone can call, again",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A public `initialize…` function writes storage without the `initializer` \
               modifier, without a caller check and without a one-time flag it reads and sets.",
        why: "Anyone can call it first (front-running the deployer) or call it again later, \
              and so set the owner, roles or parameters.",
        help: "use OpenZeppelin's `initializer` modifier, or a flag checked and set once",
        example: include_str!("../../testdata/src/unprotected-initializer.sol"),
        run: unprotected_initializer,
    },
    Detector {
        id: "unprotected-upgrade",
        title: "Upgradeable logic contract that anyone can initialise and destroy",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "An upgradeable contract (it has an `initializer`) can reach `delegatecall` or \
               `selfdestruct` from a public function, and its constructor does not call \
               `_disableInitializers()`.",
        why: "Anyone can initialise the implementation itself, become its owner, and make it \
              `delegatecall` into code that self-destructs: every proxy using it breaks \
              (Parity's wallet library, OpenZeppelin's UUPS advisory of 2021).",
        help: "call `_disableInitializers()` in the constructor",
        example: include_str!("../../testdata/src/unprotected-upgrade.sol"),
        run: unprotected_upgrade,
    },
    Detector {
        id: "missing-zero-check",
        title: "Address parameter stored or paid without a zero check",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "An address parameter is written to storage, or sent ether, and the function \
               never compares it with `address(0)`.",
        why: "A zero address from a default value or a bad script sets an owner nobody holds or \
              burns the ether.",
        help: "add `require(param != address(0), …)` (or a custom error)",
        example: include_str!("../../testdata/src/missing-zero-check.sol"),
        run: missing_zero_check,
    },
    Detector {
        id: "events-access",
        title: "Access-control change without an event",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "A function changes a state variable that `msg.sender` is compared with (an \
               owner, an admin) and emits no event.",
        why: "Monitoring and incident response cannot see who holds the keys change.",
        help: "emit an event with the old and new value",
        example: include_str!("../../testdata/src/events-access.sol"),
        run: events_access,
    },
    Detector {
        id: "events-maths",
        title: "Critical parameter change without an event",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "An access-controlled function sets an integer state variable (a fee, a limit, a \
               rate) from its arguments and emits no event.",
        why: "Users and monitoring cannot see the parameters that govern their funds change.",
        help: "emit an event with the new value",
        example: include_str!("../../testdata/src/events-maths.sol"),
        run: events_maths,
    },
];

/// Every function and modifier of the program whose contract has
/// `contract` among its bases (or is it).
fn code_over<'a>(cx: &Cx<'_, 'a>, contract: &ContractDefinition) -> Vec<isize> {
    let mut ids = Vec::new();
    for c in &cx.program.contracts {
        if !(c.id == contract.id || c.linearized_base_contracts.contains(&contract.id)) {
            continue;
        }
        for part in &c.nodes {
            match part {
                ContractDefinitionPart::FunctionDefinition(f) => ids.push(f.id as isize),
                ContractDefinitionPart::ModifierDefinition(m) => ids.push(m.id as isize),
                _ => {}
            }
        }
    }
    ids
}

struct Assembly {
    referenced: HashSet<isize>,
}

impl<'a> BodyVisitor<'a> for Assembly {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        if let Statement::InlineAssembly(a) = stmt {
            self.referenced
                .extend(a.external_references.iter().map(|r| r.declaration as isize));
        }
    }
}

fn uninitialized_state(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        let own: Vec<_> = contract
            .nodes
            .iter()
            .filter_map(|p| match p {
                ContractDefinitionPart::VariableDeclaration(v)
                    if v.value.is_none() && cx.program.is_storage(v.id as isize) =>
                {
                    Some(&**v)
                }
                _ => None,
            })
            .collect();
        if own.is_empty() {
            continue;
        }
        let mut reads = HashSet::new();
        let mut writes = HashSet::new();
        let mut assembly = Assembly {
            referenced: HashSet::new(),
        };
        for id in code_over(cx, contract) {
            for l in cx.flow.flat(id).iter() {
                match l.effect {
                    Effect::Read(v) => {
                        reads.insert(v);
                    }
                    Effect::Write(v) | Effect::Restore(v) => {
                        writes.insert(v);
                    }
                    _ => {}
                }
            }
            let body = cx
                .program
                .function(id)
                .and_then(|f| f.body.as_ref())
                .or_else(|| cx.program.modifier(id).and_then(|m| m.body.as_ref()));
            if let Some(body) = body {
                ast::walk_block(body, Place::default(), &mut assembly);
            }
        }
        for var in own {
            let id = var.id as isize;
            if reads.contains(&id) && !writes.contains(&id) && !assembly.referenced.contains(&id) {
                sink.report(
                    var.src,
                    contract,
                    None,
                    format!(
                        "`{}` is read but never assigned: it is always zero",
                        var.name
                    ),
                );
            }
        }
    }
}

/// Names a local must not take in `contract`: its (and its bases') state
/// variables, functions, modifiers and events.
fn member_names(cx: &Cx<'_, '_>, contract: &ContractDefinition) -> HashSet<String> {
    cx.program
        .linearized(contract)
        .into_iter()
        .flat_map(|c| c.nodes.iter())
        .filter_map(|p| match p {
            ContractDefinitionPart::VariableDeclaration(v) => Some(v.name.clone()),
            ContractDefinitionPart::FunctionDefinition(f) => Some(f.name.clone()),
            ContractDefinitionPart::ModifierDefinition(m) => Some(m.name.clone()),
            ContractDefinitionPart::EventDefinition(e) => Some(e.name.clone()),
            _ => None,
        })
        .filter(|n| !n.is_empty())
        .collect()
}

struct LocalDecls<'a> {
    found: Vec<&'a foundry_compilers::artifacts::ast::VariableDeclaration>,
}

impl<'a> BodyVisitor<'a> for LocalDecls<'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        if let Statement::VariableDeclarationStatement(d) = stmt {
            self.found.extend(d.declarations.iter().flatten());
        }
        if let Statement::ForStatement(s) = stmt
            && let Some(foundry_compilers::artifacts::ast::ExpressionOrVariableDeclarationStatement::VariableDeclarationStatement(d)) = &s.initialization_expression
        {
            self.found.extend(d.declarations.iter().flatten());
        }
    }
}

fn shadowing_local(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        let names = member_names(cx, contract);
        for part in &contract.nodes {
            let (f, params, body) = match part {
                ContractDefinitionPart::FunctionDefinition(f) => (
                    Some(&**f),
                    f.parameters
                        .parameters
                        .iter()
                        .chain(&f.return_parameters.parameters)
                        .collect::<Vec<_>>(),
                    f.body.as_ref(),
                ),
                ContractDefinitionPart::ModifierDefinition(m) => (
                    None,
                    m.parameters.parameters.iter().collect(),
                    m.body.as_ref(),
                ),
                _ => continue,
            };
            let mut locals = LocalDecls { found: params };
            if let Some(body) = body {
                ast::walk_block(body, Place::default(), &mut locals);
            }
            for var in locals.found {
                if !var.name.is_empty() && names.contains(&var.name) {
                    sink.report(
                        var.src,
                        contract,
                        f,
                        format!(
                            "`{}` shadows a member of `{}` with the same name",
                            var.name, contract.name
                        ),
                    );
                }
            }
        }
    }
}

fn doc_text(doc: &Option<Documentation>) -> Option<&str> {
    match doc.as_ref()? {
        Documentation::Structured(s) => Some(&s.text),
        Documentation::Raw(r) => Some(r),
    }
}

/// `@custom:security write-protection="onlyOwner()"` → `onlyOwner`.
fn write_protection(text: &str) -> Option<String> {
    let rest = text.split("write-protection").nth(1)?;
    let rest = rest
        .trim_start()
        .strip_prefix('=')?
        .trim_start()
        .strip_prefix('"')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn protected_vars(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        let protected: Vec<(isize, String, String)> = cx
            .program
            .state_vars_of(contract)
            .into_iter()
            .filter_map(|v| {
                let guard = write_protection(doc_text(&v.documentation)?)?;
                Some((v.id as isize, v.name.clone(), guard))
            })
            .collect();
        if protected.is_empty() {
            continue;
        }
        for f in cx.functions_in(contract) {
            if !is_entry(f) || !is_mutating(f) {
                continue;
            }
            let flat = cx.flow.flat(f.id as isize);
            let modifiers = modifier_names(f);
            let called: HashSet<&str> = flat
                .iter()
                .filter_map(|l| l.via)
                .filter_map(|id| cx.program.function(id).map(|g| g.name.as_str()))
                .collect();
            for (var, name, guard) in &protected {
                let writes = flat
                    .iter()
                    .any(|l| matches!(l.effect, Effect::Write(v) if v == *var));
                if writes
                    && !modifiers.contains(&guard.as_str())
                    && !called.contains(guard.as_str())
                {
                    sink.report(
                        f.name_location.unwrap_or(f.src),
                        contract,
                        Some(f),
                        format!(
                            "`{}` writes `{name}`, which only `{guard}` may write",
                            function_label(f)
                        ),
                    );
                }
            }
        }
    }
}

use crate::taint::INIT_MODIFIERS;

fn unprotected_initializer(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        if !is_entry(f) || !f.name.to_ascii_lowercase().starts_with("init") {
            continue;
        }
        if modifier_names(f).iter().any(|m| INIT_MODIFIERS.contains(m)) || is_guarded(cx.flow, f) {
            continue;
        }
        let flat = cx.flow.flat(f.id as isize);
        let mut read = HashSet::new();
        let mut once_flag = false;
        let mut writes = false;
        for l in flat.iter() {
            match l.effect {
                Effect::Read(v) => {
                    read.insert(v);
                }
                Effect::Write(v) => {
                    writes = true;
                    once_flag |= read.contains(&v);
                }
                _ => {}
            }
        }
        if writes && !once_flag {
            sink.report(
                f.name_location.unwrap_or(f.src),
                contract,
                Some(f),
                format!("`{}` can be called by anyone, any number of times", f.name),
            );
        }
    }
}

fn unprotected_upgrade(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        if !crate::program::is_concrete(contract) {
            continue;
        }
        let functions = cx.program.functions_of(contract);
        let constructed: HashSet<isize> = functions
            .iter()
            .filter(|f| *f.item.kind() == FunctionKind::Constructor)
            .flat_map(|f| writes_of(cx, f.item))
            .collect();
        // An initialiser: `initializer` and its kin, or an open function
        // that claims unset state once (`require(owner == address(0))`)
        // which no constructor has set.
        let upgradeable = functions.iter().any(|f| {
            modifier_names(f.item)
                .iter()
                .any(|m| INIT_MODIFIERS.contains(m))
                || (is_entry(f.item)
                    && !is_guarded(cx.flow, f.item)
                    && claims_once(cx, f.item)
                        .iter()
                        .any(|v| !constructed.contains(v)))
        });
        if !upgradeable {
            continue;
        }
        let disables = functions.iter().any(|f| {
            *f.item.kind() == FunctionKind::Constructor
                && (modifier_names(f.item).contains(&"initializer")
                    || cx.flow.flat(f.item.id as isize).iter().any(|l| {
                        l.via
                            .and_then(|id| cx.program.function(id))
                            .is_some_and(|g| g.name == "_disableInitializers")
                    }))
        });
        if disables {
            continue;
        }
        let dangerous = functions.iter().find(|f| {
            is_entry(f.item)
                && !modifier_names(f.item).contains(&"onlyProxy")
                && cx.flow.flat(f.item.id as isize).iter().any(|l| {
                    matches!(
                        l.effect,
                        Effect::Call {
                            kind: CallKind::Delegate | CallKind::SelfDestruct,
                            ..
                        }
                    )
                })
        });
        if let Some(f) = dangerous {
            sink.report(
                contract.name_location.unwrap_or(contract.src),
                contract,
                None,
                format!(
                    "`{}` can be initialised by anyone and `{}` reaches delegatecall or selfdestruct; its constructor does not call `_disableInitializers()`",
                    contract.name,
                    function_label(f.item)
                ),
            );
        }
    }
}

/// The storage `f` writes, through everything it runs.
fn writes_of(cx: &Cx<'_, '_>, f: &FunctionDefinition) -> HashSet<isize> {
    cx.flow
        .flat(f.id as isize)
        .iter()
        .filter_map(|l| match l.effect {
            Effect::Write(v) => Some(v),
            _ => None,
        })
        .collect()
}

/// The state variables `f` writes after checking that they are unset
/// (`require(owner == address(0)); owner = next;`): a claim anyone can make
/// once.
pub(crate) fn claims_once(cx: &Cx<'_, '_>, f: &FunctionDefinition) -> HashSet<isize> {
    let Some(body) = &f.body else {
        return HashSet::new();
    };
    let checked = zero_checked(body);
    writes_of(cx, f)
        .into_iter()
        .filter(|v| checked.contains(v))
        .collect()
}

/// `x != address(0)` or `x == address(0)` somewhere in `body`.
pub(crate) fn zero_checked(body: &foundry_compilers::artifacts::ast::Block) -> HashSet<isize> {
    struct Zero {
        checked: HashSet<isize>,
    }
    impl<'a> BodyVisitor<'a> for Zero {
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::BinaryOperation(b) = expr
                && matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual)
            {
                for (side, other) in [(&b.lhs, &b.rhs), (&b.rhs, &b.lhs)] {
                    if is_zero_address(other)
                        && let Some(id) = referenced(strip_conversion(side))
                    {
                        self.checked.insert(id);
                    }
                }
            }
        }
    }
    let mut zero = Zero {
        checked: HashSet::new(),
    };
    ast::walk_block(body, Place::default(), &mut zero);
    zero.checked
}

/// `address(0)`.
pub(crate) fn is_zero_address(expr: &Expression) -> bool {
    match expr {
        Expression::FunctionCall(c) => {
            c.arguments.len() == 1
                && matches!(&c.arguments[0], Expression::Literal(l) if l.value.as_deref() == Some("0"))
        }
        _ => false,
    }
}

/// Parameters handed to an internal function (which may check them).
fn passed_on(cx: &Cx<'_, '_>, body: &foundry_compilers::artifacts::ast::Block) -> HashSet<isize> {
    struct Passed<'r, 'p, 'a> {
        cx: &'r Cx<'p, 'a>,
        ids: HashSet<isize>,
    }
    impl<'a> BodyVisitor<'a> for Passed<'_, '_, '_> {
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::FunctionCall(c) = expr
                && referenced(&c.expression)
                    .is_some_and(|id| self.cx.program.function(id).is_some())
            {
                for arg in &c.arguments {
                    if let Some(id) = referenced(strip_conversion(arg)) {
                        self.ids.insert(id);
                    }
                }
            }
        }
    }
    let mut passed = Passed {
        cx,
        ids: HashSet::new(),
    };
    ast::walk_block(body, Place::default(), &mut passed);
    passed.ids
}

fn missing_zero_check(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        // Internal functions' parameters are their callers' to check.
        if !is_entry(f) || !is_mutating(f) {
            continue;
        }
        let Some(body) = &f.body else { continue };
        let addresses: HashSet<isize> = f
            .parameters
            .parameters
            .iter()
            .filter(|p| {
                p.type_descriptions
                    .type_string
                    .as_deref()
                    .is_some_and(|t| t.starts_with("address"))
            })
            .map(|p| p.id as isize)
            .collect();
        if addresses.is_empty() {
            continue;
        }
        let checked = zero_checked(body);
        let passed = passed_on(cx, body);
        struct Stores<'a> {
            found: Vec<(
                &'a Expression,
                &'a Expression,
                foundry_compilers::artifacts::ast::SourceLocation,
            )>,
        }
        impl<'a> BodyVisitor<'a> for Stores<'a> {
            fn expression(&mut self, expr: &'a Expression, _place: Place) {
                if let Expression::Assignment(a) = expr {
                    self.found.push((&a.lhs, &a.rhs, a.src));
                }
            }
        }
        let mut stores = Stores { found: Vec::new() };
        ast::walk_block(body, Place::default(), &mut stores);
        for (lhs, rhs, at) in stores.found {
            let Some(param) = referenced(strip_conversion(rhs)) else {
                continue;
            };
            if !addresses.contains(&param) || checked.contains(&param) || passed.contains(&param) {
                continue;
            }
            let Some(target) = referenced(lhs) else {
                continue;
            };
            if !cx.program.is_storage(target) {
                continue;
            }
            let name = cx.program.variable(param).map_or("?", |v| v.name.as_str());
            sink.report(
                at,
                contract,
                Some(f),
                format!("`{name}` is stored without a check against `address(0)`"),
            );
        }
        for (_, call, target) in super::transfers::own_calls(cx, f, true) {
            if let Some(param) = referenced(target)
                && addresses.contains(&param)
                && !checked.contains(&param)
            {
                let name = cx.program.variable(param).map_or("?", |v| v.name.as_str());
                sink.report(
                    call.src,
                    contract,
                    Some(f),
                    format!("ether is sent to `{name}` without a check against `address(0)`"),
                );
            }
        }
    }
}

/// State variables compared with `msg.sender` in `contract` or its bases.
fn access_vars(cx: &Cx<'_, '_>, contract: &ContractDefinition) -> HashSet<isize> {
    struct Compared<'r, 'p, 'a> {
        cx: &'r Cx<'p, 'a>,
        vars: HashSet<isize>,
    }
    impl<'a> BodyVisitor<'a> for Compared<'_, '_, '_> {
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::BinaryOperation(b) = expr
                && matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual)
            {
                for (side, other) in [(&b.lhs, &b.rhs), (&b.rhs, &b.lhs)] {
                    if is_sender(other)
                        && let Some(id) = referenced(side)
                        && self.cx.program.is_storage(id)
                    {
                        self.vars.insert(id);
                    }
                }
            }
        }
    }
    let mut compared = Compared {
        cx,
        vars: HashSet::new(),
    };
    for base in cx.program.linearized(contract) {
        for part in &base.nodes {
            let body = match part {
                ContractDefinitionPart::FunctionDefinition(f) => f.body.as_ref(),
                ContractDefinitionPart::ModifierDefinition(m) => m.body.as_ref(),
                _ => None,
            };
            if let Some(body) = body {
                ast::walk_block(body, Place::default(), &mut compared);
            }
        }
    }
    compared.vars
}

fn emits(cx: &Cx<'_, '_>, f: &FunctionDefinition) -> bool {
    cx.flow
        .flat(f.id as isize)
        .iter()
        .any(|l| matches!(l.effect, Effect::Emit))
}

fn events_access(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        let access = access_vars(cx, contract);
        if access.is_empty() {
            continue;
        }
        for f in cx.functions_in(contract) {
            if !is_entry(f) || !is_mutating(f) || emits(cx, f) {
                continue;
            }
            let written: Vec<isize> = cx
                .flow
                .flat(f.id as isize)
                .iter()
                .filter_map(|l| match l.effect {
                    Effect::Write(v) if access.contains(&v) => Some(v),
                    _ => None,
                })
                .collect();
            if let Some(var) = written.first() {
                let name = cx.program.variable(*var).map_or("?", |v| v.name.as_str());
                sink.report(
                    f.name_location.unwrap_or(f.src),
                    contract,
                    Some(f),
                    format!(
                        "`{}` changes `{name}`, which guards access, without an event",
                        function_label(f)
                    ),
                );
            }
        }
    }
}

fn events_maths(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        if !is_entry(f) || !is_mutating(f) || !is_guarded(cx.flow, f) || emits(cx, f) {
            continue;
        }
        let params = tainted(f);
        let Some(body) = &f.body else { continue };
        struct Sets<'a> {
            found: Vec<&'a foundry_compilers::artifacts::ast::Assignment>,
        }
        impl<'a> BodyVisitor<'a> for Sets<'a> {
            fn expression(&mut self, expr: &'a Expression, _place: Place) {
                if let Expression::Assignment(a) = expr {
                    self.found.push(a);
                }
            }
        }
        let mut sets = Sets { found: Vec::new() };
        ast::walk_block(body, Place::default(), &mut sets);
        for a in sets.found {
            let Some(target) = referenced(&a.lhs) else {
                continue;
            };
            let numeric = cx.program.variable(target).is_some_and(|v| {
                v.type_descriptions
                    .type_string
                    .as_deref()
                    .is_some_and(|t| t.starts_with("uint") || t.starts_with("int"))
            });
            if cx.program.is_storage(target) && numeric && mentions(&a.rhs, &params) {
                let name = cx.program.variable(target).map_or("?", |v| v.name.as_str());
                sink.report(
                    a.src,
                    contract,
                    Some(f),
                    format!("`{name}` is set without an event"),
                );
            }
        }
    }
}
