//! Rules of the workspace's layout that a reviewer would otherwise have to
//! remember: only the chain layer speaks JSON-RPC.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// JSON-RPC method names are written by the chain layer (and the dev
/// chain that answers them) only: everything above asks the typed client.
#[test]
fn only_chain_and_devnet_write_json_rpc_method_names() {
    let crates = workspace().join("crates");
    let mut offenders = Vec::new();
    let mut scanned = 0;
    for entry in std::fs::read_dir(&crates).expect("crates").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "chain" || name == "devnet" {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&entry.path().join("src"), &mut files);
        for file in files {
            scanned += 1;
            let text = std::fs::read_to_string(&file).expect("source");
            for (i, line) in text.lines().enumerate() {
                if ["\"eth_", "\"debug_", "\"anvil_", "\"hardhat_"]
                    .iter()
                    .any(|p| line.contains(p))
                {
                    offenders.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        scanned > 50,
        "only {scanned} files scanned: wrong directory?"
    );
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}
