//! `--watch`: wait for a change to the project's Solidity sources or its
//! configuration, so that a command can run again (the build cache
//! recompiles only what changed).

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::mpsc::{Receiver, channel},
};

use eyre::{Result, WrapErr, bail};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use slipway_config::Config;

/// Files at the root whose change reruns the command.
const ROOT_FILES: [&str; 3] = ["slipway.toml", "remappings.txt", ".env"];

/// Watches a project; created before the first run, so that no change made
/// during it is missed.
pub(crate) struct ProjectWatch {
    root: PathBuf,
    events: Receiver<notify::Result<notify::Event>>,
    // Dropping it stops the events.
    _watcher: RecommendedWatcher,
}

impl ProjectWatch {
    /// Watches the sources, tests and libraries of `config` (not
    /// `node_modules`: npm packages change by `npm install`, and the tree
    /// is large) and the configuration files at its root.
    pub(crate) fn new(config: &Config) -> Result<Self> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx).wrap_err("cannot watch files")?;
        let root = config.root.clone();
        let mut dirs: Vec<PathBuf> = vec![
            config.path(&config.project.src),
            config.path(&config.project.test),
            root.join("lib"),
        ];
        dirs.extend(
            config
                .project
                .libs
                .iter()
                .map(|l| config.path(l))
                .filter(|l| l.file_name().is_none_or(|n| n != "node_modules")),
        );
        dirs.sort();
        dirs.dedup();
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .wrap_err_with(|| format!("cannot watch {}", dir.display()))?;
        }
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .wrap_err_with(|| format!("cannot watch {}", root.display()))?;
        Ok(Self {
            root,
            events,
            _watcher: watcher,
        })
    }

    /// Blocks until a source or configuration file changes; returns the
    /// files changed, relative to the root (with every change already
    /// queued, so that one save that touches a file twice runs once).
    pub(crate) fn next_change(&self) -> Result<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            let Ok(event) = self.events.recv() else {
                bail!("the file watcher stopped");
            };
            self.collect(event, &mut changed);
        }
        while let Ok(event) = self.events.try_recv() {
            self.collect(event, &mut changed);
        }
        Ok(changed)
    }

    fn collect(&self, event: notify::Result<notify::Event>, into: &mut BTreeSet<PathBuf>) {
        let Ok(event) = event else {
            return;
        };
        if !matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) {
            return;
        }
        for path in event.paths {
            if relevant(&self.root, &path) {
                into.insert(path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf());
            }
        }
    }
}

/// A Solidity file anywhere watched, or a configuration file at the root.
fn relevant(root: &Path, path: &Path) -> bool {
    if path.extension().is_some_and(|x| x == "sol") {
        return true;
    }
    path.parent() == Some(root)
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| ROOT_FILES.contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_and_root_configuration_count() {
        let root = Path::new("/p");
        assert!(relevant(root, Path::new("/p/contracts/src/A.sol")));
        assert!(relevant(root, Path::new("/p/slipway.toml")));
        assert!(relevant(root, Path::new("/p/remappings.txt")));
        assert!(!relevant(
            root,
            Path::new("/p/contracts/lib/x/slipway.toml")
        ));
        assert!(!relevant(root, Path::new("/p/out/A.sol/A.json")));
        assert!(!relevant(root, Path::new("/p/contracts/src/A.sol.swp")));
        assert!(!relevant(root, Path::new("/p/notes.md")));
    }
}
