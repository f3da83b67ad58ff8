//! forge-std 1.8+'s assertions, which are cheatcodes: `vm.assertEq`,
//! `assertTrue`, `assertApproxEqRel` and their kin, every overload, failing
//! with forge's message text (`assertion failed: 1 != 2`, or the test's own
//! message before the colon).

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{
    U256, U512,
    utils::{ParseUnits, Unit},
};

/// forge's prefix when a test gives no message.
const FAILED: &str = "assertion failed";

/// Decimals of the relative delta (1e18 is 100%).
const REL_DECIMALS: u8 = 18;

/// Whether `name` is an assertion this module answers.
pub(super) fn is_assertion(name: &str) -> bool {
    name.starts_with("assert") && base_arity(name).is_some()
}

/// Arguments before the optional message.
fn base_arity(name: &str) -> Option<usize> {
    Some(match name {
        "assertTrue" | "assertFalse" => 1,
        "assertEq" | "assertNotEq" | "assertGt" | "assertGe" | "assertLt" | "assertLe" => 2,
        "assertEqDecimal" | "assertNotEqDecimal" | "assertGtDecimal" | "assertGeDecimal"
        | "assertLtDecimal" | "assertLeDecimal" | "assertApproxEqAbs" | "assertApproxEqRel" => 3,
        "assertApproxEqAbsDecimal" | "assertApproxEqRelDecimal" => 4,
        _ => return None,
    })
}

/// Checks assertion `name` on its decoded `args`; `Err` is the message the
/// test fails with.
pub(super) fn check(name: &str, args: &[DynSolValue]) -> Result<(), String> {
    let base = base_arity(name).ok_or_else(|| format!("vm.{name}: not an assertion"))?;
    let message = match args.get(base) {
        Some(DynSolValue::String(m)) if args.len() == base + 1 => Some(m.as_str()),
        None if args.len() == base => None,
        _ => return Err(format!("vm.{name}: unexpected arguments")),
    };
    let fail = |detail: Option<String>| -> Result<(), String> {
        let head = message.unwrap_or(FAILED);
        Err(match detail {
            Some(detail) => format!("{head}: {detail}"),
            None => head.to_owned(),
        })
    };
    let decimals = match name {
        n if n.ends_with("Decimal") && n.starts_with("assertApprox") => {
            args.get(3).and_then(uint).map(|d| d.saturating_to::<u8>())
        }
        n if n.ends_with("Decimal") => args.get(2).and_then(uint).map(|d| d.saturating_to::<u8>()),
        _ => None,
    };
    let show = |v: &DynSolValue| match decimals {
        Some(d) => with_decimals(v, d),
        None => display(v),
    };
    let (left, right) = (&args[0], args.get(1));
    match name.trim_end_matches("Decimal") {
        "assertTrue" | "assertFalse" => {
            let wanted = name == "assertTrue";
            match left.as_bool() {
                Some(b) if b == wanted => Ok(()),
                Some(_) => fail(None),
                None => Err(format!("vm.{name}: not a bool")),
            }
        }
        "assertEq" | "assertNotEq" => {
            let right = right.ok_or("missing right side")?;
            let equal = left == right;
            let wanted = name.starts_with("assertEq");
            if equal == wanted {
                return Ok(());
            }
            let op = if wanted { "!=" } else { "==" };
            fail(Some(format!("{} {op} {}", show(left), show(right))))
        }
        "assertGt" | "assertGe" | "assertLt" | "assertLe" => {
            let right = right.ok_or("missing right side")?;
            let ordering = compare(left, right).ok_or_else(|| format!("vm.{name}: not numbers"))?;
            use std::cmp::Ordering::*;
            let (holds, inverse) = match name.trim_end_matches("Decimal") {
                "assertGt" => (ordering == Greater, "<="),
                "assertGe" => (ordering != Less, "<"),
                "assertLt" => (ordering == Less, ">="),
                _ => (ordering != Greater, ">"),
            };
            if holds {
                return Ok(());
            }
            fail(Some(format!("{} {inverse} {}", show(left), show(right))))
        }
        "assertApproxEqAbs" => {
            let right = right.ok_or("missing right side")?;
            let max = args.get(2).and_then(uint).ok_or("missing maxDelta")?;
            let delta = abs_delta(left, right).ok_or_else(|| format!("vm.{name}: not numbers"))?;
            if delta <= max {
                return Ok(());
            }
            let unsigned = |v: U256| match decimals {
                Some(d) => format_units(v, d),
                None => v.to_string(),
            };
            fail(Some(format!(
                "{} !~= {} (max delta: {}, real delta: {})",
                show(left),
                show(right),
                unsigned(max),
                unsigned(delta)
            )))
        }
        "assertApproxEqRel" => {
            let right_value = right.ok_or("missing right side")?;
            let max = args
                .get(2)
                .and_then(uint)
                .ok_or("missing maxPercentDelta")?;
            let delta =
                abs_delta(left, right_value).ok_or_else(|| format!("vm.{name}: not numbers"))?;
            let magnitude = abs(right_value).ok_or_else(|| format!("vm.{name}: not numbers"))?;
            let real = if magnitude.is_zero() {
                if delta.is_zero() {
                    return Ok(());
                }
                None
            } else {
                let full = U512::from(delta) * U512::from(10u8).pow(U512::from(REL_DECIMALS))
                    / U512::from(magnitude);
                match U256::checked_from_limbs_slice(full.as_limbs()) {
                    Some(v) => Some(v),
                    None => return fail(Some("overflow in delta calculation".into())),
                }
            };
            if real.is_some_and(|r| r <= max) {
                return Ok(());
            }
            let percent = |v: U256| format!("{}%", format_units(v, REL_DECIMALS - 2));
            fail(Some(format!(
                "{} !~= {} (max delta: {}, real delta: {})",
                show(left),
                show(right_value),
                percent(max),
                real.map_or_else(|| "undefined".to_owned(), percent)
            )))
        }
        _ => Err(format!("vm.{name}: not an assertion")),
    }
}

