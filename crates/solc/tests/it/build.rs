//! Compiler resolution and real builds through solcjs.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use semver::Version;
use slipway_config::{Config, Vars};
use slipway_solc::{CompilerKind, Profile, ResolveOptions, SolcError};

const PINNED: Version = Version::new(0, 8, 20);

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

#[cfg(unix)]
fn executable(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    write(path, script);
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A fake native `solc` that only answers `--version`.
fn fake_solc(dir: &Path, version: &str) -> PathBuf {
    let path = dir.join("solc");
    executable(
        &path,
        &format!(
            "#!/bin/sh\necho 'solc, the solidity compiler commandline interface'\necho 'Version: {version}'\n"
        ),
    );
    path
}

fn repo_node_modules() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
    assert!(
        dir.join("@openzeppelin/contracts").is_dir(),
        "{} lacks @openzeppelin/contracts: run `npm ci` in the repository root",
        dir.display()
    );
    dir.canonicalize().expect("canonical")
}

/// The real solcjs, installed on first use.
fn solcjs() -> slipway_solc::Compiler {
    let options = ResolveOptions::default();
    slipway_solc::resolve(&PINNED, &options, &|_| {}).expect("solc 0.8.20")
}

fn config(root: &Path, extra: &str) -> Config {
    let text = format!(
        "[project]\nlibs = [\"{}\"]\n{extra}",
        repo_node_modules().display()
    );
    Config::parse(root, root.join("slipway.toml"), text, Vars::default()).expect("config")
}

#[test]
fn a_native_solc_of_another_version_on_path_is_skipped_and_the_right_one_used() {
    let tmp = tempfile::tempdir().expect("tmp");
    let wrong = tmp.path().join("wrong");
    let right = tmp.path().join("right");
    fake_solc(&wrong, "0.8.19+commit.7dd6d404.Linux.g++");
    let expected = fake_solc(&right, "0.8.20+commit.a1b79de6.Linux.g++");
    let search = std::env::join_paths([&wrong, &right]).expect("join");
    let options = ResolveOptions {
        search_path: Some(search),
        ..Default::default()
    };
    let compiler = slipway_solc::resolve(&PINNED, &options, &|_| {}).expect("resolve");
    assert_eq!(compiler.path, expected);
    assert_eq!(compiler.kind, CompilerKind::Path);
    assert_eq!((compiler.version.minor, compiler.version.patch), (8, 20));
}

#[test]
fn an_explicit_compiler_of_the_wrong_version_is_an_error_naming_both() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = fake_solc(tmp.path(), "0.8.26+commit.8a97fa7a");
    let options = ResolveOptions {
        explicit: Some((path, "SLIPWAY_SOLC")),
        ..Default::default()
    };
    let err = slipway_solc::resolve(&PINNED, &options, &|_| {}).expect_err("wrong version");
    assert!(matches!(err, SolcError::WrongVersion { .. }));
    let text = err.to_string();
    assert!(
        text.contains("0.8.26") && text.contains("0.8.20") && text.contains("SLIPWAY_SOLC"),
        "{text}"
    );
}

#[test]
fn without_solc_node_or_npm_the_error_says_how_to_get_one() {
    let tmp = tempfile::tempdir().expect("empty PATH dir");
    let options = ResolveOptions {
        search_path: Some(tmp.path().as_os_str().to_owned()),
        cache_dir: Some(tmp.path().join("cache")),
        ..Default::default()
    };
    let err = slipway_solc::resolve(&PINNED, &options, &|_| {}).expect_err("nothing there");
    let text = err.to_string();
    assert!(
        text.contains("Node.js") && text.contains("SLIPWAY_SOLC"),
        "{text}"
    );
}

#[test]
fn solcjs_compiles_a_contract_importing_openzeppelin_into_artifacts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        &root.join("contracts/src/Token.sol"),
        r#"// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
