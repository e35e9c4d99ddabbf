//! The four fields, checked while typing.

use crate::messages;
use crate::validate::{self, FormErrors};

use super::app::HelperApp;

const FIELD_WIDTH: f32 = 320.0;

fn field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    password: bool,
    hint: &str,
    enabled: bool,
) -> egui::Response {
    let label = ui.label(egui::RichText::new(label).strong());
    let edit = egui::TextEdit::singleline(value)
        .password(password)
        .hint_text(hint)
        .desired_width(FIELD_WIDTH);
    let response = ui.add_enabled(enabled, edit).labelled_by(label.id);
    ui.end_row();
    response
}

fn problem(ui: &mut egui::Ui, text: Option<&'static str>, show: bool) {
    if let Some(t) = text.filter(|_| show) {
        ui.label("");
        ui.colored_label(ui.visuals().error_fg_color, t);
        ui.end_row();
    }
}

/// Draws the form and returns the current problems.
pub fn show(ui: &mut egui::Ui, app: &mut HelperApp, needs_kode: bool, busy: bool) -> FormErrors {
    let errors = validate::check(&app.form, needs_kode);
    let enabled = !busy;
    egui::Grid::new("formulir")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            // Token: masked by default; pasting works like any text field (Ctrl+V).
            let label = ui.label(egui::RichText::new(messages::LABEL_TOKEN).strong());
            ui.horizontal(|ui| {
                let edit = egui::TextEdit::singleline(&mut app.form.token)
                    .password(!app.show_token)
                    .hint_text("tempel token dari Dapodik")
                    .desired_width(FIELD_WIDTH - 130.0);
                ui.add_enabled(enabled, edit).labelled_by(label.id);
                ui.checkbox(&mut app.show_token, messages::LABEL_SHOW_TOKEN);
            });
            ui.end_row();
            problem(ui, errors.token, !app.form.token.is_empty());

            let r = field(
                ui,
                messages::LABEL_NPSN,
                &mut app.form.npsn,
                false,
                "8 angka",
                enabled,
            );
            problem(ui, errors.npsn, !app.form.npsn.is_empty() || r.lost_focus());

            field(
                ui,
                messages::LABEL_USERNAME,
                &mut app.form.username,
                false,
                "email login Dapodik",
                enabled,
            );
            problem(ui, errors.username, !app.form.username.is_empty());

            if needs_kode {
                field(
                    ui,
                    messages::LABEL_KODE_REGISTRASI,
                    &mut app.form.kode_registrasi,
                    false,
                    "dari Dinas Pendidikan",
                    enabled,
                );
                problem(
                    ui,
                    errors.kode_registrasi,
                    !app.form.kode_registrasi.is_empty(),
                );
                ui.label("");
                ui.label(egui::RichText::new(messages::KODE_HINT).weak());
                ui.end_row();
            }
        });
    errors
}
