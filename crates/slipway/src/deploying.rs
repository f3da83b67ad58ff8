//! The deploy-like commands on a terminal (`slipway deploy`, `slipway
//! upgrade NAME`): the effect shown, progress reported, a protected
//! environment's confirmation asked, the library call made, and the
//! outcome rendered (one JSON document with `--json`).

use std::{process::ExitCode, time::Instant};

use eyre::{Result, bail};
use slipway_chain::TxEvent;
use slipway_deploy::{DeployHooks, DeployRequest, Effect, PlanShown, Progress, StepStatus, deploy};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{
    output::{count, status},
    render,
    session::{TerminalConfirm, ask_password, runtime},
};

/// The effect as a table and a summary line; `through_safe`: the steps
/// are proposed to the environment's Safe, not sent.
fn effect_table(effect: &Effect, through_safe: bool) -> String {
    let mut table =
        crate::output::table(&["Level", "Step", "Action", "Status", "Address", "Est. gas"]);
    for s in &effect.steps {
        let status = match &s.status {
            StepStatus::Done => "done".to_owned(),
            StepStatus::InFlight { hash } => format!("in flight {hash}"),
            StepStatus::Proposed { safe_tx_hash } => {
                format!("proposed to the Safe ({safe_tx_hash})")
            }
            StepStatus::Send if through_safe => "propose".to_owned(),
            StepStatus::Send => "send".to_owned(),
            StepStatus::Retry { .. } => "send again (reverted)".to_owned(),
            StepStatus::Upgrade { from } => {
                format!("upgrade (points at {})", from.to_checksum(None))
            }
            StepStatus::Changed { diff, accepted } => format!(
                "{}\n{}",
                if *accepted && s.implementation {
                    "changed: new implementation"
                } else if *accepted {
                    "changed: send again"
                } else {
                    "CHANGED (refused)"
                },
                diff.join("\n")
            ),
        };
        table.add_row(vec![
            (s.level + 1).to_string(),
            s.id.clone(),
            {
                let action = match &s.part {
                    Some(part) => format!("{}\n[{part}]", s.action),
                    None => s.action.clone(),
                };
                if s.args.is_empty() {
                    action
                } else {
                    format!("{action}\n({})", s.args.join(", "))
                }
            },
            status,
            s.address.map(|a| a.to_checksum(None)).unwrap_or_default(),
            match (s.status.sends(), s.gas) {
                (false, _) => String::new(),
                (true, Some(g)) => g.to_string(),
                (true, None) => "later".to_owned(),
            },
        ]);
    }
    if through_safe {
        return format!(
            "{table}\n{} to propose to the Safe {} in one transaction; its owners sign it, and whoever executes it pays the gas",
            count(effect.sends(), "step"),
            effect.deployer,
        );
    }
    let (gas, unknown) = effect.gas();
    format!(
        "{table}\n{} to send in {}; estimated gas {gas}{} (at most {} ETH at {} gwei)",
        count(effect.sends(), "transaction"),
        count(effect.depth, "level"),
        if unknown > 0 {
            format!(
                " + {} estimated once what they call exists",
                count(unknown, "step")
            )
        } else {
            String::new()
        },
        render::ether(alloy_primitives::U256::from(effect.cost_wei())),
        effect.fee_per_gas as f64 / 1e9,
    )
}

fn report(global: &GlobalOpts, progress: Progress<'_>) {
    if global.quiet {
        return;
    }
    match progress {
        Progress::Tx { step, event } => match event {
            TxEvent::Sent { hash, nonce, .. } => status(
                global.ui(),
                "Sent",
                &format!("{step}: {hash} (nonce {nonce})"),
            ),
            TxEvent::Bumped { hash, .. } => {
                status(global.ui(), "Bumped", &format!("{step}: {hash}"))
            }
            TxEvent::Dropped { hash } => status(
                global.ui(),
                "Dropped",
                &format!("{step}: {hash}: sent again"),
            ),
            TxEvent::Confirming {
                head, remaining, ..
            } => status(
                global.ui(),
                "Waiting",
                &format!(
                    "{step}: {} more, head {head}",
                    crate::output::count(
                        usize::try_from(*remaining).unwrap_or(usize::MAX),
                        "confirmation"
                    )
                ),
            ),
            TxEvent::Reorged { block, .. } => status(
                global.ui(),
                "Reorged",
                &format!("{step}: out of block {block}; waiting again"),
            ),
            TxEvent::Nonce {
                check: slipway_chain::NonceCheck::UsedOutside { expected, chain },
                ..
            } => status(
                global.ui(),
                "Warning",
                &format!(
                    "{step}: nonces up to {chain} were used outside slipway (expected {expected})"
                ),
            ),
            _ => {}
        },
        Progress::Resumed { step, hash } => status(
            global.ui(),
            "Resuming",
            &format!("{step}: following {hash} from the journal"),
        ),
        Progress::Found { step, address } => status(
            global.ui(),
            "Found",
            &format!("{step}: already deployed at {address} (CREATE2): nothing sent"),
        ),
        Progress::Done {
            step,
            address,
            block,
            gas_used,
        } => status(
            global.ui(),
            "Done",
            &format!(
                "{step}{} in block {block}, gas {gas_used}",
                address.map(|a| format!(" at {a}")).unwrap_or_default()
            ),
        ),
    }
}

