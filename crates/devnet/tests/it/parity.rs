//! A second opinion: the same requests to the dev chain and to Foundry's
//! anvil (1.7.1, a node nobody here wrote), their results compared key by
//! key. A key one has and the other lacks is a difference: fixed, or listed
//! in `KNOWN` with its reason.

use serde_json::{Value, json};
use slipway_devnet::Mining;

use crate::common::{self, rpc};

/// Keys that differ on purpose: (method, JSON path), and why.
const KNOWN: &[(&str, &str, &str)] = &[(
    "anvil_metadata",
    ".clientCommitSha",
    "slipway compiles no commit into its binary (builds from a source archive have none)",
)];

/// Paths present in one shape and not the other (`a.b[0].c`), arrays
/// compared by their first element.
fn differences(path: &str, ours: &Value, theirs: &Value, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let at = format!("{path}.{k}");
                match b.get(k) {
                    Some(w) => differences(&at, v, w, out),
                    None => out.push(format!("{at}: only slipway has it")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k}: only anvil has it"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if let (Some(x), Some(y)) = (a.first(), b.first()) {
                differences(&format!("{path}[0]"), x, y, out);
            }
        }
        (Value::Null, Value::Null) => {}
        (Value::Null, _) | (_, Value::Null) => out.push(format!("{path}: null on one side only")),
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            out.push(format!("{path}: {a} vs {b}"));
        }
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_shapes_match_anvils_key_by_key() {
    let anvil = slipway_testkit::Anvil::start(1337, &[]);
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let from = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let mut hashes = Vec::new();
    for url in [server.url.clone(), anvil.url()] {
        let hash = rpc(
            &url,
            "eth_sendTransaction",
            json!([{ "from": from, "to": to, "value": "0x1" }]),
        )
        .await;
        hashes.push(hash);
    }
    let requests = [
        ("eth_getBlockByNumber", json!(["latest", false])),
        ("eth_getBlockByNumber", json!(["latest", true])),
        ("eth_getBlockByNumber", json!(["pending", false])),
        ("eth_getBlockReceipts", json!(["latest"])),
        ("eth_blobBaseFee", json!([])),
        ("eth_feeHistory", json!(["0x1", "latest", [50]])),
        ("anvil_getAutomine", json!([])),
        ("anvil_nodeInfo", json!([])),
        ("anvil_metadata", json!([])),
    ];
    let mut found = Vec::new();
    for (method, params) in &requests {
        let ours = rpc(&server.url, method, params.clone()).await;
        let theirs = rpc(&anvil.url(), method, params.clone()).await;
        let mut diffs = Vec::new();
        differences("", &ours, &theirs, &mut diffs);
        found.extend(
            diffs
                .into_iter()
                .filter(|d| {
                    !KNOWN
                        .iter()
                        .any(|(m, p, _)| m == method && d.starts_with(p))
                })
                .map(|d| format!("{method}{d}")),
        );
    }
    for (i, method) in ["eth_getTransactionByHash", "eth_getTransactionReceipt"]
        .into_iter()
        .enumerate()
    {
        let ours = rpc(&server.url, method, json!([hashes[0]])).await;
        let theirs = rpc(&anvil.url(), method, json!([hashes[1]])).await;
        let mut diffs = Vec::new();
        differences("", &ours, &theirs, &mut diffs);
        found.extend(diffs.into_iter().map(|d| format!("{method}{d} ({i})")));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
