//! Naming, as the Solidity style guide (and solhint, forge lint) has it.

use foundry_compilers::artifacts::ast::{
    ContractDefinitionPart, FunctionKind, Mutability, SourceLocation, SourceUnitPart,
};

use super::support::{is_cap_words, is_mixed_case, is_screaming_snake, report_in_file};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
    detector::{Cx, Detector, Sink},
};

pub(super) static RULES: &[Detector] = &[
    RULE_FUNCTION,
    RULE_VARIABLE,
    RULE_CONTRACT,
    RULE_STRUCT,
    RULE_EVENT,
    RULE_CONSTANT,
];

const RULE_FUNCTION: Detector = Detector {
    id: "mixed-case-function",
    title: "Function name not in mixedCase",
    severity: Severity::Info,
    confidence: Confidence::High,
    what: "A function's name is not mixedCase (`transferFrom`); leading underscores and \
           forge's test prefixes (`test_`, `testFuzz_`, `invariant_`) are allowed.",
    why: WHY,
    help: "rename it in mixedCase",
    example: include_str!("../../testdata/src/mixed-case-function.sol"),
    run: functions,
};
const RULE_VARIABLE: Detector = Detector {
    id: "mixed-case-variable",
    title: "Variable name not in mixedCase",
    severity: Severity::Info,
    confidence: Confidence::High,
    what: "A state variable, parameter or local variable (not a constant or immutable) is not \
           named in mixedCase.",
    why: WHY,
    help: "rename it in mixedCase (`totalSupply`, `_balances`)",
    example: include_str!("../../testdata/src/mixed-case-variable.sol"),
    run: variables,
};
const RULE_CONTRACT: Detector = Detector {
    id: "contract-name-capwords",
    title: "Contract, interface or library name not in CapWords",
    severity: Severity::Info,
    confidence: Confidence::High,
    what: "A contract, interface or library is not named in CapWords (`SimpleToken`).",
    why: WHY,
    help: "rename it in CapWords",
    example: include_str!("../../testdata/src/contract-name-capwords.sol"),
    run: contracts,
};
const RULE_STRUCT: Detector = Detector {
    id: "struct-name-capwords",
    title: "Struct or enum name not in CapWords",
    severity: Severity::Info,
    confidence: Confidence::High,
    what: "A struct or enum is not named in CapWords (`Position`).",
    why: WHY,
    help: "rename it in CapWords",
    example: include_str!("../../testdata/src/struct-name-capwords.sol"),
    run: structs,
};
const RULE_EVENT: Detector = Detector {
    id: "event-name-capwords",
    title: "Event name not in CapWords",
    severity: Severity::Info,
    confidence: Confidence::High,
    what: "An event is not named in CapWords (`Transfer`).",
    why: WHY,
    help: "rename it in CapWords",
    example: include_str!("../../testdata/src/event-name-capwords.sol"),
    run: events,
};
const RULE_CONSTANT: Detector = Detector {
    id: "screaming-snake-case-const",
    title: "Constant name not in UPPER_CASE",
    severity: Severity::Info,
    confidence: Confidence::High,
    what: "A constant is not named in UPPER_CASE_WITH_UNDERSCORES (`MAX_SUPPLY`).",
    why: WHY,
    help: "rename it in UPPER_CASE",
    example: include_str!("../../testdata/src/screaming-snake-case-const.sol"),
    run: constants,
};

const WHY: &str = "Names that follow the style guide tell at a glance what a name is (a \
                   function, a type, a constant); reviewers and tools expect them.";

/// forge's test prefixes.
fn test_name(name: &str) -> bool {
    [
        "test_",
        "testFuzz_",
        "testFork_",
        "testFail_",
        "invariant_",
        "statefulFuzz_",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

fn functions(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        // UPPER_CASE names stand for constants in standards
        // (`DOMAIN_SEPARATOR()`, `CLOCK_MODE()`).
        if *f.kind() == FunctionKind::Function
            && !is_mixed_case(&f.name)
            && !test_name(&f.name)
            && !is_screaming_snake(&f.name)
        {
            sink.report(
                f.name_location.unwrap_or(f.src),
                contract,
                Some(f),
                format!("`{}` is not mixedCase", f.name),
            );
        }
    }
}

struct Locals<'a> {
    found: Vec<&'a foundry_compilers::artifacts::ast::VariableDeclaration>,
}

