//! Foundry's anvil (npm `@foundry-rs/anvil-linux-amd64`, pinned in the
//! workspace's package.json), started on a free port.

use std::{net::SocketAddr, process::Command};

use crate::{Running, workspace_root};

/// A running anvil.
#[derive(Debug)]
pub struct Anvil {
    process: Running,
    addr: SocketAddr,
}

impl Anvil {
    /// anvil with `chain_id`, automining, plus `extra` arguments.
    pub fn start(chain_id: u64, extra: &[&str]) -> Self {
        let binary = workspace_root().join("node_modules/.bin/anvil");
        assert!(
            binary.exists(),
            "{} is missing: run `npm ci` in the workspace root",
            binary.display()
        );
        let mut command = Command::new(binary);
        command
            .args(["--host", "127.0.0.1", "--port", "0", "--chain-id"])
            .arg(chain_id.to_string())
            .args(extra);
        let (process, line) = Running::start(command, "anvil", "Listening on ");
        let addr = line
            .rsplit(' ')
            .next()
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or_else(|| panic!("anvil's address in `{line}`"));
        Self { process, addr }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }
}
