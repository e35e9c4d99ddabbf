// Over 400 lines: one test per window scenario on one shared kittest harness.
//! The window, driven through egui_kittest against the real engine, an in-process
//! dapodik-sim and a real ingest-server (no fake engine).

mod common;
mod kittest_support;

use common::World;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use helper_gui::config::DinasInfo;
use helper_gui::ui::{AppInit, AutoRun, HelperApp};
use kittest_support::{Ui, Window, click, fill, has, has_part, step_until, type_into};

/// The window as the tests open it: 720×1100 points, a test district in the footer.
trait UiWindows {
    fn harness_with(&self, server_url: &str, dir_name: &str) -> Window;
    fn harness(&self, dir_name: &str) -> Window;
}

impl UiWindows for Ui {
    fn harness_with(&self, server_url: &str, dir_name: &str) -> Window {
        let dinas = DinasInfo {
            nama: "DINAS PENDIDIKAN KABUPATEN UJI".into(),
            alamat: vec!["Jln. Dermojoyo No. 19".into(), "Kode Pos 64418".into()],
            telepon: Some("(0358) 321667".into()),
        };
        self.window(server_url, dir_name, egui::vec2(720.0, 1100.0), dinas, None)
    }

    fn harness(&self, dir_name: &str) -> Window {
        self.harness_with(&self.world.server_url(), dir_name)
    }
}

#[test]
fn kirim_data_shows_preview_progress_and_selesai() {
    let t = Ui::fixture();
    let w = &t.world;
    let mut h = t.harness("jendela");

    // Title, version, footer.
    h.step();
    assert!(has(&h, "Dapodik Backbone Helper"));
    assert!(has_part(&h, "Versi Aplikasi :"));
    assert!(has(&h, "DINAS PENDIDIKAN KABUPATEN UJI"));
    assert!(has_part(&h, "Jln. Dermojoyo No. 19"));
    step_until(&mut h, 10, "Versi Aplikasi Terbaru", |h| {
        has(h, "Versi Aplikasi Terbaru")
    });

    // First time on this PC: the Kode Registrasi field is there.
    fill(&mut h, &w.token, &w.npsn, &w.username, Some(&w.kode));
    assert!(has(&h, "Silahkan Kirim Data !"));
    click(&mut h, "Kirim Data");

    // The preview with counts and warnings, then confirm.
    step_until(&mut h, 30, "the preview", |h| has(h, "Lanjutkan Kirim"));
    assert!(has(&h, "Data yang akan dikirim"));
    assert!(has(&h, "Perlu diperhatikan"));
    assert!(has_part(&h, "SD NEGERI"), "school name in the preview");
    click(&mut h, "Lanjutkan Kirim");

    // Progress rows per kind, then "Selesai" with the server's counts.
    assert!(has(&h, "Progres Kirim Data"));
    for label in [
        "Data Sekolah",
        "Data PD",
        "Data PTK",
        "Data Riwayat Kepangkatan",
        "Data Riwayat Pendidikan",
        "Data Rombel",
        "Data Anggota Rombel",
        "Data Pembelajaran",
    ] {
        assert!(h.query_all_by_label(label).next().is_some(), "row {label}");
    }
    step_until(&mut h, 60, "Selesai", |h| has(h, "Selesai"));
    assert!(has_part(&h, "Tanggal Kirim : 20"));
    assert!(has(&h, &format!("Data PD : {}", w.truth.peserta_didik)));
    assert!(has(&h, &format!("Data PTK : {}", w.truth.ptk)));
    assert!(has(
        &h,
        &format!("Data Anggota Rombel : {}", w.truth.anggota_rombel)
    ));
    assert!(has(
        &h,
        &format!("Data Pembelajaran : {}", w.truth.pembelajaran)
    ));
    assert!(has_part(&h, "baris terkirim"));
    assert_eq!(t.rt.block_on(w.server_counts()), Some(w.expected()));

    // Enrolled now: the Kode Registrasi field is gone.
    assert!(!has(&h, "Kode Registrasi"));
}

#[test]
fn fields_are_checked_while_typing() {
    let t = Ui::fixture();
    let mut h = t.harness("isian");
    h.step();
    type_into(&mut h, "NPSN", "1234");
    assert!(has(&h, "NPSN harus 8 angka."));
    type_into(&mut h, "NPSN", "5678");
    assert!(!has(&h, "NPSN harus 8 angka."));
    type_into(&mut h, "Token Web Service Dapodik", "ada spasi");
    assert!(has_part(&h, "Token tidak boleh berisi spasi"));
    // Pasting (Ctrl+V) works in the masked token field; stray spaces/newlines are tolerated.
    h.get_by_label("Token Web Service Dapodik").focus();
    h.step();
    h.event(egui::Event::Paste(" Ab12Cd34Ef56Gh7\n".into()));
    h.step();
    h.step();
    assert!(
        h.state()
            .form()
            .token
            .trim_end()
            .ends_with("Ab12Cd34Ef56Gh7"),
        "{:?}",
        h.state().form().token
    );
    // The token is masked until "Tampilkan token" is ticked.
    assert!(!h.state().token_visible());
    click(&mut h, "Tampilkan token");
    assert!(h.state().token_visible());
    // Kirim Data stays disabled while anything is wrong.
    let before = h.state().engine().unwrap().progress().generation;
    click(&mut h, "Kirim Data");
    h.step();
    assert_eq!(
        h.state().engine().unwrap().progress().generation,
        before,
        "no send started"
    );
}

