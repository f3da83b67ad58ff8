//! Gas of the calls tests make, as a gas report counts it: what each call
//! (or creation) would cost as a transaction of its own, minus the
//! transaction's intrinsic cost for calls.
//!
//! A call inside a test differs from a transaction in three ways, and the
//! recorder undoes each: accounts and storage the test touched earlier are
//! warm (they are marked cold before the call, as a new transaction finds
//! them); refunds are settled at the end of a transaction with a cap of a
//! fifth of its gas (applied here per call); and since Prague a transaction
//! pays at least the EIP-7623 calldata floor (applied too).

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes};
use revm::primitives::hardfork::SpecId;
use serde::Serialize;

use crate::ContractOutcome;

/// A call or creation a test made, priced as a transaction.
#[derive(Clone, Debug, Serialize)]
pub struct GasRecord {
    /// The contract called or created (its name when the build knows it).
    pub contract: String,
    /// `name(types)` of the function called; `None` for a deployment.
    pub function: Option<String>,
    /// Calls: gas minus the intrinsic cost. Deployments: the whole
    /// transaction's gas.
    pub gas: u64,
    /// Deployments: the size of the deployed code in bytes.
    pub size: Option<usize>,
}

/// Calls, min, mean, median and max of a set of gas figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GasStats {
    /// How many.
    pub calls: usize,
    /// Smallest.
    pub min: u64,
    /// Mean (rounded down).
    pub mean: u64,
    /// Median (the upper middle one of an even count, as forge reports).
    pub median: u64,
    /// Largest.
    pub max: u64,
}

impl GasStats {
    /// The statistics of `values`; `None` when empty.
    pub fn of(mut values: Vec<u64>) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        let sum: u128 = values.iter().map(|v| u128::from(*v)).sum();
        Some(Self {
            calls: values.len(),
            min: values[0],
            mean: u64::try_from(sum / values.len() as u128).unwrap_or(u64::MAX),
            median: values[values.len() / 2],
            max: values[values.len() - 1],
        })
    }
}

/// One contract in the gas report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ContractGas {
    /// Deployment transactions' gas.
    pub deployment: Option<GasStats>,
    /// Deployed code size in bytes.
    pub size: Option<usize>,
    /// Per function signature.
    pub functions: BTreeMap<String, GasStats>,
}

/// The gas report of a test run: per contract and function, from the calls
/// and deployments the unit tests and their `setUp()` made themselves.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GasReport {
    /// By contract name.
    pub contracts: BTreeMap<String, ContractGas>,
}

impl GasReport {
    /// Gathers the records of every test in `results`.
    pub fn of(results: &[ContractOutcome]) -> Self {
        let mut deployments: BTreeMap<String, (Vec<u64>, Option<usize>)> = BTreeMap::new();
        let mut calls: BTreeMap<String, BTreeMap<String, Vec<u64>>> = BTreeMap::new();
        let records = results.iter().flat_map(|c| {
            c.setup_gas
                .iter()
                .chain(c.tests.iter().flat_map(|t| &t.gas_records))
        });
        for record in records {
            match &record.function {
                None => {
                    let entry = deployments.entry(record.contract.clone()).or_default();
                    entry.0.push(record.gas);
                    entry.1 = record.size;
                }
                Some(function) => calls
                    .entry(record.contract.clone())
                    .or_default()
                    .entry(function.clone())
                    .or_default()
                    .push(record.gas),
            }
        }
        let mut contracts: BTreeMap<String, ContractGas> = BTreeMap::new();
        for (name, (gas, size)) in deployments {
            let contract = contracts.entry(name).or_default();
            contract.deployment = GasStats::of(gas);
            contract.size = size;
        }
        for (name, functions) in calls {
            let contract = contracts.entry(name).or_default();
            contract.functions = functions
                .into_iter()
                .filter_map(|(f, gas)| Some((f, GasStats::of(gas)?)))
                .collect();
        }
        Self { contracts }
    }
}

/// Raw record, named after the run.
#[derive(Clone, Debug)]
pub(crate) struct RawGasRecord {
    pub(crate) target: Address,
    pub(crate) input: Bytes,
    pub(crate) gas: u64,
    pub(crate) deployed_size: Option<usize>,
}

/// Calldata tokens of EIP-7623: zero bytes count 1, others 4.
fn tokens(data: &[u8]) -> u64 {
    data.iter().map(|b| if *b == 0 { 1 } else { 4 }).sum()
}

/// 21,000 plus calldata: what a call transaction pays before executing.
pub(crate) fn call_intrinsic(data: &[u8]) -> u64 {
    21_000 + 4 * tokens(data)
}

/// A creation transaction's intrinsic cost: the call's plus 32,000 and the
/// EIP-3860 init code word cost.
pub(crate) fn create_intrinsic(init_code: &[u8], spec: SpecId) -> u64 {
    let words = (init_code.len() as u64).div_ceil(32);
    let initcode = if spec.is_enabled_in(SpecId::SHANGHAI) {
        2 * words
    } else {
        0
    };
    call_intrinsic(init_code) + 32_000 + initcode
}

/// Gas a transaction with `intrinsic` cost and this execution would use.
pub(crate) fn transaction_gas(
    intrinsic: u64,
    data: &[u8],
    spent: u64,
    refunded: i64,
    spec: SpecId,
) -> u64 {
    let total = intrinsic + spent;
    let cap = if spec.is_enabled_in(SpecId::LONDON) {
        total / 5
    } else {
        total / 2
    };
    let used = total - u64::try_from(refunded.max(0)).unwrap_or(0).min(cap);
    if spec.is_enabled_in(SpecId::PRAGUE) {
        used.max(21_000 + 10 * tokens(data))
    } else {
        used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_gas_figures() {
        assert_eq!(GasStats::of(Vec::new()), None);
        assert_eq!(
            GasStats::of(vec![30, 10, 20, 41]),
            Some(GasStats {
                calls: 4,
                min: 10,
                mean: 25,
                median: 30,
                max: 41
            })
        );
    }

    #[test]
    fn refunds_are_capped_and_the_calldata_floor_applies() {
        // 5,000 gas of execution: a 4,800 refund is under the cap of a fifth
        // of 26,064 and counts whole; a 6,000 refund is capped.
        let data = [0xaa; 4];
        let intrinsic = call_intrinsic(&data);
        assert_eq!(intrinsic, 21_064);
        let used = transaction_gas(intrinsic, &data, 5_000, 4_800, SpecId::PRAGUE);
        assert_eq!(used, 26_064 - 4_800);
        let used = transaction_gas(intrinsic, &data, 5_000, 6_000, SpecId::CANCUN);
        assert_eq!(used, 26_064 - 26_064 / 5);
        // Under Prague the calldata floor (21,000 + 10 per token) is higher.
        let used = transaction_gas(intrinsic, &data, 5_000, 6_000, SpecId::PRAGUE);
        assert_eq!(used, 21_000 + 10 * 16);
        // Little execution, much calldata: the floor wins under Prague only.
        let big = [0xff; 1000];
        let intrinsic = call_intrinsic(&big);
        assert_eq!(
            transaction_gas(intrinsic, &big, 100, 0, SpecId::PRAGUE),
            21_000 + 40_000
        );
        assert_eq!(
            transaction_gas(intrinsic, &big, 100, 0, SpecId::CANCUN),
            intrinsic + 100
        );
        assert_eq!(
            create_intrinsic(&[1; 33], SpecId::PRAGUE),
            21_000 + 33 * 16 + 32_000 + 4
        );
    }
}
