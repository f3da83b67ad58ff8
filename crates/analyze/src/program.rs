//! The project as the detectors see it: every source file with its text
//! and typed AST, and an index from solc's node ids to the declarations
//! they name (contracts, functions, modifiers, variables), so that
//! a name is resolved by the compiler's `referencedDeclaration`, never by
//! its spelling.

use std::{collections::HashMap, path::PathBuf};

use foundry_compilers::artifacts::ast::{
    ContractDefinition, ContractDefinitionPart, ContractKind, Expression,
    ExpressionOrVariableDeclarationStatement, FunctionDefinition, ModifierDefinition,
    SourceLocation, SourceUnit, SourceUnitPart, Statement, VariableDeclaration,
};

use crate::ast::{self, BodyVisitor, Place};

/// One source file.
#[derive(Debug)]
pub struct Unit {
    /// Its path as the compiler names it (relative to the project root).
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Its typed AST.
    pub ast: SourceUnit,
}

impl Unit {
    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text.as_bytes()[..offset.min(self.text.len())];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        (line, column)
    }

    /// The text of line `line` (1-based), without its newline.
    pub fn line(&self, line: usize) -> &str {
        self.text.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }
}

/// A declaration an id can name.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Decl<'a> {
    Contract(&'a ContractDefinition),
    Function(&'a FunctionDefinition),
    Modifier(&'a ModifierDefinition),
    Variable(&'a VariableDeclaration),
}

/// A function or modifier with the contract that declares it.
#[derive(Debug)]
pub(crate) struct Owned<'a, T> {
    pub item: &'a T,
    pub contract: &'a ContractDefinition,
}

impl<T> Clone for Owned<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Owned<'_, T> {}

/// The index over every unit.
pub(crate) struct Program<'a> {
    decls: HashMap<isize, Decl<'a>>,
    /// Which contract declares a function, modifier or state variable.
    owner: HashMap<isize, &'a ContractDefinition>,
    /// Unit by solc's source id.
    by_source: HashMap<usize, &'a Unit>,
    /// Every contract, in unit order.
    pub contracts: Vec<&'a ContractDefinition>,
    /// Every declaration something names (computed on first use).
    references: std::sync::OnceLock<std::collections::HashSet<isize>>,
    /// The units, by their `SourceUnit` node id (what imports name).
    by_unit_id: HashMap<usize, &'a Unit>,
    units: &'a [Unit],
}

struct Locals<'m, 'a> {
    decls: &'m mut HashMap<isize, Decl<'a>>,
}

impl<'a> BodyVisitor<'a> for Locals<'_, 'a> {
    fn statement(&mut self, stmt: &'a Statement, _place: Place) {
        let declaration = match stmt {
            Statement::VariableDeclarationStatement(s) => Some(&**s),
            Statement::ForStatement(s) => match &s.initialization_expression {
                Some(ExpressionOrVariableDeclarationStatement::VariableDeclarationStatement(d)) => {
                    Some(&**d)
                }
                _ => None,
            },
            _ => None,
        };
        for var in declaration
            .into_iter()
            .flat_map(|d| d.declarations.iter().flatten())
        {
            self.decls.insert(var.id as isize, Decl::Variable(var));
        }
        if let Statement::TryStatement(t) = stmt {
            for clause in &t.clauses {
                for var in clause.parameters.iter().flat_map(|p| &p.parameters) {
                    self.decls.insert(var.id as isize, Decl::Variable(var));
                }
            }
        }
    }
}

impl<'a> Program<'a> {
    /// Indexes `units`.
    pub(crate) fn new(units: &'a [Unit]) -> Self {
        let mut decls = HashMap::new();
        let mut owner = HashMap::new();
        let mut by_source = HashMap::new();
        let mut contracts = Vec::new();
        let mut by_unit_id = HashMap::new();
        for unit in units {
            by_unit_id.insert(unit.ast.id, unit);
            if let Some(index) = unit.ast.src.index {
                by_source.insert(index, unit);
            }
            for part in &unit.ast.nodes {
                match part {
                    SourceUnitPart::ContractDefinition(c) => {
                        decls.insert(c.id as isize, Decl::Contract(c));
                        contracts.push(&**c);
                        for part in &c.nodes {
                            match part {
                                ContractDefinitionPart::FunctionDefinition(f) => {
                                    owner.insert(f.id as isize, &**c);
                                    index_function(&mut decls, f);
                                }
                                ContractDefinitionPart::ModifierDefinition(m) => {
                                    owner.insert(m.id as isize, &**c);
                                    decls.insert(m.id as isize, Decl::Modifier(m));
                                    for p in &m.parameters.parameters {
                                        decls.insert(p.id as isize, Decl::Variable(p));
                                    }
                                    if let Some(body) = &m.body {
                                        ast::walk_block(
                                            body,
                                            Place::default(),
                                            &mut Locals { decls: &mut decls },
                                        );
                                    }
                                }
                                ContractDefinitionPart::VariableDeclaration(v) => {
                                    owner.insert(v.id as isize, &**c);
                                    decls.insert(v.id as isize, Decl::Variable(v));
                                }
                                _ => {}
                            }
                        }
                    }
                    SourceUnitPart::FunctionDefinition(f) => index_function(&mut decls, f),
                    SourceUnitPart::VariableDeclaration(v) => {
                        decls.insert(v.id as isize, Decl::Variable(v));
                    }
                    _ => {}
                }
            }
        }
        Self {
            decls,
            owner,
            by_source,
            contracts,
            references: std::sync::OnceLock::new(),
            by_unit_id,
            units,
        }
    }

    /// The declaration `id` names.
    pub(crate) fn decl(&self, id: isize) -> Option<Decl<'a>> {
        self.decls.get(&id).copied()
    }

    /// The function `id` names.
    pub(crate) fn function(&self, id: isize) -> Option<&'a FunctionDefinition> {
        match self.decl(id)? {
            Decl::Function(f) => Some(f),
            _ => None,
        }
    }

    /// The modifier `id` names.
    pub(crate) fn modifier(&self, id: isize) -> Option<&'a ModifierDefinition> {
        match self.decl(id)? {
            Decl::Modifier(m) => Some(m),
            _ => None,
        }
    }

    /// The variable `id` names.
    pub(crate) fn variable(&self, id: isize) -> Option<&'a VariableDeclaration> {
        match self.decl(id)? {
            Decl::Variable(v) => Some(v),
            _ => None,
        }
    }

    /// The contract `id` names.
    pub(crate) fn contract(&self, id: isize) -> Option<&'a ContractDefinition> {
        match self.decl(id)? {
            Decl::Contract(c) => Some(c),
            _ => None,
        }
    }

    /// The contract that declares function, modifier or state variable `id`.
    pub(crate) fn owner_of(&self, id: isize) -> Option<&'a ContractDefinition> {
        self.owner.get(&id).copied()
    }

    /// Whether `id` names a state variable (not a constant or immutable).
    pub(crate) fn is_storage(&self, id: isize) -> bool {
        self.variable(id).is_some_and(|v| {
            v.state_variable
                && !v.constant
                && !matches!(
                    v.mutability,
                    Some(foundry_compilers::artifacts::ast::Mutability::Immutable)
                )
        })
    }

    /// Every declaration id that some identifier, path, member access,
    /// type name or assembly reference of the program names.
    pub(crate) fn references(&self) -> &std::collections::HashSet<isize> {
        self.references.get_or_init(|| {
            let mut refs = References::default();
            for unit in self.units {
                foundry_compilers::artifacts::ast::visitor::Walk::walk(&unit.ast, &mut refs);
            }
            refs.ids
        })
    }

    /// The unit whose `SourceUnit` node id is `id`.
    pub(crate) fn unit_by_id(&self, id: usize) -> Option<&'a Unit> {
        self.by_unit_id.get(&id).copied()
    }

    /// The unit a span lies in.
    pub(crate) fn unit_of(&self, src: SourceLocation) -> Option<&'a Unit> {
        self.by_source.get(&src.index?).copied()
    }

    /// `contract` and its bases, most derived first.
    pub(crate) fn linearized(
        &self,
        contract: &'a ContractDefinition,
    ) -> Vec<&'a ContractDefinition> {
        let bases: Vec<_> = contract
            .linearized_base_contracts
            .iter()
            .filter_map(|id| self.contract(*id as isize))
            .collect();
        if bases.is_empty() {
            vec![contract]
        } else {
            bases
        }
    }

    /// The functions a contract has, its own and inherited, most derived
    /// first; an overridden function is left out.
    pub(crate) fn functions_of(
        &self,
        contract: &'a ContractDefinition,
    ) -> Vec<Owned<'a, FunctionDefinition>> {
        let mut seen = std::collections::HashSet::new();
        let mut all = Vec::new();
        for base in self.linearized(contract) {
            for part in &base.nodes {
                if let ContractDefinitionPart::FunctionDefinition(f) = part {
                    for overridden in &f.base_functions {
                        seen.insert(*overridden);
                    }
                    if seen.insert(f.id) {
                        all.push(Owned {
                            item: &**f,
                            contract: base,
                        });
                    }
                }
            }
        }
        all
    }

    /// The state variables a contract has, its own and inherited.
    pub(crate) fn state_vars_of(
        &self,
        contract: &'a ContractDefinition,
    ) -> Vec<&'a VariableDeclaration> {
        self.linearized(contract)
            .into_iter()
            .flat_map(|base| base.nodes.iter())
            .filter_map(|part| match part {
                ContractDefinitionPart::VariableDeclaration(v) => Some(&**v),
                _ => None,
            })
            .collect()
    }

    /// Every function and modifier declared in a unit's contracts (and its
    /// free functions), with what declares it.
    pub(crate) fn declared_in(&self, unit: &'a Unit) -> Vec<&'a ContractDefinition> {
        unit.ast
            .nodes
            .iter()
            .filter_map(|part| match part {
                SourceUnitPart::ContractDefinition(c) => Some(&**c),
                _ => None,
            })
            .collect()
    }
}

