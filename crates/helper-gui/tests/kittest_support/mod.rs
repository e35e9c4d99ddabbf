//! Driving the helper window with egui_kittest, shared by `ui.rs` and `ui_screenshots.rs`:
//! the real engine against the in-process world of `common`, widgets found by their labels.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use helper_gui::config::DinasInfo;
use helper_gui::ui::{AppInit, AutoRun, HelperApp};

use crate::common::World;

pub type Window = Harness<'static, HelperApp>;

/// A runtime for the engine and the test world (simulator + server).
pub struct Ui {
    pub rt: tokio::runtime::Runtime,
    pub world: World,
}

impl Ui {
    pub fn fixture() -> Ui {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let world = rt.block_on(World::fixture());
        Ui { rt, world }
    }

    /// A window talking to `server_url`, with its own data folder `dir_name`, `size`
    /// logical points and `dinas` in the footer. `theme`: pictures pass the light theme the
    /// window uses (`HelperApp::new`), or the harness imposes its default, dark.
    pub fn window(
        &self,
        server_url: &str,
        dir_name: &str,
        size: egui::Vec2,
        dinas: DinasInfo,
        theme: Option<egui::Theme>,
    ) -> Window {
        let dir = self.world.helper_dir(dir_name);
        let mut engine_config = self.world.engine_config(&dir, server_url);
        engine_config.max_offline = None; // the window keeps retrying until the operator cancels
        let init = AppInit {
            rt: self.rt.handle().clone(),
            engine_config,
            secrets: World::memory_secrets(),
            dinas,
            npsn: None,
            username: None,
            auto: AutoRun::default(),
        };
        let mut builder = Harness::builder().with_size(size);
        if let Some(theme) = theme {
            builder = builder.with_theme(theme);
        }
        builder.build_eframe(move |cc| HelperApp::new(&cc.egui_ctx, init))
    }
}

/// Steps the UI (the engine works on its own threads) until `done` or the deadline.
pub fn step_until(h: &mut Window, secs: u64, what: &str, done: impl Fn(&Window) -> bool) {
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

pub fn has(h: &Window, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

pub fn has_part(h: &Window, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

pub fn type_into(h: &mut Window, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
    h.step();
}

pub fn click(h: &mut Window, label: &str) {
    h.get_by_label(label).click();
    h.step();
}

/// Types the form's fields, found by the labels the operator sees; the "Kode Registrasi"
/// field appears only while the PC is not enrolled.
pub fn fill(h: &mut Window, token: &str, npsn: &str, username: &str, kode: Option<&str>) {
    type_into(h, "Token Web Service Dapodik", token);
    type_into(h, "NPSN", npsn);
    type_into(h, "Username OPS Dapodik", username);
    if let Some(k) = kode {
        step_until(h, 5, "the Kode Registrasi field", |h| {
            has(h, "Kode Registrasi")
        });
        type_into(h, "Kode Registrasi", k);
    }
}
