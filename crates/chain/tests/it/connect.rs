//! Reaching the development chain: in process with no socket at all, or
//! through the running node that holds it (its typed owner record).

use crate::common;

use std::{path::Path, time::Duration};

use alloy_primitives::U256;
use slipway_chain::{ChainClient, Lifecycle, NonceTracker, connect};
use slipway_config::{Config, FeePolicy, Vars};

const CHILD_ROOT_VAR: &str = "SLIPWAY_CONNECT_TEST_CHILD_ROOT";

fn config(root: &Path) -> Config {
    Config::parse(
        root,
        root.join("slipway.toml"),
        String::new(),
        Vars::default(),
    )
    .expect("config")
}

/// The network (TCP or UDP, IPv4 or IPv6) sockets this process has open:
/// the inodes of its `/proc/self/fd` socket links that the kernel's
/// tables of inet sockets list. (Unix socket pairs, which tokio's signal
/// handling uses, are not network sockets.)
fn open_sockets() -> usize {
    let inet: std::collections::HashSet<String> = ["tcp", "tcp6", "udp", "udp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(format!("/proc/self/net/{table}")).ok())
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| line.split_whitespace().nth(9).map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter_map(|target| {
            let text = target.to_string_lossy().into_owned();
            Some(
                text.strip_prefix("socket:[")?
                    .trim_end_matches(']')
                    .to_owned(),
            )
        })
        .filter(|inode| inet.contains(inode))
        .count()
}

async fn transfer_on(client: &ChainClient) -> bool {
    let lifecycle = Lifecycle {
        chain_id: 1337,
        fees: env_fees(),
        confirmations: 1,
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
    };
    let done = lifecycle
        .send(
            client,
            &NonceTracker::new(),
            &common::dev_signer(),
            &common::transfer(),
            &mut |_| {},
        )
        .await
        .expect("sent");
    matches!(
        done,
        slipway_chain::TxEvent::Confirmed { success: true, .. }
    )
}

/// The child: connects to the development chain of the project at the
/// root the parent names, sends a transfer and reads a balance, then
/// counts its own sockets. Run only by the test below, in its own process
/// so that no other test's sockets are counted.
#[test]
#[ignore = "run as a child process by the development_chain_is_reached_in_process test"]
fn child_uses_the_development_chain() {
    let root = std::env::var(CHILD_ROOT_VAR).expect("run by the parent test");
    // Sockets inherited from whoever started the tests are not ours.
    let inherited = open_sockets();
    let config = config(Path::new(&root));
    let env = config.environment("development").expect("development");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = connect(&config, &env, "a connect test")
            .await
            .expect("connect");
        assert!(client.is_in_process());
        assert!(transfer_on(&client).await);
        let balance = client
            .balance(common::transfer().to.expect("to"))
            .await
            .expect("balance");
        assert_eq!(balance, U256::from(1_000));
    });
    assert_eq!(
        open_sockets(),
        inherited,
        "the in-process chain opened a socket"
    );
}

#[test]
fn development_chain_is_reached_in_process_without_a_socket() {
    let root = tempfile::tempdir().expect("tmp");
    let output = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args([
            "--exact",
            "connect::child_uses_the_development_chain",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(CHILD_ROOT_VAR, root.path())
        .output()
        .expect("run child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_node_is_reached_through_its_owner_record() {
    let root = tempfile::tempdir().expect("tmp");
    let config = config(root.path());
    let env = config.environment("development").expect("development");
    let slipway_config::Target::Embedded(devnet) = env.target.clone() else {
        panic!("development is embedded")
    };
    let settings = slipway_devnet::NodeSettings {
        devnet: devnet.clone(),
        hardfork: env.hardfork,
        state_dir: Some(config.path(&devnet.state_dir)),
        fresh: false,
        mining: slipway_devnet::Mining::Auto,
        owner: "slipway node".into(),
        fork: None,
        forks: None,
    };
    let server = slipway_devnet::spawn(settings, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("node");
    let client = connect(&config, &env, "a connect test")
        .await
        .expect("connect");
    assert!(!client.is_in_process(), "the node holds the chain");
    let health = client.health();
    assert_eq!(health.len(), 1);
    assert!(health[0].0.starts_with(&server.url), "{health:?}");
    assert!(transfer_on(&client).await);
    assert_eq!(health.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_that_serves_nothing_is_named() {
    let root = tempfile::tempdir().expect("tmp");
    let config = config(root.path());
    let env = config.environment("development").expect("development");
    let slipway_config::Target::Embedded(devnet) = env.target.clone() else {
        panic!("development is embedded")
    };
    // Another command holds the chain in its own process.
    let _holder = slipway_devnet::Node::open(&slipway_devnet::NodeSettings {
        devnet: devnet.clone(),
        hardfork: env.hardfork,
        state_dir: Some(config.path(&devnet.state_dir)),
        fresh: false,
        mining: slipway_devnet::Mining::Auto,
        owner: "slipway deploy app".into(),
        fork: None,
        forks: None,
    })
    .expect("open");
    let error = connect(&config, &env, "a connect test")
        .await
        .expect_err("held, not served")
        .to_string();
    assert!(
        error.contains("slipway deploy app") && error.contains("does not serve it"),
        "{error}"
    );
}

/// The development environment's fee policy.
fn env_fees() -> FeePolicy {
    let root = Path::new("/p");
    config(root)
        .environment("development")
        .expect("development")
        .fees
}
