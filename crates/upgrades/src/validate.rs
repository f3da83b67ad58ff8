//! The checks of one implementation on its own, as OpenZeppelin's
//! validator makes them and in its words (`kind`): `constructor`,
//! `state-variable-assignment`, `state-variable-immutable`,
//! `external-library-linking`, `delegatecall`, `selfdestruct` (reachable
//! from the contract's functions, through internal helpers, libraries and
//! base contracts), `internal-function-storage`,
//! `missing-public-upgradeto`, and the initializer checks
//! (`initializer.rs`). `@custom:oz-upgrades-unsafe-allow KINDS`
//! skips a kind where it is written (the contract, a function, a
//! variable); `@custom:oz-upgrades-unsafe-allow-reachable KINDS` also
//! stops the search through what that code calls. Checks are made on the
//! contract and every contract it inherits.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::{
    ast::{
        allowed, allowed_reachable, annotation, annotation_args, children, has_annotation, id,
        linearization, node_type, src,
    },
    build_info::BuildInfo,
};

/// The validation kinds that `unsafeAllow` (and slipway's
/// `--unsafe-allow`) may waive, as OpenZeppelin names them.
pub const VALIDATION_KINDS: &[&str] = &[
    "constructor",
    "state-variable-assignment",
    "state-variable-immutable",
    "external-library-linking",
    "delegatecall",
    "selfdestruct",
    "missing-public-upgradeto",
    "internal-function-storage",
    "missing-initializer",
    "missing-initializer-call",
    "duplicate-initializer-call",
    "incorrect-initializer-order",
];

/// One validation error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// OpenZeppelin's kind.
    pub kind: &'static str,
    /// The variable, library or contract concerned, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `file:line`.
    pub src: String,
}

/// Every node of `kind` under `root` (itself included), not descending
/// into nodes `prune` refuses.
fn find_all<'a>(
    root: &'a Value,
    kind: &str,
    prune: &dyn Fn(&Value) -> bool,
    out: &mut Vec<&'a Value>,
) {
    match root {
        Value::Object(map) => {
            if map.contains_key("nodeType") && prune(root) {
                return;
            }
            if node_type(root) == kind {
                out.push(root);
            }
            for value in map.values() {
                if value.is_object() || value.is_array() {
                    find_all(value, kind, prune, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                find_all(item, kind, prune, out);
            }
        }
        _ => {}
    }
}

fn all<'a>(root: &'a Value, kind: &str, prune: &dyn Fn(&Value) -> bool) -> Vec<&'a Value> {
    let mut out = Vec::new();
    find_all(root, kind, prune, &mut out);
    out
}

fn is_internal_function(node: &Value) -> bool {
    node_type(node) == "FunctionDefinition"
        && node.get("kind").and_then(Value::as_str) != Some("constructor")
        && matches!(
            node.get("visibility").and_then(Value::as_str),
            Some("internal" | "private")
        )
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    Main,
    Inherited,
}

/// Where `delegatecall` or `selfdestruct` can be reached from a contract.
struct Opcodes<'a> {
    info: &'a BuildInfo,
    kind: &'static str,
    pattern: &'static str,
    cache: HashMap<(u64, Scope), Vec<ValidationError>>,
}

impl Opcodes<'_> {
    fn contract(&mut self, contract: &Value, scope: Scope) -> Vec<ValidationError> {
        let Some(key) = id(contract).map(|i| (i, scope)) else {
            return Vec::new();
        };
        if let Some(cached) = self.cache.get(&key) {
            return cached.clone();
        }
        self.cache.insert(key, Vec::new());
        let mut errors = self.function(contract, scope);
        if !allowed_reachable(contract, self.kind) {
            for base in contract
                .get("baseContracts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let base_id = base
                    .pointer("/baseName/referencedDeclaration")
                    .and_then(Value::as_u64);
                if let Some((base_def, _)) = base_id.and_then(|b| self.info.node(b)) {
                    errors.extend(self.contract(base_def, Scope::Inherited));
                }
            }
        }
        self.cache.insert(key, errors.clone());
        errors
    }

    /// The errors in a contract's or function's own code, and in the
    /// functions it calls.
    fn function(&mut self, node: &Value, scope: Scope) -> Vec<ValidationError> {
        let parent = node
            .get("scope")
            .and_then(Value::as_u64)
            .and_then(|s| self.info.node(s))
            .map(|(n, _)| n)
            .filter(|n| node_type(n) == "ContractDefinition");
        let kind = self.kind;
        let mut errors = Vec::new();
        if parent.is_none_or(|p| !allowed(p, kind)) {
            let prune = |n: &Value| {
                allowed(n, kind) || (scope == Scope::Inherited && is_internal_function(n))
            };
            for call in all(node, "FunctionCall", &prune) {
                let callee = call
                    .pointer("/expression/typeDescriptions/typeIdentifier")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if callee.starts_with(self.pattern) {
                    errors.push(ValidationError {
                        kind,
                        name: None,
                        src: src(self.info, call),
                    });
                }
            }
        }
        if parent.is_none_or(|p| !allowed_reachable(p, kind)) {
            let prune = |n: &Value| {
                allowed_reachable(n, kind) || (scope == Scope::Inherited && is_internal_function(n))
            };
            let called: Vec<u64> = all(node, "FunctionCall", &prune)
                .into_iter()
                .filter_map(|call| call.pointer("/expression/referencedDeclaration")?.as_i64())
                .filter(|&r| r > 0)
                .map(|r| r as u64)
                .collect();
            for reference in called {
                let Some((callee, _)) = self.info.node(reference) else {
                    continue;
                };
                if node_type(callee) != "FunctionDefinition" {
                    continue;
                }
                let key = (reference, scope);
                if let Some(cached) = self.cache.get(&key) {
                    errors.extend(cached.clone());
                    continue;
                }
                self.cache.insert(key, Vec::new());
                let found = self.function(callee, scope);
                self.cache.insert(key, found.clone());
                errors.extend(found);
            }
        }
        errors
    }
}

