//! `.gas-snapshot`: one line per passing test with its gas, in forge's
//! format, read and written byte for byte as forge does (`Contract:test()
//! (gas: N)`, fuzz tests `(runs: R, μ: M, ~: D)`, invariant tests `(runs:
//! R, calls: C, reverts: V)`, either with `, failed corpus replays: N` when
//! N is not 0; lines sorted, no newline after the last), and the comparison
//! of two snapshots: unit tests exactly, fuzz tests within a tolerance,
//! invariant tests not at all (forge records no gas for them).

use std::collections::BTreeMap;

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
        /// forge's corpus replays that failed (0: not shown).
        replays: u64,
    },
    /// An invariant test's sequences, calls and reverted calls.
    Invariant {
        /// Sequences.
        runs: u32,
        /// Calls made.
        calls: u64,
        /// Calls that reverted.
        reverts: u64,
        /// forge's corpus replays that failed (0: not shown).
        replays: u64,
    },
}

impl SnapshotGas {
    /// The figure compared: the gas, a fuzz test's median, an invariant
    /// test's 0 (as forge counts it).
    pub fn figure(&self) -> u64 {
        match self {
            Self::Unit { gas } => *gas,
            Self::Fuzz { median, .. } => *median,
            Self::Invariant { .. } => 0,
        }
    }
}

impl std::fmt::Display for SnapshotGas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let replays = |n: u64| match n {
            0 => String::new(),
            n => format!(", failed corpus replays: {n}"),
        };
        match self {
            Self::Unit { gas } => write!(f, "(gas: {gas})"),
            Self::Fuzz {
                runs,
                mean,
                median,
                replays: r,
            } => write!(f, "(runs: {runs}, μ: {mean}, ~: {median}{})", replays(*r)),
            Self::Invariant {
                runs,
                calls,
                reverts,
                replays: r,
            } => write!(
                f,
                "(runs: {runs}, calls: {calls}, reverts: {reverts}{})",
                replays(*r)
            ),
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
            let gas = match (&t.fuzz, &t.invariant) {
                (Some(f), _) => SnapshotGas::Fuzz {
                    runs: f.runs,
                    mean: f.mean_gas,
                    median: f.median_gas,
                    replays: 0,
                },
                (None, Some(i)) => SnapshotGas::Invariant {
                    runs: i.runs,
                    calls: i.calls,
                    reverts: i.reverts,
                    replays: 0,
                },
                (None, None) => SnapshotGas::Unit { gas: t.gas },
            };
            (format!("{}:{}", c.name, t.signature), gas)
        })
        .collect()
}

/// The file's text as forge writes it: the lines sorted, joined by
/// newlines, none after the last.
pub fn format_snapshot(snapshot: &GasSnapshot) -> String {
    let mut lines: Vec<String> = snapshot
        .iter()
        .map(|(key, gas)| format!("{key} {gas}"))
        .collect();
    lines.sort();
    lines.join("\n")
}

fn number<T: std::str::FromStr>(text: &str, what: &str, line: usize) -> Result<T, SnapshotError> {
    text.trim().parse().map_err(|_| SnapshotError {
        line,
        message: format!("{what} {text:?} is not a number"),
    })
}

