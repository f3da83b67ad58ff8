//! The no-op fast path: after each clean build, every source file of the
//! compilation (the project's and its libraries') is stamped with its size
//! and modification time, next to the build key, the list of `.sol` files
//! in the source and test directories, and the contract sizes. A build
//! whose key is the same, whose stamped files all still have their stamps
//! and whose directories hold the same files has nothing to compile: it is
//! answered from the fingerprint without parsing a single source. Any doubt
//! (a missing or unreadable fingerprint, any difference) falls through to
//! the full incremental build. As git does with its index, a file modified
//! less than two seconds before the fingerprint was taken is not trusted
//! (an edit in the same tick of a coarse clock, of the same length, would
//! otherwise go unseen).

use std::{
    fs,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};

use crate::{ContractSize, index::IndexEntry};

/// One file's stamp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified_ns: u128,
}

/// How recent a modification must be, before the fingerprint, to count as
/// racy.
const RACY: Duration = Duration::from_secs(2);

fn nanos(time: SystemTime) -> Option<u128> {
    Some(time.duration_since(UNIX_EPOCH).ok()?.as_nanos())
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    let modified_ns = nanos(meta.modified().ok()?)?;
    Some(Stamp {
        path: path.to_path_buf(),
        len: meta.len(),
        modified_ns,
    })
}

/// What a clean build left.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Fingerprint {
    key: String,
    taken_ns: u128,
    stamps: Vec<Stamp>,
    /// The artifacts, compared exactly (they are written just before the
    /// fingerprint, so the racy rule cannot apply to them): a deleted or
    /// rewritten artifact sends the build down the slow path.
    outputs: Vec<Stamp>,
    listed: Vec<PathBuf>,
    contracts: Vec<ContractSize>,
    /// Every contract with its artifact file and that file's hash.
    index: Vec<IndexEntry>,
}

/// What an unchanged build is answered with.
pub(crate) struct Unchanged {
    /// Every contract with its code sizes.
    pub(crate) contracts: Vec<ContractSize>,
    /// Every contract with its artifact.
    pub(crate) index: Vec<IndexEntry>,
}

/// Every file under `dirs` that `keep` accepts, sorted.
fn files_under(dirs: &[PathBuf], keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(_) if keep(&path) => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

/// Every `.sol` file under `dirs`, sorted.
fn solidity_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    files_under(dirs, |p| p.extension().is_some_and(|e| e == "sol"))
}

fn stamps(paths: impl IntoIterator<Item = PathBuf>) -> Option<Vec<Stamp>> {
    paths.into_iter().map(|p| stamp(&p)).collect()
}

impl Fingerprint {
    /// Stamps `sources` and every file under `artifacts` now.
    pub(crate) fn take(
        key: String,
        sources: impl IntoIterator<Item = PathBuf>,
        dirs: &[PathBuf],
        artifacts: &Path,
        contracts: Vec<ContractSize>,
        index: Vec<IndexEntry>,
    ) -> Option<Self> {
        Some(Self {
            key,
            taken_ns: nanos(SystemTime::now())?,
            stamps: stamps(sources)?,
            outputs: stamps(files_under(&[artifacts.to_path_buf()], |_| true))?,
            listed: solidity_files(dirs),
            contracts,
            index,
        })
    }

    pub(crate) fn write(&self, path: &Path) {
        // Best effort: without it the next build only takes the slow path.
        if let Ok(json) = serde_json::to_vec(self) {
            let partial = path.with_extension("partial");
            if fs::write(&partial, json).is_ok() {
                let _ = fs::rename(&partial, path);
            }
        }
    }

    pub(crate) fn read(path: &Path) -> Option<Self> {
        serde_json::from_slice(&fs::read(path).ok()?).ok()
    }

    /// The contracts of the build, if nothing it depends on changed.
    pub(crate) fn still_holds(self, key: &str, dirs: &[PathBuf]) -> Option<Unchanged> {
        let settled = self.taken_ns.saturating_sub(RACY.as_nanos());
        let same = |s: &Stamp| stamp(&s.path).as_ref() == Some(s);
        (crate::testing::trusted()
            || self.key == key
                && self
                    .stamps
                    .iter()
                    .all(|s| s.modified_ns < settled && same(s))
                && self.outputs.iter().all(same)
                && solidity_files(dirs) == self.listed)
            .then_some(Unchanged {
                contracts: self.contracts,
                index: self.index,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size() -> ContractSize {
        ContractSize {
            source: "contracts/src/A.sol".into(),
            name: "A".into(),
            runtime: 10,
            init: 20,
        }
    }

    #[test]
    fn holds_until_a_file_key_or_listing_changes() {
        let tmp = tempfile::tempdir().expect("tmp");
        let src = tmp.path().join("src");
        fs::create_dir_all(&src).expect("dir");
        let a = src.join("A.sol");
        let settle = |path: &Path| {
            let long_ago = SystemTime::now() - Duration::from_secs(60);
            fs::File::options()
                .write(true)
                .open(path)
                .and_then(|f| f.set_modified(long_ago))
                .expect("set mtime");
        };
        fs::write(&a, "contract A {}").expect("write");
        let dirs = [src.clone()];
        let out = tmp.path().join("out");
        fs::create_dir_all(&out).expect("out");
        let artifact = out.join("A.json");
        fs::write(&artifact, "{}").expect("artifact");
        let fresh = Fingerprint::take("k".into(), [a.clone()], &dirs, &out, vec![size()], vec![])
            .expect("stamped");
        assert!(
            fresh.still_holds("k", &dirs).is_none(),
            "a file written just before the fingerprint is not trusted"
        );
        settle(&a);
        let take = || {
            Fingerprint::take("k".into(), [a.clone()], &dirs, &out, vec![size()], vec![])
                .expect("stamped")
        };

        assert!(take().still_holds("k", &dirs).is_some());
        assert!(take().still_holds("other key", &dirs).is_none());

        let before = take();
        fs::write(&a, "contract B {}").expect("an edit of the same length");
        assert!(before.still_holds("k", &dirs).is_none(), "an edited file");
        settle(&a);

        let before = take();
        fs::write(src.join("B.sol"), "contract B {}").expect("new file");
        assert!(before.still_holds("k", &dirs).is_none(), "a new file");

        let before = take();
        fs::remove_file(&artifact).expect("remove");
        assert!(
            before.still_holds("k", &dirs).is_none(),
            "a removed artifact"
        );

        let before = take();
        fs::remove_file(&a).expect("remove");
        assert!(before.still_holds("k", &dirs).is_none(), "a removed file");
    }
}
