//! `slipway monitor`: one replica of an environment's monitor
//! (`slipway_monitor::Monitor`), a pass every `[monitor] interval` until
//! SIGTERM or Ctrl-C (the pass under way finishes, its cursor saved), or a
//! single pass with `--once`; metrics on `[monitor] listen`.

use std::{
    net::SocketAddr,
    process::ExitCode,
    sync::{Arc, atomic::AtomicBool},
};

use clap::Args;
use eyre::Result;
use slipway_monitor::{Alert, Monitor, MonitorOptions, PassReport, Sinks, Tripped};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::session::{ask_password, connect, environment, runtime};

/// `slipway monitor`.
#[derive(Debug, Args)]
pub(crate) struct MonitorArgs {
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// One pass, then exit: 1 when an alert at or above `[monitor] fail_on`
    /// fired.
    #[arg(long)]
    once: bool,
    /// Only the health checks, without reading blocks or keeping a cursor
    /// (with --once: scheduled jobs).
    #[arg(long, requires = "once")]
    health_only: bool,
    /// Where to serve /metrics, /healthz and /readyz (default: `[monitor]
    /// listen`, 127.0.0.1:9464).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Also answer requests naming this host (the metrics answer only
    /// loopback names by default).
    #[arg(long, value_name = "HOST")]
    allow_host: Vec<String>,
    /// Where this replica keeps its cursor and outbox (default:
    /// `.slipway/env/<env>/monitor/`). Each replica needs its own.
    #[arg(long, value_name = "DIR")]
    state_dir: Option<std::path::PathBuf>,
}

fn show_alert(alert: &Alert) {
    let state = if alert.retracted { " (retracted)" } else { "" };
    println!(
        "ALERT [{}] {}{state}: {} (key {})",
        alert.severity_label(),
        alert.name,
        alert.summary,
        alert.key
    );
}

fn show_pass(global: &GlobalOpts, report: &PassReport, emf: Option<&str>) {
    let ui = global.ui();
    if let Some(env) = emf {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        for line in slipway_monitor::emf::lines(&report.figures, env, ms) {
            println!("{line}");
        }
    }
    if let Some((from, to)) = report.blocks {
        crate::output::status(
            ui,
            "Read",
            &format!(
                "blocks {from}–{to}{}",
                if report.behind > 0 {
                    format!(" (catching up: {} blocks behind)", report.behind)
                } else {
                    String::new()
                }
            ),
        );
    }
    if !report.found.is_empty() {
        let cooling = report
            .found
            .len()
            .saturating_sub(report.alerts.iter().filter(|a| !a.retracted).count());
        crate::output::status(
            ui,
            "Found",
            &format!(
                "{}{}",
                crate::output::count(report.found.len(), "problem"),
                if cooling > 0 {
                    format!(" ({cooling} cooling down, not sent again)")
                } else {
                    String::new()
                }
            ),
        );
    }
    for tripped in &report.tripped {
        match tripped {
            Tripped::Paused {
                contract,
                outcome,
                incident,
            } => crate::output::status(
                ui,
                "Paused",
                &format!(
                    "{contract}: {} (incident {incident})",
                    slipway_ops::incident::markdown::outcome_words(outcome)
                ),
            ),
            Tripped::AlreadyPaused { contract } => crate::output::status(
                ui,
                "Breaker",
                &format!("{contract} was already paused: nothing sent"),
            ),
        }
    }
    for (key, why) in &report.undelivered {
        crate::output::status(
            ui,
            "Undelivered",
            &format!("{key}: {why} (kept in the outbox)"),
        );
    }
}

impl MonitorArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let fail_on = config.monitor.fail_on;
        let emf = config.monitor.cloudwatch.map(|_| env.name.clone());
        let interval = config.monitor.interval;
        let listen = self.listen.unwrap_or(config.monitor.listen);
        let guardian = if config.monitor.rule.iter().any(|r| r.pause.is_some()) {
            Some(slipway_chain::resolve_signer(
                &env,
                "guardian",
                config.vars(),
                &ask_password,
            )?)
        } else {
            None
        };
        let rt = runtime()?;
        rt.block_on(async {
            let client = connect(&config, &env).await?;
            let sinks = Sinks::new(&config, Box::new(show_alert))?;
            let state_dir = self
                .state_dir
                .clone()
                .unwrap_or_else(|| slipway_monitor::state_dir(&config.root, &env.name));
            let options = MonitorOptions {
                health_only: self.health_only,
                state_dir: Some(state_dir),
                clock: Arc::new(slipway_ops::time::SystemClock),
                guardian,
            };
            let mut monitor = Monitor::open(config, env, client, sinks, options).await?;
            if self.once {
                let report = monitor.pass().await?;
                show_pass(global, &report, emf.as_deref());
                return Ok(match report.worst() {
                    Some(worst) if worst >= fail_on => CHECK_FAILED.into(),
                    _ => ExitCode::SUCCESS,
                });
            }
            let ready = Arc::new(AtomicBool::new(false));
            let registry = monitor.metrics().registry();
            let server = slipway_monitor::serve(
                listen,
                registry,
                Arc::clone(&ready),
                slipway_net::Exposure::with(&self.allow_host, &[]),
            )
            .await?;
            crate::output::status(
                global.ui(),
                "Monitoring",
                &format!(
                    "every {}; metrics on http://{}/metrics",
                    humantime::format_duration(interval),
                    server.addr
                ),
            );
            let mut ticks = tokio::time::interval(interval);
            let mut terminate =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = tokio::signal::ctrl_c() => break,
                    _ = terminate.recv() => break,
                }
                match monitor.pass().await {
                    Ok(report) => {
                        show_pass(global, &report, emf.as_deref());
                        ready.store(true, std::sync::atomic::Ordering::Release);
                    }
                    Err(e) => tracing::warn!("the monitor's pass failed: {e}"),
                }
            }
            crate::output::status(
                global.ui(),
                "Stopped",
                &format!(
                    "the cursor is saved; the next start reads from block {}",
                    monitor.next_block()
                ),
            );
            server.stop();
            Ok(ExitCode::SUCCESS)
        })
    }
}
