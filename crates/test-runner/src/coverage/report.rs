//! Coverage results: per file and in total, as lcov, a summary or JSON.

use std::{fmt::Write, path::PathBuf};

use serde::Serialize;

/// A function and how often it ran.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionHit {
    /// Its name (`constructor`, `fallback`, `receive` for those).
    pub name: String,
    /// 1-based line of its definition.
    pub line: u32,
    /// Times it ran.
    pub count: u64,
}

/// A statement and how often it ran.
#[derive(Clone, Debug, Serialize)]
pub struct StatementHit {
    /// 1-based line it starts on.
    pub line: u32,
    /// Times it ran.
    pub count: u64,
}

/// A branch point and how often each outcome happened.
#[derive(Clone, Debug, Serialize)]
pub struct BranchHit {
    /// 1-based line.
    pub line: u32,
    /// `if`, `?:`, `require` or `assert`.
    pub kind: &'static str,
    /// [condition true, condition false].
    pub counts: [u64; 2],
}

/// Covered items out of all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    /// Items covered.
    pub hit: usize,
    /// Items in all.
    pub total: usize,
}

impl Ratio {
    /// Percent covered; 100 when there is nothing to cover.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.hit as f64 * 100.0 / self.total as f64
        }
    }

    fn add(self, other: Self) -> Self {
        Self {
            hit: self.hit + other.hit,
            total: self.total + other.total,
        }
    }
}

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2}% ({}/{})", self.percent(), self.hit, self.total)
    }
}

/// One source file's coverage.
#[derive(Clone, Debug, Serialize)]
pub struct FileCoverage {
    /// Path relative to the project root.
    pub path: PathBuf,
    /// Its functions.
    pub functions: Vec<FunctionHit>,
    /// Its statements.
    pub statements: Vec<StatementHit>,
    /// Its branch points.
    pub branches: Vec<BranchHit>,
    /// (line, count) of every line with a statement or function.
    pub lines: Vec<(u32, u64)>,
}

fn ratio<T>(items: &[T], hit: impl Fn(&T) -> bool) -> Ratio {
    Ratio {
        hit: items.iter().filter(|i| hit(i)).count(),
        total: items.len(),
    }
}

impl FileCoverage {
    /// Lines with a count above zero.
    pub fn line_ratio(&self) -> Ratio {
        ratio(&self.lines, |(_, c)| *c > 0)
    }

    /// Statements that ran.
    pub fn statement_ratio(&self) -> Ratio {
        ratio(&self.statements, |s| s.count > 0)
    }

    /// Branch outcomes that happened (two per branch point).
    pub fn branch_ratio(&self) -> Ratio {
        Ratio {
            hit: self
                .branches
                .iter()
                .map(|b| b.counts.iter().filter(|c| **c > 0).count())
                .sum(),
            total: self.branches.len() * 2,
        }
    }

    /// Functions that ran.
    pub fn function_ratio(&self) -> Ratio {
        ratio(&self.functions, |f| f.count > 0)
    }
}

/// Coverage of every reported file.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageReport {
    /// Files, by path.
    pub files: Vec<FileCoverage>,
}

impl CoverageReport {
    fn total(&self, f: impl Fn(&FileCoverage) -> Ratio) -> Ratio {
        self.files.iter().map(f).fold(Ratio::default(), Ratio::add)
    }

    /// All lines.
    pub fn lines(&self) -> Ratio {
        self.total(FileCoverage::line_ratio)
    }

    /// All statements.
    pub fn statements(&self) -> Ratio {
        self.total(FileCoverage::statement_ratio)
    }

    /// All branch outcomes.
    pub fn branches(&self) -> Ratio {
        self.total(FileCoverage::branch_ratio)
    }

    /// All functions.
    pub fn functions(&self) -> Ratio {
        self.total(FileCoverage::function_ratio)
    }

    /// The report in lcov's tracefile format (what `genhtml` and CI
    /// coverage services read).
    pub fn lcov(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let _ = writeln!(out, "TN:\nSF:{}", file.path.display());
            for f in &file.functions {
                let _ = writeln!(out, "FN:{},{}", f.line, f.name);
            }
            for f in &file.functions {
                let _ = writeln!(out, "FNDA:{},{}", f.count, f.name);
            }
            let functions = file.function_ratio();
            let _ = writeln!(out, "FNF:{}\nFNH:{}", functions.total, functions.hit);
            for (line, count) in &file.lines {
                let _ = writeln!(out, "DA:{line},{count}");
            }
            let lines = file.line_ratio();
            let _ = writeln!(out, "LF:{}\nLH:{}", lines.total, lines.hit);
            for (block, branch) in file.branches.iter().enumerate() {
                // A branch point never reached shows `-`, as lcov expects.
                let reached = branch.counts.iter().any(|c| *c > 0);
                for (index, count) in branch.counts.iter().enumerate() {
                    let taken = if reached {
                        count.to_string()
                    } else {
                        "-".to_owned()
                    };
                    let _ = writeln!(out, "BRDA:{},{block},{index},{taken}", branch.line);
                }
            }
            let branches = file.branch_ratio();
            let _ = writeln!(out, "BRF:{}\nBRH:{}", branches.total, branches.hit);
            let _ = writeln!(out, "end_of_record");
        }
        out
    }
}
