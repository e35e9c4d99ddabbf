//! `getGtk`: one row per PTK assignment, with nested histories (§3.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::classify::{Gender, PtkKategori};
use crate::lenient;

/// A PTK (teacher or education staff) row of `getGtk` without the nested histories
/// (§3.3); this is also the row shape of [`crate::DataKind::Ptk`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ptk {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tahun_ajaran_id: Option<String>,
    /// UUID of the assignment at this school (row key).
    #[serde(deserialize_with = "lenient::string")]
    pub ptk_terdaftar_id: String,
    /// Person UUID (stable key).
    #[serde(deserialize_with = "lenient::string")]
    pub ptk_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ptk_induk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tanggal_surat_tugas: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_kelamin: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tempat_lahir: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tanggal_lahir: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub agama_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub agama_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nuptk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nik: Option<String>,
    /// PTK type; the code set changed in mid-2024 (see `classify`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_ptk_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_ptk_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jabatan_ptk_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jabatan_ptk_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_kepegawaian_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_kepegawaian_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nip: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pendidikan_terakhir: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bidang_studi_terakhir: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pangkat_golongan_terakhir: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Ptk {
    /// Kepala sekolah / guru / tendik / lainnya (see [`PtkKategori::of`]).
    pub fn kategori(&self) -> PtkKategori {
        PtkKategori::of(self)
    }

    /// Gender from `jenis_kelamin`.
    pub fn gender(&self) -> Option<Gender> {
        Gender::parse(self.jenis_kelamin.as_deref())
    }
}

/// One entry of `rwy_pend_formal` (formal education history, §3.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RwyPendFormal {
    /// Row key.
    #[serde(deserialize_with = "lenient::string")]
    pub riwayat_pendidikan_formal_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub satuan_pendidikan_formal: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub fakultas: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kependidikan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tahun_masuk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tahun_lulus: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nim: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_kuliah: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub semester: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ipk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub prodi: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_reg_pd: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bidang_studi_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenjang_pendidikan_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub gelar_akademik_id_str: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `rwy_kepangkatan` (rank history, §3.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RwyKepangkatan {
    /// Row key.
    #[serde(deserialize_with = "lenient::string")]
    pub riwayat_kepangkatan_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nomor_sk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tanggal_sk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tmt_pangkat: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub masa_kerja_gol_tahun: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub masa_kerja_gol_bulan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pangkat_golongan_id_str: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A full `getGtk` row: the PTK fields plus the two nested histories.
///
/// The nested lists are empty when the key is missing or `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gtk {
    #[serde(flatten)]
    pub ptk: Ptk,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub rwy_pend_formal: Vec<RwyPendFormal>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub rwy_kepangkatan: Vec<RwyKepangkatan>,
}
