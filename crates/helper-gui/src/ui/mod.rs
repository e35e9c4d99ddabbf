//! The window (eframe/egui). Everything slow happens in the engine on tokio tasks.

pub mod app;
pub mod footer;
pub mod form;
pub mod progress_view;

use std::process::ExitCode;

pub use app::{AppInit, AutoRun, HelperApp};

use crate::config::{self, CliOverrides};
use crate::engine::EngineConfig;
use crate::messages;
use crate::paths::DataDir;

/// Options of a window run.
#[derive(Debug, Clone, Default)]
pub struct WindowOptions {
    pub data_dir: Option<std::path::PathBuf>,
    pub server_url: Option<String>,
    pub dapodik_url: Option<String>,
    pub auto: AutoRun,
}

fn native_options(renderer: eframe::Renderer) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(messages::APP_TITLE)
            // Fits a 1366×768 screen with the taskbar; panels scroll into view.
            .with_inner_size([680.0, 690.0])
            .with_min_inner_size([520.0, 480.0]),
        renderer,
        persist_window: false,
        ..Default::default()
    }
}

/// Opens the window; returns when it is closed.
pub fn run_window(opts: WindowOptions) -> ExitCode {
    let data_dir = DataDir::resolve(opts.data_dir.as_deref());
    let _log = crate::logging::init(&data_dir, false);
    let cli = CliOverrides {
        server_url: opts.server_url.clone(),
        dapodik_url: opts.dapodik_url.clone(),
    };
    let settings = match config::load(&data_dir, &cli) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("konfigurasi rusak: {e}");
            eprintln!("Konfigurasi rusak: {e}");
            return ExitCode::from(2);
        }
    };
    let secrets: crate::secrets::SharedSecrets = match crate::secrets::for_binary() {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("penyimpanan kredensial tidak tersedia: {e}");
            std::sync::Arc::new(crate::secrets::Unavailable(e))
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("db-helper-engine")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            return ExitCode::from(10);
        }
    };

    // Glow (OpenGL) first: lighter on modest PCs; wgpu if OpenGL is unavailable.
    let renderers = match std::env::var("DBHELPER_RENDERER").as_deref() {
        Ok("wgpu") => vec![eframe::Renderer::Wgpu],
        Ok("glow") => vec![eframe::Renderer::Glow],
        _ => vec![eframe::Renderer::Glow, eframe::Renderer::Wgpu],
    };
    let mut last_error = None;
    for renderer in renderers {
        let init = AppInit {
            rt: rt.handle().clone(),
            engine_config: EngineConfig::from_settings(&settings, data_dir.clone()),
            secrets: secrets.clone(),
            dinas: settings.dinas.clone(),
            npsn: settings.npsn.clone(),
            username: settings.username_ops.clone(),
            auto: opts.auto.clone(),
        };
        let result = eframe::run_native(
            messages::APP_TITLE,
            native_options(renderer),
            Box::new(move |cc| Ok(Box::new(HelperApp::new(&cc.egui_ctx, init)))),
        );
        match result {
            Ok(()) => {
                rt.shutdown_timeout(std::time::Duration::from_secs(2));
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                tracing::warn!(?renderer, "jendela gagal dibuka: {e}");
                last_error = Some(e.to_string());
            }
        }
    }
    eprintln!(
        "Jendela tidak dapat dibuka: {}",
        last_error.unwrap_or_default()
    );
    ExitCode::from(10)
}
