//! Would the project still compile with these files changed? Compiled in
//! memory with the project's pinned compiler and settings — no cache read
//! or written, no artifact written — so a tool that rewrites sources
//! (`slipway lint --fix`) can refuse a result that does not compile before
//! it touches a file.

use std::path::PathBuf;

use foundry_compilers::{artifacts::Source, project::ProjectCompiler};
use slipway_config::Config;

use crate::{
    Compiler, Diagnostic, DiagnosticSeverity, Profile, Result, SolcError, project::project,
};

/// The compiler's errors for the project with each `(path, text)` of
/// `changed` (paths relative to the root) in place of the file on disk;
/// empty when it compiles.
pub fn compile_errors_with(
    config: &Config,
    compiler: &Compiler,
    changed: &[(PathBuf, String)],
) -> Result<Vec<Diagnostic>> {
    let mut project = project(config, compiler, Profile::Default)?;
    project.cached = false;
    project.no_artifacts = true;
    let mut sources = project
        .paths
        .read_input_files()
        .map_err(|e| SolcError::Build(Box::new(e)))?;
    for (path, text) in changed {
        sources.insert(config.root.join(path), Source::new(text.clone()));
    }
    let output = ProjectCompiler::with_sources(&project, sources)
        .and_then(|c| c.compile())
        .map_err(|e| SolcError::Build(Box::new(e)))?;
    Ok(output
        .output()
        .errors
        .iter()
        .map(|e| Diagnostic::from_solc(e, &config.root))
        .filter(|d| d.severity == DiagnosticSeverity::Error)
        .collect())
}
