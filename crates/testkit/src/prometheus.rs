//! Debian's `prometheus` and `prometheus-alertmanager`, each started on a
//! free port with a configuration the test writes, and stopped by PID.

use std::{path::Path, process::Command};

use crate::{Running, free_port};

/// `program` started on a free port with `config` written to `file` in a
/// directory of its own; `args` are its flags given the directory and port.
fn start_configured(
    program: &str,
    file: &str,
    config: &str,
    args: impl FnOnce(&Path, &Path, u16) -> Vec<String>,
    ready: &str,
) -> (Running, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a directory for the program");
    let port = free_port();
    let path = dir.path().join(file);
    std::fs::write(&path, config).expect("its configuration");
    let mut command = Command::new(program);
    command.args(args(dir.path(), &path, port));
    let (process, _) = Running::start(command, program, ready);
    (process, format!("http://127.0.0.1:{port}"), dir)
}

/// A running Prometheus scraping the given targets every second.
#[derive(Debug)]
pub struct Prometheus {
    _process: Running,
    url: String,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    /// Prometheus scraping `targets` (`host:port`, path `/metrics`) every
    /// second, with `rules` (alert rule files) loaded.
    pub fn start(targets: &[String], rules: &[&Path]) -> Self {
        let rule_files: Vec<String> = rules
            .iter()
            .map(|r| format!("  - {}\n", r.display()))
            .collect();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{}scrape_configs:\n  - job_name: slipway-monitor\n    static_configs:\n      - targets: [{}]\n",
            if rule_files.is_empty() {
                String::new()
            } else {
                format!("rule_files:\n{}", rule_files.concat())
            },
            targets
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let (process, url, dir) = start_configured(
            "prometheus",
            "prometheus.yml",
            &config,
            |dir, file, port| {
                vec![
                    format!("--config.file={}", file.display()),
                    format!("--storage.tsdb.path={}", dir.join("data").display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                ]
            },
            "Server is ready to receive web requests",
        );
        Self {
            _process: process,
            url,
            _dir: dir,
        }
    }

    /// Its base URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// A running Alertmanager (no cluster gossip; groups sent at once).
#[derive(Debug)]
pub struct Alertmanager {
    _process: Running,
    url: String,
    _dir: tempfile::TempDir,
}

impl Alertmanager {
    /// Alertmanager notifying `webhook` (a URL) of every group at once, and
    /// again no sooner than an hour later.
    pub fn start(webhook: &str) -> Self {
        let config = format!(
            "route:\n  receiver: hook\n  group_by: ['key']\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: '{webhook}'\n        send_resolved: true\n"
        );
        let (process, url, dir) = start_configured(
            "prometheus-alertmanager",
            "alertmanager.yml",
            &config,
            |dir, file, port| {
                vec![
                    format!("--config.file={}", file.display()),
                    format!("--storage.path={}", dir.join("data").display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                    // No gossip on the fixed port 9094.
                    "--cluster.listen-address=".to_owned(),
                ]
            },
            "Listening on",
        );
        Self {
            _process: process,
            url,
            _dir: dir,
        }
    }

    /// Its base URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}