contract Token is ERC20, Ownable {
    uint256 public immutable cap;
    constructor(uint256 cap_) ERC20("Token", "TKN") Ownable(msg.sender) { cap = cap_; }
    function mint(address to, uint256 amount) external onlyOwner { _mint(to, amount); }
}
"#,
    );
    let compiler = solcjs();
    assert_eq!(compiler.kind, CompilerKind::SolcJs);
    let report =
        slipway_solc::build(&config(root, ""), &compiler, Profile::Default).expect("build");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    assert!(!report.unchanged);

    let artifact = root.join("out/Token.sol/Token.json");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&artifact).expect("artifact")).expect("json");
    for key in [
        "abi",
        "bytecode",
        "deployedBytecode",
        "methodIdentifiers",
        "storageLayout",
        "metadata",
        "ast",
    ] {
        assert!(json.get(key).is_some(), "artifact lacks {key}");
    }
    assert_eq!(
        json["methodIdentifiers"]["mint(address,uint256)"],
        "40c10f19"
    );
    assert!(
        json["deployedBytecode"]["immutableReferences"]
            .as_object()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(
        json["bytecode"]["sourceMap"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(root.join("out/ERC20.sol/ERC20.json").is_file());
    let build_infos = fs::read_dir(root.join("out/build-info"))
        .expect("build-info")
        .count();
    assert_eq!(build_infos, 1);
    let token = report
        .contracts
        .iter()
        .find(|c| c.name == "Token")
        .expect("sizes");
    assert!(token.runtime > 1000 && token.init > token.runtime);
}

/// A compiler wrapper that keeps every standard-JSON input it is given.
fn recording_compiler(dir: &Path, real: &Path) -> PathBuf {
    let log = dir.join("inputs");
    fs::create_dir_all(&log).expect("log dir");
    let path = dir.join("recording-solc");
    executable(
        &path,
        &format!(
            "#!/bin/sh\ncase \" $* \" in\n  *\" --standard-json \"*)\n    f=\"{log}/$(date +%s%N).json\"\n    cat > \"$f\"\n    exec \"{real}\" \"$@\" < \"$f\" ;;\n  *) exec \"{real}\" \"$@\" ;;\nesac\n",
            log = log.display(),
            real = real.display()
        ),
    );
    path
}

/// Source names of each recorded input, oldest first.
fn recorded(dir: &Path) -> Vec<BTreeSet<String>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join("inputs"))
        .expect("inputs")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let json: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(f).expect("read")).expect("input json");
            json["sources"]
                .as_object()
                .expect("sources")
                .keys()
                .map(|k| {
                    Path::new(k)
                        .file_name()
                        .expect("name")
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_cache_sends_nothing_when_unchanged_and_only_dependents_of_a_touched_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("project");
    let src = root.join("contracts/src");
    let header = "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\n";
    write(
        &src.join("A.sol"),
        &format!(
            "{header}library A {{ function one() internal pure returns (uint) {{ return 1; }} }}\n"
        ),
    );
    write(
        &src.join("B.sol"),
        &format!(
            "{header}import {{A}} from \"./A.sol\";\ncontract B {{ function f() external pure returns (uint) {{ return A.one(); }} }}\n"
        ),
    );
    write(
        &src.join("C.sol"),
        &format!("{header}contract C {{ uint public x; }}\n"),
    );

    let real = solcjs();
    let recorder = recording_compiler(tmp.path(), &real.path);
    let options = ResolveOptions {
        explicit: Some((recorder, "test")),
        ..Default::default()
    };
    let compiler = slipway_solc::resolve(&PINNED, &options, &|_| {}).expect("recorder");
    let config = config(&root, "");
    let build = || slipway_solc::build(&config, &compiler, Profile::Default).expect("build");

    let first = build();
    assert!(!first.has_errors(), "{:#?}", first.diagnostics);
    assert_eq!(recorded(tmp.path()).len(), 1);
    assert_eq!(
        recorded(tmp.path())[0],
        ["A.sol", "B.sol", "C.sol"].map(String::from).into()
    );

    let second = build();
    assert!(second.unchanged);
    assert_eq!(
        recorded(tmp.path()).len(),
        1,
        "an unchanged project called the compiler"
    );
    assert_eq!(
        second.contracts.len(),
        3,
        "cached artifacts are still reported"
    );

    write(
        &src.join("A.sol"),
        &format!(
            "{header}library A {{ function one() internal pure returns (uint) {{ return 2 - 1; }} }}\n"
        ),
    );
    let third = build();
    assert!(!third.unchanged);
    let inputs = recorded(tmp.path());
    assert_eq!(inputs.len(), 2);
    assert_eq!(
        inputs[1],
        ["A.sol", "B.sol"].map(String::from).into(),
        "C.sol does not depend on A.sol"
    );
    let mut compiled: Vec<String> = third
        .compiled_sources
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    compiled.sort();
    assert_eq!(compiled, ["contracts/src/A.sol", "contracts/src/B.sol"]);
}

#[test]
fn a_compile_error_is_reported_with_its_location() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        &root.join("contracts/src/Bad.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract Bad {\n    function f() external { uint x = ; }\n}\n",
    );
    let report =
        slipway_solc::build(&config(root, ""), &solcjs(), Profile::Default).expect("build ran");
    assert!(report.has_errors());
    let error = report
        .diagnostics
        .iter()
        .find(|d| d.kind == "ParserError")
        .expect("parser error");
    assert_eq!(error.file.as_deref(), Some("contracts/src/Bad.sol"));
    assert_eq!((error.line, error.column), (Some(4), Some(38)));
    assert!(
        error.rendered.contains("contracts/src/Bad.sol:4:38"),
        "{}",
        error.rendered
    );
    assert!(error.rendered.contains("uint x = ;"), "{}", error.rendered);
    assert!(!root.join("out/Bad.sol/Bad.json").exists());
}

