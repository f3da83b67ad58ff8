//! The explorer clients against local servers that answer as Etherscan's v2
//! API and Sourcify's v2 API document, reached over TLS through stunnel
//! with a certificate from a CA the test makes (as users reach the real
//! ones over HTTPS): submit, a rate limit retried with
//! backoff, a pending status polled, verified; an already verified contract
//! reported and not resubmitted; a rejection's reason passed on; the API key
//! never in a result.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use alloy_primitives::{Address, Bytes};
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use serde_json::{Value, json};
use slipway_config::Secret;
use slipway_deploy::verify::{Etherscan, ExplorerCheck, Pacing, Sourcify, Submission};
use slipway_net::{HttpClient, NetSettings, ProxySettings, Timeouts, Trust};
use slipway_testkit::{TestCa, TlsFront};

const KEY: &str = "test-key-7f3a";

fn pacing() -> Pacing {
    Pacing {
        poll: Duration::from_millis(5),
        polls: 20,
        backoff: Duration::from_millis(5),
        retries: 4,
    }
}

fn submission(name: &str) -> Submission {
    Submission {
        contract: format!("contracts/src/{name}.sol:{name}"),
        compiler: "0.8.20+commit.a1b79de6".into(),
        input: json!({
            "language": "Solidity",
            "sources": { format!("contracts/src/{name}.sol"): { "content": "contract X {}" } },
            "settings": { "optimizer": { "enabled": true, "runs": 200 } },
        }),
    }
}

/// An imitation served over TLS by stunnel, with a client that trusts the
/// CA of its certificate (and nothing else).
struct Served {
    url: String,
    http: HttpClient,
    _front: TlsFront,
    _ca: TestCa,
}

fn client(trust: Trust) -> HttpClient {
    let settings = NetSettings {
        trust,
        proxy: ProxySettings::none(),
        hosts: Vec::new(),
        system_dns: false,
    };
    HttpClient::new(&settings, Timeouts::uniform(Duration::from_secs(10))).expect("client")
}

async fn serve(router: Router, path: &str) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    let ca = TestCa::new();
    let front = TlsFront::start(addr, &ca.server(&["127.0.0.1"]));
    Served {
        url: front.https(path),
        http: client(Trust::only(ca.root())),
        _front: front,
        _ca: ca,
    }
}

/// What the fake Etherscan saw and holds.
#[derive(Default)]
struct Scan {
    verified: BTreeSet<String>,
    submissions: Vec<BTreeMap<String, String>>,
    rate_limit_next_submit: bool,
    pending_polls: usize,
    guids: BTreeMap<String, String>,
}

type Shared = Arc<Mutex<Scan>>;

fn answer(status: &str, message: &str, result: Value) -> Json<Value> {
    Json(json!({ "status": status, "message": message, "result": result }))
}

