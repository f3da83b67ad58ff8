//! Reentrancy: storage read before an external call and written after it,
//! so a callee that calls back sees (and acts on) the old value.

use std::collections::BTreeMap;

use crate::detector::{Cx, Detector, Sink, is_entry, is_mutating};
use crate::{
    Confidence, Severity,
    flow::{CallKind, Effect, is_nonreentrant},
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "reentrancy-eth",
        title: "Reentrancy with ether: state written after an external call that sends ether",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A public function reads a storage variable, makes an external call in which \
               ether is sent, and writes that variable after the call.",
        why: "The callee runs arbitrary code with the old value still in storage: it can call \
              back into the function and withdraw again before the balance is cleared (the DAO).",
        help: "write state before the call (checks-effects-interactions), or guard the function with `nonReentrant`",
        example: include_str!("../../testdata/src/reentrancy-eth.sol"),
        run: |cx, sink| scan(cx, sink, true),
    },
    Detector {
        id: "reentrancy-no-eth",
        title: "Reentrancy: state written after an external call",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "A public function reads a storage variable, makes an external call (no ether \
               involved), and writes that variable after the call.",
        why: "A malicious token or callee can call back while the variable still holds the old \
              value and act on it twice (double-spend of a credit, a stale allowance).",
        help: "write state before the call (checks-effects-interactions), or guard the function with `nonReentrant`",
        example: include_str!("../../testdata/src/reentrancy-no-eth.sol"),
        run: |cx, sink| scan(cx, sink, false),
    },
];

fn scan(cx: &Cx<'_, '_>, sink: &mut Sink, with_eth: bool) {
    for (contract, f) in cx.functions() {
        if !is_entry(f) || !is_mutating(f) || is_nonreentrant(cx.program, f) {
            continue;
        }
        let flat = cx.flow.flat(f.id as isize);
        let mut reported = std::collections::HashSet::new();
        for (i, call) in flat.iter().enumerate() {
            let Effect::Call {
                kind,
                value,
                read_only,
                ..
            } = call.effect
            else {
                continue;
            };
            if read_only || !matches!(kind, CallKind::External | CallKind::LowLevel) {
                continue;
            }
            let read_before: std::collections::HashSet<isize> = flat[..i]
                .iter()
                .filter_map(|l| match l.effect {
                    Effect::Read(v) => Some(v),
                    _ => None,
                })
                .collect();
            let mut written_after = BTreeMap::new();
            for later in &flat[i + 1..] {
                if let Effect::Write(var) = later.effect
                    && read_before.contains(&var)
                {
                    written_after.entry(var).or_insert(later.at);
                }
            }
            if written_after.is_empty() {
                continue;
            }
            let eth = value
                || flat[i + 1..].iter().any(|l| {
                    matches!(
                        l.effect,
                        Effect::Call {
                            kind: CallKind::External | CallKind::LowLevel,
                            value: true,
                            ..
                        }
                    )
                });
            if eth != with_eth || !reported.insert(call.site.start) {
                continue;
            }
            let vars: Vec<String> = written_after
                .iter()
                .map(|(var, at)| {
                    let name = cx.program.variable(*var).map_or("?", |v| v.name.as_str());
                    format!("`{name}` (line {})", cx.line_of(*at))
                })
                .collect();
            sink.report_also(
                &[call.at, call.inner_site],
                call.site,
                contract,
                Some(f),
                format!(
                    "external call `{}`{} is followed by a write to {}",
                    cx.snippet(call.at),
                    if value { " sends ether and" } else { "" },
                    vars.join(", ")
                ),
            );
        }
    }
}