/// `constructor`, the state variable kinds, and linking, for one contract.
fn own_errors(info: &BuildInfo, file: &str, contract: &Value) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let name = contract
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let functions = children(contract, "nodes")
        .filter(|n| node_type(n) == "FunctionDefinition" && !allowed(n, "constructor"))
        .filter(|_| !allowed(contract, "constructor"));
    for function in functions {
        let statements = function
            .pointer("/body/statements")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let modifiers = function
            .get("modifiers")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if function.get("kind").and_then(Value::as_str) == Some("constructor")
            && (statements > 0 || modifiers > 0)
        {
            errors.push(ValidationError {
                kind: "constructor",
                name: Some(name.to_owned()),
                src: src(info, function),
            });
        }
    }
    for variable in contract
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|n| node_type(n) == "VariableDeclaration")
    {
        let var_name = variable
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mutability = variable.get("mutability").and_then(Value::as_str);
        let constant = variable.get("constant").and_then(Value::as_bool) == Some(true);
        let kind = if mutability == Some("immutable") {
            "state-variable-immutable"
        } else if !constant && variable.get("value").is_some_and(|v| !v.is_null()) {
            "state-variable-assignment"
        } else {
            continue;
        };
        if !allowed(contract, kind) && !allowed(variable, kind) {
            errors.push(ValidationError {
                kind,
                name: var_name,
                src: src(info, variable),
            });
        }
    }
    // The contract's source file holds its output only when it was
    // declared there; a base from another file is found by its own.
    let declared_in = contract
        .get("src")
        .and_then(Value::as_str)
        .and_then(|s| s.rsplit(':').next())
        .and_then(|i| i.parse::<u64>().ok())
        .and_then(|i| info.path_of(i))
        .unwrap_or(file);
    if let Some(links) = info
        .contract(declared_in, name)
        .and_then(|c| c.pointer("/evm/bytecode/linkReferences"))
        .and_then(Value::as_object)
        && !allowed(contract, "external-library-linking")
    {
        for (source, libraries) in links {
            for library in libraries.as_object().into_iter().flatten().map(|(l, _)| l) {
                errors.push(ValidationError {
                    kind: "external-library-linking",
                    name: Some(library.clone()),
                    src: source.clone(),
                });
            }
        }
    }
    internal_function_storage(info, contract, &mut HashSet::new(), &mut errors);
    errors
}

/// What validation found: errors, and warnings that do not stop an
/// upgrade (`incorrect-initializer-order`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// The errors.
    pub errors: Vec<ValidationError>,
    /// The warnings.
    pub warnings: Vec<ValidationError>,
}

/// The user-defined type a variable's type leads to through arrays and
/// mapping values.
fn user_defined(type_name: &Value) -> Option<&Value> {
    match node_type(type_name) {
        "ArrayTypeName" => user_defined(type_name.get("baseType")?),
        "Mapping" => user_defined(type_name.get("valueType")?),
        "UserDefinedTypeName" => Some(type_name),
        _ => None,
    }
}

