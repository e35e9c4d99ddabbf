//! Pictures of the helper window for the operator guide (`docs/operator-guide.md`), taken
//! with egui_kittest against the real engine, an in-process dapodik-sim and a real
//! ingest-server. Every state is asserted by its labels first; then the frame is rendered
//! with egui_kittest's wgpu renderer and saved as `target/screenshots/helper-<state>.png`.
//!
//! Rendering needs a wgpu adapter (on Debian: `mesa-vulkan-drivers`, installed by
//! `scripts/install-test-deps.sh`). Without one the pictures are skipped with a message and
//! the assertions still run; `DBHELPER_REQUIRE_SCREENSHOTS=1` turns the skip into a failure.

mod common;
mod kittest_support;

use std::path::PathBuf;

use helper_gui::config::DinasInfo;
use helper_gui::messages;
use kittest_support::{Ui, Window, click, fill, has, has_part, step_until};

/// The window as the guide shows it: 640 points wide, an example district in the footer.
fn picture_window(t: &Ui, dir_name: &str, height: f32) -> Window {
    let dinas = DinasInfo {
        nama: "DINAS PENDIDIKAN KABUPATEN CONTOH".into(),
        alamat: vec!["Jln. Pendidikan No. 1".into(), "Kode Pos 64400".into()],
        telepon: Some("(0358) 123456".into()),
    };
    t.window(
        &t.world.server_url(),
        dir_name,
        egui::vec2(640.0, height),
        dinas,
        Some(egui::Theme::Light),
    )
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
fn save(h: &mut Window, name: &str) {
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
            test_kit::cannot_run(
                &format!("operator-guide picture {name} (its assertions ran)"),
                &format!("no wgpu renderer: {e}"),
                "scripts/install-test-deps.sh installs mesa's software renderers",
            );
        }
    }
}

/// The first send on a PC: filled form, preview with warnings, then "Selesai".
#[test]
fn operator_guide_pictures_of_a_first_send() {
    let t = Ui::fixture();
    let w = &t.world;
    let mut h = picture_window(&t, "kirim-pertama", 900.0);
    h.step();
    step_until(&mut h, 10, messages::VERSION_LATEST, |h| {
        has(h, messages::VERSION_LATEST)
    });

    fill(&mut h, &w.token, &w.npsn, &w.username, Some(&w.kode));
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
    let mut h = picture_window(&t, "token-salah", 900.0);
    h.step();
    step_until(&mut h, 10, messages::VERSION_LATEST, |h| {
        has(h, messages::VERSION_LATEST)
    });
    fill(&mut h, "TokenSalah123", &w.npsn, &w.username, Some(&w.kode));
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