fn uint(v: &DynSolValue) -> Option<U256> {
    match v {
        DynSolValue::Uint(u, _) => Some(*u),
        _ => None,
    }
}

/// `|v|` of a number.
fn abs(v: &DynSolValue) -> Option<U256> {
    match v {
        DynSolValue::Uint(u, _) => Some(*u),
        DynSolValue::Int(i, _) => Some(i.unsigned_abs()),
        _ => None,
    }
}

/// `|left - right|`, without overflow.
fn abs_delta(left: &DynSolValue, right: &DynSolValue) -> Option<U256> {
    match (left, right) {
        (DynSolValue::Uint(l, _), DynSolValue::Uint(r, _)) => Some(l.abs_diff(*r)),
        (DynSolValue::Int(l, _), DynSolValue::Int(r, _)) => {
            let (ls, la) = l.into_sign_and_abs();
            let (rs, ra) = r.into_sign_and_abs();
            Some(if ls == rs {
                la.abs_diff(ra)
            } else {
                la.wrapping_add(ra)
            })
        }
        _ => None,
    }
}

fn compare(left: &DynSolValue, right: &DynSolValue) -> Option<std::cmp::Ordering> {
    match (left, right) {
        (DynSolValue::Uint(l, _), DynSolValue::Uint(r, _)) => Some(l.cmp(r)),
        (DynSolValue::Int(l, _), DynSolValue::Int(r, _)) => Some(l.cmp(r)),
        _ => None,
    }
}

/// `x` with `decimals` decimals, as forge formats units.
fn format_units(x: U256, decimals: u8) -> String {
    match Unit::new(decimals) {
        Some(unit) => ParseUnits::U256(x).format_units(unit),
        None => x.to_string(),
    }
}

fn with_decimals(v: &DynSolValue, decimals: u8) -> String {
    match v {
        DynSolValue::Uint(u, _) => format_units(*u, decimals),
        DynSolValue::Int(i, _) => {
            let (sign, abs): (alloy_primitives::Sign, U256) = i.into_sign_and_abs();
            format!("{sign}{}", format_units(abs, decimals))
        }
        other => display(other),
    }
}

