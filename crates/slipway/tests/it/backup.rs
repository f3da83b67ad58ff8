//! `slipway backup` and `slipway restore`: the bundled plan deployed,
//! backed up, restored into an empty copy where deploy then sends nothing;
//! damaged archives, other chains and existing state refused with nothing
//! written; secrets never archived; S3 through moto's server, read back
//! with boto3. Archives are opened with the system's `tar`, not slipway's
//! reader.

use std::path::{Path, PathBuf};

use crate::common::{repository_copy, slipway};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `slipway backup` with `args`; the archive's location.
fn backup(dir: &Path, args: &[&str], env: &[(&str, String)]) -> String {
    let mut cmd = slipway(dir);
    cmd.arg("backup").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("backup");
    assert!(out.status.success(), "backup: {}", stderr(&out));
    stdout(&out).trim().to_owned()
}

/// The names in an archive and its extracted tree, by the system's tar.
fn untar(archive: &Path, into: &Path) -> Vec<String> {
    std::fs::create_dir_all(into).expect("mkdir");
    let list = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(archive)
        .output()
        .expect("tar");
    assert!(list.status.success(), "tar -t: {}", stderr(&list));
    let extract = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(into)
        .status()
        .expect("tar");
    assert!(extract.success());
    stdout(&list).lines().map(str::to_owned).collect()
}

fn grep_tree(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            {
                found.push(path);
            }
        }
    }
    found
}

/// The repository's project in `tmp`, its bundled plan deployed on the
/// embedded chain.
fn deployed_copy(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = repository_copy(tmp);
    let deployed = slipway(&dir).arg("deploy").output().expect("deploy");
    assert!(deployed.status.success(), "{}", stderr(&deployed));
    dir
}

/// `slipway restore` with `args` in `dir`, refused with exit 2: what it said.
fn refused(dir: &Path, args: &[&str], env: &[(&str, String)]) -> String {
    let mut cmd = slipway(dir);
    cmd.arg("restore").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("restore");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    stderr(&out)
}

const PLANTED_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const KEYSTORE: &str = r#"{"version": 3, "address": "70997970c51812dc3a010c7d01b50e0d17dc79c8", "crypto": {"cipher": "aes-128-ctr", "kdf": "scrypt", "ciphertext": "planted-keystore-ciphertext"}}"#;

#[test]
fn a_backup_restores_into_an_empty_copy_and_deploy_then_sends_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = deployed_copy(&tmp);
    // Secrets lying where a careless hand puts them.
    std::fs::write(dir.join(".env"), format!("DEPLOYER_KEY={PLANTED_KEY}\n")).expect(".env");
    let records = dir.join("deployments/development");
    std::fs::write(
        records.join(".env"),
        format!("DEPLOYER_KEY={PLANTED_KEY}\n"),
    )
    .expect(".env");
    std::fs::write(records.join("deployer.json"), KEYSTORE).expect("keystore");

    let backups = tmp.path().join("backups");
    let archive = backup(&dir, &["--to", &backups.display().to_string()], &[]);
    let archive = PathBuf::from(archive);
    assert_eq!(archive.parent(), Some(backups.as_path()));
    let names: Vec<String> = std::fs::read_dir(&backups)
        .expect("backups")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");

    // Opened with tar: the manifest, the configuration, the records and
    // the embedded chain; no secret.
    let opened = tmp.path().join("opened");
    let listed = untar(&archive, &opened);
    assert!(listed.contains(&"manifest.json".to_owned()), "{listed:?}");
    assert!(listed.contains(&"config.toml".to_owned()), "{listed:?}");
    assert!(
        listed
            .iter()
            .any(|n| n.starts_with("files/deployments/development/") && n.ends_with(".json")),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"files/.slipway/devnet/chain.log".to_owned()),
        "{listed:?}"
    );
    assert!(!listed.iter().any(|n| n.ends_with(".lock")), "{listed:?}");
    assert_eq!(grep_tree(&opened, PLANTED_KEY), Vec::<PathBuf>::new());
    assert_eq!(
        grep_tree(&opened, "planted-keystore-ciphertext"),
        Vec::<PathBuf>::new()
    );
    // Every file's size and SHA-256 as the manifest says, by sha256sum.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(opened.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["environment"], "development");
    assert_eq!(manifest["chain_id"], 1337);
    assert!(manifest["genesis"].as_str().is_some_and(|g| g.len() == 66));
    for file in manifest["files"].as_array().expect("files") {
        let path = opened
            .join("files")
            .join(file["path"].as_str().expect("path"));
        let sum = std::process::Command::new("sha256sum")
            .arg(&path)
            .output()
            .expect("sha256sum");
        let sum = stdout(&sum);
        assert_eq!(
            Some(file["sha256"].as_str().expect("sha")),
            sum.split_whitespace().next()
        );
        assert_eq!(
            std::fs::metadata(&path).expect("file").len(),
            file["size"].as_u64().expect("size")
        );
    }

    // An empty copy of the project: restored, checked against the chain's
    // code, and deploy finds everything done.
    let other = tempfile::tempdir().expect("tmp");
    let fresh = repository_copy(&other);
    let restored = slipway(&fresh)
        .args(["restore", &archive.display().to_string(), "--verify"])
        .output()
        .expect("restore");
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(
        stderr(&restored).contains("Restored"),
        "{}",
        stderr(&restored)
    );
    assert!(
        stdout(&restored).contains("Bridge"),
        "verified: {}",
        stdout(&restored)
    );
    let again = slipway(&fresh).arg("deploy").output().expect("deploy");
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("nothing to send"),
        "{}",
        stderr(&again)
    );

    // Restoring over what is there now is refused, naming it.
    let before = std::fs::read(fresh.join(".slipway/devnet/chain.log")).expect("chain");
    let said = refused(&fresh, &[&archive.display().to_string()], &[]);
    assert!(said.contains("would overwrite"), "{said}");
    assert!(said.contains("deployments/development/"), "{said}");
    assert_eq!(
        std::fs::read(fresh.join(".slipway/devnet/chain.log")).expect("chain"),
        before
    );
}

