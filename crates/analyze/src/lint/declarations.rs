//! Declarations: explicit visibility on state, a pinned pragma, the style
//! guide's order inside a contract, explicit integer sizes, named imports,
//! custom errors instead of revert strings.

use foundry_compilers::artifacts::ast::{
    ContractDefinitionPart, ElementaryTypeName, Expression, FunctionKind, LiteralKind,
    SourceUnitPart, Visibility,
    visitor::{Visitor, Walk},
};

use super::support::{report_in_file, slice};
use crate::{
    Confidence, Fix, Severity,
    ast::{BodyVisitor, Place},
    detector::{Cx, Detector, Sink, function_label},
};

pub(super) static RULES: &[Detector] = &[
    Detector {
        id: "state-visibility",
        title: "State variable without explicit visibility",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "A state variable is declared without `public`, `internal` or `private`.",
        why: "It is `internal` by default, which readers (and some auditors) take for an \
              oversight; saying it makes the intent plain.",
        help: "write its visibility (`--fix` writes `internal`, what it is now)",
        example: include_str!("../../testdata/src/state-visibility.sol"),
        run: state_visibility,
    },
    Detector {
        id: "pragma-pinned",
        title: "Floating pragma",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "`pragma solidity` allows a range of compilers (`^0.8.20`, `>=0.8.0`).",
        why: "The code deployed must be the code tested: a floating pragma lets another \
              compiler (with other bugs) build it.",
        help: "pin the version the project compiles with (`--fix` drops the `^` or `~`)",
        example: include_str!("../../testdata/src/pragma-pinned.sol"),
        run: pragma_pinned,
    },
    Detector {
        id: "ordering",
        title: "Declarations out of the style guide's order",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "Inside a contract, declarations are not in the style guide's order: using-for, \
               types, state variables, events, errors, modifiers, constructor, receive, \
               fallback, then external, public, internal and private functions.",
        why: "A fixed order lets a reader find things without searching.",
        help: "move the declaration up to its group",
        example: include_str!("../../testdata/src/ordering.sol"),
        run: ordering,
    },
    Detector {
        id: "explicit-types",
        title: "`uint`/`int` instead of `uint256`/`int256`",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "A type is written `uint` or `int`.",
        why: "The size matters for ABI signatures and selectors (`f(uint)` is `f(uint256)`); \
              writing it avoids surprises when hashing signatures by hand.",
        help: "write `uint256` or `int256` (`--fix` does)",
        example: include_str!("../../testdata/src/explicit-types.sol"),
        run: explicit_types,
    },
    Detector {
        id: "named-imports",
        title: "Import of a whole file",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "`import \"File.sol\";` brings every name of the file (and its imports) into scope.",
        why: "Named imports (`import {A} from \"File.sol\";`) say where each name comes from and \
              keep unused names out.",
        help: "import the names you use: `import {Name} from \"File.sol\";`",
        example: include_str!("../../testdata/src/named-imports.sol"),
        run: named_imports,
    },
    Detector {
        id: "custom-errors",
        title: "Revert string instead of a custom error",
        severity: Severity::Low,
        confidence: Confidence::High,
        what: "`require(condition, \"message\")` or `revert(\"message\")` reverts with a string.",
        why: "Custom errors are cheaper to deploy and to revert with, carry typed arguments, and \
              are decoded by name by wallets and explorers.",
        help: "declare `error Name(args);` and `revert Name(args)` (or `require(c, Name())` from 0.8.26)",
        example: include_str!("../../testdata/src/custom-errors.sol"),
        run: custom_errors,
    },
];

fn state_visibility(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        for part in &contract.nodes {
            let ContractDefinitionPart::VariableDeclaration(v) = part else {
                continue;
            };
            let Some(name_at) = v.name_location else {
                continue;
            };
            let start = v.src.start.unwrap_or(0);
            let head = cx
                .unit
                .text
                .get(start..name_at.start.unwrap_or(start))
                .unwrap_or("");
            let written = head
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| matches!(word, "public" | "internal" | "private"));
            if !written {
                sink.report_fix(
                    name_at,
                    contract,
                    None,
                    format!("`{}` has no explicit visibility (it is internal)", v.name),
                    Fix {
                        start: name_at.start.unwrap_or(0),
                        length: 0,
                        replacement: "internal ".to_owned(),
                    },
                );
            }
        }
    }
}

fn pragma_pinned(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for part in &cx.unit.ast.nodes {
        let SourceUnitPart::PragmaDirective(p) = part else {
            continue;
        };
        if p.literals.first().map(String::as_str) != Some("solidity") {
            continue;
        }
        let range: String = p.literals[1..].concat();
        let floating = range.contains(['^', '~', '>', '<', '*', '|']) || range.contains(' ');
        if !floating {
            continue;
        }
        let text = slice(cx.unit, p.src);
        // `^0.8.20` / `~0.8.20`: drop the operator. Ranges need a choice.
        let fix = (range.starts_with(['^', '~'])
            && range[1..].chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| {
            let offset = text.find(['^', '~']).unwrap_or(0);
            Fix {
                start: p.src.start.unwrap_or(0) + offset,
                length: 1,
                replacement: String::new(),
            }
        });
        report_in_file(
            sink,
            cx.unit,
            p.src,
            format!("`pragma solidity {range}` floats"),
            fix,
        );
    }
}