async fn scan_get(
    State(scan): State<Shared>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Json<Value> {
    let mut scan = scan.lock().expect("lock");
    if q.get("apikey").map(String::as_str) != Some(KEY) {
        return answer("0", "NOTOK", json!("Invalid API Key"));
    }
    match q.get("action").map(String::as_str) {
        Some("getsourcecode") => {
            let address = q.get("address").cloned().unwrap_or_default().to_lowercase();
            if scan.verified.contains(&address) {
                answer(
                    "1",
                    "OK",
                    json!([{ "SourceCode": "contract X {}", "ContractName": "X" }]),
                )
            } else {
                answer(
                    "1",
                    "OK",
                    json!([{ "SourceCode": "", "ABI": "Contract source code not verified" }]),
                )
            }
        }
        Some("checkverifystatus") => {
            if scan.pending_polls > 0 {
                scan.pending_polls -= 1;
                return answer("0", "NOTOK", json!("Pending in queue"));
            }
            let guid = q.get("guid").cloned().unwrap_or_default();
            let Some(address) = scan.guids.get(&guid).cloned() else {
                return answer("0", "NOTOK", json!("Unknown UID"));
            };
            if address.ends_with("bad")
                || scan
                    .submissions
                    .last()
                    .is_some_and(|s| s["contractname"].ends_with(":Bad"))
            {
                return answer(
                    "0",
                    "NOTOK",
                    json!(
                        "Fail - Unable to verify. Compiled contract deployment bytecode does NOT match the transaction deployment bytecode."
                    ),
                );
            }
            scan.verified.insert(address);
            answer("1", "OK", json!("Pass - Verified"))
        }
        Some("checkproxyverification") => {
            if scan.pending_polls > 0 {
                scan.pending_polls -= 1;
                return answer("0", "NOTOK", json!("Pending in queue"));
            }
            let guid = q.get("guid").cloned().unwrap_or_default();
            let Some(link) = scan.guids.get(&guid).cloned() else {
                return answer("0", "NOTOK", json!("Unknown UID"));
            };
            let (proxy, implementation) = link
                .strip_prefix("proxy:")
                .and_then(|l| l.split_once(':'))
                .unwrap_or_default();
            // Etherscan's answers, as its documentation and users report them.
            if !scan.verified.contains(implementation) {
                return answer(
                    "0",
                    "NOTOK",
                    json!(format!(
                        "The implementation contract at {implementation} does not seem to be verified. Please verify and publish the contract source before proceeding with this proxy verification."
                    )),
                );
            }
            answer(
                "1",
                "OK",
                json!(format!(
                    "The proxy's ({proxy}) implementation contract is found at {implementation} and is successfully updated."
                )),
            )
        }
        _ => answer("0", "NOTOK", json!("Error! Missing Or invalid Action name")),
    }
}

async fn scan_post(
    State(scan): State<Shared>,
    Query(q): Query<BTreeMap<String, String>>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Json<Value> {
    let mut scan = scan.lock().expect("lock");
    if scan.rate_limit_next_submit {
        scan.rate_limit_next_submit = false;
        return answer(
            "0",
            "NOTOK",
            json!("Max rate limit reached, please use API Key for higher rate limit"),
        );
    }
    let mut seen = form.clone();
    seen.insert(
        "chainid".into(),
        q.get("chainid").cloned().unwrap_or_default(),
    );
    scan.submissions.push(seen);
    if form.get("apikey").map(String::as_str) != Some(KEY) {
        return answer("0", "NOTOK", json!("Invalid API Key"));
    }
    if form.get("action").map(String::as_str) == Some("verifyproxycontract") {
        let (Some(proxy), Some(implementation)) =
            (form.get("address"), form.get("expectedimplementation"))
        else {
            return answer("0", "NOTOK", json!("Missing address"));
        };
        let guid = format!("guid{}", scan.guids.len());
        scan.guids.insert(
            guid.clone(),
            format!(
                "proxy:{}:{}",
                proxy.to_lowercase(),
                implementation.to_lowercase()
            ),
        );
        return answer("1", "OK", json!(guid));
    }
    let address = form
        .get("contractaddress")
        .cloned()
        .unwrap_or_default()
        .to_lowercase();
    if scan.verified.contains(&address) {
        return answer("0", "NOTOK", json!("Contract source code already verified"));
    }
    let guid = format!("guid{}", scan.guids.len());
    scan.guids.insert(guid.clone(), address);
    answer("1", "OK", json!(guid))
}

async fn etherscan() -> (Served, Shared) {
    let shared: Shared = Arc::default();
    let router = Router::new()
        .route("/v2/api", get(scan_get).post(scan_post))
        .with_state(shared.clone());
    (serve(router, "/v2/api").await, shared)
}

#[tokio::test]
async fn etherscan_verifies_after_a_rate_limit_and_a_pending_status() {
    let (served, scan) = etherscan().await;
    {
        let mut s = scan.lock().expect("lock");
        s.rate_limit_next_submit = true;
        s.pending_polls = 2;
    }
    let client = Etherscan::new(
        served.http.clone(),
        &served.url,
        Secret::new(KEY),
        80002,
        pacing(),
    );
    let address = Address::repeat_byte(0x11);
    let args = Bytes::from(vec![0xab; 32]);
    assert_eq!(
        client.verify(address, &submission("Vault"), &args).await,
        ExplorerCheck::Verified
    );

    let s = scan.lock().expect("lock");
    assert_eq!(
        s.submissions.len(),
        1,
        "submitted once after the rate limit"
    );
    let form = &s.submissions[0];
    assert_eq!(form["chainid"], "80002");
    assert_eq!(form["codeformat"], "solidity-standard-json-input");
    assert_eq!(form["compilerversion"], "v0.8.20+commit.a1b79de6");
    assert_eq!(form["contractname"], "contracts/src/Vault.sol:Vault");
    assert_eq!(form["constructorArguements"], "ab".repeat(32));
    assert_eq!(
        form["contractaddress"].to_lowercase(),
        address.to_string().to_lowercase()
    );
    let input: Value = serde_json::from_str(&form["sourceCode"]).expect("standard JSON");
    assert_eq!(
        input["sources"]["contracts/src/Vault.sol"]["content"],
        "contract X {}"
    );
}

#[tokio::test]
async fn etherscan_reports_a_verified_contract_without_resubmitting() {
    let (served, scan) = etherscan().await;
    let address = Address::repeat_byte(0x22);
    scan.lock()
        .expect("lock")
        .verified
        .insert(address.to_string().to_lowercase());
    let client = Etherscan::new(
        served.http.clone(),
        &served.url,
        Secret::new(KEY),
        1,
        pacing(),
    );
    let check = client
        .verify(address, &submission("Vault"), &Bytes::new())
        .await;
    assert_eq!(check, ExplorerCheck::AlreadyVerified);
    assert!(
        scan.lock().expect("lock").submissions.is_empty(),
        "not resubmitted"
    );
}

#[tokio::test]
async fn etherscan_passes_on_the_reason_of_a_rejection() {
    let (served, _scan) = etherscan().await;
    let client = Etherscan::new(
        served.http.clone(),
        &served.url,
        Secret::new(KEY),
        1,
        pacing(),
    );
    let check = client
        .verify(
            Address::repeat_byte(0x33),
            &submission("Bad"),
            &Bytes::new(),
        )
        .await;
    let ExplorerCheck::Rejected { reason } = check else {
        panic!("{check:?}")
    };
    assert!(reason.contains("does NOT match"), "{reason}");
}

#[tokio::test]
async fn etherscan_keys_never_appear_in_results() {
    let (served, _scan) = etherscan().await;
    let wrong = "wrong-key-secret-9";
    let refused = Etherscan::new(
        served.http.clone(),
        &served.url,
        Secret::new(wrong),
        1,
        pacing(),
    )
    .verify(
        Address::repeat_byte(0x44),
        &submission("Vault"),
        &Bytes::new(),
    )
    .await;
    assert!(refused.failed(), "{refused:?}");
    assert!(!format!("{refused:?}").contains(wrong));
    // A server that is not there: the transport error must not carry the
    // URL with its query (the key).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("https://{}/v2/api", listener.local_addr().expect("addr"));
    drop(listener);
    let unreachable = Etherscan::new(served.http.clone(), &closed, Secret::new(KEY), 1, pacing())
        .verify(
            Address::repeat_byte(0x44),
            &submission("Vault"),
            &Bytes::new(),
        )
        .await;
    assert!(
        matches!(unreachable, ExplorerCheck::Failed { .. }),
        "{unreachable:?}"
    );
    assert!(!format!("{unreachable:?}").contains(KEY), "{unreachable:?}");
    assert!(
        format!("{unreachable:?}").contains("connection refused"),
        "{unreachable:?}"
    );
}

#[tokio::test]
async fn an_explorer_behind_an_untrusted_certificate_is_refused_by_cause() {
    let (served, scan) = etherscan().await;
    let stranger = TestCa::new();
    let check = Etherscan::new(
        client(Trust::only(stranger.root())),
        &served.url,
        Secret::new(KEY),
        1,
        pacing(),
    )
    .verify(
        Address::repeat_byte(0x55),
        &submission("Vault"),
        &Bytes::new(),
    )
    .await;
    let ExplorerCheck::Failed { reason } = &check else {
        panic!("{check:?}")
    };
    assert!(reason.contains("certificate not trusted"), "{reason}");
    assert!(!reason.contains(KEY), "{reason}");
    assert!(
        scan.lock().expect("lock").submissions.is_empty(),
        "nothing reached the server"
    );
}

/// What the fake Sourcify holds.
#[derive(Default)]
struct Source {
    verified: BTreeSet<String>,
    jobs: BTreeMap<String, (String, bool)>,
    requests: Vec<Value>,
    rate_limit_next: bool,
    pending_polls: usize,
}

type SharedSource = Arc<Mutex<Source>>;

async fn contract(
    State(s): State<SharedSource>,
    Path((chain, address)): Path<(u64, String)>,
) -> (StatusCode, Json<Value>) {
    let s = s.lock().expect("lock");
    if s.verified
        .contains(&format!("{chain}/{}", address.to_lowercase()))
    {
        (
            StatusCode::OK,
            Json(
                json!({ "match": "exact_match", "chainId": chain.to_string(), "address": address }),
            ),
        )
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(
                json!({ "customCode": "not_found", "message": "Contract not found", "errorId": "1" }),
            ),
        )
    }
}

async fn submit(
    State(s): State<SharedSource>,
    Path((chain, address)): Path<(u64, String)>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut s = s.lock().expect("lock");
    if s.rate_limit_next {
        s.rate_limit_next = false;
        return (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({ "message": "Too many requests" })),
        );
    }
    s.requests.push(body.clone());
    let key = format!("{chain}/{}", address.to_lowercase());
    if s.verified.contains(&key) {
        return (
            StatusCode::CONFLICT,
            Json(
                json!({ "customCode": "already_verified", "message": "The contract is already verified", "errorId": "2" }),
            ),
        );
    }
    let id = format!("job-{}", s.jobs.len());
    let good = !body["contractIdentifier"]
        .as_str()
        .unwrap_or_default()
        .ends_with(":Bad");
    s.jobs.insert(id.clone(), (key, good));
    (StatusCode::ACCEPTED, Json(json!({ "verificationId": id })))
}