#[test]
fn the_coverage_profile_is_cached_apart_without_the_optimizer() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        &root.join("contracts/src/Sum.sol"),
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\ncontract Sum {\n function s(uint a, uint b) external pure returns (uint) { return a + b; }\n}\n",
    );
    let compiler = solcjs();
    let config = config(root, "");
    let default = slipway_solc::build(&config, &compiler, Profile::Default).expect("default");
    let coverage = slipway_solc::build(&config, &compiler, Profile::Coverage).expect("coverage");
    assert!(
        !coverage.unchanged,
        "the coverage profile has its own cache"
    );
    assert!(
        coverage
            .artifacts_dir
            .ends_with(".slipway/cache/coverage-out")
    );
    let read = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(dir.join("Sum.sol/Sum.json")).expect("artifact"))
            .expect("json")
    };
    let optimized = read(&default.artifacts_dir);
    let plain = read(&coverage.artifacts_dir);
    assert_eq!(
        optimized["metadata"]["settings"]["optimizer"]["enabled"],
        true
    );
    assert_eq!(plain["metadata"]["settings"]["optimizer"]["enabled"], false);
    assert!(
        slipway_solc::build(&config, &compiler, Profile::Coverage)
            .expect("again")
            .unchanged
    );
}

#[test]
fn missing_node_modules_names_the_install_command() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        &root.join("package.json"),
        r#"{"dependencies":{"@openzeppelin/contracts":"5.0.2"}}"#,
    );
    write(
        &root.join("contracts/src/T.sol"),
        "pragma solidity 0.8.20;\nimport \"@openzeppelin/contracts/access/Ownable.sol\";\n",
    );
    let config = Config::parse(
        root,
        root.join("slipway.toml"),
        String::new(),
        Vars::default(),
    )
    .expect("config");
    let err =
        slipway_solc::build(&config, &solcjs(), Profile::Default).expect_err("no node_modules");
    let text = err.to_string();
    assert!(
        text.contains("npm install") && text.contains("@openzeppelin/contracts"),
        "{text}"
    );
}

/// The cache key covers what is not a source: a changed `remappings.txt`
/// (an added remapping once left the build "unchanged" with artifacts
/// whose metadata disagreed), changed
/// settings and a changed EVM version each compile again; the same inputs
/// twice do not.
#[test]
fn inputs_besides_the_sources_are_never_stale() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(&root.join("slipway.toml"), "");
    let header = "// SPDX-License-Identifier: MIT\npragma solidity 0.8.20;\n";
    write(
        &root.join("contracts/src/A.sol"),
        &format!(
            "{header}import {{X}} from \"lib1/X.sol\";\ncontract A {{ function x() external pure returns (uint) {{ return X.value(); }} }}\n"
        ),
    );
    for (dir, value) in [("one", 1), ("two", 2)] {
        write(
            &root.join(format!("vendor/{dir}/X.sol")),
            &format!(
                "{header}library X {{ function value() internal pure returns (uint) {{ return {value}; }} }}\n"
            ),
        );
    }
    let compiler = solcjs();
    let load = || Config::load(root).expect("config");
    let build = |config: &Config| {
        let report = slipway_solc::build(config, &compiler, Profile::Default).expect("build");
        assert!(!report.has_errors(), "{:#?}", report.diagnostics);
        report
    };
    let artifact = || fs::read_to_string(root.join("out/A.sol/A.json")).expect("artifact");

    write(&root.join("remappings.txt"), "lib1/=vendor/one/\n");
    assert!(!build(&load()).unchanged);
    let with_one = artifact();
    assert!(
        with_one.contains("vendor/one/X.sol"),
        "built against vendor/one"
    );
    assert!(build(&load()).unchanged, "the same inputs twice");

    // A remapping no import uses still changes the metadata (and with it
    // the bytecode's metadata hash): every artifact is compiled again.
    write(
        &root.join("remappings.txt"),
        "lib1/=vendor/one/\nunused/=vendor/two/\n",
    );
    assert!(
        !build(&load()).unchanged,
        "an added remapping compiles again"
    );
    assert!(
        artifact().contains("unused/=vendor/two/"),
        "the metadata names it"
    );
    assert_ne!(artifact(), with_one);

    write(&root.join("remappings.txt"), "lib1/=vendor/two/\n");
    let remapped = build(&load());
    assert!(
        !remapped.unchanged,
        "a changed remappings.txt compiles again"
    );
    let with_two = artifact();
    assert!(
        with_two.contains("vendor/two/X.sol"),
        "built against vendor/two"
    );
    assert!(
        !with_two.contains("vendor/one/X.sol"),
        "nothing of vendor/one is left"
    );

    write(
        &root.join("slipway.toml"),
        "[compiler]\noptimizer_runs = 999\n",
    );
    assert!(
        !build(&load()).unchanged,
        "changed optimizer runs compile again"
    );
    assert!(build(&load()).unchanged);
    write(
        &root.join("slipway.toml"),
        "[compiler]\noptimizer_runs = 999\nevm_version = \"paris\"\n",
    );
    assert!(
        !build(&load()).unchanged,
        "a changed EVM version compiles again"
    );
    write(
        &root.join("slipway.toml"),
        "[compiler]\noptimizer_runs = 999\nevm_version = \"paris\"\nvia_ir = true\n",
    );
    assert!(!build(&load()).unchanged, "via-IR compiles again");
}
