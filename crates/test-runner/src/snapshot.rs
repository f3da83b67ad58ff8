//! `.gas-snapshot`: one line per passing test with its gas, in forge's
//! format (`Contract:test() (gas: N)`, fuzz tests `(runs: R, μ: M, ~: D)`),
//! and the comparison of two snapshots against a tolerance.

use std::{collections::BTreeMap, fmt::Write};

use serde::Serialize;

use crate::{ContractOutcome, TestStatus};

/// A test's gas in a snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SnapshotGas {
    /// A unit test's gas.
    Unit {
        /// Gas.
        gas: u64,
    },
    /// A fuzz test's runs, mean and median gas.
    Fuzz {
        /// Runs.
        runs: u32,
        /// Mean gas.
        mean: u64,
        /// Median gas.
        median: u64,
    },
}

impl SnapshotGas {
    /// The figure compared: the gas, or a fuzz test's median.
    pub fn figure(&self) -> u64 {
        match self {
            Self::Unit { gas } => *gas,
            Self::Fuzz { median, .. } => *median,
        }
    }
}

impl std::fmt::Display for SnapshotGas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unit { gas } => write!(f, "(gas: {gas})"),
            Self::Fuzz { runs, mean, median } => {
                write!(f, "(runs: {runs}, μ: {mean}, ~: {median})")
            }
        }
    }
}

/// A snapshot: `Contract:signature` → gas, sorted.
pub type GasSnapshot = BTreeMap<String, SnapshotGas>;

/// A line of a snapshot file that is not in the format.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SnapshotError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The snapshot of the passing tests of `results`.
pub fn snapshot_of(results: &[ContractOutcome]) -> GasSnapshot {
    results
        .iter()
        .flat_map(|c| c.tests.iter().map(move |t| (c, t)))
        .filter(|(_, t)| t.status == TestStatus::Pass)
        .map(|(c, t)| {
            let gas = match &t.fuzz {
                Some(f) => SnapshotGas::Fuzz {
                    runs: f.runs,
                    mean: f.mean_gas,
                    median: f.median_gas,
                },
                None => SnapshotGas::Unit { gas: t.gas },
            };
            (format!("{}:{}", c.name, t.signature), gas)
        })
        .collect()
}

/// The file's text: one line per test, sorted.
pub fn format_snapshot(snapshot: &GasSnapshot) -> String {
    let mut out = String::new();
    for (key, gas) in snapshot {
        let _ = writeln!(out, "{key} {gas}");
    }
    out
}

fn number<T: std::str::FromStr>(text: &str, what: &str, line: usize) -> Result<T, SnapshotError> {
    text.trim().parse().map_err(|_| SnapshotError {
        line,
        message: format!("{what} {text:?} is not a number"),
    })
}

/// Reads a snapshot file's text.
pub fn parse_snapshot(text: &str) -> Result<GasSnapshot, SnapshotError> {
    let mut snapshot = GasSnapshot::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let bad = |message: &str| SnapshotError {
            line,
            message: format!(
                "{message}: expected `Contract:test() (gas: N)` or `Contract:test(args) (runs: R, μ: M, ~: D)`"
            ),
        };
        let open = raw.rfind(" (").ok_or_else(|| bad("no gas figure"))?;
        let (key, figures) = (&raw[..open], &raw[open + 2..]);
        let figures = figures
            .strip_suffix(')')
            .ok_or_else(|| bad("unclosed figure"))?;
        if !key.contains(':') {
            return Err(bad("no `Contract:` before the test"));
        }
        let gas = if let Some(gas) = figures.strip_prefix("gas: ") {
            SnapshotGas::Unit {
                gas: number(gas, "gas", line)?,
            }
        } else {
            let mut parts = figures.split(", ");
            let mut field = |prefix: &str| {
                parts
                    .next()
                    .and_then(|p| p.strip_prefix(prefix))
                    .ok_or_else(|| bad("unknown figure"))
            };
            let (runs, mean, median) = (field("runs: ")?, field("μ: ")?, field("~: ")?);
            SnapshotGas::Fuzz {
                runs: number(runs, "runs", line)?,
                mean: number(mean, "mean", line)?,
                median: number(median, "median", line)?,
            }
        };
        snapshot.insert(key.to_owned(), gas);
    }
    Ok(snapshot)
}