async fn job(State(s): State<SharedSource>, Path(id): Path<String>) -> Json<Value> {
    let mut s = s.lock().expect("lock");
    if s.pending_polls > 0 {
        s.pending_polls -= 1;
        return Json(
            json!({ "isJobCompleted": false, "verificationId": id, "contract": { "match": null } }),
        );
    }
    let Some((key, good)) = s.jobs.get(&id).cloned() else {
        return Json(
            json!({ "isJobCompleted": true, "error": { "customCode": "not_found", "message": "no such job" } }),
        );
    };
    if good {
        s.verified.insert(key);
        Json(
            json!({ "isJobCompleted": true, "verificationId": id, "contract": { "match": "exact_match", "creationMatch": "exact_match", "runtimeMatch": "exact_match" } }),
        )
    } else {
        Json(
            json!({ "isJobCompleted": true, "verificationId": id, "contract": { "match": null }, "error": { "customCode": "no_match", "message": "The onchain and recompiled bytecodes don't match." } }),
        )
    }
}

async fn sourcify() -> (Served, SharedSource) {
    let shared: SharedSource = Arc::default();
    let router = Router::new()
        .route("/v2/contract/{chain}/{address}", get(contract))
        .route("/v2/verify/{chain}/{address}", post(submit))
        .route("/v2/verify/{id}", get(job))
        .with_state(shared.clone());
    (serve(router, "").await, shared)
}

