//! Any bytes as a JSON-RPC request body: the node must answer (or stay
//! silent for notifications) and never panic.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use slipway_devnet::{Mining, Node, NodeSettings, rpc::{Ctx, handle_body}};

fn ctx() -> &'static (tokio::runtime::Runtime, Arc<Ctx>) {
    static CTX: OnceLock<(tokio::runtime::Runtime, Arc<Ctx>)> = OnceLock::new();
    CTX.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let settings = NodeSettings {
            devnet: Default::default(),
            hardfork: Default::default(),
            state_dir: None,
            fresh: false,
            mining: Mining::Auto,
            owner: "fuzz".into(),
        };
        let node = Node::open(&settings).expect("node");
        let ctx = runtime.block_on(async { Ctx::new(node) });
        (runtime, ctx)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_runtime, ctx) = ctx();
    let _ = handle_body(ctx, data);
});
