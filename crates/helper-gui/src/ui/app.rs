//! The eframe app: thin. It owns the form values, sends [`Command`]s to the engine task and
//! draws the latest [`crate::engine::Progress`]; it never waits on I/O.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::DinasInfo;
use crate::engine::{
    Command, Engine, EngineConfig, EngineHandle, Phase, SendRequest, VersionStatus,
};
use crate::failure::Failure;
use crate::messages;
use crate::secrets::SharedSecrets;
use crate::validate::{self, FormValues};

use super::{footer, form, progress_view};

/// Unattended runs of the real window (benchmark, screenshot). Hidden CLI flags.
#[derive(Debug, Clone, Default)]
pub struct AutoRun {
    /// Press "Kirim Data" with the saved values at start and confirm the preview.
    pub kirim: bool,
    /// Save a PNG of the window (after the send when `kirim`, else once the version is known).
    pub screenshot: Option<PathBuf>,
    /// Close the window when the send ends.
    pub exit_when_done: bool,
}

/// Everything needed to build the app (the engine is created here, with a repaint callback).
pub struct AppInit {
    pub rt: tokio::runtime::Handle,
    pub engine_config: EngineConfig,
    pub secrets: SharedSecrets,
    pub dinas: DinasInfo,
    pub npsn: Option<String>,
    pub username: Option<String>,
    pub auto: AutoRun,
}

pub struct HelperApp {
    engine: Result<EngineHandle, Failure>,
    pub(super) form: FormValues,
    pub(super) show_token: bool,
    dinas: DinasInfo,
    /// NPSN → whether this PC holds a school token (asked once per NPSN).
    enrolled: HashMap<String, bool>,
    auto: AutoRun,
    /// (generation, phase) last drawn: the enrollment cache is refreshed when it changes.
    seen_phase: (u64, Phase),
    /// (generation, phase) whose panel was scrolled into view.
    revealed: (u64, Phase),
    auto_started: bool,
    settled_at: Option<std::time::Instant>,
    auto_confirmed: u64,
    screenshot_requested: bool,
    screenshot_done: Arc<AtomicBool>,
    close_sent: bool,
}

impl HelperApp {
    pub fn new(ctx: &egui::Context, init: AppInit) -> Self {
        ctx.set_theme(egui::Theme::Light);
        // "→" (Pengaturan → Web Service) is only in the monospace font: let proportional text
        // fall back to it instead of drawing a box.
        let mut fonts = egui::FontDefinitions::default();
        if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional)
            && fonts.font_data.contains_key("Hack")
        {
            family.push("Hack".to_owned());
        }
        ctx.set_fonts(fonts);
        ctx.global_style_mut(|s| {
            s.spacing.item_spacing = egui::vec2(8.0, 6.0);
            s.spacing.interact_size.y = 24.0;
        });
        let repaint_ctx = ctx.clone();
        let notify = Arc::new(move || repaint_ctx.request_repaint());
        let engine = Engine::new(init.engine_config, init.secrets, notify)
            .map(|engine| EngineHandle::spawn(&init.rt, engine, true));
        let mut app = HelperApp {
            engine,
            form: FormValues {
                npsn: init.npsn.unwrap_or_default(),
                username: init.username.unwrap_or_default(),
                ..FormValues::default()
            },
            show_token: false,
            dinas: init.dinas,
            enrolled: HashMap::new(),
            auto: init.auto,
            seen_phase: (0, Phase::Idle),
            revealed: (0, Phase::Idle),
            auto_started: false,
            settled_at: None,
            auto_confirmed: 0,
            screenshot_requested: false,
            screenshot_done: Arc::new(AtomicBool::new(false)),
            close_sent: false,
        };
        if let Ok(handle) = &app.engine {
            handle.command(Command::CheckVersion);
            let engine = handle.engine().clone();
            if validate::check_npsn(&app.form.npsn).is_none()
                && let Some(t) = engine.saved_dapodik_token(app.form.npsn.trim())
            {
                app.form.token = t;
            }
            // "The next start resumes the unfinished send."
            match engine.outbox().unfinished(None) {
                Ok(Some(s)) if engine.is_resumable(&s) => {
                    tracing::info!(send_id = s.id, "pengiriman tertunda ditemukan saat mulai");
                    app.form.npsn = s.npsn.clone();
                    app.form.username = s.username_ops.clone();
                    handle.command(Command::Send(SendRequest {
                        npsn: s.npsn,
                        username_ops: s.username_ops,
                        ..SendRequest::default()
                    }));
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("outbox tidak terbaca: {e}"),
            }
        }
        app
    }

    /// The values typed so far.
    pub fn form(&self) -> &FormValues {
        &self.form
    }

    /// Whether the token field shows its text ("Tampilkan token").
    pub fn token_visible(&self) -> bool {
        self.show_token
    }

    pub fn engine(&self) -> Option<&EngineHandle> {
        self.engine.as_ref().ok()
    }

    /// Whether the kode registrasi field is needed for the NPSN typed.
    fn needs_kode(&mut self) -> bool {
        let Ok(handle) = &self.engine else {
            return false;
        };
        if handle.progress().needs_kode {
            return true;
        }
        let npsn = self.form.npsn.trim().to_owned();
        if validate::check_npsn(&npsn).is_some() {
            return false;
        }
        let engine = handle.engine().clone();
        !*self
            .enrolled
            .entry(npsn.clone())
            .or_insert_with(|| engine.has_school_token(&npsn).unwrap_or(false))
    }

