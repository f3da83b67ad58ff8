//! `slipway probe URL`: a container's health check in exec form (the image
//! has no shell): exit 0 when the URL answers 2xx within the timeout, 1
//! otherwise. It reads no project.

use std::{process::ExitCode, time::Duration};

use clap::Args;
use eyre::Result;
use slipway_net::Probe;

use crate::global::{CHECK_FAILED, GlobalOpts};

/// Check that a URL answers 2xx in time (for HEALTHCHECK in exec form):
/// exit 0 if it does, 1 if not.
#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// The URL to GET (a node's or the monitor's /healthz).
    url: url::Url,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
}

impl ProbeArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let found = runtime.block_on(slipway_net::probe(
            &self.url,
            Duration::from_secs(self.timeout.max(1)),
        ))?;
        if !global.quiet {
            match &found {
                Probe::Healthy(status) => eprintln!("healthy: HTTP {status}"),
                Probe::Unhealthy(status) => eprintln!("unhealthy: HTTP {status}"),
                Probe::Unreachable(why) => eprintln!("unreachable: {why}"),
            }
        }
        Ok(if found.passed() {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
