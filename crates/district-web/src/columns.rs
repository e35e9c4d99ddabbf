// Over 400 lines because the four column sets are data tables; the code around them is short.
//! The staff lists (peserta didik, rombongan belajar, GTK, alamat satuan pendidikan) and
//! their column sets, defined once as data. The HTML table, the CSV and the XLSX of a list
//! are all produced from the same [`Column`] slice through [`Table::build`], so their
//! headers and cells cannot drift apart.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use shared_model::protocol::SekolahPublic;

use crate::export::{self, ExportError};
use crate::privacy::{NikMode, mask_nik};

/// How a column's cells are typed in a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    Text,
    /// Identifier written as text (NPSN, NISN, NIP, NUPTK, kode pos …): leading zeros survive.
    Id,
    /// A NIK: text, masked unless [`NikMode::Revealed`].
    Nik,
    /// A count: a number cell in XLSX.
    Number,
    /// `YYYY-MM-DD`, kept as text.
    Date,
}

/// Header and type of one column, without the accessor (what exports and templates see).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnMeta {
    pub header: Cow<'static, str>,
    pub kind: CellKind,
    /// Suggested minimum width in characters (XLSX).
    pub width: f64,
}

impl ColumnMeta {
    pub fn new(header: impl Into<Cow<'static, str>>, kind: CellKind, width: f64) -> Self {
        ColumnMeta {
            header: header.into(),
            kind,
            width,
        }
    }

    /// A text column.
    pub fn text(header: impl Into<Cow<'static, str>>) -> Self {
        ColumnMeta::new(header, CellKind::Text, 10.0)
    }
}

/// One column of a list: header, type, width and how to read the cell from a row.
pub struct Column<R> {
    pub header: &'static str,
    pub kind: CellKind,
    pub width: f64,
    pub value: fn(&R) -> String,
}

impl<R> Column<R> {
    pub fn meta(&self) -> ColumnMeta {
        ColumnMeta::new(self.header, self.kind, self.width)
    }
}

/// The four staff lists of a kecamatan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    PesertaDidik,
    RombonganBelajar,
    Gtk,
    AlamatSatuanPendidikan,
}

impl ListKind {
    pub const ALL: [ListKind; 4] = [
        ListKind::PesertaDidik,
        ListKind::RombonganBelajar,
        ListKind::Gtk,
        ListKind::AlamatSatuanPendidikan,
    ];

    /// URL segment and file-name stem.
    pub fn slug(self) -> &'static str {
        match self {
            ListKind::PesertaDidik => "peserta-didik",
            ListKind::RombonganBelajar => "rombongan-belajar",
            ListKind::Gtk => "gtk",
            ListKind::AlamatSatuanPendidikan => "alamat-satuan-pendidikan",
        }
    }

    /// Page title (the labels of the district's current site).
    pub fn judul(self) -> &'static str {
        match self {
            ListKind::PesertaDidik => "Data Peserta Didik",
            ListKind::RombonganBelajar => "Data Rombongan Belajar",
            ListKind::Gtk => "Data Guru dan Tenaga Kependidikan",
            ListKind::AlamatSatuanPendidikan => "Data Alamat Satuan Pendidikan",
        }
    }

    /// XLSX sheet name (≤ 31 characters).
    pub fn sheet_name(self) -> &'static str {
        match self {
            ListKind::PesertaDidik => "Peserta Didik",
            ListKind::RombonganBelajar => "Rombongan Belajar",
            ListKind::Gtk => "GTK",
            ListKind::AlamatSatuanPendidikan => "Alamat Satuan Pendidikan",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Whether the list holds personal data (views and downloads are audited).
    pub fn has_personal_data(self) -> bool {
        !matches!(self, ListKind::AlamatSatuanPendidikan)
    }

    /// The column headers and types, "No" included (as [`Table::build`] produces them).
    pub fn columns(self) -> Vec<ColumnMeta> {
        fn metas<R>(cols: &[Column<R>]) -> Vec<ColumnMeta> {
            std::iter::once(no_column())
                .chain(cols.iter().map(Column::meta))
                .collect()
        }
        match self {
            ListKind::PesertaDidik => metas(PESERTA_DIDIK_COLUMNS),
            ListKind::RombonganBelajar => metas(ROMBEL_COLUMNS),
            ListKind::Gtk => metas(GTK_COLUMNS),
            ListKind::AlamatSatuanPendidikan => metas(ALAMAT_COLUMNS),
        }
    }
}

