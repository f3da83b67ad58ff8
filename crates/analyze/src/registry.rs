//! Every rule by id: the security detectors and the lint rules together,
//! for `slipway explain` and for ids written in configuration.

use crate::detector::Detector;

/// The detector or lint rule with id `id`.
pub fn find(id: &str) -> Option<&'static Detector> {
    crate::detectors::all()
        .into_iter()
        .chain(crate::lint::all())
        .find(|d| d.id == id)
}
