//! `getRombonganBelajar`: rombel rows with nested members and teaching assignments (§3.4).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::classify::RombelJenis;
use crate::lenient;

/// A rombel row of `getRombonganBelajar` without the nested lists (§3.4); this is also the
/// row shape of [`crate::DataKind::Rombel`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rombel {
    /// Row key.
    #[serde(deserialize_with = "lenient::string")]
    pub rombongan_belajar_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tingkat_pendidikan_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tingkat_pendidikan_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub semester_id: Option<String>,
    /// `"1"` kelas, `"51"` ekstrakurikuler, others special (see [`Rombel::jenis`]).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_rombel: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kurikulum_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kurikulum_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_ruang: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_ruang_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub moving_class: Option<String>,
    /// Homeroom teacher (wali kelas), joins to getGtk `ptk_id`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ptk_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ptk_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_rombel_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jurusan_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jurusan_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_kelas_ekskul: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_ekskul: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nm_ekskul: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sk_ekskul: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_ekskul_str: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Rombel {
    /// Kind of rombel from `jenis_rombel` (`"1"` kelas, `"51"` ekstrakurikuler).
    pub fn jenis(&self) -> RombelJenis {
        RombelJenis::from_code(self.jenis_rombel.as_deref())
    }

    /// A regular class (`jenis_rombel` = 1): what the public pages call a "kelas".
    pub fn is_kelas(&self) -> bool {
        self.jenis() == RombelJenis::Kelas
    }

    /// Whether membership in this rombel counts as the student's class for
    /// getPesertaDidik (`jenis_rombel` 1 or 8–14, §3.2).
    pub fn is_regular(&self) -> bool {
        self.jenis_rombel
            .as_deref()
            .and_then(lenient::code_number)
            .is_some_and(|c| c == 1 || (8..=14).contains(&c))
    }
}

/// One entry of `anggota_rombel` (membership, §3.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnggotaRombel {
    /// Membership key.
    #[serde(deserialize_with = "lenient::string")]
    pub anggota_rombel_id: String,
    /// Joins to getPesertaDidik (the student may be missing there).
    #[serde(deserialize_with = "lenient::string")]
    pub peserta_didik_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_pendaftaran_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_pendaftaran_id_str: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `pembelajaran` (teaching assignment, §3.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pembelajaran {
    /// Row key.
    #[serde(deserialize_with = "lenient::string")]
    pub pembelajaran_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mata_pelajaran_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mata_pelajaran_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ptk_terdaftar_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ptk_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama_mata_pelajaran: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub induk_pembelajaran_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jam_mengajar_per_minggu: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_di_kurikulum: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_di_kurikulum_str: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A full `getRombonganBelajar` row.
///
/// `anggota_rombel` is empty when missing or `null`; `pembelajaran` keeps the difference
/// between "absent" (`None`, e.g. ekskul rows) and "empty" and is not serialised when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RombonganBelajar {
    #[serde(flatten)]
    pub rombel: Rombel,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub anggota_rombel: Vec<AnggotaRombel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pembelajaran: Option<Vec<Pembelajaran>>,
}
