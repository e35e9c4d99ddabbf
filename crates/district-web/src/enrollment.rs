//! View models of the kode registrasi pages (list, printed slips).

use serde::{Deserialize, Serialize};

use crate::common::{KecamatanOption, non_empty};

/// A school on the kode registrasi page (codes are stored hashed: never shown here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KodeRegistrasiRow {
    pub npsn: String,
    pub nama: String,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub punya_kode: bool,
    /// When the current code was issued.
    pub dibuat: Option<String>,
    /// Last successful enrollment with the code.
    pub terdaftar: Option<String>,
}

/// `/admin/kode-registrasi`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KodeRegistrasiView {
    pub baris: Vec<KodeRegistrasiRow>,
    pub kecamatan_options: Vec<KecamatanOption>,
    /// Selected kecamatan filter (kode).
    pub kecamatan: Option<String>,
    pub jumlah_tanpa_kode: usize,
}

impl KodeRegistrasiView {
    /// Keeps the rows of `kecamatan` (when given).
    pub fn new(
        baris: Vec<KodeRegistrasiRow>,
        kecamatan_options: Vec<KecamatanOption>,
        kecamatan: Option<String>,
    ) -> Self {
        let kecamatan = non_empty(kecamatan.as_deref());
        let baris: Vec<KodeRegistrasiRow> = baris
            .into_iter()
            .filter(|r| kecamatan.as_deref().is_none_or(|k| r.kode_kecamatan == k))
            .collect();
        KodeRegistrasiView {
            jumlah_tanpa_kode: baris.iter().filter(|r| !r.punya_kode).count(),
            baris,
            kecamatan_options,
            kecamatan,
        }
    }
}

/// One printed slip (the plain code exists only right after it was issued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KodeRegistrasiSlip {
    pub npsn: String,
    pub nama: String,
    pub kecamatan: String,
    pub kode: String,
}

/// Print view of freshly issued codes: one slip per school, to cut and hand out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KodeRegistrasiPrintView {
    pub lembar: Vec<KodeRegistrasiSlip>,
    /// Server address the helper must use, printed on every slip.
    pub alamat_server: String,
    /// Issue time (WIB).
    pub dicetak: String,
}
