//! `slipway lint`: style, best-practice and gas rules on the same engine
//! as the security detectors (same AST, suppressions, outputs, cache and
//! baseline). Rules whose fix is purely mechanical (a keyword added, a
//! location or a type name spelled out) carry it for `slipway lint --fix`.

mod dead;
mod declarations;
mod docs;
mod gas;
mod naming;
mod support;

use crate::detector::Detector;

/// Every lint rule.
pub fn all() -> Vec<&'static Detector> {
    let mut all: Vec<&'static Detector> = Vec::new();
    for family in [
        naming::RULES,
        declarations::RULES,
        docs::RULES,
        dead::RULES,
        gas::RULES,
    ] {
        all.extend(family.iter());
    }
    all
}
