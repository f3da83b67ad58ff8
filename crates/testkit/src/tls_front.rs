//! A TLS front that is not written here: Debian's stunnel, terminating TLS
//! on a free loopback port and forwarding plain TCP to a backend.

use std::{net::SocketAddr, process::Command};

use crate::{Cert, Running, free_port};

/// stunnel in front of a backend.
#[derive(Debug)]
pub struct TlsFront {
    _process: Running,
    _dir: tempfile::TempDir,
    port: u16,
}

impl TlsFront {
    /// Serves TLS with `cert` on 127.0.0.1 and forwards to `backend`.
    pub fn start(backend: SocketAddr, cert: &Cert) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let config = dir.path().join("stunnel.conf");
        std::fs::write(
            &config,
            format!(
                "foreground = yes\npid =\ndebug = 5\n\n[front]\naccept = 127.0.0.1:{port}\nconnect = {backend}\ncert = {}\nkey = {}\n",
                cert.cert.display(),
                cert.key.display()
            ),
        )
        .expect("stunnel.conf");
        let mut command = Command::new("stunnel");
        command.arg(&config);
        let (process, _) = Running::start(command, "stunnel", "Configuration successful");
        Self {
            _process: process,
            _dir: dir,
            port,
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `https://127.0.0.1:<port>` plus `path`.
    pub fn https(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    /// `wss://127.0.0.1:<port>` plus `path`.
    pub fn wss(&self, path: &str) -> String {
        format!("wss://127.0.0.1:{}{path}", self.port)
    }
}
