//! The build key: everything besides the sources that changes what the
//! compiler produces — the compiler (version and kind), its settings
//! (optimizer, runs, EVM version, via-IR, outputs, linked libraries), the
//! remappings (slipway.toml's, `remappings.txt`'s and the automatic npm
//! ones), the library directories and the profile. foundry-compilers'
//! per-file cache does not see all of these (a changed `remappings.txt`
//! once left a build "unchanged" with stale artifacts), so when the key
//! differs from the last build's, its cache is dropped and everything is
//! compiled again.

use std::path::{Path, PathBuf};

use alloy_primitives::{hex, keccak256};
use serde::Serialize;

use crate::{CompilerKind, Profile};

/// The inputs the key covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildInputs {
    /// The compiler's full version (`0.8.20+commit.a1b79de6`).
    pub compiler_version: String,
    /// Where it came from (native and solcjs builds differ in metadata).
    pub compiler_kind: CompilerKind,
    /// The compiler settings as sent (standard JSON `settings`), including
    /// the optimizer, EVM version, via-IR, outputs and linked libraries.
    pub settings: String,
    /// Every remapping, in order.
    pub remappings: Vec<String>,
    /// The library directories, in order.
    pub libs: Vec<PathBuf>,
    /// The profile.
    pub profile: String,
}

impl BuildInputs {
    /// The inputs of building `project` with `compiler` in `profile`.
    pub(crate) fn of(
        project: &crate::project::SolcProject,
        compiler: &crate::Compiler,
        profile: Profile,
    ) -> Self {
        Self {
            compiler_version: compiler.version.to_string(),
            compiler_kind: compiler.kind,
            settings: serde_json::to_string(&project.settings.settings).unwrap_or_default(),
            remappings: project
                .paths
                .remappings
                .iter()
                .map(ToString::to_string)
                .collect(),
            libs: project.paths.libraries.clone(),
            profile: format!("{profile:?}"),
        }
    }

    /// The key: a hash of all inputs, in hex.
    pub fn key(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(keccak256(json))
    }
}

/// Where a profile's last key is kept.
pub(crate) fn key_path(cache_dir: &Path, profile: Profile) -> PathBuf {
    cache_dir.join(match profile {
        Profile::Default => "build-key",
        Profile::Coverage => "coverage-build-key",
    })
}

/// Where a profile's fingerprint (the no-op fast path) is kept.
pub(crate) fn fingerprint_path(cache_dir: &Path, profile: Profile) -> PathBuf {
    cache_dir.join(match profile {
        Profile::Default => "build-fingerprint.json",
        Profile::Coverage => "coverage-build-fingerprint.json",
    })
}

/// Whether a build with `inputs` can use what the last build left:
/// only when the last build's key is exactly this one.
pub fn reusable(stored: Option<&str>, inputs: &BuildInputs) -> bool {
    stored.is_some_and(|key| key.trim() == inputs.key())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn inputs() -> impl Strategy<Value = BuildInputs> {
        (
            "0\\.8\\.[0-9]{1,2}\\+commit\\.[0-9a-f]{8}",
            prop_oneof![Just(CompilerKind::SolcJs), Just(CompilerKind::Native)],
            "\\{\"optimizer\":\\{\"enabled\":(true|false),\"runs\":[0-9]{1,5}\\},\"evmVersion\":\"(paris|shanghai|cancun)\",\"viaIR\":(true|false)\\}",
            prop::collection::vec("[a-z@/]{1,12}=[a-z/]{1,12}", 0..4),
            prop::collection::vec("[a-z/]{1,12}", 0..3),
            prop_oneof![Just("default".to_owned()), Just("coverage".to_owned())],
        )
            .prop_map(
                |(compiler_version, compiler_kind, settings, remappings, libs, profile)| {
                    BuildInputs {
                        compiler_version,
                        compiler_kind,
                        settings,
                        remappings,
                        libs: libs.into_iter().map(PathBuf::from).collect(),
                        profile,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn identical_inputs_reuse_the_last_build(a in inputs()) {
            let stored = a.key();
            prop_assert!(reusable(Some(&stored), &a.clone()));
        }

        #[test]
        fn any_change_of_an_input_rebuilds(a in inputs(), b in inputs()) {
            let stored = a.key();
            prop_assert_eq!(reusable(Some(&stored), &b), a == b);
        }

        #[test]
        fn a_single_changed_remapping_rebuilds(a in inputs(), extra in "[a-z]{1,8}=[a-z]{1,8}/") {
            let mut b = a.clone();
            b.remappings.push(extra);
            prop_assert!(!reusable(Some(&a.key()), &b));
        }
    }

    #[test]
    fn no_stored_key_rebuilds() {
        let a = BuildInputs {
            compiler_version: "0.8.20+commit.a1b79de6".into(),
            compiler_kind: CompilerKind::SolcJs,
            settings: "{}".into(),
            remappings: vec![],
            libs: vec![],
            profile: "default".into(),
        };
        assert!(!reusable(None, &a));
    }
}