fn index_function<'a>(decls: &mut HashMap<isize, Decl<'a>>, f: &'a FunctionDefinition) {
    decls.insert(f.id as isize, Decl::Function(f));
    for p in f
        .parameters
        .parameters
        .iter()
        .chain(&f.return_parameters.parameters)
    {
        decls.insert(p.id as isize, Decl::Variable(p));
    }
    if let Some(body) = &f.body {
        ast::walk_block(body, Place::default(), &mut Locals { decls });
    }
}

/// The declaration an identifier expression names.
pub(crate) fn referenced(expr: &Expression) -> Option<isize> {
    match expr {
        Expression::Identifier(id) => id.referenced_declaration,
        Expression::MemberAccess(m) => m.referenced_declaration,
        _ => None,
    }
}

/// Whether a contract is a deployable contract (not an interface, library
/// or abstract contract).
pub(crate) fn is_concrete(contract: &ContractDefinition) -> bool {
    contract.kind == ContractKind::Contract && !contract.is_abstract
}

/// Collects every declaration id named anywhere.
#[derive(Default)]
pub(crate) struct References {
    pub ids: std::collections::HashSet<isize>,
}

impl foundry_compilers::artifacts::ast::visitor::Visitor for References {
    fn visit_identifier(&mut self, i: &foundry_compilers::artifacts::ast::Identifier) {
        self.ids.extend(i.referenced_declaration);
    }
    fn visit_identifier_path(&mut self, p: &foundry_compilers::artifacts::ast::IdentifierPath) {
        self.ids.insert(p.referenced_declaration);
    }
    fn visit_member_access(&mut self, m: &foundry_compilers::artifacts::ast::MemberAccess) {
        self.ids.extend(m.referenced_declaration);
    }
    fn visit_user_defined_type_name(
        &mut self,
        t: &foundry_compilers::artifacts::ast::UserDefinedTypeName,
    ) {
        self.ids.insert(t.referenced_declaration);
    }
    fn visit_external_assembly_reference(
        &mut self,
        r: &foundry_compilers::artifacts::ast::ExternalInlineAssemblyReference,
    ) {
        self.ids.insert(r.declaration as isize);
    }
}

/// Whether `f` can be called from outside (public or external, not a
/// constructor).
pub(crate) fn is_entry(f: &FunctionDefinition) -> bool {
    use foundry_compilers::artifacts::ast::{FunctionKind, Visibility};
    matches!(f.visibility, Visibility::Public | Visibility::External)
        && !matches!(f.kind(), FunctionKind::Constructor)
}

/// Whether `f` may change state.
pub(crate) fn is_mutating(f: &FunctionDefinition) -> bool {
    use foundry_compilers::artifacts::ast::StateMutability;
    matches!(
        f.state_mutability(),
        StateMutability::Nonpayable | StateMutability::Payable
    )
}