/// What [`drive`] runs: a deploy (maybe rehearsed first) or one proxy's
/// upgrade.
pub(crate) enum Use<'a> {
    /// `slipway deploy`.
    Deploy {
        /// `--rehearse`.
        rehearse: bool,
        /// `--rehearse-only`.
        rehearse_only: bool,
    },
    /// `slipway upgrade NAME`.
    Upgrade {
        /// The proxy.
        proxy: &'a str,
        /// `--call F ARGS…`.
        call: Option<(String, Vec<String>)>,
    },
}

/// Runs `request` as `what` says with the terminal's hooks, and renders
/// the effect, the progress and the outcome (one JSON document with
/// `json`).
pub(crate) fn drive(
    global: &GlobalOpts,
    config: &slipway_config::Config,
    env: &slipway_config::Environment,
    request: &DeployRequest<'_>,
    what: Use<'_>,
    json: bool,
) -> Result<ExitCode> {
    let (rehearse, rehearse_only) = match what {
        Use::Deploy {
            rehearse,
            rehearse_only,
        } => (rehearse, rehearse_only),
        Use::Upgrade { .. } => (false, false),
    };
    // With --json, stdout gets one document: the effect, with the
    // rehearsal and the verification under their own keys.
    let document: std::cell::RefCell<Option<serde_json::Value>> = std::cell::RefCell::new(None);
    let show = |shown: &PlanShown<'_>| {
        if json {
            match serde_json::to_value(shown.effect) {
                Ok(value) => *document.borrow_mut() = Some(value),
                Err(e) => eprintln!("error: cannot show the effect as JSON: {e}"),
            }
        } else {
            show_effect(global, config, env, shown);
        }
    };
    let progress = |p: Progress<'_>| report(global, p);
    let hooks = DeployHooks {
        confirm: &TerminalConfirm,
        password: &ask_password,
        effect: &show,
        progress: &progress,
    };
    let runtime = runtime()?;
    let mut rehearsal_json = None;
    if rehearse || rehearse_only {
        let spinner = crate::output::spinner(
            global.ui(),
            &format!("Rehearsing on a fork of {}", env.name),
        );
        let rehearsed = runtime.block_on(slipway_deploy::rehearse(request));
        drop(spinner);
        let rehearsed = rehearsed?;
        if json && rehearse_only {
            println!("{}", render::rehearsal::json(&rehearsed));
        } else if json {
            rehearsal_json = Some(render::rehearsal::json(&rehearsed));
        } else {
            eprintln!("{}", render::rehearsal::text(&env.name, &rehearsed));
        }
        if !rehearsed.transactions.iter().all(|t| t.success) {
            bail!("the rehearsal had a failing transaction: nothing was sent for real");
        }
        if rehearse_only {
            status(
                global.ui(),
                "Rehearsed",
                "nothing was sent to the real chain",
            );
            return Ok(ExitCode::SUCCESS);
        }
    }
    let started = Instant::now();
    let result = match what {
        Use::Deploy { .. } => runtime.block_on(deploy(request, &hooks)),
        Use::Upgrade { proxy, call } => runtime.block_on(slipway_deploy::upgrade(
            &slipway_deploy::UpgradeRequest {
                deploy: request,
                proxy,
                call,
            },
            &hooks,
        )),
    };
    let print_document = |verified: Option<serde_json::Value>| -> Result<()> {
        if !json {
            return Ok(());
        }
        let mut out = document
            .borrow_mut()
            .take()
            .unwrap_or_else(|| serde_json::json!({}));
        if let Some(object) = out.as_object_mut() {
            if let Some(serde_json::Value::Object(rehearsal)) = rehearsal_json.clone() {
                object.extend(rehearsal);
            }
            if let Some(verified) = verified {
                object.insert("verified".into(), verified);
            }
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        Ok(())
    };
    let result = match result {
        Ok(result) => result,
        Err(slipway_deploy::DeployError::UnsafeUpgrade(_)) => {
            // The checks were shown with the effect: a failed check.
            print_document(None)?;
            status(
                global.ui(),
                "Refused",
                "an implementation is not upgrade-safe: nothing was sent",
            );
            return Ok(CHECK_FAILED.into());
        }
        Err(e) => {
            // What was shown before the failure is still one document.
            print_document(None)?;
            return Err(e.into());
        }
    };
    print_document(
        result
            .verdicts
            .as_ref()
            .map(serde_json::to_value)
            .transpose()?,
    )?;
    if let Some(authorised) = &result.authorised {
        render::authorised(global.ui(), env, authorised);
    }
    if let Some(safe) = &result.safe {
        return Ok(if safe_outcome(global, env, safe) {
            ExitCode::SUCCESS
        } else {
            CHECK_FAILED.into()
        });
    }
    match &result.deployed {
        None => status(global.ui(), "Dry run", "nothing was sent or written"),
        Some(outcome) if outcome.sent == 0 => status(
            global.ui(),
            "Done",
            &format!(
                "nothing to send: the plan is done on {} ({} checked)",
                env.name,
                count(outcome.records.len(), "record")
            ),
        ),
        Some(outcome) => status(
            global.ui(),
            "Deployed",
            &format!(
                "{} in {} (plan depth {}) in {:.1?}; {} in deployments/{}/",
                count(outcome.sent, "transaction"),
                count(outcome.blocks.len(), "block"),
                result.depth,
                started.elapsed(),
                count(outcome.records.len(), "record"),
                env.name
            ),
        ),
    }
    if let Some(verdicts) = &result.verdicts
        && !json
    {
        println!("{}", render::verify::text(verdicts, false)?);
    }
    Ok(if result.passed() {
        ExitCode::SUCCESS
    } else {
        CHECK_FAILED.into()
    })
}

