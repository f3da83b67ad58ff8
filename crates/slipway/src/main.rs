//! The `slipway` command line: parses arguments, wires the crates together and
//! renders their results. Domain logic lives in the `slipway-*` crates.

// The binary is where printing belongs (the lints guard the libraries).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod output;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cmd::Cli::parse();
    output::init(&cli.global);
    match cli.run() {
        Ok(code) => code,
        Err(report) => {
            output::error(&report);
            std::process::ExitCode::FAILURE
        }
    }
}
