//! `slipway upgrade check`'s report: each unsafe step of a storage layout
//! in OpenZeppelin's words (its kind verbatim), where it is, and what to do.

use slipway_upgrades::{ContractReport, LayoutOp, ValidationError};

use crate::output::Ui;

fn name(field: Option<&slipway_upgrades::StorageField>) -> String {
    field.map_or_else(|| "?".to_owned(), |f| format!("`{}`", f.label))
}

/// What happened and what to do, for one step.
fn explain(op: &LayoutOp) -> (String, &'static str) {
    let original = name(op.original.as_ref());
    let updated = name(op.updated.as_ref());
    let change = op
        .change
        .as_ref()
        .map(|c| format!(" ({}: {} to {})", c.kind, c.original, c.updated))
        .unwrap_or_default();
    match op.kind {
        "insert" => (
            format!("inserted {updated}"),
            "add new variables at the end of the most derived contract, or take their slots from a gap",
        ),
        "delete" => (
            format!("deleted {original}"),
            "keep the variable, even unused (rename it `__deprecated_…` with @custom:oz-renamed-from)",
        ),
        "replace" => (
            format!("replaced {original} with {updated} of an incompatible type{change}"),
            "put the new variable at the end, keep the old one in its place",
        ),
        "rename" => (
            format!("renamed {original} to {updated}"),
            "if the rename is meant, say so: /// @custom:oz-renamed-from <old name>",
        ),
        "typechange" => (
            format!("upgraded {updated} to an incompatible type{change}"),
            "keep the old type; a retype of the same size can be declared with @custom:oz-retyped-from",
        ),
        "layoutchange" => {
            let moved = op
                .layout
                .as_ref()
                .map(|l| {
                    let mut parts = Vec::new();
                    if let Some((a, b)) = &l.slot {
                        parts.push(format!("slot {a} to {b}"));
                    }
                    if let Some((a, b)) = &l.offset {
                        parts.push(format!("offset {a} to {b}"));
                    }
                    if let Some((a, b)) = &l.bytes {
                        parts.push(format!("{a} bytes to {b}"));
                    }
                    parts.join(", ")
                })
                .unwrap_or_default();
            (
                format!("the layout of {updated} changed ({moved})"),
                "a variable must keep its slot, offset and size; shrink a gap by what is added before it",
            )
        }
        "shrinkgap" => (
            format!("the gap {original} shrank by the wrong amount{change}"),
            "shrink the gap by exactly the slots the new variables take",
        ),
        "finishgap" => (
            format!("{updated} takes the gap {original} but does not end where it ended"),
            "let the variables that consume a gap end on its last slot",
        ),
        "delete-namespace" => (
            format!(
                "deleted the namespace {}",
                op.namespace.as_deref().unwrap_or("?")
            ),
            "keep the namespaced struct and its @custom:storage-location",
        ),
        other => (format!("{other} {updated}"), ""),
    }
}

/// What a validation error means and what to do.
fn explain_validation(error: &ValidationError) -> (String, &'static str) {
    let name = error.name.as_deref().unwrap_or("?");
    match error.kind {
        "constructor" => (
            format!("{name} has a constructor with code or modifiers"),
            "move the code into an initializer; a constructor that must stay (`_disableInitializers()`) is marked /// @custom:oz-upgrades-unsafe-allow constructor",
        ),
        "state-variable-assignment" => (
            format!("`{name}` is assigned where it is declared"),
            "assign it in the initializer, or make it constant",
        ),
        "state-variable-immutable" => (
            format!("`{name}` is immutable"),
            "every proxy shares the implementation's value: if that is meant, mark it /// @custom:oz-upgrades-unsafe-allow state-variable-immutable",
        ),
        "external-library-linking" => (
            format!("links the external library {name}"),
            "make the library's functions internal, or mark the contract /// @custom:oz-upgrades-unsafe-allow external-library-linking",
        ),
        "delegatecall" => (
            "a delegatecall can be reached".to_owned(),
            "a delegatecall to a contract that selfdestructs destroys the implementation; remove it, or mark the code /// @custom:oz-upgrades-unsafe-allow delegatecall",
        ),
        "selfdestruct" => (
            "a selfdestruct can be reached".to_owned(),
            "remove it: a destroyed implementation bricks every proxy",
        ),
        "internal-function-storage" => (
            format!("`{name}` holds an internal function pointer in storage"),
            "internal function pointers are code offsets that change between versions; store something else",
        ),
        "missing-initializer" => (
            format!("{name} has no initializer, but a parent needs initializing"),
            "add an initializer (`function initialize(…) public initializer`) that calls the parents' initializers",
        ),
        "missing-initializer-call" => (
            format!("the initializer does not call the initializer of {name}"),
            "call each parent's initializer (`__Name_init(…)`) from this initializer, in linearization order",
        ),
        "duplicate-initializer-call" => (
            format!("{name} is called twice"),
            "call each parent initializer once: `__X_init` already calls `__X_init_unchained`",
        ),
        "missing-public-upgradeto" => (
            format!("{name} is UUPS but has no public upgradeTo or upgradeToAndCall"),
            "inherit UUPSUpgradeable and keep its upgradeToAndCall public, or the proxy can never be upgraded again",
        ),
        other => (other.to_owned(), ""),
    }
}

/// The reports on stdout; a summary on stderr.
pub(crate) fn reports(ui: Ui, reports: &[ContractReport]) {
    for report in reports {
        for error in &report.validation {
            let (what, todo) = explain_validation(error);
            println!("{}: {}: {what}", error.src, error.kind);
            if !todo.is_empty() {
                println!("    {todo}");
            }
        }
        for warning in &report.warnings {
            println!(
                "{}: warning: {}: {} is initialized out of linearization order",
                warning.src,
                warning.kind,
                warning.name.as_deref().unwrap_or("a parent")
            );
        }
        for op in &report.layout {
            let at = op
                .updated
                .as_ref()
                .or(op.original.as_ref())
                .map_or("?", |f| f.src.as_str());
            let (what, todo) = explain(op);
            println!("{at}: {}: {what}", op.kind);
            if !todo.is_empty() {
                println!("    {todo}");
            }
        }
        if !ui.quiet {
            let against = report
                .reference
                .as_deref()
                .map(|r| format!(" to replace {r}"))
                .unwrap_or_default();
            if report.ok() {
                eprintln!("{} is upgrade-safe{against}", report.contract);
            } else {
                eprintln!(
                    "{} is not upgrade-safe{against}: {} and {}",
                    report.contract,
                    crate::output::count(report.validation.len(), "validation error"),
                    crate::output::count(report.layout.len(), "storage layout error")
                );
            }
        }
    }
    if reports.is_empty() && !ui.quiet {
        eprintln!(
            "no upgradeable contract in the build (none inherits Initializable, is UUPS, or is annotated @custom:oz-upgrades)"
        );
    }
}
