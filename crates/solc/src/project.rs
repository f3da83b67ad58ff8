//! Building a slipway project with foundry-compilers: paths, remappings,
//! settings, the incremental cache and the two cached profiles.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

use foundry_compilers::{
    ConfigurableArtifacts, Project, ProjectBuilder, ProjectCompileOutput, ProjectPathsConfig,
    artifacts::{
        BytecodeHash, EvmVersion, SettingsMetadata, Severity,
        output_selection::ContractOutputSelection, remappings::Remapping,
    },
    solc::{Solc, SolcCompiler, SolcLanguage, SolcSettings},
};
use slipway_config::{Config, Hardfork};

use crate::{Compiler, Result, SolcError, output::SlipwayArtifacts};

/// The compile output type slipway works with.
pub(crate) type CompileOutput = ProjectCompileOutput<SolcCompiler, SlipwayArtifacts>;

/// The foundry-compilers project type slipway builds.
pub(crate) type SolcProject = Project<SolcCompiler, SlipwayArtifacts>;

/// A cached build profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    /// The configured settings; artifacts in `[project] out`.
    #[default]
    Default,
    /// Optimizer off, for coverage; artifacts under `.slipway/cache/coverage-out`.
    Coverage,
}

impl Profile {
    fn cache_file(self) -> &'static str {
        match self {
            Self::Default => "solc-files-cache.json",
            Self::Coverage => "solc-coverage-cache.json",
        }
    }
}

/// Where slipway keeps its project-local state.
pub const STATE_DIR: &str = ".slipway";

/// Where the build of `config` in `profile` reads and writes.
pub(crate) fn paths(config: &Config, profile: Profile) -> Result<ProjectPathsConfig<SolcLanguage>> {
    let root = &config.root;
    let cache_dir = root.join(STATE_DIR).join("cache");
    let artifacts_dir = match profile {
        Profile::Default => config.path(&config.project.out),
        Profile::Coverage => cache_dir.join("coverage-out"),
    };
    let libs: Vec<PathBuf> = config.project.libs.iter().map(|l| config.path(l)).collect();
    Ok(ProjectPathsConfig::builder()
        .root(root)
        .sources(config.path(&config.project.src))
        .tests(config.path(&config.project.test))
        .scripts(config.path(&config.project.script))
        .artifacts(&artifacts_dir)
        .build_infos(artifacts_dir.join("build-info"))
        .cache(cache_dir.join(profile.cache_file()))
        .libs(libs.clone())
        .remappings(remappings(config, &libs)?)
        .build_with_root(root))
}

/// The EVM version a build with solc `version` targets: the configured
/// one, or — forge's default in a Foundry project — osaka lowered to the
/// newest hardfork that solc knows. `None`: the compiler's own default.
pub fn evm_version(config: &Config, version: &semver::Version) -> Option<Hardfork> {
    let configured = config.compiler.evm_version?;
    if !config.compiler.clamp_evm_version {
        return Some(configured);
    }
    let wanted = EvmVersion::from_str(configured.as_str()).ok()?;
    let clamped = wanted.normalize_version_solc(version)?;
    Hardfork::ALL
        .into_iter()
        .find(|h| h.as_str() == clamped.as_str())
}

/// Builds the foundry-compilers project for `config` and `profile`.
pub(crate) fn project(
    config: &Config,
    compiler: &Compiler,
    profile: Profile,
) -> Result<SolcProject> {
    project_at(config, compiler, profile, paths(config, profile)?)
}

