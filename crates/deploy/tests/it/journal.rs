//! The journal read back: any sequence of records in an order the writer
//! can produce round-trips, and any record moved before what it depends on
//! is refused; a final line cut short by a crash is ignored (what it
//! announced had not happened); a damaged line in the middle is an error
//! naming its line.

use alloy_primitives::{Address, B256, Bytes, U256};
use proptest::prelude::*;
use slipway_chain::{FeeQuote, SignedTx};
use slipway_deploy::{Journal, JournalRecord, StepInput};

fn input(step: u8) -> StepInput {
    StepInput {
        kind: "deploy".into(),
        what: format!("contracts/src/C{step}.sol:C{step}"),
        bytecode_hash: Some(B256::repeat_byte(step)),
        to: None,
        args: vec![step.to_string()],
        encoded_args: Bytes::from(vec![step; 32]),
        value: U256::from(step),
        salt: None,
        libraries: Default::default(),
        address: Some(Address::repeat_byte(step)),
        code_hash: None,
        unsafe_allow: Vec::new(),
    }
}

fn record() -> impl Strategy<Value = JournalRecord> {
    (0u8..4, any::<u64>(), any::<u128>(), 0u8..8).prop_map(|(step, n, fee, kind)| {
        let name = format!("s{step}");
        let hash = B256::from(U256::from(n));
        match kind {
            0 => JournalRecord::Begin {
                plan: "p".into(),
                chain_id: n,
                genesis: hash,
                deployer: Address::repeat_byte(1),
            },
            1 => JournalRecord::Sent {
                step: name,
                input: input(step),
                tx: SignedTx {
                    nonce: n,
                    gas_limit: n / 2,
                    fees: FeeQuote::Eip1559 {
                        max_fee: fee,
                        priority_fee: fee / 3,
                    },
                    hashes: vec![hash],
                    raw: Bytes::from(n.to_be_bytes().to_vec()),
                },
            },
            2 => JournalRecord::Bumped {
                step: name,
                hash,
                fees: FeeQuote::Legacy { gas_price: fee },
                raw: Bytes::from(vec![1, 2, 3]),
            },
            3 => JournalRecord::Included {
                step: name,
                hash,
                block: n,
            },
            4 => JournalRecord::Confirmed {
                step: name,
                hash,
                block: n,
                success: n % 2 == 0,
                gas_used: n / 3,
            },
            5 => JournalRecord::Found {
                step: name,
                input: input(step),
            },
            6 => JournalRecord::Proposed {
                step: name,
                input: input(step),
                safe_tx_hash: hash,
            },
            _ => JournalRecord::Executed {
                step: name,
                hash,
                block: n,
            },
        }
    })
}

/// `records` as the writer orders them: one `begin` first, a step's bump,
/// inclusion and confirmation only after a record that sent it.
fn in_writer_order(records: Vec<JournalRecord>) -> Vec<JournalRecord> {
    let mut out = vec![JournalRecord::Begin {
        plan: "p".into(),
        chain_id: 1,
        genesis: B256::ZERO,
        deployer: Address::repeat_byte(1),
    }];
    let mut sent = std::collections::BTreeSet::new();
    let mut proposed = std::collections::BTreeSet::new();
    for record in records {
        match &record {
            JournalRecord::Begin { .. } => continue,
            JournalRecord::Sent { step, .. } => {
                sent.insert(step.clone());
                proposed.remove(step);
            }
            JournalRecord::Found { step, .. } => {
                sent.remove(step);
                proposed.remove(step);
            }
            JournalRecord::Proposed { step, .. } => {
                sent.remove(step);
                proposed.insert(step.clone());
            }
            JournalRecord::Executed { step, .. } => {
                if !proposed.contains(step) {
                    continue;
                }
            }
            JournalRecord::Bumped { step, .. }
            | JournalRecord::Included { step, .. }
            | JournalRecord::Confirmed { step, .. } => {
                if !sent.contains(step) {
                    continue;
                }
            }
        }
        out.push(record);
    }
    out
}

