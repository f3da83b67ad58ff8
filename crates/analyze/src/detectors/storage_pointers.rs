//! Uninitialised storage pointers (solc before 0.5, which refuses them
//! since): a local struct, array or mapping declared without a location or
//! a value points at storage slot 0, and writing through it overwrites the
//! contract's first state variables.

use foundry_compilers::artifacts::ast::{
    Block, ContractDefinitionPart, Statement, StorageLocation,
};

use crate::detector::{Cx, Detector, Sink};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
};

pub(super) static DETECTORS: &[Detector] = &[Detector {
    id: "uninitialized-storage",
    title: "Uninitialised storage pointer",
    severity: Severity::High,
    confidence: Confidence::High,
    what: "A local variable of a struct, array or mapping type is declared without `memory` \
           and without a value (accepted by solc before 0.5).",
    why: "It points at storage slot 0: every write through it overwrites the contract's first \
          state variables (an owner, a lock, a balance).",
    help: "declare it `memory`, or point it at real storage (`Entry storage e = entries[i];`); solc 0.5 and later refuse the code",
    example: include_str!("../../testdata/legacy/src/uninitialized-storage.sol"),
    run: uninitialized_storage,
}];

fn uninitialized_storage(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        for part in &contract.nodes {
            let (body, function): (Option<&Block>, _) = match part {
                ContractDefinitionPart::FunctionDefinition(f) => (f.body.as_ref(), Some(&**f)),
                ContractDefinitionPart::ModifierDefinition(m) => (m.body.as_ref(), None),
                _ => continue,
            };
            let Some(body) = body else { continue };
            struct Pointers<'a>(Vec<&'a foundry_compilers::artifacts::ast::VariableDeclaration>);
            impl<'a> BodyVisitor<'a> for Pointers<'a> {
                fn statement(&mut self, stmt: &'a Statement, _place: Place) {
                    if let Statement::VariableDeclarationStatement(d) = stmt
                        && d.initial_value.is_none()
                    {
                        // No location written: solc 0.5 and later require
                        // one, and check that an explicit `storage` local
                        // is assigned before use.
                        self.0.extend(d.declarations.iter().flatten().filter(|v| {
                            v.storage_location == StorageLocation::Default
                                && v.type_descriptions
                                    .type_identifier
                                    .as_deref()
                                    .is_some_and(|t| t.ends_with("_storage_ptr"))
                        }));
                    }
                }
            }
            let mut pointers = Pointers(Vec::new());
            ast::walk_block(body, Place::default(), &mut pointers);
            for var in pointers.0 {
                sink.report(
                    var.src,
                    contract,
                    function,
                    format!(
                        "`{}` is a storage pointer with no value: it points at slot 0",
                        cx.snippet(var.src)
                    ),
                );
            }
        }
    }
}
