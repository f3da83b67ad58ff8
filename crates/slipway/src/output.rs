//! Terminal output: logging setup, colour policy and error rendering.

use yansi::Paint;

/// What the terminal output needs of the command line: whether progress
/// lines are shown.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ui {
    /// No progress lines.
    pub(crate) quiet: bool,
}

/// Sets up `tracing` (stderr, `RUST_LOG` or -v) and the colour policy
/// (`NO_COLOR`, `--color` as `color`, TTY).
pub(crate) fn init(color: &str, verbose: u8) {
    match color {
        "always" => yansi::enable(),
        "never" => yansi::disable(),
        _ => yansi::whenever(yansi::Condition::TTY_AND_COLOR),
    }
    // `-v`…`-vvv` are also forge's test verbosity (logs at -vv, traces at
    // -vvv), so other crates' debug output waits for -vvvv. The HTTP and
    // TLS stack's own debug logs name hosts (a token in a host name would
    // show): only an explicit RUST_LOG turns them on.
    let default = match verbose {
        // foundry-compilers logs an unresolved import as an error, and solc
        // then reports it (with the line, and slipway's hint) anyway.
        0 => "warn,slipway::console=info,foundry_compilers_artifacts_solc::sources=off",
        1..=3 => "info,slipway=debug",
        _ => {
            "debug,hyper=info,hyper_util=info,reqwest=info,rustls=info,tungstenite=info,tokio_tungstenite=info"
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(yansi::is_enabled())
        .without_time()
        .try_init();
}

/// Prints an error and its whole chain of causes to stderr.
pub(crate) fn error(report: &eyre::Report) {
    let mut text = format!("{} {report}", "error:".red().bold());
    for cause in report.chain().skip(1) {
        text.push_str(&format!("\n  {} {cause}", "caused by:".dim()));
    }
    eprintln!("{text}");
}

/// A progress line on stderr (unless quiet).
pub(crate) fn status(ui: Ui, verb: &str, rest: &str) {
    if !ui.quiet {
        eprintln!("{:>12} {rest}", verb.green().bold());
    }
}

/// `n` and the noun, plural unless `n` is 1: `count(2, "file")` is
/// "2 files", `count(2, "dependency")` "2 dependencies".
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// A results table: the house style, wrapped to the terminal (160 columns
/// when stdout is not one).
pub(crate) fn table(header: &[&str]) -> comfy_table::Table {
    use std::io::IsTerminal;
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if !std::io::stdout().is_terminal() {
        table.set_width(160);
    }
    table
}

/// A spinner on stderr for work that may take a while (none when quiet);
/// it goes away when dropped.
pub(crate) fn spinner(ui: Ui, message: &str) -> Option<Spinner> {
    if ui.quiet {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(Spinner(bar))
}

/// A running [`spinner`].
pub(crate) struct Spinner(indicatif::ProgressBar);

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