impl Serialize for ListKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("ListKind", 3)?;
        s.serialize_field("slug", self.slug())?;
        s.serialize_field("judul", self.judul())?;
        s.serialize_field("data_pribadi", &self.has_personal_data())?;
        s.end()
    }
}

/// A row type of one of the lists.
pub trait ListRow: Sized + 'static {
    const KIND: ListKind;
    fn columns() -> &'static [Column<Self>];
}

fn no_column() -> ColumnMeta {
    ColumnMeta::new("No", CellKind::Number, 5.0)
}

/// A list rendered to strings: the common input of the HTML table, CSV and XLSX.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<ColumnMeta>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Renders rows with their column set, "No" (1, 2, …) first; NIK cells masked unless
    /// `nik` is [`NikMode::Revealed`].
    pub fn build<R: ListRow>(rows: &[R], nik: NikMode) -> Table {
        let cols = R::columns();
        let columns = std::iter::once(no_column())
            .chain(cols.iter().map(Column::meta))
            .collect();
        let rows = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut cells = Vec::with_capacity(cols.len() + 1);
                cells.push((i + 1).to_string());
                for c in cols {
                    let v = (c.value)(row);
                    cells.push(if c.kind == CellKind::Nik && nik == NikMode::Masked {
                        mask_nik(&v)
                    } else {
                        v
                    });
                }
                cells
            })
            .collect();
        Table { columns, rows }
    }

    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_ref()).collect()
    }

    /// Whether a column holds NIKs.
    pub fn has_nik(&self) -> bool {
        self.columns.iter().any(|c| c.kind == CellKind::Nik)
    }

    /// CSV (UTF-8 with BOM, CRLF, formula-safe): see [`export::to_csv`].
    pub fn to_csv(&self) -> Vec<u8> {
        export::to_csv(&self.headers(), &self.rows)
    }

    /// XLSX: see [`export::to_xlsx`].
    pub fn to_xlsx(&self, sheet_name: &str) -> Result<Vec<u8>, ExportError> {
        export::to_xlsx(sheet_name, &self.columns, &self.rows)
    }
}

fn o(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or_default().to_owned()
}

fn jk(v: &Option<String>) -> String {
    match v.as_deref().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("l") => "L".to_owned(),
        Some(s) if s.eq_ignore_ascii_case("p") => "P".to_owned(),
        other => other.unwrap_or_default().to_owned(),
    }
}

/// One student of the "Data Peserta Didik" list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PesertaDidikListRow {
    pub npsn: String,
    pub nama_sekolah: String,
    pub nama: String,
    pub nipd: Option<String>,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    pub jenis_kelamin: Option<String>,
    pub tempat_lahir: Option<String>,
    pub tanggal_lahir: Option<String>,
    pub agama: Option<String>,
    pub tingkat: Option<String>,
    pub rombel: Option<String>,
    pub tanggal_masuk: Option<String>,
    pub nama_ibu: Option<String>,
}

