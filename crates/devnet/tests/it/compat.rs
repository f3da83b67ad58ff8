//! Compatibility with a client library nobody here wrote: ethers v6 (npm)
//! runs a deploy / call / event / revert / snapshot scenario against the node.

use crate::common;

use slipway_devnet::Mining;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ethers_v6_runs_its_scenario_against_the_node() {
    common::fixture_bytecode();
    let artifact = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("devnet-fixture/out/Fixture.sol/Fixture.json");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/ethers.mjs");
    let (_node, server) = common::spawn(None, Mining::Auto).await;
    let output = tokio::process::Command::new("node")
        .arg(&script)
        .arg(&server.url)
        .arg(&artifact)
        .output()
        .await
        .expect("node (Node.js) on PATH; `npm ci` in the repository root installs ethers");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "ethers scenario failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("ethers compatibility: ok"), "{stdout}");
}
