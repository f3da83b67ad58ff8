//! Gas: the SOP's "gas optimization patterns" as rules — array length
//! cached outside loops, storage not re-read in loops, `calldata` for
//! read-only external parameters, state packed into fewer slots.

use std::collections::{BTreeMap, HashSet};

use foundry_compilers::artifacts::ast::{
    ContractDefinitionPart, Expression, Mutability, Statement, StorageLocation, Visibility,
};

use crate::{
    Confidence, Fix, Severity,
    ast::{self, BodyVisitor, Place},
    detector::{Cx, Detector, Sink},
    program::referenced,
};

pub(super) static RULES: &[Detector] = &[
    Detector {
        id: "cache-array-length",
        title: "Storage array length read on every loop iteration",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "A loop condition reads `.length` of a storage array.",
        why: "Each iteration pays a storage load (100 gas warm) for a value that does not change.",
        help: "read it once before the loop: `uint256 n = items.length; for (…; i < n; …)`",
        example: include_str!("../../testdata/src/cache-array-length.sol"),
        run: cache_array_length,
    },
    Detector {
        id: "storage-read-in-loop",
        title: "State variable read inside a loop",
        severity: Severity::Info,
        confidence: Confidence::Medium,
        what: "A loop reads a state variable that the function never writes.",
        why: "Every iteration pays a storage load for the same value.",
        help: "copy it to a local before the loop",
        example: include_str!("../../testdata/src/storage-read-in-loop.sol"),
        run: storage_read_in_loop,
    },
    Detector {
        id: "calldata-parameter",
        title: "`memory` parameter of an external function that could be `calldata`",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "An external function takes an array, `bytes`, `string` or struct in `memory`, and \
               neither writes it nor hands it on.",
        why: "`memory` copies the argument out of calldata (gas per word); `calldata` reads it in \
              place.",
        help: "declare it `calldata` (`--fix` does)",
        example: include_str!("../../testdata/src/calldata-parameter.sol"),
        run: calldata_parameter,
    },
    Detector {
        id: "packed-storage",
        title: "State variables that would pack into fewer slots",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "A contract's state variables, in the order declared, take more storage slots than \
               the same variables ordered by size.",
        why: "Each slot written first costs 20,000 gas; variables packed together are read and \
              written together.",
        help: "declare small variables (`uint64`, `address`, `bool`) next to each other (mind upgradeable layouts)",
        example: include_str!("../../testdata/src/packed-storage.sol"),
        run: packed_storage,
    },
];

fn cache_array_length(cx: &Cx<'_, '_>, sink: &mut Sink) {
    struct Loops<'a> {
        conditions: Vec<&'a Expression>,
    }
    impl<'a> BodyVisitor<'a> for Loops<'a> {
        fn statement(&mut self, stmt: &'a Statement, _place: Place) {
            match stmt {
                Statement::ForStatement(f) => self.conditions.extend(f.condition.as_ref()),
                Statement::WhileStatement(w) => self.conditions.push(&w.condition),
                _ => {}
            }
        }
    }
    for (contract, f) in cx.functions() {
        let mut loops = Loops {
            conditions: Vec::new(),
        };
        if let Some(body) = &f.body {
            ast::walk_block(body, Place::default(), &mut loops);
        }
        for condition in loops.conditions {
            ast::each_expr(condition, &mut |e| {
                if let Expression::MemberAccess(m) = e
                    && m.member_name == "length"
                    && ast::type_of(&m.expression).contains(" storage")
                {
                    sink.report(
                        m.src,
                        contract,
                        Some(f),
                        format!(
                            "`{}` is read from storage on every iteration",
                            cx.snippet(m.src)
                        ),
                    );
                }
            });
        }
    }
}

fn storage_read_in_loop(cx: &Cx<'_, '_>, sink: &mut Sink) {
    struct Reads {
        in_loop: BTreeMap<isize, foundry_compilers::artifacts::ast::SourceLocation>,
    }
    impl<'a> BodyVisitor<'a> for Reads {
        fn expression(&mut self, expr: &'a Expression, place: Place) {
            if place.in_loop
                && let Expression::Identifier(i) = expr
                && let Some(id) = i.referenced_declaration
            {
                self.in_loop.entry(id).or_insert(i.src);
            }
        }
    }
    for (contract, f) in cx.functions() {
        let Some(body) = &f.body else { continue };
        let mut reads = Reads {
            in_loop: BTreeMap::new(),
        };
        ast::walk_block(body, Place::default(), &mut reads);
        let written: HashSet<isize> = cx
            .flow
            .flat(f.id as isize)
            .iter()
            .filter_map(|l| match l.effect {
                crate::flow::Effect::Write(v) => Some(v),
                _ => None,
            })
            .collect();
        for (var, at) in reads.in_loop {
            let storage_value = cx.program.is_storage(var)
                && cx
                    .program
                    .variable(var)
                    .and_then(|v| v.type_descriptions.type_string.as_deref())
                    .is_some_and(|t| !t.starts_with("mapping") && !t.contains('['));
            if storage_value && !written.contains(&var) {
                let name = cx.program.variable(var).map_or("?", |v| v.name.as_str());
                sink.report(
                    at,
                    contract,
                    Some(f),
                    format!("`{name}` is loaded from storage on every iteration"),
                );
            }
        }
    }
}

