//! What tests reach outside the EVM through cheatcodes: the build's
//! artifacts (`vm.getCode`), the project's files under `[test]
//! fs_permissions`, and commands (`vm.ffi`, only with `[test] ffi = true`).

use std::{
    collections::HashMap,
    io::Read,
    path::{Path, PathBuf},
};

use alloy_primitives::Bytes;
use slipway_config::{FsAccess, TestConfig};
use slipway_solc::BuiltContract;

/// The world outside the EVM a test run may touch.
#[derive(Debug, Default)]
pub struct TestHost {
    root: PathBuf,
    config: TestConfig,
    /// The build's contracts, for `vm.getCode` / `vm.getDeployedCode`:
    /// a contract's code is read when a test first asks for it.
    artifacts: Vec<BuiltContract>,
}

impl TestHost {
    /// The host of a project at `root` with its `[test]` settings and the
    /// contracts of its build.
    pub fn new(root: &Path, config: TestConfig, contracts: &[BuiltContract]) -> Self {
        Self {
            root: root.to_path_buf(),
            config,
            artifacts: contracts.to_vec(),
        }
    }

    /// The project root (`vm.projectRoot`).
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The code of the contract `spec` names, as forge's `getCode` takes it:
    /// `Name`, `File.sol`, `File.sol:Name`, or an artifact path
    /// `out/File.sol/Name.json`; creation code, or runtime code.
    pub(crate) fn code(&self, spec: &str, runtime: bool, cheat: &str) -> Result<Bytes, String> {
        let (file, name) = parse_spec(spec);
        let found: Vec<&BuiltContract> = self
            .artifacts
            .iter()
            .filter(|a| name.as_ref().is_none_or(|n| a.name == *n))
            .filter(|a| {
                file.as_ref().is_none_or(|f| {
                    a.source.file_name().is_some_and(|x| x == f.as_str()) || a.source.ends_with(f)
                })
            })
            .filter(|a| {
                // `File.sol` alone means the contract named like the file.
                name.is_some()
                    || file
                        .as_ref()
                        .is_some_and(|f| f.trim_end_matches(".sol") == a.name)
            })
            .collect();
        let artifact = match found.as_slice() {
            [one] => *one,
            [] => return Err(format!("{cheat}: no contract {spec:?} in the build")),
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|a| format!("{}:{}", a.source.display(), a.name))
                    .collect();
                return Err(format!(
                    "{cheat}: {spec:?} names {} contracts ({}); name one as File.sol:Name",
                    many.len(),
                    names.join(", ")
                ));
            }
        };
        let output = artifact.output().map_err(|e| format!("{cheat}: {e}"))?;
        let code = if runtime {
            &output.deployed_bytecode
        } else {
            &output.bytecode
        };
        code.as_ref()
            .and_then(|c| c.bytes())
            .filter(|b| !b.is_empty())
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{cheat}: {} has no {} code (abstract, an interface, or unlinked libraries)",
                    artifact.name,
                    if runtime { "runtime" } else { "creation" }
                )
            })
    }

    /// `path` resolved against the root, when `fs_permissions` allow
    /// reading (`write` false) or writing it.
    pub(crate) fn path(&self, path: &str, write: bool, cheat: &str) -> Result<PathBuf, String> {
        let resolved = self.root.join(path);
        let access = self.config.access(&self.root, Path::new(path));
        let allowed = access.is_some_and(|a| if write { a.writes() } else { a.reads() });
        if allowed {
            return Ok(resolved);
        }
        let wanted = if write { "written" } else { "read" };
        Err(format!(
            "{cheat}: the path {path:?} is not allowed to be {wanted} (it has {}); allow it in slipway.toml: [test] fs_permissions = [{{ access = \"{}\", path = \"…\" }}]",
            match access {
                None => "no fs_permissions entry".to_owned(),
                Some(FsAccess::None) => "access \"none\"".to_owned(),
                Some(FsAccess::Read) => "access \"read\"".to_owned(),
                Some(FsAccess::Write) => "access \"write\"".to_owned(),
                Some(FsAccess::ReadWrite) => "access \"read-write\"".to_owned(),
            },
            if write { "read-write" } else { "read" }
        ))
    }

    /// Runs `argv` for `vm.ffi` in the project root: its standard output
    /// without surrounding whitespace, hex-decoded when it is hex (as forge
    /// does).
    pub(crate) fn ffi(&self, argv: &[String]) -> Result<Bytes, String> {
        if !self.config.ffi {
            return Err(
                "vm.ffi is off: tests may run commands only with [test] ffi = true in slipway.toml"
                    .into(),
            );
        }
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| "vm.ffi: no command given".to_owned())?;
        let output = std::process::Command::new(program)
            .args(args)
            .current_dir(&self.root)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("vm.ffi: cannot run {program:?}: {e}"))?;
        if !output.status.success() {
            let mut stderr = String::new();
            let _ = output.stderr.as_slice().read_to_string(&mut stderr);
            return Err(format!(
                "vm.ffi: {program:?} failed ({}): {}",
                output.status,
                stderr.trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let trimmed = text.trim();
        let hex = trimmed.strip_prefix("0x").unwrap_or(trimmed);
        match alloy_primitives::hex::decode(hex) {
            Ok(bytes) if !hex.is_empty() => Ok(bytes.into()),
            _ => Ok(Bytes::copy_from_slice(trimmed.as_bytes())),
        }
    }
}

/// `(file, name)` of a `getCode` argument.
fn parse_spec(spec: &str) -> (Option<String>, Option<String>) {
    if let Some(json) = spec.strip_suffix(".json") {
        // out/File.sol/Name.json
        let path = Path::new(json);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let file = path
            .parent()
            .and_then(Path::file_name)
            .map(|f| f.to_string_lossy().into_owned());
        return (file, name);
    }
    match spec.split_once(':') {
        Some((file, name)) => {
            // `File.sol:Name:0.8.20` carries a version: the build has one.
            let name = name.split(':').next().unwrap_or(name);
            (Some(file.to_owned()), Some(name.to_owned()))
        }
        None if spec.ends_with(".sol") => (Some(spec.to_owned()), None),
        None => (None, Some(spec.to_owned())),
    }
}

/// Open files of `vm.readLine`: the next line of each.
#[derive(Debug, Default)]
pub(crate) struct LineCursors(HashMap<PathBuf, usize>);

impl LineCursors {
    /// The next line of `path` (`""` past the end), and moves on.
    pub(crate) fn next(&mut self, path: &Path) -> Result<String, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("vm.readLine: cannot read {}: {e}", path.display()))?;
        let at = self.0.entry(path.to_path_buf()).or_default();
        let line = text.lines().nth(*at).unwrap_or_default().to_owned();
        *at += 1;
        Ok(line)
    }

    /// Forgets `path`'s position (`vm.closeFile`).
    pub(crate) fn close(&mut self, path: &Path) {
        self.0.remove(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_code_specs_parse_as_forge_takes_them() {
        let s = |f: &str, n: &str| (Some(f.to_owned()), Some(n.to_owned()));
        assert_eq!(parse_spec("Box.sol:Box"), s("Box.sol", "Box"));
        assert_eq!(parse_spec("Box.sol:Box:0.8.20"), s("Box.sol", "Box"));
        assert_eq!(parse_spec("out/Box.sol/Box.json"), s("Box.sol", "Box"));
        assert_eq!(parse_spec("Box.sol"), (Some("Box.sol".into()), None));
        assert_eq!(parse_spec("Box"), (None, Some("Box".into())));
    }
}