/// A value as forge shows it in an assertion message.
pub(super) fn display(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::FixedBytes(word, size) => {
            format!("0x{}", alloy_primitives::hex::encode(&word[..*size]))
        }
        DynSolValue::Bytes(b) => format!("0x{}", alloy_primitives::hex::encode(b)),
        DynSolValue::String(s) => s.clone(),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            format!(
                "[{}]",
                items.iter().map(display).collect::<Vec<_>>().join(", ")
            )
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::I256;

    fn u(n: u64) -> DynSolValue {
        DynSolValue::Uint(U256::from(n), 256)
    }

    fn i(n: i64) -> DynSolValue {
        DynSolValue::Int(I256::try_from(n).expect("fits"), 256)
    }

    fn s(text: &str) -> DynSolValue {
        DynSolValue::String(text.into())
    }

    #[test]
    fn equality_fails_with_forges_text() {
        assert_eq!(check("assertEq", &[u(1), u(1)]), Ok(()));
        assert_eq!(
            check("assertEq", &[u(1), u(2)]),
            Err("assertion failed: 1 != 2".into())
        );
        assert_eq!(
            check("assertEq", &[u(1), u(2), s("expected two")]),
            Err("expected two: 1 != 2".into())
        );
        assert_eq!(
            check("assertNotEq", &[s("a"), s("a")]),
            Err("assertion failed: a == a".into())
        );
        let arr = |v: &[u64]| DynSolValue::Array(v.iter().map(|n| u(*n)).collect());
        assert_eq!(
            check("assertEq", &[arr(&[1, 2]), arr(&[1, 3])]),
            Err("assertion failed: [1, 2] != [1, 3]".into())
        );
        assert_eq!(
            check("assertEqDecimal", &[u(1_500), u(2_000), u(3)]),
            Err("assertion failed: 1.500 != 2.000".into())
        );
    }

    #[test]
    fn truth_and_order() {
        assert_eq!(check("assertTrue", &[DynSolValue::Bool(true)]), Ok(()));
        assert_eq!(
            check("assertFalse", &[DynSolValue::Bool(true), s("must be off")]),
            Err("must be off".into())
        );
        assert_eq!(check("assertGt", &[u(2), u(1)]), Ok(()));
        assert_eq!(
            check("assertGt", &[u(1), u(1)]),
            Err("assertion failed: 1 <= 1".into())
        );
        assert_eq!(
            check("assertLe", &[i(-1), i(-2)]),
            Err("assertion failed: -1 > -2".into())
        );
        assert_eq!(check("assertGe", &[i(-2), i(-2)]), Ok(()));
    }

    #[test]
    fn approximate_equality_reports_both_deltas() {
        assert_eq!(check("assertApproxEqAbs", &[u(100), u(103), u(3)]), Ok(()));
        assert_eq!(
            check("assertApproxEqAbs", &[u(100), u(104), u(3)]),
            Err("assertion failed: 100 !~= 104 (max delta: 3, real delta: 4)".into())
        );
        assert_eq!(
            check("assertApproxEqAbs", &[i(-2), i(2), u(3)]),
            Err("assertion failed: -2 !~= 2 (max delta: 3, real delta: 4)".into())
        );
        // 1% of 100 is 1: 101 passes, 102 fails with a 2% delta.
        let one_percent = u(10_000_000_000_000_000);
        assert_eq!(
            check("assertApproxEqRel", &[u(101), u(100), one_percent.clone()]),
            Ok(())
        );
        assert_eq!(
            check("assertApproxEqRel", &[u(102), u(100), one_percent.clone()]),
            Err("assertion failed: 102 !~= 100 (max delta: 1.0000000000000000%, real delta: 2.0000000000000000%)".into())
        );
        assert_eq!(
            check("assertApproxEqRel", &[u(1), u(0), one_percent]),
            Err(
                "assertion failed: 1 !~= 0 (max delta: 1.0000000000000000%, real delta: undefined)"
                    .into()
            )
        );
    }
}
