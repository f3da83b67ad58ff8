//! One build: resolve nothing, compile what changed, report what happened.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde::Serialize;
use slipway_config::Config;

use crate::{
    BuiltContract, Compiler, Diagnostic, DiagnosticSeverity, Need, Profile, Result, SolcError,
    fingerprint::{Fingerprint, Unchanged},
    index::index_of,
    key::{BuildInputs, fingerprint_path, key_path, reusable},
    project::{SolcProject, check_node_modules, project},
    sizes::{ContractSize, object_len},
};

/// What a build did and produced.
#[derive(Debug, Serialize)]
pub struct BuildReport {
    /// The compiler used.
    pub compiler: Compiler,
    /// True when the cache held everything: the compiler was not called.
    pub unchanged: bool,
    /// True when the build was answered from its fingerprint: nothing was
    /// parsed, and each contract's artifact is read only when used.
    pub from_fingerprint: bool,
    /// How many times the compiler ran for this build (0 when the cache
    /// held everything).
    pub compiler_runs: usize,
    /// Source files whose contracts were compiled in this run (relative).
    pub compiled_sources: Vec<PathBuf>,
    /// Errors, warnings and infos from the compiler.
    pub diagnostics: Vec<Diagnostic>,
    /// Every contract of the project with its code sizes.
    pub contracts: Vec<ContractSize>,
    /// The artifacts directory.
    pub artifacts_dir: PathBuf,
    /// Every contract of the build (slipway's own type), for callers that
    /// go on to test, deploy or verify.
    #[serde(skip)]
    pub artifacts: Vec<crate::BuiltContract>,
}

impl BuildReport {
    /// Whether compilation failed.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == DiagnosticSeverity::Error)
    }
}

/// solc's code-size warnings (5574: EIP-170, 3860: EIP-3860) about test
/// contracts: the limits are lifted in tests, so, as forge does, they are
/// not shown.
fn is_test_size_warning(diagnostic: &Diagnostic, test_dir: &Path) -> bool {
    matches!(diagnostic.code, Some(5574 | 3860))
        && diagnostic
            .file
            .as_deref()
            .is_some_and(|f| Path::new(f).starts_with(test_dir))
}

/// The contracts of the last build when nothing it depends on changed
/// since (the no-op fast path: no source is parsed); `None` when a build
/// is needed.
pub(crate) fn up_to_date(
    config: &Config,
    compiler: &Compiler,
    profile: Profile,
) -> Result<Option<Unchanged>> {
    let project = project(config, compiler, profile)?;
    Ok(still_holds(config, compiler, profile, &project))
}

fn still_holds(
    config: &Config,
    compiler: &Compiler,
    profile: Profile,
    project: &SolcProject,
) -> Option<Unchanged> {
    let cache_dir = project.cache_path().parent().unwrap_or(&config.root);
    let fingerprint = Fingerprint::read(&fingerprint_path(cache_dir, profile))?;
    let source_dirs = [
        config.path(&config.project.src),
        config.path(&config.project.test),
    ];
    let key = BuildInputs::of(project, compiler, profile).key();
    fingerprint.still_holds(&key, &source_dirs)
}

/// The last build, answered from its fingerprint when nothing it depends
/// on changed since, with what `need` asks of each contract already read
/// from its artifact (the rest is read on first use). `None` when a build
/// is needed; an artifact that does not read back as the build wrote it
/// also drops the compiler's cache, so that the build compiles everything.
pub(crate) fn unchanged_build(
    config: &Config,
    compiler: &Compiler,
    profile: Profile,
    need: &dyn Fn(&BuiltContract) -> Need,
) -> Result<Option<BuildReport>> {
    let project = project(config, compiler, profile)?;
    let Some(unchanged) = still_holds(config, compiler, profile, &project) else {
        return Ok(None);
    };
    let artifacts: Vec<BuiltContract> = unchanged
        .index
        .into_iter()
        .map(BuiltContract::indexed)
        .collect();
    for contract in &artifacts {
        if let Err(e) = contract.read_now(need(contract)) {
            tracing::debug!("the build fingerprint holds but {e}: compiling everything");
            let _ = std::fs::remove_file(project.cache_path());
            return Ok(None);
        }
    }
    Ok(Some(BuildReport {
        compiler: compiler.clone(),
        unchanged: true,
        from_fingerprint: true,
        compiler_runs: 0,
        compiled_sources: Vec::new(),
        diagnostics: Vec::new(),
        contracts: unchanged.contracts,
        artifacts_dir: project.artifacts_path().to_path_buf(),
        artifacts,
    }))
}

