// Over 400 lines: one test per storage use case, each run on both backends.
//! The `Storage` contract, run against SQLite and PostgreSQL (no mocks).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use ingest_server::enrollment::secret::{hash_kode, token_hash};
use ingest_server::sending::batch::{Encoding, decode_batch};
use ingest_server::sending::commit::prepare;
use ingest_server::storage::{
    BatchRefInput, BulkRow, CommitOutcome, NewBatch, NewEnrollment, NewSession, RowFilter,
    SnapshotRow, Storage, StoreError, SweepPolicy, TokenLookup, open_store,
};
use ingest_server::{enrollment, reference};
use shared_model::DataKind;
use shared_model::batching::Batch;
use shared_model::protocol::{BatchStatus, SessionState};

const T0: i64 = 1_795_350_665_000;
const HOUR: i64 = 3_600_000;

async fn open(db: &TestDb) -> Arc<Storage> {
    let store = open_store(&db.url).await.expect("open store");
    reference::import_reference_rows(&store, &reference_schools())
        .await
        .unwrap();
    store
}

fn session(id: &str, npsn: &str, batches: &[Batch], now: i64) -> NewSession {
    NewSession {
        session_id: id.into(),
        npsn: npsn.into(),
        username_ops: "ops".into(),
        helper_version: "0.1.0".into(),
        semester_id: Some("20251".into()),
        expected: expected_of(batches),
        now_ms: now,
        expires_at_ms: now + 24 * HOUR,
    }
}

fn new_batch(sid: &str, npsn: &str, b: &Batch, now: i64) -> NewBatch {
    let d = decode_batch(b.kind, Encoding::Identity, &b.body, &b.sha256).expect("valid batch");
    NewBatch {
        session_id: sid.into(),
        npsn: npsn.into(),
        kind: b.kind,
        seq: b.seq,
        sha256: d.sha256,
        rows: d.rows,
        payload_zstd: d.payload_zstd,
        now_ms: now,
        expires_at_ms: now + 24 * HOUR,
    }
}

/// Opens, stages every batch and commits; returns the outcome.
async fn send(
    store: &Storage,
    sid: &str,
    npsn: &str,
    batches: &[Batch],
    now: i64,
) -> CommitOutcome {
    store
        .open_session(&session(sid, npsn, batches, now))
        .await
        .unwrap();
    for b in batches {
        assert_eq!(
            store
                .put_batch(&new_batch(sid, npsn, b, now))
                .await
                .unwrap(),
            BatchStatus::Stored
        );
    }
    commit(store, sid, now + 1_000).await
}

async fn commit(store: &Storage, sid: &str, now: i64) -> CommitOutcome {
    let record = store.session(sid).await.unwrap().unwrap();
    let staged = store.staged_batches(sid).await.unwrap();
    let prepared = prepare(&record, staged, now).expect("prepare");
    store.commit_session(&prepared).await.unwrap()
}

async fn reference_import_updates_in_place(db: TestDb) {
    let store = open_store(&db.url).await.unwrap();
    let file = db.dir.path().join("reference.csv");
    std::fs::write(
        &file,
        "npsn,nama,bentuk,status,kecamatan,kode_kecamatan,desa,alamat,lintang,bujur,email,website\n\
         20599901,SD NEGERI SUKAMAJU 01,SD,Negeri,Kec. Sukamakmur,029901,Sukamaju,Jl. A,-7.2,108.2,,\n\
         20599902,SD NEGERI SUKAMAJU 02,SD,Negeri,Kec. Sukamakmur,029901,,,,,,\n\
         20599903,SMP BINA,SMP,Swasta,Kec. Mekarjaya,029902,,,,,,\n",
    )
    .unwrap();
    let first = reference::import_reference(&store, &file).await.unwrap();
    assert_eq!(
        (first.rows, first.kecamatan, first.counts.sekolah_inserted),
        (3, 2, 3)
    );
    enrollment::generate_kode_registrasi(&store, None)
        .await
        .unwrap();
    assert!(store.kode_hash("20599902").await.unwrap().is_some());

    std::fs::write(
        &file,
        "npsn;nama;bentuk;status;kecamatan;kode_kecamatan\n\
         20599901;SD NEGERI SUKAMAJU 01;SD;Negeri;Kec. Sukamakmur;029901\n\
         20599903;SMP BINA BANGSA;SMP;Swasta;Kecamatan Mekarjaya;029902\n\
         20599904;TK MELATI;TK;Swasta;Kec. Sukamakmur;029901\n",
    )
    .unwrap();
    let second = reference::import_reference(&store, &file).await.unwrap();
    let c = second.counts;
    assert_eq!(
        (
            c.sekolah_inserted,
            c.sekolah_updated,
            c.sekolah_unchanged,
            c.sekolah_deactivated,
            c.kecamatan_updated
        ),
        (1, 2, 0, 1, 1),
        "{c:?}"
    );
    let all = store.reference_schools(None).await.unwrap();
    assert_eq!(all.len(), 4);
    let gone = all.iter().find(|s| s.npsn == "20599902").unwrap();
    assert!(!gone.aktif);
    assert!(
        store.kode_hash("20599902").await.unwrap().is_none(),
        "inactive school cannot enroll"
    );
    let smp = store.reference_school("20599903").await.unwrap().unwrap();
    assert_eq!(
        (smp.nama.as_str(), smp.kecamatan.as_str()),
        ("SMP BINA BANGSA", "Kecamatan Mekarjaya")
    );
    let rekap = store.rekap_satuan_pendidikan().await.unwrap();
    assert_eq!(
        rekap.iter().map(|r| r.total_referensi).sum::<u64>(),
        3,
        "inactive schools not counted"
    );
    let third = reference::import_reference(&store, &file).await.unwrap();
    assert_eq!(third.counts.sekolah_unchanged, 3);
    // Codes for unknown schools are refused.
    assert!(
        enrollment::generate_kode_registrasi(&store, Some(&["20599999".to_string()]))
            .await
            .is_err()
    );
    store.close().await;
}

