//! Appending, reading back, and what is repaired or refused.

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use slipway_log::{Format, Log, LogError, Repair};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) n: u64,
    pub(crate) text: String,
}

pub(crate) const FORMAT: Format = Format {
    what: "test log",
    magic: Some("test-log 1"),
    legacy_json: false,
};

pub(crate) fn entries(count: u64) -> Vec<Entry> {
    (0..count)
        .map(|n| Entry {
            n,
            text: format!("entry number {n}"),
        })
        .collect()
}

pub(crate) fn write(path: &std::path::Path, records: &[Entry]) {
    let mut opened = Log::<Entry>::open(path, &FORMAT).expect("open");
    opened.log.append(records).expect("append");
    opened.log.sync().expect("sync");
}

#[test]
fn records_come_back_in_order_after_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/x.log");
    write(&path, &entries(3));
    let mut opened = Log::<Entry>::open(&path, &FORMAT).expect("reopen");
    assert_eq!(opened.records, entries(3));
    assert_eq!(opened.repair, None);
    assert_eq!(opened.log.len(), 3);
    let extra = Entry {
        n: 9,
        text: "after".into(),
    };
    assert_eq!(opened.log.append_durable(&extra).expect("append"), 4);
    let all = Log::<Entry>::read(&path, &FORMAT).expect("read");
    assert_eq!(all.len(), 4);
    assert_eq!(all[3], extra);
    let text = std::fs::read_to_string(&path).expect("text");
    assert!(text.starts_with("test-log 1\n"), "{text}");
}

#[test]
fn a_torn_last_line_is_cut_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    write(&path, &entries(2));
    let whole = std::fs::read(&path).expect("read");
    let mut torn = whole.clone();
    torn.extend_from_slice(b"1234abcd {\"n\":2,\"te");
    std::fs::write(&path, &torn).expect("write");
    let opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    assert_eq!(opened.records, entries(2));
    assert_eq!(opened.repair, Some(Repair::CutTornLine { bytes: 19 }));
    assert_eq!(std::fs::read(&path).expect("read"), whole);
}

#[test]
fn a_last_record_without_its_newline_is_kept_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    write(&path, &entries(2));
    let whole = std::fs::read(&path).expect("read");
    std::fs::write(&path, &whole[..whole.len() - 1]).expect("write");
    let opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    assert_eq!(opened.records, entries(2));
    assert_eq!(opened.repair, Some(Repair::RestoredNewline));
    assert_eq!(std::fs::read(&path).expect("read"), whole);
}

