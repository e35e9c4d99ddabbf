//! View models of the reference import page.

use serde::{Deserialize, Serialize};

/// The current reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferensiSummary {
    pub jumlah_sekolah: u64,
    pub jumlah_kecamatan: u64,
    pub terakhir_impor: Option<String>,
}

/// What a browser import did (mirrors the server's import counts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferensiImportResult {
    pub nama_berkas: String,
    pub jumlah_baris: u64,
    pub kecamatan_baru: u64,
    pub kecamatan_diubah: u64,
    pub sekolah_baru: u64,
    pub sekolah_diubah: u64,
    pub sekolah_tetap: u64,
    pub sekolah_dinonaktifkan: u64,
    /// Refusal messages (the import is all-or-nothing).
    pub galat: Vec<String>,
}

/// A column of the reference file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReferensiColumn {
    pub nama: &'static str,
    pub wajib: bool,
    pub keterangan: &'static str,
}

/// The reference CSV columns the server's importer reads.
pub const REFERENSI_COLUMNS: &[ReferensiColumn] = &[
    ReferensiColumn {
        nama: "npsn",
        wajib: true,
        keterangan: "NPSN 8 karakter",
    },
    ReferensiColumn {
        nama: "nama",
        wajib: true,
        keterangan: "nama satuan pendidikan",
    },
    ReferensiColumn {
        nama: "bentuk",
        wajib: true,
        keterangan: "TK, KB, TPA, SPS, SD, SMP, SMA, SMK, SLB, Kursus, PKBM, SKB",
    },
    ReferensiColumn {
        nama: "status",
        wajib: true,
        keterangan: "Negeri / Swasta",
    },
    ReferensiColumn {
        nama: "kecamatan",
        wajib: true,
        keterangan: "nama kecamatan seperti yang ditampilkan",
    },
    ReferensiColumn {
        nama: "kode_kecamatan",
        wajib: true,
        keterangan: "kode wilayah kecamatan",
    },
    ReferensiColumn {
        nama: "desa",
        wajib: false,
        keterangan: "desa/kelurahan",
    },
    ReferensiColumn {
        nama: "alamat",
        wajib: false,
        keterangan: "alamat jalan",
    },
    ReferensiColumn {
        nama: "lintang, bujur",
        wajib: false,
        keterangan: "koordinat (angka desimal)",
    },
    ReferensiColumn {
        nama: "email, website",
        wajib: false,
        keterangan: "kontak sekolah",
    },
];

/// `/admin/referensi`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferensiImportView {
    pub ringkasan: Option<ReferensiSummary>,
    pub hasil: Option<ReferensiImportResult>,
    pub kolom: &'static [ReferensiColumn],
}

impl ReferensiImportView {
    pub fn new(ringkasan: Option<ReferensiSummary>, hasil: Option<ReferensiImportResult>) -> Self {
        ReferensiImportView {
            ringkasan,
            hasil,
            kolom: REFERENSI_COLUMNS,
        }
    }
}