/// [`project`] reading and writing at `paths`, with `config`'s settings.
pub(crate) fn project_at(
    config: &Config,
    compiler: &Compiler,
    profile: Profile,
    paths: ProjectPathsConfig<SolcLanguage>,
) -> Result<SolcProject> {
    let mut artifacts = ConfigurableArtifacts::new(
        [
            ContractOutputSelection::StorageLayout,
            ContractOutputSelection::Metadata,
        ],
        [],
    );
    artifacts.additional_values.ast = true;
    let mut settings = artifacts.solc_settings();
    let optimize = profile == Profile::Default && config.compiler.optimizer;
    settings.optimizer.enabled = Some(optimize);
    settings.optimizer.runs = Some(config.compiler.optimizer_runs as usize);
    settings.via_ir = Some(config.compiler.via_ir && profile == Profile::Default);
    settings.evm_version = evm_version(config, &compiler.version)
        .map(|v| {
            EvmVersion::from_str(v.as_str())
                .map_err(|_| SolcError::UnknownEvmVersion(v.as_str().to_owned()))
        })
        .transpose()?;

    if config.compiler.bytecode_hash.is_some() || config.compiler.cbor_metadata.is_some() {
        let hash = config
            .compiler
            .bytecode_hash
            .as_deref()
            .map(|h| BytecodeHash::from_str(h).map_err(|_| SolcError::BytecodeHash(h.to_owned())))
            .transpose()?;
        settings.metadata = Some(SettingsMetadata {
            use_literal_content: None,
            bytecode_hash: hash,
            cbor_metadata: config.compiler.cbor_metadata,
        });
    }
    let solc = Solc::new_with_version(&compiler.path, compiler.version.clone());
    ProjectBuilder::<SolcCompiler, SlipwayArtifacts>::new(SlipwayArtifacts(artifacts))
        .paths(paths)
        .settings(SolcSettings {
            settings,
            ..Default::default()
        })
        .set_build_info(true)
        .set_offline(true)
        .set_compiler_severity_filter(Severity::Error)
        .build(SolcCompiler::Specific(solc))
        .map_err(|e| SolcError::Build(Box::new(e)))
}

/// The configured remappings, then one per package found in each library
/// directory (`name/=lib/name/`, `@scope/=node_modules/@scope/`), as Hardhat
/// resolves npm imports, and in a Foundry project's `lib/` — for
/// `node_modules`, only the packages the project's Solidity reaches
/// (`npm_imports`). A Foundry-style
/// package (a `src/` directory and no Solidity file beside it, as forge-std
/// is) maps to its `src/`, as forge maps it. Earlier entries win on equal
/// prefixes. Last, `forge-std/` goes to slipway-std when a source imports
/// it and nothing else provides it, so that Foundry suites compile
/// unchanged.
pub(crate) fn remappings(config: &Config, libs: &[PathBuf]) -> Result<Vec<Remapping>> {
    let sources = [
        config.path(&config.project.src),
        config.path(&config.project.test),
        config.path(&config.project.script),
    ];
    let mut out: Vec<Remapping> = Vec::new();
    for text in &config.project.remappings {
        let r = Remapping::from_str(text).map_err(|_| SolcError::Remapping(text.clone()))?;
        out.push(r);
    }
    let foundry_lib = config.root.join("lib");
    // Breadth first, so that the project's own libraries win over the
    // copies nested inside them (lib/forge-std/lib/ds-test) as in forge.
    let mut queue: std::collections::VecDeque<(PathBuf, usize)> = libs
        .iter()
        .chain(std::iter::once(&foundry_lib).filter(|l| !libs.contains(l)))
        .map(|l| (l.clone(), 0))
        .collect();
    let mut nested: Vec<Remapping> = Vec::new();
    while let Some((lib, depth)) = queue.pop_front() {
        let Ok(entries) = std::fs::read_dir(&lib) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        let npm = lib.file_name().is_some_and(|n| n == "node_modules");
        if npm {
            // Only the packages the project's Solidity reaches.
            let reached = crate::npm_imports::reached_packages(&sources, &lib);
            names.retain(|n| reached.contains(n));
        }
        for name in names {
            let package = lib.join(&name);
            if !out.iter().any(|r| r.name == format!("{name}/")) {
                let target = if !npm && is_foundry_style(&package) {
                    package.join("src")
                } else {
                    package.clone()
                };
                out.push(remapping(&name, &target));
            }
            if npm || depth >= MAX_LIB_DEPTH {
                continue;
            }
            // The library's own remappings, relative to it.
            nested.extend(package_remappings(&package));
            queue.push_back((package.join("lib"), depth + 1));
        }
    }
    for r in nested {
        if !out.iter().any(|o| o.name == r.name) {
            out.push(r);
        }
    }
    // Only when a source imports it: a remapping is part of every
    // contract's metadata, so adding one would change the bytecode (and
    // CREATE2 addresses) of projects that never use forge-std.
    if !out.iter().any(|r| r.name == "forge-std/") && imports_package(&sources, "forge-std") {
        let std_dir = match out.iter().find(|r| r.name == "slipway-std/") {
            Some(r) => PathBuf::from(&r.path),
            None => {
                let dir = crate::std_lib::materialise(&config.root)?;
                out.push(remapping(crate::std_lib::NAME, &dir));
                dir
            }
        };
        out.push(remapping("forge-std", &std_dir));
    }
    Ok(out)
}

