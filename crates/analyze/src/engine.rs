//! One analysis run: pick the files (configuration, paths), skip the ones
//! whose text and imports are unchanged since the cached run, read the
//! typed AST of the rest (and of what they import), run the detectors on
//! each file in parallel, then place, suppress and fingerprint what they
//! found.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::{Path, PathBuf},
};

use foundry_compilers::artifacts::ast::{Ast, SourceUnit};
use rayon::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use slipway_config::AnalyzeConfig;

use crate::{
    Finding, Severity,
    cache::Cache,
    detector::{Cx, Detector, Sink},
    detectors,
    flow::Flow,
    program::{Program, Unit},
    suppress::Suppressions,
};

/// A source file of the build: its path (relative to the root, as the
/// compiler names it), its AST as the compiler gave it, and the compile run
/// that produced it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The path.
    pub path: &'a Path,
    /// The AST.
    pub ast: &'a Ast,
    /// The compile run (build id) the AST comes from.
    pub build_id: Option<&'a str>,
}

/// One [`Source`] per file of a build (its contracts share the file's AST).
/// The build is one compiled in this process, or one whose ASTs were read
/// with it ([`slipway_solc::Need::Everything`]), so that no AST is missing.
pub fn sources_of(contracts: &[slipway_solc::BuiltContract]) -> Vec<Source<'_>> {
    let mut seen = BTreeSet::new();
    contracts
        .iter()
        .filter_map(|c| {
            let ast = c
                .ast()
                .inspect_err(|e| tracing::warn!("{} is not analysed: {e}", c.source.display()))
                .ok()??;
            Some((c.source.as_path(), ast, c.build_id.as_str()))
        })
        .filter(|(path, _, _)| seen.insert(*path))
        .map(|(path, ast, build)| Source {
            path,
            ast,
            build_id: Some(build),
        })
        .collect()
}

/// Which detectors a run uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Family {
    /// `slipway analyze`: the security detectors and the access review.
    #[default]
    Security,
    /// `slipway lint`: style, best-practice and gas rules.
    Lint,
}

impl Family {
    /// Its detectors.
    pub fn detectors(self) -> Vec<&'static Detector> {
        match self {
            Family::Security => detectors::all(),
            Family::Lint => crate::lint::all(),
        }
    }
}

/// What a run is asked to do (the command line's part).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Security detectors or lint rules.
    pub family: Family,
    /// Only files under these paths (relative to the root); all when empty.
    pub paths: Vec<PathBuf>,
    /// Files under these directories are left out (the test directory).
    pub skip_dirs: Vec<PathBuf>,
    /// Forge's test files (`*.t.sol`) are left out wherever they are (a
    /// project that keeps its tests under `src/test`).
    pub skip_test_files: bool,
    /// Only these detectors (all when empty).
    pub only: Vec<String>,
    /// Not these detectors.
    pub exclude: Vec<String>,
    /// Only findings at or above this severity.
    pub min_severity: Option<Severity>,
    /// Where per-file results are kept between runs.
    pub cache_file: Option<PathBuf>,
    /// Analyse every file again (`--no-cache`): nothing is read from the
    /// cache, and the fresh results are written to it for the next run.
    pub fresh: bool,
    /// Where the build keeps its build-info files (`<out>/build-info`):
    /// the ASTs of one compile run, whose node ids agree with each other.
    pub build_info_dir: Option<PathBuf>,
}

/// What a run found.
#[derive(Debug)]
pub struct Report {
    /// Every finding, suppressed ones included, by file and line.
    pub findings: Vec<Finding>,
    /// Files the detectors ran on in this run.
    pub files_analysed: usize,
    /// Files whose results came from the cache.
    pub files_cached: usize,
    /// The detectors whose findings are reported.
    pub detectors: Vec<&'static Detector>,
    /// Security detectors or lint rules.
    pub family: Family,
}

/// Why a run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// An id names no detector.
    #[error("{origin} names `{id}`, which is no detector{}; `slipway explain --list` lists them", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownDetector {
        /// The id.
        id: String,
        /// Where it was written.
        origin: &'static str,
        /// The closest id.
        suggestion: Option<String>,
    },
    /// A source file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The compiler's AST of a file has a shape this version cannot read.
    #[error("cannot read the compiler's AST of {}: {message}; rebuild with `slipway build` (a damaged artifact), or report it with the solc version (an AST shape this slipway does not know)", path.display())]
    Ast {
        /// The file.
        path: PathBuf,
        /// serde's message.
        message: String,
    },
}

