//! `slipway monitor` as an operator runs it, against the development
//! chain served by `slipway node`: an event rule with a condition fires
//! once, the breaker pauses the bridge in the next block through the
//! guardian and records an incident; alerts reach a webhook receiver and a
//! JSONL file with their dedup keys; a crash between sending and
//! checkpointing sends again under the same key, so the receiver shows it
//! once; a reorg retracts an alert; a stalled head is alerted through the
//! library with an injected clock; Prometheus scrapes the metrics and
//! Alertmanager takes the alerts.

use crate::common;

use std::{path::Path, process::Output};

use alloy_primitives::{U256, hex, keccak256};
use common::{repository_copy, rpc, slipway, slipway_node};
use serde_json::{Value, json};
use slipway_testkit::WebhookReceiver;

const GUARDIAN: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const RECIPIENT: &str = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn run(dir: &Path, args: &[&str], hook: &str) -> Output {
    slipway(dir)
        .args(args)
        .env("SLIPWAY_OFFLINE", "1")
        .env("HOOK_URL", hook)
        .output()
        .expect("slipway runs")
}

fn ok(dir: &Path, args: &[&str], hook: &str) -> String {
    let output = run(dir, args, hook);
    assert!(output.status.success(), "{args:?}: {}", text(&output));
    text(&output)
}

async fn pause_level(url: &str, bridge: &str) -> U256 {
    let data = format!("0x{}", hex::encode(&keccak256("pauseLevel()")[..4]));
    let answer = rpc(
        url,
        "eth_call",
        json!([{ "to": bridge, "data": data }, "latest"]),
    )
    .await;
    U256::from_str_radix(answer.as_str().expect("hex").trim_start_matches("0x"), 16).expect("n")
}

async fn receipt(url: &str, tx: &str) -> Value {
    rpc(url, "eth_getTransactionReceipt", json!([tx])).await
}

fn number(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().expect("hex").trim_start_matches("0x"), 16).expect("number")
}

/// The repository's project with a monitor rule on big deposits that
/// pauses the bridge, alerts to `${HOOK_URL}` and `alerts.jsonl`.
fn monitored_project(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = repository_copy(tmp);
    common::append_config(
        &dir,
        "\n[[monitor.rule]]\nid = \"big-deposit\"\nevent = \"Deposited\"\nwhen = \"amount > 1 ether\"\n\
               severity = \"high\"\naction = { pause = \"all\" }\n\n\
               [[monitor.sink]]\nkind = \"webhook\"\nurl = \"${HOOK_URL}\"\n\n\
               [[monitor.sink]]\nkind = \"jsonl\"\npath = \"alerts.jsonl\"\n",
    );
    dir
}

