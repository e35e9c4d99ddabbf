//! The district's name and address at the bottom, as in the helper operators know.

use crate::config::DinasInfo;
use crate::messages;

pub fn show(ui: &mut egui::Ui, dinas: &DinasInfo) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.label(egui::RichText::new(&dinas.nama).strong());
            // Address lines as in the helper operators know, kept to two lines of height.
            let mut lines = dinas.alamat.clone();
            if let Some(t) = &dinas.telepon {
                lines.push(format!("Telepon: {t}"));
            }
            for pair in lines.chunks(2) {
                ui.label(egui::RichText::new(pair.join("   ·   ")).small());
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Max), |ui| {
            ui.label(
                egui::RichText::new(messages::version_line(crate::engine::HELPER_VERSION))
                    .small()
                    .weak(),
            );
        });
    });
    ui.add_space(4.0);
}