/// What a deployment through the Safe did, on stderr; false while a
/// proposal waits for its owners.
fn safe_outcome(
    global: &GlobalOpts,
    env: &slipway_config::Environment,
    safe: &slipway_deploy::safe::SafeDeploy,
) -> bool {
    let ui = global.ui();
    for (executed, steps) in &safe.executed {
        status(
            ui,
            "Executed",
            &format!(
                "the Safe executed {} in block {} ({})",
                steps.join(", "),
                executed.block,
                executed.tx_hash
            ),
        );
    }
    if !safe.records.is_empty() {
        status(
            ui,
            "Recorded",
            &format!(
                "{} in deployments/{}/",
                count(safe.records.len(), "record"),
                env.name
            ),
        );
    }
    for step in &safe.found {
        status(
            ui,
            "Found",
            &format!("{step}: already at its CREATE2 address"),
        );
    }
    if let Some(waiting) = &safe.waiting {
        let who: Vec<String> = waiting.waiting.iter().map(|o| o.to_string()).collect();
        let what = if waiting.missing == 0 {
            format!(
                "enough owners approved; execute it: `slipway safe execute {} --env {}`",
                waiting.path.display(),
                env.name
            )
        } else {
            format!(
                "{} more approval{} needed (from {}): `slipway safe sign {} --env {} --signer NAME`",
                waiting.missing,
                if waiting.missing == 1 { "" } else { "s" },
                who.join(", "),
                waiting.path.display(),
                env.name
            )
        };
        status(
            ui,
            "Waiting",
            &format!(
                "Safe transaction {} ({}) is not executed yet: {what}",
                waiting.safe_tx_hash,
                waiting.steps.join(", ")
            ),
        );
        return false;
    }
    if let Some((path, proposal, steps)) = &safe.proposed {
        println!("{}", path.display());
        status(
            ui,
            "Proposed",
            &format!(
                "{} in one Safe transaction {} (nonce {}) to {}: owners sign it with `slipway safe sign {} --env {} --signer NAME`; nothing was sent",
                count(steps.len(), "step"),
                proposal.safe_tx_hash,
                proposal.tx.nonce,
                safe.safe,
                path.display(),
                env.name
            ),
        );
    }
    for (step, why) in &safe.later {
        status(
            ui,
            "Later",
            &format!("{step} goes into a later proposal: {why}"),
        );
    }
    if safe.proposed.is_none() && safe.later.is_empty() {
        status(
            ui,
            "Done",
            &format!("the plan is done on {} through its Safe", env.name),
        );
    }
    true
}

/// The plan's effect: a table (or JSON) before anything is sent or asked.
fn show_effect(
    global: &GlobalOpts,
    config: &slipway_config::Config,
    env: &slipway_config::Environment,
    shown: &PlanShown<'_>,
) {
    let effect = shown.effect;
    status(
        global.ui(),
        "Plan",
        &format!(
            "{} on {} (chain {}) from {}; journal {}",
            shown.file.display(),
            env.name,
            env.chain.id,
            effect.deployer,
            effect
                .journal
                .strip_prefix(&config.root)
                .unwrap_or(&effect.journal)
                .display()
        ),
    );
    let through_safe = matches!(env.multisig, slipway_config::Multisig::Safe { .. });
    println!("{}", effect_table(effect, through_safe));
    if !effect.upgrades.is_empty() {
        let reports: Vec<_> = effect.upgrades.iter().map(|c| c.report.clone()).collect();
        render::upgrade::reports(global.ui(), &reports);
        for check in effect.upgrades.iter().filter(|c| !c.allowed.is_empty()) {
            status(
                global.ui(),
                "Waived",
                &format!(
                    "{} behind `{}`: {} (unsafe-allow, journaled)",
                    check.report.contract,
                    check.proxy,
                    check.allowed.join(", ")
                ),
            );
        }
    }
}
