//! The build use case as every command needs it: find (or install) the
//! pinned compiler, then compile — or, where the caller allows it, notice
//! that nothing changed since the last clean build and compile nothing.
//! Slow steps are reported as [`BuildEvent`]s; the caller renders them.

use slipway_config::Config;

use crate::{
    BuildReport, BuiltContract, Compiler, ContractSize, Need, Profile, ResolveOptions, Result,
};

/// What a build is asked to do.
#[derive(Clone, Copy, Debug)]
pub struct BuildRequest {
    /// Which compiler settings.
    pub profile: Profile,
    /// Never use the network for the compiler (`--offline`).
    pub offline: bool,
    /// Return [`Built::Unchanged`] without reading the compile output
    /// when nothing changed (callers that only report sizes).
    pub allow_unchanged: bool,
}

/// Something slow or worth telling, as the build goes.
#[derive(Clone, Copy, Debug)]
pub enum BuildEvent<'a> {
    /// The compiler is being installed (a line of what happens).
    Installing(&'a str),
    /// Why the compiler used is not the native one.
    CompilerNote(&'a str),
    /// Compilation starts.
    Compiling(&'a Compiler),
}

/// What a build produced.
#[derive(Debug)]
pub enum Built {
    /// Nothing changed since the last clean build: its contract sizes.
    Unchanged {
        /// The compiler.
        compiler: Compiler,
        /// Every contract with its code sizes.
        contracts: Vec<ContractSize>,
    },
    /// A build ran (possibly finding everything in its cache).
    Compiled(Box<BuildReport>),
}

/// The compiler of `config`, installed if needed: the pinned version, or
/// in a Foundry project that pins none, the one the sources' pragmas
/// choose.
pub fn compiler(
    config: &Config,
    offline: bool,
    events: &dyn Fn(BuildEvent<'_>),
) -> Result<Compiler> {
    check_project(config)?;
    let options = ResolveOptions::from_env(config.compiler.path.as_deref(), offline);
    let version = match (&config.compiler.path, config.compiler.auto_detect) {
        (Some(path), true) => crate::probe_version(&config.path(path))?,
        (None, true) => {
            let paths = crate::project::paths(config, Profile::Default)?;
            crate::detect::choose(&crate::detect::requirements(&paths)?, &options)?
        }
        (_, false) => config.compiler.version.clone(),
    };
    let compiler = crate::resolve(&version, &options, &|line| {
        events(BuildEvent::Installing(line));
    })?;
    if let Some(note) = &compiler.note {
        events(BuildEvent::CompilerNote(note));
    }
    Ok(compiler)
}

/// Refuses a directory that is no project, and a project whose sources
/// are missing: a build of nothing would pass everything downstream.
pub(crate) fn check_project(config: &Config) -> Result<()> {
    if !config.has_project_file() {
        return Err(crate::SolcError::NoProject {
            dir: config.root.clone(),
        });
    }
    let src = config.path(&config.project.src);
    if !src.is_dir() {
        let origin = match config.provenance.origins.get("project.src") {
            Some(slipway_config::Origin::SlipwayToml) | None => String::new(),
            Some(origin) => format!(", from {origin}"),
        };
        return Err(crate::SolcError::NoSources {
            path: src,
            configured: config.project.src.display().to_string(),
            key: "[project] src",
            origin,
        });
    }
    Ok(())
}

/// Builds the project of `config` as `request` says.
pub fn compile_project(
    config: &Config,
    request: BuildRequest,
    events: &dyn Fn(BuildEvent<'_>),
) -> Result<Built> {
    let compiler = compiler(config, request.offline, events)?;
    if request.allow_unchanged
        && let Some(unchanged) = crate::build::up_to_date(config, &compiler, request.profile)?
    {
        return Ok(Built::Unchanged {
            compiler,
            contracts: unchanged.contracts,
        });
    }
    Ok(Built::Compiled(Box::new(compile_with(
        config,
        &compiler,
        request.profile,
        events,
    )?)))
}

/// Builds the project of `config` in `profile`, always producing the
/// compile output with every contract's code and AST.
pub fn compile(
    config: &Config,
    profile: Profile,
    offline: bool,
    events: &dyn Fn(BuildEvent<'_>),
) -> Result<BuildReport> {
    compile_for(config, profile, offline, events, &|_| Need::Everything)
}

/// Builds the project of `config` in `profile` for a command that goes on
/// to test, deploy or verify. When nothing changed since the last clean
/// build, the build is answered from its fingerprint and only what `need`
/// asks of each contract is read from the artifacts (anything else on
/// first use); otherwise the project is compiled.
pub fn compile_for(
    config: &Config,
    profile: Profile,
    offline: bool,
    events: &dyn Fn(BuildEvent<'_>),
    need: &dyn Fn(&BuiltContract) -> Need,
) -> Result<BuildReport> {
    let compiler = compiler(config, offline, events)?;
    if let Some(report) = crate::build::unchanged_build(config, &compiler, profile, need)? {
        return Ok(report);
    }
    compile_with(config, &compiler, profile, events)
}

fn compile_with(
    config: &Config,
    compiler: &Compiler,
    profile: Profile,
    events: &dyn Fn(BuildEvent<'_>),
) -> Result<BuildReport> {
    events(BuildEvent::Compiling(compiler));
    crate::build(config, compiler, profile)
}
