//! Plan values to ABI values: each expression checked against the
//! parameter's Solidity type.

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolType, DynSolValue, Specifier};
use alloy_json_abi::Param;
use alloy_primitives::{Address, U256};

use crate::plan::{Expr, role_hash};

/// Addresses `@name` stands for.
pub(crate) type Names = BTreeMap<String, Address>;

/// `expr` as a value of `ty`.
pub(crate) fn value(expr: &Expr, ty: &DynSolType, names: &Names) -> Result<DynSolValue, String> {
    match (expr, ty) {
        (Expr::Ref(name), DynSolType::Address) => names
            .get(name)
            .map(|a| DynSolValue::Address(*a))
            .ok_or_else(|| format!("`@{name}` is neither a deploy step nor an account")),
        (Expr::Ref(name), other) => {
            Err(format!("`@{name}` is an address, the parameter is {other}"))
        }
        (Expr::Role(name), DynSolType::FixedBytes(32)) => {
            Ok(DynSolValue::FixedBytes(role_hash(name), 32))
        }
        (Expr::Role(name), other) => Err(format!(
            "`role:{name}` is a bytes32, the parameter is {other}"
        )),
        (Expr::List(items), DynSolType::Array(inner)) => Ok(DynSolValue::Array(
            items
                .iter()
                .map(|i| value(i, inner, names))
                .collect::<Result<_, _>>()?,
        )),
        (Expr::List(items), DynSolType::FixedArray(inner, n)) => {
            if items.len() != *n {
                return Err(format!("{ty} takes {n} items, {} given", items.len()));
            }
            Ok(DynSolValue::FixedArray(
                items
                    .iter()
                    .map(|i| value(i, inner, names))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Expr::List(_), DynSolType::CustomStruct { tuple, .. }) => {
            value(expr, &DynSolType::Tuple(tuple.clone()), names)
        }
        (Expr::List(items), DynSolType::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(format!(
                    "{ty} takes {} fields, {} given",
                    types.len(),
                    items.len()
                ));
            }
            Ok(DynSolValue::Tuple(
                items
                    .iter()
                    .zip(types)
                    .map(|(i, t)| value(i, t, names))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Expr::List(_), other) => Err(format!("a list is given, the parameter is {other}")),
        (Expr::Calldata(call), DynSolType::Bytes) => {
            use alloy_dyn_abi::JsonAbiExt;
            let function = call
                .resolved
                .as_ref()
                .ok_or_else(|| format!("`{}` was not found in {}", call.function, call.artifact))?;
            let values = arguments(&function.inputs, &call.args, names)
                .map_err(|e| format!("{}: {e}", function.signature()))?;
            function
                .abi_encode_input(&values)
                .map(DynSolValue::Bytes)
                .map_err(|e| format!("cannot encode {}: {e}", function.signature()))
        }
        (Expr::Calldata(call), other) => Err(format!(
            "a call of `{}` is bytes, the parameter is {other}",
            call.function
        )),
        (Expr::Literal(toml::Value::String(text)), DynSolType::String) => {
            Ok(DynSolValue::String(text.clone()))
        }
        (Expr::Literal(toml::Value::String(text)), ty) => ty
            .coerce_str(text)
            .map_err(|_| format!("`{text}` is not a {ty}")),
        (
            Expr::Literal(toml::Value::Integer(n)),
            ty @ (DynSolType::Uint(_) | DynSolType::Int(_)),
        ) => ty
            .coerce_str(&n.to_string())
            .map_err(|_| format!("{n} is not a {ty}")),
        (Expr::Literal(toml::Value::Boolean(b)), DynSolType::Bool) => Ok(DynSolValue::Bool(*b)),
        (Expr::Literal(v), ty) => Err(format!("{v} is not a {ty}")),
    }
}

/// Arguments for `params`, each located by its position on error.
pub(crate) fn arguments(
    params: &[Param],
    args: &[Expr],
    names: &Names,
) -> Result<Vec<DynSolValue>, String> {
    if params.len() != args.len() {
        return Err(format!(
            "takes {} argument{} ({}), {} given",
            params.len(),
            if params.len() == 1 { "" } else { "s" },
            params
                .iter()
                .map(|p| format!("{} {}", p.ty, p.name).trim().to_owned())
                .collect::<Vec<_>>()
                .join(", "),
            args.len()
        ));
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (param, arg))| {
            let ty: DynSolType = param
                .resolve()
                .map_err(|e| format!("argument {}: type {}: {e}", i + 1, param.ty))?;
            value(arg, &ty, names).map_err(|e| {
                let name = if param.name.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", param.name)
                };
                format!("argument {}{name}: {e}", i + 1)
            })
        })
        .collect()
}

/// Wei given as `value`.
pub(crate) fn wei(expr: Option<&Expr>, names: &Names) -> Result<U256, String> {
    match expr {
        None => Ok(U256::ZERO),
        Some(e) => match value(e, &DynSolType::Uint(256), names)? {
            DynSolValue::Uint(v, _) => Ok(v),
            _ => Err("`value` is not an amount of wei".into()),
        },
    }
}

/// How a value is shown in previews, journals and records.
pub(crate) fn shown(value: &DynSolValue) -> String {
    match value {
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::FixedBytes(w, n) => format!("0x{}", alloy_primitives::hex::encode(&w[..*n])),
        DynSolValue::Bytes(b) => format!("0x{}", alloy_primitives::hex::encode(b)),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) => {
            format!(
                "[{}]",
                items.iter().map(shown).collect::<Vec<_>>().join(", ")
            )
        }
        DynSolValue::Tuple(items) => {
            format!(
                "({})",
                items.iter().map(shown).collect::<Vec<_>>().join(", ")
            )
        }
        other => format!("{other:?}"),
    }
}
