//! One build: resolve nothing, compile what changed, report what happened.

use std::path::{Path, PathBuf};

use serde::Serialize;
use slipway_config::Config;

use crate::{
    Compiler, Diagnostic, DiagnosticSeverity, Profile, Result, SolcError,
    key::{BuildInputs, key_path, reusable},
    project::{CompileOutput, check_node_modules, project},
    sizes::{ContractSize, object_len},
};

/// What a build did and produced.
#[derive(Debug, Serialize)]
pub struct BuildReport {
    /// The compiler used.
    pub compiler: Compiler,
    /// True when the cache held everything: the compiler was not called.
    pub unchanged: bool,
    /// Source files whose contracts were compiled in this run (relative).
    pub compiled_sources: Vec<PathBuf>,
    /// Errors, warnings and infos from the compiler.
    pub diagnostics: Vec<Diagnostic>,
    /// Every contract of the project with its code sizes.
    pub contracts: Vec<ContractSize>,
    /// The artifacts directory.
    pub artifacts_dir: PathBuf,
    /// The full compile output, for callers that go on to test or deploy.
    #[serde(skip)]
    pub output: CompileOutput,
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

/// Compiles the project of `config` with `compiler` in `profile`.
pub fn build(config: &Config, compiler: &Compiler, profile: Profile) -> Result<BuildReport> {
    let source_dirs = [
        config.path(&config.project.src),
        config.path(&config.project.test),
    ];
    check_node_modules(&config.root, &source_dirs)?;
    let project = project(config, compiler, profile)?;
    let inputs = BuildInputs {
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
    };
    let key_file = key_path(
        project.cache_path().parent().unwrap_or(&config.root),
        profile,
    );
    let stored = std::fs::read_to_string(&key_file).ok();
    if !reusable(stored.as_deref(), &inputs) {
        // Something outside the sources changed: nothing cached is trusted.
        let _ = std::fs::remove_file(project.cache_path());
    }
    let mut output = project
        .compile()
        .map_err(|e| SolcError::Build(Box::new(e)))?;
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
        }
    }

    if let Some(dir) = key_file.parent() {
        std::fs::create_dir_all(dir).map_err(SolcError::io("cannot create", dir))?;
    }
    std::fs::write(&key_file, inputs.key()).map_err(SolcError::io("cannot write", &key_file))?;

    let diagnostics = output
        .output()
        .errors
        .iter()
        .map(|e| Diagnostic::from_solc(e, root))
        .filter(|d| !is_test_size_warning(d, &config.project.test))
        .collect();
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
                .deployed_bytecode
                .as_ref()
                .and_then(|d| d.bytecode.as_ref())
                .map_or(0, |b| object_len(&b.object)),
            init: artifact
                .bytecode
                .as_ref()
                .map_or(0, |b| object_len(&b.object)),
        })
        .collect();
    contracts.sort_by(|a, b| (&a.source, &a.name).cmp(&(&b.source, &b.name)));
    contracts.dedup_by(|a, b| a.source == b.source && a.name == b.name);

    Ok(BuildReport {
        compiler: compiler.clone(),
        unchanged: output.is_unchanged(),
        compiled_sources,
        diagnostics,
        contracts,
        artifacts_dir: project.artifacts_path().to_path_buf(),
        output,
    })
}
