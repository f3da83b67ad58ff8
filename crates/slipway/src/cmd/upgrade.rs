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
    /// The new implementation: `Name` or `path/File.sol:Name`.
    contract: String,
    /// The implementation it replaces, in the same build.
    #[arg(long, value_name = "CONTRACT")]
    reference: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
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
        let (info, file, contract) = slipway_upgrades::find(&infos, &args.contract)?;
        let errors = slipway_upgrades::validate(info, &file, &contract);
        let updated = slipway_upgrades::extract(info, &file, &contract)?;
        let ops = match &args.reference {
            Some(reference) => {
                let (info, file, name) = slipway_upgrades::find(&infos, reference)?;
                let original = slipway_upgrades::extract(info, &file, &name)?;
                slipway_upgrades::compare_layouts(&original, &updated)
            }
            None => Vec::new(),
        };
        let ok = errors.is_empty() && ops.is_empty();
        if args.json {
            let json = serde_json::json!({
                "contract": args.contract,
                "reference": args.reference,
                "ok": ok,
                "validation": errors,
                "layout": ops,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            render::upgrade::report(
                global.ui(),
                &args.contract,
                args.reference.as_deref(),
                &errors,
                &ops,
            );
        }
        Ok(if ok {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        })
    }
}