    fn start_send(&mut self) {
        let Ok(handle) = &self.engine else { return };
        let v = validate::normalise(&self.form);
        let kode = (!v.kode_registrasi.is_empty()).then(|| v.kode_registrasi.clone());
        self.enrolled.clear();
        handle.command(Command::Send(SendRequest {
            npsn: v.npsn,
            username_ops: v.username,
            dapodik_token: Some(v.token),
            kode_registrasi: kode,
            remember_token: true,
        }));
    }

    fn run_auto(&mut self, ctx: &egui::Context) {
        let Ok(handle) = self.engine.clone() else {
            return;
        };
        let (phase, generation, version_known) = {
            let p = handle.progress();
            (p.phase, p.generation, p.version != VersionStatus::Checking)
        };
        if self.auto.kirim && !self.auto_started && version_known {
            self.auto_started = true;
            if !phase.is_busy() {
                self.start_send();
            }
        }
        if self.auto.kirim && phase == Phase::Preview && self.auto_confirmed != generation {
            self.auto_confirmed = generation;
            handle.command(Command::Confirm(true));
        }
        let finished =
            matches!(phase, Phase::Done | Phase::Failed) && (!self.auto.kirim || self.auto_started);
        let settled = if self.auto.kirim {
            finished
        } else {
            version_known
        };
        // Let the scroll to the new panel finish before taking the picture.
        if !settled {
            self.settled_at = None;
        } else if self.settled_at.is_none() {
            self.settled_at = Some(std::time::Instant::now());
        }
        let ready_for_picture = self
            .settled_at
            .is_some_and(|t| t.elapsed() >= std::time::Duration::from_millis(800));
        if let Some(path) = self.auto.screenshot.clone()
            && ready_for_picture
            && !self.screenshot_requested
        {
            self.screenshot_requested = true;
            let done = self.screenshot_done.clone();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Err(e) = save_png(&path, &image) {
                    eprintln!("tangkapan layar gagal disimpan: {e}");
                } else {
                    println!("tangkapan layar: {}", path.display());
                }
                done.store(true, Ordering::SeqCst);
                repaint.request_repaint();
            });
        }
        let screenshot_pending =
            self.auto.screenshot.is_some() && !self.screenshot_done.load(Ordering::SeqCst);
        let want_close = (self.auto.exit_when_done && finished && !screenshot_pending)
            || (self.auto.screenshot.is_some()
                && !self.auto.kirim
                && self.screenshot_done.load(Ordering::SeqCst));
        if want_close && !self.close_sent {
            self.close_sent = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if self.auto.screenshot.is_some() || self.auto.kirim {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// Draws the whole window into `ui` (also what the kittest harness runs).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("judul").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.heading(egui::RichText::new(messages::APP_TITLE).strong());
                ui.label(
                    egui::RichText::new(messages::version_app_line(crate::engine::HELPER_VERSION))
                        .weak(),
                );
            });
            ui.add_space(4.0);
        });
        egui::Panel::bottom("kaki").show(ui, |ui| footer::show(ui, &self.dinas));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| self.body(ui));
        });
    }

    fn body(&mut self, ui: &mut egui::Ui) {
        let handle = match &self.engine {
            Ok(h) => h.clone(),
            Err(f) => {
                let _ = progress_view::failure(ui, f);
                return;
            }
        };
        let progress = handle.progress().clone();
        if (progress.generation, progress.phase) != self.seen_phase {
            self.seen_phase = (progress.generation, progress.phase);
            self.enrolled.clear();
        }
        let needs_kode = self.needs_kode();
        let busy = progress.phase.is_busy();

        let errors = form::show(ui, self, needs_kode, busy);
        ui.add_space(6.0);
        progress_view::version(ui, &progress.version);
        let outdated = matches!(progress.version, VersionStatus::MustUpdate { .. });

        let form_ok = errors.is_ok();
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let enabled = form_ok && !busy && !outdated;
            let button = egui::Button::new(egui::RichText::new(messages::BUTTON_KIRIM).strong())
                .min_size(egui::vec2(140.0, 32.0));
            let mut response = ui.add_enabled(enabled, button);
            if outdated {
                response = response.on_disabled_hover_text(messages::KIRIM_DISABLED_OUTDATED);
            }
            if response.clicked() {
                self.start_send();
            }
            if busy
                && progress.phase != Phase::Preview
                && ui.button(messages::BUTTON_BATAL).clicked()
            {
                handle.command(Command::Cancel);
            }
            if !busy && form_ok && !outdated && progress.phase == Phase::Idle {
                ui.label(messages::READY_HINT);
            }
        });
        if outdated {
            ui.colored_label(
                ui.visuals().error_fg_color,
                messages::KIRIM_DISABLED_OUTDATED,
            );
        }

        ui.add_space(10.0);
        if let Some(answer) = progress_view::show(ui, &progress, &mut self.revealed) {
            handle.command(Command::Confirm(answer));
        }
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let img = image::RgbaImage::from_raw(w as u32, h as u32, bytes).ok_or("ukuran gambar salah")?;
    img.save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| e.to_string())
}

impl eframe::App for HelperApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.run_auto(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn persist_egui_memory(&self) -> bool {
        false
    }
}