impl<'a> BodyVisitor<'a> for Locals<'a> {
    fn statement(&mut self, stmt: &'a foundry_compilers::artifacts::ast::Statement, _place: Place) {
        if let foundry_compilers::artifacts::ast::Statement::VariableDeclarationStatement(d) = stmt
        {
            self.found.extend(d.declarations.iter().flatten());
        }
    }
}

fn variables(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        for part in &contract.nodes {
            if let ContractDefinitionPart::VariableDeclaration(v) = part
                && !v.constant
                && !matches!(v.mutability, Some(Mutability::Immutable))
                && !is_mixed_case(&v.name)
            {
                sink.report(
                    v.name_location.unwrap_or(v.src),
                    contract,
                    None,
                    format!("`{}` is not mixedCase", v.name),
                );
            }
        }
    }
    for (contract, f) in cx.functions() {
        let mut locals = Locals {
            found: f
                .parameters
                .parameters
                .iter()
                .chain(&f.return_parameters.parameters)
                .collect(),
        };
        if let Some(body) = &f.body {
            ast::walk_block(body, Place::default(), &mut locals);
        }
        for v in locals.found {
            if !v.name.is_empty() && !is_mixed_case(&v.name) {
                sink.report(
                    v.name_location.unwrap_or(v.src),
                    contract,
                    Some(f),
                    format!("`{}` is not mixedCase", v.name),
                );
            }
        }
    }
}

fn contracts(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        if !is_cap_words(&contract.name) {
            sink.report(
                contract.name_location.unwrap_or(contract.src),
                contract,
                None,
                format!("`{}` is not CapWords", contract.name),
            );
        }
    }
}

type Pick = for<'a> fn(&'a ContractDefinitionPart) -> Option<(&'a str, SourceLocation)>;
type PickTop = for<'a> fn(&'a SourceUnitPart) -> Option<(&'a str, SourceLocation)>;

/// Reports every declaration of the file that `pick` (inside contracts)
/// or `pick_top` (at file level) names and `ok` refuses.
fn check_names(
    cx: &Cx<'_, '_>,
    sink: &mut Sink,
    pick: Pick,
    pick_top: PickTop,
    ok: fn(&str) -> bool,
    case: &str,
) {
    for contract in &cx.contracts {
        for part in &contract.nodes {
            if let Some((name, at)) = pick(part)
                && !ok(name)
            {
                sink.report(at, contract, None, format!("`{name}` is not {case}"));
            }
        }
    }
    for part in &cx.unit.ast.nodes {
        if let Some((name, at)) = pick_top(part)
            && !ok(name)
        {
            report_in_file(sink, cx.unit, at, format!("`{name}` is not {case}"), None);
        }
    }
}

fn structs(cx: &Cx<'_, '_>, sink: &mut Sink) {
    check_names(
        cx,
        sink,
        |part| match part {
            ContractDefinitionPart::StructDefinition(s) => {
                Some((&s.name, s.name_location.unwrap_or(s.src)))
            }
            ContractDefinitionPart::EnumDefinition(e) => {
                Some((&e.name, e.name_location.unwrap_or(e.src)))
            }
            _ => None,
        },
        |part| match part {
            SourceUnitPart::StructDefinition(s) => {
                Some((&s.name, s.name_location.unwrap_or(s.src)))
            }
            SourceUnitPart::EnumDefinition(e) => Some((&e.name, e.name_location.unwrap_or(e.src))),
            _ => None,
        },
        is_cap_words,
        "CapWords",
    );
}

fn events(cx: &Cx<'_, '_>, sink: &mut Sink) {
    check_names(
        cx,
        sink,
        |part| match part {
            ContractDefinitionPart::EventDefinition(e) => {
                Some((&e.name, e.name_location.unwrap_or(e.src)))
            }
            _ => None,
        },
        |part| match part {
            SourceUnitPart::EventDefinition(e) => Some((&e.name, e.name_location.unwrap_or(e.src))),
            _ => None,
        },
        is_cap_words,
        "CapWords",
    );
}

fn constants(cx: &Cx<'_, '_>, sink: &mut Sink) {
    check_names(
        cx,
        sink,
        |part| match part {
            ContractDefinitionPart::VariableDeclaration(v) if v.constant => {
                Some((&v.name, v.name_location.unwrap_or(v.src)))
            }
            _ => None,
        },
        |part| match part {
            SourceUnitPart::VariableDeclaration(v) if v.constant => {
                Some((&v.name, v.name_location.unwrap_or(v.src)))
            }
            _ => None,
        },
        is_screaming_snake,
        "UPPER_CASE",
    );
}
