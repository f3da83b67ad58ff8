//! An HTTP proxy that is not written here: Debian's tinyproxy, allowing
//! CONNECT to any port, on a free loopback port.

use std::process::Command;

use crate::{Running, free_port};

/// tinyproxy, running.
#[derive(Debug)]
pub struct Proxy {
    _process: Running,
    _dir: tempfile::TempDir,
    port: u16,
}

impl Proxy {
    /// Starts tinyproxy on 127.0.0.1.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let config = dir.path().join("tinyproxy.conf");
        // No ConnectPort line: CONNECT is allowed to every port.
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\nLogLevel Info\nMaxClients 20\n"
            ),
        )
        .expect("tinyproxy.conf");
        let mut command = Command::new("tinyproxy");
        command.arg("-d").arg("-c").arg(&config);
        let (process, _) = Running::start(command, "tinyproxy", "Starting main loop");
        Self {
            _process: process,
            _dir: dir,
            port,
        }
    }

    /// `http://127.0.0.1:<port>`, for `HTTPS_PROXY`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}
