//! `slipway audit`: lockfiles and `lib/` checkouts against the advisory
//! file, `--update` from GHSA JSON, and the repository's own dependencies.
//!
//! The expected advisories come from their published ranges (GitHub's
//! pages for each id), not from slipway's output.

use std::path::{Path, PathBuf};

/// A project with a slipway.toml pinning the compiler on line 2.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("slipway.toml"),
        "[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("write");
    tmp
}

fn audit(root: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = assert_cmd::Command::cargo_bin("slipway")
        .expect("binary")
        .arg("--root")
        .arg(root)
        .arg("audit")
        .args(args)
        .env("SLIPWAY_OFFLINE", "1")
        .output()
        .expect("audit");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), json, format!("{stdout}{stderr}"))
}

/// (rule, the GHSA id in the message, path, line) of each finding.
fn findings(json: &serde_json::Value) -> Vec<(String, String, String, u64)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let message = f["message"].as_str().unwrap_or_default();
            let ghsa = message
                .split_whitespace()
                .find(|w| w.starts_with("GHSA-"))
                .map(|w| w.trim_end_matches([',', '.', ':']).to_owned())
                .unwrap_or_default();
            (
                f["id"].as_str().unwrap_or_default().to_owned(),
                ghsa,
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// That `found` reports advisory `ghsa` at `path`:`line`.
fn assert_vulnerable(found: &[(String, String, String, u64)], ghsa: &str, path: &str, line: u64) {
    let wanted = (
        "audit-vulnerable-dependency".to_owned(),
        ghsa.to_owned(),
        path.to_owned(),
        line,
    );
    assert!(found.contains(&wanted), "{wanted:?} in {found:?}");
}

fn ghsa_ids(json: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = findings(json)
        .into_iter()
        .filter(|f| f.0 == "audit-vulnerable-dependency")
        .map(|f| f.1)
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_lockfile_pinning_openzeppelin_4_9_2_is_reported_with_its_ghsa_ids() {
    let tmp = project();
    // npm 9's lockfile, as `npm install @openzeppelin/contracts@4.9.2` writes it.
    std::fs::write(
        tmp.path().join("package-lock.json"),
        r#"{
  "name": "app",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "dependencies": {
        "@openzeppelin/contracts": "4.9.2"
      }
    },
    "node_modules/@openzeppelin/contracts": {
      "version": "4.9.2",
      "resolved": "https://registry.npmjs.org/@openzeppelin/contracts/-/contracts-4.9.2.tgz"
    },
    "node_modules/lodash": {
      "version": "4.17.20"
    }
  }
}
"#,
    )
    .expect("write");
    let (code, json, said) = audit(tmp.path(), &["--json"]);
    assert_eq!(code, Some(1), "{said}");
    // 4.9.2: ERC2771Context's address(0) (4.0.0 to 4.9.3) and Base64's
    // dirty memory (4.5.0 to 4.9.6); the MerkleProof multiproof fix
    // shipped in 4.9.2 itself, and 4.9.4's duplicated subcalls are 4.9.4's.
    assert_eq!(
        ghsa_ids(&json),
        vec![
            "GHSA-9vx6-7xxf-x967".to_owned(),
            "GHSA-g4vp-m682-qqmp".to_owned()
        ],
        "{said}"
    );
    for f in findings(&json) {
        let at = (f.2.as_str(), f.3);
        if f.0 == "audit-compiler-bug" {
            // solc 0.8.20's known bugs, on the line that pins it.
            assert_eq!(at, ("slipway.toml", 2), "{f:?}");
        } else {
            assert_eq!(at, ("package-lock.json", 11), "{f:?}");
        }
    }
    // lodash is not a Solidity package: not a dependency this audit counts.
    let names: Vec<&str> = json["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["@openzeppelin/contracts"]);
    // The text names the fixed version to upgrade to.
    let (code, _, said) = audit(tmp.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(
        said.contains("fixed in 4.9.3") && said.contains("fixed in 4.9.6"),
        "{said}"
    );
}

#[test]
fn yarn_and_pnpm_lockfiles_are_read_too() {
    let tmp = project();
    std::fs::write(
        tmp.path().join("yarn.lock"),
        "# yarn lockfile v1\n\n\n\"@openzeppelin/contracts-upgradeable@^4.7.0\":\n  version \"4.7.0\"\n  resolved \"https://registry.yarnpkg.com/x\"\n",
    )
    .expect("write");
    std::fs::write(
        tmp.path().join("pnpm-lock.yaml"),
        "lockfileVersion: '9.0'\n\npackages:\n\n  '@openzeppelin/contracts@5.0.1':\n    resolution: {integrity: sha512-x}\n",
    )
    .expect("write");
    let (code, json, said) = audit(tmp.path(), &["--json"]);
    assert_eq!(code, Some(1), "{said}");
    let found = findings(&json);
    // 5.0.1: Base64 (5.0.0-rc.0 to 5.0.2), on the pnpm line.
    assert_vulnerable(&found, "GHSA-9vx6-7xxf-x967", "pnpm-lock.yaml", 5);
    // Upgradeable 4.7.0: ECDSA malleability (4.1.0 to 4.7.3), on yarn's entry.
    assert_vulnerable(&found, "GHSA-4h98-2769-gh6h", "yarn.lock", 4);
}

/// A `lib/<name>` submodule at `commit`, tagged `tag` (if any), as `git
/// submodule add` leaves it: `.gitmodules`, a `.git` file, the module's
/// git directory.
fn submodule(root: &Path, name: &str, commit: &str, tag: Option<&str>) {
    let modules = root.join(".git/modules/lib").join(name);
    std::fs::create_dir_all(&modules).expect("mkdir");
    std::fs::write(modules.join("HEAD"), format!("{commit}\n")).expect("write");
    if let Some(tag) = tag {
        std::fs::write(
            modules.join("packed-refs"),
            format!("# pack-refs with: peeled fully-peeled sorted\n{commit} refs/tags/{tag}\n"),
        )
        .expect("write");
    }
    let dir = root.join("lib").join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join(".git"),
        format!("gitdir: ../../.git/modules/lib/{name}\n"),
    )
    .expect("write");
    let mut gitmodules = std::fs::read_to_string(root.join(".gitmodules")).unwrap_or_default();
    gitmodules.push_str(&format!(
        "[submodule \"lib/{name}\"]\n\tpath = lib/{name}\n\turl = https://github.com/x/{name}\n"
    ));
    std::fs::write(root.join(".gitmodules"), gitmodules).expect("write");
}

