//! Debian's `prometheus` and `prometheus-alertmanager`, each started on a
//! free port with a configuration the test writes, and stopped by PID.

use std::{path::Path, process::Command};

use crate::{Running, free_port};

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
        let dir = tempfile::tempdir().expect("a directory for prometheus");
        let port = free_port();
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
        let file = dir.path().join("prometheus.yml");
        std::fs::write(&file, config).expect("prometheus.yml");
        let mut command = Command::new("prometheus");
        command
            .arg(format!("--config.file={}", file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"));
        let (process, _) = Running::start(
            command,
            "prometheus",
            "Server is ready to receive web requests",
        );
        Self {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
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
        let dir = tempfile::tempdir().expect("a directory for alertmanager");
        let port = free_port();
        let config = format!(
            "route:\n  receiver: hook\n  group_by: ['key']\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: '{webhook}'\n        send_resolved: true\n"
        );
        let file = dir.path().join("alertmanager.yml");
        std::fs::write(&file, config).expect("alertmanager.yml");
        let mut command = Command::new("prometheus-alertmanager");
        command
            .arg(format!("--config.file={}", file.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=");
        let (process, _) = Running::start(command, "alertmanager", "Listening on");
        Self {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    /// Its base URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}
