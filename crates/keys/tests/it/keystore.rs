//! Keystores: the Web3 Secret Storage test vectors (PBKDF2 and scrypt),
//! round trips with ethers v6 in both directions, and slipway's own files.

use std::{path::Path, process::Command};

use alloy_primitives::{Address, B256, address};
use slipway_keys::{KeystoreError, Keystores, Password};

/// The documented vectors' key, password and address.
const SECRET: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const VECTOR_ADDRESS: Address = address!("008aeeda4d805471df9b2a5b0f38a0c3bcba786b");

const PBKDF2: &str = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;

const SCRYPT: &str = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":8,"r":1,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn the_documented_vectors_decrypt_and_a_wrong_password_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The scrypt vector uses n = 2^18 with r = 1, outside RFC 7914's bound
    // (n < 2^(16·r)) that the scrypt crate enforces: slipway's own scrypt
    // reads it.
    let scrypt = write(dir.path(), "scrypt.json", SCRYPT);
    let key = Keystores::unlock(&scrypt, &Password::new("testpassword")).expect("scrypt vector");
    assert_eq!(key.address(), VECTOR_ADDRESS);
    assert_eq!(key.signer().to_bytes().to_string(), format!("0x{SECRET}"));
    let wrong =
        Keystores::unlock(&scrypt, &Password::new("testpassworD")).expect_err("wrong password");
    assert!(matches!(wrong, KeystoreError::Decrypt(_)), "{wrong}");
    let path = write(dir.path(), "pbkdf2.json", PBKDF2);
    let key = Keystores::unlock(&path, &Password::new("testpassword")).expect("pbkdf2 vector");
    assert_eq!(key.address(), VECTOR_ADDRESS);
    assert_eq!(key.signer().to_bytes().to_string(), format!("0x{SECRET}"));
    let wrong =
        Keystores::unlock(&path, &Password::new("testpassworD")).expect_err("wrong password");
    assert!(matches!(wrong, KeystoreError::Decrypt(_)), "{wrong}");
    let missing =
        Keystores::unlock(&dir.path().join("none.json"), &Password::new("x")).expect_err("missing");
    assert!(
        missing.to_string().contains("slipway account list"),
        "{missing}"
    );
}

#[test]
fn created_and_imported_keystores_list_and_unlock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keystores = Keystores::at(dir.path().join("keystores"));
    assert!(
        keystores.list().expect("empty").is_empty(),
        "no directory yet is an empty list"
    );
    let password = Password::new("correct horse");
    let created = keystores.create("deployer", &password).expect("create");
    let secret: B256 = SECRET.parse().expect("hex");
    let imported = keystores
        .import("vector", secret, &password)
        .expect("import");
    assert_eq!(imported, VECTOR_ADDRESS);
    assert_eq!(
        keystores.list().expect("list"),
        [
            ("deployer".to_owned(), Some(created)),
            ("vector".to_owned(), Some(imported))
        ]
    );
    let path = keystores.path("deployer").expect("path");
    assert_eq!(
        Keystores::unlock(&path, &password)
            .expect("unlock")
            .address(),
        created
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner may read a keystore");
    }

    let again = keystores.create("deployer", &password).expect_err("exists");
    assert!(matches!(again, KeystoreError::Exists { .. }), "{again}");
    assert!(matches!(
        keystores.create("../escape", &password),
        Err(KeystoreError::BadName(_))
    ));
    assert!(matches!(
        keystores.import("zero", B256::ZERO, &password),
        Err(KeystoreError::BadKey)
    ));
}

#[test]
fn keys_and_passwords_never_show_in_debug() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "pbkdf2.json", PBKDF2);
    let password = Password::new("testpassword");
    let key = Keystores::unlock(&path, &password).expect("unlock");
    let shown = format!("{key:?} {password:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains(&SECRET[..16]),
        "{shown}"
    );
    assert!(!shown.contains("testpassword"), "{shown}");
    assert!(shown.contains(&VECTOR_ADDRESS.to_string()), "{shown}");
}

fn node(args: &[&str]) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ethers_keystore.mjs");
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(repo)
        .output()
        .expect("node (Node.js) on PATH; `npm ci` installs ethers");
    assert!(
        output.status.success(),
        "ethers failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn keystores_round_trip_with_ethers() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Theirs decrypts here.
    let theirs = dir.path().join("ethers.json");
    let address = node(&[
        "encrypt",
        &format!("0x{SECRET}"),
        "from ethers",
        theirs.to_str().expect("utf-8"),
    ]);
    assert_eq!(address.parse::<Address>().expect("address"), VECTOR_ADDRESS);
    let key = Keystores::unlock(&theirs, &Password::new("from ethers")).expect("ethers' keystore");
    assert_eq!(key.address(), VECTOR_ADDRESS);

    // Ours decrypts there.
    let keystores = Keystores::at(dir.path());
    let created = keystores
        .create("ours", &Password::new("from slipway"))
        .expect("create");
    let path = keystores.path("ours").expect("path");
    let decrypted = node(&["decrypt", path.to_str().expect("utf-8"), "from slipway"]);
    assert_eq!(decrypted.parse::<Address>().expect("address"), created);
}

/// Hostile and damaged keystores (`testdata/keystore-corpus`, each with the
/// words its refusal must contain in `<file>.expect`) are refused before
/// any key is derived: no panic, no huge allocation, no hang.
#[test]
fn the_hostile_keystore_corpus_is_refused_naming_the_field() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keystore-corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let expect = std::fs::read_to_string(path.with_extension("json.expect"))
            .expect("an .expect file beside each case");
        let error = Keystores::unlock(&path, &Password::new("testpassword"))
            .expect_err("hostile keystores are refused");
        assert!(
            matches!(error, KeystoreError::Malformed { .. }),
            "{}: {error}",
            path.display()
        );
        assert!(
            error.to_string().contains(expect.trim()),
            "{}: `{error}` does not name {}",
            path.display(),
            expect.trim()
        );
        seen += 1;
    }
    assert!(seen >= 9, "the corpus has {seen} cases");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// Random texts, and a genuine keystore with one character replaced,
    /// are answered without a panic (the fuzz target's property, on stable).
    #[test]
    fn any_text_is_answered_without_a_panic(
        noise in ".{0,200}",
        at in 0usize..PBKDF2.len(),
        replacement in proptest::char::any(),
    ) {
        let path = Path::new("random.json");
        let password = Password::new("testpassword");
        let _ = Keystores::unlock_text(&noise, path, &password);
        let mut damaged: Vec<char> = PBKDF2.chars().collect();
        damaged[at] = replacement;
        let damaged: String = damaged.into_iter().collect();
        // A cheap iteration count, so that damage elsewhere still derives.
        let damaged = damaged.replace("\"c\":262144", "\"c\":1");
        let _ = Keystores::unlock_text(&damaged, path, &password);
    }
}

#[test]
fn keystores_are_recognised_in_either_spelling_and_records_are_not() {
    assert!(Keystores::is_keystore(SCRYPT.as_bytes()));
    assert!(Keystores::is_keystore(
        PBKDF2.replace("\"crypto\"", "\"Crypto\"").as_bytes()
    ));
    assert!(!Keystores::is_keystore(
        br#"{"address": "0x00", "abi": []}"#
    ));
    assert!(!Keystores::is_keystore(b"slipway-devnet-log 1\n"));
}
