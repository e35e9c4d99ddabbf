//! View models of the staff area (login required). These may carry personal data; the
//! render functions refuse them to anonymous viewers, and kecamatan pages to staff whose
//! role may not open that kecamatan.

use serde::{Deserialize, Serialize};

use crate::auth::{Permission, Role};
use crate::columns::{CellKind, ListKind, ListRow, Table};
use crate::privacy::{NikMode, nik_for_display};
use crate::program::{
    MatchedBy, MatchedRow, ParsedProgramList, Program, ProgramKecamatanRecap, ProgramListError,
    ProgramMatch, ProgramSekolahRecap, RowError, recap_per_kecamatan, recap_per_sekolah,
};
use crate::ratelimit::RateLimited;
use crate::views::common::Pager;
use crate::views::public::KecamatanProgress;

/// The login form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoginView {
    /// Prefilled username after a failed attempt (never the password).
    pub username: String,
    pub galat: Option<String>,
    /// Local path to return to after login (see [`safe_next_path`]).
    pub berikutnya: Option<String>,
}

impl LoginView {
    pub fn new() -> Self {
        LoginView::default()
    }

    /// Keeps `next` (from `?berikutnya=`) only when it is a local path ([`safe_next_path`]).
    pub fn with_next(mut self, next: Option<&str>) -> Self {
        self.berikutnya = next.and_then(safe_next_path);
        self
    }

    /// After a failed attempt: one message for wrong username *or* password.
    pub fn gagal(username: &str, next: Option<&str>) -> Self {
        LoginView {
            username: username.trim().chars().take(100).collect(),
            galat: Some("Nama pengguna atau kata sandi salah.".to_owned()),
            berikutnya: None,
        }
        .with_next(next)
    }

    /// When the rate limiter refuses the attempt (answer 429).
    pub fn terkunci(username: &str, limited: &RateLimited, next: Option<&str>) -> Self {
        LoginView {
            username: username.trim().chars().take(100).collect(),
            galat: Some(limited.message()),
            berikutnya: None,
        }
        .with_next(next)
    }
}

/// Accepts only a local path (`/staf/...`) as a post-login redirect target (no open redirect:
/// no scheme, no `//host`, no backslash, no control characters).
pub fn safe_next_path(next: &str) -> Option<String> {
    let n = next.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control() || c.is_whitespace())
        && n.len() <= 512;
    ok.then(|| n.to_owned())
}

/// `/staf`: the kecamatan this user may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StafBerandaView {
    pub kecamatan: Vec<KecamatanProgress>,
    pub program: Vec<Program>,
    /// Whether the user may upload program lists.
    pub bisa_unggah: bool,
}

impl StafBerandaView {
    /// Keeps only the kecamatan `role` may open.
    pub fn build(role: &Role, all: Vec<KecamatanProgress>) -> Self {
        StafBerandaView {
            kecamatan: all
                .into_iter()
                .filter(|k| role.can_view_kecamatan(&k.kode_kecamatan))
                .collect(),
            program: Program::ALL.to_vec(),
            bisa_unggah: role.allows(Permission::UnggahDaftarProgram),
        }
    }
}

/// Numbers of one kecamatan (from the latest snapshots).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KecamatanStats {
    pub jumlah_sekolah: u64,
    pub sekolah_kirim: u64,
    pub jumlah_pd: u64,
    pub jumlah_rombel: u64,
    pub jumlah_gtk: u64,
}

/// `/staf/kecamatan/{kode}`: numbers, the four lists with their downloads, program recaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KecamatanDashboardView {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub statistik: KecamatanStats,
    pub daftar: Vec<ListKind>,
    pub program: Vec<Program>,
}

impl KecamatanDashboardView {
    pub fn new(
        kode_kecamatan: impl Into<String>,
        kecamatan: impl Into<String>,
        statistik: KecamatanStats,
    ) -> Self {
        KecamatanDashboardView {
            kode_kecamatan: kode_kecamatan.into(),
            kecamatan: kecamatan.into(),
            statistik,
            daftar: ListKind::ALL.to_vec(),
            program: Program::ALL.to_vec(),
        }
    }
}

/// A school in a filter select box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SekolahOption {
    pub npsn: String,
    pub nama: String,
}

