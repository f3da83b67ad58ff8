//! `vm.startSnapshotGas` / `stopSnapshotGas` / `snapshotValue`: named gas
//! figures a test records, written by the suite to `snapshots/<group>.json`
//! as forge writes them. Gas is metered as forge meters it: before each
//! instruction of the frame that started the section, the gas spent since
//! the last one seen at that depth, less the 171 the cheatcode calls
//! themselves cost.

use std::collections::BTreeMap;

/// What the cheatcode calls around a section cost, as forge subtracts it.
const SNAPSHOT_OVERHEAD: u64 = 171;

/// Figures by group, then name.
pub(crate) type GasFigures = BTreeMap<String, BTreeMap<String, String>>;

/// A running section.
#[derive(Debug, Clone)]
struct Section {
    group: String,
    name: String,
    depth: usize,
    used: u64,
}

/// The sections of one test run.
#[derive(Debug, Default)]
pub(crate) struct GasSections {
    active: Option<Section>,
    /// Gas spent when the metered frame was last seen (kept between
    /// sections, as forge keeps it).
    last_spent: u64,
    /// The contract and test function running: the default group and name.
    pub(crate) running: Option<(String, String)>,
    pub(crate) figures: GasFigures,
}

impl GasSections {
    /// Whether a section is running (the step hook meters only then).
    pub(crate) fn metering(&self) -> bool {
        self.active.is_some()
    }

    fn names(
        &self,
        group: Option<String>,
        name: Option<String>,
    ) -> Result<(String, String), String> {
        let (contract, test) = self
            .running
            .clone()
            .unwrap_or_else(|| ("setUp".into(), "setUp".into()));
        let group = group.unwrap_or(contract);
        // The group names a file under snapshots/.
        if group.is_empty() || group.contains(['/', '\\']) || group.starts_with('.') {
            return Err(format!(
                "gas snapshot group {group:?} is not a file name (it names snapshots/<group>.json)"
            ));
        }
        Ok((group, name.unwrap_or(test)))
    }

    pub(crate) fn start(
        &mut self,
        group: Option<String>,
        name: Option<String>,
        depth: usize,
    ) -> Result<(), String> {
        if let Some(active) = &self.active {
            return Err(format!(
                "vm.startSnapshotGas: gas snapshot was already started with group: {} and name: {}",
                active.group, active.name
            ));
        }
        let (group, name) = self.names(group, name)?;
        self.active = Some(Section {
            group,
            name,
            depth,
            used: 0,
        });
        Ok(())
    }

    /// Ends the section (the running one when no names are given) and
    /// returns its gas.
    pub(crate) fn stop(&mut self, names: Option<(String, String)>) -> Result<u64, String> {
        let active = self
            .active
            .take()
            .ok_or("vm.stopSnapshotGas: no active gas snapshot; call vm.startSnapshotGas first")?;
        if let Some((group, name)) = names
            && (group != active.group || name != active.name)
        {
            let message = format!(
                "vm.stopSnapshotGas: no gas snapshot was started with the name: {name} in group: {group}"
            );
            self.active = Some(active);
            return Err(message);
        }
        let value = active.used.saturating_sub(SNAPSHOT_OVERHEAD);
        self.figures
            .entry(active.group)
            .or_default()
            .insert(active.name, value.to_string());
        Ok(value)
    }

    pub(crate) fn value(
        &mut self,
        group: Option<String>,
        name: String,
        value: String,
    ) -> Result<(), String> {
        let (group, name) = self.names(group, Some(name))?;
        self.figures.entry(group).or_default().insert(name, value);
        Ok(())
    }

    /// Before an instruction at `depth`, the frame having spent `spent`.
    pub(crate) fn step(&mut self, depth: usize, spent: u64) {
        if let Some(active) = &mut self.active
            && active.depth == depth
        {
            if self.last_spent != 0 {
                active.used = active
                    .used
                    .saturating_add(spent.saturating_sub(self.last_spent));
            }
            self.last_spent = spent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_sums_its_frames_gas_less_the_overhead() {
        let mut s = GasSections {
            running: Some(("C".into(), "test_x".into())),
            ..GasSections::default()
        };
        s.start(None, None, 1).expect("start");
        assert!(s.start(None, None, 1).is_err(), "one at a time");
        s.step(1, 1_000);
        s.step(2, 5_000); // a deeper frame: not metered itself
        s.step(1, 1_400);
        s.step(1, 1_500);
        assert_eq!(s.stop(None), Ok(500 - 171));
        assert_eq!(s.figures["C"]["test_x"], "329");
        assert!(s.stop(None).is_err(), "nothing running");
        s.value(Some("g".into()), "n".into(), "7".into())
            .expect("value");
        assert_eq!(s.figures["g"]["n"], "7");
        assert!(
            s.value(Some("../escape".into()), "n".into(), "1".into())
                .is_err()
        );
    }
}