#[test]
fn lib_checkouts_are_named_by_their_tag_and_an_untagged_commit_is_said_so() {
    let tmp = project();
    std::fs::write(
        tmp.path().join("slipway.toml"),
        "[project]\nlibs = [\"lib\"]\n\n[compiler]\nversion = \"0.8.20\"\n",
    )
    .expect("write");
    let tagged = "3c3b3f7a7b1f0e9d8c7b6a5f4e3d2c1b0a998877";
    submodule(tmp.path(), "openzeppelin-contracts", tagged, Some("v4.7.0"));
    let untagged = "0123456789abcdef0123456789abcdef01234567";
    submodule(tmp.path(), "solmate", untagged, None);
    let (code, json, said) = audit(tmp.path(), &["--json"]);
    assert_eq!(code, Some(1), "{said}");
    let found = findings(&json);
    // 4.7.0: ECDSA malleability (4.1.0 to 4.7.3), declared on .gitmodules line 2.
    assert_vulnerable(&found, "GHSA-4h98-2769-gh6h", ".gitmodules", 2);
    let unknown: Vec<_> = found
        .iter()
        .filter(|f| f.0 == "audit-unknown-version")
        .collect();
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert_eq!((unknown[0].2.as_str(), unknown[0].3), (".gitmodules", 5));
    let text = json["findings"].to_string();
    assert!(text.contains("0123456789ab"), "the commit is named: {text}");

    // Only the unknown version left (info): the audit passes.
    std::fs::remove_dir_all(tmp.path().join("lib/openzeppelin-contracts")).expect("rm");
    let (code, json, said) = audit(tmp.path(), &["--json"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(ghsa_ids(&json), Vec::<String>::new());
}

fn ghsa(dir: &Path, month: &str, id: &str, package: &str, introduced: &str, fixed: &str) {
    let path = dir.join(month).join(id);
    std::fs::create_dir_all(&path).expect("mkdir");
    let json = serde_json::json!({
        "schema_version": "1.4.0",
        "id": id,
        "aliases": ["CVE-2099-0001"],
        "summary": format!("a test advisory on {package}"),
        "affected": [{
            "package": {"ecosystem": "npm", "name": package},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": introduced}, {"fixed": fixed}]}]
        }],
        "database_specific": {"severity": "CRITICAL", "github_reviewed": true}
    });
    std::fs::write(path.join(format!("{id}.json")), json.to_string()).expect("write");
}

#[test]
fn update_reads_ghsa_files_keeps_solidity_packages_and_refuses_a_bad_file() {
    let tmp = project();
    std::fs::write(
        tmp.path().join("yarn.lock"),
        "solady@^0.0.100:\n  version \"0.0.100\"\n",
    )
    .expect("write");
    let db = tempfile::tempdir().expect("db");
    ghsa(
        db.path(),
        "2099/01",
        "GHSA-aaaa-bbbb-cccc",
        "solady",
        "0.0.1",
        "0.0.200",
    );
    ghsa(
        db.path(),
        "2099/01",
        "GHSA-dddd-eeee-ffff",
        "lodash",
        "0",
        "4.17.21",
    );
    let (code, json, said) = audit(
        tmp.path(),
        &["--json", "--update", &db.path().display().to_string()],
    );
    assert_eq!(code, Some(1), "{said}");
    assert_eq!(ghsa_ids(&json), vec!["GHSA-aaaa-bbbb-cccc".to_owned()]);
    assert_eq!(
        json["advisories"]["count"], 1,
        "lodash's advisory is not kept"
    );
    let written = tmp.path().join("solidity-advisories.json");
    assert!(
        json["advisories"]["from"]
            .as_str()
            .unwrap_or_default()
            .ends_with("solidity-advisories.json")
    );
    let before = std::fs::read_to_string(&written).expect("written");
    assert!(before.contains("\"read\""), "{before}");

    // A file that is not an advisory file: a clear error, and the
    // project's file is as it was.
    let bad = db.path().join("broken.json");
    std::fs::write(&bad, "{\"advisories\": [{\"id\": 1}]}").expect("write");
    let (code, _, said) = audit(tmp.path(), &["--update", &bad.display().to_string()]);
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("broken.json") && said.contains("not an advisory file"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&written).expect("kept"), before);
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_repository_s_own_solidity_dependencies_pass_and_sarif_names_the_rules() {
    let sarif = tempfile::tempdir().expect("tmp");
    let file = sarif.path().join("audit.sarif");
    let (code, json, said) = audit(
        &repository(),
        &["--json", "--sarif", &file.display().to_string()],
    );
    // @openzeppelin/contracts 5.0.2 is past every advisory of the file
    // (Base64's fix is 5.0.2 itself).
    assert_eq!(code, Some(0), "{said}");
    let oz = json["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .find(|d| d["name"] == "@openzeppelin/contracts")
        .expect("the bundled project's OpenZeppelin is read from package-lock.json");
    assert_eq!(oz["version"], "5.0.2");
    assert_eq!(ghsa_ids(&json), Vec::<String>::new());
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("sarif")).expect("json");
    assert_eq!(log["version"], "2.1.0");
    let rules: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(
        rules.contains(&"audit-vulnerable-dependency") && rules.contains(&"audit-compiler-bug")
    );
}
