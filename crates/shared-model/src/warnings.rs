//! Data-quality warnings the operator should see before sending.
//!
//! Examples identify rows by position (1-based, in getPesertaDidik / getGtk order) and class
//! name only — never by a person's name or number — so they can be logged and shown freely.

use serde::{Deserialize, Serialize};

use crate::lenient::is_blank;
use crate::rows::FlatSnapshot;

/// At most this many examples are kept per warning.
pub const MAX_EXAMPLES: usize = 5;

/// Kind of data-quality problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    SiswaTanpaNisn,
    SiswaTanpaNik,
    SiswaTanpaKelas,
    KelasTanpaWali,
    PtkTanpaNuptk,
}

impl WarningKind {
    /// Stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            WarningKind::SiswaTanpaNisn => "siswa_tanpa_nisn",
            WarningKind::SiswaTanpaNik => "siswa_tanpa_nik",
            WarningKind::SiswaTanpaKelas => "siswa_tanpa_kelas",
            WarningKind::KelasTanpaWali => "kelas_tanpa_wali",
            WarningKind::PtkTanpaNuptk => "ptk_tanpa_nuptk",
        }
    }

    /// Indonesian description of the problem for `count` rows.
    fn describe(self, count: usize) -> String {
        match self {
            WarningKind::SiswaTanpaNisn => format!("{count} peserta didik belum memiliki NISN"),
            WarningKind::SiswaTanpaNik => format!("{count} peserta didik belum memiliki NIK"),
            WarningKind::SiswaTanpaKelas => {
                format!("{count} peserta didik belum masuk rombongan belajar (kelas)")
            }
            WarningKind::KelasTanpaWali => format!("{count} kelas belum memiliki wali kelas"),
            WarningKind::PtkTanpaNuptk => format!("{count} PTK belum memiliki NUPTK"),
        }
    }
}

/// One warning: how many rows have the problem and a few examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataWarning {
    pub kind: WarningKind,
    pub count: usize,
    /// Up to [`MAX_EXAMPLES`] row positions / class names (no personal data).
    pub examples: Vec<String>,
}

impl DataWarning {
    /// Indonesian text, e.g. "2 peserta didik belum memiliki NISN (contoh: baris 4 (Kelas 1),
    /// baris 9 (Kelas 2)). Lengkapi di Dapodik lalu kirim ulang."
    pub fn message_id(&self) -> String {
        let mut text = self.kind.describe(self.count);
        if !self.examples.is_empty() {
            text.push_str(&format!(" (contoh: {})", self.examples.join(", ")));
        }
        text.push_str(". Lengkapi di Dapodik lalu kirim ulang.");
        text
    }
}

struct Collector {
    kind: WarningKind,
    count: usize,
    examples: Vec<String>,
}

impl Collector {
    fn new(kind: WarningKind) -> Self {
        Collector {
            kind,
            count: 0,
            examples: Vec::new(),
        }
    }
    fn hit(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(example());
        }
    }
    fn finish(self) -> Option<DataWarning> {
        (self.count > 0).then_some(DataWarning {
            kind: self.kind,
            count: self.count,
            examples: self.examples,
        })
    }
}

/// All warnings with a non-zero count, in [`WarningKind`] order. Use on a flattened snapshot
/// (class fields of students are only reliable after [`crate::flatten::flatten`]).
pub fn data_warnings(flat: &FlatSnapshot) -> Vec<DataWarning> {
    let mut nisn = Collector::new(WarningKind::SiswaTanpaNisn);
    let mut nik = Collector::new(WarningKind::SiswaTanpaNik);
    let mut kelas = Collector::new(WarningKind::SiswaTanpaKelas);
    for (i, pd) in flat.peserta_didik.iter().enumerate() {
        let at = || match pd.nama_rombel.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(rombel) => format!("baris {} ({rombel})", i + 1),
            None => format!("baris {}", i + 1),
        };
        if is_blank(pd.nisn.as_deref()) {
            nisn.hit(at);
        }
        if is_blank(pd.nik.as_deref()) {
            nik.hit(at);
        }
        if is_blank(pd.rombongan_belajar_id.as_deref()) {
            kelas.hit(at);
        }
    }

    let mut wali = Collector::new(WarningKind::KelasTanpaWali);
    for (i, r) in flat.rombel.iter().enumerate().filter(|(_, r)| r.is_kelas()) {
        if is_blank(r.ptk_id.as_deref()) {
            wali.hit(
                || match r.nama.as_deref().filter(|n| !n.trim().is_empty()) {
                    Some(nama) => nama.to_owned(),
                    None => format!("rombel baris {}", i + 1),
                },
            );
        }
    }

    let mut nuptk = Collector::new(WarningKind::PtkTanpaNuptk);
    for (i, p) in flat.ptk.iter().enumerate() {
        if is_blank(p.nuptk.as_deref()) {
            nuptk.hit(|| format!("baris {} ({})", i + 1, p.kategori().label()));
        }
    }

    [nisn, nik, kelas, wali, nuptk]
        .into_iter()
        .filter_map(Collector::finish)
        .collect()
}
