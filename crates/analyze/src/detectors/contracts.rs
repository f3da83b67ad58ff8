//! The shape of a contract: ether it can take but never give back, and
//! token functions whose signatures break ERC-20 or ERC-721 callers.

use foundry_compilers::artifacts::ast::{
    ContractDefinition, ContractKind, FunctionDefinition, FunctionKind, StateMutability, Visibility,
};

use crate::detector::{Cx, Detector, Sink};
use crate::{
    Confidence, Severity,
    flow::{CallKind, Effect},
    program::Owned,
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "locked-ether",
        title: "Contract takes ether but can never send it",
        severity: Severity::Medium,
        confidence: Confidence::High,
        what: "A contract has a payable function (or `receive`) but no code path that sends \
               ether: no `call` with value, `transfer`, `send`, `selfdestruct` or \
               `delegatecall`.",
        why: "Every wei sent to it is locked for good.",
        help: "add a withdrawal path, or remove `payable`",
        example: include_str!("../../testdata/src/locked-ether.sol"),
        run: locked_ether,
    },
    Detector {
        id: "erc20-interface",
        title: "ERC-20 function with the wrong signature",
        severity: Severity::Medium,
        confidence: Confidence::High,
        what: "A token contract declares `transfer`, `transferFrom`, `approve`, `balanceOf`, \
               `allowance` or `totalSupply` with return types other than ERC-20's.",
        why: "Callers compiled against the standard decode the missing `bool` as a failure, or \
              revert: the token cannot be used by wallets, exchanges or SafeERC20.",
        help: "return exactly what EIP-20 says (`bool` for the three transfers, `uint256` for the views)",
        example: include_str!("../../testdata/src/erc20-interface.sol"),
        run: erc20_interface,
    },
    Detector {
        id: "erc721-interface",
        title: "ERC-721 function with the wrong signature",
        severity: Severity::Medium,
        confidence: Confidence::High,
        what: "An NFT contract declares `ownerOf`, `balanceOf`, `getApproved`, \
               `isApprovedForAll` or `supportsInterface` with return types other than \
               ERC-721's (or returns a value from a transfer or approval).",
        why: "Marketplaces and wallets built on the standard misread the answer or revert.",
        help: "use EIP-721's signatures exactly",
        example: include_str!("../../testdata/src/erc721-interface.sol"),
        run: erc721_interface,
    },
];

fn sends_ether(cx: &Cx<'_, '_>, f: &FunctionDefinition) -> bool {
    cx.flow.flat(f.id as isize).iter().any(|l| {
        matches!(
            l.effect,
            Effect::Call {
                kind: CallKind::SelfDestruct | CallKind::Delegate,
                ..
            } | Effect::Call { value: true, .. }
                | Effect::AssemblyCall { value: true }
        )
    })
}

fn locked_ether(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        if !crate::program::is_concrete(contract) {
            continue;
        }
        let functions = cx.program.functions_of(contract);
        let payable = functions.iter().any(|f| {
            *f.item.state_mutability() == StateMutability::Payable
                && (matches!(f.item.visibility, Visibility::Public | Visibility::External)
                    || *f.item.kind() == FunctionKind::Constructor)
        });
        if !payable || functions.iter().any(|f| sends_ether(cx, f.item)) {
            continue;
        }
        sink.report(
            contract.name_location.unwrap_or(contract.src),
            contract,
            None,
            format!(
                "`{}` accepts ether but has no way to send it",
                contract.name
            ),
        );
    }
}

/// `name(params) → returns` of a function, as solc writes parameter types.
fn signature(f: &FunctionDefinition) -> (String, Vec<String>) {
    let types = |list: &foundry_compilers::artifacts::ast::ParameterList| {
        list.parameters
            .iter()
            .map(|p| p.type_descriptions.type_string.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    (
        format!("{}({})", f.name, types(&f.parameters).join(",")),
        types(&f.return_parameters),
    )
}

fn public<'a>(
    cx: &Cx<'_, 'a>,
    contract: &'a ContractDefinition,
) -> Vec<Owned<'a, FunctionDefinition>> {
    cx.program
        .functions_of(contract)
        .into_iter()
        .filter(|f| matches!(f.item.visibility, Visibility::Public | Visibility::External))
        .collect()
}