fn deposit(dir: &Path, wei: &str, hook: &str) -> String {
    let sent = ok(
        dir,
        &[
            "send",
            "Bridge",
            "depositETH(uint256,address)",
            "138",
            RECIPIENT,
            "--value",
            wei,
        ],
        hook,
    );
    sent.lines()
        .find(|l| l.starts_with("0x") && l.len() == 66)
        .expect("the transaction hash")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_alerts_once_and_the_breaker_pauses_the_bridge_in_the_next_block() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = monitored_project(&tmp);
    let hook = WebhookReceiver::start().await;
    let (mut node, url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"], &hook.url());
    let bridge = serde_json::from_str::<Value>(
        &std::fs::read_to_string(dir.join("deployments/development/Bridge.json")).expect("record"),
    )
    .expect("json")["address"]
        .as_str()
        .expect("address")
        .to_owned();

    // Healthy and quiet: nothing to say, exit 0.
    let quiet = ok(&dir, &["monitor", "--once"], &hook.url());
    assert!(!quiet.contains("ALERT"), "{quiet}");
    // A deposit under the rule's condition matches nothing.
    deposit(&dir, "500000000000000000", &hook.url());
    let small = ok(&dir, &["monitor", "--once"], &hook.url());
    assert!(!small.contains("ALERT"), "{small}");
    assert!(hook.requests().is_empty());

    // A big one: the alert, and the pause in the very next block.
    let big = deposit(&dir, "2000000000000000000", &hook.url());
    let big_block = number(&receipt(&url, &big).await["blockNumber"]);
    let fired = run(&dir, &["monitor", "--once"], &hook.url());
    assert_eq!(
        fired.status.code(),
        Some(1),
        "a high alert fails --once: {}",
        text(&fired)
    );
    assert!(text(&fired).contains("Paused"), "{}", text(&fired));
    assert_eq!(pause_level(&url, &bridge).await, U256::from(3));
    let pause_block = rpc(
        &url,
        "eth_getBlockByNumber",
        json!([format!("0x{:x}", big_block + 1), true]),
    )
    .await;
    let pause_tx = &pause_block["transactions"][0];
    assert_eq!(
        pause_tx["from"].as_str().map(str::to_lowercase),
        Some(GUARDIAN.to_lowercase()),
        "the guardian's pause is the next block's transaction: {pause_block}"
    );
    let shown = hook.shown();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    let key = shown[0]["key"].as_str().expect("key");
    assert!(key.starts_with("rule:big-deposit:"), "{key}");
    assert!(
        key.contains(&big),
        "keyed by the deposit's transaction: {key}"
    );
    // 2 ETH less the plan's fee on ETH: 10 bps and 0.0001 ETH.
    assert!(
        shown[0]["text"]
            .as_str()
            .expect("text")
            .contains("amount: 1997900000000000000"),
        "{shown:#?}"
    );
    let lines = std::fs::read_to_string(dir.join("alerts.jsonl")).expect("jsonl");
    assert_eq!(lines.lines().count(), 1, "{lines}");
    let incident = ok(&dir, &["incident", "show", "1", "--json"], &hook.url());
    assert!(
        incident.contains("monitor rule `big-deposit`"),
        "{incident}"
    );

    // The next pass reads on from the cursor: the rule does not fire again,
    // the breaker sends nothing, and the pause is reported (medium).
    let before = number(&rpc(&url, "eth_blockNumber", json!([])).await);
    let next = ok(&dir, &["monitor", "--once"], &hook.url());
    assert!(next.contains("Found 1 problem"), "{next}");
    assert_eq!(
        number(&rpc(&url, "eth_blockNumber", json!([])).await),
        before
    );
    let shown = hook.shown();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert_eq!(shown[1]["alert"]["name"], "paused");
    assert_eq!(shown[1]["alert"]["severity"], "medium");
    node.kill().expect("kill");
    node.wait().expect("wait");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_sent_before_a_crash_is_sent_again_under_its_key_and_shown_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = monitored_project(&tmp);
    // No breaker here: the crash is the subject.
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    std::fs::write(
        dir.join("slipway.toml"),
        config.replace("action = { pause = \"all\" }\n", ""),
    )
    .expect("config");
    let hook = WebhookReceiver::start().await;
    let (mut node, _url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"], &hook.url());
    ok(&dir, &["monitor", "--once"], &hook.url());
    deposit(&dir, "2000000000000000000", &hook.url());
    let crashed = slipway(&dir)
        .args(["monitor", "--once"])
        .env("SLIPWAY_OFFLINE", "1")
        .env("HOOK_URL", hook.url())
        .env("SLIPWAY_FAILPOINT_MONITOR", "after-send")
        .output()
        .expect("runs");
    assert!(!crashed.status.success(), "{}", text(&crashed));
    assert_eq!(hook.requests().len(), 1, "sent before the crash");
    // The restart reads on from the saved cursor (nothing new is found,
    // exit 0) and sends what the outbox still holds.
    ok(&dir, &["monitor", "--once"], &hook.url());
    let requests = hook.requests();
    assert_eq!(requests.len(), 2, "sent again after the restart");
    assert_eq!(requests[0].0, requests[1].0, "under the same key");
    assert_eq!(hook.shown().len(), 1, "and shown once");
    // Nothing is left to send, and the block is not read again.
    let quiet = ok(&dir, &["monitor", "--once"], &hook.url());
    assert!(!quiet.contains("big-deposit"), "{quiet}");
    assert_eq!(hook.requests().len(), 2);
    node.kill().expect("kill");
    node.wait().expect("wait");
}

/// The project's monitor without its breaker.
fn watching_project(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = monitored_project(tmp);
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    std::fs::write(
        dir.join("slipway.toml"),
        config.replace("action = { pause = \"all\" }\n", ""),
    )
    .expect("config");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorg_retracts_the_alerts_of_the_blocks_it_drops() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = watching_project(&tmp);
    let hook = WebhookReceiver::start().await;
    let (mut node, url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"], &hook.url());
    ok(&dir, &["monitor", "--once"], &hook.url());
    let big = deposit(&dir, "2000000000000000000", &hook.url());
    let fired = run(&dir, &["monitor", "--once"], &hook.url());
    assert_eq!(fired.status.code(), Some(1), "{}", text(&fired));
    let first = hook.shown();
    assert_eq!(first.len(), 1, "{first:#?}");
    let key = first[0]["key"].as_str().expect("key").to_owned();
    let old_block = receipt(&url, &big).await["blockHash"].clone();

    // The deposit's block is replaced.
    rpc(&url, "anvil_reorg", json!([1, []])).await;
    let replaced = rpc(
        &url,
        "eth_getBlockByNumber",
        json!([receipt_block(&old_block, &first[0]), false]),
    )
    .await;
    assert_ne!(replaced["hash"], old_block, "the block was replaced");

    let after = run(&dir, &["monitor", "--once"], &hook.url());
    assert!(
        after.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&after)
    );
    let retraction = hook
        .requests()
        .into_iter()
        .find(|(_, body)| body["alert"]["retracted"] == true)
        .unwrap_or_else(|| panic!("a retraction: {:#?}", hook.requests()));
    assert_eq!(
        retraction.1["key"],
        key.as_str(),
        "the same alert, retracted"
    );
    assert_eq!(
        retraction.0.as_deref(),
        Some(format!("{key}:retracted").as_str())
    );
    let lines = std::fs::read_to_string(dir.join("alerts.jsonl")).expect("jsonl");
    assert!(
        lines
            .lines()
            .any(|l| l.contains("\"retracted\":true") && l.contains(&key)),
        "{lines}"
    );
    node.kill().expect("kill");
    node.wait().expect("wait");
}

/// The block number of an alert's block, as a JSON-RPC quantity.
fn receipt_block(_hash: &Value, alert: &Value) -> String {
    format!("0x{:x}", alert["alert"]["block"].as_u64().expect("block"))
}

/// Polls Prometheus for `query` until `accept` takes its first value
/// (Prometheus scrapes on its own schedule; the wait ends at a deadline).
async fn prometheus_value(prometheus: &str, query: &str, accept: impl Fn(f64) -> bool) -> f64 {
    let client = slipway_testkit::http();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut last = Value::Null;
    while std::time::Instant::now() < deadline {
        let answer: Value = client
            .get(format!("{prometheus}/api/v1/query"))
            .query(&[("query", query)])
            .send()
            .await
            .expect("prometheus answers")
            .json()
            .await
            .expect("json");
        if let Some(value) = answer["data"]["result"][0]["value"][1]
            .as_str()
            .and_then(|v| v.parse::<f64>().ok())
            && accept(value)
        {
            return value;
        }
        last = answer;
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("Prometheus never had an accepted value of {query}: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_the_monitor_and_sigterm_stops_it_cleanly() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = watching_project(&tmp);
    std::fs::write(
        dir.join("slipway.toml"),
        std::fs::read_to_string(dir.join("slipway.toml"))
            .expect("config")
            .replace(
                "[[monitor.rule]]",
                "[monitor]\ninterval = \"1s\"\n\n[[monitor.rule]]",
            ),
    )
    .expect("config");
    let hook = WebhookReceiver::start().await;
    let (mut node, _url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"], &hook.url());
    let port = slipway_testkit::free_port();
    let mut monitor = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("--root")
        .arg(&dir)
        .args(["monitor", "--listen", &format!("127.0.0.1:{port}")])
        .env("HOOK_URL", hook.url())
        .env("SLIPWAY_OFFLINE", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("monitor starts");
    let mut lines = BufReader::new(monitor.stderr.take().expect("stderr")).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("Monitoring"))
        .expect("the monitor says where its metrics are");
    assert!(
        started.contains(&format!("http://127.0.0.1:{port}/metrics")),
        "{started}"
    );
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    let base = format!("http://127.0.0.1:{port}");
    let client = slipway_testkit::http();
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let foreign = client
        .get(format!("{base}/metrics"))
        .header("Host", "evil.example")
        .send()
        .await
        .expect("answers");
    assert_eq!(foreign.status(), 403, "a foreign Host is refused");

    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let rules = repo.join("infra/prometheus/rules/slipway.yml");
    let prometheus =
        slipway_testkit::Prometheus::start(&[format!("127.0.0.1:{port}")], &[rules.as_path()]);
    let level = prometheus_value(
        prometheus.url(),
        "slipway_contract_pause_level{contract=\"Bridge\"}",
        |_| true,
    )
    .await;
    assert_eq!(level, 0.0);
    // The guardian pauses: the next pass and scrape show it.
    ok(&dir, &["ops", "pause", "--reason", "metrics"], &hook.url());
    prometheus_value(
        prometheus.url(),
        "slipway_contract_pause_level{contract=\"Bridge\"}",
        |v| v == 3.0,
    )
    .await;
    let rss = prometheus_value(prometheus.url(), "process_resident_memory_bytes", |v| {
        v > 0.0
    })
    .await;
    assert!(rss > 1e6, "{rss}");
    prometheus_value(prometheus.url(), "slipway_provider_up", |v| v == 1.0).await;
    let ready = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);

    let status = std::process::Command::new("kill")
        .args(["-TERM", &monitor.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = monitor.wait().expect("the monitor exits");
    assert!(exit.success(), "{exit:?}");
    let said = rest.join().expect("stderr").join("\n");
    assert!(said.contains("Stopped"), "{said}");
    assert!(
        dir.join(".slipway/env/development/monitor/cursor.json")
            .is_file()
    );
    node.kill().expect("kill");
    node.wait().expect("wait");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_detecting_the_same_block_alert_once_and_pause_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let one = monitored_project(&tmp);
    let anvil = slipway_testkit::Anvil::start(80002, &[]);
    let receiver = WebhookReceiver::start().await;
    let alertmanager = slipway_testkit::Alertmanager::start(&receiver.url());
    // Staging on anvil: the deployer's key from the environment, the
    // guardian held by anvil (an external signer); alerts to Alertmanager.
    std::fs::write(
        one.join("slipway.toml"),
        std::fs::read_to_string(one.join("slipway.toml"))
            .expect("config")
            .replace(
                "[[monitor.sink]]\nkind = \"webhook\"\nurl = \"${HOOK_URL}\"\n",
                "[[monitor.sink]]\nkind = \"alertmanager\"\nurl = \"${AM_URL}\"\n",
            )
            + &format!(
                "\n[environments.staging]\nrpc = [\"${{AMOY_URL}}\"]\nconfirmations = 1\n\
                 [environments.staging.signers]\nguardian = {{ kind = \"external\", url = \"{}\", address = \"{GUARDIAN}\" }}\n",
                anvil.url()
            ),
    )
    .expect("config");
    let staging = |dir: &Path, args: &[&str]| {
        let mut cmd = slipway(dir);
        cmd.args(args)
            .args(["--env", "staging"])
            .env("AMOY_URL", anvil.url())
            .env("AM_URL", alertmanager.url())
            .env("STAGING_PRIVATE_KEY", common::DEV_KEY)
            .env("SLIPWAY_OFFLINE", "1");
        common::accounts(&mut cmd);
        cmd
    };
    let done = |mut cmd: assert_cmd::Command| {
        let output = cmd.output().expect("runs");
        assert!(output.status.success(), "{}", text(&output));
        text(&output)
    };
    done(staging(&one, &["deploy"]));
    done(staging(&one, &["monitor", "--once"]));
    // The second replica: another machine's checkout, its own state.
    let two = tmp.path().join("replica-two");
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(&one)
        .arg(&two)
        .status()
        .expect("cp");
    assert!(copied.success());
    let sent = done(staging(
        &one,
        &[
            "send",
            "Bridge",
            "depositETH(uint256,address)",
            "1",
            RECIPIENT,
            "--value",
            "2000000000000000000",
        ],
    ));
    let big = sent
        .lines()
        .find(|l| l.starts_with("0x") && l.len() == 66)
        .expect("hash")
        .to_owned();
    let big_block = number(&receipt(&anvil.url(), &big).await["blockNumber"]);

    // Both detect the deposit in the same pass over the same block.
    let mut first = staging(&one, &["monitor", "--once"]);
    let mut second = staging(&two, &["monitor", "--once"]);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(move || first.output().expect("runs"));
        let b = s.spawn(move || second.output().expect("runs"));
        (a.join().expect("a"), b.join().expect("b"))
    });
    for replica in [&a, &b] {
        assert_eq!(replica.status.code(), Some(1), "{}", text(replica));
    }
    assert!(
        [&a, &b].iter().any(|r| text(r).contains("Paused")),
        "a replica paused:\n{}\n{}",
        text(&a),
        text(&b)
    );

    // One pause mined, by the guardian.
    let head = number(&rpc(&anvil.url(), "eth_blockNumber", json!([])).await);
    let mut pauses = Vec::new();
    for block in big_block + 1..=head {
        let body = rpc(
            &anvil.url(),
            "eth_getBlockByNumber",
            json!([format!("0x{block:x}"), true]),
        )
        .await;
        for tx in body["transactions"].as_array().expect("transactions") {
            if tx["from"].as_str().map(str::to_lowercase) == Some(GUARDIAN.to_lowercase()) {
                pauses.push(block);
            }
        }
    }
    assert_eq!(
        pauses,
        [big_block + 1],
        "one pause, in the block after the deposit's"
    );

    // Alertmanager holds one alert for the deposit, under its key, and
    // no label names a replica.
    let alerts: Value = slipway_testkit::http()
        .get(format!("{}/api/v2/alerts", alertmanager.url()))
        .send()
        .await
        .expect("alertmanager answers")
        .json()
        .await
        .expect("json");
    let deposits: Vec<&Value> = alerts
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| a["labels"]["alertname"] == "big-deposit")
        .collect();
    assert_eq!(deposits.len(), 1, "{alerts:#}");
    assert!(
        deposits[0]["labels"]["key"]
            .as_str()
            .is_some_and(|k| k.contains(&big)),
        "{alerts:#}"
    );
    let labels: Vec<&String> = deposits[0]["labels"]
        .as_object()
        .expect("labels")
        .keys()
        .collect();
    assert_eq!(labels, ["alertname", "contract", "env", "key", "severity"]);
}

/// A clock the test moves.
struct TestClock(std::sync::atomic::AtomicU64);

impl slipway_ops::time::Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A monitor of `env` through the library, on a clock the test moves:
/// health checks only, or with its cursor and outbox in `state_dir`.
async fn library_monitor(
    dir: &Path,
    env: &str,
    vars: &[(&str, String)],
    state_dir: Option<std::path::PathBuf>,
) -> (slipway_monitor::Monitor, std::sync::Arc<TestClock>) {
    // The variables in the project's .env, as a user keeps them.
    let dotenv: String = vars
        .iter()
        .map(|(name, value)| format!("{name}={value}\n"))
        .collect();
    std::fs::write(dir.join(".env"), dotenv).expect(".env");
    let config = slipway_config::Config::load(dir).expect("config");
    let env = config.environment(env).expect("environment");
    let client = slipway_chain::connect(&config, &env, "monitor test")
        .await
        .expect("connects");
    let clock = std::sync::Arc::new(TestClock(std::sync::atomic::AtomicU64::new(1_000_000)));
    let sinks = slipway_monitor::Sinks::new(&config, Box::new(|_| {})).expect("sinks");
    let monitor = slipway_monitor::Monitor::open(
        config,
        env,
        client,
        sinks,
        slipway_monitor::MonitorOptions {
            health_only: state_dir.is_none(),
            state_dir,
            clock: clock.clone(),
            guardian: None,
        },
    )
    .await
    .expect("opens");
    (monitor, clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_that_stops_advancing_is_alerted_after_the_configured_intervals() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = common::starter_project(&tmp);
    let node = common::node(&tmp.path().join("chain"), 1337).await;
    let url = node.url.clone();
    common::append_config(
        &dir,
        "\n[environments.local]\nchain_id = 1337\nrpc = [\"${LOCAL_URL}\"]\n\n[monitor]\nstall_intervals = 3\n",
    );
    let (mut monitor, clock) =
        library_monitor(&dir, "local", &[("LOCAL_URL", url.clone())], None).await;
    let stalled = |report: &slipway_monitor::PassReport| {
        report.found.iter().any(|a| a.name == "head-stalled")
    };
    // The first pass sees the head; three more without a block stall it.
    for pass in 1..=3 {
        let report = monitor.pass().await.expect("pass");
        assert!(!stalled(&report), "pass {pass}: {:?}", report.found);
        clock.0.fetch_add(30, std::sync::atomic::Ordering::SeqCst);
    }
    let report = monitor.pass().await.expect("pass");
    assert!(stalled(&report), "{:?}", report.found);
    // A new block ends it.
    rpc(&url, "evm_mine", json!([])).await;
    let report = monitor.pass().await.expect("pass");
    assert!(!stalled(&report), "{:?}", report.found);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_provider_shows_in_the_metrics_and_is_alerted_while_the_other_answers() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = common::starter_project(&tmp);
    let node = common::node(&tmp.path().join("chain"), 1337).await;
    let dead = format!("http://127.0.0.1:{}", slipway_testkit::free_port());
    common::append_config(
        &dir,
        &format!(
            "\n[environments.local]\nchain_id = 1337\nrpc = [\"{dead}\", \"${{LOCAL_URL}}\"]\n"
        ),
    );
    let (mut monitor, _clock) =
        library_monitor(&dir, "local", &[("LOCAL_URL", node.url.clone())], None).await;
    let report = monitor
        .pass()
        .await
        .expect("the pass goes on through the other provider");
    let down: Vec<&slipway_monitor::Alert> = report
        .found
        .iter()
        .filter(|a| a.name == "provider-down")
        .collect();
    assert_eq!(down.len(), 1, "{:?}", report.found);
    assert!(down[0].summary.contains(&dead), "{}", down[0].summary);
    let text = slipway_monitor::render_metrics(&monitor.metrics().registry());
    assert!(
        text.contains(&format!("slipway_provider_up{{provider=\"{dead}\"}} 0")),
        "{text}"
    );
    assert!(
        text.contains("slipway_provider_up{provider=\"http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("slipway_rpc_errors_total{") && l.contains(&dead)),
        "{text}"
    );
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_failed_transactions_and_rates_match_and_a_powerless_breaker_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    let config = std::fs::read_to_string(dir.join("slipway.toml")).expect("config");
    std::fs::write(
        dir.join("slipway.toml"),
        config.clone()
            + "\n[[monitor.rule]]\nid = \"pause-called\"\ncall = \"raisePauseLevel\"\nwhen = \"level >= 1\"\n\
               [[monitor.rule]]\nid = \"failed\"\nfailed = true\nseverity = \"low\"\n\
               [[monitor.rule]]\nid = \"deposit-burst\"\nevent = \"Deposited\"\nrate = { count = 2, within = \"1h\" }\ncooldown = \"0s\"\n\
               [[monitor.sink]]\nkind = \"jsonl\"\npath = \"alerts.jsonl\"\n",
    )
    .expect("config");
    let (mut node, url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"], "");
    ok(&dir, &["monitor", "--once"], "");
    let bridge = serde_json::from_str::<Value>(
        &std::fs::read_to_string(dir.join("deployments/development/Bridge.json")).expect("record"),
    )
    .expect("json")["address"]
        .as_str()
        .expect("address")
        .to_owned();
    // Three deposits: the rate (more than 2 within an hour) fires on the third.
    for _ in 0..3 {
        deposit(&dir, "1000000000000000", "");
    }
    ok(&dir, &["ops", "pause", "--level", "deposits"], "");
    // A release that cannot pass, mined anyway (gas given, no estimate).
    let hash = rpc(
        &url,
        "eth_sendTransaction",
        json!([{
            "from": RECIPIENT,
            "to": bridge,
            "data": format!("0x{}", hex::encode(&keccak256("deactivateEmergency()")[..4])),
            "gas": "0x30000",
            "maxFeePerGas": "0x2540be400",
            "maxPriorityFeePerGas": "0x3b9aca00",
        }]),
    )
    .await;
    assert_eq!(
        receipt(&url, hash.as_str().expect("hash")).await["status"],
        "0x0"
    );
    ok(&dir, &["monitor", "--once"], "");
    let lines = std::fs::read_to_string(dir.join("alerts.jsonl")).expect("jsonl");
    let names: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["name"]
                .as_str()
                .expect("name")
                .to_owned()
        })
        .collect();
    let count = |name: &str| names.iter().filter(|n| *n == name).count();
    assert_eq!(count("deposit-burst"), 1, "{lines}");
    assert_eq!(count("pause-called"), 1, "{lines}");
    assert_eq!(count("failed"), 1, "{lines}");
    assert!(lines.contains("a call of raisePauseLevel(1)"), "{lines}");

    // A breaker whose guardian holds no role is refused at start.
    std::fs::write(
        dir.join("slipway.toml"),
        config
            + "\n[environments.development.signers]\nguardian = { kind = \"dev\", index = 8 }\n\
               [[monitor.rule]]\nid = \"stop\"\nevent = \"Deposited\"\naction = { pause = \"all\" }\n",
    )
    .expect("config");
    let refused = run(&dir, &["monitor", "--once"], "");
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let said = text(&refused);
    assert!(said.contains("rule `stop` pauses Bridge"), "{said}");
    assert!(said.contains("AccessControlUnauthorizedAccount"), "{said}");
    node.kill().expect("kill");
    node.wait().expect("wait");
}

/// Checks one CloudWatch Embedded Metric Format line against the format's
/// rules; the metric names it declares.
fn check_emf(line: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(line).expect("an EMF line is JSON");
    let object = value.as_object().expect("an object");
    let aws = object["_aws"].as_object().expect("a top-level _aws object");
    let timestamp = aws["Timestamp"]
        .as_u64()
        .expect("Timestamp in milliseconds");
    assert!(
        timestamp > 1_600_000_000_000,
        "milliseconds since the epoch: {timestamp}"
    );
    let directives = aws["CloudWatchMetrics"]
        .as_array()
        .expect("CloudWatchMetrics");
    assert!(!directives.is_empty());
    let mut names = Vec::new();
    for directive in directives {
        assert!(
            directive["Namespace"]
                .as_str()
                .is_some_and(|n| !n.is_empty())
        );
        for set in directive["Dimensions"].as_array().expect("Dimensions") {
            let set = set.as_array().expect("a dimension set");
            assert!(set.len() <= 30, "at most 30 dimensions in a set");
            for dimension in set {
                let dimension = dimension.as_str().expect("a dimension name");
                assert!(
                    object.contains_key(dimension),
                    "{dimension} is a member: {line}"
                );
            }
        }
        let metrics = directive["Metrics"].as_array().expect("Metrics");
        assert!(metrics.len() <= 100, "at most 100 metrics");
        for metric in metrics {
            let name = metric["Name"].as_str().expect("a Name");
            if let Some(unit) = metric.get("Unit") {
                assert!(unit.is_string(), "{line}");
            }
            match &object[name] {
                Value::Number(_) => {}
                Value::Array(values) => {
                    assert!(values.len() <= 100 && values.iter().all(Value::is_number));
                }
                other => panic!("{name} is not a number or array of numbers: {other}"),
            }
            names.push(name.to_owned());
        }
    }
    names
}

#[test]
fn cloudwatch_emf_lines_follow_the_format() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repository_copy(&tmp);
    common::append_config(&dir, "\n[monitor]\ncloudwatch = \"emf\"\n");
    ok(&dir, &["deploy"], "");
    let output = run(&dir, &["monitor", "--once"], "");
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with('{') && l.contains("\"_aws\""))
        .collect();
    assert!(
        lines.len() >= 3,
        "the environment, the bridge and the chain: {stdout}"
    );
    let names: Vec<String> = lines.iter().flat_map(|l| check_emf(l)).collect();
    for expected in [
        "LagBlocks",
        "BlocksRead",
        "PauseLevel",
        "Emergency",
        "ProviderUp",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    let bridge: Value = serde_json::from_str(
        lines
            .iter()
            .find(|l| l.contains("\"Contract\":\"Bridge\""))
            .expect("the bridge's line"),
    )
    .expect("json");
    assert_eq!(bridge["PauseLevel"], 0);
}

#[test]
fn the_shipped_prometheus_configuration_and_rules_pass_promtool() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/prometheus");
    for args in [
        vec!["check", "config", "prometheus.yml"],
        vec!["check", "rules", "rules/slipway.yml"],
        vec!["test", "rules", "rules/slipway_test.yml"],
    ] {
        let output = std::process::Command::new("promtool")
            .args(&args)
            .current_dir(&repo)
            .output()
            .expect("promtool runs (Debian's prometheus package; scripts/test installs it)");
        assert!(
            output.status.success(),
            "promtool {args:?}: {}",
            text(&output)
        );
    }
}

/// Etherscan and Sourcify as they answer for a contract they do not have,
/// counting the questions.
async fn unverified_explorers() -> (
    String,
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use axum::{Json, Router, routing::get};
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (etherscan_count, sourcify_count) = (asked.clone(), asked.clone());
    let app = Router::new()
        .route(
            "/api",
            get(move || {
                etherscan_count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async {
                    Json(
                        json!({ "status": "1", "message": "OK", "result": [{ "SourceCode": "" }] }),
                    )
                }
            }),
        )
        .route(
            "/v2/contract/{chain}/{address}",
            get(move || {
                sourcify_count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async {
                    (
                        axum::http::StatusCode::NOT_FOUND,
                        Json(json!({ "match": null })),
                    )
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        format!("http://{addr}/api"),
        format!("http://{addr}"),
        asked,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explorer_verification_is_checked_at_its_own_slower_interval() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = common::starter_project(&tmp);
    let node = common::node(&tmp.path().join("chain"), 1337).await;
    let (etherscan, sourcify, asked) = unverified_explorers().await;
    common::append_config(
        &dir,
        "\n[environments.local]\nchain_id = 1337\nrpc = [\"${LOCAL_URL}\"]\n\
               signer = { kind = \"env\", var = \"LOCAL_KEY\" }\n",
    );
    let vars = [
        ("LOCAL_URL", node.url.clone()),
        ("LOCAL_KEY", common::DEV_KEY.to_owned()),
        ("ETHERSCAN_API_KEY", "test-key".to_owned()),
        ("SLIPWAY_ETHERSCAN_URL", etherscan),
        ("SLIPWAY_SOURCIFY_URL", sourcify),
    ];
    let dotenv: String = vars.iter().map(|(n, v)| format!("{n}={v}\n")).collect();
    std::fs::write(dir.join(".env"), dotenv).expect(".env");
    ok(&dir, &["deploy", "--env", "local"], "");
    let (mut monitor, clock) = library_monitor(&dir, "local", &vars, None).await;
    let unverified = |report: &slipway_monitor::PassReport| {
        report
            .found
            .iter()
            .filter(|a| a.name == "unverified")
            .map(|a| a.summary.clone())
            .collect::<Vec<_>>()
    };
    let first = monitor.pass().await.expect("pass");
    let found = unverified(&first);
    assert_eq!(found.len(), 1, "{:?}", first.found);
    assert!(
        found[0].contains("not verified on etherscan or sourcify"),
        "{found:?}"
    );
    let questions = asked.load(std::sync::atomic::Ordering::SeqCst);
    assert!(questions >= 2);
    // Half an hour later: not asked again.
    clock.0.fetch_add(1800, std::sync::atomic::Ordering::SeqCst);
    let half = monitor.pass().await.expect("pass");
    assert!(unverified(&half).is_empty(), "{:?}", half.found);
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), questions);
    // An hour after the first: asked again.
    clock.0.fetch_add(1800, std::sync::atomic::Ordering::SeqCst);
    let hour = monitor.pass().await.expect("pass");
    assert_eq!(unverified(&hour).len(), 1, "{:?}", hour.found);
    assert!(asked.load(std::sync::atomic::Ordering::SeqCst) > questions);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rules_cooldown_holds_back_its_alerts_until_it_passes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = watching_project(&tmp);
    std::fs::write(
        dir.join("slipway.toml"),
        std::fs::read_to_string(dir.join("slipway.toml"))
            .expect("config")
            .replace(
                "severity = \"high\"\n",
                "severity = \"high\"\ncooldown = \"10m\"\n",
            ),
    )
    .expect("config");
    let hook = WebhookReceiver::start().await;
    let (mut node, _url) = slipway_node(&dir, &["--automine"]);
    ok(&dir, &["deploy"], &hook.url());
    let (mut monitor, clock) = library_monitor(
        &dir,
        "development",
        &[("HOOK_URL", hook.url())],
        Some(tmp.path().join("state")),
    )
    .await;
    monitor.pass().await.expect("pass");
    let sent = |report: &slipway_monitor::PassReport| {
        report
            .alerts
            .iter()
            .filter(|a| a.name == "big-deposit")
            .count()
    };
    deposit(&dir, "2000000000000000000", &hook.url());
    assert_eq!(sent(&monitor.pass().await.expect("pass")), 1);
    // A minute later, another: found, held back.
    clock.0.fetch_add(60, std::sync::atomic::Ordering::SeqCst);
    deposit(&dir, "2000000000000000000", &hook.url());
    let held = monitor.pass().await.expect("pass");
    assert_eq!(sent(&held), 0);
    assert!(
        held.found.iter().any(|a| a.name == "big-deposit"),
        "{:?}",
        held.found
    );
    // Ten minutes after the first: sent again.
    clock.0.fetch_add(600, std::sync::atomic::Ordering::SeqCst);
    deposit(&dir, "2000000000000000000", &hook.url());
    assert_eq!(sent(&monitor.pass().await.expect("pass")), 1);
    let shown = hook.shown();
    assert_eq!(
        shown
            .iter()
            .filter(|b| b["alert"]["name"] == "big-deposit")
            .count(),
        2,
        "{shown:#?}"
    );
    node.kill().expect("kill");
    node.wait().expect("wait");
}
