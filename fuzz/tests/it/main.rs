//! The fuzz targets replayed over their corpora on stable (the seeds, and
//! any input a fuzzing run found and saved there).

use std::path::{Path, PathBuf};

fn corpus(relative: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    let mut cases: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_none_or(|x| x != "expect"))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("case");
            (p, bytes)
        })
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 8,
        "{}: only {} cases",
        dir.display(),
        cases.len()
    );
    cases
}

/// Each case through `target`: how many were accepted. Every refusal
/// names the file it is about (`names`), so the user knows where to look.
fn replay(relative: &str, target: fn(&[u8]) -> Result<(), String>, names: &str) -> usize {
    let mut accepted = 0;
    for (path, bytes) in corpus(relative) {
        match target(&bytes) {
            Ok(()) => accepted += 1,
            Err(message) => assert!(
                message.contains(names),
                "{}: `{message}` does not name {names}",
                path.display()
            ),
        }
    }
    accepted
}

#[test]
fn the_config_corpus_replays() {
    // Every environment is resolved, and the production and staging presets
    // need RPC variables the fuzzer does not set: nothing is accepted whole.
    assert_eq!(
        replay(
            "crates/config/testdata/config-corpus",
            slipway_fuzz::config,
            "slipway.toml"
        ),
        0
    );
}

#[test]
fn the_plan_corpus_replays() {
    assert_eq!(
        replay(
            "crates/deploy/testdata/plan-corpus",
            slipway_fuzz::plan,
            "deploy/fuzz.toml"
        ),
        1,
        "only the starter's plan checks"
    );
}

#[test]
fn the_keystore_corpus_replays() {
    assert_eq!(
        replay(
            "crates/keys/testdata/keystore-corpus",
            slipway_fuzz::keystore,
            "fuzz.json"
        ),
        0,
        "every keystore of the corpus is hostile"
    );
}

#[test]
fn the_rpc_corpus_replays_with_json_rpc_answers() {
    let mut answered = 0;
    for (path, bytes) in corpus("crates/devnet/testdata/rpc-corpus") {
        if let Some(answer) = slipway_fuzz::rpc_request(&bytes) {
            let one = |a: &serde_json::Value| {
                a.get("jsonrpc").and_then(|v| v.as_str()) == Some("2.0")
                    && (a.get("result").is_some() || a.get("error").is_some())
            };
            let ok = match &answer {
                serde_json::Value::Array(all) => all.iter().all(one),
                single => one(single),
            };
            assert!(ok, "{}: {answer}", path.display());
            answered += 1;
        }
    }
    assert!(answered >= 40, "only {answered} answered");
}