/// One failure scenario: fill the form, press Kirim Data, expect `title` on screen.
#[allow(clippy::too_many_arguments)]
fn expect_failure(
    t: &Ui,
    dir: &str,
    server_url: &str,
    token: &str,
    npsn: &str,
    username: &str,
    kode: &str,
    title: &str,
    advice: &str,
) {
    let mut h = t.harness_with(server_url, dir);
    h.step();
    fill(&mut h, token, npsn, username, Some(kode));
    click(&mut h, "Kirim Data");
    step_until(&mut h, 30, title, |h| {
        has(h, title) || has(h, "Lanjutkan Kirim")
    });
    if has(&h, "Lanjutkan Kirim") {
        click(&mut h, "Lanjutkan Kirim");
        step_until(&mut h, 30, title, |h| has_part(h, title));
    }
    assert!(has_part(&h, advice), "advice {advice:?} for {title:?}");
}

#[test]
fn every_failure_is_explained_in_indonesian() {
    let t = Ui::fixture();
    let w = &t.world;
    let url = w.server_url();
    expect_failure(
        &t,
        "token",
        &url,
        "TokenSalah123",
        &w.npsn,
        &w.username,
        &w.kode,
        "Token Web Service Dapodik salah atau belum terdaftar.",
        "IP Address 127.0.0.1",
    );
    expect_failure(
        &t,
        "npsn",
        &url,
        &w.token,
        "20599999",
        &w.username,
        &w.kode,
        "NPSN tidak ditemukan di aplikasi Dapodik komputer ini.",
        "8 angka",
    );
    expect_failure(
        &t,
        "user",
        &url,
        &w.token,
        &w.npsn,
        "bukan.operator@example.com",
        &w.kode,
        "Username tidak ditemukan di daftar pengguna Dapodik sekolah ini.",
        "menu Pengguna",
    );

    w.sim.faults().update(|f| {
        f.ip_override.insert(w.npsn.clone(), "192.168.1.50".into());
    });
    expect_failure(
        &t,
        "ip",
        &url,
        &w.token,
        &w.npsn,
        &w.username,
        &w.kode,
        "IP Address yang didaftarkan untuk token ini di Dapodik berbeda dengan komputer ini.",
        "127.0.0.1",
    );
    w.sim.faults().reset();

    // Dapodik not running.
    {
        let dir = w.helper_dir("dapodik-mati");
        let mut cfg = w.engine_config(&dir, &url);
        cfg.dapodik_url = "http://127.0.0.1:9".into();
        let init = AppInit {
            rt: t.rt.handle().clone(),
            engine_config: cfg,
            secrets: World::memory_secrets(),
            dinas: DinasInfo::default(),
            npsn: Some(w.npsn.clone()),
            username: Some(w.username.clone()),
            auto: AutoRun::default(),
        };
        let mut h = Harness::builder()
            .with_size(egui::vec2(720.0, 1100.0))
            .build_eframe(move |cc| HelperApp::new(&cc.egui_ctx, init));
        h.step();
        type_into(&mut h, "Token Web Service Dapodik", &w.token);
        type_into(&mut h, "Kode Registrasi", &w.kode);
        click(&mut h, "Kirim Data");
        step_until(&mut h, 30, "Dapodik not running", |h| {
            has(
                h,
                "Aplikasi Dapodik tidak berjalan atau tidak dapat dihubungi.",
            )
        });
    }

    // The server refuses the kode registrasi: its own message is shown.
    expect_failure(
        &t,
        "kode",
        &url,
        &w.token,
        &w.npsn,
        &w.username,
        "SALAH-KODE1",
        "Kode Registrasi atau NPSN ditolak server Dinas.",
        "Keterangan:",
    );
}

#[test]
fn no_internet_retries_by_itself_and_can_be_cancelled() {
    let t = Ui::fixture();
    let w = &t.world;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut h = t.harness_with(&format!("http://127.0.0.1:{port}"), "offline");
    h.step();
    step_until(&mut h, 10, "offline version note", |h| {
        has_part(h, "Versi aplikasi belum bisa dicek")
    });
    fill(&mut h, &w.token, &w.npsn, &w.username, Some(&w.kode));
    click(&mut h, "Kirim Data");
    step_until(&mut h, 30, "the preview", |h| has(h, "Lanjutkan Kirim"));
    click(&mut h, "Lanjutkan Kirim");
    step_until(&mut h, 30, "the retry notice", |h| {
        has_part(
            h,
            "Tidak ada koneksi ke server Dinas. Mencoba lagi otomatis",
        )
    });
    click(&mut h, "Batal");
    step_until(&mut h, 10, "cancelled", |h| {
        has(h, "Pengiriman dibatalkan.")
    });
}