/// Reads a snapshot file's text (forge's or slipway's).
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
                "{message}: expected `Contract:test() (gas: N)`, `(runs: R, μ: M, ~: D)` or `(runs: R, calls: C, reverts: V)`"
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
        let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
        for part in figures.split(", ") {
            let (name, value) = part
                .split_once(": ")
                .ok_or_else(|| bad(&format!("`{part}` is no figure")))?;
            fields.insert(name, value);
        }
        let get = |name: &str| fields.get(name).copied();
        let replays = match get("failed corpus replays") {
            Some(n) => number(n, "failed corpus replays", line)?,
            None => 0,
        };
        let known = |names: &[&str]| {
            fields
                .keys()
                .all(|k| names.contains(k) || *k == "failed corpus replays")
        };
        let gas = if let (Some(gas), true) = (get("gas"), known(&["gas"])) {
            SnapshotGas::Unit {
                gas: number(gas, "gas", line)?,
            }
        } else if let (Some(runs), Some(mean), Some(median), true) =
            (get("runs"), get("μ"), get("~"), known(&["runs", "μ", "~"]))
        {
            SnapshotGas::Fuzz {
                runs: number(runs, "runs", line)?,
                mean: number(mean, "mean", line)?,
                median: number(median, "median", line)?,
                replays,
            }
        } else if let (Some(runs), Some(calls), Some(reverts), true) = (
            get("runs"),
            get("calls"),
            get("reverts"),
            known(&["runs", "calls", "reverts"]),
        ) {
            SnapshotGas::Invariant {
                runs: number(runs, "runs", line)?,
                calls: number(calls, "calls", line)?,
                reverts: number(reverts, "reverts", line)?,
                replays,
            }
        } else {
            return Err(bad("unknown figure"));
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

/// Every test whose figure differs between `old` and `new`. What fails the
/// check (`regression`): a unit test whose gas changed at all, a fuzz
/// test whose median rose more than `tolerance` percent, a test that
/// changed kind. Invariant tests are not compared; tests that appear or go
/// are reported, not failed.
pub fn compare_snapshots(old: &GasSnapshot, new: &GasSnapshot, tolerance: f64) -> Vec<GasChange> {
    let tests: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    tests
        .into_iter()
        .filter_map(|test| {
            let (was, is) = (old.get(test), new.get(test));
            let before = was.map(SnapshotGas::figure);
            let after = is.map(SnapshotGas::figure);
            if before == after {
                return None;
            }
            let regression = match (was, is) {
                (Some(SnapshotGas::Invariant { .. }), Some(SnapshotGas::Invariant { .. })) => {
                    return None;
                }
                (Some(SnapshotGas::Unit { gas: b }), Some(SnapshotGas::Unit { gas: a })) => a != b,
                (
                    Some(SnapshotGas::Fuzz { median: b, .. }),
                    Some(SnapshotGas::Fuzz { median: a, .. }),
                ) => *a as f64 > *b as f64 * (1.0 + tolerance / 100.0),
                (Some(_), Some(_)) => true,
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

    /// Lines as forge 1.7.1 writes them: sorted, no newline at the end.
    const TEXT: &str = "CounterTest:invariant_Count() (runs: 256, calls: 128000, reverts: 3)\nCounterTest:testFuzz_Replayed(uint8) (runs: 256, μ: 3, ~: 3, failed corpus replays: 2)\nCounterTest:testFuzz_SetNumber(uint256) (runs: 256, μ: 29057, ~: 29835)\nCounterTest:test_Increment() (gas: 30050)";

    #[test]
    fn forges_format_round_trips_byte_for_byte() {
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
                median: 29835,
                replays: 0
            }
        );
        assert_eq!(
            snapshot["CounterTest:invariant_Count()"],
            SnapshotGas::Invariant {
                runs: 256,
                calls: 128_000,
                reverts: 3,
                replays: 0
            }
        );
        assert!(matches!(
            snapshot["CounterTest:testFuzz_Replayed(uint8)"],
            SnapshotGas::Fuzz { replays: 2, .. }
        ));
        assert_eq!(format_snapshot(&snapshot), TEXT);
        // slipway's older files (a newline after each line) still read.
        assert_eq!(
            parse_snapshot(&format!("{TEXT}\n")).expect("parses"),
            snapshot
        );
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
        let err = parse_snapshot("A:t() (gas: 1, colour: 2)").expect_err("bad");
        assert!(err.to_string().contains("unknown figure"), "{err}");
    }

    #[test]
    fn unit_lines_must_match_fuzz_lines_stay_within_the_tolerance() {
        let old = parse_snapshot(
            "A:a() (gas: 1000)\nA:b() (gas: 1000)\nA:f(uint8) (runs: 256, μ: 1000, ~: 1000)\nA:g(uint8) (runs: 256, μ: 1000, ~: 1000)\nA:i() (runs: 10, calls: 100, reverts: 1)\nA:gone() (gas: 5)\n",
        )
        .expect("old");
        let new = parse_snapshot(
            "A:a() (gas: 1000)\nA:b() (gas: 999)\nA:f(uint8) (runs: 256, μ: 1, ~: 1050)\nA:g(uint8) (runs: 256, μ: 1, ~: 1051)\nA:i() (runs: 10, calls: 100, reverts: 7)\nA:new() (gas: 7)\n",
        )
        .expect("new");
        let changes = compare_snapshots(&old, &new, 5.0);
        let failing: Vec<_> = changes
            .iter()
            .filter(|c| c.regression)
            .map(|c| c.test.as_str())
            .collect();
        assert_eq!(
            failing,
            ["A:b()", "A:g(uint8)"],
            "a unit line that fell still differs; a 5.0 % fuzz rise is within 5 %, 5.1 % is not"
        );
        let shown: Vec<_> = changes.iter().map(|c| c.test.as_str()).collect();
        assert_eq!(
            shown,
            ["A:b()", "A:f(uint8)", "A:g(uint8)", "A:gone()", "A:new()"]
        );
        assert_eq!(changes[0].percent(), Some(-0.1));
    }
}
