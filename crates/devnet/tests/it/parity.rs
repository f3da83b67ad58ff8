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

alloy_sol_types::sol! {
    function bump(string note) external returns (uint256);
    function count() external view returns (uint256);
    function say(string text) external;
}

/// Call data as hex.
fn hex_of(call: &impl alloy_sol_types::SolCall) -> String {
    format!("0x{}", alloy_primitives::hex::encode(call.abi_encode()))
}

/// Deploys the fixture and calls `bump("traced")` on `url`; the contract's
/// address and the call's transaction hash.
async fn deploy_and_bump(url: &str) -> (Value, Value) {
    let from = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let deploy = rpc(
        url,
        "eth_sendTransaction",
        json!([{ "from": from, "data": common::fixture_bytecode(), "gas": "0x200000" }]),
    )
    .await;
    let receipt = rpc(url, "eth_getTransactionReceipt", json!([deploy])).await;
    let fixture = receipt["contractAddress"].clone();
    let data = hex_of(&bumpCall {
        note: "traced".into(),
    });
    let hash = rpc(
        url,
        "eth_sendTransaction",
        json!([{ "from": from, "to": fixture, "data": data, "gas": "0x100000" }]),
    )
    .await;
    (fixture, hash)
}

/// geth's tracers and eth_createAccessList, on the dev chain and on anvil:
/// the same shapes, and the figures both must agree on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_and_access_lists_match_anvils() {
    // anvil records opcode steps only when asked.
    let anvil = slipway_testkit::Anvil::start(1337, &["--steps-tracing"]);
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let ours = deploy_and_bump(&server.url).await;
    let theirs = deploy_and_bump(&anvil.url()).await;
    let mut found = Vec::new();
    for options in [
        json!({}),
        json!({ "tracer": "callTracer" }),
        json!({ "tracer": "callTracer", "tracerConfig": { "withLog": true } }),
        json!({ "tracer": "prestateTracer" }),
        json!({ "tracer": "prestateTracer", "tracerConfig": { "diffMode": true } }),
    ] {
        let a = rpc(
            &server.url,
            "debug_traceTransaction",
            json!([ours.1, options]),
        )
        .await;
        let b = rpc(
            &anvil.url(),
            "debug_traceTransaction",
            json!([theirs.1, options]),
        )
        .await;
        let mut diffs = Vec::new();
        differences("", &a, &b, &mut diffs);
        found.extend(
            diffs
                .into_iter()
                .map(|d| format!("traceTransaction {options}{d}")),
        );
        if options == json!({}) {
            assert_eq!(a["gas"], b["gas"], "struct logger gas");
            assert_eq!(
                a["structLogs"].as_array().map(Vec::len),
                b["structLogs"].as_array().map(Vec::len),
                "as many steps"
            );
        }
        if options == json!({ "tracer": "callTracer" }) {
            assert_eq!(a["gasUsed"], b["gasUsed"]);
            assert_eq!(a["type"], "CALL");
            assert_eq!(a["to"], ours.0);
        }
    }
    let from = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let call = |fixture: &Value| {
        json!([
            { "from": from, "to": fixture, "data": hex_of(&countCall {}) },
            "latest",
            { "tracer": "callTracer" }
        ])
    };
    let a = rpc(&server.url, "debug_traceCall", call(&ours.0)).await;
    let b = rpc(&anvil.url(), "debug_traceCall", call(&theirs.0)).await;
    assert_eq!(a["output"], b["output"], "count() on both");
    let mut diffs = Vec::new();
    differences("", &a, &b, &mut diffs);
    found.extend(diffs.into_iter().map(|d| format!("traceCall{d}")));

    // say("x") writes the fixture's slot 0 and calls the console address:
    // both listed, by both nodes (in another order: anvil lists them as
    // touched, slipway sorted — the order carries no meaning).
    let say = hex_of(&sayCall { text: "x".into() });
    let request = |fixture: &Value| json!([{ "from": from, "to": fixture, "data": say }, "latest"]);
    let a = rpc(&server.url, "eth_createAccessList", request(&ours.0)).await;
    let b = rpc(&anvil.url(), "eth_createAccessList", request(&theirs.0)).await;
    let sorted = |list: &Value| {
        let mut items = list.as_array().cloned().unwrap_or_default();
        items.sort_by_key(|i| i["address"].to_string());
        items
    };
    assert_eq!(sorted(&a["accessList"]), sorted(&b["accessList"]));
    assert_eq!(a["accessList"].as_array().map(Vec::len), Some(2));
    assert_eq!(a["gasUsed"], b["gasUsed"], "the gas with the list applied");
    // An estimate with the list applied costs what the list said.
    let mut with_list = request(&ours.0);
    with_list[0]["accessList"] = a["accessList"].clone();
    assert_eq!(
        rpc(&server.url, "eth_estimateGas", with_list).await,
        a["gasUsed"]
    );
    let mut diffs = Vec::new();
    differences("", &a, &b, &mut diffs);
    found.extend(diffs.into_iter().map(|d| format!("createAccessList{d}")));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// What `addresses` hold on `url`: balance, nonce, code, storage slot 0.
async fn holdings(url: &str, addresses: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for address in addresses {
        out.push(json!([
            rpc(url, "eth_getBalance", json!([address, "latest"])).await,
            rpc(url, "eth_getTransactionCount", json!([address, "latest"])).await,
            rpc(url, "eth_getCode", json!([address, "latest"])).await,
            rpc(url, "eth_getStorageAt", json!([address, "0x0", "latest"])).await,
        ]));
    }
    out
}

/// anvil_dumpState / anvil_loadState both ways: a dump anvil made loads
/// into the dev chain, and one the dev chain made loads into anvil, each
/// giving the same balances, nonces, code and storage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_dumps_load_both_ways_with_anvil() {
    let alice = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let store = "0x00000000000000000000000000000000000005a1";
    let code = "0x00000000000000000000000000000000000000c0";

    // anvil → slipway.
    let anvil = slipway_testkit::Anvil::start(1337, &[]);
    rpc(
        &anvil.url(),
        "eth_sendTransaction",
        json!([{ "from": alice, "to": store, "value": "0x2a" }]),
    )
    .await;
    rpc(
        &anvil.url(),
        "anvil_setStorageAt",
        json!([store, "0x0", format!("0x{:064x}", 7)]),
    )
    .await;
    rpc(&anvil.url(), "anvil_setCode", json!([code, "0x6001600055"])).await;
    let dumped = rpc(&anvil.url(), "anvil_dumpState", json!([])).await;
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    assert_eq!(
        rpc(&server.url, "anvil_loadState", json!([dumped])).await,
        true
    );
    let watched = [alice, store, code];
    assert_eq!(
        holdings(&server.url, &watched).await,
        holdings(&anvil.url(), &watched).await
    );

    // slipway → anvil.
    let (fixture, _) = deploy_and_bump(&server.url).await;
    let fixture = fixture.as_str().expect("address").to_owned();
    let dumped = rpc(&server.url, "anvil_dumpState", json!([])).await;
    let fresh = slipway_testkit::Anvil::start(1337, &[]);
    assert_eq!(
        rpc(&fresh.url(), "anvil_loadState", json!([dumped])).await,
        true
    );
    let watched = [alice, store, code, fixture.as_str()];
    assert_eq!(
        holdings(&fresh.url(), &watched).await,
        holdings(&server.url, &watched).await
    );

    // Not a dump: refused, nothing changed.
    let err = common::raw(
        &server.url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "anvil_loadState", "params": ["0x1234"]}),
    )
    .await;
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a state dump")),
        "{err}"
    );
}
