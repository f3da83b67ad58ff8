//! Checks' answers kept per build: a question asked again of the same
//! build-info (the same files, sizes and modification times, the same
//! question, the same slipway) is answered from the cache folder
//! (`.slipway/cache/upgrades/`), without reading the build-info. An answer
//! that does not read back is never written, and one that does not read
//! is asked again.

use std::path::{Path, PathBuf};

use alloy_primitives::keccak256;
use serde::{Serialize, de::DeserializeOwned};

use crate::{ContractReport, Reference, UpgradesError, check, load_dir};

/// Answers kept at most; the oldest go first.
const KEPT: usize = 32;

/// A check's question in words: the contract and the reference.
fn question(contract: Option<&str>, reference: Reference<'_>) -> Option<String> {
    let reference = match reference {
        Reference::Annotated => "annotated".to_owned(),
        Reference::Contract(name) => format!("contract:{name}"),
        Reference::Layout(shown, layout) => {
            format!("layout:{shown}:{}", serde_json::to_string(layout).ok()?)
        }
    };
    Some(format!("check {contract:?} {reference}"))
}

/// The file of `question` asked of the build-info in `dir`, named by the
/// files as the file system shows them, the question, and this slipway.
fn answer_file(dir: &Path, cache: &Path, question: &str) -> Option<PathBuf> {
    let mut files: Vec<(String, u64, u128)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_nanos();
            Some((
                e.file_name().to_string_lossy().into_owned(),
                meta.len(),
                modified,
            ))
        })
        .collect();
    files.sort();
    let asked = format!(
        "slipway-upgrades {} answers 1 {files:?} {question}",
        env!("CARGO_PKG_VERSION")
    );
    let key = alloy_primitives::hex::encode(keccak256(asked.as_bytes()));
    Some(cache.join(format!("check-{key}.json")))
}

/// The answer kept in `cache` for `question` about the build-info in
/// `dir`, if there is one that reads.
pub fn kept<T: DeserializeOwned>(dir: &Path, cache: &Path, question: &str) -> Option<T> {
    let file = answer_file(dir, cache, question)?;
    serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()
}

/// Keeps `answer` to `question` about the build-info in `dir` in `cache`.
pub fn keep<T: Serialize + DeserializeOwned>(dir: &Path, cache: &Path, question: &str, answer: &T) {
    if let Some(file) = answer_file(dir, cache, question) {
        write(&file, answer);
    }
}

/// [`check`] of the build-info in `dir`, answered from `cache` when it
/// holds this question's answer, and kept there otherwise.
pub fn check_dir(
    dir: &Path,
    cache: Option<&Path>,
    contract: Option<&str>,
    reference: Reference<'_>,
) -> Result<Vec<ContractReport>, UpgradesError> {
    let asked = cache.zip(question(contract, reference));
    if let Some(reports) = asked.as_ref().and_then(|(cache, q)| kept(dir, cache, q)) {
        return Ok(reports);
    }
    let infos = load_dir(dir)?;
    let reports: Vec<ContractReport> = check(&infos, contract, reference)?;
    // Freeing the trees node by node takes a sixth of a whole-build
    // check: it is done beside the caller, which goes on (or exits).
    std::thread::spawn(move || drop(infos));
    if let Some((cache, q)) = &asked {
        keep(dir, cache, q, &reports);
    }
    Ok(reports)
}

/// Writes `answer` to `file` (through a temporary file) if it reads back
/// as written, and forgets the oldest answers beyond [`KEPT`]. A cache
/// that cannot be written is no error: the next run asks again.
fn write<T: Serialize + DeserializeOwned>(file: &Path, answer: &T) {
    let Ok(text) = serde_json::to_string(answer) else {
        return;
    };
    let reads_back = serde_json::from_str::<T>(&text)
        .ok()
        .and_then(|read| serde_json::to_string(&read).ok())
        .is_some_and(|again| again == text);
    let Some(dir) = file.parent().filter(|_| reads_back) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let temp = file.with_extension("tmp");
    if std::fs::write(&temp, &text).is_err() || std::fs::rename(&temp, file).is_err() {
        let _ = std::fs::remove_file(&temp);
        return;
    }
    let mut kept: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("check-"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    kept.sort();
    let excess = kept.len().saturating_sub(KEPT);
    for (_, old) in kept.into_iter().take(excess) {
        let _ = std::fs::remove_file(old);
    }
}
