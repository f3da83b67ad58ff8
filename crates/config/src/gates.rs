//! `[gates]`: the SOP's quality thresholds.

use serde::{Deserialize, Deserializer, Serialize, de::Error as _};

/// Thresholds that fail a pipeline stage.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Gates {
    /// Minimum line coverage, percent.
    #[serde(deserialize_with = "percent")]
    pub min_lines: f64,
    /// Minimum branch coverage, percent.
    #[serde(deserialize_with = "percent")]
    pub min_branches: f64,
    /// Minimum function coverage, percent.
    #[serde(deserialize_with = "percent")]
    pub min_functions: f64,
    /// Lint findings at or above this severity fail.
    pub lint_fail_on: LintSeverity,
    /// Allowed gas increase per test before `snapshot --check` fails, percent.
    #[serde(deserialize_with = "percent")]
    pub gas_tolerance: f64,
}

impl Default for Gates {
    fn default() -> Self {
        Self {
            min_lines: 95.0,
            min_branches: 95.0,
            min_functions: 95.0,
            lint_fail_on: LintSeverity::Medium,
            gas_tolerance: 0.0,
        }
    }
}

/// Severity of a lint or security finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum LintSeverity {
    Info,
    Low,
    Medium,
    High,
}

impl LintSeverity {
    /// Its name, as configuration and the command line spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// A percentage in 0..=100.
pub(crate) fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let value = f64::deserialize(d)?;
    if (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(D::Error::custom(format!(
            "{value} is not a percentage: expected a number from 0 to 100"
        )))
    }
}