/// Columns of "Data Peserta Didik".
pub static PESERTA_DIDIK_COLUMNS: &[Column<PesertaDidikListRow>] = &[
    Column {
        header: "NPSN",
        kind: CellKind::Id,
        width: 10.0,
        value: |r| r.npsn.clone(),
    },
    Column {
        header: "Nama Sekolah",
        kind: CellKind::Text,
        width: 28.0,
        value: |r| r.nama_sekolah.clone(),
    },
    Column {
        header: "Nama Peserta Didik",
        kind: CellKind::Text,
        width: 28.0,
        value: |r| r.nama.clone(),
    },
    Column {
        header: "NIPD",
        kind: CellKind::Id,
        width: 10.0,
        value: |r| o(&r.nipd),
    },
    Column {
        header: "NISN",
        kind: CellKind::Id,
        width: 12.0,
        value: |r| o(&r.nisn),
    },
    Column {
        header: "NIK",
        kind: CellKind::Nik,
        width: 18.0,
        value: |r| o(&r.nik),
    },
    Column {
        header: "L/P",
        kind: CellKind::Text,
        width: 5.0,
        value: |r| jk(&r.jenis_kelamin),
    },
    Column {
        header: "Tempat Lahir",
        kind: CellKind::Text,
        width: 16.0,
        value: |r| o(&r.tempat_lahir),
    },
    Column {
        header: "Tanggal Lahir",
        kind: CellKind::Date,
        width: 12.0,
        value: |r| o(&r.tanggal_lahir),
    },
    Column {
        header: "Agama",
        kind: CellKind::Text,
        width: 10.0,
        value: |r| o(&r.agama),
    },
    Column {
        header: "Tingkat",
        kind: CellKind::Text,
        width: 8.0,
        value: |r| o(&r.tingkat),
    },
    Column {
        header: "Rombel",
        kind: CellKind::Text,
        width: 14.0,
        value: |r| o(&r.rombel),
    },
    Column {
        header: "Tanggal Masuk",
        kind: CellKind::Date,
        width: 12.0,
        value: |r| o(&r.tanggal_masuk),
    },
    Column {
        header: "Nama Ibu Kandung",
        kind: CellKind::Text,
        width: 24.0,
        value: |r| o(&r.nama_ibu),
    },
];

impl ListRow for PesertaDidikListRow {
    const KIND: ListKind = ListKind::PesertaDidik;
    fn columns() -> &'static [Column<Self>] {
        PESERTA_DIDIK_COLUMNS
    }
}

/// One rombongan belajar of the "Data Rombongan Belajar" list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RombelListRow {
    pub npsn: String,
    pub nama_sekolah: String,
    pub nama_rombel: String,
    pub tingkat: Option<String>,
    pub jenis_rombel: Option<String>,
    pub kurikulum: Option<String>,
    pub wali_kelas: Option<String>,
    pub ruang: Option<String>,
    pub laki_laki: u64,
    pub perempuan: u64,
    pub jumlah_anggota: u64,
    pub jumlah_pembelajaran: u64,
}

/// Columns of "Data Rombongan Belajar".
pub static ROMBEL_COLUMNS: &[Column<RombelListRow>] = &[
    Column {
        header: "NPSN",
        kind: CellKind::Id,
        width: 10.0,
        value: |r| r.npsn.clone(),
    },
    Column {
        header: "Nama Sekolah",
        kind: CellKind::Text,
        width: 28.0,
        value: |r| r.nama_sekolah.clone(),
    },
    Column {
        header: "Nama Rombel",
        kind: CellKind::Text,
        width: 16.0,
        value: |r| r.nama_rombel.clone(),
    },
    Column {
        header: "Tingkat",
        kind: CellKind::Text,
        width: 8.0,
        value: |r| o(&r.tingkat),
    },
    Column {
        header: "Jenis Rombel",
        kind: CellKind::Text,
        width: 12.0,
        value: |r| o(&r.jenis_rombel),
    },
    Column {
        header: "Kurikulum",
        kind: CellKind::Text,
        width: 22.0,
        value: |r| o(&r.kurikulum),
    },
    Column {
        header: "Wali Kelas",
        kind: CellKind::Text,
        width: 24.0,
        value: |r| o(&r.wali_kelas),
    },
    Column {
        header: "Ruang",
        kind: CellKind::Text,
        width: 12.0,
        value: |r| o(&r.ruang),
    },
    Column {
        header: "Laki-laki",
        kind: CellKind::Number,
        width: 9.0,
        value: |r| r.laki_laki.to_string(),
    },
    Column {
        header: "Perempuan",
        kind: CellKind::Number,
        width: 10.0,
        value: |r| r.perempuan.to_string(),
    },
    Column {
        header: "Jumlah Anggota",
        kind: CellKind::Number,
        width: 10.0,
        value: |r| r.jumlah_anggota.to_string(),
    },
    Column {
        header: "Jumlah Pembelajaran",
        kind: CellKind::Number,
        width: 12.0,
        value: |r| r.jumlah_pembelajaran.to_string(),
    },
];