fn internal_function_storage(
    info: &BuildInfo,
    container: &Value,
    visited: &mut HashSet<u64>,
    errors: &mut Vec<ValidationError>,
) {
    let mut variables: Vec<&Value> = Vec::new();
    if node_type(container) == "ContractDefinition" {
        for node in container
            .get("nodes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match node_type(node) {
                "VariableDeclaration" => variables.push(node),
                "StructDefinition"
                    if annotation(node, "storage-location").is_some()
                        && id(node).is_some_and(|i| visited.insert(i)) =>
                {
                    variables.extend(
                        node.get("members")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten(),
                    );
                }
                _ => {}
            }
        }
    } else {
        variables.extend(
            container
                .get("members")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    for variable in variables {
        let Some(type_name) = variable.get("typeName") else {
            continue;
        };
        if node_type(type_name) == "FunctionTypeName"
            && type_name.get("visibility").and_then(Value::as_str) == Some("internal")
        {
            errors.push(ValidationError {
                kind: "internal-function-storage",
                name: variable
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                src: src(info, variable),
            });
        } else if let Some(reference) = user_defined(type_name)
            .and_then(|t| t.get("referencedDeclaration"))
            .and_then(Value::as_u64)
            && !visited.contains(&reference)
            && let Some((definition, _)) = info.node(reference)
            && node_type(definition) == "StructDefinition"
        {
            visited.insert(reference);
            internal_function_storage(info, definition, visited, errors);
        }
    }
}

const UPGRADE_TO: &str = "upgradeTo(address)";
const UPGRADE_TO_AND_CALL: &str = "upgradeToAndCall(address,bytes)";

/// The public and external function signatures of a contract and its
/// bases, as the ABI names them.
fn methods(contracts: &[&Value]) -> Vec<String> {
    let mut out = Vec::new();
    for contract in contracts {
        for function in children(contract, "nodes").filter(|n| node_type(n) == "FunctionDefinition")
        {
            if !matches!(
                function.get("visibility").and_then(Value::as_str),
                Some("public" | "external")
            ) {
                continue;
            }
            let name = function
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let params: Vec<String> = function
                .pointer("/parameters/parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    p.pointer("/typeDescriptions/typeString")
                        .and_then(Value::as_str)
                        .map(abi_type)
                        .unwrap_or_default()
                })
                .collect();
            out.push(format!("{name}({})", params.join(",")));
        }
    }
    out
}

/// A type string as the ABI writes it (`address payable` is `address`,
/// `bytes memory` is `bytes`, a contract is an `address`).
fn abi_type(type_string: &str) -> String {
    let base = type_string
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "memory" | "calldata" | "storage" | "payable" | "pointer" | "ref"
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    if base.starts_with("contract ") || base.starts_with("interface ") {
        "address".to_owned()
    } else {
        base
    }
}

/// Contract `name` of `file` (contracts are top-level nodes).
fn contract_node<'a>(info: &'a BuildInfo, file: &str, name: &str) -> Option<&'a Value> {
    info.contract_definition(file, name)
}

/// Whether contract `name` in `file` is UUPS: it or a base has a public
/// `upgradeTo(address)` or `upgradeToAndCall(address,bytes)`.
pub fn is_uups(info: &BuildInfo, file: &str, name: &str) -> bool {
    contract_node(info, file, name).is_some_and(|contract| {
        methods(&linearization(info, contract))
            .iter()
            .any(|m| m == UPGRADE_TO || m == UPGRADE_TO_AND_CALL)
    })
}

/// `missing-public-upgradeto` for contract `name` in `file`: it replaces
/// a UUPS implementation but could not be upgraded again.
pub fn missing_upgrade_to(info: &BuildInfo, file: &str, name: &str) -> ValidationError {
    ValidationError {
        kind: "missing-public-upgradeto",
        name: Some(name.to_owned()),
        src: contract_node(info, file, name)
            .map(|c| src(info, c))
            .unwrap_or_default(),
    }
}

/// Whether contract `name` in `file` is upgradeable as OpenZeppelin's
/// validator decides it when it looks at a whole build (annotated
/// `@custom:oz-upgrades` or `@custom:oz-upgrades-from`, inheriting a
/// contract named `Initializable`, or UUPS), with the reference its
/// `oz-upgrades-from` annotation names, if any.
pub fn upgradeable(info: &BuildInfo, file: &str, name: &str) -> (bool, Option<String>) {
    let Some(contract) = contract_node(info, file, name) else {
        return (false, None);
    };
    let from = annotation_args(contract, "oz-upgrades-from")
        .into_iter()
        .next();
    let tagged = has_annotation(contract, "oz-upgrades");
    let initializable = linearization(info, contract)
        .iter()
        .any(|b| b.get("name").and_then(Value::as_str) == Some("Initializable"));
    (
        from.is_some() || tagged || initializable || is_uups(info, file, name),
        from,
    )
}

/// The validation errors of contract `name` in `file`: its own and its
/// bases' (opcode errors reached from its own code).
/// `missing-public-upgradeto` depends on what it replaces: see
/// [`is_uups`] and [`missing_upgrade_to`].
pub fn validate(info: &BuildInfo, file: &str, name: &str) -> Validation {
    let Some(contract) = contract_node(info, file, name) else {
        return Validation::default();
    };
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (kind, pattern) in [
        ("delegatecall", "t_function_baredelegatecall_"),
        ("selfdestruct", "t_function_selfdestruct_"),
    ] {
        let mut opcodes = Opcodes {
            info,
            kind,
            pattern,
            cache: HashMap::new(),
        };
        errors.extend(opcodes.contract(contract, Scope::Main));
    }
    for base in linearization(info, contract) {
        errors.extend(own_errors(info, file, base));
        let (initializer_errors, initializer_warnings) = crate::initializer::check(info, base);
        errors.extend(initializer_errors);
        warnings.extend(initializer_warnings);
    }
    Validation { errors, warnings }
}
