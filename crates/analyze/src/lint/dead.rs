//! Dead weight: variables, named returns, imports, state, functions,
//! events and errors nothing uses; `console` left in production code;
//! state that could be `constant` or `immutable`.

use std::collections::HashSet;

use foundry_compilers::artifacts::ast::{
    ContractDefinitionPart, Expression, FunctionKind, Mutability, SourceUnitPart, Statement,
    StorageLocation, Visibility, visitor::Walk,
};

use super::support::report_in_file;
use crate::{
    Confidence, Fix, Severity,
    ast::{self, BodyVisitor, Place},
    detector::{Cx, Detector, Sink, function_label},
    flow::Effect,
    program::References,
};

pub(super) static RULES: &[Detector] = &[
    Detector {
        id: "unused-variable",
        title: "Unused local variable or parameter",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A local variable or a named parameter of a function with a body is never used.",
        why: "It is noise at best, and often a sign that the code does not do what was meant \
              (a value computed and then forgotten).",
        help: "remove it, or leave the parameter unnamed (`uint256 /* amount */`)",
        example: include_str!("../../testdata/src/unused-variable.sol"),
        run: unused_variable,
    },
    Detector {
        id: "unused-named-return",
        title: "Named return value never used",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "A function names its return value but never assigns or reads it.",
        why: "Either the function returns with explicit `return` statements (the name is dead \
              weight) or it always returns zero (a bug).",
        help: "drop the name, or assign it",
        example: include_str!("../../testdata/src/unused-named-return.sol"),
        run: unused_named_return,
    },
    Detector {
        id: "unused-import",
        title: "Unused import",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "An import brings in names the file never uses.",
        why: "It slows compilation and misleads readers about the file's dependencies.",
        help: "remove the import (or the unused names from it)",
        example: include_str!("../../testdata/src/unused-import.sol"),
        run: unused_import,
    },
    Detector {
        id: "unused-state",
        title: "Unused state variable",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A private or internal state variable is never read or written.",
        why: "It occupies a name (and, if not constant, a storage slot layout position) for \
              nothing; in upgradeable contracts it hides a layout that matters.",
        help: "remove it",
        example: include_str!("../../testdata/src/unused-state.sol"),
        run: unused_state,
    },
    Detector {
        id: "dead-code",
        title: "Internal function never called",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "An internal or private function (not virtual) is never called.",
        why: "Dead code is still reviewed, audited and maintained, and can be revived by \
              mistake.",
        help: "remove it",
        example: include_str!("../../testdata/src/dead-code.sol"),
        run: dead_code,
    },
    Detector {
        id: "unused-event",
        title: "Event never emitted",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "An event is declared but no code emits it.",
        why: "Monitoring may wait for an event that never comes.",
        help: "emit it where the change happens, or remove it",
        example: include_str!("../../testdata/src/unused-event.sol"),
        run: |cx, sink| unused_declaration(cx, sink, true),
    },
    Detector {
        id: "unused-error",
        title: "Custom error never used",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "A custom error is declared but no code reverts with it.",
        why: "It suggests a check that was planned and never written.",
        help: "revert with it where the check belongs, or remove it",
        example: include_str!("../../testdata/src/unused-error.sol"),
        run: |cx, sink| unused_declaration(cx, sink, false),
    },
    Detector {
        id: "no-console",
        title: "`console` imported outside tests",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A source (not a test) imports `console.sol` or `console2.sol`.",
        why: "Debug logging is for tests: on chain each call costs gas and does nothing.",
        help: "remove the import and the `console.log` calls",
        example: include_str!("../../testdata/src/no-console.sol"),
        run: no_console,
    },
    Detector {
        id: "constant-candidate",
        title: "State variable that could be `constant`",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A state variable is set to a compile-time constant where it is declared and never \
               written again (Slither's `constable-states`).",
        why: "Each read costs a storage load (2,100 gas cold) where a constant costs nothing.",
        help: "declare it `constant` (`--fix` does; rename it in UPPER_CASE after)",
        example: include_str!("../../testdata/src/constant-candidate.sol"),
        run: constant_candidate,
    },
    Detector {
        id: "immutable-candidate",
        title: "State variable that could be `immutable`",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A state variable of a value type is set only in the constructor (or where it is \
               declared) and never written again (Slither's `immutable-states`).",
        why: "An immutable lives in the code: reading it costs 3 gas instead of a storage load.",
        help: "declare it `immutable` (`--fix` does when the constructor assigns it once, at its top level)",
        example: include_str!("../../testdata/src/immutable-candidate.sol"),
        run: immutable_candidate,
    },
];

fn references_in<T: Walk>(node: &T) -> HashSet<isize> {
    let mut refs = References::default();
    node.walk(&mut refs);
    refs.ids
}

/// The first segment of every qualified path (`A` of `A.B`).
#[derive(Default)]
struct Paths {
    first: HashSet<String>,
}

impl foundry_compilers::artifacts::ast::visitor::Visitor for Paths {
    fn visit_identifier_path(&mut self, p: &foundry_compilers::artifacts::ast::IdentifierPath) {
        if let Some((first, _)) = p.name.split_once('.') {
            self.first.insert(first.to_owned());
        }
    }
}

struct Locals<'a> {
    found: Vec<&'a foundry_compilers::artifacts::ast::VariableDeclaration>,
}

impl<'a> BodyVisitor<'a> for Locals<'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        match stmt {
            Statement::VariableDeclarationStatement(d) => self.found.extend(d.declarations.iter().flatten()),
            Statement::ForStatement(f) => {
                if let Some(foundry_compilers::artifacts::ast::ExpressionOrVariableDeclarationStatement::VariableDeclarationStatement(d)) =
                    &f.initialization_expression
                {
                    self.found.extend(d.declarations.iter().flatten());
                }
            }
            _ => {}
        }
    }
}