/// How deep libraries nested in libraries are searched (lib/a/lib/b/…).
const MAX_LIB_DEPTH: usize = 3;

/// A library's own `remappings.txt` (or foundry.toml `remappings`), its
/// relative targets made relative to the library, as forge reads them.
fn package_remappings(package: &Path) -> Vec<Remapping> {
    let mut lines: Vec<String> = std::fs::read_to_string(package.join("remappings.txt"))
        .map(|text| text.lines().map(|l| l.trim().to_owned()).collect())
        .unwrap_or_default();
    if let Ok(text) = std::fs::read_to_string(package.join("foundry.toml"))
        && let Ok(table) = text.parse::<toml::Table>()
        && let Some(list) = table
            .get("profile")
            .and_then(|p| p.get("default"))
            .and_then(|d| d.get("remappings"))
            .and_then(|r| r.as_array())
    {
        lines.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
    }
    lines
        .iter()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| Remapping::from_str(l).ok())
        .filter(|r| r.context.is_none())
        .map(|r| {
            let target = Path::new(&r.path);
            let path = if target.is_absolute() {
                target.to_path_buf()
            } else {
                package.join(target)
            };
            Remapping {
                context: None,
                name: r.name,
                path: format!("{}/", path.display().to_string().trim_end_matches('/')),
            }
        })
        .collect()
}

/// `name/=target/`.
fn remapping(name: &str, target: &Path) -> Remapping {
    Remapping {
        context: None,
        name: format!("{name}/"),
        path: format!("{}/", target.display().to_string().trim_end_matches('/')),
    }
}

/// A package laid out as forge installs them: its sources under `src/`,
/// no Solidity file at the top.
fn is_foundry_style(package: &Path) -> bool {
    package.join("src").is_dir()
        && std::fs::read_dir(package).is_ok_and(|entries| {
            !entries
                .filter_map(|e| e.ok())
                .any(|e| e.path().extension().is_some_and(|x| x == "sol"))
        })
}

/// Refuses to build when sources import npm packages that `package.json`
/// lists but `node_modules` has not been installed.
pub(crate) fn check_node_modules(root: &Path, source_dirs: &[PathBuf]) -> Result<()> {
    let manifest = root.join("package.json");
    let node_modules = root.join("node_modules");
    if node_modules.is_dir() || !manifest.is_file() {
        return Ok(());
    }
    let text =
        std::fs::read_to_string(&manifest).map_err(SolcError::io("cannot read", &manifest))?;
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut packages: Vec<String> = ["dependencies", "devDependencies"]
        .iter()
        .filter_map(|k| json.get(k).and_then(|d| d.as_object()))
        .flat_map(|d| d.keys().cloned())
        .collect();
    packages.retain(|p| imports_package(source_dirs, p));
    if packages.is_empty() {
        return Ok(());
    }
    packages.sort();
    Err(SolcError::MissingNodeModules {
        node_modules,
        root: root.to_path_buf(),
        packages: packages.join(", "),
    })
}

/// Whether any `.sol` file under `dirs` imports from npm package `package`.
fn imports_package(dirs: &[PathBuf], package: &str) -> bool {
    let needle_dq = format!("\"{package}/");
    let needle_sq = format!("'{package}/");
    crate::npm_imports::sol_files(dirs).iter().any(|path| {
        std::fs::read_to_string(path).is_ok_and(|text| {
            text.lines().any(|l| {
                // `import "p/…"`, or the `} from "p/…";` line of an
                // import that spans several lines.
                let l = l.trim_start();
                (l.starts_with("import") || l.starts_with('}') || l.starts_with("from"))
                    && (l.contains(&needle_dq) || l.contains(&needle_sq))
            })
        })
    })
}
