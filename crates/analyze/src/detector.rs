//! What every detector and lint rule is made of: the [`Detector`]
//! description, the context it looks at ([`Cx`]), where it reports
//! ([`Sink`]), and the small questions about functions they all ask. The
//! registries (`detectors`, `lint`, `registry`) build on this; this module
//! imports none of them.

use foundry_compilers::artifacts::ast::{ContractDefinition, FunctionDefinition, SourceLocation};

use crate::{
    Confidence, Severity,
    flow::Flow,
    program::{Program, Unit},
    taint::Taint,
};

/// One detector.
pub struct Detector {
    /// Its id (`reentrancy-eth`).
    pub id: &'static str,
    /// A one-line title.
    pub title: &'static str,
    /// How bad a true finding is.
    pub severity: Severity,
    /// How often a finding is real.
    pub confidence: Confidence,
    /// What it finds.
    pub what: &'static str,
    /// Why that matters.
    pub why: &'static str,
    /// What to do (shown under each finding).
    pub help: &'static str,
    /// A contract with the problem and its safe twin (the test fixture).
    pub example: &'static str,
    pub(crate) run: fn(&Cx<'_, '_>, &mut Sink),
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// What a detector looks at: the contracts declared in one file, with the
/// whole program to resolve names in.
pub(crate) struct Cx<'p, 'a> {
    pub program: &'p Program<'a>,
    pub flow: &'p Flow<'p, 'a>,
    pub unit: &'a Unit,
    pub contracts: Vec<&'a ContractDefinition>,
    /// What callers control, computed when a detector first asks.
    pub taint: std::cell::OnceCell<Taint<'p, 'a>>,
}

impl<'p, 'a> Cx<'p, 'a> {
    /// What callers control in the file's contracts.
    pub(crate) fn taint(&self) -> &Taint<'p, 'a> {
        self.taint
            .get_or_init(|| Taint::new(self.program, self.flow, &self.contracts))
    }
}

impl<'a> Cx<'_, 'a> {
    /// The functions with a body declared in the file's contracts.
    pub(crate) fn functions(&self) -> Vec<(&'a ContractDefinition, &'a FunctionDefinition)> {
        self.contracts
            .iter()
            .flat_map(|c| {
                c.nodes.iter().filter_map(move |part| {
                    match part {
                    foundry_compilers::artifacts::ast::ContractDefinitionPart::FunctionDefinition(f)
                        if f.body.is_some() =>
                    {
                        Some((*c, &**f))
                    }
                    _ => None,
                }
                })
            })
            .collect()
    }
}

impl<'a> Cx<'_, 'a> {
    /// The functions with a body that `contract` itself declares.
    pub(crate) fn functions_in(
        &self,
        contract: &ContractDefinition,
    ) -> Vec<&'a FunctionDefinition> {
        self.functions()
            .into_iter()
            .filter(|(c, _)| c.id == contract.id)
            .map(|(_, f)| f)
            .collect()
    }
}

/// A finding before it is placed in its file.
#[derive(Debug)]
pub(crate) struct Raw {
    pub at: SourceLocation,
    pub message: String,
    pub contract: Option<String>,
    pub function: Option<String>,
    /// Other places whose suppression comments cover it: the declaration
    /// of its function or contract (where Slither's comments sit), the
    /// node inside an internal call that does the harm.
    pub also: Vec<SourceLocation>,
    /// A mechanical fix.
    pub fix: Option<crate::Fix>,
}

/// Where a detector reports.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub found: Vec<Raw>,
}

impl Sink {
    /// Reports `message` at `at`, in `function` of `contract`.
    pub(crate) fn report(
        &mut self,
        at: SourceLocation,
        contract: &ContractDefinition,
        function: Option<&FunctionDefinition>,
        message: impl Into<String>,
    ) {
        self.found.push(Raw {
            at,
            message: message.into(),
            contract: Some(contract.name.clone()),
            function: function.map(function_label),
            also: vec![function.map_or(contract.src, |f| f.src)],
            fix: None,
        });
    }
}

impl Sink {
    /// [`Sink::report`] with a mechanical fix.
    pub(crate) fn report_fix(
        &mut self,
        at: SourceLocation,
        contract: &ContractDefinition,
        function: Option<&FunctionDefinition>,
        message: impl Into<String>,
        fix: crate::Fix,
    ) {
        self.report(at, contract, function, message);
        if let Some(raw) = self.found.last_mut() {
            raw.fix = Some(fix);
        }
    }

    /// [`Sink::report`], with the lines of `nodes` also honouring
    /// suppressions.
    pub(crate) fn report_also(
        &mut self,
        nodes: &[SourceLocation],
        at: SourceLocation,
        contract: &ContractDefinition,
        function: Option<&FunctionDefinition>,
        message: impl Into<String>,
    ) {
        self.report(at, contract, function, message);
        if let Some(raw) = self.found.last_mut() {
            raw.also.extend_from_slice(nodes);
        }
    }
}

/// `name`, or `constructor`/`receive`/`fallback`.
pub(crate) fn function_label(f: &FunctionDefinition) -> String {
    if f.name.is_empty() {
        format!("{:?}", f.kind()).to_lowercase()
    } else {
        f.name.clone()
    }
}

pub(crate) use crate::program::{is_entry, is_mutating};

impl Cx<'_, '_> {
    /// The source text of a span (its first line, at most 60 characters).
    pub(crate) fn snippet(&self, at: SourceLocation) -> String {
        let Some(unit) = self.program.unit_of(at) else {
            return String::new();
        };
        let start = at.start.unwrap_or(0).min(unit.text.len());
        let end = (start + at.length.unwrap_or(0)).min(unit.text.len());
        let text = unit.text.get(start..end).unwrap_or("");
        let first = text.lines().next().unwrap_or("").trim();
        if first.chars().count() > 60 || text.contains('\n') {
            let short: String = first.chars().take(57).collect();
            format!("{short}…")
        } else {
            first.to_owned()
        }
    }

    /// The 1-based line a span starts on.
    pub(crate) fn line_of(&self, at: SourceLocation) -> usize {
        self.program
            .unit_of(at)
            .map_or(0, |u| u.line_col(at.start.unwrap_or(0)).0)
    }
}
