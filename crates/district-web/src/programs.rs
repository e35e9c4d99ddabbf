//! View models of the aid-programme pages (recap per kecamatan, upload result).

use serde::Serialize;

use crate::privacy::{NikMode, nik_for_display};
use crate::program::{
    MatchedBy, MatchedRow, ParsedProgramList, Program, ProgramKecamatanRecap, ProgramListError,
    ProgramMatch, ProgramSekolahRecap, RowError, recap_per_kecamatan, recap_per_sekolah,
};

/// A recipient row on a recap page (NIK masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PenerimaRow {
    pub nama: String,
    pub nisn: String,
    pub nik: String,
    pub jenis_kelamin: String,
    pub npsn: String,
    pub nama_sekolah: String,
    pub rombel: String,
    pub tahun: u16,
    pub dicocokkan: MatchedBy,
    pub catatan: Option<String>,
}

/// `/staf/kecamatan/{kode}/program/{program}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramRecapView {
    pub program: Program,
    pub tahun: Option<u16>,
    pub tahun_options: Vec<u16>,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub per_sekolah: Vec<ProgramSekolahRecap>,
    pub penerima: Vec<PenerimaRow>,
    pub total_penerima: usize,
}

impl ProgramRecapView {
    /// From every matched row the server holds: keeps this program, year (when given) and
    /// kecamatan.
    pub fn build(
        program: Program,
        tahun: Option<u16>,
        tahun_options: Vec<u16>,
        kode_kecamatan: &str,
        kecamatan: &str,
        matched: &[MatchedRow],
    ) -> Self {
        let rows: Vec<MatchedRow> = matched
            .iter()
            .filter(|m| m.program == program && tahun.is_none_or(|t| m.tahun == t))
            .filter(|m| m.kode_kecamatan.trim() == kode_kecamatan.trim())
            .cloned()
            .collect();
        let per_sekolah = recap_per_sekolah(&rows, kode_kecamatan);
        let mut penerima: Vec<PenerimaRow> = rows
            .iter()
            .map(|m| PenerimaRow {
                nama: m.nama.clone(),
                nisn: m.nisn.clone().unwrap_or_default(),
                nik: nik_for_display(m.nik.as_deref(), NikMode::Masked),
                jenis_kelamin: m.jenis_kelamin.clone().unwrap_or_default(),
                npsn: m.npsn.clone(),
                nama_sekolah: m.nama_sekolah.clone(),
                rombel: m.rombel.clone().unwrap_or_default(),
                tahun: m.tahun,
                dicocokkan: m.dicocokkan,
                catatan: m.catatan.clone(),
            })
            .collect();
        penerima.sort_by(|a, b| {
            crate::common::natural_cmp(&a.nama_sekolah, &b.nama_sekolah)
                .then_with(|| crate::common::natural_cmp(&a.nama, &b.nama))
        });
        let mut tahun_options = tahun_options;
        tahun_options.sort_unstable_by(|a, b| b.cmp(a));
        tahun_options.dedup();
        ProgramRecapView {
            program,
            tahun,
            tahun_options,
            kode_kecamatan: kode_kecamatan.to_owned(),
            kecamatan: kecamatan.to_owned(),
            total_penerima: penerima.len(),
            per_sekolah,
            penerima,
        }
    }
}

/// An unmatched list row on the upload result (NIK masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TidakCocokRow {
    pub baris: usize,
    pub nisn: String,
    pub nik: String,
    pub nama: String,
    pub program: Program,
    pub tahun: u16,
    pub alasan: String,
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramUploadResult {
    pub nama_berkas: String,
    /// The whole file was refused (then everything else is empty).
    pub galat_berkas: Option<String>,
    pub kolom: Vec<&'static str>,
    pub jumlah_baris_valid: usize,
    pub jumlah_cocok: usize,
    pub jumlah_tidak_cocok: usize,
    pub galat: Vec<RowError>,
    pub tidak_cocok: Vec<TidakCocokRow>,
    pub per_kecamatan: Vec<ProgramKecamatanRecap>,
}

impl ProgramUploadResult {
    pub fn from_parsed(
        nama_berkas: &str,
        parsed: &ParsedProgramList,
        hasil: &ProgramMatch,
    ) -> Self {
        ProgramUploadResult {
            nama_berkas: nama_berkas.to_owned(),
            galat_berkas: None,
            kolom: parsed.kolom.clone(),
            jumlah_baris_valid: parsed.rows.len(),
            jumlah_cocok: hasil.matched.len(),
            jumlah_tidak_cocok: hasil.unmatched.len(),
            galat: parsed.errors.clone(),
            tidak_cocok: hasil
                .unmatched
                .iter()
                .map(|u| TidakCocokRow {
                    baris: u.baris,
                    nisn: u.nisn.clone().unwrap_or_default(),
                    nik: nik_for_display(u.nik.as_deref(), NikMode::Masked),
                    nama: u.nama.clone().unwrap_or_default(),
                    program: u.program,
                    tahun: u.tahun,
                    alasan: u.alasan.clone(),
                })
                .collect(),
            per_kecamatan: recap_per_kecamatan(&hasil.matched),
        }
    }

    pub fn failed(nama_berkas: &str, error: &ProgramListError) -> Self {
        ProgramUploadResult {
            nama_berkas: nama_berkas.to_owned(),
            galat_berkas: Some(error.to_string()),
            kolom: Vec::new(),
            jumlah_baris_valid: 0,
            jumlah_cocok: 0,
            jumlah_tidak_cocok: 0,
            galat: Vec::new(),
            tidak_cocok: Vec::new(),
            per_kecamatan: Vec::new(),
        }
    }
}

/// `/staf/program`: the upload form, and the result after an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramUploadView {
    pub program_options: Vec<Program>,
    pub tahun_default: u16,
    pub hasil: Option<ProgramUploadResult>,
}

impl ProgramUploadView {
    pub fn new(tahun_default: u16, hasil: Option<ProgramUploadResult>) -> Self {
        ProgramUploadView {
            program_options: Program::ALL.to_vec(),
            tahun_default,
            hasil,
        }
    }
}
