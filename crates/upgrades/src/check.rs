//! The use case behind `slipway upgrade check`: one implementation (with
//! the reference it replaces, given or named by its
//! `@custom:oz-upgrades-from`), or every upgradeable contract of a build,
//! validated and compared as OpenZeppelin's validator does.

use serde::{Deserialize, Serialize};

use crate::{
    BuildInfo, LayoutOp, UpgradesError, ValidationError, compare_layouts, extract, find,
    validate::{is_uups, missing_upgrade_to, upgradeable, validate},
};

/// What was found for one implementation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContractReport {
    /// `path/File.sol:Name`.
    pub contract: String,
    /// What it replaces, `path/File.sol:Name`, when there is a reference.
    pub reference: Option<String>,
    /// Its validation errors.
    pub validation: Vec<ValidationError>,
    /// Its validation warnings (`incorrect-initializer-order`).
    pub warnings: Vec<ValidationError>,
    /// Its storage layout errors against the reference.
    pub layout: Vec<LayoutOp>,
}

impl ContractReport {
    /// Whether it may be deployed or upgraded to.
    pub fn ok(&self) -> bool {
        self.validation.is_empty() && self.layout.is_empty()
    }
}

/// What an implementation is checked against.
#[derive(Clone, Copy, Debug)]
pub enum Reference<'a> {
    /// The one its `@custom:oz-upgrades-from` names, if any.
    Annotated,
    /// A contract of the build.
    Contract(&'a str),
    /// A recorded layout (OpenZeppelin's manifest format), named for
    /// messages.
    Layout(&'a str, &'a crate::StorageLayout),
}

fn report(
    infos: &[BuildInfo],
    info: &BuildInfo,
    file: &str,
    name: &str,
    reference: Reference<'_>,
) -> Result<ContractReport, UpgradesError> {
    let found = validate(info, file, name);
    let mut validation = found.errors;
    let updated = extract(info, file, name)?;
    if let Reference::Layout(shown, original) = reference {
        return Ok(ContractReport {
            contract: format!("{file}:{name}"),
            reference: Some(shown.to_owned()),
            validation,
            warnings: found.warnings,
            layout: compare_layouts(original, &updated),
        });
    }
    let annotated = upgradeable(info, file, name).1;
    let reference = match reference {
        Reference::Contract(c) => Some(c.to_owned()),
        _ => annotated,
    };
    let (layout, reference_name, reference_uups) = match &reference {
        Some(reference) => {
            let (old_info, old_file, old_name) = find(infos, reference)?;
            let original = extract(old_info, &old_file, &old_name)?;
            (
                compare_layouts(&original, &updated),
                Some(format!("{old_file}:{old_name}")),
                is_uups(old_info, &old_file, &old_name),
            )
        }
        None => (Vec::new(), None, false),
    };
    if reference_uups && !is_uups(info, file, name) {
        validation.push(missing_upgrade_to(info, file, name));
    }
    Ok(ContractReport {
        contract: format!("{file}:{name}"),
        reference: reference_name,
        validation,
        warnings: found.warnings,
        layout,
    })
}

/// Checks `contract` against `reference`, or, without `contract`, every
/// deployable upgradeable contract of the build (against what their
/// annotations name).
pub fn check(
    infos: &[BuildInfo],
    contract: Option<&str>,
    reference: Reference<'_>,
) -> Result<Vec<ContractReport>, UpgradesError> {
    if let Some(contract) = contract {
        let (info, file, name) = find(infos, contract)?;
        return Ok(vec![report(infos, info, &file, &name, reference)?]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut reports = Vec::new();
    for info in infos.iter().rev() {
        for (file, name) in info.contracts() {
            if !seen.insert(format!("{file}:{name}")) {
                continue;
            }
            // As OpenZeppelin's validator: deployable contracts only (an
            // abstract base is checked as part of what inherits it).
            if info.deployable(&file, &name) && upgradeable(info, &file, &name).0 {
                reports.push(report(infos, info, &file, &name, Reference::Annotated)?);
            }
        }
    }
    reports.sort_by(|a, b| a.contract.cmp(&b.contract));
    Ok(reports)
}

/// The implementation `contract` as a proxy of `uups` kind would receive
/// it: its validation, and, for an upgrade, its layout against the one
/// recorded for the implementation the proxy points at now (`reference`:
/// a name to show, and the layout). A UUPS proxy's implementation must
/// keep a public `upgradeToAndCall`.
pub fn check_implementation(
    infos: &[BuildInfo],
    contract: &str,
    reference: Option<(&str, &crate::StorageLayout)>,
    uups: bool,
) -> Result<ContractReport, UpgradesError> {
    let (info, file, name) = find(infos, contract)?;
    let mut report = match reference {
        Some((shown, layout)) => {
            report(infos, info, &file, &name, Reference::Layout(shown, layout))?
        }
        None => {
            let found = validate(info, &file, &name);
            ContractReport {
                contract: format!("{file}:{name}"),
                reference: None,
                validation: found.errors,
                warnings: found.warnings,
                layout: Vec::new(),
            }
        }
    };
    let kinds: Vec<&str> = report.validation.iter().map(|e| e.kind).collect();
    if uups && !is_uups(info, &file, &name) && !kinds.contains(&"missing-public-upgradeto") {
        report
            .validation
            .push(missing_upgrade_to(info, &file, &name));
    }
    Ok(report)
}
