//! "Progres Kirim Data": overall bar, one row per kind, the preview, the receipt, failures.

use shared_model::DataKind;
use shared_model::protocol::CommitReceipt;

use crate::engine::{KindProgress, KindState, Phase, Progress, VersionStatus};
use crate::failure::Failure;
use crate::messages;
use crate::preview::Preview;

/// The version line under the form.
pub fn version(ui: &mut egui::Ui, v: &VersionStatus) {
    match v {
        VersionStatus::Checking => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(messages::VERSION_CHECKING);
            });
        }
        VersionStatus::UpToDate => {
            ui.colored_label(
                egui::Color32::from_rgb(0, 120, 60),
                messages::VERSION_LATEST,
            );
        }
        VersionStatus::UpdateAvailable {
            latest,
            download_url,
        } => {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    messages::update_available(latest),
                );
                ui.hyperlink_to(download_url.as_str(), download_url);
            });
        }
        VersionStatus::MustUpdate { min, download_url } => {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    messages::must_update(crate::engine::HELPER_VERSION, min),
                );
                ui.hyperlink_to(download_url.as_str(), download_url);
            });
        }
        VersionStatus::Unknown => {
            ui.label(egui::RichText::new(messages::VERSION_OFFLINE).weak());
        }
    }
}

fn kind_text(k: &KindProgress, phase: Phase) -> String {
    // A failed send leaves the kind that was in flight; it must not look busy.
    let in_flight = matches!(k.state, KindState::Pulling | KindState::Uploading);
    if phase == Phase::Failed && in_flight {
        return messages::STATE_STOPPED.to_owned();
    }
    match k.state {
        KindState::Waiting => messages::STATE_WAITING.to_owned(),
        KindState::Pulling => messages::STATE_PULLING.to_owned(),
        KindState::Pulled => format!("{} baris {}", k.rows, messages::STATE_PULLED),
        KindState::Uploading => format!(
            "{} / {} baris terkirim",
            k.uploaded_rows.min(k.rows),
            k.rows
        ),
        KindState::Sent => format!("{} baris {}", k.rows, messages::STATE_SENT),
    }
}

fn kind_fraction(k: &KindProgress) -> f32 {
    match k.state {
        KindState::Waiting | KindState::Pulling => 0.0,
        KindState::Pulled => 0.0,
        KindState::Uploading if k.rows > 0 => k.uploaded_rows.min(k.rows) as f32 / k.rows as f32,
        KindState::Uploading => 0.0,
        KindState::Sent => 1.0,
    }
}

fn phase_text(phase: Phase) -> Option<&'static str> {
    match phase {
        Phase::Pulling => Some(messages::PHASE_PULL),
        Phase::Preview => Some(messages::PHASE_PREVIEW),
        Phase::Enrolling => Some(messages::PHASE_ENROLL),
        Phase::Uploading => Some(messages::PHASE_UPLOAD),
        Phase::Committing => Some(messages::PHASE_COMMIT),
        Phase::Idle | Phase::Done | Phase::Failed => None,
    }
}

/// Scrolls a panel that just appeared (preview, receipt, failure) into view once, so it is
/// seen on small screens (1366×768 school PCs).
fn reveal(ui: &mut egui::Ui, rect: egui::Rect, p: &Progress, revealed: &mut (u64, Phase)) {
    if *revealed != (p.generation, p.phase) {
        *revealed = (p.generation, p.phase);
        ui.scroll_to_rect(rect, Some(egui::Align::Max));
    }
}

/// Draws the progress section. Returns the operator's answer to the preview, if given.
/// `revealed` remembers which panel was already scrolled into view.
pub fn show(ui: &mut egui::Ui, p: &Progress, revealed: &mut (u64, Phase)) -> Option<bool> {
    let mut answer = None;
    ui.heading(messages::HEADING_PROGRES);
    if p.phase == Phase::Idle && p.generation == 0 {
        return None;
    }
    phase_and_bar(ui, p);
    kinds_grid(ui, p);

    if p.phase == Phase::Preview
        && let Some(preview) = &p.preview
    {
        ui.add_space(8.0);
        let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
            answer = preview_panel(ui, preview);
        });
        reveal(ui, frame.response.rect, p, revealed);
    }

    if p.phase == Phase::Done
        && let Some(r) = &p.receipt
    {
        ui.add_space(8.0);
        let frame = egui::Frame::group(ui.style()).show(ui, |ui| receipt_panel(ui, r));
        reveal(ui, frame.response.rect, p, revealed);
    }

    if p.phase == Phase::Failed
        && let Some(f) = &p.failure
    {
        ui.add_space(8.0);
        let rect = failure(ui, f);
        reveal(ui, rect, p, revealed);
    }
    answer
}

