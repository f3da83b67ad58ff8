//! Every kind of damage a log can suffer whose lines still check:
//! records deleted, repeated, swapped or replaced, whole records cut from
//! the end, a damaged head marker. Each is refused with the file left as
//! it was; the one harmless case (a lost final newline) is repaired.

use slipway_log::{Log, LogError, Repair};

use crate::file::{Entry, FORMAT, entries, write};

/// A log of `count` synced records, and its lines (header first).
fn log_of(count: u64) -> (tempfile::TempDir, std::path::PathBuf, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    write(&path, &entries(count));
    let text = std::fs::read_to_string(&path).expect("read");
    let lines = text.lines().map(str::to_owned).collect();
    (dir, path, lines)
}

fn rewrite(path: &std::path::Path, lines: &[String]) -> Vec<u8> {
    let text = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    std::fs::write(path, &text).expect("write");
    text.into_bytes()
}

/// Opens a damaged log, expecting it refused at `line` for `why`, and the
/// file untouched.
fn refused_at(path: &std::path::Path, bytes: &[u8], line: usize, why: &str) {
    let err = Log::<Entry>::open(path, &FORMAT).expect_err("damaged");
    match &err {
        LogError::Corrupt {
            line: at, reason, ..
        } => {
            assert_eq!(*at, line, "{err}");
            assert!(reason.contains(why), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(path).expect("read"), bytes, "left untouched");
    // Readers are refused the same way.
    assert!(Log::<Entry>::read(path, &FORMAT).is_err());
}

#[test]
fn a_deleted_record_is_refused() {
    let (_dir, path, mut lines) = log_of(5);
    lines.remove(2); // record 1
    let bytes = rewrite(&path, &lines);
    refused_at(&path, &bytes, 3, "records are missing");
}

#[test]
fn a_repeated_record_is_refused() {
    let (_dir, path, mut lines) = log_of(5);
    let copy = lines[2].clone();
    lines.insert(3, copy);
    let bytes = rewrite(&path, &lines);
    refused_at(&path, &bytes, 4, "repeated");
}

#[test]
fn swapped_records_are_refused() {
    let (_dir, path, mut lines) = log_of(5);
    lines.swap(2, 3);
    let bytes = rewrite(&path, &lines);
    refused_at(&path, &bytes, 3, "out of order");
}

/// The line of record `index` in another log of `count` records that
/// agrees with `entries(count)` on every record before it and differs at
/// it: a line whose own checksum and place in the sequence check.
fn another_logs_line(count: u64, index: usize) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = dir.path().join("y.log");
    let mut changed = entries(count);
    changed[index].text = "another record".into();
    write(&other, &changed);
    std::fs::read_to_string(&other)
        .expect("read")
        .lines()
        .nth(index + 1)
        .expect("line")
        .to_owned()
}

#[test]
fn a_record_replaced_by_another_logs_is_refused_at_the_next() {
    let (_dir, path, mut lines) = log_of(5);
    lines[3] = another_logs_line(5, 2);
    let bytes = rewrite(&path, &lines);
    refused_at(&path, &bytes, 5, "does not follow");
}

#[test]
fn a_replaced_last_record_is_refused_by_the_head_marker() {
    let (_dir, path, mut lines) = log_of(3);
    *lines.last_mut().expect("last") = another_logs_line(3, 2);
    let bytes = rewrite(&path, &lines);
    refused_at(&path, &bytes, 3, "rewritten");
}

#[test]
fn records_cut_at_a_line_boundary_are_refused() {
    let (_dir, path, lines) = log_of(5);
    let bytes = rewrite(&path, &lines[..4]);
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("cut");
    assert!(
        matches!(
            err,
            LogError::Lost {
                committed: 5,
                found: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("lost from its end"), "{text}");
    assert!(text.contains("x.log.head"), "{text}");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn a_deleted_log_whose_marker_remains_is_refused() {
    let (_dir, path, _) = log_of(2);
    std::fs::remove_file(&path).expect("rm");
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("gone");
    assert!(matches!(err, LogError::Lost { found: 0, .. }), "{err:?}");
    assert!(!path.exists(), "nothing recreated");
}

#[test]
fn removing_a_log_removes_its_marker_and_starts_over() {
    let (_dir, path, _) = log_of(2);
    Log::<Entry>::remove(&path).expect("remove");
    let opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    assert!(opened.records.is_empty());
}

#[test]
fn a_damaged_head_marker_is_refused() {
    let (_dir, path, _) = log_of(2);
    let head = path.with_file_name("x.log.head");
    let mut marker = std::fs::read(&head).expect("marker");
    let at = marker.iter().position(|b| *b == b'2').expect("a digit");
    marker[at] = b'7';
    std::fs::write(&head, &marker).expect("write");
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("bad marker");
    assert!(matches!(err, LogError::BadHead { .. }), "{err:?}");
    assert_eq!(std::fs::read(&head).expect("marker"), marker);
}

#[test]
fn an_older_unchained_line_after_chained_ones_is_refused() {
    let (_dir, path, mut lines) = log_of(2);
    let json = r#"{"n":2,"text":"entry number 2"}"#;
    lines.push(format!("{:08x} {json}", crc32fast::hash(json.as_bytes())));
    let bytes = rewrite(&path, &lines);
    refused_at(&path, &bytes, 4, "no sequence number");
}

#[test]
fn older_checksummed_lines_read_and_chained_ones_follow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    let old: String = entries(2)
        .iter()
        .map(|e| {
            let json = serde_json::to_string(e).expect("json");
            format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()))
        })
        .collect();
    std::fs::write(&path, format!("test-log 1\n{old}")).expect("write");
    let mut opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    assert_eq!(opened.records, entries(2));
    opened.log.append_durable(&entries(3)[2]).expect("append");
    drop(opened);
    let all = Log::<Entry>::read(&path, &FORMAT).expect("read");
    assert_eq!(all, entries(3));
    let text = std::fs::read_to_string(&path).expect("text");
    let last = text.lines().last().expect("last");
    assert!(
        last.split(' ').nth(1) == Some("2"),
        "the new line carries its sequence number: {last}"
    );
}

#[test]
fn a_lost_final_newline_is_restored_and_the_chain_goes_on() {
    let (_dir, path, lines) = log_of(3);
    let mut bytes = rewrite(&path, &lines);
    bytes.pop();
    std::fs::write(&path, &bytes).expect("write");
    let mut opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    assert_eq!(opened.repair, Some(Repair::RestoredNewline));
    opened.log.append_durable(&entries(4)[3]).expect("append");
    drop(opened);
    assert_eq!(
        Log::<Entry>::read(&path, &FORMAT).expect("read"),
        entries(4)
    );
}

#[test]
fn a_sync_from_another_thread_advances_the_marker() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    let mut opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    let handle = opened.log.sync_handle().expect("handle");
    opened.log.append(&entries(3)).expect("append");
    std::thread::spawn(move || handle.sync().expect("sync"))
        .join()
        .expect("thread");
    drop(opened);
    // The marker names 3 records: cutting the last one is refused.
    let text = std::fs::read_to_string(&path).expect("read");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    rewrite(&path, &lines[..3]);
    let err = Log::<Entry>::open(&path, &FORMAT).expect_err("cut");
    assert!(
        matches!(err, LogError::Lost { committed: 3, .. }),
        "{err:?}"
    );
}

#[test]
fn records_appended_but_never_synced_are_not_named_by_the_marker() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.log");
    write(&path, &entries(2));
    {
        let mut opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
        opened
            .log
            .append(&entries(4)[2..])
            .expect("append, no sync");
    }
    // A crash lost the two unsynced lines whole: that is allowed.
    let text = std::fs::read_to_string(&path).expect("read");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    rewrite(&path, &lines[..3]);
    let opened = Log::<Entry>::open(&path, &FORMAT).expect("open");
    assert_eq!(opened.records, entries(2));
}