/// Each contract's artifact file, by `path/File.sol:Name`.
fn artifact_files(
    output: &crate::CompileOutput,
    project: &SolcProject,
    root: &Path,
) -> BTreeMap<String, PathBuf> {
    output
        .artifact_ids()
        .map(|(id, _)| {
            let source = id.source.strip_prefix(root).unwrap_or(&id.source);
            (
                format!("{}:{}", source.display(), id.name),
                project.artifacts_path().join(&id.path),
            )
        })
        .collect()
}

/// Compiles the project of `config` with `compiler` in `profile`.
pub fn build(config: &Config, compiler: &Compiler, profile: Profile) -> Result<BuildReport> {
    crate::session::check_project(config)?;
    let source_dirs = [
        config.path(&config.project.src),
        config.path(&config.project.test),
    ];
    check_node_modules(&config.root, &source_dirs)?;
    let project = project(config, compiler, profile)?;
    let inputs = BuildInputs::of(&project, compiler, profile);
    let cache_dir = project.cache_path().parent().unwrap_or(&config.root);
    let key_file = key_path(cache_dir, profile);
    let fingerprint_file = fingerprint_path(cache_dir, profile);
    // Whatever happens next, the old fingerprint no longer speaks for the
    // project until this build has finished cleanly.
    let _ = std::fs::remove_file(&fingerprint_file);
    let stored = std::fs::read_to_string(&key_file).ok();
    if !reusable(stored.as_deref(), &inputs) {
        // Something outside the sources changed: nothing cached is trusted.
        let _ = std::fs::remove_file(project.cache_path());
    }
    let mut output = project
        .compile()
        .map_err(|e| SolcError::Build(Box::new(e)))?;
    // Each build-info is one call of the compiler.
    let mut compiler_runs = output.output().build_infos.len();
    let root = &config.root;
    // Source maps number files per compilation: coverage needs every
    // artifact from one compilation, so a partial rebuild of the coverage
    // profile is redone in full.
    if profile == Profile::Coverage && !output.is_unchanged() && !output.has_compiler_errors() {
        let compiled: std::collections::BTreeSet<_> = output.output().sources.files().collect();
        let all: std::collections::BTreeSet<_> =
            output.artifact_ids().map(|(id, _)| id.source).collect();
        if all.iter().any(|s| !compiled.contains(s)) {
            let _ = std::fs::remove_file(project.cache_path());
            output = project
                .compile()
                .map_err(|e| SolcError::Build(Box::new(e)))?;
            compiler_runs += output.output().build_infos.len();
        }
    }

    if let Some(dir) = key_file.parent() {
        std::fs::create_dir_all(dir).map_err(SolcError::io("cannot create", dir))?;
    }
    std::fs::write(&key_file, inputs.key()).map_err(SolcError::io("cannot write", &key_file))?;

    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    diagnostics.extend(
        output
            .output()
            .errors
            .iter()
            .map(|e| Diagnostic::from_solc(e, root))
            .filter(|d| !is_test_size_warning(d, &config.project.test)),
    );
    let mut compiled_sources: Vec<PathBuf> = output
        .output()
        .sources
        .files()
        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
        .collect();
    compiled_sources.sort();
    compiled_sources.dedup();

    let mut contracts: Vec<ContractSize> = output
        .artifact_ids()
        .map(|(id, artifact)| ContractSize {
            source: id
                .source
                .strip_prefix(root)
                .unwrap_or(&id.source)
                .display()
                .to_string(),
            name: id.name.clone(),
            runtime: artifact
                .deployed_bytecode()
                .and_then(|d| d.bytecode.as_ref())
                .map_or(0, |b| object_len(&b.object)),
            init: artifact.bytecode().map_or(0, |b| object_len(&b.object)),
        })
        .collect();
    contracts.sort_by(|a, b| (&a.source, &a.name).cmp(&(&b.source, &b.name)));
    contracts.dedup_by(|a, b| a.source == b.source && a.name == b.name);

    let clean = !output.has_compiler_errors();
    let unchanged = output.is_unchanged();
    let files = artifact_files(&output, &project, root);
    let artifacts = crate::artifact::contracts_of(output, root, project.artifacts_path());
    if clean
        && let Ok(cache) = project.read_cache_file()
        && let Some(index) = index_of(&artifacts, &files)
        && let Some(fingerprint) = Fingerprint::take(
            inputs.key(),
            cache.files.keys().map(|p| config.root.join(p)),
            &source_dirs,
            project.artifacts_path(),
            contracts.clone(),
            index,
        )
    {
        fingerprint.write(&fingerprint_file);
    }

    Ok(BuildReport {
        compiler: compiler.clone(),
        unchanged,
        from_fingerprint: false,
        compiler_runs,
        compiled_sources,
        diagnostics,
        contracts,
        artifacts_dir: project.artifacts_path().to_path_buf(),
        artifacts,
    })
}
