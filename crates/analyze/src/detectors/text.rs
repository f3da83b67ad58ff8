//! The source text itself: right-to-left override characters that make the
//! code read differently from how it compiles.

use foundry_compilers::artifacts::ast::SourceLocation;

use crate::detector::{Cx, Detector, Raw, Sink};
use crate::{Confidence, Severity};

pub(super) static DETECTORS: &[Detector] = &[Detector {
    id: "rtlo",
    title: "Right-to-left override or other bidirectional control character",
    severity: Severity::High,
    confidence: Confidence::High,
    what: "The file contains a Unicode bidirectional control character (U+202A–U+202E, \
           U+2066–U+2069), such as the right-to-left override U+202E.",
    why: "Editors and reviews show the text reordered: a comment can appear to end where it \
          does not, hiding code from review (\"Trojan Source\").",
    help: "delete the character; write the text in logical order",
    example: include_str!("../../testdata/src/rtlo.sol"),
    run: rtlo,
}];

fn rtlo(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (offset, ch) in cx.unit.text.char_indices() {
        if matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            let at = SourceLocation {
                start: Some(offset),
                length: Some(ch.len_utf8()),
                index: cx.unit.ast.src.index,
            };
            let contract = cx.contracts.iter().find(|c| {
                let start = c.src.start.unwrap_or(0);
                (start..start + c.src.length.unwrap_or(0)).contains(&offset)
            });
            sink.found.push(Raw {
                at,
                message: format!("U+{:04X} reorders how this line is displayed", ch as u32),
                contract: contract.map(|c| c.name.clone()),
                function: None,
                also: Vec::new(),
                fix: None,
            });
        }
    }
}