impl ListRow for RombelListRow {
    const KIND: ListKind = ListKind::RombonganBelajar;
    fn columns() -> &'static [Column<Self>] {
        ROMBEL_COLUMNS
    }
}

/// One PTK assignment of the "Data Guru dan Tenaga Kependidikan" list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GtkListRow {
    pub npsn: String,
    pub nama_sekolah: String,
    pub nama: String,
    pub nik: Option<String>,
    pub nuptk: Option<String>,
    pub nip: Option<String>,
    pub jenis_kelamin: Option<String>,
    pub tempat_lahir: Option<String>,
    pub tanggal_lahir: Option<String>,
    /// "Guru" or "Tendik".
    pub kategori: Option<String>,
    pub jenis_ptk: Option<String>,
    pub jabatan: Option<String>,
    pub status_kepegawaian: Option<String>,
    pub pangkat_golongan: Option<String>,
    pub pendidikan_terakhir: Option<String>,
    pub bidang_studi: Option<String>,
    /// Whether this school is the PTK's induk school.
    pub sekolah_induk: Option<bool>,
    pub tanggal_surat_tugas: Option<String>,
}

/// Columns of "Data Guru dan Tenaga Kependidikan".
pub static GTK_COLUMNS: &[Column<GtkListRow>] = &[
    Column {
        header: "NPSN",
        kind: CellKind::Id,
        width: 10.0,
        value: |r| r.npsn.clone(),
    },
    Column {
        header: "Nama Sekolah",
        kind: CellKind::Text,
        width: 28.0,
        value: |r| r.nama_sekolah.clone(),
    },
    Column {
        header: "Nama",
        kind: CellKind::Text,
        width: 28.0,
        value: |r| r.nama.clone(),
    },
    Column {
        header: "NIK",
        kind: CellKind::Nik,
        width: 18.0,
        value: |r| o(&r.nik),
    },
    Column {
        header: "NUPTK",
        kind: CellKind::Id,
        width: 18.0,
        value: |r| o(&r.nuptk),
    },
    Column {
        header: "NIP",
        kind: CellKind::Id,
        width: 20.0,
        value: |r| o(&r.nip),
    },
    Column {
        header: "L/P",
        kind: CellKind::Text,
        width: 5.0,
        value: |r| jk(&r.jenis_kelamin),
    },
    Column {
        header: "Tempat Lahir",
        kind: CellKind::Text,
        width: 16.0,
        value: |r| o(&r.tempat_lahir),
    },
    Column {
        header: "Tanggal Lahir",
        kind: CellKind::Date,
        width: 12.0,
        value: |r| o(&r.tanggal_lahir),
    },
    Column {
        header: "Guru/Tendik",
        kind: CellKind::Text,
        width: 10.0,
        value: |r| o(&r.kategori),
    },
    Column {
        header: "Jenis PTK",
        kind: CellKind::Text,
        width: 18.0,
        value: |r| o(&r.jenis_ptk),
    },
    Column {
        header: "Jabatan",
        kind: CellKind::Text,
        width: 22.0,
        value: |r| o(&r.jabatan),
    },
    Column {
        header: "Status Kepegawaian",
        kind: CellKind::Text,
        width: 18.0,
        value: |r| o(&r.status_kepegawaian),
    },
    Column {
        header: "Pangkat/Golongan",
        kind: CellKind::Text,
        width: 14.0,
        value: |r| o(&r.pangkat_golongan),
    },
    Column {
        header: "Pendidikan Terakhir",
        kind: CellKind::Text,
        width: 10.0,
        value: |r| o(&r.pendidikan_terakhir),
    },
    Column {
        header: "Bidang Studi",
        kind: CellKind::Text,
        width: 20.0,
        value: |r| o(&r.bidang_studi),
    },
    Column {
        header: "Sekolah Induk",
        kind: CellKind::Text,
        width: 8.0,
        value: |r| match r.sekolah_induk {
            Some(true) => "Ya".to_owned(),
            Some(false) => "Tidak".to_owned(),
            None => String::new(),
        },
    },
    Column {
        header: "Tanggal Surat Tugas",
        kind: CellKind::Date,
        width: 12.0,
        value: |r| o(&r.tanggal_surat_tugas),
    },
];

