//! Pictures of the helper window for the operator guide (`docs/operator-guide.md`), taken
//! with egui_kittest against the real engine, an in-process dapodik-sim and a real
//! ingest-server. Every state is asserted by its labels first; then the frame is rendered
//! with egui_kittest's wgpu renderer and saved as `target/screenshots/helper-<state>.png`.
//!
//! Rendering needs a wgpu adapter (on Debian: `mesa-vulkan-drivers`, installed by
//! `scripts/install-test-deps.sh`). Without one the pictures are skipped with a message and
//! the assertions still run; `DBHELPER_REQUIRE_SCREENSHOTS=1` turns the skip into a failure.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::World;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use helper_gui::config::DinasInfo;
use helper_gui::messages;
use helper_gui::ui::{AppInit, AutoRun, HelperApp};

struct Ui {
    rt: tokio::runtime::Runtime,
    world: World,
}

impl Ui {
    fn fixture() -> Ui {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let world = rt.block_on(World::fixture());
        Ui { rt, world }
    }

    fn harness(&self, dir_name: &str, height: f32) -> Harness<'static, HelperApp> {
        let dir = self.world.helper_dir(dir_name);
        let mut engine_config = self.world.engine_config(&dir, &self.world.server_url());
        engine_config.max_offline = None;
        let init = AppInit {
            rt: self.rt.handle().clone(),
            engine_config,
            secrets: World::memory_secrets(),
            dinas: DinasInfo {
                nama: "DINAS PENDIDIKAN KABUPATEN CONTOH".into(),
                alamat: vec!["Jln. Pendidikan No. 1".into(), "Kode Pos 64400".into()],
                telepon: Some("(0358) 123456".into()),
            },
            npsn: None,
            username: None,
            auto: AutoRun::default(),
        };
        // The window always uses the light theme (`HelperApp::new`); the harness would
        // otherwise impose its default, dark.
        Harness::builder()
            .with_size(egui::vec2(640.0, height))
            .with_theme(egui::Theme::Light)
            .build_eframe(move |cc| HelperApp::new(&cc.egui_ctx, init))
    }
}

fn shots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    dir
}

/// Renders the current frame and saves it; skips (or fails, if required) without an adapter.
fn save(h: &mut Harness<'static, HelperApp>, name: &str) {
    // No mouse pointer in the picture; a few frames so the layout (scrolling to the newest
    // panel) settles.
    h.event(egui::Event::PointerGone);
    for _ in 0..3 {
        h.step();
    }
    match h.render() {
        Ok(img) => {
            assert!(img.width() >= 600 && img.height() >= 400);
            let first = *img.get_pixel(0, 0);
            assert!(
                img.pixels().filter(|p| **p != first).count() > 5_000,
                "{name}: the picture shows something"
            );
            let path = shots_dir().join(format!("helper-{name}.png"));
            img.save(&path).expect("write png");
            eprintln!("screenshot saved: {}", path.display());
        }
        Err(e) => {
            assert!(
                std::env::var_os("DBHELPER_REQUIRE_SCREENSHOTS").is_none(),
                "no wgpu renderer for {name}: {e}"
            );
            eprintln!("SKIP picture {name}: no wgpu renderer ({e})");
        }
    }
}

