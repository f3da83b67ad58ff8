//! `slipway coverage`: line, statement, branch and function coverage of the
//! project's sources, from the instructions the tests ran mapped back to the
//! source through the compiler's source maps, and the items counted read from
//! its AST (see `items.rs`).

mod gate;
mod items;
pub(crate) mod recorder;
mod report;

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
};

use foundry_compilers::artifacts::sourcemap::{self, SourceElement};
pub use gate::{CoverageGate, GateShortfall, measure};

use items::{FileItems, Lines, Span};
pub(crate) use recorder::{CodeHits, CoverageRecorder, FrameCode};
pub use report::{CoverageReport, FileCoverage, Ratio};

/// Why coverage could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// A source the build compiled cannot be read (its lines are counted
    /// from the text).
    #[error("cannot read {} to count its lines: {error}", path.display())]
    Source {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A contract's artifact could not be read.
    #[error("{0}")]
    Artifact(String),
}

/// Instruction counts of a test run, by contract name and code (init or
/// runtime).
#[derive(Clone, Debug, Default)]
pub struct CoverageHits {
    pub(crate) code: HashMap<(String, bool), CodeHits>,
}

impl CoverageHits {
    /// Adds `other`'s counts.
    pub fn merge(&mut self, other: &Self) {
        for (key, hits) in &other.code {
            self.code.entry(key.clone()).or_default().merge(hits);
        }
    }

    pub(crate) fn add(&mut self, contract: String, init: bool, hits: &CodeHits) {
        self.code.entry((contract, init)).or_default().merge(hits);
    }
}

/// An instruction's source span, execution count and JUMPI outcomes.
type Executed = (Span, u64, Option<[u64; 2]>);

/// One instruction mapped to the source.
#[derive(Clone, Copy, Debug)]
struct Mapped {
    pc: usize,
    file: u32,
    span: Span,
}

/// Where each instruction of each contract comes from, and what each source
/// file counts.
#[derive(Debug, Default)]
pub struct CoverageMap {
    /// Source id → (path relative to the root, its items, its line table).
    files: BTreeMap<u32, (PathBuf, FileItems, Lines)>,
    /// (contract, init) → mapped instructions.
    code: HashMap<(String, bool), Vec<Mapped>>,
}

impl std::fmt::Debug for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lines")
    }
}

/// The instruction index → program counter of `code`.
fn instruction_pcs(code: &[u8]) -> Vec<usize> {
    let mut pcs = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        pcs.push(pc);
        let op = code[pc];
        pc += 1 + if (0x60..=0x7f).contains(&op) {
            usize::from(op - 0x5f)
        } else {
            0
        };
    }
    pcs
}

fn map_code(code: &[u8], map: &str) -> Vec<Mapped> {
    let Ok(elements) = sourcemap::parse(map) else {
        return Vec::new();
    };
    instruction_pcs(code)
        .into_iter()
        .zip(elements)
        .filter_map(|(pc, e): (usize, SourceElement)| {
            Some(Mapped {
                pc,
                file: e.index()?,
                span: Span {
                    start: e.offset(),
                    length: e.length(),
                },
            })
        })
        .collect()
}

impl CoverageMap {
    /// Reads a coverage build: the sources under `src_dir` (relative to
    /// `root`) are reported; `exclude` paths (tests, libraries) are not.
    pub fn from_build(
        contracts: &[slipway_solc::BuiltContract],
        root: &Path,
        src_dir: &Path,
        exclude: &[PathBuf],
    ) -> Result<Self, CoverageError> {
        let mut map = Self::default();
        for contract in contracts {
            let source = contract.source.clone();
            let unreadable = |e: slipway_solc::SolcError| CoverageError::Artifact(e.to_string());
            if let (Some(file), Some(ast)) =
                (contract.source_id, contract.ast().map_err(unreadable)?)
                && source.starts_with(src_dir)
                && !exclude.iter().any(|e| source.starts_with(e))
                && !map.files.contains_key(&file)
                && let Ok(ast) = serde_json::to_value(ast)
            {
                let path = root.join(&source);
                let text = std::fs::read_to_string(&path)
                    .map_err(|error| CoverageError::Source { path, error })?;
                map.files.insert(
                    file,
                    (
                        source.clone(),
                        items::collect(&ast, file),
                        Lines::new(&text),
                    ),
                );
            }
            let with_map = |code: Option<&slipway_solc::Code>| {
                code.and_then(|c| Some((c.bytes()?.clone(), c.source_map.clone()?)))
            };
            let output = contract.output().map_err(unreadable)?;
            let creation = with_map(output.bytecode.as_ref());
            let runtime = with_map(output.deployed_bytecode.as_ref());
            for (init, code) in [(true, creation), (false, runtime)] {
                if let Some((code, source_map)) = code
                    && !code.is_empty()
                {
                    map.code
                        .entry((contract.name.clone(), init))
                        .or_insert_with(|| map_code(&code, &source_map));
                }
            }
        }
        Ok(map)
    }