async fn tokens_rotate(db: TestDb) {
    let store = open(&db).await;
    store
        .set_kode_hashes(&[(NPSN_A.into(), hash_kode(NPSN_A, "ABCD-EFGH"))], T0)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_kode_hashes(&[("20500000".into(), "x".into())], T0)
            .await,
        Err(StoreError::UnknownSchool(_))
    ));
    let enroll = |token: &str| NewEnrollment {
        npsn: NPSN_A.into(),
        token_hash: token_hash(token),
        username_ops: "ops".into(),
        device_name: Some("PC".into()),
        helper_version: "0.1.0".into(),
        now_ms: T0,
    };
    store.enroll(&enroll("one")).await.unwrap();
    assert_eq!(
        store.lookup_token(&token_hash("one")).await.unwrap(),
        TokenLookup::Active {
            npsn: NPSN_A.into()
        }
    );
    store.enroll(&enroll("two")).await.unwrap();
    assert_eq!(
        store.lookup_token(&token_hash("one")).await.unwrap(),
        TokenLookup::Revoked {
            npsn: NPSN_A.into()
        }
    );
    assert_eq!(
        store.lookup_token(&token_hash("two")).await.unwrap(),
        TokenLookup::Active {
            npsn: NPSN_A.into()
        }
    );
    assert_eq!(
        store.lookup_token(&token_hash("three")).await.unwrap(),
        TokenLookup::Unknown
    );
    store.close().await;
}