/// Nothing of the environment's state exists in `dir`.
fn untouched(dir: &Path) {
    assert!(!dir.join("deployments/development").exists());
    assert!(!dir.join(".slipway/devnet/chain.log").exists());
}

#[test]
fn a_damaged_or_foreign_archive_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = deployed_copy(&tmp);
    let archive = PathBuf::from(backup(
        &dir,
        &["--to", &tmp.path().join("b").display().to_string()],
        &[],
    ));
    let bytes = std::fs::read(&archive).expect("archive");
    let other = tempfile::tempdir().expect("tmp");
    let fresh = repository_copy(&other);

    // Cut short: the last third missing.
    let cut = other.path().join("cut.tar.gz");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).expect("write");
    let said = refused(&fresh, &[&cut.display().to_string()], &[]);
    assert!(said.contains("damaged"), "{said}");
    untouched(&fresh);

    // One file altered after the manifest was written, rebuilt with tar.
    let opened = other.path().join("opened");
    untar(&archive, &opened);
    let record = std::fs::read_dir(opened.join("files/deployments/development"))
        .expect("records")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a record");
    let text = std::fs::read_to_string(&record).expect("record");
    std::fs::write(&record, text.replacen('0', "1", 1)).expect("alter");
    let altered = other.path().join("altered.tar.gz");
    let status = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&altered)
        .arg("-C")
        .arg(&opened)
        .args(["manifest.json", "config.toml", "files"])
        .status()
        .expect("tar");
    assert!(status.success());
    let said = refused(&fresh, &[&altered.display().to_string()], &[]);
    assert!(said.contains("does not match its manifest entry"), "{said}");
    untouched(&fresh);

    // Another chain: the copy's development chain has another id.
    std::fs::write(
        fresh.join("slipway.toml"),
        std::fs::read_to_string(fresh.join("slipway.toml")).expect("config")
            + "\n[environments.development]\nchain_id = 1338\ndevnet = { chain_id = 1338 }\n",
    )
    .expect("config");
    let said = refused(&fresh, &[&archive.display().to_string()], &[]);
    assert!(said.contains("chain 1337"), "{said}");
    assert!(said.contains("chain 1338"), "{said}");
    untouched(&fresh);
}