proptest! {
    #[test]
    fn records_round_trip(records in proptest::collection::vec(record(), 0..20)) {
        let records = in_writer_order(records);
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("deployments/x/p.journal.jsonl");
        let mut journal = Journal::open(&path, "a test", false).expect("open");
        for r in &records {
            journal.append(r).expect("append");
        }
        let text = std::fs::read_to_string(&path).expect("read");
        // Each line: the CRC-32 of the rest, the record's number, the
        // previous line's CRC (0 for the first), the JSON.
        let mut prev = 0u32;
        let back: Vec<JournalRecord> = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let (crc, body) = l.split_once(' ').expect("checksum");
                let crc = u32::from_str_radix(crc, 16).expect("hex");
                assert_eq!(crc, crc32fast::hash(body.as_bytes()));
                let mut fields = body.splitn(3, ' ');
                assert_eq!(fields.next(), Some(i.to_string().as_str()));
                assert_eq!(fields.next(), Some(format!("{prev:08x}").as_str()));
                prev = crc;
                serde_json::from_str(fields.next().expect("json")).expect("record")
            })
            .collect();
        prop_assert_eq!(&back, &records);
        prop_assert_eq!(Journal::read(&path).expect("state").records, records.len());
    }

    /// The records of a journal in any other order than written — the
    /// first moved to the end, as when lines are reversed — are refused.
    #[test]
    fn records_out_of_order_are_refused(records in proptest::collection::vec(record(), 1..20)) {
        let mut records = in_writer_order(records);
        prop_assume!(records.len() > 1);
        records.rotate_left(1);
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("p.journal.jsonl");
        let mut journal = Journal::open(&path, "a test", false).expect("open");
        for r in &records {
            journal.append(r).expect("append");
        }
        let error = Journal::read(&path).expect_err("out of order").to_string();
        prop_assert!(error.contains("line 1: the first record is not the `begin` record"), "{}", error);
    }
}

#[test]
fn a_line_cut_short_at_the_end_is_ignored_and_cut_off_before_appending() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("p.journal.jsonl");
    let begin = JournalRecord::Begin {
        plan: "p".into(),
        chain_id: 1,
        genesis: B256::repeat_byte(7),
        deployer: Address::repeat_byte(1),
    };
    let line = serde_json::to_string(&begin).expect("json");
    std::fs::write(&path, format!("{line}\n{}", &line[..line.len() / 2])).expect("write");
    let state = Journal::read(&path).expect("state");
    assert_eq!(state.records, 1, "the half line is not a record");
    let mut journal = Journal::open(&path, "a test", false).expect("open");
    journal.append(&begin).expect("append");
    let text = std::fs::read_to_string(&path).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "the half line was cut off: {text}");
    assert_eq!(lines[0], line, "the old line is kept as it was");
    // Chained after the old bare line: number 1, naming the old line's CRC.
    let body = format!("1 {:08x} {line}", crc32fast::hash(line.as_bytes()));
    assert_eq!(
        lines[1],
        format!("{:08x} {body}", crc32fast::hash(body.as_bytes()))
    );
}

#[test]
fn a_second_deploy_on_the_same_environment_is_refused_with_the_holder_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    let env_dir = tmp.path().join("deployments/staging");
    let first = Journal::open(
        &env_dir.join("core.journal.jsonl"),
        "slipway deploy core",
        false,
    )
    .expect("first");
    // Another plan, same environment: one deployment at a time.
    let error = Journal::open(
        &env_dir.join("tokens.journal.jsonl"),
        "slipway deploy tokens",
        false,
    )
    .expect_err("second");
    assert!(
        matches!(&error, slipway_deploy::DeployError::InUse { holder: Some(h), .. }
            if h.pid == std::process::id() && h.command == "slipway deploy core"),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("another deployment to")
            && text.contains("slipway deploy core")
            && text.contains("nothing was sent"),
        "{text}"
    );
    drop(first);
    Journal::open(
        &env_dir.join("tokens.journal.jsonl"),
        "slipway deploy tokens",
        false,
    )
    .expect("free once the first is done");
}

#[test]
fn a_damaged_line_in_the_middle_is_an_error_with_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("p.journal.jsonl");
    std::fs::write(
        &path,
        "{\"record\":\"included\",\"step\":\"a\",\"hash\":\"0x01\",\"block\":1}\nnot json\n{}\n",
    )
    .expect("write");
    let error = Journal::read(&path).expect_err("damaged").to_string();
    assert!(
        error.contains("line 1") || error.contains("line 2"),
        "{error}"
    );
    assert!(error.contains("--reset"), "{error}");
}

/// A step's confirmation before the record that sent it — records written
/// in that order, each in its place in the sequence — is refused by the
/// journal's own check, naming the line.
#[test]
fn a_confirmation_before_its_sending_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("p.journal.jsonl");
    let mut journal = Journal::open(&path, "a test", false).expect("open");
    journal
        .append(&JournalRecord::Begin {
            plan: "p".into(),
            chain_id: 1,
            genesis: B256::repeat_byte(7),
            deployer: Address::repeat_byte(1),
        })
        .expect("begin");
    journal
        .append(&JournalRecord::Confirmed {
            step: "token".into(),
            hash: B256::repeat_byte(9),
            block: 3,
            success: true,
            gas_used: 21_000,
        })
        .expect("confirmed");
    drop(journal);
    let error = Journal::read(&path).expect_err("out of order").to_string();
    assert!(
        error.contains("line 2") && error.contains("comes before the record that sent it"),
        "{error}"
    );
}
