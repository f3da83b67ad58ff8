//! Documentation: NatSpec on what other people call.

use foundry_compilers::artifacts::ast::{ContractDefinitionPart, FunctionKind, Visibility};

use crate::{
    Confidence, Severity,
    detector::{Cx, Detector, Sink},
};

pub(super) static RULES: &[Detector] = &[
    Detector {
        id: "natspec-function",
        title: "External or public function without NatSpec",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "An external or public function (not an override, which inherits its base's) has \
               no `///` or `/** */` comment.",
        why: "NatSpec is what wallets, explorers and auditors show for the function; the SOP's \
              code validation asks for it.",
        help: "add `/// @notice …` (and `@param`, `@return`) above it",
        example: include_str!("../../testdata/src/natspec-function.sol"),
        run: functions,
    },
    Detector {
        id: "natspec-event",
        title: "Event without NatSpec",
        severity: Severity::Info,
        confidence: Confidence::High,
        what: "An event has no `///` or `/** */` comment.",
        why: "Indexers and monitoring read events; their meaning belongs next to them.",
        help: "add `/// @notice …` above it",
        example: include_str!("../../testdata/src/natspec-event.sol"),
        run: events,
    },
];

fn functions(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        for part in &contract.nodes {
            let ContractDefinitionPart::FunctionDefinition(f) = part else {
                continue;
            };
            let public = matches!(f.visibility, Visibility::External | Visibility::Public);
            let overrides = f.overrides.is_some() || !f.base_functions.is_empty();
            if public
                && !overrides
                && matches!(f.kind(), FunctionKind::Function)
                && f.documentation.is_none()
            {
                sink.report(
                    f.name_location.unwrap_or(f.src),
                    contract,
                    Some(f),
                    format!("`{}` has no NatSpec", f.name),
                );
            }
        }
    }
}

fn events(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        for part in &contract.nodes {
            if let ContractDefinitionPart::EventDefinition(e) = part
                && e.documentation.is_none()
            {
                sink.report(
                    e.name_location.unwrap_or(e.src),
                    contract,
                    None,
                    format!("`{}` has no NatSpec", e.name),
                );
            }
        }
    }
}
