//! `slipway upgrade --env X NAME [--call F ARGS…]`: one proxy of a plan
//! upgraded to the plan's implementation (`slipway_deploy::upgrade`), and
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
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct UpgradeArgs {
    #[command(subcommand)]
    command: Option<UpgradeCommand>,
    #[command(flatten)]
    proxy: ProxyArgs,
}

/// Upgrade one proxy of a plan to the plan's implementation.
#[derive(Debug, Args)]
struct ProxyArgs {
    /// The proxy: the id of a plan's `proxy = …` step.
    name: Option<String>,
    /// The reinitializer's arguments, as Solidity writes them (with --call).
    #[arg(requires = "call")]
    args: Vec<String>,
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The plan holding the proxy (default: the one in deploy/ that does).
    #[arg(long, value_name = "FILE")]
    plan: Option<std::path::PathBuf>,
    /// A reinitializer to call with the upgrade (`initializeV2` or
    /// `initializeV2(uint256)`), in place of the plan's `upgrade_call`.
    #[arg(long, value_name = "FUNCTION")]
    call: Option<String>,
    /// Waive one of OpenZeppelin's validation kinds; journaled with the
    /// implementation.
    #[arg(long, value_name = "KIND")]
    unsafe_allow: Vec<String>,
    /// Show the effect and the checks, and stop: nothing is sent.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    approval: crate::args::ApprovalOpts,
    #[command(flatten)]
    signer: crate::args::SignerOpts,
    /// Print the effect (and with it what was done) as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum UpgradeCommand {
    /// Check that an implementation is upgrade-safe (constructors, state
    /// variable assignments, immutables, linked libraries, reachable
    /// delegatecall and selfdestruct, internal function pointers in
    /// storage) and, with --reference, that its storage layout can replace
    /// the old one's; OpenZeppelin's error kinds; exit 1 if not.
    Check(CheckArgs),
    /// Take proxies deployed outside slipway (hardhat-upgrades, by hand)
    /// into an environment, so that the plan's proxy steps upgrade them:
    /// layouts from a hardhat-upgrades manifest (.openzeppelin/<network>.json)
    /// or from --reference; each proxy read on chain and journaled as found.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// A hardhat-upgrades manifest: its implementations and layouts are
    /// added to the environment's.
    manifest: Option<std::path::PathBuf>,
    /// A proxy step of the plan and the proxy it is: `NAME=0xADDRESS`.
    #[arg(long = "proxy", value_name = "NAME=ADDRESS", required = true, value_parser = name_and_address)]
    proxies: Vec<(String, alloy_primitives::Address)>,
    /// The contract of the build whose layout the proxies' current
    /// implementation has (for proxies the manifest does not know).
    #[arg(long, value_name = "CONTRACT")]
    reference: Option<String>,
    /// The build-info folder to find --reference in (an old
    /// implementation's build; default: this project's build).
    #[arg(long, value_name = "DIR", requires = "reference")]
    reference_build: Option<std::path::PathBuf>,
    /// The environment.
    #[arg(long, default_value = "development")]
    env: String,
    /// The plan holding the proxy steps (default: the one in deploy/ that does).
    #[arg(long, value_name = "FILE")]
    plan: Option<std::path::PathBuf>,
    #[command(flatten)]
    signer: crate::args::SignerOpts,
    /// Print what was imported as JSON.
    #[arg(long)]
    json: bool,
}

fn name_and_address(
    text: &str,
) -> std::result::Result<(String, alloy_primitives::Address), String> {
    let (name, address) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected NAME=0xADDRESS"))?;
    let address = address
        .trim()
        .parse()
        .map_err(|_| format!("`{address}` is not an address (0x and 40 hex digits)"))?;
    Ok((name.trim().to_owned(), address))
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
        let args = match self.command {
            Some(UpgradeCommand::Check(args)) => args,
            Some(UpgradeCommand::Import(args)) => return args.run(global),
            None => return self.proxy.run(global),
        };
        let config = global.config()?;
        let build = global.build(&config, Profile::Default, args.json, &|_| Need::Nothing)?;
        if build.has_errors() {
            bail!("compilation failed: nothing to check");
        }
        let dir = config.path(&config.project.out).join("build-info");
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
        let cache = config
            .root
            .join(slipway_solc::STATE_DIR)
            .join("cache")
            .join("upgrades");
        // Kept answers are the build's: answered again, never stale.
        let reports =
            slipway_upgrades::check_dir(&dir, Some(&cache), args.contract.as_deref(), reference)?;
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

impl ProxyArgs {
    fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let Some(name) = self.name.as_deref() else {
            bail!(
                "name the proxy to upgrade (`slipway upgrade --env X NAME`), or check implementations with `slipway upgrade check`"
            );
        };
        let config = global.config()?;
        let env = crate::session::environment(global.ui(), &config, &self.env)?;
        let need = slipway_deploy::deploy_need(&config, &env, self.plan.as_deref());
        let build = global.build(&config, Profile::Default, self.json, &need)?;
        if build.has_errors() {
            bail!("compilation failed: nothing was upgraded");
        }
        let artifacts = slipway_contracts::Artifacts::from_build(&build.artifacts);
        let command = crate::session::command_line();
        let request = slipway_deploy::DeployRequest {
            config: &config,
            env: &env,
            artifacts: &artifacts,
            plan: self.plan.as_deref(),
            signer: &self.signer.signer,
            options: slipway_deploy::DeployOptions {
                unsafe_allow: self.unsafe_allow.clone(),
                ..Default::default()
            },
            dry_run: self.dry_run,
            approval: self.approval.approval(false),
            verify: false,
            explorers: false,
            command: &command,
        };
        crate::deploying::drive(
            global,
            &config,
            &env,
            &request,
            crate::deploying::Use::Upgrade {
                proxy: name,
                call: self.call.map(|c| (c, self.args)),
            },
            self.json,
        )
    }
}

impl ImportArgs {
    fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = crate::session::environment(global.ui(), &config, &self.env)?;
        let build = global.build(&config, Profile::Default, self.json, &|_| Need::Everything)?;
        if build.has_errors() {
            bail!("compilation failed: nothing was imported");
        }
        let artifacts = slipway_contracts::Artifacts::from_build(&build.artifacts);
        let command = crate::session::command_line();
        let request = slipway_deploy::ImportRequest {
            config: &config,
            env: &env,
            artifacts: &artifacts,
            plan: self.plan.as_deref(),
            manifest: self.manifest.as_deref(),
            proxies: &self.proxies,
            reference: self.reference.as_deref(),
            reference_build: self.reference_build.as_deref(),
            signer: &self.signer.signer,
            command: &command,
        };
        let imported = crate::session::runtime()?.block_on(slipway_deploy::import(&request))?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&imported)?);
        } else {
            for proxy in &imported.proxies {
                crate::output::status(
                    global.ui(),
                    "Imported",
                    &format!(
                        "{} ({} proxy at {}), pointing at {}; its layout from {}",
                        proxy.name,
                        proxy.kind.as_str(),
                        proxy.address.to_checksum(None),
                        proxy.implementation.to_checksum(None),
                        proxy.layout_from
                    ),
                );
            }
            crate::output::status(
                global.ui(),
                "Recorded",
                &format!(
                    "{} implementation(s) from the manifest; {}",
                    imported.implementations,
                    imported
                        .manifest
                        .strip_prefix(&config.root)
                        .unwrap_or(&imported.manifest)
                        .display()
                ),
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