fn calldata_parameter(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        if f.visibility != Visibility::External {
            continue;
        }
        let Some(body) = &f.body else { continue };
        // Parameters written, or handed to a function (whose parameter
        // would then need `calldata` too).
        struct Uses {
            changed: HashSet<isize>,
        }
        impl<'a> BodyVisitor<'a> for Uses {
            fn expression(&mut self, expr: &'a Expression, _place: Place) {
                match expr {
                    Expression::Assignment(a) => {
                        ast::each_expr(&a.lhs, &mut |e| self.changed.extend(referenced(e)));
                    }
                    Expression::FunctionCall(c) => {
                        for arg in &c.arguments {
                            self.changed.extend(referenced(arg));
                        }
                        if let Expression::MemberAccess(m) = &c.expression {
                            self.changed.extend(referenced(&m.expression));
                        }
                    }
                    Expression::UnaryOperation(u) => {
                        ast::each_expr(&u.sub_expression, &mut |e| {
                            self.changed.extend(referenced(e))
                        });
                    }
                    _ => {}
                }
            }
        }
        let mut uses = Uses {
            changed: HashSet::new(),
        };
        ast::walk_block(body, Place::default(), &mut uses);
        for p in &f.parameters.parameters {
            if p.storage_location != StorageLocation::Memory
                || uses.changed.contains(&(p.id as isize))
            {
                continue;
            }
            let text = super::support::slice(cx.unit, p.src);
            let Some(offset) = text.find("memory") else {
                continue;
            };
            sink.report_fix(
                p.src,
                contract,
                Some(f),
                format!(
                    "`{}` is only read: it can be `calldata`",
                    if p.name.is_empty() {
                        "the parameter"
                    } else {
                        &p.name
                    }
                ),
                Fix {
                    start: p.src.start.unwrap_or(0) + offset,
                    length: "memory".len(),
                    replacement: "calldata".to_owned(),
                },
            );
        }
    }
}

/// Bytes a state variable of type `t` takes; `None` for types that take
/// whole slots of their own.
fn packed_size(t: &str) -> Option<u32> {
    if t == "bool" {
        return Some(1);
    }
    if t.starts_with("address") || t.starts_with("contract ") {
        return Some(20);
    }
    if t.starts_with("enum ") {
        return Some(1);
    }
    for prefix in ["uint", "int", "bytes"] {
        if let Some(rest) = t.strip_prefix(prefix)
            && let Ok(n) = rest.parse::<u32>()
        {
            return Some(if prefix == "bytes" { n } else { n / 8 });
        }
    }
    None
}

fn slots(sizes: &[Option<u32>]) -> u32 {
    let mut slots = 0;
    let mut used = 32;
    for size in sizes {
        match size {
            Some(n) if used + n <= 32 => used += n,
            Some(n) => {
                slots += 1;
                used = *n;
            }
            None => {
                slots += 1;
                used = 32;
            }
        }
    }
    slots
}

/// Slots with the small variables packed first-fit, largest first.
fn best_slots(sizes: &[Option<u32>]) -> u32 {
    let whole = sizes.iter().filter(|s| s.is_none()).count() as u32;
    let mut small: Vec<u32> = sizes.iter().flatten().copied().collect();
    small.sort_unstable_by(|a, b| b.cmp(a));
    let mut bins: Vec<u32> = Vec::new();
    for n in small {
        match bins.iter_mut().find(|b| **b + n <= 32) {
            Some(bin) => *bin += n,
            None => bins.push(n),
        }
    }
    whole + bins.len() as u32
}

fn packed_storage(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        let sizes: Vec<Option<u32>> = contract
            .nodes
            .iter()
            .filter_map(|p| match p {
                ContractDefinitionPart::VariableDeclaration(v)
                    if !v.constant && !matches!(v.mutability, Some(Mutability::Immutable)) =>
                {
                    Some(packed_size(
                        v.type_descriptions.type_string.as_deref().unwrap_or(""),
                    ))
                }
                _ => None,
            })
            .collect();
        let (now, best) = (slots(&sizes), best_slots(&sizes));
        if best < now {
            sink.report(
                contract.name_location.unwrap_or(contract.src),
                contract,
                None,
                format!(
                    "`{}`'s state takes {now} slots as declared and {best} ordered by size",
                    contract.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_count_as_solidity_lays_them_out() {
        // uint128, uint256, uint128: three slots; packed: two.
        let sizes = [Some(16), Some(32), Some(16)];
        assert_eq!((slots(&sizes), best_slots(&sizes)), (3, 2));
        // address + bool share a slot; a mapping takes its own.
        let sizes = [Some(20), None, Some(1)];
        assert_eq!((slots(&sizes), best_slots(&sizes)), (3, 2));
        let sizes = [Some(20), Some(1), None];
        assert_eq!((slots(&sizes), best_slots(&sizes)), (2, 2));
        assert_eq!(packed_size("uint64"), Some(8));
        assert_eq!(packed_size("bytes4"), Some(4));
        assert_eq!(packed_size("contract IERC20"), Some(20));
        assert_eq!(packed_size("mapping(address => uint256)"), None);
        assert_eq!(packed_size("bytes"), None);
    }
}
