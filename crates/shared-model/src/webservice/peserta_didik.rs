//! `getPesertaDidik`: one row per active student (§3.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::classify::Gender;
use crate::lenient;

/// Text the server puts in `anggota_rombel_id` for a student without a class.
pub const BELUM_MASUK_ROMBEL: &str = "Belum masuk ke dalam rombongan belajar";

/// A student row of `getPesertaDidik` (§3.2).
///
/// On the wire the class fields (`anggota_rombel_id`, `rombongan_belajar_id`,
/// `tingkat_pendidikan_id`, `nama_rombel`) and `tinggi_badan`/`berat_badan` may be carried over
/// from the previous row (server quirk); [`crate::flatten`] rewrites the class fields from
/// `getRombonganBelajar`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PesertaDidik {
    /// UUID of the school registration.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub registrasi_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_pendaftaran_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_pendaftaran_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nipd: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tanggal_masuk_sekolah: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sekolah_asal: Option<String>,
    /// Student UUID (stable key).
    #[serde(deserialize_with = "lenient::string")]
    pub peserta_didik_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nisn: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub jenis_kelamin: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nik: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tempat_lahir: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tanggal_lahir: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub agama_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub agama_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alamat_jalan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nomor_telepon_rumah: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nomor_telepon_seluler: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama_ayah: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pekerjaan_ayah_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pekerjaan_ayah_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama_ibu: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pekerjaan_ibu_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pekerjaan_ibu_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama_wali: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pekerjaan_wali_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pekerjaan_wali_id_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub anak_keberapa: Option<String>,
    /// Height in cm; may be carried over from the previous row on the wire (see flatten).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tinggi_badan: Option<String>,
    /// Weight in kg; same caveat as `tinggi_badan`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub berat_badan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub semester_id: Option<String>,
    /// Membership in the regular class, or the text "Belum masuk ke dalam rombongan belajar".
    /// After flattening: rewritten from `anggota_rombel`, `None` when the student has no
    /// regular class.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub anggota_rombel_id: Option<String>,
    /// Class UUID (rewritten by flattening, like `anggota_rombel_id`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub rombongan_belajar_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tingkat_pendidikan_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama_rombel: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kurikulum_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kurikulum_id_str: Option<String>,
    /// Special-needs label. Newer builds only and its JSON type is unconfirmed, so any JSON
    /// value is accepted and kept as received.
    #[serde(default)]
    pub kebutuhan_khusus: Option<Value>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PesertaDidik {
    /// `true` when `anggota_rombel_id` is a real membership UUID (not the "Belum masuk…" text).
    pub fn has_membership_uuid(&self) -> bool {
        self.anggota_rombel_id
            .as_deref()
            .is_some_and(lenient::is_uuid)
    }

    /// Gender from `jenis_kelamin`.
    pub fn gender(&self) -> Option<Gender> {
        Gender::parse(self.jenis_kelamin.as_deref())
    }
}