/// Checks each function `contract` declares itself against `expected`
/// (signature → return types).
fn check_signatures<'a>(
    cx: &Cx<'_, 'a>,
    sink: &mut Sink,
    contract: &'a ContractDefinition,
    expected: &[(&str, &[&str])],
    standard: &str,
) {
    for f in public(cx, contract) {
        if f.contract.id != contract.id {
            continue;
        }
        let (sig, returns) = signature(f.item);
        if let Some((_, want)) = expected.iter().find(|(s, _)| *s == sig)
            && returns != *want
        {
            sink.report(
                f.item.name_location.unwrap_or(f.item.src),
                contract,
                Some(f.item),
                format!(
                    "`{sig}` returns ({}); {standard} says ({})",
                    returns.join(", "),
                    want.join(", ")
                ),
            );
        }
    }
}

const ERC20: &[(&str, &[&str])] = &[
    ("transfer(address,uint256)", &["bool"]),
    ("transferFrom(address,address,uint256)", &["bool"]),
    ("approve(address,uint256)", &["bool"]),
    ("allowance(address,address)", &["uint256"]),
    ("balanceOf(address)", &["uint256"]),
    ("totalSupply()", &["uint256"]),
];

const ERC721: &[(&str, &[&str])] = &[
    ("balanceOf(address)", &["uint256"]),
    ("ownerOf(uint256)", &["address"]),
    ("getApproved(uint256)", &["address"]),
    ("isApprovedForAll(address,address)", &["bool"]),
    ("supportsInterface(bytes4)", &["bool"]),
    ("approve(address,uint256)", &[]),
    ("transferFrom(address,address,uint256)", &[]),
    ("safeTransferFrom(address,address,uint256)", &[]),
    ("setApprovalForAll(address,bool)", &[]),
];

/// The signature of a public state variable's getter:
/// `mapping(address => mapping(address => uint256)) allowance` →
/// `allowance(address,address)`.
fn getter(v: &foundry_compilers::artifacts::ast::VariableDeclaration) -> String {
    let mut t = v.type_descriptions.type_string.as_deref().unwrap_or("");
    let mut params = Vec::new();
    loop {
        if let Some(inner) = t.strip_prefix("mapping(").and_then(|r| r.strip_suffix(')'))
            && let Some((key, value)) = inner.split_once(" => ")
        {
            params.push(key.to_owned());
            t = value;
        } else if let Some(element) = t
            .strip_suffix("[]")
            .or_else(|| t.strip_suffix("[] storage ref"))
        {
            params.push("uint256".to_owned());
            t = element;
        } else {
            break;
        }
    }
    format!("{}({})", v.name, params.join(","))
}

fn names<'a>(cx: &Cx<'_, 'a>, contract: &'a ContractDefinition) -> Vec<String> {
    let mut all: Vec<String> = public(cx, contract)
        .iter()
        .map(|f| signature(f.item).0)
        .collect();
    all.extend(
        cx.program
            .state_vars_of(contract)
            .into_iter()
            .filter(|v| v.visibility == Visibility::Public)
            .map(getter),
    );
    all
}

fn is_nft(sigs: &[String]) -> bool {
    sigs.iter().any(|s| s == "ownerOf(uint256)")
}

fn erc20_interface(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        if contract.kind == ContractKind::Library {
            continue;
        }
        let sigs = names(cx, contract);
        let matching = ERC20
            .iter()
            .filter(|(s, _)| sigs.iter().any(|x| x == s))
            .count();
        if matching >= 3 && !is_nft(&sigs) {
            check_signatures(cx, sink, contract, ERC20, "ERC-20");
        }
    }
}

fn erc721_interface(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for contract in &cx.contracts {
        if contract.kind == ContractKind::Library {
            continue;
        }
        let sigs = names(cx, contract);
        if is_nft(&sigs) {
            check_signatures(cx, sink, contract, ERC721, "ERC-721");
        }
    }
}
