//! `slipway lint`: style, best-practice and gas rules on the same engine
//! and outputs as `slipway analyze`; `--fix` applies the mechanical fixes
//! after showing them as a diff.

use std::{collections::BTreeMap, path::PathBuf, process::ExitCode};

use clap::Args;
use eyre::{Result, WrapErr};
use slipway_analyze::{Finding, Fix};

use crate::global::{CHECK_FAILED, GlobalOpts};
use crate::{findings::FindingArgs, output, render};

/// Lint the project's contracts: naming, declarations, documentation, dead
/// weight and gas patterns.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    findings: FindingArgs,
    /// Apply the mechanical fixes (visibility, `constant`/`immutable`,
    /// `calldata`, explicit types, a pinned pragma), after showing the diff.
    #[arg(long)]
    fix: bool,
    /// With --fix: show the diff, change nothing.
    #[arg(long, requires = "fix")]
    dry_run: bool,
}

impl LintArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let options = self.findings.options(global.offline, None);
        let run = self.findings.run(
            global.ui(),
            &config,
            &options,
            slipway_analyze::lint_project,
        )?;
        if self.fix {
            let applied = apply_fixes(&run.root, &run.report.findings, self.dry_run)?;
            let verb = if self.dry_run { "Would fix" } else { "Fixed" };
            output::status(global.ui(), verb, &applied);
            return Ok(ExitCode::SUCCESS);
        }
        let gate = run.gate;
        if self.findings.json() {
            let json = render::analyze::lint_json(&run.report, gate);
            println!("{}", serde_json::to_string_pretty(&json)?);
        } else {
            render::analyze::findings(global.ui(), &run.root, &run.report, gate);
        }
        Ok(if !run.passed() {
            ExitCode::from(CHECK_FAILED)
        } else {
            ExitCode::SUCCESS
        })
    }
}

/// Applies the fixes of the counted findings, file by file, after printing
/// each file's diff; overlapping fixes after the first are left for the
/// next run. Returns a summary line.
fn apply_fixes(root: &std::path::Path, findings: &[Finding], dry_run: bool) -> Result<String> {
    let mut by_file: BTreeMap<PathBuf, Vec<&Fix>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.counts()) {
        if let Some(fix) = &f.fix {
            by_file.entry(f.path.clone()).or_default().push(fix);
        }
    }
    let mut files = 0;
    let mut applied = 0;
    for (path, mut fixes) in by_file {
        let file = root.join(&path);
        let old = std::fs::read_to_string(&file)
            .wrap_err_with(|| format!("cannot read {}", file.display()))?;
        fixes.sort_by_key(|f| std::cmp::Reverse(f.start));
        let mut new = old.clone();
        let mut floor = usize::MAX;
        for fix in fixes {
            let end = fix.start + fix.length;
            if end > floor
                || end > new.len()
                || !new.is_char_boundary(fix.start)
                || !new.is_char_boundary(end)
            {
                continue;
            }
            new.replace_range(fix.start..end, &fix.replacement);
            floor = fix.start;
            applied += 1;
        }
        if new == old {
            continue;
        }
        files += 1;
        let name = path.display().to_string();
        let diff = similar::TextDiff::from_lines(&old, &new);
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&format!("a/{name}"), &format!("b/{name}"))
        );
        if !dry_run {
            let tmp = file.with_extension("sol.slipway-fix");
            std::fs::write(&tmp, &new)
                .wrap_err_with(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &file)
                .wrap_err_with(|| format!("cannot replace {}", file.display()))?;
        }
    }
    Ok(format!(
        "{} in {}",
        output::count(applied, "finding"),
        output::count(files, "file")
    ))
}