    /// The coverage of every reported file given the run's `hits`.
    pub fn report(&self, hits: &CoverageHits) -> CoverageReport {
        // Per file: every executed-or-not instruction with its counts.
        let mut per_file: HashMap<u32, Vec<Executed>> = HashMap::new();
        for (key, mapped) in &self.code {
            let counts = hits.code.get(key);
            for m in mapped {
                if !self.files.contains_key(&m.file) {
                    continue;
                }
                let count = counts.map_or(0, |c| c.count(m.pc));
                let jumpi = counts.and_then(|c| c.jumpi.get(&m.pc)).copied();
                per_file
                    .entry(m.file)
                    .or_default()
                    .push((m.span, count, jumpi));
            }
        }
        let files = self
            .files
            .iter()
            // Files with nothing to run (interfaces, type-only files) are left out.
            .filter(|(_, (_, items, _))| {
                !(items.functions.is_empty()
                    && items.statements.is_empty()
                    && items.branches.is_empty())
            })
            .map(|(id, (path, items, lines))| {
                let instructions = per_file.get(id).map(Vec::as_slice).unwrap_or_default();
                file_coverage(path, items, lines, instructions)
            })
            .collect();
        CoverageReport { files }
    }
}

fn max_count<'a>(
    instructions: impl Iterator<Item = &'a (Span, u64, Option<[u64; 2]>)>,
) -> Option<u64> {
    instructions.map(|(_, c, _)| *c).max()
}

fn file_coverage(
    path: &Path,
    items: &FileItems,
    lines: &Lines,
    instructions: &[Executed],
) -> FileCoverage {
    let within = |span: Span| {
        instructions
            .iter()
            .filter(move |(s, _, _)| span.contains(*s))
    };
    let mut line_hits: BTreeMap<u32, u64> = BTreeMap::new();
    let mut note_line = |offset: u32, count: u64| {
        let entry = line_hits.entry(lines.line(offset)).or_default();
        *entry = (*entry).max(count);
    };
    let functions: Vec<report::FunctionHit> = items
        .functions
        .iter()
        .map(|(name, span)| {
            let exact = max_count(instructions.iter().filter(|(s, _, _)| s == span));
            let count = exact.or_else(|| max_count(within(*span))).unwrap_or(0);
            note_line(span.start, count);
            report::FunctionHit {
                name: name.clone(),
                line: lines.line(span.start),
                count,
            }
        })
        .collect();
    let statements: Vec<report::StatementHit> = items
        .statements
        .iter()
        .map(|span| {
            let count = max_count(within(*span)).unwrap_or(0);
            note_line(span.start, count);
            report::StatementHit {
                line: lines.line(span.start),
                count,
            }
        })
        .collect();
    let branches: Vec<report::BranchHit> = items
        .branches
        .iter()
        .map(|(kind, span)| {
            let [taken, not_taken] = instructions
                .iter()
                .filter(|(s, _, _)| s == span)
                .filter_map(|(_, _, j)| *j)
                .fold([0, 0], |[a, b], [t, n]| [a + t, b + n]);
            let (when_true, when_false) = if kind.taken_is_true() {
                (taken, not_taken)
            } else {
                (not_taken, taken)
            };
            report::BranchHit {
                line: lines.line(span.start),
                kind: kind.label(),
                counts: [when_true, when_false],
            }
        })
        .collect();
    FileCoverage {
        path: path.to_path_buf(),
        functions,
        statements,
        branches,
        lines: line_hits.into_iter().collect(),
    }
}