#[tokio::test]
async fn sourcify_verifies_after_a_rate_limit_then_reports_it_verified() {
    let (served, source) = sourcify().await;
    {
        let mut s = source.lock().expect("lock");
        s.rate_limit_next = true;
        s.pending_polls = 2;
    }
    let client = Sourcify::new(served.http.clone(), &served.url, pacing());
    let address = Address::repeat_byte(0x55);
    let creation = alloy_primitives::B256::repeat_byte(9);
    let check = client
        .verify(11155111, address, &submission("Vault"), Some(creation))
        .await;
    assert_eq!(check, ExplorerCheck::Verified);
    {
        let s = source.lock().expect("lock");
        assert_eq!(s.requests.len(), 1);
        let body = &s.requests[0];
        assert_eq!(body["compilerVersion"], "0.8.20+commit.a1b79de6");
        assert_eq!(body["contractIdentifier"], "contracts/src/Vault.sol:Vault");
        assert_eq!(body["creationTransactionHash"], json!(creation));
        assert!(body["stdJsonInput"]["sources"].is_object());
    }
    let again = client
        .verify(11155111, address, &submission("Vault"), None)
        .await;
    assert_eq!(again, ExplorerCheck::AlreadyVerified);
    assert_eq!(
        source.lock().expect("lock").requests.len(),
        1,
        "not resubmitted"
    );
}

#[tokio::test]
async fn sourcify_passes_on_a_mismatch() {
    let (served, _source) = sourcify().await;
    let check = Sourcify::new(served.http.clone(), &served.url, pacing())
        .verify(1, Address::repeat_byte(0x66), &submission("Bad"), None)
        .await;
    let ExplorerCheck::Rejected { reason } = check else {
        panic!("{check:?}")
    };
    assert!(reason.contains("don't match"), "{reason}");
}

#[tokio::test]
async fn etherscan_links_a_proxy_to_a_verified_implementation_and_passes_on_why_not() {
    let (served, scan) = etherscan().await;
    let client = Etherscan::new(
        served.http.clone(),
        &served.url,
        Secret::new(KEY),
        1,
        pacing(),
    );
    let proxy = Address::repeat_byte(0x31);
    let implementation = Address::repeat_byte(0x32);
    let refused = client.link_proxy(proxy, implementation).await;
    assert!(
        matches!(&refused, ExplorerCheck::Rejected { reason } if reason.contains("does not seem to be verified")),
        "{refused:?}"
    );
    {
        let mut s = scan.lock().expect("lock");
        s.verified.insert(implementation.to_string().to_lowercase());
        s.pending_polls = 2;
    }
    assert_eq!(
        client.link_proxy(proxy, implementation).await,
        ExplorerCheck::Verified
    );
    let s = scan.lock().expect("lock");
    let form = s.submissions.last().expect("a submission");
    assert_eq!(form["action"], "verifyproxycontract");
    assert_eq!(form["chainid"], "1");
    assert_eq!(
        form["address"].to_lowercase(),
        proxy.to_string().to_lowercase()
    );
    assert_eq!(
        form["expectedimplementation"].to_lowercase(),
        implementation.to_string().to_lowercase()
    );
}