fn step_until(
    h: &mut Harness<'static, HelperApp>,
    secs: u64,
    what: &str,
    done: impl Fn(&Harness<'static, HelperApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        h.step();
        if done(h) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn has(h: &Harness<'static, HelperApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

fn has_part(h: &Harness<'static, HelperApp>, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

fn type_into(h: &mut Harness<'static, HelperApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
    h.step();
}

fn click(h: &mut Harness<'static, HelperApp>, label: &str) {
    h.get_by_label(label).click();
    h.step();
}

fn fill(h: &mut Harness<'static, HelperApp>, token: &str, npsn: &str, username: &str, kode: &str) {
    type_into(h, messages::LABEL_TOKEN, token);
    type_into(h, messages::LABEL_NPSN, npsn);
    type_into(h, messages::LABEL_USERNAME, username);
    step_until(h, 5, "the Kode Registrasi field", |h| {
        has(h, messages::LABEL_KODE_REGISTRASI)
    });
    type_into(h, messages::LABEL_KODE_REGISTRASI, kode);
}

/// The first send on a PC: filled form, preview with warnings, then "Selesai".
#[test]
fn operator_guide_pictures_of_a_first_send() {
    let t = Ui::fixture();
    let w = &t.world;
    let mut h = t.harness("kirim-pertama", 900.0);
    h.step();
    step_until(&mut h, 10, messages::VERSION_LATEST, |h| {
        has(h, messages::VERSION_LATEST)
    });

    fill(&mut h, &w.token, &w.npsn, &w.username, &w.kode);
    assert!(has(&h, messages::READY_HINT));
    assert!(has(&h, messages::KODE_HINT));
    assert!(has(&h, messages::BUTTON_KIRIM));
    assert!(has(&h, "DINAS PENDIDIKAN KABUPATEN CONTOH"));
    assert!(
        !has_part(&h, &w.token),
        "the token is masked in the picture"
    );
    save(&mut h, "formulir");

    click(&mut h, messages::BUTTON_KIRIM);
    step_until(&mut h, 30, "the preview", |h| {
        has(h, messages::BUTTON_LANJUT)
    });
    assert!(has(&h, messages::HEADING_PREVIEW));
    assert!(has(&h, messages::PREVIEW_HINT));
    assert!(has(&h, messages::HEADING_WARNINGS));
    // The fixture school has data-quality gaps: the preview names them and says it can still send.
    assert!(has_part(&h, "• "), "at least one warning line");
    assert!(has_part(&h, "Lengkapi di Dapodik lalu kirim ulang."));
    assert!(has(&h, messages::WARNING_ADVICE));
    assert!(has(&h, &w.truth.peserta_didik.to_string()));
    save(&mut h, "pratinjau");

    click(&mut h, messages::BUTTON_LANJUT);
    step_until(&mut h, 60, messages::HEADING_SELESAI, |h| {
        has(h, messages::HEADING_SELESAI)
    });
    assert!(has(&h, messages::SELESAI_TEXT));
    assert!(has_part(&h, "Tanggal Kirim : 20"));
    assert!(has(&h, &format!("Data PD : {}", w.truth.peserta_didik)));
    assert!(has(&h, &format!("Data PTK : {}", w.truth.ptk)));
    assert!(has_part(&h, messages::STATE_SENT));
    assert_eq!(t.rt.block_on(w.server_counts()), Some(w.expected()));
    save(&mut h, "selesai");
}

/// A wrong token: the title and the numbered steps of `messages::describe`.
#[test]
fn operator_guide_picture_of_a_wrong_token() {
    let t = Ui::fixture();
    let w = &t.world;
    let mut h = t.harness("token-salah", 900.0);
    h.step();
    step_until(&mut h, 10, messages::VERSION_LATEST, |h| {
        has(h, messages::VERSION_LATEST)
    });
    fill(&mut h, "TokenSalah123", &w.npsn, &w.username, &w.kode);
    click(&mut h, messages::BUTTON_KIRIM);
    let expected = messages::describe(&helper_gui::failure::Failure::new(
        helper_gui::failure::FailureKind::DapodikTokenInvalid,
    ));
    step_until(&mut h, 30, "the token failure", |h| has(h, &expected.title));
    for (i, step) in expected.advice.iter().enumerate() {
        assert!(has(&h, &format!("{}. {step}", i + 1)), "step {step:?}");
    }
    // The row that was being pulled when it failed says so instead of still looking busy.
    assert!(has(&h, messages::STATE_STOPPED));
    assert!(!has(&h, messages::STATE_PULLING));
    save(&mut h, "galat-token");
}