async fn claims_are_idempotent_and_sessions_supersede(db: TestDb) {
    let store = open(&db).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    let pd = batches
        .iter()
        .find(|b| b.kind == DataKind::PesertaDidik)
        .unwrap();
    let hashes = store
        .open_session(&session("s1", NPSN_A, &batches, T0))
        .await
        .unwrap();
    assert!(hashes.is_empty());
    assert_eq!(
        store
            .put_batch(&new_batch("s1", NPSN_A, pd, T0))
            .await
            .unwrap(),
        BatchStatus::Stored
    );
    assert_eq!(
        store
            .put_batch(&new_batch("s1", NPSN_A, pd, T0))
            .await
            .unwrap(),
        BatchStatus::Duplicate
    );
    let other = batches.iter().find(|b| b.kind == DataKind::Ptk).unwrap();
    let mut conflicting = new_batch("s1", NPSN_A, other, T0);
    conflicting.kind = pd.kind;
    conflicting.seq = pd.seq;
    assert!(matches!(
        store.put_batch(&conflicting).await,
        Err(StoreError::BatchConflict { .. })
    ));
    assert!(matches!(
        store.put_batch(&new_batch("s1", NPSN_B, pd, T0)).await,
        Err(StoreError::ForbiddenNpsn)
    ));
    assert!(matches!(
        store.put_batch(&new_batch("nope", NPSN_A, pd, T0)).await,
        Err(StoreError::SessionNotFound)
    ));

    // A newer session supersedes; the staged content is reusable by reference.
    let hashes = store
        .open_session(&session("s2", NPSN_A, &batches, T0 + 1))
        .await
        .unwrap();
    assert!(hashes.contains(&pd.sha256));
    assert!(matches!(
        store.put_batch(&new_batch("s1", NPSN_A, other, T0)).await,
        Err(StoreError::SessionClosed(SessionState::Superseded))
    ));
    let r = |kind, sha: &str, rows| BatchRefInput {
        session_id: "s2".into(),
        npsn: NPSN_A.into(),
        kind,
        seq: 0,
        sha256: sha.into(),
        rows,
        now_ms: T0 + 2,
        expires_at_ms: T0 + HOUR,
    };
    assert_eq!(
        store
            .ref_batch(&r(pd.kind, &pd.sha256, pd.rows))
            .await
            .unwrap(),
        BatchStatus::Reused
    );
    assert_eq!(
        store
            .ref_batch(&r(pd.kind, &pd.sha256, pd.rows))
            .await
            .unwrap(),
        BatchStatus::Duplicate
    );
    assert!(matches!(
        store
            .ref_batch(&r(DataKind::Rombel, &pd.sha256, pd.rows))
            .await,
        Err(StoreError::UnknownHash)
    ));
    assert!(matches!(
        store.ref_batch(&r(DataKind::Ptk, &"0".repeat(64), 3)).await,
        Err(StoreError::UnknownHash)
    ));
    // School B cannot reference school A's content.
    store
        .open_session(&session("b1", NPSN_B, &batches, T0))
        .await
        .unwrap();
    let mut cross = r(pd.kind, &pd.sha256, pd.rows);
    cross.session_id = "b1".into();
    cross.npsn = NPSN_B.into();
    assert!(matches!(
        store.ref_batch(&cross).await,
        Err(StoreError::UnknownHash)
    ));
    let held = store.session_batches("s2").await.unwrap();
    assert_eq!(held.len(), 1);
    let live = store.progres_live(T0 + 3).await.unwrap();
    assert_eq!(live.len(), 2, "s2 and b1 are open");
    store.close().await;
}

async fn commit_replaces_snapshot_atomically(db: TestDb) {
    let store = open(&db).await;
    let full = batches_of(&rows_of(&fixture_flat()));
    let outcome = send(&store, "s1", NPSN_A, &full, T0).await;
    let CommitOutcome::Committed(receipt) = outcome else {
        panic!("first commit")
    };
    for (kind, n) in FIXTURE_COUNTS {
        assert_eq!(receipt.counts.get(kind), n);
    }
    assert_eq!(receipt.tanggal_kirim, "2026-11-22 19:31:06");
    // A retried commit returns the same receipt and records nothing new.
    assert_eq!(
        commit(&store, "s1", T0 + 5_000).await,
        CommitOutcome::AlreadyCommitted(receipt.clone())
    );

    // Readers poll while a smaller snapshot replaces the first one.
    let mut rows = rows_of(&fixture_flat());
    rows.get_mut(&DataKind::AnggotaRombel).unwrap().truncate(20);
    rows.get_mut(&DataKind::PesertaDidik).unwrap().truncate(20);
    let smaller = batches_of(&rows);
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let store = store.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut seen = std::collections::BTreeSet::new();
            while !stop.load(Ordering::Relaxed) {
                let n = store
                    .snapshot_rows(DataKind::AnggotaRombel, &RowFilter::default())
                    .await
                    .unwrap()
                    .len();
                let p = store.progres().await.unwrap();
                seen.insert((n, p[0].anggota_rombel));
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    send(&store, "s2", NPSN_A, &smaller, T0 + HOUR).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    stop.store(true, Ordering::Relaxed);
    let seen = reader.await.unwrap();
    // Each read sees a whole snapshot (45 or 20 rows, never a mix), and since rows are read
    // before progress, no reader saw new rows and then old progress.
    for (rows, progres) in &seen {
        assert!(
            [45, 20].contains(rows) && [45, 20].contains(progres),
            "partial snapshot visible: {seen:?}"
        );
        assert!(
            !(*rows == 20 && *progres == 45),
            "went back in time: {seen:?}"
        );
    }
    assert_eq!(
        store
            .snapshot_rows(DataKind::PesertaDidik, &RowFilter::default())
            .await
            .unwrap()
            .len(),
        20
    );
    assert_eq!(
        store
            .snapshot_rows(DataKind::Ptk, &RowFilter::default())
            .await
            .unwrap()
            .len(),
        8,
        "unchanged kind kept"
    );
    let history = store.send_history(NPSN_A).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].anggota_rombel, 20, "newest first");
    let public = store.sekolah_public(NPSN_A).await.unwrap().unwrap();
    assert_eq!(public.counts.unwrap().get(DataKind::PesertaDidik), 20);
    assert!(
        store
            .school_summary_json(NPSN_A)
            .await
            .unwrap()
            .unwrap()
            .contains("\"ptk\"")
    );
    store.close().await;
}

