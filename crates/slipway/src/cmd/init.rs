//! `slipway init`: scaffold a project that builds at once.

use std::{
    path::{Path, PathBuf},
    process::{Command, ExitCode},
};

use clap::Args;
use eyre::{Result, WrapErr, bail};
use slipway_config::CONFIG_FILE;

use crate::global::GlobalOpts;
use crate::output::status;

/// Create a new slipway project.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Directory to create the project in (default: the current one).
    dir: Option<PathBuf>,
    /// Do not run `npm install` for the Solidity dependencies.
    #[arg(long)]
    no_install: bool,
    /// Write into a directory that already has a slipway.toml.
    #[arg(long)]
    force: bool,
}

/// The files of a new project: path and contents.
fn files(name: &str) -> Vec<(String, String)> {
    let starter = [
        (
            CONFIG_FILE,
            include_str!("../../templates/slipway.toml").to_owned(),
        ),
        (
            "package.json",
            include_str!("../../templates/package.json").replace("{{name}}", name),
        ),
        (
            ".gitignore",
            include_str!("../../templates/gitignore").to_owned(),
        ),
        (
            "contracts/src/Counter.sol",
            include_str!("../../templates/Counter.sol").to_owned(),
        ),
        (
            "contracts/test/Counter.t.sol",
            include_str!("../../templates/Counter.t.sol").to_owned(),
        ),
        (
            "deploy/counter.toml",
            include_str!("../../templates/counter.toml").to_owned(),
        ),
        (
            ".gas-snapshot",
            include_str!("../../templates/gas-snapshot").to_owned(),
        ),
    ];
    starter
        .into_iter()
        .map(|(path, text)| (path.to_owned(), text))
        .chain(slipway_solc::std_lib::FILES.map(|(name, text)| {
            (
                format!("contracts/lib/{}/{name}", slipway_solc::std_lib::NAME),
                text.to_owned(),
            )
        }))
        .collect()
}

impl InitArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let dir = match self.dir {
            Some(d) => d,
            None => std::env::current_dir()?,
        };
        if dir.join(CONFIG_FILE).exists() && !self.force {
            bail!(
                "{} already exists; use --force to write the starter files anyway",
                dir.join(CONFIG_FILE).display()
            );
        }
        let name = package_name(&dir);
        for (path, contents) in files(&name) {
            let target = dir.join(&path);
            if target.exists() && path != CONFIG_FILE {
                status(
                    global.ui(),
                    "Kept",
                    &format!("{} (already there)", target.display()),
                );
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .wrap_err_with(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&target, contents)
                .wrap_err_with(|| format!("cannot write {}", target.display()))?;
        }
        status(
            global.ui(),
            "Created",
            &format!("slipway project in {}", dir.display()),
        );
        if !self.no_install {
            npm_install(global, &dir)?;
        }
        status(global.ui(), "Next", "slipway build && slipway test");
        Ok(ExitCode::SUCCESS)
    }
}

fn package_name(dir: &Path) -> String {
    let base = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_lowercase()))
        .unwrap_or_else(|| "contracts".into());
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.trim_matches('-').is_empty() {
        "contracts".into()
    } else {
        clean
    }
}

fn npm_install(global: &GlobalOpts, dir: &Path) -> Result<()> {
    let Ok(npm) = which::which("npm") else {
        status(
            global.ui(),
            "Skipped",
            "npm install: npm is not on PATH; install Node.js, then run `npm install`",
        );
        return Ok(());
    };
    status(
        global.ui(),
        "Installing",
        "Solidity dependencies (npm install)",
    );
    let output = Command::new(npm)
        .args(["install", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .wrap_err("cannot run npm")?;
    if !output.status.success() {
        bail!(
            "`npm install` failed in {}: {}\nthe project was created; run `npm install` there once the problem is fixed",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}