#[test]
fn outdated_helper_cannot_send_and_shows_the_download_link() {
    let t = Ui::fixture();
    let w = &t.world;
    let configured = w.server.state.config.version.info();
    t.rt.block_on(ingest_server::helper_version::set_version_policy(
        w.server.store.as_ref(),
        &configured,
        Some("9.0.0"),
        Some("9.0.0"),
        Some("https://dinas.example/unduhan"),
        None,
    ))
    .unwrap();
    let mut h = t.harness("lama");
    h.step();
    step_until(&mut h, 10, "must-update notice", |h| {
        has_part(h, "sudah tidak bisa dipakai untuk kirim data")
    });
    assert!(has(&h, "https://dinas.example/unduhan"));
    fill(&mut h, &w.token, &w.npsn, &w.username, Some(&w.kode));
    assert!(has_part(&h, "Tombol Kirim Data dimatikan"));
    click(&mut h, "Kirim Data");
    h.step();
    assert_eq!(
        h.state().engine().unwrap().progress().generation,
        0,
        "disabled button does nothing"
    );
}

#[test]
fn the_next_start_resumes_an_unfinished_send_by_itself() {
    let t = Ui::fixture();
    let w = &t.world;
    let proxy = t.rt.block_on(common::FaultProxy::start(w.server.addr));
    let dir = w.helper_dir("mulai-ulang");
    let secrets = World::memory_secrets();
    let app = |secrets: helper_gui::secrets::SharedSecrets| {
        let mut engine_config = w.engine_config(&dir, &proxy.url());
        engine_config.max_offline = None;
        let init = AppInit {
            rt: t.rt.handle().clone(),
            engine_config,
            secrets,
            dinas: DinasInfo::default(),
            npsn: None,
            username: None,
            auto: AutoRun::default(),
        };
        Harness::builder()
            .with_size(egui::vec2(720.0, 1100.0))
            .build_eframe(move |cc| HelperApp::new(&cc.egui_ctx, init))
    };

    // First start: enrollment and the session get through, then the line drops.
    let mut h = app(secrets.clone());
    h.step();
    fill(&mut h, &w.token, &w.npsn, &w.username, Some(&w.kode));
    click(&mut h, "Kirim Data");
    step_until(&mut h, 30, "the preview", |h| has(h, "Lanjutkan Kirim"));
    proxy.cut_after(6_000);
    click(&mut h, "Lanjutkan Kirim");
    step_until(&mut h, 30, "the retry notice", |h| {
        has_part(
            h,
            "Tidak ada koneksi ke server Dinas. Mencoba lagi otomatis",
        )
    });
    // The operator closes the helper (the send is stopped; the outbox keeps it).
    click(&mut h, "Batal");
    step_until(&mut h, 10, "cancelled", |h| {
        has(h, "Pengiriman dibatalkan.")
    });
    drop(h);

    // Next start, line restored: no typing, no click — it finishes the same send.
    proxy.set_down(false);
    let mut h = app(secrets);
    step_until(&mut h, 60, "Selesai after restart", |h| has(h, "Selesai"));
    assert!(has(&h, "Melanjutkan pengiriman yang belum selesai …"));
    assert!(has(&h, &format!("Data PD : {}", w.truth.peserta_didik)));
    assert_eq!(t.rt.block_on(w.server_counts()), Some(w.expected()));
}

#[test]
fn a_newer_version_is_announced_but_sending_stays_possible() {
    let t = Ui::fixture();
    let w = &t.world;
    let configured = w.server.state.config.version.info();
    t.rt.block_on(ingest_server::helper_version::set_version_policy(
        w.server.store.as_ref(),
        &configured,
        Some("0.9.0"),
        None,
        Some("/unduhan"),
        None,
    ))
    .unwrap();
    // A slow line, so the check is still running on the first frames.
    let proxy = t.rt.block_on(common::FaultProxy::start(w.server.addr));
    proxy.set_delay_ms(400);
    let mut h = t.harness_with(&proxy.url(), "baru");
    h.step();
    assert!(
        has(&h, "Cek Versi Aplikasi ..."),
        "the check is shown while it runs"
    );
    step_until(&mut h, 10, "update notice", |h| {
        has_part(h, "Versi baru 0.9.0 sudah tersedia")
    });
    assert!(has_part(&h, "/unduhan"), "download link");
    proxy.set_delay_ms(0);
    fill(&mut h, &w.token, &w.npsn, &w.username, Some(&w.kode));
    assert!(has(&h, "Silahkan Kirim Data !"), "sending is still allowed");
}
