//! Public read API bodies: aggregates and public school identity only, never personal data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kinds::{DataKind, KindCounts};
pub use crate::summary::{KelasRecap, PtkRecap};

/// One school's latest committed send (`GET /api/v1/progres`): one row of "Progres Kirim Data".
/// The 8 counts appear both flat (one key per wire kind name, like the table's columns) and
/// grouped under `counts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgresEntry {
    pub kecamatan: String,
    pub nama: String,
    pub npsn: String,
    pub bentuk: String,
    pub status: String,
    /// WIB, `YYYY-MM-DD HH:MM:SS`.
    pub tanggal_kirim: String,
    pub tanggal_kirim_utc: String,
    pub sekolah: u64,
    pub peserta_didik: u64,
    pub ptk: u64,
    pub riwayat_kepangkatan: u64,
    pub riwayat_pendidikan: u64,
    pub rombel: u64,
    pub anggota_rombel: u64,
    pub pembelajaran: u64,
    pub counts: KindCounts,
}

impl ProgresEntry {
    /// Builds an entry; the flat count fields are filled from `counts` so they cannot disagree.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kecamatan: String,
        nama: String,
        npsn: String,
        bentuk: String,
        status: String,
        tanggal_kirim: String,
        tanggal_kirim_utc: String,
        counts: KindCounts,
    ) -> Self {
        ProgresEntry {
            kecamatan,
            nama,
            npsn,
            bentuk,
            status,
            tanggal_kirim,
            tanggal_kirim_utc,
            sekolah: counts.get(DataKind::Sekolah),
            peserta_didik: counts.get(DataKind::PesertaDidik),
            ptk: counts.get(DataKind::Ptk),
            riwayat_kepangkatan: counts.get(DataKind::RiwayatKepangkatan),
            riwayat_pendidikan: counts.get(DataKind::RiwayatPendidikan),
            rombel: counts.get(DataKind::Rombel),
            anggota_rombel: counts.get(DataKind::AnggotaRombel),
            pembelajaran: counts.get(DataKind::Pembelajaran),
            counts,
        }
    }
}

/// A school sending right now (`GET /api/v1/progres/live`): "sedang mengirim".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgresLive {
    pub npsn: String,
    pub nama: String,
    pub kecamatan: String,
    pub started_at_utc: String,
    pub expected: KindCounts,
    pub received: KindCounts,
}

/// `GET /api/v1/sekolah/{npsn}`: public identity plus aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SekolahPublic {
    pub npsn: String,
    pub nama: String,
    pub status: Option<String>,
    pub bentuk: Option<String>,
    pub alamat: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub dusun: Option<String>,
    pub desa_kelurahan: Option<String>,
    pub kecamatan: Option<String>,
    pub kabupaten_kota: Option<String>,
    pub provinsi: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub telepon: Option<String>,
    pub kode_pos: Option<String>,
    pub lintang: Option<String>,
    pub bujur: Option<String>,
    pub ptk: PtkRecap,
    pub kelas: Vec<KelasRecap>,
    /// Last committed send, WIB; None when the school is only in the reference list.
    pub tanggal_kirim: Option<String>,
    pub counts: Option<KindCounts>,
}

/// `GET /api/v1/rekap/satuan-pendidikan`: per kecamatan × bentuk × status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RekapSatuanPendidikan {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub bentuk: String,
    /// `Negeri` or `Swasta`.
    pub status: String,
    /// Schools that have committed at least one send.
    pub sudah_kirim: u64,
    /// Schools in the district's reference list.
    pub total_referensi: u64,
}

/// Convenience for consumers that group rekap rows.
pub type RekapByKecamatan = BTreeMap<String, Vec<RekapSatuanPendidikan>>;