fn check_ids<'a>(
    family: Family,
    ids: impl IntoIterator<Item = &'a String>,
    origin: &'static str,
) -> Result<(), AnalyzeError> {
    let known: Vec<&str> = family.detectors().iter().map(|d| d.id).collect();
    for id in ids {
        if !known.contains(&id.as_str()) {
            let suggestion = known
                .iter()
                .map(|k| (edit_distance(k, id), *k))
                .filter(|(d, _)| *d <= 3)
                .min()
                .map(|(_, k)| k.to_owned());
            return Err(AnalyzeError::UnknownDetector {
                id: id.clone(),
                origin,
                suggestion,
            });
        }
    }
    Ok(())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The files `ast` imports, as the compiler names them.
fn imports(ast: &Ast) -> Vec<PathBuf> {
    ast.nodes
        .iter()
        .filter(|n| n.node_type == foundry_compilers::artifacts::ast::NodeType::ImportDirective)
        .filter_map(|n| n.other.get("absolutePath")?.as_str().map(PathBuf::from))
        .collect()
}

/// `file` and everything it imports, directly or not.
fn closure(file: &Path, sources: &BTreeMap<&Path, &Ast>) -> BTreeSet<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![file.to_path_buf()];
    while let Some(next) = stack.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        if let Some(ast) = sources.get(next.as_path()) {
            stack.extend(imports(ast));
        }
    }
    seen
}

