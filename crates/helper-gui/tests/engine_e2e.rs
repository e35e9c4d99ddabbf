// Over 400 lines: one test per send scenario listed in README.md, on one shared `World`.
//! Engine end-to-end: the real pipeline against an in-process dapodik-sim and a real
//! ingest-server on 127.0.0.1 (temporary SQLite).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{FaultProxy, World, eventually};
use helper_gui::engine::{Confirm, SendRequest, VersionStatus};
use helper_gui::failure::FailureKind;
use helper_gui::outbox::Outbox;
use helper_gui::secrets::{MemoryStore, SecretKey, SecretStore};
use shared_model::DataKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_school_arrives_with_exact_counts_then_resend_is_a_delta() {
    let w = World::fixture().await;
    assert_eq!(w.truth.peserta_didik, 30, "fixture has 30 students");
    let secrets = World::memory_secrets();
    let dir = w.helper_dir("helper");
    let engine = w.engine(&dir, &w.server_url(), secrets.clone());

    assert_eq!(engine.check_version().await, VersionStatus::UpToDate);
    let first = engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect("first send");
    assert_eq!(first.receipt.counts, w.expected(), "receipt counts = truth");
    assert_eq!(first.receipt.npsn, w.npsn);
    assert_eq!(
        w.server_counts().await,
        Some(w.expected()),
        "server snapshot = truth"
    );
    assert!(first.stats.batches_uploaded > 0);
    assert!(
        first.stats.raw_bytes > 50_000,
        "raw Dapodik bytes counted: {}",
        first.stats.raw_bytes
    );
    let tanggal = &first.receipt.tanggal_kirim;
    assert_eq!(tanggal.len(), 19, "WIB `YYYY-MM-DD HH:MM:SS`: {tanggal}");

    // Secrets went to the store, never to the config file; the config remembers identity.
    assert_eq!(
        secrets
            .get(&SecretKey::dapodik(&w.npsn))
            .unwrap()
            .as_deref(),
        Some(w.token.as_str())
    );
    assert!(secrets.get(&SecretKey::school(&w.npsn)).unwrap().is_some());
    let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(cfg.contains(&w.npsn) && !cfg.contains(&w.token));

    // The outbox keeps the receipt and no longer holds bodies.
    let outbox = Outbox::open(&dir.join("outbox.sqlite")).unwrap();
    assert!(outbox.unfinished(None).unwrap().is_none());
    let last = outbox.last_committed(None).unwrap().unwrap();
    assert_eq!(last.receipt.unwrap().counts, w.expected());

    // Second send without changes: only references, a fraction of the bytes.
    let second_req = SendRequest {
        dapodik_token: None,
        kode_registrasi: None,
        ..w.request()
    };
    let second = engine
        .send(second_req, Confirm::Auto)
        .await
        .expect("second send");
    assert_eq!(second.receipt.counts, w.expected());
    assert_eq!(second.stats.batches_uploaded, 0, "nothing re-uploaded");
    assert_eq!(second.stats.batches_reused, second.stats.batches_total);
    // A tiny school: HTTP headers of the references dominate (the < 10 % figure is for a
    // 1,500-student school, see `delta_of_a_large_school_is_small` and the benchmark).
    assert!(
        second.stats.wire_bytes * 2 < first.stats.wire_bytes,
        "second send {} B vs first {} B",
        second.stats.wire_bytes,
        first.stats.wire_bytes
    );
    assert_eq!(
        w.server_counts().await,
        Some(w.expected()),
        "nothing counted twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delta_of_a_large_school_is_small() {
    let w = World::generated(5, 40).await;
    assert!(
        w.truth.peserta_didik >= 500,
        "a large school: {}",
        w.truth.peserta_didik
    );
    let dir = w.helper_dir("helper");
    let engine = w.engine(&dir, &w.server_url(), World::memory_secrets());
    let first = engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect("first");
    let second = engine
        .send(
            SendRequest {
                kode_registrasi: None,
                ..w.request()
            },
            Confirm::Auto,
        )
        .await
        .expect("second");
    assert_eq!(second.receipt.counts, w.expected());
    assert_eq!(second.stats.batches_uploaded, 0);
    assert!(
        second.stats.wire_bytes * 10 < first.stats.wire_bytes,
        "{} students: second {} B vs first {} B",
        w.truth.peserta_didik,
        second.stats.wire_bytes,
        first.stats.wire_bytes
    );
    assert!(
        first.stats.wire_bytes * 5 <= first.stats.raw_bytes,
        "wire {} B vs raw {} B",
        first.stats.wire_bytes,
        first.stats.raw_bytes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_cut_mid_upload_is_retried_and_completes() {
    let w = World::generated(11, 12).await;
    let proxy = FaultProxy::start(w.server.addr).await;
    let dir = w.helper_dir("helper");
    let engine = w.engine(&dir, &proxy.url(), World::memory_secrets());

    // Let enrollment and the session open through, then cut in the middle of the batches.
    proxy.cut_after(12_000);
    let p = &proxy;
    let restore = async move {
        eventually(60, "the cut", || p.cuts() > 0).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        p.set_down(false);
    };
    let (report, ()) = tokio::join!(engine.send(w.request(), Confirm::Auto), restore);
    let report = report.expect("send completes after the cut");
    assert_eq!(proxy.cuts(), 1);
    assert_eq!(report.receipt.counts, w.expected());
    assert_eq!(w.server_counts().await, Some(w.expected()));
    assert!(
        report.stats.batches_total >= 8,
        "a batch per kind at least: {}",
        report.stats.batches_total
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_send_stays_in_outbox_and_next_run_resumes_the_session() {
    let w = World::generated(12, 12).await;
    let proxy = FaultProxy::start(w.server.addr).await;
    let dir = w.helper_dir("helper");
    let secrets = World::memory_secrets();
    let mut cfg = w.engine_config(&dir, &proxy.url());
    cfg.max_offline = Some(Duration::from_millis(800));
    cfg.upload_concurrency = 1;
    let engine = helper_gui::Engine::new(cfg.clone(), secrets.clone(), Arc::new(|| {})).unwrap();

    proxy.cut_after(20_000);
    let err = engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect_err("offline");
    assert_eq!(err.kind, FailureKind::ServerUnreachable);
    let outbox = Outbox::open(&dir.join("outbox.sqlite")).unwrap();
    let pending = outbox
        .unfinished(Some(&w.npsn))
        .unwrap()
        .expect("snapshot kept in the outbox");
    assert!(
        pending.session_id.is_some(),
        "session was opened before the cut"
    );
    let done_before = outbox
        .batches(pending.id)
        .unwrap()
        .iter()
        .filter(|b| b.done)
        .count();
    assert!(
        done_before > 0,
        "some batches were acknowledged before the cut"
    );

    // Back online: a new engine (as after a restart) resumes the same session.
    proxy.set_down(false);
    drop(engine);
    let engine = helper_gui::Engine::new(cfg, secrets, Arc::new(|| {})).unwrap();
    let req = SendRequest {
        dapodik_token: None,
        kode_registrasi: None,
        ..w.request()
    };
    let report = engine.send(req, Confirm::Auto).await.expect("resumed send");
    assert!(report.resumed);
    assert_eq!(
        report.receipt.session_id,
        pending.session_id.clone().unwrap(),
        "same session"
    );
    assert!(report.stats.batches_already_held as usize >= done_before);
    assert_eq!(report.receipt.counts, w.expected());
    assert_eq!(w.server_counts().await, Some(w.expected()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dapodik_problems_are_classified_and_nothing_is_stored() {
    let w = World::fixture().await;
    let dir = w.helper_dir("helper");
    let engine = w.engine(&dir, &w.server_url(), World::memory_secrets());

    let wrong_token = SendRequest {
        dapodik_token: Some("TokenSalah123".into()),
        ..w.request()
    };
    assert_eq!(
        engine
            .send(wrong_token, Confirm::Auto)
            .await
            .unwrap_err()
            .kind,
        FailureKind::DapodikTokenInvalid
    );

    let unknown_npsn = SendRequest {
        npsn: "20599999".into(),
        ..w.request()
    };
    assert_eq!(
        engine
            .send(unknown_npsn, Confirm::Auto)
            .await
            .unwrap_err()
            .kind,
        FailureKind::DapodikNpsnUnknown
    );

    let unknown_user = SendRequest {
        username_ops: "bukan.operator@example.com".into(),
        ..w.request()
    };
    let f = engine.send(unknown_user, Confirm::Auto).await.unwrap_err();
    assert_eq!(f.kind, FailureKind::UsernameNotFound);

    w.sim.faults().update(|f| {
        f.ip_override.insert(w.npsn.clone(), "192.168.1.50".into());
    });
    assert_eq!(
        engine
            .send(w.request(), Confirm::Auto)
            .await
            .unwrap_err()
            .kind,
        FailureKind::DapodikIpNotRegistered
    );
    w.sim.faults().reset();

    let mut cfg = w.engine_config(&dir, &w.server_url());
    cfg.dapodik_url = "http://127.0.0.1:9".into();
    let down = helper_gui::Engine::new(cfg, World::memory_secrets(), Arc::new(|| {})).unwrap();
    assert_eq!(
        down.send(w.request(), Confirm::Auto)
            .await
            .unwrap_err()
            .kind,
        FailureKind::DapodikUnreachable
    );

    let outbox = Outbox::open(&dir.join("outbox.sqlite")).unwrap();
    assert!(
        outbox.unfinished(None).unwrap().is_none(),
        "failed pulls leave no send behind"
    );
    assert_eq!(w.server_counts().await, None, "nothing reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_down_keeps_the_pull_and_sends_later() {
    let w = World::fixture().await;
    let dir = w.helper_dir("helper");
    let secrets = World::memory_secrets();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    let mut cfg = w.engine_config(&dir, &dead);
    cfg.max_offline = Some(Duration::from_millis(600));
    let engine = helper_gui::Engine::new(cfg, secrets.clone(), Arc::new(|| {})).unwrap();
    assert_eq!(engine.check_version().await, VersionStatus::Unknown);
    let f = engine.send(w.request(), Confirm::Auto).await.unwrap_err();
    assert_eq!(f.kind, FailureKind::ServerUnreachable);
    let msg = helper_gui::messages::describe(&f);
    assert!(msg.title.contains("internet"));
    let outbox = Outbox::open(&dir.join("outbox.sqlite")).unwrap();
    assert!(
        outbox.unfinished(Some(&w.npsn)).unwrap().is_some(),
        "pulled data waits in the outbox"
    );

    // The server is reachable again (same data folder, real URL).
    let engine = w.engine(&dir, &w.server_url(), secrets);
    let report = engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect("sent later");
    assert!(report.resumed, "the stored pull was sent, not pulled again");
    assert_eq!(report.receipt.counts, w.expected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_needs_the_right_kode_and_survives_revocation() {
    let w = World::fixture().await;
    let dir = w.helper_dir("helper");
    let secrets: Arc<MemoryStore> = Arc::new(MemoryStore::new());
    let engine = w.engine(&dir, &w.server_url(), secrets.clone());

    let no_kode = SendRequest {
        kode_registrasi: None,
        ..w.request()
    };
    let f = engine.send(no_kode, Confirm::Auto).await.unwrap_err();
    assert_eq!(f.kind, FailureKind::NeedKodeRegistrasi);
    assert!(engine.progress().needs_kode);

    let wrong = SendRequest {
        kode_registrasi: Some("SALAH-KODE1".into()),
        ..w.request()
    };
    assert_eq!(
        engine.send(wrong, Confirm::Auto).await.unwrap_err().kind,
        FailureKind::EnrollRefused
    );

    let ok = engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect("enrolled and sent");
    assert_eq!(ok.receipt.counts, w.expected());
    assert!(!engine.progress().needs_kode);

    // Another PC enrolls with the same code: this PC's token is revoked.
    let other_dir = w.helper_dir("pc-lain");
    let other = w.engine(&other_dir, &w.server_url(), World::memory_secrets());
    other
        .send(w.request(), Confirm::Auto)
        .await
        .expect("other PC sends");
    let again = SendRequest {
        kode_registrasi: None,
        dapodik_token: None,
        ..w.request()
    };
    let f = engine.send(again, Confirm::Auto).await.unwrap_err();
    assert!(
        matches!(
            f.kind,
            FailureKind::TokenRevoked | FailureKind::NeedKodeRegistrasi
        ),
        "{f:?}"
    );
    assert!(
        secrets.get(&SecretKey::school(&w.npsn)).unwrap().is_none(),
        "revoked token forgotten"
    );
    // Presenting the code again takes the school back.
    let report = engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect("re-enrolled");
    assert_eq!(report.receipt.counts, w.expected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helper_below_minimum_version_may_not_send() {
    let w = World::fixture().await;
    let configured = w.server.state.config.version.info();
    ingest_server::helper_version::set_version_policy(
        w.server.store.as_ref(),
        &configured,
        Some("9.0.0"),
        Some("9.0.0"),
        Some("/unduhan"),
        None,
    )
    .await
    .unwrap();
    let dir = w.helper_dir("helper");
    let engine = w.engine(&dir, &w.server_url(), World::memory_secrets());
    match engine.check_version().await {
        VersionStatus::MustUpdate { min, download_url } => {
            assert_eq!(min, "9.0.0");
            assert!(
                download_url.starts_with("http://127.0.0.1"),
                "{download_url}"
            );
        }
        other => panic!("{other:?}"),
    }
    let f = engine.send(w.request(), Confirm::Auto).await.unwrap_err();
    assert_eq!(f.kind, FailureKind::HelperOutdated);
    assert!(f.download_url.is_some());

    // Even without the check, the server refuses at enrollment/open.
    let fresh = w.engine(
        &w.helper_dir("tanpa-cek"),
        &w.server_url(),
        World::memory_secrets(),
    );
    let f = fresh.send(w.request(), Confirm::Auto).await.unwrap_err();
    assert_eq!(f.kind, FailureKind::HelperOutdated, "{f:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_credential_store_is_reported_not_bypassed() {
    let w = World::fixture().await;
    let dir = w.helper_dir("helper");
    let store = Arc::new(MemoryStore::new());
    store.set_broken(true);
    let engine = w.engine(&dir, &w.server_url(), store);
    let f = engine.send(w.request(), Confirm::Auto).await.unwrap_err();
    assert_eq!(f.kind, FailureKind::CredentialStore);
    assert_eq!(w.server_counts().await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reports_every_kind() {
    let w = World::fixture().await;
    let dir = w.helper_dir("helper");
    let engine = w.engine(&dir, &w.server_url(), World::memory_secrets());
    let mut rx = engine.subscribe();
    let seen = tokio::spawn(async move {
        let mut phases = Vec::new();
        while rx.changed().await.is_ok() {
            let p = rx.borrow().phase;
            if phases.last() != Some(&p) {
                phases.push(p);
            }
        }
        phases
    });
    let report = engine.send(w.request(), Confirm::Auto).await.unwrap();
    let p = engine.progress();
    for kind in DataKind::ALL {
        assert_eq!(p.kind(kind).rows, report.receipt.counts.get(kind), "{kind}");
    }
    assert_eq!(p.overall(), 1.0);
    let preview = p.preview.expect("preview");
    assert_eq!(preview.counts, w.expected());
    assert!(
        !preview.warnings.is_empty(),
        "the fixture has data-quality notes"
    );
    drop(engine);
    let phases = tokio::time::timeout(Duration::from_secs(2), seen).await;
    if let Ok(Ok(phases)) = phases {
        use helper_gui::engine::Phase;
        for want in [
            Phase::Pulling,
            Phase::Preview,
            Phase::Uploading,
            Phase::Committing,
            Phase::Done,
        ] {
            assert!(phases.contains(&want), "{want:?} missing from {phases:?}");
        }
    }
}
