//! The short preview shown before uploading: counts per kind and data-quality warnings.

use serde::{Deserialize, Serialize};
use shared_model::KindCounts;
use shared_model::rows::FlatSnapshot;

/// One warning line (texts from `shared_model::warnings`, which never name a person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewWarning {
    /// Stable code (`siswa_tanpa_nisn`, …).
    pub code: String,
    pub count: u64,
    /// Indonesian text with a few examples (row positions / class names).
    pub text: String,
}

/// What will be sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub nama_sekolah: Option<String>,
    pub npsn: Option<String>,
    pub semester_id: Option<String>,
    pub counts: KindCounts,
    pub warnings: Vec<PreviewWarning>,
}

impl Preview {
    pub fn from_flat(flat: &FlatSnapshot, semester_id: Option<String>) -> Self {
        let sekolah = flat.sekolah.first();
        Preview {
            nama_sekolah: sekolah.and_then(|s| s.nama.clone()),
            npsn: sekolah.and_then(|s| s.npsn.clone()),
            semester_id,
            counts: flat.counts(),
            warnings: shared_model::warnings::data_warnings(flat)
                .into_iter()
                .map(|w| PreviewWarning {
                    code: w.kind.code().to_owned(),
                    count: w.count as u64,
                    text: w.message_id(),
                })
                .collect(),
        }
    }
}
