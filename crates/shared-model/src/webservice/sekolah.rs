//! `getSekolah`: a single object describing the school (§3.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::classify::{Bentuk, StatusSekolah};
use crate::lenient;

/// The school row of `getSekolah` (§3.1). Public identity, no personal data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sekolah {
    /// School UUID (Dapodik key).
    #[serde(deserialize_with = "lenient::string")]
    pub sekolah_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nss: Option<String>,
    /// NPSN (8 digits).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub npsn: Option<String>,
    /// Form of school code (wire type: number).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bentuk_pendidikan_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bentuk_pendidikan_id_str: Option<String>,
    /// `"1"` negeri, `"2"` swasta.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_sekolah: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_sekolah_str: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alamat_jalan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub rt: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub rw: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kode_wilayah: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kode_pos: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nomor_telepon: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nomor_fax: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub website: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_sks: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub lintang: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bujur: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub dusun: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub desa_kelurahan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kecamatan: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kabupaten_kota: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub provinsi: Option<String>,
    /// Fields this crate does not know (newer Dapodik builds); kept and re-sent as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Sekolah {
    /// Form of school, from `bentuk_pendidikan_id_str` then the confirmed ids.
    pub fn bentuk(&self) -> Bentuk {
        Bentuk::detect(
            self.bentuk_pendidikan_id.as_deref(),
            self.bentuk_pendidikan_id_str.as_deref(),
        )
    }

    /// Negeri/Swasta, from `status_sekolah` then `status_sekolah_str`.
    pub fn status(&self) -> Option<StatusSekolah> {
        StatusSekolah::detect(
            self.status_sekolah.as_deref(),
            self.status_sekolah_str.as_deref(),
        )
    }
}