/// `/staf/kecamatan/{kode}/daftar/{daftar}`: one of the four lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataListView {
    pub jenis: ListKind,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    /// Built with the list's column set (the same as the downloads).
    pub tabel: Table,
    /// CSS class per column (`num` for counts, `nowrap` for identifiers and dates).
    pub kelas_kolom: Vec<&'static str>,
    /// Whether the list has a NIK column (offers "Buka NIK lengkap").
    pub punya_nik: bool,
    pub nik_terbuka: bool,
    pub sekolah_options: Vec<SekolahOption>,
    /// Selected school filter.
    pub npsn: Option<String>,
    /// Server-side paging; `None` = all rows on one page with client-side paging.
    pub pager: Option<Pager>,
}

impl DataListView {
    /// The list of `rows` (all rows, or one page of them with [`DataListView::with_pager`]).
    pub fn new<R: ListRow>(
        kode_kecamatan: impl Into<String>,
        kecamatan: impl Into<String>,
        rows: &[R],
        nik: NikMode,
    ) -> Self {
        let tabel = Table::build(rows, nik);
        DataListView {
            jenis: R::KIND,
            kode_kecamatan: kode_kecamatan.into(),
            kecamatan: kecamatan.into(),
            punya_nik: tabel.has_nik(),
            kelas_kolom: tabel
                .columns
                .iter()
                .map(|c| match c.kind {
                    CellKind::Number => "num",
                    CellKind::Id | CellKind::Nik | CellKind::Date => "nowrap",
                    CellKind::Text => "",
                })
                .collect(),
            tabel,
            nik_terbuka: nik == NikMode::Revealed,
            sekolah_options: Vec::new(),
            npsn: None,
            pager: None,
        }
    }

    /// Adds the school filter select.
    pub fn with_sekolah_filter(
        mut self,
        options: Vec<SekolahOption>,
        selected: Option<String>,
    ) -> Self {
        self.sekolah_options = options;
        self.npsn = selected.filter(|s| !s.trim().is_empty());
        self
    }

    /// Marks the rows as one page of a longer list: numbering continues from `pager.dari`.
    pub fn with_pager(mut self, pager: Pager) -> Self {
        let first = pager.dari.max(1);
        for (i, row) in self.tabel.rows.iter_mut().enumerate() {
            if let Some(no) = row.first_mut() {
                *no = (first + i as u64).to_string();
            }
        }
        self.pager = Some(pager);
        self
    }
}

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
            crate::views::common::natural_cmp(&a.nama_sekolah, &b.nama_sekolah)
                .then_with(|| crate::views::common::natural_cmp(&a.nama, &b.nama))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_view_keeps_only_local_next_paths() {
        assert_eq!(
            LoginView::gagal("budi", Some("//evil.example")).berikutnya,
            None
        );
        assert_eq!(
            LoginView::new()
                .with_next(Some("/staf"))
                .berikutnya
                .as_deref(),
            Some("/staf")
        );
        let limited = RateLimited {
            retry_after: std::time::Duration::from_secs(120),
        };
        let v = LoginView::terkunci(" budi ", &limited, None);
        assert_eq!(v.username, "budi");
        assert!(v.galat.unwrap().contains("2 menit"));
    }

    #[test]
    fn next_paths_are_local_only() {
        assert_eq!(
            safe_next_path("/staf/kecamatan/1").as_deref(),
            Some("/staf/kecamatan/1")
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "staf",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn staff_home_keeps_own_kecamatan_for_korwil() {
        let all = vec![
            KecamatanProgress {
                kode_kecamatan: "1".into(),
                kecamatan: "A".into(),
                sudah_kirim: 1,
                total_referensi: 2,
            },
            KecamatanProgress {
                kode_kecamatan: "2".into(),
                kecamatan: "B".into(),
                sudah_kirim: 0,
                total_referensi: 2,
            },
        ];
        let korwil = Role::Korwil {
            kode_kecamatan: "2".into(),
        };
        let v = StafBerandaView::build(&korwil, all.clone());
        assert_eq!(v.kecamatan.len(), 1);
        assert_eq!(v.kecamatan[0].kode_kecamatan, "2");
        assert!(!v.bisa_unggah);
        assert_eq!(
            StafBerandaView::build(&Role::StafDinas, all)
                .kecamatan
                .len(),
            2
        );
    }
}
