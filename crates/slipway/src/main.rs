//! The `slipway` command line: parses arguments, wires the crates together and
//! renders their results. Domain logic lives in the `slipway-*` crates.

// The binary is where printing belongs (the lints guard the libraries).
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub(crate) mod alloc;
mod args;
mod cmd;
mod deploying;
mod findings;
mod global;
mod output;
mod render;
mod session;
mod watch;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cmd::Cli::parse();
    output::init(&cli.global.color, cli.global.verbose);
    match cli.run() {
        Ok(code) => code,
        Err(report) => {
            output::error(&report);
            // 2: an error stopped the command (1 is a failed check).
            std::process::ExitCode::from(2)
        }
    }
}
