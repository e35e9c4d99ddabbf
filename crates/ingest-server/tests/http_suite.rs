// Over 400 lines: one test per protocol scenario, each run on both backends.
//! Protocol v1 over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL.

mod common;

use std::collections::HashMap;

use common::*;
use ingest_server::config::Config;
use ingest_server::storage::RowFilter;
use ingest_server::{RunningServer, enrollment, helper_version, reference};
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::batching::{Batch, sha256_hex};
use shared_model::protocol::{MAX_BATCH_BODY_BYTES, MAX_BATCH_UNCOMPRESSED_BYTES};

struct Env {
    server: RunningServer,
    api: Api,
    kode: HashMap<String, String>,
    _db: TestDb,
}

impl Env {
    async fn start(db: TestDb) -> Env {
        Env::start_with(db, |_| {}).await
    }

    async fn start_with(db: TestDb, tweak: impl FnOnce(&mut Config)) -> Env {
        let mut config = db.config();
        tweak(&mut config);
        let server = ingest_server::start(config).await.expect("server starts");
        reference::import_reference_rows(&server.store, &reference_schools())
            .await
            .unwrap();
        let kode = enrollment::generate_kode_registrasi(&server.store, None)
            .await
            .unwrap()
            .into_iter()
            .map(|(npsn, _, kode)| (npsn, kode))
            .collect();
        let api = Api::new(&server.base_url);
        Env {
            server,
            api,
            kode,
            _db: db,
        }
    }

    async fn token(&self, npsn: &str) -> String {
        let a = self
            .api
            .enroll(npsn, &self.kode[npsn], HELPER_VERSION)
            .await;
        a.assert_ok()["school_token"].as_str().unwrap().to_owned()
    }

    /// Opens a session and uploads every batch (zstd); returns the session id.
    async fn upload_all(&self, token: &str, npsn: &str, batches: &[Batch]) -> String {
        let open = self.api.open(token, npsn, batches).await;
        let sid = open.assert_ok()["session_id"].as_str().unwrap().to_owned();
        for b in batches {
            let a = self.api.put_batch(token, &sid, b, Enc::Zstd).await;
            assert_eq!(a.assert_ok()["status"], "stored");
        }
        sid
    }

    async fn send(&self, token: &str, npsn: &str, batches: &[Batch]) -> Value {
        let sid = self.upload_all(token, npsn, batches).await;
        self.api.commit(token, &sid).await.assert_ok().clone()
    }

    async fn finish(self) {
        self.server.shutdown().await;
    }
}

fn assert_fixture_counts(counts: &Value) {
    for (kind, n) in FIXTURE_COUNTS {
        assert_eq!(
            counts[kind.wire_name()],
            json!(n),
            "count of {kind}: {counts}"
        );
    }
}

async fn enrollment_and_rotation(db: TestDb) {
    let env = Env::start(db).await;
    let api = &env.api;
    // Wrong code and unknown NPSN: the same refusal.
    api.enroll(NPSN_A, "AAAA-AAAA", HELPER_VERSION)
        .await
        .assert_error(403, "enroll_refused");
    api.enroll("20500000", &env.kode[NPSN_A], HELPER_VERSION)
        .await
        .assert_error(403, "enroll_refused");
    api.enroll(NPSN_B, &env.kode[NPSN_A], HELPER_VERSION)
        .await
        .assert_error(403, "enroll_refused");

    // Typed with lower case and spaces: accepted.
    let typed = env.kode[NPSN_A].to_lowercase().replace('-', " ");
    let first = api.enroll(NPSN_A, &typed, HELPER_VERSION).await;
    let body = first.assert_ok();
    assert_eq!(body["npsn"], NPSN_A);
    assert_eq!(body["nama_sekolah"], "SD NEGERI SUKAMAJU 01");
    let token1 = body["school_token"].as_str().unwrap().to_owned();
    let batches = batches_of(&rows_of(&fixture_flat()));
    assert_eq!(api.open(&token1, NPSN_A, &batches).await.status, 201);

    // A replaced PC enrolls again: new token, the old one is revoked.
    let token2 = env.token(NPSN_A).await;
    assert_ne!(token1, token2);
    api.open(&token1, NPSN_A, &batches)
        .await
        .assert_error(401, "token_revoked");
    assert_eq!(api.open(&token2, NPSN_A, &batches).await.status, 201);

    // Garbage tokens.
    api.open("dbh1_nope", NPSN_A, &batches)
        .await
        .assert_error(401, "unauthorized");
    let no_auth = api.post_json("/sessions", None, &json!({})).await;
    no_auth.assert_error(401, "unauthorized");
    env.finish().await;
}

