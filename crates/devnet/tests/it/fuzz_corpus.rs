//! The fuzz target's saved corpus, replayed on stable (CI has no nightly), and
//! random request bodies: every one is answered in JSON-RPC form, none panics.

use crate::common;

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::Value;
use slipway_devnet::{
    Mining, Node,
    rpc::{Ctx, handle_body},
};

/// One chain for all inputs: what earlier inputs did to it is part of the test.
fn ctx() -> &'static (tokio::runtime::Runtime, Arc<Ctx>) {
    static CTX: std::sync::OnceLock<(tokio::runtime::Runtime, Arc<Ctx>)> =
        std::sync::OnceLock::new();
    CTX.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let node = Node::open(&common::settings(None, Mining::Auto)).expect("node");
        let ctx = runtime.block_on(async { Ctx::new(node) });
        (runtime, ctx)
    })
}

/// A well-formed JSON-RPC 2.0 response object.
fn check_response(v: &Value) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("response is not an object: {v}"));
    assert_eq!(
        obj.get("jsonrpc"),
        Some(&Value::String("2.0".into())),
        "{v}"
    );
    assert!(obj.contains_key("id"), "{v}");
    match (obj.get("result"), obj.get("error")) {
        (Some(_), None) => {}
        (None, Some(e)) => {
            assert!(e["code"].is_i64(), "{v}");
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        }
        _ => panic!("exactly one of result and error: {v}"),
    }
}

fn check(answer: Option<Value>) {
    match answer {
        Some(Value::Array(items)) => items.iter().for_each(check_response),
        Some(v) => check_response(&v),
        None => {}
    }
}

#[test]
fn the_saved_corpus_is_answered_without_a_panic() {
    let (_runtime, ctx) = ctx();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rpc-corpus");
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus") {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("read");
        check(handle_body(ctx, &data));
        inputs += 1;
    }
    assert!(inputs >= 40, "the corpus shrank to {inputs} inputs");
    // The chain is still usable afterwards.
    let answer =
        handle_body(ctx, br#"{"jsonrpc":"2.0","id":7,"method":"eth_chainId"}"#).expect("answer");
    assert_eq!(answer["result"], "0x539");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bodies_get_json_rpc_answers(body in prop::collection::vec(any::<u8>(), 0..200)) {
        let (_runtime, ctx) = ctx();
        check(handle_body(ctx, &body));
    }

    #[test]
    fn random_params_to_real_methods_get_json_rpc_answers(
        method in prop::sample::select(vec![
            "eth_getBalance", "eth_call", "eth_getLogs", "eth_feeHistory", "eth_getBlockByNumber",
            "eth_sendRawTransaction", "evm_increaseTime", "hardhat_setBalance", "eth_getStorageAt",
        ]),
        params in prop::collection::vec(prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            "[0-9a-fx]{0,70}".prop_map(Value::from),
            Just(serde_json::json!({"fromBlock": "latest", "address": []})),
            Just(serde_json::json!("latest")),
        ], 0..4),
    ) {
        let (_runtime, ctx) = ctx();
        let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        check(handle_body(ctx, body.to_string().as_bytes()));
    }
}
