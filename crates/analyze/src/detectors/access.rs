//! The access-control review's findings (`access-*`): state-changing
//! functions anyone can call. `[analyze] public_functions` lists the ones
//! that are public by design; `slipway analyze --access-report` writes the
//! whole review.

use std::collections::HashSet;

use crate::detector::{Cx, Detector, Sink, function_label};
use crate::{
    Confidence, Severity,
    access::{access_of, is_state_changing_entry},
    flow::{Effect, lock_of},
    program::is_concrete,
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "access-unguarded",
        title: "State-changing function anyone can call",
        severity: Severity::Low,
        confidence: Confidence::Medium,
        what: "An external or public function that can change state has no check on its \
               caller: no role or owner modifier, no `msg.sender` comparison or role check in \
               it or in the internal functions it calls, no signatures of a role's holders.",
        why: "Every entry point anyone can call is attack surface; the SOP's access-control \
              review lists them so that each is public by decision, not by omission.",
        help: "add a guard, or list it in `[analyze] public_functions = [\"Contract.function\"]` when it is public by design",
        example: include_str!("../../testdata/src/access-unguarded.sol"),
        run: |cx, sink| unguarded(cx, sink, false),
    },
    Detector {
        id: "access-admin-state",
        title: "Function anyone can call writes state that guarded functions manage",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "A function with no check on its caller writes a state variable that a guarded \
               function of the same contract also writes (an owner, a fee, a limit, a pause \
               flag).",
        why: "When privileged functions manage a variable, a path that lets anyone write it \
              usually bypasses them.",
        help: "guard the function, or list it in `[analyze] public_functions` with the reason it is safe",
        example: include_str!("../../testdata/src/access-admin-state.sol"),
        run: |cx, sink| unguarded(cx, sink, true),
    },
];

fn unguarded(cx: &Cx<'_, '_>, sink: &mut Sink, admin_state: bool) {
    for contract in &cx.contracts {
        if !is_concrete(contract) {
            continue;
        }
        let functions: Vec<_> = cx
            .program
            .functions_of(contract)
            .into_iter()
            .filter(|f| is_state_changing_entry(f.item))
            .map(|f| (f, access_of(cx.program, f.item)))
            .collect();
        // A reentrancy lock is written by every guarded function and every
        // public one alike: not state anyone manages.
        let locks: HashSet<isize> = functions
            .iter()
            .filter_map(|(f, _)| lock_of(cx.flow, f.item))
            .collect();
        let writes = |id: isize| -> HashSet<isize> {
            cx.flow
                .flat(id)
                .iter()
                .filter_map(|l| match l.effect {
                    Effect::Write(v) if !locks.contains(&v) => Some(v),
                    _ => None,
                })
                .collect()
        };
        // What guarded functions write, and what their guards compare the
        // caller with (`owner` in `msg.sender == owner`): whoever writes
        // that decides who passes.
        let guard_state = |id: isize| -> HashSet<isize> {
            cx.flow
                .flat(id)
                .iter()
                .filter_map(|l| match l.effect {
                    Effect::SenderCheck { against: Some(v) } => Some(v),
                    _ => None,
                })
                .collect()
        };
        let managed: HashSet<isize> = functions
            .iter()
            .filter(|(_, access)| access.is_guarded() && !access.initializer)
            .flat_map(|(f, _)| {
                let id = f.item.id as isize;
                writes(id).into_iter().chain(guard_state(id))
            })
            .collect();
        for (f, access) in &functions {
            if access.is_guarded() {
                continue;
            }
            let shared: Vec<String> = {
                let claimed = super::state::claims_once(cx, f.item);
                let mut names: Vec<String> = writes(f.item.id as isize)
                    .intersection(&managed)
                    .filter(|v| !claimed.contains(v))
                    .filter_map(|v| cx.program.variable(*v).map(|v| v.name.clone()))
                    .collect();
                names.sort();
                names
            };
            if admin_state == shared.is_empty() {
                continue;
            }
            let own = f.contract.id == contract.id;
            let at = if own {
                f.item.name_location.unwrap_or(f.item.src)
            } else {
                contract.name_location.unwrap_or(contract.src)
            };
            let name = format!("{}.{}", contract.name, function_label(f.item));
            let message = if admin_state {
                format!(
                    "`{name}` can be called by anyone and writes {}, which guarded functions also write",
                    shared
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                format!("`{name}` can change state and be called by anyone")
            };
            sink.report(at, contract, Some(f.item), message);
        }
    }
}