async fn enrollment_failures_are_rate_limited(db: TestDb) {
    let env = Env::start_with(db, |c| {
        c.rate_limit.enroll_max_failures_per_npsn = 3;
        c.rate_limit.enroll_max_failures_per_ip = 5;
    })
    .await;
    let api = &env.api;
    for _ in 0..3 {
        api.enroll(NPSN_A, "AAAA-AAAA", HELPER_VERSION)
            .await
            .assert_error(403, "enroll_refused");
    }
    // NPSN A is now blocked, even with the right code.
    let blocked = api.enroll(NPSN_A, &env.kode[NPSN_A], HELPER_VERSION).await;
    blocked.assert_error(429, "rate_limited");
    assert!(
        blocked
            .retry_after
            .as_deref()
            .is_some_and(|s| s.parse::<u64>().unwrap() > 0)
    );
    // Two more failures on other NPSNs block this address altogether.
    api.enroll(NPSN_B, "AAAA-AAAA", HELPER_VERSION)
        .await
        .assert_error(403, "enroll_refused");
    api.enroll("20599903", "AAAA-AAAA", HELPER_VERSION)
        .await
        .assert_error(403, "enroll_refused");
    api.enroll("20599903", &env.kode["20599903"], HELPER_VERSION)
        .await
        .assert_error(429, "rate_limited");
    env.finish().await;
}