/// The resume note, what is happening now, the overall bar and the retry notice.
fn phase_and_bar(ui: &mut egui::Ui, p: &Progress) {
    if p.resumed_from.is_some() {
        ui.label(messages::RESUMING);
    }
    if let Some(text) = phase_text(p.phase) {
        ui.horizontal(|ui| {
            if p.phase != Phase::Preview {
                ui.spinner();
            }
            ui.label(text);
        });
    }
    ui.add(
        egui::ProgressBar::new(p.overall())
            .show_percentage()
            .desired_width(ui.available_width().min(560.0)),
    );
    if let Some(n) = &p.retry_notice {
        ui.colored_label(ui.visuals().warn_fg_color, n);
    }
    ui.add_space(4.0);
}

/// One row per data kind: label, bar, counts.
fn kinds_grid(ui: &mut egui::Ui, p: &Progress) {
    egui::Grid::new("progres_per_jenis")
        .num_columns(3)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for kind in DataKind::ALL {
                let k = p.kind(kind);
                ui.label(kind.label());
                ui.add(
                    egui::ProgressBar::new(kind_fraction(k))
                        .desired_width(140.0)
                        .desired_height(10.0),
                );
                ui.label(kind_text(k, p.phase));
                ui.end_row();
            }
        });
}

/// The preview before uploading; returns the operator's answer when a button is clicked.
fn preview_panel(ui: &mut egui::Ui, preview: &Preview) -> Option<bool> {
    let mut answer = None;
    ui.heading(messages::HEADING_PREVIEW);
    if let Some(nama) = &preview.nama_sekolah {
        ui.label(egui::RichText::new(nama).strong());
    }
    ui.label(messages::PREVIEW_HINT);
    egui::Grid::new("pratinjau").num_columns(2).show(ui, |ui| {
        for (kind, n) in preview.counts.iter() {
            ui.label(kind.label());
            ui.label(n.to_string());
            ui.end_row();
        }
    });
    ui.add_space(4.0);
    ui.label(egui::RichText::new(messages::HEADING_WARNINGS).strong());
    if preview.warnings.is_empty() {
        ui.label(messages::NO_WARNINGS);
    } else {
        for w in &preview.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, format!("• {}", w.text));
        }
        ui.label(egui::RichText::new(messages::WARNING_ADVICE).weak());
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        if ui
            .button(egui::RichText::new(messages::BUTTON_LANJUT).strong())
            .clicked()
        {
            answer = Some(true);
        }
        if ui.button(messages::BUTTON_BATAL).clicked() {
            answer = Some(false);
        }
    });
    answer
}

/// "Selesai" with the date and the 8 counts as the server recorded them.
fn receipt_panel(ui: &mut egui::Ui, r: &CommitReceipt) {
    ui.heading(
        egui::RichText::new(messages::HEADING_SELESAI).color(egui::Color32::from_rgb(0, 120, 60)),
    );
    ui.label(messages::SELESAI_TEXT);
    ui.label(
        egui::RichText::new(format!(
            "{} : {}",
            messages::LABEL_TANGGAL_KIRIM,
            r.tanggal_kirim
        ))
        .strong(),
    );
    // Two counts per line.
    egui::Grid::new("tanda_terima")
        .num_columns(2)
        .spacing([32.0, 4.0])
        .show(ui, |ui| {
            let counts: Vec<_> = r.counts.iter().collect();
            for pair in counts.chunks(2) {
                for (kind, n) in pair {
                    ui.label(format!("{} : {n}", kind.label()));
                }
                ui.end_row();
            }
        });
}

/// A failure: what happened, what to do, and the detail. Returns where it was drawn.
pub fn failure(ui: &mut egui::Ui, f: &Failure) -> egui::Rect {
    let m = messages::describe(f);
    egui::Frame::group(ui.style())
        .fill(egui::Color32::from_rgb(253, 236, 234))
        .stroke(egui::Stroke::new(1.0, egui::Color32::from_rgb(200, 60, 50)))
        .show(ui, |ui| {
            ui.set_width(ui.available_width().min(600.0));
            ui.label(
                egui::RichText::new(&m.title)
                    .strong()
                    .color(egui::Color32::from_rgb(160, 30, 20)),
            );
            for (i, a) in m.advice.iter().enumerate() {
                ui.label(format!("{}. {a}", i + 1));
            }
            if let Some(d) = &f.detail {
                ui.label(egui::RichText::new(format!("Keterangan: {d}")).weak());
            }
        })
        .response
        .rect
}