#[test]
fn a_secret_in_the_state_stops_the_backup_without_naming_its_value() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = deployed_copy(&tmp);
    let key = "PLANTEDETHERSCANKEY0123456789";
    std::fs::write(
        dir.join("deployments/development/notes.md"),
        format!("verify with {key}\n"),
    )
    .expect("notes");
    let to = tmp.path().join("b");
    let out = slipway(&dir)
        .args(["backup", "--to", &to.display().to_string()])
        .env("ETHERSCAN_API_KEY", key)
        .output()
        .expect("backup");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("deployments/development/notes.md"), "{said}");
    assert!(said.contains("ETHERSCAN_API_KEY"), "{said}");
    assert!(!said.contains(key), "the value is never shown: {said}");
    assert!(!to.exists() || std::fs::read_dir(&to).expect("dir").next().is_none());
}

#[test]
fn backups_go_to_s3_and_come_back() {
    let s3 = slipway_testkit::MotoS3::start();
    s3.create_bucket("ops-backups");
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = deployed_copy(&tmp);
    let env = s3.env();
    let location = backup(&dir, &["--to", "s3://ops-backups/slipway/dev"], &env);
    let key = location
        .strip_prefix("s3://ops-backups/")
        .expect("an s3 location")
        .to_owned();
    assert!(
        key.starts_with("slipway/dev/slipway-development-1337-"),
        "{key}"
    );
    // AWS's own client sees the object.
    let listed = s3.list("ops-backups");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].0, key);
    assert!(listed[0].1 > 1000, "{listed:?}");

    let other = tempfile::tempdir().expect("tmp");
    let fresh = repository_copy(&other);
    let mut restore = slipway(&fresh);
    restore.args(["restore", &location]);
    for (k, v) in &env {
        restore.env(k, v);
    }
    let out = restore.output().expect("restore");
    assert!(out.status.success(), "{}", stderr(&out));
    let again = slipway(&fresh).arg("deploy").output().expect("deploy");
    assert!(
        stderr(&again).contains("nothing to send"),
        "{}",
        stderr(&again)
    );

    // A bucket that does not exist: the store's answer, and no archive.
    let mut missing = slipway(&dir);
    missing.args(["backup", "--to", "s3://no-such-bucket/x"]);
    for (k, v) in &env {
        missing.env(k, v);
    }
    let out = missing.output().expect("backup");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("s3://no-such-bucket/x/"), "{said}");
}

/// A chain like `common::node`'s, with another block gas limit: the same
/// chain id, another genesis block.
async fn node_with_gas_limit(
    state: &Path,
    chain_id: u64,
    gas_limit: u64,
) -> slipway_devnet::rpc::ServerHandle {
    let devnet = slipway_config::DevnetSettings {
        chain_id,
        gas_limit,
        ..slipway_config::DevnetSettings::default()
    };
    crate::common::node_of(state, devnet, slipway_devnet::Mining::Auto).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_chain_s_archive_is_restored_only_onto_the_same_genesis() {
    let tmp = tempfile::tempdir().expect("tmp");
    let chain = node_with_gas_limit(&tmp.path().join("a"), 80002, 30_000_000).await;
    let impostor = node_with_gas_limit(&tmp.path().join("b"), 80002, 29_000_000).await;
    let section = "\n[environments.ops-test]\nchain_id = 80002\nrpc = [\"${OPS_URL}\"]\n";
    let dir = repository_copy(&tmp);
    crate::common::append_config(&dir, section);
    let records = dir.join("deployments/ops-test");
    std::fs::create_dir_all(&records).expect("mkdir");
    std::fs::write(
        records.join("Token.json"),
        "{\"address\": \"0x00000000000000000000000000000000000000aa\"}\n",
    )
    .expect("record");
    let url = chain.url.clone();
    let archive = backup(
        &dir,
        &[
            "--env",
            "ops-test",
            "--to",
            &tmp.path().join("b").display().to_string(),
        ],
        &[("OPS_URL", url.clone())],
    );

    let other = tempfile::tempdir().expect("tmp");
    let fresh = repository_copy(&other);
    crate::common::append_config(&fresh, section);
    let said = refused(&fresh, &[&archive], &[("OPS_URL", impostor.url.clone())]);
    assert!(said.contains("genesis"), "{said}");
    assert!(!fresh.join("deployments/ops-test").exists());

    let out = slipway(&fresh)
        .args(["restore", &archive])
        .env("OPS_URL", url)
        .output()
        .expect("restore");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(fresh.join("deployments/ops-test/Token.json")).expect("restored"),
        std::fs::read(records.join("Token.json")).expect("original")
    );
}
