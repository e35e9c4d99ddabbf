//! The outbox across reopen, resume, commit, abandon and pruning; `new_send` and `batch`
//! also serve the engine's tests.

use super::*;
use crate::preview::Preview;
use shared_model::KindCounts;

pub(crate) fn new_send() -> NewSend {
    NewSend {
        npsn: "20599901".into(),
        username_ops: "op@x".into(),
        semester_id: Some("20251".into()),
        server_url: "http://s".into(),
        preview: Preview::default(),
        raw_bytes: 1234,
    }
}

pub(crate) fn batch(kind: DataKind, seq: u32, rows: u64) -> NewBatch {
    NewBatch {
        kind,
        seq,
        sha256: format!("{kind}-{seq}"),
        rows,
        raw_len: 100,
        body_zstd: vec![1, 2, 3],
    }
}

#[test]
fn send_survives_reopen_and_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.sqlite");
    let id = {
        let o = Outbox::open(&path).unwrap();
        let id = o
            .create_send(
                &new_send(),
                &[
                    batch(DataKind::Sekolah, 0, 1),
                    batch(DataKind::PesertaDidik, 0, 40),
                    batch(DataKind::PesertaDidik, 1, 2),
                ],
            )
            .unwrap();
        o.set_session(id, Some("sesi-1")).unwrap();
        o.mark_done(id, DataKind::PesertaDidik, 0, "stored", 500)
            .unwrap();
        id
    };
    let o = Outbox::open(&path).unwrap();
    let s = o
        .unfinished(Some("20599901"))
        .unwrap()
        .expect("unfinished send");
    assert_eq!(s.id, id);
    assert_eq!(s.state, SendState::Open);
    assert_eq!(s.session_id.as_deref(), Some("sesi-1"));
    assert_eq!(
        s.expected[&DataKind::PesertaDidik],
        KindExpectation {
            rows: 42,
            batches: 2
        }
    );
    assert_eq!(s.expected[&DataKind::Ptk], KindExpectation::default());
    assert_eq!(s.wire_bytes, 500);
    let pending: Vec<_> = o
        .batches(id)
        .unwrap()
        .into_iter()
        .filter(|b| !b.done)
        .map(|b| (b.kind, b.seq))
        .collect();
    assert_eq!(
        pending,
        vec![(DataKind::Sekolah, 0), (DataKind::PesertaDidik, 1)]
    );
    assert_eq!(
        o.batch_body(id, DataKind::Sekolah, 0).unwrap(),
        vec![1, 2, 3]
    );
    assert!(o.unfinished(Some("11111111")).unwrap().is_none());

    o.sync_done(id, &BTreeMap::from([(DataKind::Sekolah, vec![0])]))
        .unwrap();
    let done: Vec<_> = o
        .batches(id)
        .unwrap()
        .into_iter()
        .filter(|b| b.done)
        .map(|b| (b.kind, b.seq))
        .collect();
    assert_eq!(done, vec![(DataKind::Sekolah, 0)], "server view wins");

    let mut counts = KindCounts::default();
    counts.set(DataKind::PesertaDidik, 42);
    let receipt = CommitReceipt {
        session_id: "sesi-1".into(),
        npsn: "20599901".into(),
        tanggal_kirim: "2026-11-22 19:31:05".into(),
        tanggal_kirim_utc: "2026-11-22T12:31:05Z".into(),
        counts,
        helper_version: "0.1.0".into(),
        username_ops: "op@x".into(),
    };
    o.mark_committed(id, &receipt).unwrap();
    assert!(o.unfinished(None).unwrap().is_none());
    let last = o.last_committed(None).unwrap().unwrap();
    assert_eq!(last.receipt.unwrap(), receipt);
    assert!(
        o.batches(id).unwrap().is_empty(),
        "bodies dropped after commit"
    );
}

#[test]
fn abandon_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let o = Outbox::open(&dir.path().join("o.sqlite")).unwrap();
    for _ in 0..(KEEP_FINISHED + 5) {
        let id = o
            .create_send(&new_send(), &[batch(DataKind::Sekolah, 0, 1)])
            .unwrap();
        o.mark_abandoned(id, "uji").unwrap();
    }
    let n: i64 = o
        .with(|c| Ok(c.query_row("SELECT count(*) FROM sends", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(n, KEEP_FINISHED);
    assert!(o.unfinished(None).unwrap().is_none());
}
