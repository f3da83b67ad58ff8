//! The owner lock: one writer; the others are told who it is.

use slipway_log::{Holder, LogError, Owner, OwnerLock};

#[test]
fn a_second_writer_is_refused_and_told_who_holds_the_lock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("owner.lock");
    let owner = Owner {
        pid: 4242,
        command: "slipway node".into(),
        url: Some("http://127.0.0.1:8545".into()),
        chain_id: Some(1337),
    };
    let held = OwnerLock::acquire(&path, dir.path(), &owner).expect("first");
    let err =
        OwnerLock::acquire(&path, dir.path(), &Owner::this_process("second")).expect_err("second");
    match &err {
        LogError::Held { holder, .. } => assert_eq!(holder.as_ref(), Some(&owner)),
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("process 4242 (slipway node, serving http://127.0.0.1:8545)"),
        "{text}"
    );
    assert_eq!(
        OwnerLock::holder(&path).expect("holder"),
        Holder::Held(Some(owner))
    );
    drop(held);
    assert_eq!(OwnerLock::holder(&path).expect("holder"), Holder::Free);
    OwnerLock::acquire(&path, dir.path(), &Owner::this_process("third")).expect("free again");
}

#[test]
fn no_lock_file_means_free() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        OwnerLock::holder(&dir.path().join("none.lock")).expect("holder"),
        Holder::Free
    );
}

#[test]
fn a_holder_whose_record_does_not_read_is_still_a_holder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("owner.lock");
    let _held = OwnerLock::acquire(&path, dir.path(), &Owner::this_process("x")).expect("lock");
    std::fs::write(&path, "process 12 (an older slipway)\n").expect("overwrite");
    assert_eq!(
        OwnerLock::holder(&path).expect("holder"),
        Holder::Held(None)
    );
}