/// How one test's gas changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GasChange {
    /// `Contract:signature`.
    pub test: String,
    /// Before (`None`: a new test).
    pub old: Option<u64>,
    /// After (`None`: the test is gone).
    pub new: Option<u64>,
    /// Whether it rose beyond the tolerance.
    pub regression: bool,
}

impl GasChange {
    /// The change in percent of the old figure (`None` without both).
    pub fn percent(&self) -> Option<f64> {
        match (self.old, self.new) {
            (Some(old), Some(new)) if old > 0 => {
                Some((new as f64 - old as f64) * 100.0 / old as f64)
            }
            _ => None,
        }
    }
}

/// Every test whose figure differs between `old` and `new`; a rise of more
/// than `tolerance` percent is a regression.
pub fn compare_snapshots(old: &GasSnapshot, new: &GasSnapshot, tolerance: f64) -> Vec<GasChange> {
    let tests: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    tests
        .into_iter()
        .filter_map(|test| {
            let before = old.get(test).map(SnapshotGas::figure);
            let after = new.get(test).map(SnapshotGas::figure);
            if before == after {
                return None;
            }
            let regression = match (before, after) {
                (Some(b), Some(a)) => a as f64 > b as f64 * (1.0 + tolerance / 100.0),
                _ => false,
            };
            Some(GasChange {
                test: test.clone(),
                old: before,
                new: after,
                regression,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "CounterTest:testFuzz_SetNumber(uint256) (runs: 256, μ: 29057, ~: 29835)\nCounterTest:test_Increment() (gas: 30050)\n";

    #[test]
    fn the_format_round_trips() {
        let snapshot = parse_snapshot(TEXT).expect("parses");
        assert_eq!(
            snapshot["CounterTest:test_Increment()"],
            SnapshotGas::Unit { gas: 30050 }
        );
        assert_eq!(
            snapshot["CounterTest:testFuzz_SetNumber(uint256)"],
            SnapshotGas::Fuzz {
                runs: 256,
                mean: 29057,
                median: 29835
            }
        );
        assert_eq!(format_snapshot(&snapshot), TEXT);
    }

    #[test]
    fn bad_lines_name_their_number() {
        let err = parse_snapshot("A:t() (gas: 1)\nA:t() (gas: lots)\n").expect_err("bad");
        assert_eq!(err.line, 2);
        assert!(
            err.to_string().contains("\"lots\" is not a number"),
            "{err}"
        );
        let err = parse_snapshot("no figures here\n").expect_err("bad");
        assert_eq!(err.line, 1);
    }

    #[test]
    fn only_rises_beyond_the_tolerance_are_regressions() {
        let old = parse_snapshot(
            "A:a() (gas: 1000)\nA:b() (gas: 1000)\nA:c() (gas: 1000)\nA:gone() (gas: 5)\n",
        )
        .expect("old");
        let new = parse_snapshot(
            "A:a() (gas: 1050)\nA:b() (gas: 1051)\nA:c() (gas: 900)\nA:new() (gas: 7)\n",
        )
        .expect("new");
        let changes = compare_snapshots(&old, &new, 5.0);
        let regressions: Vec<_> = changes
            .iter()
            .filter(|c| c.regression)
            .map(|c| c.test.as_str())
            .collect();
        assert_eq!(
            regressions,
            ["A:b()"],
            "5.0 % is within a 5 % tolerance, 5.1 % is not"
        );
        assert_eq!(changes.len(), 5);
        let zero = compare_snapshots(&old, &new, 0.0);
        assert_eq!(zero.iter().filter(|c| c.regression).count(), 2);
        assert_eq!(changes[2].percent(), Some(-10.0));
    }
}