async fn sweep_expires_sessions_and_collects_blobs(db: TestDb) {
    let store = open(&db).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    send(&store, "s1", NPSN_A, &batches, T0).await;
    // An abandoned session with one new batch.
    let mut rows = rows_of(&fixture_flat());
    rows.get_mut(&DataKind::Ptk).unwrap().truncate(3);
    let changed = batches_of(&rows);
    let ptk = changed.iter().find(|b| b.kind == DataKind::Ptk).unwrap();
    let mut s = session("s2", NPSN_A, &changed, T0 + HOUR);
    s.expires_at_ms = T0 + 2 * HOUR;
    store.open_session(&s).await.unwrap();
    store
        .put_batch(&NewBatch {
            expires_at_ms: T0 + 2 * HOUR,
            ..new_batch("s2", NPSN_A, ptk, T0 + HOUR)
        })
        .await
        .unwrap();

    let policy = |now| SweepPolicy {
        now_ms: now,
        closed_session_retention_ms: 24 * HOUR,
        blob_grace_ms: 0,
    };
    let r = store.sweep(policy(T0 + HOUR + 1)).await.unwrap();
    assert_eq!(
        (r.sessions_expired, r.batches_deleted, r.blobs_deleted),
        (0, 0, 0),
        "{r:?}"
    );
    let r = store.sweep(policy(T0 + 3 * HOUR)).await.unwrap();
    assert_eq!(
        (r.sessions_expired, r.batches_deleted, r.blobs_deleted),
        (1, 1, 1),
        "{r:?}"
    );
    assert_eq!(
        store.session("s2").await.unwrap().unwrap().state,
        SessionState::Expired
    );
    // The committed snapshot's content stays reusable.
    let hashes = store
        .open_session(&session("s3", NPSN_A, &batches, T0 + 3 * HOUR))
        .await
        .unwrap();
    assert_eq!(hashes.len(), batches.len());
    assert!(!hashes.contains(&ptk.sha256));
    // Closed sessions go after the retention period.
    let r = store.sweep(policy(T0 + 30 * HOUR)).await.unwrap();
    assert!(r.sessions_deleted >= 2, "{r:?}");
    assert!(store.session("s2").await.unwrap().is_none());
    assert!(store.session("s1").await.unwrap().is_none());
    assert_eq!(
        store.progres().await.unwrap().len(),
        1,
        "snapshot untouched"
    );
    store.close().await;
}

async fn bulk_load_baseline(db: TestDb) {
    let store = open(&db).await;
    let rows: Vec<_> = (0..500)
        .map(|i| BulkRow {
            npsn: NPSN_A.into(),
            kind: DataKind::PesertaDidik,
            row: SnapshotRow {
                row_id: format!("id-{i:04}"),
                data: format!("{{\"i\": {i}, \"s\": \"tab\\tquote\\\" back\\\\slash\"}}"),
            },
        })
        .collect();
    assert_eq!(store.bulk_load_rows(&rows).await.unwrap(), 500);
    let back = store
        .snapshot_rows(DataKind::PesertaDidik, &RowFilter::default())
        .await
        .unwrap();
    assert_eq!(back.len(), 500);
    assert_eq!(back[7].data["s"], "tab\tquote\" back\\slash");
    store.clear_snapshot_rows().await.unwrap();
    assert!(
        store
            .snapshot_rows(DataKind::PesertaDidik, &RowFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
}

async fn concurrent_claims_of_one_slot(db: TestDb) {
    let store = open(&db).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    store
        .open_session(&session("s1", NPSN_A, &batches, T0))
        .await
        .unwrap();
    let pd = batches
        .iter()
        .find(|b| b.kind == DataKind::PesertaDidik)
        .unwrap()
        .clone();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let b = new_batch("s1", NPSN_A, &pd, T0);
            tokio::spawn(async move { store.put_batch(&b).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().unwrap());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == BatchStatus::Stored)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == BatchStatus::Duplicate)
            .count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(store.session_batches("s1").await.unwrap().len(), 1);
    store.close().await;
}

both_backends!(
    concurrent_claims_of_one_slot,
    reference_import_updates_in_place,
    tokens_rotate,
    claims_are_idempotent_and_sessions_supersede,
    commit_replaces_snapshot_atomically,
    sweep_expires_sessions_and_collects_blobs,
    bulk_load_baseline,
);