impl ListRow for GtkListRow {
    const KIND: ListKind = ListKind::Gtk;
    fn columns() -> &'static [Column<Self>] {
        GTK_COLUMNS
    }
}

/// One school of the "Data Alamat Satuan Pendidikan" list (public school identity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlamatSatuanPendidikanRow {
    pub npsn: String,
    pub nama: String,
    pub bentuk: Option<String>,
    pub status: Option<String>,
    pub alamat: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub dusun: Option<String>,
    pub desa_kelurahan: Option<String>,
    pub kecamatan: Option<String>,
    pub kabupaten_kota: Option<String>,
    pub kode_pos: Option<String>,
    pub telepon: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub lintang: Option<String>,
    pub bujur: Option<String>,
    pub tanggal_kirim: Option<String>,
}

impl From<&SekolahPublic> for AlamatSatuanPendidikanRow {
    fn from(s: &SekolahPublic) -> Self {
        AlamatSatuanPendidikanRow {
            npsn: s.npsn.clone(),
            nama: s.nama.clone(),
            bentuk: s.bentuk.clone(),
            status: s.status.clone(),
            alamat: s.alamat.clone(),
            rt: s.rt.clone(),
            rw: s.rw.clone(),
            dusun: s.dusun.clone(),
            desa_kelurahan: s.desa_kelurahan.clone(),
            kecamatan: s.kecamatan.clone(),
            kabupaten_kota: s.kabupaten_kota.clone(),
            kode_pos: s.kode_pos.clone(),
            telepon: s.telepon.clone(),
            email: s.email.clone(),
            website: s.website.clone(),
            lintang: s.lintang.clone(),
            bujur: s.bujur.clone(),
            tanggal_kirim: s.tanggal_kirim.clone(),
        }
    }
}