#[test]
fn a_damaged_line_before_the_end_is_refused_and_the_file_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    write(&path, &entries(3));
    let mut bytes = std::fs::read(&path).expect("read");
    // Flip a letter inside the second record's JSON.
    let at = bytes
        .windows(8)
        .position(|w| w == b"number 1")
        .expect("second record");
    bytes[at] = b'N';
    std::fs::write(&path, &bytes).expect("write");
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("damaged");
    match &err {
        LogError::Corrupt { line, reason, .. } => {
            assert_eq!(*line, 3, "header, record 0, then the damaged one");
            assert_eq!(reason, "checksum mismatch");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

/// Records are parsed together once every line's checksum and place in
/// the chain hold; a line that holds both but is no record is still
/// refused where it stands, as the line-by-line reading refused it.
#[test]
fn a_checksummed_line_that_is_no_record_is_refused_where_it_stands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    write(&path, &entries(2));
    let mut other = Log::<serde_json::Value>::open(&path, &FORMAT)
        .expect("open")
        .log;
    let after = serde_json::to_value(&entries(3)[2]).expect("json");
    other
        .append(&[serde_json::json!({ "x": 1 }), after])
        .expect("append");
    other.sync().expect("sync");
    drop(other);
    let bytes = std::fs::read(&path).expect("read");
    match Log::<Entry>::open(&path, &FORMAT).expect_err("no record") {
        LogError::Corrupt { line, reason, .. } => {
            assert_eq!(line, 4, "header, records 0 and 1, then the foreign one");
            assert!(reason.starts_with("not a record"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "left alone");
}

#[test]
fn a_file_of_something_else_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    std::fs::write(&path, "hello\nworld\n").expect("write");
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("not a log");
    assert!(matches!(err, LogError::NotALog { .. }), "{err:?}");
    assert!(err.to_string().contains("test-log 1"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "hello\nworld\n"
    );
}

#[test]
fn legacy_lines_of_bare_json_are_read_where_the_format_allows_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.jsonl");
    let legacy = Format {
        what: "journal",
        magic: None,
        legacy_json: true,
    };
    std::fs::write(&path, "{\"n\":0,\"text\":\"old\"}\n").expect("write");
    let mut opened = Log::<Entry>::open(&path, &legacy).expect("open");
    opened.log.append_durable(&entries(1)[0]).expect("append");
    let all = Log::<Entry>::read(&path, &legacy).expect("read");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].text, "old");
    assert_eq!(all[1], entries(1)[0]);
    // Without the allowance the same file is refused.
    let strict = Format {
        legacy_json: false,
        ..legacy
    };
    assert!(Log::<Entry>::read(&path, &strict).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A crash can stop a write at any byte after the last sync: opening
    /// what is left gives every synced record and a prefix of the rest,
    /// never an error and never a record that was not written whole.
    #[test]
    fn a_write_cut_at_any_byte_after_the_last_sync_leaves_a_prefix(
        synced in 0u64..4,
        unsynced in 1u64..4,
        cut_back in 0usize..400,
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.log");
        let all = entries(synced + unsynced);
        write(&path, &all[..synced as usize]);
        let durable_len = std::fs::metadata(&path).expect("meta").len() as usize;
        {
            let mut opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
            opened.log.append(&all[synced as usize..]).expect("append");
        }
        let whole = std::fs::read(&path).expect("read");
        let keep = whole.len().saturating_sub(cut_back).max(durable_len);
        std::fs::write(&path, &whole[..keep]).expect("write");
        let opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
        let n = opened.records.len();
        prop_assert!(n as u64 >= synced);
        prop_assert_eq!(&opened.records[..], &all[..n]);
        drop(opened);
        // And the file is a clean log again.
        let again = Log::<Entry>::open(&path, &FORMAT).expect("reopen");
        prop_assert_eq!(again.repair, None);
        prop_assert_eq!(again.records.len(), n);
    }

    /// Once synced, no record may go missing: a cut anywhere inside the
    /// synced records — at a line boundary or not — is refused, and the
    /// file is left as it was. (Cutting only the final newline loses
    /// nothing: that record is kept, tested above.)
    #[test]
    fn a_cut_into_synced_records_is_refused(count in 1u64..6, cut_back in 2usize..300) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.log");
        write(&path, &entries(count));
        let whole = std::fs::read(&path).expect("read");
        let header = FORMAT.magic.map_or(0, |m| m.len() + 1);
        let keep = whole.len().saturating_sub(cut_back).max(header);
        std::fs::write(&path, &whole[..keep]).expect("write");
        let err = Log::<Entry>::open(&path, &FORMAT).expect_err("records lost");
        let is_lost = matches!(err, LogError::Lost { committed, .. } if committed == count);
        prop_assert!(is_lost, "{:?}", err);
        prop_assert_eq!(std::fs::read(&path).expect("read"), whole[..keep].to_vec());
    }
}

/// A symbolic link where the log, its head marker or the owner lock
/// belongs is refused, and its target is never created (a dangling link as
/// `chain.log.head` once made the node create the file it pointed at).
#[test]
fn symbolic_links_are_never_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("chain.log");
    let target = dir.path().join("elsewhere");

    symlink(&target, dir.path().join("chain.log.head")).expect("link");
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(!target.exists(), "the link's target was created");
    std::fs::remove_file(dir.path().join("chain.log.head")).expect("unlink");

    symlink(&target, &path).expect("link");
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(!target.exists());
    std::fs::remove_file(&path).expect("unlink");

    let lock = dir.path().join("owner.lock");
    symlink(&target, &lock).expect("link");
    let err = slipway_log::OwnerLock::acquire(
        &lock,
        dir.path(),
        &slipway_log::Owner::this_process("test"),
    )
    .expect_err("refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(!target.exists());

    // Without links, all is as before.
    std::fs::remove_file(&lock).expect("unlink");
    write(&path, &entries(2));
    assert_eq!(
        Log::<Entry>::open(&path, &FORMAT).expect("open").records,
        entries(2)
    );
}