fn typed(path: &Path, ast: &Ast) -> Result<SourceUnit, AnalyzeError> {
    let value = serde_json::to_value(ast).map_err(|e| AnalyzeError::Ast {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    typed_value(path, value)
}

fn typed_value(path: &Path, value: serde_json::Value) -> Result<SourceUnit, AnalyzeError> {
    SourceUnit::deserialize(value).map_err(|e| AnalyzeError::Ast {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// The ASTs of every source of one compile run, by path relative to
/// `root`; `None` when its build-info is missing or unreadable (the
/// artifacts' ASTs are used then).
fn build_info_asts(file: &Path, root: &Path) -> Option<HashMap<PathBuf, serde_json::Value>> {
    #[derive(Deserialize)]
    struct BuildInfo {
        output: Output,
    }
    #[derive(Deserialize)]
    struct Output {
        sources: BTreeMap<PathBuf, SourceOutput>,
    }
    #[derive(Deserialize)]
    struct SourceOutput {
        ast: serde_json::Value,
    }
    let bytes = std::fs::read(file).ok()?;
    let info: BuildInfo = serde_json::from_slice(&bytes).ok()?;
    Some(
        info.output
            .sources
            .into_iter()
            .map(|(path, source)| {
                (
                    path.strip_prefix(root)
                        .map(Path::to_path_buf)
                        .unwrap_or(path),
                    source.ast,
                )
            })
            .collect(),
    )
}

/// One compile run's units, and the files among them to analyse.
type Run = (Vec<Unit>, Vec<PathBuf>);

/// The typed units needed to analyse `files`, compile run by compile run:
/// node ids agree only within one run, so each group holds files of one
/// run with everything they import as that run saw it (from its
/// build-info; the artifacts' ASTs when there is none), and the files it
/// is for.
fn load_runs(
    root: &Path,
    sources: &[Source<'_>],
    files: &[&Path],
    options: &Options,
    texts: &HashMap<PathBuf, String>,
) -> Result<Vec<Run>, AnalyzeError> {
    let by_path: BTreeMap<&Path, &Ast> = sources.iter().map(|s| (s.path, s.ast)).collect();
    let build_of: HashMap<&Path, Option<&str>> =
        sources.iter().map(|s| (s.path, s.build_id)).collect();
    let mut by_build: BTreeMap<Option<&str>, Vec<&Path>> = BTreeMap::new();
    for path in files {
        by_build
            .entry(build_of.get(path).copied().flatten())
            .or_default()
            .push(path);
    }
    let mut runs = Vec::new();
    for (build, files) in by_build {
        let needed: BTreeSet<PathBuf> = files
            .iter()
            .flat_map(|p| closure(p, &by_path))
            .filter(|p| by_path.contains_key(p.as_path()))
            .collect();
        let run_asts = match (build, &options.build_info_dir) {
            (Some(id), Some(dir)) => build_info_asts(&dir.join(format!("{id}.json")), root),
            _ => None,
        };
        let mut inputs = Vec::new();
        for path in needed {
            // The texts the cache keys were computed from, when there are.
            let text = match texts.get(&path) {
                Some(text) => text.clone(),
                None => read_source(&root.join(&path)).map_err(|source| AnalyzeError::Read {
                    path: path.clone(),
                    source,
                })?,
            };
            let from_run = run_asts.as_ref().and_then(|asts| asts.get(&path).cloned());
            inputs.push((path, text, from_run));
        }
        let units: Vec<Unit> = inputs
            .into_par_iter()
            .map(|(path, text, from_run)| {
                let ast = match from_run {
                    Some(value) => typed_value(&path, value)?,
                    None => typed(&path, by_path[path.as_path()])?,
                };
                Ok(Unit { path, text, ast })
            })
            .collect::<Result<_, AnalyzeError>>()?;
        runs.push((units, files.iter().map(|p| p.to_path_buf()).collect()));
    }
    Ok(runs)
}

/// The files a run looks at: not excluded by the configuration or the
/// options, and under the paths asked for.
fn select<'a>(sources: &[Source<'a>], config: &AnalyzeConfig, options: &Options) -> Vec<&'a Path> {
    let mut paths: Vec<&Path> = sources.iter().map(|s| s.path).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| selected_path(p, config, options))
        .collect()
}

/// Whether a run looks at `path`.
fn selected_path(path: &Path, config: &AnalyzeConfig, options: &Options) -> bool {
    let test_file = path
        .file_name()
        .is_some_and(|name| name.to_string_lossy().ends_with(".t.sol"));
    let skipped = options.skip_dirs.iter().any(|dir| path.starts_with(dir))
        || (options.skip_test_files && test_file);
    !config.excludes(path)
        && !skipped
        && (options.paths.is_empty() || options.paths.iter().any(|want| path.starts_with(want)))
}

/// The access-control review (Markdown) of the deployable contracts in
/// the files `config` and `options` select.
pub fn access_report(
    root: &Path,
    sources: &[Source<'_>],
    config: &AnalyzeConfig,
    options: &Options,
) -> Result<String, AnalyzeError> {
    let mut sections = Vec::new();
    each_program(root, sources, config, options, |program, contracts| {
        sections.push(crate::access::report(
            program,
            contracts,
            &config.public_functions,
        ));
    })?;
    Ok(sections.join("\n"))
}

/// Calls `f` with each compile run's program and the concrete contracts of
/// the selected sources in it.
fn each_program(
    root: &Path,
    sources: &[Source<'_>],
    config: &AnalyzeConfig,
    options: &Options,
    mut f: impl FnMut(&Program<'_>, &[&foundry_compilers::artifacts::ast::ContractDefinition]),
) -> Result<(), AnalyzeError> {
    let selected = select(sources, config, options);
    for (units, files) in load_runs(root, sources, &selected, options, &HashMap::new())? {
        let program = Program::new(&units);
        let contracts: Vec<_> = units
            .iter()
            .filter(|u| files.contains(&u.path))
            .flat_map(|u| program.declared_in(u))
            .filter(|c| crate::program::is_concrete(c))
            .collect();
        f(&program, &contracts);
    }
    Ok(())
}

/// Who may call what, per concrete contract of the selected sources: the
/// access review as data.
pub fn access_map(
    root: &Path,
    sources: &[Source<'_>],
    config: &AnalyzeConfig,
    options: &Options,
) -> Result<Vec<crate::access::ContractAccess>, AnalyzeError> {
    let mut all = Vec::new();
    each_program(root, sources, config, options, |program, contracts| {
        all.extend(crate::access::map(program, contracts));
    })?;
    Ok(all)
}

/// Runs the detectors on the build's sources under `root`.
pub fn analyze(
    root: &Path,
    sources: &[Source<'_>],
    config: &AnalyzeConfig,
    options: &Options,
) -> Result<Report, AnalyzeError> {
    let family = options.family;
    let section = match family {
        Family::Security => ("[analyze] exclude", "[analyze.severity]"),
        Family::Lint => ("[lint] exclude", "[lint.severity]"),
    };
    check_ids(family, &options.only, "--only")?;
    check_ids(family, &options.exclude, "--exclude")?;
    check_ids(family, &config.exclude, section.0)?;
    check_ids(family, config.severity.keys(), section.1)?;

    let by_path: BTreeMap<&Path, &Ast> = sources.iter().map(|s| (s.path, s.ast)).collect();
    let selected = select(sources, config, options);

    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    let mut text_of = |path: &Path| -> Result<String, AnalyzeError> {
        if let Some(t) = texts.get(path) {
            return Ok(t.clone());
        }
        let text = read_source(&root.join(path)).map_err(|source| AnalyzeError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        texts.insert(path.to_path_buf(), text.clone());
        Ok(text)
    };

    let mut keys = BTreeMap::new();
    let mut closures = BTreeMap::new();
    for path in &selected {
        let files = closure(path, &by_path);
        keys.insert(
            path.to_path_buf(),
            key_of(options.family, &files, &mut text_of)?,
        );
        closures.insert(path.to_path_buf(), files);
    }

    let mut cache = options
        .cache_file
        .as_deref()
        .filter(|_| !options.fresh)
        .map(Cache::load)
        .unwrap_or_default();
    let changed: Vec<&Path> = selected
        .iter()
        .copied()
        .filter(|p| cache.get(p, &keys[*p]).is_none())
        .collect();

    let mut fresh: BTreeMap<PathBuf, Vec<Finding>> = BTreeMap::new();
    for (units, files) in load_runs(root, sources, &changed, options, &texts)? {
        let program = Program::new(&units);
        let results: Vec<(PathBuf, Vec<Finding>)> = units
            .par_iter()
            .filter(|u| files.contains(&u.path))
            .map(|unit| (unit.path.clone(), run_file(&program, unit, options.family)))
            .collect();
        fresh.extend(results);
    }

    let files_analysed = fresh.len();
    let mut findings = Vec::new();
    for path in &selected {
        let key = &keys[*path];
        let found = match fresh.remove(*path) {
            Some(found) => {
                let closure = closures[*path].iter().cloned().collect();
                cache.put(path, key, found.clone(), closure);
                found
            }
            None => cache.get(path, key).cloned().unwrap_or_default(),
        };
        findings.extend(found);
    }
    cache.retain(&by_path.keys().copied().collect::<Vec<_>>());
    if let Some(file) = &options.cache_file {
        // A cache that cannot be written costs the next run time, nothing else.
        let _ = cache.save(file);
    }

    Ok(finish(
        findings,
        config,
        options,
        files_analysed,
        selected.len() - files_analysed,
    ))
}

/// The cache key of a file: this slipway build, the family's detectors,
/// and the path and text of the file and everything it imports.
fn key_of(
    family: Family,
    files: &BTreeSet<PathBuf>,
    text_of: &mut dyn FnMut(&Path) -> Result<String, AnalyzeError>,
) -> Result<String, AnalyzeError> {
    let detector_ids: Vec<&str> = family.detectors().iter().map(|d| d.id).collect();
    let mut hash = Sha256::new();
    hash.update(engine_stamp().as_bytes());
    hash.update(detector_ids.join(",").as_bytes());
    for file in files {
        hash.update(file.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(text_of(file)?.as_bytes());
        hash.update([0]);
    }
    Ok(alloy_hex(&hash.finalize()))
}

/// The report from the cache alone — no build output read — when every
/// selected file's text and imports are as the last run saw them; `None`
/// when anything must be analysed (or the ids are wrong: the full run
/// says so). For a build that is known not to have changed.
pub fn analyze_cached(root: &Path, config: &AnalyzeConfig, options: &Options) -> Option<Report> {
    if options.fresh {
        return None;
    }
    let cache = Cache::load(options.cache_file.as_deref()?);
    let mut paths: Vec<&Path> = cache.sources().iter().map(PathBuf::as_path).collect();
    if paths.is_empty() {
        return None;
    }
    paths.sort();
    let selected: Vec<&Path> = paths
        .into_iter()
        .filter(|p| selected_path(p, config, options))
        .collect();
    let mut read = |path: &Path| {
        read_source(&root.join(path)).map_err(|source| AnalyzeError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut findings = Vec::new();
    for path in &selected {
        let files: BTreeSet<PathBuf> = cache.closure(path)?.iter().cloned().collect();
        let key = key_of(options.family, &files, &mut read).ok()?;
        findings.extend(cache.get(path, &key)?.iter().cloned());
    }
    let family = options.family;
    let known = |ids: &[String]| {
        ids.iter()
            .all(|id| family.detectors().iter().any(|d| d.id == id))
    };
    if !known(&options.only) || !known(&options.exclude) || !known(&config.exclude) {
        return None;
    }
    Some(finish(findings, config, options, 0, selected.len()))
}

/// Filters, overrides and orders what the detectors found.
fn finish(
    findings: Vec<Finding>,
    config: &AnalyzeConfig,
    options: &Options,
    files_analysed: usize,
    files_cached: usize,
) -> Report {
    let chosen: Vec<&'static Detector> = options
        .family
        .detectors()
        .into_iter()
        .filter(|d| options.only.is_empty() || options.only.iter().any(|o| o == d.id))
        .filter(|d| !options.exclude.iter().any(|e| e == d.id))
        .filter(|d| !config.exclude.iter().any(|e| e == d.id))
        .collect();
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| chosen.iter().any(|d| d.id == f.id))
        .map(|mut f| {
            if let Some(severity) = config.severity.get(&f.id) {
                f.severity = *severity;
            }
            if f.id.starts_with("access-") && f.suppressed.is_none() && allowlisted(config, &f) {
                f.suppressed = Some(crate::Suppression {
                    kind: "[analyze] public_functions".to_owned(),
                    reason: Some("public by design".to_owned()),
                });
            }
            f
        })
        .filter(|f| options.min_severity.is_none_or(|min| f.severity >= min))
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.id).cmp(&(&b.path, b.line, b.column, &b.id))
    });
    Report {
        findings,
        files_analysed,
        files_cached,
        detectors: chosen,
        family: options.family,
    }
}

/// Whether `[analyze] public_functions` names the finding's function.
fn allowlisted(config: &AnalyzeConfig, finding: &Finding) -> bool {
    let (Some(contract), Some(function)) = (&finding.contract, &finding.function) else {
        return false;
    };
    config
        .public_functions
        .iter()
        .any(|entry| entry == &format!("{contract}.{function}"))
}

/// What the detectors' behaviour depends on besides the sources: this
/// version, and the running program itself (size and modification time),
/// so that a rebuilt slipway never reuses results of older detector code.
fn engine_stamp() -> &'static str {
    static STAMP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    STAMP.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| format!("{}:{:?}", m.len(), m.modified().ok()))
            .unwrap_or_default();
        format!("slipway-analyze {} {exe}", env!("CARGO_PKG_VERSION"))
    })
}

fn alloy_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every detector on one file.
fn run_file(program: &Program<'_>, unit: &Unit, family: Family) -> Vec<Finding> {
    let flow = Flow::new(program);
    let cx = Cx {
        program,
        flow: &flow,
        unit,
        contracts: program.declared_in(unit),
        taint: Default::default(),
    };
    let suppressions = Suppressions::of(&unit.text);
    let mut findings = Vec::new();
    let mut seen = BTreeSet::new();
    for detector in family.detectors() {
        let mut sink = Sink::default();
        (detector.run)(&cx, &mut sink);
        for raw in sink.found {
            if raw.at.index != unit.ast.src.index {
                continue;
            }
            let start = raw.at.start.unwrap_or(0).min(unit.text.len());
            let length = raw.at.length.unwrap_or(0).min(unit.text.len() - start);
            if !seen.insert((detector.id, start, length)) {
                continue;
            }
            let (line, column) = unit.line_col(start);
            let (end_line, end_column) = unit.line_col(start + length);
            findings.push(Finding {
                id: detector.id.to_owned(),
                severity: detector.severity,
                confidence: detector.confidence,
                message: raw.message,
                path: unit.path.clone(),
                line,
                column,
                end_line,
                end_column,
                start,
                length,
                contract: raw.contract,
                function: raw.function,
                fingerprint: String::new(),
                suppressed: suppressions.find(detector.id, line).or_else(|| {
                    raw.also
                        .iter()
                        .filter(|place| place.index == unit.ast.src.index)
                        .find_map(|place| {
                            suppressions
                                .find(detector.id, unit.line_col(place.start.unwrap_or(0)).0)
                        })
                }),
                baselined: false,
                fix: raw.fix,
            });
        }
    }
    fingerprint(unit, &mut findings);
    findings
}

/// Fingerprints: the detector, file, contract, function and the flagged
/// line's text (spaces collapsed), numbered among equal ones — never the
/// line number, so edits elsewhere in the file leave them alone.
fn fingerprint(unit: &Unit, findings: &mut [Finding]) {
    findings.sort_by_key(|f| f.start);
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    for f in findings.iter_mut() {
        let text: Vec<&str> = unit.line(f.line).split_whitespace().collect();
        let basis = format!(
            "{}\0{}\0{}\0{}\0{}",
            f.id,
            f.path.display(),
            f.contract.as_deref().unwrap_or(""),
            f.function.as_deref().unwrap_or(""),
            text.join(" ")
        );
        let n = occurrences.entry(basis.clone()).or_default();
        *n += 1;
        let digest = Sha256::digest(format!("{basis}\0{n}").as_bytes());
        f.fingerprint = alloy_hex(&digest[..16]);
    }
}

/// A source's text as the compiler saw it: foundry-compilers hands solc
/// the file with `\r\n` turned into `\n`, so the AST's byte offsets (every
/// finding's span, every fix) are into that text, never the raw bytes.
pub fn read_source(path: &Path) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}
