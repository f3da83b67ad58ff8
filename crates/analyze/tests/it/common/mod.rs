//! The fixture project (`testdata/`), compiled once per test binary with
//! the real compiler.

#![allow(dead_code, unreachable_pub)]

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

use slipway_analyze::{Options, Report, Source};
use slipway_config::{AnalyzeConfig, Config, Vars};
use slipway_solc::BuiltContract;

pub struct Built {
    pub root: PathBuf,
    pub artifacts: Vec<BuiltContract>,
    pub artifacts_dir: PathBuf,
}

impl Built {
    /// One source per file.
    pub fn sources(&self) -> Vec<Source<'_>> {
        slipway_analyze::sources_of(&self.artifacts)
    }

    pub fn analyze(&self, config: &AnalyzeConfig, options: &Options) -> Report {
        let options = Options {
            build_info_dir: Some(self.artifacts_dir.join("build-info")),
            ..options.clone()
        };
        slipway_analyze::analyze(&self.root, &self.sources(), config, &options).expect("analyze")
    }
}

/// Compiles `root` (a project with `src/`) into the test's own output
/// directory `name`.
pub fn compile_dir(root: &Path, name: &str) -> Built {
    compile_dir_with(root, name, "")
}

/// Compiles `root` with more `[project]` settings (`extra`: TOML lines).
pub fn compile_dir_with(root: &Path, name: &str, extra: &str) -> Built {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let text = format!(
        "[project]\nsrc = \"src\"\ntest = \"test\"\nout = \"{}\"\n{extra}",
        out.join("out").display()
    );
    let config =
        Config::parse(root, root.join("slipway.toml"), text, Vars::default()).expect("config");
    let compiler = slipway_solc::resolve(&config.compiler.version, &Default::default(), &|_| {})
        .expect("solc");
    let report =
        slipway_solc::build(&config, &compiler, slipway_solc::Profile::Default).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    Built {
        root: root.to_path_buf(),
        artifacts_dir: report.artifacts_dir.clone(),
        artifacts: report.artifacts,
    }
}

/// The fixtures, compiled once.
pub fn fixtures() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
        compile_dir(&root, "fixtures")
    })
}

/// The fixtures of classes only solc before 0.5 accepts (`testdata/legacy`,
/// built with solc 0.4.26), compiled once.
pub fn legacy_fixtures() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/legacy");
        compile_dir_with(
            &root,
            "legacy-fixtures",
            "\n[compiler]\nversion = \"0.4.26\"\n",
        )
    })
}
