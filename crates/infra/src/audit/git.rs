//! Reads a git checkout's HEAD commit and the tags that point at it from
//! its files (`HEAD`, `refs/`, `packed-refs`), without running git: a
//! submodule under `lib/` is named by its tag, or by its commit.

use std::path::{Path, PathBuf};

/// The git directory of a checkout's `.git`: itself, or where a
/// submodule's `.git` file (`gitdir: …`) points.
fn git_dir(dot_git: &Path) -> Option<PathBuf> {
    if dot_git.is_dir() {
        return Some(dot_git.to_path_buf());
    }
    let text = std::fs::read_to_string(dot_git).ok()?;
    let target = text.trim().strip_prefix("gitdir:")?.trim();
    let base = dot_git.parent()?;
    Some(base.join(target))
}

/// The refs packed in `packed-refs`: (name, commit), annotated tags peeled
/// to the commit they tag.
fn packed(dir: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(dir.join("packed-refs")) else {
        return Vec::new();
    };
    let mut refs: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(peeled) = line.strip_prefix('^') {
            if let Some(last) = refs.last_mut() {
                last.1 = peeled.trim().to_owned();
            }
        } else if let Some((hash, name)) = line.split_once(' ')
            && !line.starts_with('#')
        {
            refs.push((name.trim().to_owned(), hash.to_owned()));
        }
    }
    refs
}

fn resolve(dir: &Path, name: &str) -> Option<String> {
    if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
        return Some(text.trim().to_owned());
    }
    packed(dir)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, hash)| hash)
}

fn is_hash(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The commit a checkout's HEAD is at (`dot_git`: its `.git`).
pub(super) fn head(dot_git: &Path) -> Option<String> {
    let dir = git_dir(dot_git)?;
    let head = std::fs::read_to_string(dir.join("HEAD")).ok()?;
    let head = head.trim();
    let commit = match head.strip_prefix("ref:") {
        Some(name) => resolve(&dir, name.trim())?,
        None => head.to_owned(),
    };
    is_hash(&commit).then_some(commit)
}

/// The tags that point at `commit` (loose tags by their file; annotated
/// loose tags are read through `packed-refs` only).
pub(super) fn tags_at(dot_git: &Path, commit: &str) -> Vec<String> {
    let Some(dir) = git_dir(dot_git) else {
        return Vec::new();
    };
    let mut tags: Vec<String> = packed(&dir)
        .into_iter()
        .filter(|(name, hash)| name.starts_with("refs/tags/") && hash == commit)
        .map(|(name, _)| name.trim_start_matches("refs/tags/").to_owned())
        .collect();
    if let Ok(entries) = std::fs::read_dir(dir.join("refs/tags")) {
        for entry in entries.flatten() {
            let points =
                std::fs::read_to_string(entry.path()).is_ok_and(|text| text.trim() == commit);
            if points {
                tags.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";

    #[test]
    fn a_submodule_gitdir_is_followed_to_its_branch_and_packed_tag() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let modules = tmp.path().join(".git/modules/lib/oz");
        std::fs::create_dir_all(&modules).expect("mkdir");
        std::fs::write(modules.join("HEAD"), "ref: refs/heads/master\n").expect("write");
        std::fs::write(
            modules.join("packed-refs"),
            format!(
                "# pack-refs with: peeled\n{A} refs/heads/master\n{B} refs/tags/v4.9.2\n^{A}\n"
            ),
        )
        .expect("write");
        let lib = tmp.path().join("lib/oz");
        std::fs::create_dir_all(&lib).expect("mkdir");
        std::fs::write(lib.join(".git"), "gitdir: ../../.git/modules/lib/oz\n").expect("write");
        assert_eq!(head(&lib.join(".git")).as_deref(), Some(A));
        assert_eq!(tags_at(&lib.join(".git"), A), vec!["v4.9.2".to_owned()]);
        assert!(
            tags_at(&lib.join(".git"), B).is_empty(),
            "the peeled commit counts, not the tag object"
        );
    }

    #[test]
    fn a_detached_head_and_a_loose_tag() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let git = tmp.path().join(".git");
        std::fs::create_dir_all(git.join("refs/tags")).expect("mkdir");
        std::fs::write(git.join("HEAD"), format!("{B}\n")).expect("write");
        std::fs::write(git.join("refs/tags/v1.0.0"), format!("{B}\n")).expect("write");
        assert_eq!(head(&git).as_deref(), Some(B));
        assert_eq!(tags_at(&git, B), vec!["v1.0.0".to_owned()]);
        assert_eq!(head(&tmp.path().join("missing")), None);
    }
}
