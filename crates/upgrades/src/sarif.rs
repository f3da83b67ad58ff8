//! Upgrade-safety reports as the analyzer's findings, for SARIF (code
//! scanning) and the pipeline's reports: each error kind is a rule, named
//! as OpenZeppelin names it.

use std::path::Path;

use slipway_analyze::{Confidence, Finding, RuleSet, SarifRule, Severity};

use crate::ContractReport;

/// (kind, title, what it means, what to do).
const KINDS: &[(&str, &str, &str, &str)] = &[
    (
        "constructor",
        "A constructor with code",
        "A constructor runs on the implementation, never on the proxy.",
        "Move the code into an initializer, or annotate a constructor that must stay with @custom:oz-upgrades-unsafe-allow constructor.",
    ),
    (
        "state-variable-assignment",
        "A state variable assigned where declared",
        "The initial value is set in the implementation's storage only.",
        "Assign it in the initializer, or make it constant.",
    ),
    (
        "state-variable-immutable",
        "An immutable variable",
        "An immutable is part of the implementation's code, shared by every proxy.",
        "Annotate it with @custom:oz-upgrades-unsafe-allow state-variable-immutable if that is meant.",
    ),
    (
        "external-library-linking",
        "A linked external library",
        "A linked library is another contract whose code can change under the proxy.",
        "Make the library's functions internal.",
    ),
    (
        "delegatecall",
        "A reachable delegatecall",
        "A delegatecall into a contract that selfdestructs destroys the implementation.",
        "Remove it, or annotate the code with @custom:oz-upgrades-unsafe-allow delegatecall.",
    ),
    (
        "selfdestruct",
        "A reachable selfdestruct",
        "A destroyed implementation bricks every proxy.",
        "Remove it.",
    ),
    (
        "internal-function-storage",
        "An internal function pointer in storage",
        "Internal function pointers are code offsets that change between versions.",
        "Store something else.",
    ),
    (
        "missing-public-upgradeto",
        "No public upgrade function",
        "A UUPS implementation without upgradeToAndCall can never be upgraded again.",
        "Inherit UUPSUpgradeable and keep upgradeToAndCall public.",
    ),
    (
        "missing-initializer",
        "No initializer",
        "Parents need initializing and the contract has no initializer.",
        "Add an initializer that calls the parents' initializers.",
    ),
    (
        "missing-initializer-call",
        "A parent initializer not called",
        "The initializer leaves a parent uninitialized.",
        "Call each parent initializer, in linearization order.",
    ),
    (
        "duplicate-initializer-call",
        "A parent initializer called twice",
        "A parent is initialized twice.",
        "Call each parent initializer once.",
    ),
    (
        "incorrect-initializer-order",
        "Parents initialized out of order",
        "Parents are not initialized in linearization order.",
        "Call parent initializers in linearization order.",
    ),
    (
        "insert",
        "A variable inserted",
        "A variable inserted before others moves them: their values are read from the wrong slots.",
        "Add variables at the end, or take their slots from a gap.",
    ),
    (
        "delete",
        "A variable deleted",
        "Deleting a variable moves the ones after it.",
        "Keep the variable, even unused.",
    ),
    (
        "replace",
        "A variable replaced",
        "Another variable of another type takes the old one's slot and reads its value.",
        "Keep the old variable in place; add the new one at the end.",
    ),
    (
        "rename",
        "A variable renamed",
        "A rename may be a replacement in disguise.",
        "If the rename is meant, annotate it with @custom:oz-renamed-from.",
    ),
    (
        "typechange",
        "A variable's type changed",
        "The stored value is read as another type.",
        "Keep the type; a same-size retype can be declared with @custom:oz-retyped-from.",
    ),
    (
        "layoutchange",
        "A variable moved",
        "A variable's slot, offset or size changed.",
        "Keep each variable's slot, offset and size.",
    ),
    (
        "shrinkgap",
        "A gap shrunk by the wrong amount",
        "The variables after the gap move.",
        "Shrink the gap by exactly the slots added before it.",
    ),
    (
        "finishgap",
        "A gap consumed past its end",
        "The variables that took the gap do not end where it ended.",
        "End the new variables on the gap's last slot.",
    ),
    (
        "delete-namespace",
        "A namespace deleted",
        "The ERC-7201 namespace's storage is abandoned.",
        "Keep the namespaced struct and its @custom:storage-location.",
    ),
];

/// The rules, for SARIF (tag `security`).
pub fn rule_set() -> RuleSet {
    RuleSet {
        tag: "security",
        rules: KINDS
            .iter()
            .map(|(id, title, what, help)| SarifRule {
                id: (*id).to_owned(),
                title: (*title).to_owned(),
                description: (*what).to_owned(),
                help: (*help).to_owned(),
                help_markdown: format!("{what}\n\n**What to do:** {help}"),
                severity: if *id == "incorrect-initializer-order" {
                    Severity::Low
                } else {
                    Severity::High
                },
                confidence: Confidence::High,
            })
            .collect(),
    }
}

/// `file:line` as a path and a line.
fn place(src: &str) -> (&Path, usize) {
    match src.rsplit_once(':') {
        Some((file, line)) => (Path::new(file), line.parse().unwrap_or(1)),
        None => (Path::new(src), 1),
    }
}

/// The reports' errors and warnings as findings.
pub fn findings(reports: &[ContractReport]) -> Vec<Finding> {
    let mut out = Vec::new();
    for report in reports {
        for (error, severity) in report
            .validation
            .iter()
            .map(|e| (e, Severity::High))
            .chain(report.warnings.iter().map(|w| (w, Severity::Low)))
        {
            let (path, line) = place(&error.src);
            let name = error.name.as_deref().unwrap_or_default();
            out.push(Finding::at(
                error.kind,
                severity,
                path,
                (line, 1),
                format!("{}: {} {name}", report.contract, error.kind),
                &format!("{}|{name}", report.contract),
            ));
        }
        for op in &report.layout {
            let field = op.updated.as_ref().or(op.original.as_ref());
            let (path, line) = place(field.map_or("", |f| f.src.as_str()));
            let label = field.map_or("", |f| f.label.as_str());
            out.push(Finding::at(
                op.kind,
                Severity::High,
                path,
                (line, 1),
                format!(
                    "{}: {} `{label}`{}",
                    report.contract,
                    op.kind,
                    report
                        .reference
                        .as_deref()
                        .map(|r| format!(" against {r}"))
                        .unwrap_or_default()
                ),
                &format!("{}|{label}", report.contract),
            ));
        }
    }
    out
}