fn unused_variable(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        let Some(body) = &f.body else { continue };
        // The whole function: base constructor arguments and modifier
        // arguments use parameters too.
        let used = references_in(f);
        let mut locals = Locals { found: Vec::new() };
        ast::walk_block(body, Place::default(), &mut locals);
        // Parameters of functions that must keep their signature
        // (overrides, virtual hooks) may go unused.
        let keeps_signature = f.is_virtual || f.overrides.is_some() || !f.base_functions.is_empty();
        let params = f.parameters.parameters.iter().filter(|_| !keeps_signature);
        for var in params.chain(locals.found) {
            if !var.name.is_empty() && !used.contains(&(var.id as isize)) {
                sink.report(
                    var.src,
                    contract,
                    Some(f),
                    format!("`{}` is never used", var.name),
                );
            }
        }
    }
}

fn unused_named_return(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        let Some(body) = &f.body else { continue };
        let used = references_in(body);
        for var in &f.return_parameters.parameters {
            if !var.name.is_empty() && !used.contains(&(var.id as isize)) {
                sink.report(
                    var.src,
                    contract,
                    Some(f),
                    format!(
                        "the return value `{}` of `{}` is named but never used",
                        var.name,
                        function_label(f)
                    ),
                );
            }
        }
    }
}

fn unused_import(cx: &Cx<'_, '_>, sink: &mut Sink) {
    // A file of imports alone re-exports them.
    let declares = cx.unit.ast.nodes.iter().any(|p| {
        !matches!(
            p,
            SourceUnitPart::ImportDirective(_) | SourceUnitPart::PragmaDirective(_)
        )
    });
    if !declares {
        return;
    }
    // Names used in this file (the import directives themselves excluded),
    // and the first segments of qualified paths (`Checkpoints.Trace208`
    // names the struct, yet uses the imported library).
    let mut used = HashSet::new();
    let mut prefixes = Paths::default();
    for part in &cx.unit.ast.nodes {
        if !matches!(part, SourceUnitPart::ImportDirective(_)) {
            used.extend(references_in(part));
            part.walk(&mut prefixes);
        }
    }
    for part in &cx.unit.ast.nodes {
        let SourceUnitPart::ImportDirective(import) = part else {
            continue;
        };
        let unused = if import.symbol_aliases.is_empty() {
            // A whole-file import: used if anything the file exports is.
            let Some(unit) = cx.program.unit_by_id(import.source_unit) else {
                continue;
            };
            !unit.ast.exported_symbols.iter().any(|(name, ids)| {
                ids.iter().any(|id| used.contains(&(*id as isize))) || prefixes.first.contains(name)
            }) && import.unit_alias.is_empty()
        } else {
            !import.symbol_aliases.iter().any(|a| {
                a.foreign
                    .referenced_declaration
                    .is_some_and(|id| used.contains(&id))
                    || prefixes
                        .first
                        .contains(a.local.as_ref().unwrap_or(&a.foreign.name))
            })
        };
        if unused {
            report_in_file(
                sink,
                cx.unit,
                import.src,
                format!("nothing from `{}` is used", import.file),
                None,
            );
        }
    }
}