/// Columns of "Data Alamat Satuan Pendidikan".
pub static ALAMAT_COLUMNS: &[Column<AlamatSatuanPendidikanRow>] = &[
    Column {
        header: "NPSN",
        kind: CellKind::Id,
        width: 10.0,
        value: |r| r.npsn.clone(),
    },
    Column {
        header: "Nama Sekolah",
        kind: CellKind::Text,
        width: 28.0,
        value: |r| r.nama.clone(),
    },
    Column {
        header: "Bentuk",
        kind: CellKind::Text,
        width: 8.0,
        value: |r| o(&r.bentuk),
    },
    Column {
        header: "Status",
        kind: CellKind::Text,
        width: 8.0,
        value: |r| o(&r.status),
    },
    Column {
        header: "Alamat",
        kind: CellKind::Text,
        width: 30.0,
        value: |r| o(&r.alamat),
    },
    Column {
        header: "RT",
        kind: CellKind::Id,
        width: 4.0,
        value: |r| o(&r.rt),
    },
    Column {
        header: "RW",
        kind: CellKind::Id,
        width: 4.0,
        value: |r| o(&r.rw),
    },
    Column {
        header: "Dusun",
        kind: CellKind::Text,
        width: 14.0,
        value: |r| o(&r.dusun),
    },
    Column {
        header: "Desa/Kelurahan",
        kind: CellKind::Text,
        width: 16.0,
        value: |r| o(&r.desa_kelurahan),
    },
    Column {
        header: "Kecamatan",
        kind: CellKind::Text,
        width: 16.0,
        value: |r| o(&r.kecamatan),
    },
    Column {
        header: "Kabupaten/Kota",
        kind: CellKind::Text,
        width: 16.0,
        value: |r| o(&r.kabupaten_kota),
    },
    Column {
        header: "Kode Pos",
        kind: CellKind::Id,
        width: 8.0,
        value: |r| o(&r.kode_pos),
    },
    Column {
        header: "Telepon",
        kind: CellKind::Id,
        width: 14.0,
        value: |r| o(&r.telepon),
    },
    Column {
        header: "Email",
        kind: CellKind::Text,
        width: 24.0,
        value: |r| o(&r.email),
    },
    Column {
        header: "Website",
        kind: CellKind::Text,
        width: 20.0,
        value: |r| o(&r.website),
    },
    Column {
        header: "Lintang",
        kind: CellKind::Text,
        width: 12.0,
        value: |r| o(&r.lintang),
    },
    Column {
        header: "Bujur",
        kind: CellKind::Text,
        width: 12.0,
        value: |r| o(&r.bujur),
    },
    Column {
        header: "Tanggal Kirim",
        kind: CellKind::Text,
        width: 19.0,
        value: |r| o(&r.tanggal_kirim),
    },
];

impl ListRow for AlamatSatuanPendidikanRow {
    const KIND: ListKind = ListKind::AlamatSatuanPendidikan;
    fn columns() -> &'static [Column<Self>] {
        ALAMAT_COLUMNS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers_rows_and_masks_nik() {
        let rows = vec![
            PesertaDidikListRow {
                npsn: "20599901".into(),
                nama: "Ani".into(),
                nisn: Some("0012345678".into()),
                nik: Some("3299010101010007".into()),
                jenis_kelamin: Some("p".into()),
                ..Default::default()
            },
            PesertaDidikListRow {
                npsn: "20599901".into(),
                nama: "Budi".into(),
                ..Default::default()
            },
        ];
        let t = Table::build(&rows, NikMode::Masked);
        assert_eq!(t.headers()[0], "No");
        assert_eq!(t.headers().len(), PESERTA_DIDIK_COLUMNS.len() + 1);
        assert_eq!(t.columns, ListKind::PesertaDidik.columns());
        let nik = t.headers().iter().position(|h| *h == "NIK").unwrap();
        assert_eq!(t.rows[0][nik], "3299********0007");
        assert_eq!(t.rows[0][0], "1");
        assert_eq!(t.rows[1][0], "2");
        assert_eq!(t.rows[0][7], "P");
        assert_eq!(t.rows[1][nik], "");
        let open = Table::build(&rows, NikMode::Revealed);
        assert_eq!(open.rows[0][nik], "3299010101010007");
        assert!(t.has_nik());
    }

    #[test]
    fn list_kinds_round_trip() {
        for k in ListKind::ALL {
            assert_eq!(ListKind::from_slug(k.slug()), Some(k));
            assert!(k.sheet_name().chars().count() <= 31);
            assert_eq!(k.columns()[0].header, "No");
        }
        assert!(
            !ListKind::AlamatSatuanPendidikan
                .columns()
                .iter()
                .any(|c| c.kind == CellKind::Nik)
        );
        assert!(
            ListKind::Gtk
                .columns()
                .iter()
                .any(|c| c.kind == CellKind::Nik)
        );
    }
}