async fn full_send_of_fixture_school(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    // Mixed encodings.
    let open = env.api.open(&token, NPSN_A, &batches).await;
    assert_eq!(open.status, 201);
    assert!(open.body["reusable_hashes"].as_array().unwrap().is_empty());
    let sid = open.body["session_id"].as_str().unwrap().to_owned();
    for (i, b) in batches.iter().enumerate() {
        let enc = [Enc::Zstd, Enc::Gzip, Enc::Identity][i % 3];
        let ack = env.api.put_batch(&token, &sid, b, enc).await;
        let ack = ack.assert_ok();
        assert_eq!(ack["status"], "stored");
        assert_eq!(ack["rows"], json!(b.rows));
        assert_eq!(ack["sha256"], json!(b.sha256));
    }
    let receipt = env.api.commit(&token, &sid).await;
    let receipt = receipt.assert_ok();
    assert_fixture_counts(&receipt["counts"]);
    assert_eq!(receipt["npsn"], NPSN_A);
    assert_eq!(receipt["helper_version"], HELPER_VERSION);
    assert_eq!(receipt["username_ops"], "ops@sekolah.sch.id");
    let wib = receipt["tanggal_kirim"].as_str().unwrap();
    assert_eq!(wib.len(), 19, "YYYY-MM-DD HH:MM:SS: {wib}");
    assert!(
        receipt["tanggal_kirim_utc"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    // Progres Kirim Data.
    let progres = env.api.get("/progres", None).await;
    let list = progres.assert_ok().as_array().unwrap().clone();
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(
        (e["npsn"].as_str(), e["kecamatan"].as_str()),
        (Some(NPSN_A), Some("Kec. Sukamakmur"))
    );
    assert_eq!(e["tanggal_kirim"], receipt["tanggal_kirim"]);
    assert_fixture_counts(e);
    assert_fixture_counts(&e["counts"]);

    // School page: identity and aggregates only.
    let page = env.api.get(&format!("/sekolah/{NPSN_A}"), None).await;
    let page = page.assert_ok();
    assert_eq!(page["nama"], "SD NEGERI SUKAMAJU 01");
    assert_eq!(page["bentuk"], "SD");
    assert_eq!(page["status"], "Negeri");
    let ptk = &page["ptk"];
    let ptk_total: u64 = ["guru_l", "guru_p", "tendik_l", "tendik_p"]
        .iter()
        .map(|k| ptk[k].as_u64().unwrap())
        .sum();
    assert_eq!(ptk_total, 8);
    assert!(!page["kelas"].as_array().unwrap().is_empty());
    let text = page.to_string();
    let flat = fixture_flat();
    for pd in &flat.peserta_didik {
        if let Some(nama) = &pd.nama {
            assert!(!text.contains(nama.as_str()), "student name leaked: {nama}");
        }
    }
    env.api.get("/sekolah/20599903", None).await.assert_ok();
    env.api
        .get("/sekolah/20500000", None)
        .await
        .assert_error(404, "not_found");
    env.api
        .get("/sekolah/abc", None)
        .await
        .assert_error(400, "invalid_request");

    // Rekap satuan pendidikan.
    let rekap = env.api.get("/rekap/satuan-pendidikan", None).await;
    let rekap = rekap.assert_ok().as_array().unwrap().clone();
    let sd = rekap
        .iter()
        .find(|r| r["bentuk"] == "SD" && r["kode_kecamatan"] == "029901")
        .unwrap();
    assert_eq!(
        (sd["sudah_kirim"].as_u64(), sd["total_referensi"].as_u64()),
        (Some(1), Some(2))
    );
    let smp = rekap.iter().find(|r| r["bentuk"] == "SMP").unwrap();
    assert_eq!(
        (smp["status"].as_str(), smp["sudah_kirim"].as_u64()),
        (Some("Swasta"), Some(0))
    );

    // Stored rows per kind.
    for (kind, n) in FIXTURE_COUNTS {
        let rows = env
            .server
            .store
            .snapshot_rows(
                kind,
                &RowFilter {
                    kode_kecamatan: Some("029901".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(rows.len() as u64, n, "{kind}");
    }
    env.finish().await;
}

async fn every_batch_retried_twice(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    let sid = env.api.open(&token, NPSN_A, &batches).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for b in &batches {
        let statuses: Vec<String> = futures_statuses(&env, &token, &sid, b).await;
        assert_eq!(
            statuses,
            ["stored", "duplicate", "duplicate"],
            "{}/{}",
            b.kind,
            b.seq
        );
    }
    // Same seq, different content: refused, nothing changes.
    let pd = batches
        .iter()
        .find(|b| b.kind == DataKind::PesertaDidik)
        .unwrap();
    let mut row: Value = serde_json::from_slice::<Vec<Value>>(&pd.body).unwrap()[0].clone();
    row["nama"] = json!("NAMA LAIN");
    env.api
        .put_batch(&token, &sid, &with_row(pd, 0, row), Enc::Zstd)
        .await
        .assert_error(409, "batch_conflict");

    let r1 = env.api.commit(&token, &sid).await.assert_ok().clone();
    let r2 = env.api.commit(&token, &sid).await.assert_ok().clone();
    let r3 = env.api.commit(&token, &sid).await.assert_ok().clone();
    assert_eq!(r1, r2);
    assert_eq!(r1, r3);
    assert_fixture_counts(&r1["counts"]);
    assert_eq!(
        env.server.store.send_history(NPSN_A).await.unwrap().len(),
        1,
        "one progress entry"
    );
    // After commit the session takes no more batches.
    env.api
        .put_batch(&token, &sid, &batches[0], Enc::Zstd)
        .await
        .assert_error(409, "session_closed");
    env.finish().await;
}

async fn futures_statuses(env: &Env, token: &str, sid: &str, b: &Batch) -> Vec<String> {
    let mut out = Vec::new();
    for enc in [Enc::Zstd, Enc::Gzip, Enc::Zstd] {
        let a = env.api.put_batch(token, sid, b, enc).await;
        out.push(a.assert_ok()["status"].as_str().unwrap().to_owned());
    }
    out
}

async fn resume_after_a_cut(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    let sid = env.api.open(&token, NPSN_A, &batches).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (first, rest) = batches.split_at(batches.len() / 2);
    for b in first {
        env.api
            .put_batch(&token, &sid, b, Enc::Zstd)
            .await
            .assert_ok();
    }
    // Commit too early: the missing batches are listed.
    let early = env.api.commit(&token, &sid).await;
    early.assert_error(409, "session_incomplete");
    assert_eq!(
        early.body["details"]["missing"].as_array().unwrap().len(),
        rest.len()
    );

    // "Cut": a new client (helper restarted) reads the state and uploads only what is missing.
    let api2 = Api::new(&env.server.base_url);
    let state = api2.session(&token, &sid).await;
    let state = state.assert_ok();
    assert_eq!(state["state"], "open");
    let mut uploaded = 0;
    for b in &batches {
        let held = state["received"][b.kind.wire_name()]["batches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_u64() == Some(u64::from(b.seq)));
        assert_eq!(held, first.contains(b));
        if !held {
            assert_eq!(
                api2.put_batch(&token, &sid, b, Enc::Zstd).await.assert_ok()["status"],
                "stored"
            );
            uploaded += 1;
        }
    }
    assert_eq!(uploaded, rest.len());
    let receipt = api2.commit(&token, &sid).await;
    assert_fixture_counts(&receipt.assert_ok()["counts"]);
    let done = api2.session(&token, &sid).await;
    assert_eq!(done.body["state"], "committed");
    assert_eq!(done.body["receipt"], receipt.body);
    env.finish().await;
}

async fn abandoned_session_leaves_old_snapshot(db: TestDb) {
    let env = Env::start_with(db, |c| c.session_ttl_secs = 2).await;
    let token = env.token(NPSN_A).await;
    let full = batches_of(&rows_of(&fixture_flat()));
    let receipt = env.send(&token, NPSN_A, &full).await;

    // A second send with fewer PTK, abandoned half way.
    let mut rows = rows_of(&fixture_flat());
    rows.get_mut(&DataKind::Ptk).unwrap().truncate(5);
    let smaller = batches_of(&rows);
    let sid = env.api.open(&token, NPSN_A, &smaller).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for b in smaller.iter().filter(|b| b.kind == DataKind::Ptk) {
        env.api
            .put_batch(&token, &sid, b, Enc::Zstd)
            .await
            .assert_ok();
    }
    // Live progress shows the school sending.
    let live = env.api.get("/progres/live", None).await;
    let live = live.assert_ok().as_array().unwrap().clone();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0]["npsn"], NPSN_A);
    assert_eq!(live[0]["expected"]["ptk"], 5);
    assert_eq!(live[0]["received"]["ptk"], 5);
    assert_eq!(live[0]["received"]["peserta_didik"], 0);

    // Everyone still sees the committed snapshot.
    let progres = env.api.get("/progres", None).await;
    assert_eq!(progres.body[0]["ptk"], 8);
    assert_eq!(progres.body[0]["tanggal_kirim"], receipt["tanggal_kirim"]);
    let page = env.api.get(&format!("/sekolah/{NPSN_A}"), None).await;
    assert_eq!(page.body["counts"]["ptk"], 8);

    // The session expires and the sweep cleans it up.
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    env.api
        .put_batch(&token, &sid, &smaller[0], Enc::Zstd)
        .await
        .assert_error(409, "session_closed");
    let report = env.server.sweep_now().await.unwrap();
    assert_eq!(report.sessions_expired, 1);
    assert!(report.batches_deleted >= 1);
    let state = env.api.session(&token, &sid).await;
    assert_eq!(state.body["state"], "expired");
    assert_eq!(
        state.body["received"]["ptk"]["rows"], 0,
        "staged batches deleted"
    );
    env.api
        .commit(&token, &sid)
        .await
        .assert_error(409, "session_closed");
    assert!(
        env.api
            .get("/progres/live", None)
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(env.api.get("/progres", None).await.body[0]["ptk"], 8);
    env.finish().await;
}

async fn token_of_school_a_cannot_write_school_b(db: TestDb) {
    let env = Env::start(db).await;
    let token_a = env.token(NPSN_A).await;
    let token_b = env.token(NPSN_B).await;
    let batches_b = batches_of(&rows_for_school(NPSN_B));
    // Open for B with A's token.
    env.api
        .open(&token_a, NPSN_B, &batches_b)
        .await
        .assert_error(403, "forbidden_npsn");
    // B's session, A's token.
    let sid_b = env.api.open(&token_b, NPSN_B, &batches_b).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.api
        .put_batch(&token_a, &sid_b, &batches_b[0], Enc::Zstd)
        .await
        .assert_error(403, "forbidden_npsn");
    env.api
        .put_ref(&token_a, &sid_b, &batches_b[0])
        .await
        .assert_error(403, "forbidden_npsn");
    env.api
        .session(&token_a, &sid_b)
        .await
        .assert_error(403, "forbidden_npsn");
    env.api
        .commit(&token_a, &sid_b)
        .await
        .assert_error(403, "forbidden_npsn");
    let held = env.server.store.session_batches(&sid_b).await.unwrap();
    assert!(held.is_empty(), "nothing stored");

    // A's own session carrying B's school row: refused at commit.
    let sid_a = env.upload_all(&token_a, NPSN_A, &batches_b).await;
    let refused = env.api.commit(&token_a, &sid_a).await;
    refused.assert_error(422, "invalid_row");
    assert_eq!(refused.body["details"]["kind"], "sekolah");
    // B sends its own data fine; A's content is not reusable by B.
    for b in &batches_b {
        env.api
            .put_batch(&token_b, &sid_b, b, Enc::Zstd)
            .await
            .assert_ok();
    }
    env.api.commit(&token_b, &sid_b).await.assert_ok();
    let progres = env.api.get("/progres", None).await;
    let list = progres.body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["npsn"], NPSN_B);
    env.finish().await;
}

async fn outdated_helper_is_refused(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let info = helper_version::set_version_policy(
        &env.server.store,
        &env.server.state.config.version.info(),
        Some("0.3.0"),
        Some("0.2.0"),
        Some("https://dinas.example/unduhan"),
        Some("Perbaikan pengiriman"),
    )
    .await
    .unwrap();
    assert_eq!(info.min_version, "0.2.0");
    let v = env.api.get("/version", None).await;
    assert_eq!(
        v.assert_ok(),
        &json!({"latest_version": "0.3.0", "min_version": "0.2.0",
                "download_url": "https://dinas.example/unduhan", "notes": "Perbaikan pengiriman"})
    );
    let batches = batches_of(&rows_of(&fixture_flat()));
    let refused = env
        .api
        .open_with(&token, NPSN_A, "0.1.0", &expected_of(&batches))
        .await;
    refused.assert_error(426, "helper_outdated");
    assert!(refused.body["message"].as_str().unwrap().contains("0.2.0"));
    assert_eq!(
        refused.body["details"]["download_url"],
        "https://dinas.example/unduhan"
    );
    env.api
        .enroll(NPSN_A, &env.kode[NPSN_A], "0.1.9")
        .await
        .assert_error(426, "helper_outdated");
    assert_eq!(
        env.api
            .open_with(&token, NPSN_A, "0.2.0", &expected_of(&batches))
            .await
            .status,
        201
    );
    assert!(
        helper_version::set_version_policy(
            &env.server.store,
            &info,
            None,
            Some("9.0.0"),
            None,
            None
        )
        .await
        .is_err()
    );
    env.finish().await;
}

async fn resend_of_unchanged_data_uses_references(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    env.send(&token, NPSN_A, &batches).await;
    let first_bytes: usize = batches
        .iter()
        .map(|b| compress(Enc::Zstd, &b.body).len())
        .sum();

    // Second send: one student changed.
    let mut rows = rows_of(&fixture_flat());
    rows.get_mut(&DataKind::PesertaDidik).unwrap()[3]["nama_ayah"] = json!("AYAH BARU");
    let changed = batches_of(&rows);
    let open = env.api.open(&token, NPSN_A, &changed).await;
    let reusable: Vec<String> = open.body["reusable_hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(batches.iter().all(|b| reusable.contains(&b.sha256)));
    let sid = open.body["session_id"].as_str().unwrap().to_owned();
    let (mut uploaded, mut uploaded_batches) = (0usize, 0usize);
    for b in &changed {
        if reusable.contains(&b.sha256) {
            assert_eq!(
                env.api.put_ref(&token, &sid, b).await.assert_ok()["status"],
                "reused"
            );
            assert_eq!(
                env.api.put_ref(&token, &sid, b).await.assert_ok()["status"],
                "duplicate"
            );
        } else {
            uploaded += compress(Enc::Zstd, &b.body).len();
            uploaded_batches += 1;
            env.api
                .put_batch(&token, &sid, b, Enc::Zstd)
                .await
                .assert_ok();
        }
    }
    // The fixture is small (one batch per kind): only the changed kind's batch travels.
    assert_eq!(uploaded_batches, 1);
    assert!(
        uploaded * 2 < first_bytes,
        "delta uploaded {uploaded} of {first_bytes} bytes"
    );
    // Unknown content cannot be referenced.
    let mut fake = changed[0].clone();
    fake.sha256 = sha256_hex(b"nope");
    env.api
        .put_ref(&token, &sid, &fake)
        .await
        .assert_error(404, "batch_unknown_hash");

    let receipt = env.api.commit(&token, &sid).await;
    assert_fixture_counts(&receipt.assert_ok()["counts"]);
    let rows = env
        .server
        .store
        .snapshot_rows(
            DataKind::PesertaDidik,
            &RowFilter {
                npsn: Some(NPSN_A.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 30);
    assert_eq!(
        rows.iter()
            .filter(|r| r.data["nama_ayah"] == "AYAH BARU")
            .count(),
        1
    );
    assert_eq!(
        env.server.store.send_history(NPSN_A).await.unwrap().len(),
        2
    );
    env.finish().await;
}

async fn bad_input_is_refused_and_stores_nothing(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    let sid = env.api.open(&token, NPSN_A, &batches).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = &env.api;
    let ptk = batches.iter().find(|b| b.kind == DataKind::Ptk).unwrap();

    // Decompression bomb: a few KiB of zstd that inflate past the cap.
    let bomb = zstd::encode_all(&vec![b' '; MAX_BATCH_UNCOMPRESSED_BYTES * 4][..], 19).unwrap();
    assert!(bomb.len() < 64 * 1024);
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("zstd"),
        Some(&ptk.sha256),
        bomb,
    )
    .await
    .assert_error(413, "payload_too_large");
    let gz_bomb = compress(Enc::Gzip, &vec![b' '; MAX_BATCH_UNCOMPRESSED_BYTES + 1]);
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("gzip"),
        Some(&ptk.sha256),
        gz_bomb,
    )
    .await
    .assert_error(413, "payload_too_large");
    // Oversized body as sent.
    let big = vec![b'['; MAX_BATCH_BODY_BYTES + 1];
    api.put_raw(&token, &sid, "ptk", 0, None, Some(&ptk.sha256), big)
        .await
        .assert_error(413, "payload_too_large");
    // Encodings.
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("br"),
        Some(&ptk.sha256),
        ptk.body.clone(),
    )
    .await
    .assert_error(415, "unsupported_encoding");
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("zstd"),
        Some(&ptk.sha256),
        ptk.body.clone(),
    )
    .await
    .assert_error(400, "decompression_failed");
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("gzip"),
        Some(&ptk.sha256),
        b"\x1f\x8b\x08garbage".to_vec(),
    )
    .await
    .assert_error(400, "decompression_failed");
    // Hash.
    let wrong = sha256_hex(b"other");
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("zstd"),
        Some(&wrong),
        compress(Enc::Zstd, &ptk.body),
    )
    .await
    .assert_error(400, "batch_hash_mismatch");
    api.put_raw(
        &token,
        &sid,
        "ptk",
        0,
        Some("zstd"),
        None,
        compress(Enc::Zstd, &ptk.body),
    )
    .await
    .assert_error(400, "invalid_request");
    // Wrong-typed row: reported with kind and index.
    let mut row: Value = serde_json::from_slice::<Vec<Value>>(&ptk.body).unwrap()[2].clone();
    row["ptk_id"] = json!({"bukan": "teks"});
    let bad = with_row(ptk, 2, row);
    let refused = api.put_batch(&token, &sid, &bad, Enc::Zstd).await;
    refused.assert_error(422, "invalid_row");
    assert_eq!(
        (
            refused.body["details"]["kind"].as_str(),
            refused.body["details"]["index"].as_u64()
        ),
        (Some("ptk"), Some(2))
    );
    // Not JSON / not an array / empty.
    for body in [&b"{\"a\": 1}"[..], b"[]", b"not json"] {
        api.put_raw(
            &token,
            &sid,
            "ptk",
            0,
            None,
            Some(&sha256_hex(body)),
            body.to_vec(),
        )
        .await
        .assert_error(400, "invalid_request");
    }
    // Path and range.
    api.put_batch(
        &token,
        &sid,
        &Batch {
            seq: 99,
            ..ptk.clone()
        },
        Enc::Zstd,
    )
    .await
    .assert_error(400, "batch_out_of_range");
    api.put_raw(
        &token,
        &sid,
        "siswa",
        0,
        None,
        Some(&ptk.sha256),
        ptk.body.clone(),
    )
    .await
    .assert_error(400, "invalid_request");
    api.put_raw(
        &token,
        &sid,
        "ptk",
        u32::MAX,
        None,
        Some(&ptk.sha256),
        ptk.body.clone(),
    )
    .await
    .assert_error(400, "batch_out_of_range");
    api.put_raw(
        &token,
        "no-such-session",
        "ptk",
        0,
        None,
        Some(&ptk.sha256),
        ptk.body.clone(),
    )
    .await
    .assert_error(404, "session_not_found");
    // Bad session declarations and JSON.
    let mut expected = expected_of(&batches);
    expected.remove(&DataKind::Rombel);
    api.open_with(&token, NPSN_A, HELPER_VERSION, &expected)
        .await
        .assert_error(400, "invalid_request");
    let raw = env
        .api
        .http
        .post(format!("{}/sessions", api.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    Api::answer(raw).await.assert_error(400, "invalid_request");
    let huge = json!({"npsn": NPSN_A, "username_ops": "x".repeat(70_000)});
    api.post_json("/enroll", None, &huge)
        .await
        .assert_error(413, "payload_too_large");

    // Nothing was stored by any of that.
    assert!(
        env.server
            .store
            .session_batches(&sid)
            .await
            .unwrap()
            .is_empty()
    );
    let state = api.session(&token, &sid).await;
    assert!(
        DataKind::ALL
            .iter()
            .all(|k| state.body["received"][k.wire_name()]["rows"] == 0)
    );

    // Routing errors are JSON too.
    api.get("/tidak-ada", None)
        .await
        .assert_error(404, "not_found");
    let wrong_method = api
        .http
        .delete(format!("{}/version", api.base))
        .send()
        .await
        .unwrap();
    let a = Api::answer(wrong_method).await;
    assert_eq!((a.status, a.error_code()), (405, "invalid_request"));
    env.finish().await;
}

async fn openapi_health_and_compression(db: TestDb) {
    let env = Env::start(db).await;
    let doc = env.api.get("/openapi.json", None).await;
    let doc = doc.assert_ok();
    assert_eq!(doc["openapi"], "3.0.3");
    for path in [
        "/version",
        "/enroll",
        "/sessions",
        "/sessions/{session_id}",
        "/sessions/{session_id}/batches/{kind}/{seq}",
        "/sessions/{session_id}/batches/{kind}/{seq}/ref",
        "/sessions/{session_id}/commit",
        "/progres",
        "/progres/live",
        "/sekolah/{npsn}",
        "/rekap/satuan-pendidikan",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    let health = reqwest::get(env.server.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_zstd()
        .build()
        .unwrap()
        .get(env.server.url("/api/v1/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers().get("content-encoding").unwrap(), "gzip");
    assert!(raw.headers().get("x-request-id").is_some());
    env.finish().await;
}

async fn graceful_shutdown_finishes_inflight_commit(db: TestDb) {
    let env = Env::start(db).await;
    let token = env.token(NPSN_A).await;
    let batches = batches_of(&rows_of(&fixture_flat()));
    let sid = env.upload_all(&token, NPSN_A, &batches).await;
    let api = Api::new(&env.server.base_url);
    let commit = tokio::spawn(async move { api.commit(&token, &sid).await });
    // Let the request reach the server, then stop it.
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    let store = env.server.store.clone();
    let Env { server, _db, .. } = env;
    server.shutdown().await;
    match commit.await {
        Ok(answer) if answer.status == 200 => {
            assert_fixture_counts(&answer.body["counts"]);
        }
        other => {
            // The request did not get in before the listener closed: nothing committed.
            eprintln!(
                "commit did not reach the server before shutdown: {:?}",
                other.map(|a| a.status)
            );
        }
    }
    // Either way the database holds a whole snapshot or none (store is closed: reopen).
    let reopened = ingest_server::open_store(&_db.url).await.unwrap();
    let history = reopened.send_history(NPSN_A).await.unwrap();
    let rows = reopened
        .snapshot_rows(DataKind::AnggotaRombel, &RowFilter::default())
        .await
        .unwrap();
    assert!(
        (history.len() == 1 && rows.len() == 45) || (history.is_empty() && rows.is_empty()),
        "partial snapshot: {} entries, {} rows",
        history.len(),
        rows.len()
    );
    reopened.close().await;
    drop(store);
}

both_backends!(
    enrollment_and_rotation,
    enrollment_failures_are_rate_limited,
    full_send_of_fixture_school,
    every_batch_retried_twice,
    resume_after_a_cut,
    abandoned_session_leaves_old_snapshot,
    token_of_school_a_cannot_write_school_b,
    outdated_helper_is_refused,
    resend_of_unchanged_data_uses_references,
    bad_input_is_refused_and_stores_nothing,
    openapi_health_and_compression,
    graceful_shutdown_finishes_inflight_commit,
);
