//! `slipway upgrade check NEW --reference OLD`: whether NEW's storage
//! layout can replace OLD's behind a proxy (`slipway_upgrades`), with
//! OpenZeppelin's error kinds; exit 1 when it cannot.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use eyre::{Result, bail};
use slipway_solc::{Need, Profile};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::render;

/// `slipway upgrade …`.
#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    #[command(subcommand)]
    command: UpgradeCommand,
}

#[derive(Debug, Subcommand)]
enum UpgradeCommand {
    /// Check that an implementation is upgrade-safe (constructors, state
    /// variable assignments, immutables, linked libraries, reachable
    /// delegatecall and selfdestruct, internal function pointers in
    /// storage) and, with --reference, that its storage layout can replace
    /// the old one's; OpenZeppelin's error kinds; exit 1 if not.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The implementation: `Name` or `path/File.sol:Name` (default: every
    /// upgradeable contract of the build: inheriting Initializable, UUPS,
    /// or annotated @custom:oz-upgrades / @custom:oz-upgrades-from).
    contract: Option<String>,
    /// The implementation it replaces, in the same build (default: the one
    /// its @custom:oz-upgrades-from names, if any).
    #[arg(long, value_name = "CONTRACT", requires = "contract")]
    reference: Option<String>,
    /// A recorded layout to check against instead: OpenZeppelin's
    /// format (an implementation's `layout` in .openzeppelin/<network>.json,
    /// or that object alone).
    #[arg(
        long,
        value_name = "FILE",
        requires = "contract",
        conflicts_with = "reference"
    )]
    reference_layout: Option<std::path::PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the errors as SARIF 2.1.0 (for GitHub code scanning).
    #[arg(long, value_name = "FILE")]
    sarif: Option<std::path::PathBuf>,
}

impl UpgradeArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let UpgradeCommand::Check(args) = self.command;
        let config = global.config()?;
        let build = global.build(&config, Profile::Default, args.json, &|_| Need::Nothing)?;
        if build.has_errors() {
            bail!("compilation failed: nothing to check");
        }
        let dir = config.path(&config.project.out).join("build-info");
        let infos = slipway_upgrades::load_dir(&dir)?;
        let recorded = args
            .reference_layout
            .as_deref()
            .map(slipway_upgrades::read_recorded)
            .transpose()?;
        let shown = args
            .reference_layout
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let reference = match (&args.reference, &recorded) {
            (Some(contract), _) => slipway_upgrades::Reference::Contract(contract),
            (None, Some(layout)) => slipway_upgrades::Reference::Layout(&shown, layout),
            (None, None) => slipway_upgrades::Reference::Annotated,
        };
        let reports = slipway_upgrades::check(&infos, args.contract.as_deref(), reference)?;
        // The build-info trees are large and the process ends here: not
        // freeing them node by node saves a tenth of the command's time.
        std::mem::forget(infos);
        let ok = reports.iter().all(slipway_upgrades::ContractReport::ok);
        if let Some(path) = &args.sarif {
            let log = slipway_analyze::sarif_log(
                &slipway_upgrades::sarif::rule_set(),
                &slipway_upgrades::sarif::findings(&reports),
            );
            std::fs::write(path, serde_json::to_string_pretty(&log)? + "\n")
                .map_err(|e| eyre::eyre!("cannot write {}: {e}", path.display()))?;
        }
        if args.json {
            let json = serde_json::json!({ "ok": ok, "contracts": reports });
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            render::upgrade::reports(global.ui(), &reports);
        }
        Ok(if ok {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