/// The style guide's rank of a contract part.
fn rank(part: &ContractDefinitionPart) -> Option<(u8, &'static str)> {
    Some(match part {
        ContractDefinitionPart::UsingForDirective(_) => (0, "using-for directives"),
        ContractDefinitionPart::StructDefinition(_)
        | ContractDefinitionPart::EnumDefinition(_)
        | ContractDefinitionPart::UserDefinedValueTypeDefinition(_) => (1, "type declarations"),
        ContractDefinitionPart::VariableDeclaration(_) => (2, "state variables"),
        ContractDefinitionPart::EventDefinition(_) => (3, "events"),
        ContractDefinitionPart::ErrorDefinition(_) => (4, "errors"),
        ContractDefinitionPart::ModifierDefinition(_) => (5, "modifiers"),
        ContractDefinitionPart::FunctionDefinition(f) => match f.kind() {
            FunctionKind::Constructor => (6, "the constructor"),
            FunctionKind::Receive => (7, "receive"),
            FunctionKind::Fallback => (8, "fallback"),
            _ => match f.visibility {
                Visibility::External => (9, "external functions"),
                Visibility::Public => (10, "public functions"),
                Visibility::Internal => (11, "internal functions"),
                Visibility::Private => (12, "private functions"),
            },
        },
    })
}

fn part_src(part: &ContractDefinitionPart) -> foundry_compilers::artifacts::ast::SourceLocation {
    match part {
        ContractDefinitionPart::UsingForDirective(p) => p.src,
        ContractDefinitionPart::StructDefinition(p) => p.name_location.unwrap_or(p.src),
        ContractDefinitionPart::EnumDefinition(p) => p.name_location.unwrap_or(p.src),
        ContractDefinitionPart::UserDefinedValueTypeDefinition(p) => {
            p.name_location.unwrap_or(p.src)
        }
        ContractDefinitionPart::VariableDeclaration(p) => p.name_location.unwrap_or(p.src),
        ContractDefinitionPart::EventDefinition(p) => p.name_location.unwrap_or(p.src),
        ContractDefinitionPart::ErrorDefinition(p) => p.name_location.unwrap_or(p.src),
        ContractDefinitionPart::ModifierDefinition(p) => p.name_location.unwrap_or(p.src),
        ContractDefinitionPart::FunctionDefinition(p) => p.name_location.unwrap_or(p.src),
    }
}

fn ordering(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        let mut highest: Option<(u8, &str)> = None;
        for part in &contract.nodes {
            let Some((r, group)) = rank(part) else {
                continue;
            };
            match highest {
                Some((h, later)) if r < h => {
                    let function = match part {
                        ContractDefinitionPart::FunctionDefinition(f) => Some(&**f),
                        _ => None,
                    };
                    sink.report(
                        part_src(part),
                        contract,
                        function,
                        format!("{group} belong before {later}"),
                    );
                    break;
                }
                _ => {
                    highest =
                        Some(highest.map_or((r, group), |h| if r > h.0 { (r, group) } else { h }))
                }
            }
        }
    }
}

fn explicit_types(cx: &Cx<'_, '_>, sink: &mut Sink) {
    #[derive(Default)]
    struct Spans {
        spans: Vec<foundry_compilers::artifacts::ast::SourceLocation>,
    }
    impl Visitor for Spans {
        fn visit_elementary_type_name(&mut self, t: &ElementaryTypeName) {
            self.spans.push(t.src);
        }
    }
    let mut spans = Spans::default();
    cx.unit.ast.walk(&mut spans);
    for at in spans.spans {
        let text = slice(cx.unit, at);
        let full = match text {
            "uint" => "uint256",
            "int" => "int256",
            _ => continue,
        };
        report_in_file(
            sink,
            cx.unit,
            at,
            format!("`{text}` is `{full}`: write the size"),
            Some(Fix {
                start: at.start.unwrap_or(0),
                length: text.len(),
                replacement: full.to_owned(),
            }),
        );
    }
}

fn named_imports(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for part in &cx.unit.ast.nodes {
        if let SourceUnitPart::ImportDirective(i) = part
            && i.symbol_aliases.is_empty()
            && i.unit_alias.is_empty()
        {
            report_in_file(
                sink,
                cx.unit,
                i.src,
                format!("`{}` is imported whole", i.file),
                None,
            );
        }
    }
}

fn custom_errors(cx: &Cx<'_, '_>, sink: &mut Sink) {
    struct Strings<'a> {
        found: Vec<&'a foundry_compilers::artifacts::ast::FunctionCall>,
    }
    impl<'a> BodyVisitor<'a> for Strings<'a> {
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::FunctionCall(c) = expr
                && let Expression::Identifier(callee) = &c.expression
                && matches!(callee.name.as_str(), "require" | "revert")
                && c.arguments.iter().any(|a| {
                    matches!(a, Expression::Literal(l) if matches!(l.kind, LiteralKind::String | LiteralKind::UnicodeString))
                })
            {
                self.found.push(c);
            }
        }
    }
    for (contract, f) in cx.functions() {
        let mut strings = Strings { found: Vec::new() };
        if let Some(body) = &f.body {
            crate::ast::walk_block(body, Place::default(), &mut strings);
        }
        for call in strings.found {
            sink.report(
                call.src,
                contract,
                Some(f),
                format!(
                    "`{}` reverts with a string in `{}`",
                    cx.snippet(call.src),
                    function_label(f)
                ),
            );
        }
    }
}