/// Storage variables written anywhere in the program, by whom (function
/// ids), and whether from a constructor.
fn writers(cx: &Cx<'_, '_>) -> std::collections::HashMap<isize, Vec<(isize, bool)>> {
    let mut writes: std::collections::HashMap<isize, Vec<(isize, bool)>> =
        std::collections::HashMap::new();
    for contract in &cx.program.contracts {
        for part in &contract.nodes {
            let (id, constructor) = match part {
                ContractDefinitionPart::FunctionDefinition(f) => {
                    (f.id as isize, *f.kind() == FunctionKind::Constructor)
                }
                ContractDefinitionPart::ModifierDefinition(m) => (m.id as isize, false),
                _ => continue,
            };
            // Own effects only: a constructor's internal calls run later too.
            for l in cx.flow.flat(id).iter() {
                if let Effect::Write(v) | Effect::Restore(v) = l.effect {
                    writes
                        .entry(v)
                        .or_default()
                        .push((id, constructor && l.via.is_none()));
                }
            }
        }
    }
    writes
}

fn unused_state(cx: &Cx<'_, '_>, sink: &mut Sink) {
    let refs = cx.program.references();
    for contract in &cx.contracts {
        for part in &contract.nodes {
            if let ContractDefinitionPart::VariableDeclaration(v) = part
                && matches!(v.visibility, Visibility::Private | Visibility::Internal)
                && !refs.contains(&(v.id as isize))
            {
                sink.report(
                    v.name_location.unwrap_or(v.src),
                    contract,
                    None,
                    format!("`{}` is never used", v.name),
                );
            }
        }
    }
}

fn dead_code(cx: &Cx<'_, '_>, sink: &mut Sink) {
    let refs = cx.program.references();
    for (contract, f) in cx.functions() {
        // A library's or an abstract contract's internal functions are
        // there for others to use.
        if contract.kind == foundry_compilers::artifacts::ast::ContractKind::Library
            || contract.is_abstract
        {
            continue;
        }
        if matches!(f.visibility, Visibility::Private | Visibility::Internal)
            && *f.kind() == FunctionKind::Function
            && !f.is_virtual
            && f.base_functions.is_empty()
            && !refs.contains(&(f.id as isize))
        {
            sink.report(
                f.name_location.unwrap_or(f.src),
                contract,
                Some(f),
                format!("`{}` is never called", f.name),
            );
        }
    }
}

fn unused_declaration(cx: &Cx<'_, '_>, sink: &mut Sink, events: bool) {
    let refs = cx.program.references();
    // An interface declares a standard's events and errors for whoever
    // implements it.
    let implementations = cx
        .contracts
        .iter()
        .filter(|c| c.kind != foundry_compilers::artifacts::ast::ContractKind::Interface);
    for contract in implementations {
        for part in &contract.nodes {
            let (id, name, at) = match part {
                ContractDefinitionPart::EventDefinition(e) if events => {
                    (e.id, &e.name, e.name_location.unwrap_or(e.src))
                }
                ContractDefinitionPart::ErrorDefinition(e) if !events => {
                    (e.id, &e.name, e.name_location.unwrap_or(e.src))
                }
                _ => continue,
            };
            if !refs.contains(&(id as isize)) {
                let what = if events { "emitted" } else { "used" };
                sink.report(at, contract, None, format!("`{name}` is never {what}"));
            }
        }
    }
}

fn no_console(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for part in &cx.unit.ast.nodes {
        if let SourceUnitPart::ImportDirective(i) = part
            && (i.absolute_path.ends_with("/console.sol")
                || i.absolute_path.ends_with("/console2.sol"))
        {
            report_in_file(
                sink,
                cx.unit,
                i.src,
                format!("`{}` is a test helper", i.file),
                None,
            );
        }
    }
}

/// A compile-time constant: literals, constants, and operations,
/// conversions and `keccak256` of them.
fn is_constant(cx: &Cx<'_, '_>, expr: &Expression) -> bool {
    match expr {
        Expression::Literal(_) => true,
        Expression::Identifier(i) => i
            .referenced_declaration
            .and_then(|id| cx.program.variable(id))
            .is_some_and(|v| v.constant),
        Expression::BinaryOperation(b) => is_constant(cx, &b.lhs) && is_constant(cx, &b.rhs),
        Expression::UnaryOperation(u) => is_constant(cx, &u.sub_expression),
        Expression::TupleExpression(t) => t.components.iter().flatten().all(|c| is_constant(cx, c)),
        Expression::FunctionCall(c) => {
            let callee_ok = match &c.expression {
                Expression::ElementaryTypeNameExpression(_) => true,
                Expression::Identifier(i) => i.name == "keccak256",
                _ => false,
            };
            callee_ok && c.arguments.iter().all(|a| is_constant(cx, a))
        }
        _ => false,
    }
}

fn insert_before_name(
    v: &foundry_compilers::artifacts::ast::VariableDeclaration,
    word: &str,
) -> Option<Fix> {
    v.name_location.map(|at| Fix {
        start: at.start.unwrap_or(0),
        length: 0,
        replacement: format!("{word} "),
    })
}

fn constant_candidate(cx: &Cx<'_, '_>, sink: &mut Sink) {
    let writes = writers(cx);
    for contract in &cx.contracts {
        for part in &contract.nodes {
            let ContractDefinitionPart::VariableDeclaration(v) = part else {
                continue;
            };
            if v.constant || matches!(v.mutability, Some(Mutability::Immutable)) {
                continue;
            }
            let Some(value) = &v.value else { continue };
            if is_constant(cx, value) && !writes.contains_key(&(v.id as isize)) {
                let message = format!("`{}` never changes: it can be `constant`", v.name);
                match insert_before_name(v, "constant") {
                    Some(fix) => sink.report_fix(
                        v.name_location.unwrap_or(v.src),
                        contract,
                        None,
                        message,
                        fix,
                    ),
                    None => sink.report(v.src, contract, None, message),
                }
            }
        }
    }
}

fn value_type(t: &str) -> bool {
    !(t.contains("[]")
        || t.contains('[')
        || t.starts_with("mapping")
        || t.starts_with("string")
        || t == "bytes"
        || t.starts_with("bytes ")
        || t.starts_with("struct"))
}

fn immutable_candidate(cx: &Cx<'_, '_>, sink: &mut Sink) {
    let writes = writers(cx);
    for contract in &cx.contracts {
        let constructor = contract.nodes.iter().find_map(|p| match p {
            ContractDefinitionPart::FunctionDefinition(f)
                if *f.kind() == FunctionKind::Constructor =>
            {
                Some(&**f)
            }
            _ => None,
        });
        for part in &contract.nodes {
            let ContractDefinitionPart::VariableDeclaration(v) = part else {
                continue;
            };
            if v.constant
                || matches!(v.mutability, Some(Mutability::Immutable))
                || !value_type(
                    v.type_descriptions
                        .type_string
                        .as_deref()
                        .unwrap_or("mapping"),
                )
                || v.storage_location != StorageLocation::Default
            {
                continue;
            }
            let id = v.id as isize;
            let by = writes.get(&id).cloned().unwrap_or_default();
            let only_constructor = by.iter().all(|(_, ctor)| *ctor);
            let constant_init = v.value.as_ref().is_some_and(|value| is_constant(cx, value));
            if !only_constructor || (by.is_empty() && (v.value.is_none() || constant_init)) {
                continue;
            }
            // Mechanical only when the constructor assigns it once at its
            // top level and never reads it (0.8.20 refuses both).
            let top_level_once = constructor.is_some_and(|c| {
                let body = c.body.as_ref();
                let assigns = body.map_or(0, |b| {
                    b.statements
                        .iter()
                        .filter(|s| {
                            matches!(s, Statement::ExpressionStatement(e)
                            if matches!(&e.expression, Expression::Assignment(a)
                                if crate::program::referenced(&a.lhs) == Some(id)))
                        })
                        .count()
                });
                let reads = cx
                    .flow
                    .flat(c.id as isize)
                    .iter()
                    .any(|l| matches!(l.effect, Effect::Read(r) if r == id));
                assigns == 1 && by.len() == 1 && !reads && v.value.is_none()
            }) || (by.is_empty() && v.value.is_some());
            let message = format!(
                "`{}` is set only at construction: it can be `immutable`",
                v.name
            );
            match insert_before_name(v, "immutable").filter(|_| top_level_once) {
                Some(fix) => sink.report_fix(
                    v.name_location.unwrap_or(v.src),
                    contract,
                    None,
                    message,
                    fix,
                ),
                None => sink.report(v.name_location.unwrap_or(v.src), contract, None, message),
            }
        }
    }
}
